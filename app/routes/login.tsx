import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { Field } from '~/components/ui/field';
import { getOptionalUser } from '~/modules/auth/guards.server';
import { landingAfterSignIn, landingFor, signIn } from '~/modules/auth/login.server';
import { LoginSchema } from '~/modules/auth/schemas';
import { commitSessionCookie } from '~/modules/auth/session.server';
import { getDb } from '~/utils/db.server';
import { parseFormData } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';
import { keepKnownQuery, retryAfterOf } from '~/utils/http.server';
import { safeRedirect } from '~/utils/safe-redirect';

export const meta: MetaFunction = () => [{ title: 'Sign in · Inspection Forum' }];

// A form posted without JavaScript is a document request: the action's Retry-After reaches it only from here.
export const headers: HeadersFunction = ({ actionHeaders }) => retryAfterOf(actionHeaders);

export async function loader({ request }: LoaderFunctionArgs) {
  keepKnownQuery(request, ['redirectTo'], 2000);
  const user = await getOptionalUser(request);
  if (user) throw redirect(landingAt(new URL(request.url).searchParams.get('redirectTo'), landingFor(user.forums)));
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = parseFormData(await request.formData(), LoginSchema);
  if (!parsed.ok) return invalidForm(parsed);
  const { email, password, redirectTo } = parsed.data;
  const result = await signIn(getDb(), { email, password, request });
  if (!result.ok) return toActionFailure(result.failure, { values: { email } });
  const target = asked(redirectTo) ?? (await landingAfterSignIn(getDb(), result.value.userId));
  return redirect(target, {
    status: 303,
    headers: { 'Set-Cookie': await commitSessionCookie(result.value.token, request) },
  });
}

/**
 * The page the sign-in was asked to return to, kept only on this site (a hostile one gives `/`). None, or the site's
 * root (`/`, where a signed-out visit to the home page comes from), asks for nothing in particular: null, and the
 * user's landing page answers it (landingFor in login.server.ts).
 */
function asked(redirectTo: string | null | undefined): string | null {
  return !redirectTo || redirectTo === '/' ? null : safeRedirect(redirectTo);
}

function landingAt(redirectTo: string | null, landing: string): string {
  return asked(redirectTo) ?? landing;
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const errors = actionData?.fieldErrors;
  return (
    <div className="narrow card">
      <h1>Sign in</h1>
      <Form method="post" noValidate>
        {actionData?.formError ? (
          <p className="form-error" role="alert" id="login-error">
            {actionData.formError}
          </p>
        ) : null}
        {searchParams.has('redirectTo') ? (
          <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? ''} />
        ) : null}
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={actionData?.values.email ?? ''}
          errors={errors?.email}
          autoFocus
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          errors={errors?.password}
        />
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
