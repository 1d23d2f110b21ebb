import { json } from '@remix-run/node';
import type { ActionFailure, FieldErrors, FormResult } from './forms';
import type { Refusal } from './result';

type FailureInit = {
  intent?: string | null;
  fieldErrors?: FieldErrors;
  formError?: string | null;
  values?: Record<string, string>;
};

/**
 * The action's answer when its form cannot be done: one shape for every form (ActionFailure). `extra` adds what
 * one page's form shows beside its errors (the meeting page: the item's project and a colleague's verdict).
 */
export function actionFailure<X extends object = Record<never, never>>(
  init: FailureInit & { extra?: X },
  response: { status?: number; headers?: HeadersInit } = {},
) {
  const failure: ActionFailure = {
    ok: false,
    intent: init.intent ?? null,
    fieldErrors: init.fieldErrors ?? {},
    formError: init.formError ?? null,
    values: init.values ?? {},
  };
  return json<ActionFailure & X>(
    { ...(init.extra as X), ...failure },
    { status: response.status ?? 400, headers: response.headers },
  );
}

/** What a failed form shows again: what was typed, except passwords (never sent back to the browser). */
export function typedValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !/password/i.test(key)));
}

/**
 * A form that failed its zod schema (parseFormData): 400 with the messages per field and what was typed. The
 * intent is a hidden field (which form was sent), so an error on it (an unknown intent) is the form's error.
 */
export function invalidForm<X extends object = Record<never, never>>(
  parsed: Extract<FormResult<unknown>, { ok: false }>,
  intent: string | null = null,
  extra?: X,
) {
  const { intent: intentErrors = [], ...fieldErrors } = parsed.fieldErrors;
  return actionFailure<X>({
    intent,
    extra,
    fieldErrors,
    formError: [...parsed.formErrors, ...intentErrors].join(' ') || null,
    values: typedValues(parsed.values),
  });
}

/** A service's refusal (Result) as the form's failure: next to its field if it names one, else for the form. */
export function toActionFailure<X extends object = Record<never, never>>(
  refusal: Refusal,
  { intent = null, values = {}, extra }: { intent?: string | null; values?: Record<string, string>; extra?: X } = {},
) {
  const onField = refusal.field
    ? { fieldErrors: { [refusal.field]: [refusal.message] } }
    : { formError: refusal.message };
  const headers = refusal.retryAfterSeconds ? { 'Retry-After': String(refusal.retryAfterSeconds) } : undefined;
  return actionFailure<X>(
    { intent, values: typedValues(values), extra, ...onField },
    { status: refusal.status ?? 400, headers },
  );
}
