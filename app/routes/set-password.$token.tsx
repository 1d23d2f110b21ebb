import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { NewPasswordFields } from '~/components/ui/new-password-fields';
import { getPasswordLink, setPasswordWithLink } from '~/modules/auth/password-link.server';
import { SetPasswordSchema } from '~/modules/auth/schemas';
import { commitSessionCookie } from '~/modules/auth/session.server';
import { getDb } from '~/utils/db.server';
import { parseFormData } from '~/utils/forms';
import { invalidForm } from '~/utils/forms.server';
import { invariantResponse } from '~/utils/http.server';

export const meta: MetaFunction = () => [
  { title: 'Set your password · Inspection Forum' },
  { name: 'referrer', content: 'no-referrer' },
];

// Anyone holding the link may use it: the link is the credential (single-use, hashed, expiring). GET never uses it.
export async function loader({ params }: LoaderFunctionArgs) {
  const link = await getPasswordLink(getDb(), params.token ?? '');
  invariantResponse(link.ok, link.ok ? '' : link.message, { status: link.ok ? 200 : link.status });
  return json({ name: link.name, email: link.email, firstTime: link.firstTime });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb();
  const token = params.token ?? '';
  const parsed = parseFormData(await request.formData(), SetPasswordSchema);
  if (!parsed.ok) {
    // Say first if the link itself is no good: no point choosing a password for it.
    const link = await getPasswordLink(db, token);
    invariantResponse(link.ok, link.ok ? '' : link.message, { status: link.ok ? 200 : link.status });
    return invalidForm(parsed);
  }
  const result = await setPasswordWithLink(db, { token, password: parsed.data.password, request });
  invariantResponse(result.ok, result.ok ? '' : result.message, { status: result.ok ? 200 : result.status });
  return redirect('/', { status: 303, headers: { 'Set-Cookie': await commitSessionCookie(result.sessionToken) } });
}

export default function SetPassword() {
  const { name, email, firstTime } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.fieldErrors;
  return (
    <div className="narrow card">
      <h1>{firstTime ? `Welcome, ${name}` : 'Choose a new password'}</h1>
      <p>
        {firstTime ? 'Choose a password for your account' : 'A new password for'} <strong>{email}</strong>.{' '}
        {firstTime ? '' : 'Every device signed in to this account will be signed out.'}
      </p>
      <Form method="post" noValidate>
        {result?.formError ? (
          <p role="alert" className="form-error">
            {result.formError}
          </p>
        ) : null}
        <input type="text" autoComplete="username" value={email} readOnly hidden />
        <NewPasswordFields label="New password" errors={errors} />
        <button type="submit" className="button">
          Set password and sign in
        </button>
      </Form>
    </div>
  );
}
