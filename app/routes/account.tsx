import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import { Field } from '~/components/ui/field';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { changePassword, endOtherSessions, endSession, listSessions } from '~/modules/auth/account.server';
import { requireUser } from '~/modules/auth/guards.server';
import { ChangePasswordSchema, EndOtherSessionsSchema, EndSessionSchema } from '~/modules/auth/schemas';
import { calendarTokenCreatedAt, issueCalendarToken, revokeCalendarToken } from '~/modules/meetings/calendar.server';
import { CalendarTokenSchema } from '~/modules/meetings/lifecycle';
import { appUrl } from '~/utils/env.server';
import { getDb } from '~/utils/db.server';
import { formatDateTime } from '~/utils/format';
import { parseFormData, type FieldErrors } from '~/utils/forms';
import { retryAfterOf } from '~/utils/http.server';
import { NOTIFICATION_LABELS, optedOutKinds, savePreferences } from '~/modules/mail/notifications.server';
import { EmailPreferencesSchema, NOTIFICATION_KIND_IDS } from '~/modules/mail/preferences';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction = () => [{ title: 'My account · Inspection Forum' }];

// A form posted without JavaScript is a document request: the action's Retry-After reaches it only from here.
export const headers: HeadersFunction = ({ actionHeaders }) => retryAfterOf(actionHeaders);

export async function loader({ request }: LoaderFunctionArgs) {
  keepKnownQuery(request, []);
  const db = getDb();
  const user = await requireUser(request, db);
  const [sessions, off, calendarSince] = await Promise.all([listSessions(db, { userId: user.id }), optedOutKinds(db, user.id), calendarTokenCreatedAt(db, user.id)]);
  return json({
    user: { name: user.name, email: user.email },
    emails: NOTIFICATION_KIND_IDS.map((kind) => ({ kind, label: NOTIFICATION_LABELS[kind], on: !off.has(kind) })),
    calendarSince: calendarSince?.toISOString() ?? null,
    // The browser and system by name; the raw user-agent stays on the server.
    sessions: sessions.map(({ userAgent: _userAgent, ...s }) => ({ ...s, current: s.id === user.sessionHash })),
  });
}

type ActionResult = { intent: string; ok: boolean; message?: string; fieldErrors?: FieldErrors; formError?: string | null; calendarUrl?: string };

export async function action({ request }: ActionFunctionArgs) {
  const db = getDb();
  const user = await requireUser(request, db);
  const formData = await request.formData();
  const intent = formData.get('intent');
  const fail = (status: number, result: ActionResult) => json<ActionResult>(result, { status });

  if (intent === 'change-password') {
    const parsed = parseFormData(formData, ChangePasswordSchema);
    if (!parsed.ok) return fail(400, { intent, ok: false, fieldErrors: parsed.fieldErrors, formError: parsed.formErrors[0] ?? null });
    const result = await changePassword(db, { userId: user.id, currentPassword: parsed.data.currentPassword, newPassword: parsed.data.newPassword, keepSession: user.sessionHash, request });
    if (!result.ok && result.reason === 'throttled') {
      return json<ActionResult>(
        { intent, ok: false, formError: `Too many wrong passwords. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minutes.` },
        { status: 429, headers: { 'Retry-After': String(result.retryAfterSeconds) } },
      );
    }
    if (!result.ok) return fail(400, { intent, ok: false, fieldErrors: { currentPassword: ['That is not your current password'] } });
    return json<ActionResult>({ intent, ok: true, message: 'Password changed. Your other sessions were signed out.' });
  }
  if (intent === 'end-session') {
    const parsed = parseFormData(formData, EndSessionSchema);
    if (!parsed.ok) return fail(400, { intent, ok: false, formError: 'Unknown session' });
    const ended = await endSession(db, { userId: user.id, sessionId: parsed.data.session, request });
    if (!ended) return fail(404, { intent, ok: false, formError: 'That session has already ended' });
    return json<ActionResult>({ intent, ok: true, message: 'Session ended.' });
  }
  if (intent === 'end-other-sessions') {
    const parsed = parseFormData(formData, EndOtherSessionsSchema);
    if (!parsed.ok) return fail(400, { intent, ok: false, formError: parsed.formErrors[0] ?? 'Invalid request' });
    const n = (await endOtherSessions(db, { userId: user.id, keep: user.sessionHash, request })).length;
    return json<ActionResult>({ intent, ok: true, message: `Signed out ${n} other session${n === 1 ? '' : 's'}.` });
  }
  if (intent === 'email-preferences') {
    const parsed = parseFormData(formData, EmailPreferencesSchema);
    if (!parsed.ok) return fail(400, { intent, ok: false, formError: parsed.formErrors[0] ?? Object.values(parsed.fieldErrors)[0]?.[0] ?? 'Invalid request' });
    await savePreferences(db, { userId: user.id, on: NOTIFICATION_KIND_IDS.filter((k) => parsed.data[k] === 'on') });
    return json<ActionResult>({ intent, ok: true, message: 'Email choices saved.' });
  }
  if (intent === 'calendar-issue' || intent === 'calendar-revoke') {
    const parsed = parseFormData(formData, CalendarTokenSchema);
    if (!parsed.ok) return fail(400, { intent, ok: false, formError: parsed.formErrors[0] ?? 'Invalid request' });
    if (parsed.data.intent === 'calendar-revoke') {
      const revoked = await revokeCalendarToken(db, { userId: user.id, request });
      return json<ActionResult>({ intent, ok: true, message: revoked ? 'Calendar link turned off: the old address no longer works.' : 'You have no calendar link.' });
    }
    // The secret is shown this once (only its hash is kept): the answer to the form that made it.
    const token = await issueCalendarToken(db, { userId: user.id, request });
    return json<ActionResult>({ intent, ok: true, message: 'New calendar link made: any earlier address no longer works.', calendarUrl: `${appUrl()}/calendar/${token}.ics` });
  }
  return fail(400, { intent: String(intent ?? ''), ok: false, formError: 'Unknown action' });
}

