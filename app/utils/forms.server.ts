import { json } from '@remix-run/node';
import type { ActionFailure, FieldErrors, FormResult } from './forms';
import type { Refusal } from './result';

type FailureInit = {
  intent?: string | null;
  fieldErrors?: FieldErrors;
  formError?: string | null;
  values?: Record<string, string>;
};

/** The action's answer when its form cannot be done: one shape for every form (ActionFailure). */
export function actionFailure(init: FailureInit, response: { status?: number; headers?: HeadersInit } = {}) {
  const failure: ActionFailure = {
    ok: false,
    intent: init.intent ?? null,
    fieldErrors: init.fieldErrors ?? {},
    formError: init.formError ?? null,
    values: init.values ?? {},
  };
  return json<ActionFailure>(failure, { status: response.status ?? 400, headers: response.headers });
}

/** What a failed form shows again: what was typed, except passwords (never sent back to the browser). */
export function typedValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !/password/i.test(key)));
}

/**
 * A form that failed its zod schema (parseFormData): 400 with the messages per field and what was typed. The
 * `intent` is a hidden field, so a message about it (an unknown action) is the form's message.
 */
export function invalidForm(parsed: Extract<FormResult<unknown>, { ok: false }>, intent: string | null = null) {
  const { intent: intentErrors = [], ...fieldErrors } = parsed.fieldErrors;
  return actionFailure({
    intent,
    fieldErrors,
    formError: [...parsed.formErrors, ...intentErrors].join(' ') || null,
    values: typedValues(parsed.values),
  });
}

/** A service's refusal (Result) as the form's failure: next to its field if it names one, else for the form. */
export function toActionFailure(
  refusal: Refusal,
  { intent = null, values = {} }: { intent?: string | null; values?: Record<string, string> } = {},
) {
  const onField = refusal.field
    ? { fieldErrors: { [refusal.field]: [refusal.message] } }
    : { formError: refusal.message };
  const headers = refusal.retryAfterSeconds ? { 'Retry-After': String(refusal.retryAfterSeconds) } : undefined;
  return actionFailure({ intent, values: typedValues(values), ...onField }, { status: refusal.status ?? 400, headers });
}
