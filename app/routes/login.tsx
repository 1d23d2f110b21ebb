import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { Field } from '~/components/ui/field';
import { writeAudit } from '~/modules/audit/audit.server';
import { getOptionalUser } from '~/modules/auth/guards.server';
import { authenticate, checkLoginThrottle, recordLoginAttempt } from '~/modules/auth/login.server';
import { LoginSchema } from '~/modules/auth/schemas';
import { commitSessionCookie, createSession } from '~/modules/auth/session.server';
import { getDb } from '~/utils/db.server';
import { parseFormData } from '~/utils/forms';
import { clientIp, keepKnownQuery, retryAfterOf } from '~/utils/http.server';
import { safeRedirect } from '~/utils/safe-redirect';

export const meta: MetaFunction = () => [{ title: 'Sign in · Inspection Forum' }];

// A form posted without JavaScript is a document request: the action's Retry-After reaches it only from here.
export const headers: HeadersFunction = ({ actionHeaders }) => retryAfterOf(actionHeaders);

export async function loader({ request }: LoaderFunctionArgs) {
  keepKnownQuery(request, ['redirectTo'], 2000);
  const user = await getOptionalUser(request);
  if (user) throw redirect(safeRedirect(new URL(request.url).searchParams.get('redirectTo')));
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  const db = getDb();
  const parsed = parseFormData(await request.formData(), LoginSchema);
  if (!parsed.ok) {
    return json({ fieldErrors: parsed.fieldErrors, formError: parsed.formErrors[0] ?? null, email: parsed.values.email ?? '' }, { status: 400 });
  }
  const { email, password } = parsed.data;
  const ip = clientIp(request);
  const throttle = await checkLoginThrottle(db, email, ip);
  if (throttle.limited) {
    await writeAudit(db, { userId: null, action: 'login.throttled', target: email, denied: true, request });
    return json(
      { fieldErrors: {}, formError: `Too many failed sign-in attempts. Try again in ${Math.ceil(throttle.retryAfterSeconds / 60)} minutes.`, email },
      { status: 429, headers: { 'Retry-After': String(throttle.retryAfterSeconds) } },
    );
  }
  const user = await authenticate(db, email, password);
  await recordLoginAttempt(db, email, ip, Boolean(user));
  const action = !user ? 'login.failure' : user.deactivated ? 'login.deactivated' : 'login.success';
  await writeAudit(db, { userId: user?.id ?? null, action, target: email, denied: action !== 'login.success', request });
  if (!user) {
    return json({ fieldErrors: {}, formError: 'That email and password do not match an account.', email }, { status: 400 });
  }
  if (user.deactivated) {
    return json({ fieldErrors: {}, formError: 'This account has been deactivated. Ask an administrator if you need it back.', email }, { status: 403 });
  }
  const token = await createSession(db, { userId: user.id, userAgent: request.headers.get('user-agent'), ip });
  return redirect(safeRedirect(parsed.data.redirectTo), {
    status: 303,
    headers: { 'Set-Cookie': await commitSessionCookie(token, request) },
  });
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const errors = actionData?.fieldErrors as Record<string, string[] | undefined> | undefined;
  return (
    <div className="narrow card">
      <h1>Sign in</h1>
      <Form method="post" noValidate>
        {actionData?.formError ? (
          <p className="form-error" role="alert" id="login-error">
            {actionData.formError}
          </p>
        ) : null}
        <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? '/'} />
        <Field label="Email" name="email" type="email" autoComplete="username" required defaultValue={actionData?.email ?? ''} errors={errors?.email} autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required errors={errors?.password} />
        <button type="submit" className="button" disabled={navigation.state === 'submitting'}>
          Sign in
        </button>
      </Form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
    </div>
  );
}