type Session = ReturnType<typeof useLoaderData<typeof loader>>['sessions'][number];

export default function Account() {
  const { user, sessions, emails, calendarSince } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const pw = result?.intent === 'change-password' ? result : undefined;
  const columns = useMemo<DataColumn<Session>[]>(
    () => [
      {
        id: 'device',
        header: 'Device',
        accessorFn: (s) => s.device,
        cell: ({ row }) => (
          <span className="ua">
            {row.original.device}
            {row.original.current ? <strong> (this session)</strong> : null}
          </span>
        ),
      },
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
      <section aria-labelledby="emails-title" className="card narrow-left">
        <h2 id="emails-title">Emails</h2>
        <Form method="post">
          <input type="hidden" name="intent" value="email-preferences" />
          <fieldset>
            <legend>Email me when…</legend>
            {emails.map((e) => (
              <div className="field checkbox" key={e.kind}>
                <label>
                  <input type="checkbox" name={e.kind} value="on" defaultChecked={e.on} /> {e.label}
                </label>
              </div>
            ))}
          </fieldset>
          <p className="muted">Emails about your account (password links, invitations) are always sent.</p>
          <button type="submit" className="button">
            Save email choices
          </button>
        </Form>
      </section>
      <section aria-labelledby="calendar-title" className="card">
        <h2 id="calendar-title">Calendar subscription</h2>
        <p>Subscribe to your forums’ meetings in a calendar app with a private link. Anyone with the link can see your meetings: keep it to yourself.</p>
        {result?.calendarUrl ? (
          <div className="field">
            <label htmlFor="calendar-url">Your calendar link (copy it now: it is shown only once)</label>
            <input id="calendar-url" readOnly value={result.calendarUrl} className="wide" />
          </div>
        ) : calendarSince ? (
          <p className="muted">You have a calendar link, made {formatDateTime(calendarSince)}. Make a new one to see it again; the old one then stops working.</p>
        ) : (
          <p className="muted">You have no calendar link.</p>
        )}
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="calendar-issue" />
          <button type="submit" className="button secondary">
            {calendarSince || result?.calendarUrl ? 'Make a new calendar link' : 'Make a calendar link'}
          </button>
        </Form>
        {calendarSince ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="calendar-revoke" />
            <button type="submit" className="button secondary">
              Turn off the calendar link
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
          <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required errors={pw?.fieldErrors?.currentPassword} />
          <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required minLength={8} maxLength={128} hint="8 to 128 characters; common passwords are refused." errors={pw?.fieldErrors?.newPassword} />
          <Field label="Repeat the new password" name="confirmPassword" type="password" autoComplete="new-password" required errors={pw?.fieldErrors?.confirmPassword} />
          <button type="submit" className="button">
            Change password
          </button>
        </Form>
      </section>
    </div>
  );
}
