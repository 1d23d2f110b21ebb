import type { z } from 'zod';

export type FieldErrors = Record<string, string[]>;

const MAX_FIELD_ERRORS = 50;
const MAX_NAMED_FIELDS = 5;

/**
 * The one failure shape of every action (issue #19): which form failed (`intent`, null on a page with one form),
 * the messages per field, one message for the whole form, and what was typed so the form shows it again.
 * Built by actionFailure / invalidForm / toActionFailure in forms.server.ts; success redirects (303) or returns
 * the page's own data.
 */
export interface ActionFailure {
  ok: false;
  intent: string | null;
  fieldErrors: FieldErrors;
  formError: string | null;
  values: Record<string, string>;
}

/**
 * Every message of a failure, the form's first: for a form of hidden fields (a button in a table row), whose
 * messages have no field to stand next to.
 */
export function failureMessages(failure: Pick<ActionFailure, 'formError' | 'fieldErrors'>): string[] {
  return [...(failure.formError ? [failure.formError] : []), ...Object.values(failure.fieldErrors).flat()];
}

export type FormResult<T> =
  | { ok: true; data: T }
  | { ok: false; fieldErrors: FieldErrors; formErrors: string[]; values: Record<string, string> };

/** Form fields as strings (the last value wins for repeated names unless the schema asks for arrays). */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === 'string') values[key] = value;
  }
  return values;
}

/** One way to validate every form: the zod schema decides, errors come back per field. */
export function parseFormData<S extends z.ZodType>(formData: FormData, schema: S): FormResult<z.infer<S>> {
  const values = formValues(formData);
  // NUL characters cannot be stored (PostgreSQL text) and are never typed by a person.
  const withNul = Object.keys(values).filter((k) => values[k].includes('\u0000'));
  if (withNul.length > 0) {
    const fieldErrors = Object.fromEntries(withNul.map((k) => [k, ['Remove the invisible NUL character']]));
    return {
      ok: false,
      fieldErrors,
      formErrors: [],
      values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.replaceAll('\u0000', '')])),
    };
  }
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  // What a 400 echoes back is bounded (issue #22): unknown fields are named (a few, shortened), never echoed,
  // and at most MAX_FIELD_ERRORS fields get messages.
  const fieldErrors: FieldErrors = {};
  const formErrors: string[] = [];
  const unknown = new Set<string>();
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) unknown.add(key);
      continue;
    }
    const key = issue.path.map(String).join('.');
    if (!key) formErrors.push(issue.message);
    else if (key in fieldErrors || Object.keys(fieldErrors).length < MAX_FIELD_ERRORS)
      (fieldErrors[key] ??= []).push(issue.message);
  }
  if (unknown.size > 0) {
    const named = [...unknown].slice(0, MAX_NAMED_FIELDS).map((k) => (k.length > 40 ? `${k.slice(0, 40)}…` : k));
    const more = unknown.size - named.length;
    formErrors.unshift(
      `Unexpected field${unknown.size > 1 ? 's' : ''}: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
    );
    for (const key of unknown) delete values[key];
  }
  return { ok: false, fieldErrors, formErrors, values };
}
