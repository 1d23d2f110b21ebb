import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import { Field } from '~/components/ui/field';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { changePassword, endOtherSessions, endSession, listSessions } from '~/modules/auth/account.server';
import { requireUser } from '~/modules/auth/guards.server';
import { AccountActionSchema } from '~/modules/auth/schemas';
import { getDb } from '~/utils/db.server';
import { formatDateTime } from '~/utils/format';
import { formValues, parseFormData } from '~/utils/forms';
import { actionFailure, invalidForm, toActionFailure } from '~/utils/forms.server';
import { retryAfterOf } from '~/utils/http.server';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction = () => [{ title: 'My account · Inspection Forum' }];

// A form posted without JavaScript is a document request: the action's Retry-After reaches it only from here.
export const headers: HeadersFunction = ({ actionHeaders }) => retryAfterOf(actionHeaders);

export async function loader({ request }: LoaderFunctionArgs) {
  keepKnownQuery(request, []);
  const db = getDb();
  const user = await requireUser(request, db);
  const sessions = await listSessions(db, { userId: user.id });
  return json({
    user: { name: user.name, email: user.email },
    sessions: sessions.map((s) => ({ ...s, current: s.id === user.sessionHash })),
  });
}

/** What a done form answers: the notice to show (a failure is the one ActionFailure shape). */
type Done = { ok: true; intent: string; message: string };
const done = (intent: string, message: string) => json<Done>({ ok: true, intent, message });

export async function action({ request }: ActionFunctionArgs) {
  const db = getDb();
  const user = await requireUser(request, db);
  const formData = await request.formData();
  const parsed = parseFormData(formData, AccountActionSchema);
  if (!parsed.ok) return invalidForm(parsed, formValues(formData).intent ?? null);
  const form = parsed.data;
  switch (form.intent) {
    case 'change-password': {
      const result = await changePassword(db, { userId: user.id, currentPassword: form.currentPassword, newPassword: form.newPassword, keepSession: user.sessionHash, request });
      if (!result.ok) return toActionFailure(result.failure, { intent: form.intent });
      return done(form.intent, 'Password changed. Your other sessions were signed out.');
    }
    case 'end-session': {
      const ended = await endSession(db, { userId: user.id, sessionId: form.session, request });
      if (!ended) return actionFailure({ intent: form.intent, formError: 'That session has already ended' }, { status: 404 });
      return done(form.intent, 'Session ended.');
    }
    case 'end-other-sessions': {
      const n = (await endOtherSessions(db, { userId: user.id, keep: user.sessionHash, request })).length;
      return done(form.intent, `Signed out ${n} other session${n === 1 ? '' : 's'}.`);
    }
  }
}

type Session = ReturnType<typeof useLoaderData<typeof loader>>['sessions'][number];

export default function Account() {
  const { user, sessions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const pw = result && !result.ok && result.intent === 'change-password' ? result : undefined;
  const columns = useMemo<DataColumn<Session>[]>(
    () => [
      { id: 'device', header: 'Device', accessorFn: (s) => s.userAgent, cell: ({ row }) => <span className="ua">{row.original.userAgent ?? 'Unknown'}{row.original.current ? <strong> (this session)</strong> : null}</span> },
      { id: 'ip', header: 'Address', accessorFn: (s) => s.ip ?? '' },
      { id: 'created', header: 'Signed in', accessorFn: (s) => s.createdAt, cell: ({ row }) => formatDateTime(row.original.createdAt) },
      { id: 'seen', header: 'Last active', accessorFn: (s) => s.lastSeenAt, cell: ({ row }) => formatDateTime(row.original.lastSeenAt) },
      {
        id: 'end',
        header: 'Action',
        accessorFn: (s) => s.id,
        cell: ({ row }) =>
          row.original.current ? (
            <span className="muted">—</span>
          ) : (
            <Form method="post">
              <input type="hidden" name="intent" value="end-session" />
              <input type="hidden" name="session" value={row.original.id} />
              <button type="submit" className="button secondary small" aria-label={`End the session signed in ${formatDateTime(row.original.createdAt)}`}>
                End
              </button>
            </Form>
          ),
      },
    ],
    [],
  );
  return (
    <div className="stack">
      <h1>My account</h1>
      <p>
        {user.name} · {user.email}
      </p>
      {result?.ok && result.message ? (
        <p role="status" className="notice">
          {result.message}
        </p>
      ) : null}
      {result && !result.ok && result.intent !== 'change-password' && result.formError ? (
        <p role="alert" className="form-error">
          {result.formError}
        </p>
      ) : null}
      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">Where you are signed in</h2>
        <DataTable caption="Your sessions" columns={columns} data={sessions} getRowId={(s) => s.id} />
        {sessions.length > 1 ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="end-other-sessions" />
            <button type="submit" className="button secondary">
              Sign out everywhere else
            </button>
          </Form>
        ) : null}
      </section>
      <section aria-labelledby="password-title" className="card narrow-left">
        <h2 id="password-title">Change password</h2>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="change-password" />
          {pw?.formError ? (
            <p role="alert" className="form-error">
              {pw.formError}
            </p>
          ) : null}
          <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required errors={pw?.fieldErrors.currentPassword} />
          <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required minLength={8} maxLength={128} hint="8 to 128 characters; common passwords are refused." errors={pw?.fieldErrors.newPassword} />
          <Field label="Repeat the new password" name="confirmPassword" type="password" autoComplete="new-password" required errors={pw?.fieldErrors.confirmPassword} />
          <button type="submit" className="button">
            Change password
          </button>
        </Form>
      </section>
    </div>
  );
}
