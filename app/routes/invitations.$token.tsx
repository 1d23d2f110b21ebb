import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useParams } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { Field } from '~/components/ui/field';
import { NewPasswordFields } from '~/components/ui/new-password-fields';
import { getOptionalUser } from '~/modules/auth/guards.server';
import { commitSessionCookie } from '~/modules/auth/session.server';
import { acceptInvitation, getInvitation } from '~/modules/forums/members.server';
import { AcceptInvitationSchema, ROLE_LABELS } from '~/modules/forums/members';
import { getDb } from '~/utils/db.server';
import { parseFormData } from '~/utils/forms';
import { invalidForm } from '~/utils/forms.server';
import { invariantResponse } from '~/utils/http.server';

export const meta: MetaFunction = () => [
  { title: 'Invitation · Inspection Forum' },
  { name: 'referrer', content: 'no-referrer' },
];

// The link is the credential (single-use, hashed, expiring); whoever holds it may see what it offers. GET never uses it.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const invitation = await getInvitation(db, params.token ?? '');
  invariantResponse(invitation.ok, invitation.ok ? '' : invitation.message, {
    status: invitation.ok ? 200 : invitation.status,
  });
  const user = await getOptionalUser(request, db);
  const mode = user
    ? user.email.toLowerCase() === invitation.email.toLowerCase()
      ? 'accept'
      : 'wrong-user'
    : invitation.hasAccount
      ? 'sign-in'
      : 'create-account';
  return json({
    forum: invitation.forum,
    email: invitation.email,
    role: invitation.role,
    mode,
    signedInAs: user?.email ?? null,
    alreadyMember: Boolean(user?.forums.some((f) => f.slug === invitation.forum.slug)),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb();
  const token = params.token ?? '';
  const user = await getOptionalUser(request, db);
  const parsed = parseFormData(await request.formData(), AcceptInvitationSchema);
  if (!parsed.ok) {
    const invitation = await getInvitation(db, token);
    invariantResponse(invitation.ok, invitation.ok ? '' : invitation.message, {
      status: invitation.ok ? 200 : invitation.status,
    });
    return invalidForm(parsed, parsed.values.intent ?? null);
  }
  const result = await acceptInvitation(db, {
    token,
    request,
    user: user ? { id: user.id, email: user.email } : null,
    account:
      parsed.data.intent === 'create-account' ? { name: parsed.data.name, password: parsed.data.password } : undefined,
  });
  invariantResponse(result.ok, result.ok ? '' : result.message, { status: result.ok ? 200 : result.status });
  const headers: HeadersInit = result.sessionToken
    ? { 'Set-Cookie': await commitSessionCookie(result.sessionToken) }
    : {};
  return redirect(`/forums/${result.slug}`, { status: 303, headers });
}

export default function InvitationPage() {
  const { forum, email, role, mode, signedInAs, alreadyMember } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { token = '' } = useParams();
  const errors = result?.fieldErrors;
  const values = result?.values;
  return (
    <div className="narrow card stack">
      <h1>Join {forum.name}</h1>
      <p>
        You are invited to <strong>{forum.name}</strong> as <strong>{ROLE_LABELS[role] ?? role}</strong>, with the email{' '}
        <strong>{email}</strong>.
      </p>
      {result?.formError ? (
        <p role="alert" className="form-error">
          {result.formError}
        </p>
      ) : null}
      {mode === 'accept' ? (
        <Form method="post">
          <input type="hidden" name="intent" value="accept" />
          {alreadyMember ? <p className="muted">You are already a member: accepting keeps your current role.</p> : null}
          <button type="submit" className="button">
            Join {forum.name}
          </button>
        </Form>
      ) : null}
      {mode === 'wrong-user' ? (
        <p>
          You are signed in as {signedInAs}. This invitation is for {email}: sign out, then open the link again.
        </p>
      ) : null}
      {mode === 'sign-in' ? (
        <p>
          There is already an account for {email}.{' '}
          <Link to={`/login?${new URLSearchParams({ redirectTo: `/invitations/${encodeURIComponent(token)}` })}`}>
            Sign in to accept
          </Link>
          .
        </p>
      ) : null}
      {mode === 'create-account' ? (
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="create-account" />
          <input type="text" autoComplete="username" value={email} readOnly hidden />
          <Field
            label="Your name"
            name="name"
            type="text"
            autoComplete="name"
            required
            maxLength={120}
            defaultValue={values?.name ?? ''}
            errors={errors?.name}
          />
          <NewPasswordFields label="Password" errors={errors} />
          <button type="submit" className="button">
            Create my account and join
          </button>
        </Form>
      ) : null}
    </div>
  );
}
