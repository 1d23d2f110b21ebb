// The one result type of the services (issue #19): a service that can refuse returns a Result instead of
// throwing, and the route turns a refusal into the action failure of its form (toActionFailure in
// app/utils/forms.server.ts). Unexpected errors still throw (and become a 500 with a request id).

/** Why a service refused, in plain words for the person who asked. `field` names the form field it concerns. */
export interface Refusal {
  message: string;
  field?: string;
  /** The HTTP status the route answers with (400 unless said: 404 gone, 409 conflict, 429 too many). */
  status?: number;
  /** With 429: when to try again (the route sends it as Retry-After). */
  retryAfterSeconds?: number;
}

export type Result<T = undefined, F extends Refusal = Refusal> = { ok: true; value: T } | { ok: false; failure: F };

export function ok<T>(value: T): { ok: true; value: T };
export function ok(): { ok: true; value: undefined };
export function ok<T>(value?: T) {
  return { ok: true as const, value };
}

export function refuse<F extends Refusal>(failure: F): { ok: false; failure: F } {
  return { ok: false, failure };
}
