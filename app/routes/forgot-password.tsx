import type { ActionFunctionArgs, HeadersFunction, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useNavigation } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { Field } from '~/components/ui/field';
import { ForgotPasswordSchema, requestPasswordReset } from '~/modules/auth/forgot-password.server';
import { getDb } from '~/utils/db.server';
import { formValues, parseFormData } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';
import { clientIp, retryAfterOf } from '~/utils/http.server';

export const meta: MetaFunction = () => [{ title: 'Forgot your password · Inspection Forum' }];

export const headers: HeadersFunction = ({ actionHeaders }) => retryAfterOf(actionHeaders);

// Open to everyone, signed in or not: it only ever sends a link to the address's own inbox.
export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  const parsed = parseFormData(formData, ForgotPasswordSchema);
  if (!parsed.ok) return invalidForm(parsed);
  const { email } = parsed.data;
  const result = await requestPasswordReset(getDb(), { email, ip: clientIp(request), request });
  if (!result.ok) return toActionFailure(result.failure, { values: formValues(formData) });
  // The same answer whether or not the address has an account.
  return json({ ok: true as const, email });
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  return (
    <div className="narrow card">
      <h1>Forgot your password?</h1>
      {result?.ok ? (
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
              defaultValue={result?.values.email ?? ''}
              errors={result?.fieldErrors.email}
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
