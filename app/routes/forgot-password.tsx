import type { ActionFunctionArgs, HeadersFunction, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { Field } from '~/components/ui/field';
import { ForgotPasswordSchema, requestPasswordReset } from '~/modules/auth/forgot-password.server';
import { getDb } from '~/utils/db.server';
import { parseFormData } from '~/utils/forms';
import { clientIp, retryAfterOf } from '~/utils/http.server';

export const meta: MetaFunction = () => [{ title: 'Forgot your password · Inspection Forum' }];

export const headers: HeadersFunction = ({ actionHeaders }) => retryAfterOf(actionHeaders);

type ActionResult = { sent?: boolean; fieldErrors?: Record<string, string[]>; formError?: string; email: string };

// Open to everyone, signed in or not: it only ever sends a link to the address's own inbox.
export async function action({ request }: ActionFunctionArgs) {
  const parsed = parseFormData(await request.formData(), ForgotPasswordSchema);
  if (!parsed.ok)
    return json<ActionResult>(
      { fieldErrors: parsed.fieldErrors, formError: parsed.formErrors[0], email: parsed.values.email ?? '' },
      { status: 400 },
    );
  const { email } = parsed.data;
  const result = await requestPasswordReset(getDb(), { email, ip: clientIp(request), request });
  if (result.limited) {
    return json<ActionResult>(
      {
        formError: `Too many requests for a password link. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minutes.`,
        email,
      },
      { status: 429, headers: { 'Retry-After': String(result.retryAfterSeconds) } },
    );
  }
  return json<ActionResult>({ sent: true, email });
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  return (
    <div className="narrow card">
      <h1>Forgot your password?</h1>
      {result?.sent ? (
        <div role="status" className="stack">
          <p>
            If <strong>{result.email}</strong> belongs to an account, we have sent it a link to choose a new password.
            The link works once, within 24 hours.
          </p>
          <p className="muted">Nothing arrived? Check your spam folder, or ask an administrator of this site.</p>
          <p>
            <Link to="/login">Back to sign in</Link>
          </p>
        </div>
      ) : (
        <>
          <p>Enter the email address of your account, and we will email you a link to choose a new password.</p>
          <Form method="post" noValidate>
            {result?.formError ? (
              <p className="form-error" role="alert">
                {result.formError}
              </p>
            ) : null}
            <Field
              label="Email"
              name="email"
              type="email"
              autoComplete="username"
              required
              maxLength={254}
              defaultValue={result?.email ?? ''}
              errors={result?.fieldErrors?.email}
              autoFocus
            />
            <button type="submit" className="button" disabled={navigation.state === 'submitting'}>
              Email me a link
            </button>
          </Form>
          <p>
            <Link to="/login">Back to sign in</Link>
          </p>
        </>
      )}
    </div>
  );
}
