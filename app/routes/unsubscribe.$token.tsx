import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { NOTIFICATION_LABELS, readUnsubscribeTarget, setOptOut } from '~/modules/mail/notifications.server';
import { UnsubscribeSchema } from '~/modules/mail/preferences';
import { getDb } from '~/utils/db.server';
import { ErrorList } from '~/components/ui/field';
import { failureMessages, parseFormData } from '~/utils/forms';
import { invalidForm } from '~/utils/forms.server';
import { invariantResponse } from '~/utils/http.server';

export const meta: MetaFunction = () => [
  { title: 'Stop these emails · Inspection Forum' },
  { name: 'referrer', content: 'no-referrer' },
];

// The link in every notification: signed for one user and one kind, it works without signing in (decision 014).
async function read(params: LoaderFunctionArgs['params']) {
  const db = getDb();
  const target = await readUnsubscribeTarget(db, params.token ?? '');
  invariantResponse(
    target,
    'This unsubscribe link is not valid. Check that you copied all of it, or choose your emails on your account page.',
    { status: 404 },
  );
  return { db, ...target };
}

export async function loader({ params }: LoaderFunctionArgs) {
  const { kind, email } = await read(params);
  return json({ label: NOTIFICATION_LABELS[kind], email });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { db, userId, kind } = await read(params);
  const parsed = parseFormData(await request.formData(), UnsubscribeSchema);
  if (!parsed.ok) return invalidForm(parsed);
  await setOptOut(db, { userId, kind, off: true });
  return json({ ok: true as const });
}

export default function Unsubscribe() {
  const { label, email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="narrow card">
      <h1>Stop these emails</h1>
      {result?.ok ? (
        <p role="status">
          Done: {email} will no longer get emails for “{label}”. You can turn them back on from{' '}
          <Link to="/account">your account</Link>.
        </p>
      ) : (
        <>
          <p>
            Stop emailing <strong>{email}</strong> for “{label}”?
          </p>
          {result ? (
            <div role="alert" className="form-error">
              <ErrorList errors={failureMessages(result)} />
            </div>
          ) : null}
          <Form method="post">
            <button type="submit" className="button">
              Stop these emails
            </button>
          </Form>
        </>
      )}
    </div>
  );
}
