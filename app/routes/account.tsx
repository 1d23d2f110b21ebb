import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import { Field } from '~/components/ui/field';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { changePassword, endOtherSessions, endSession, listSessions } from '~/modules/auth/account.server';
import { requireUser } from '~/modules/auth/guards.server';
import { AccountActionSchema } from '~/modules/auth/schemas';
import { calendarTokenCreatedAt, issueCalendarToken, revokeCalendarToken } from '~/modules/meetings/calendar.server';
import { appUrl } from '~/utils/env.server';
import { getDb } from '~/utils/db.server';
import { formatDateTime } from '~/utils/format';
import { formValues, parseFormData } from '~/utils/forms';
import { actionFailure, invalidForm, toActionFailure } from '~/utils/forms.server';
import { retryAfterOf } from '~/utils/http.server';
import { NOTIFICATION_LABELS, optedOutKinds, savePreferences } from '~/modules/mail/notifications.server';
import { NOTIFICATION_KIND_IDS } from '~/modules/mail/preferences';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction = () => [{ title: 'My account · Inspection Forum' }];

// A form posted without JavaScript is a document request: the action's Retry-After reaches it only from here.
export const headers: HeadersFunction = ({ actionHeaders }) => retryAfterOf(actionHeaders);

export async function loader({ request }: LoaderFunctionArgs) {
  keepKnownQuery(request, []);
  const db = getDb();
  const user = await requireUser(request, db);
  const [sessions, off, calendarSince] = await Promise.all([
    listSessions(db, { userId: user.id }),
    optedOutKinds(db, user.id),
    calendarTokenCreatedAt(db, user.id),
  ]);
  return json({
    user: { name: user.name, email: user.email },
    emails: NOTIFICATION_KIND_IDS.map((kind) => ({ kind, label: NOTIFICATION_LABELS[kind], on: !off.has(kind) })),
    calendarSince: calendarSince?.toISOString() ?? null,
    // The browser and system by name; the raw user-agent stays on the server.
    sessions: sessions.map(({ userAgent: _userAgent, ...s }) => ({ ...s, current: s.id === user.sessionHash })),
  });
}

/** What a done form answers: the notice to show (a failure is the one ActionFailure shape). */
type Done = { ok: true; intent: string; message: string; calendarUrl?: string };
const done = (intent: string, message: string, extra: { calendarUrl?: string } = {}) =>
  json<Done>({ ok: true, intent, message, ...extra });

export async function action({ request }: ActionFunctionArgs) {
  const db = getDb();
  const user = await requireUser(request, db);
  const formData = await request.formData();
  const parsed = parseFormData(formData, AccountActionSchema);
  if (!parsed.ok) return invalidForm(parsed, formValues(formData).intent ?? null);
  const form = parsed.data;
  switch (form.intent) {
    case 'change-password': {
      const result = await changePassword(db, {
        userId: user.id,
        currentPassword: form.currentPassword,
        newPassword: form.newPassword,
        keepSession: user.sessionHash,
        request,
      });
      if (!result.ok) return toActionFailure(result.failure, { intent: form.intent });
      return done(form.intent, 'Password changed. Your other sessions were signed out.');
    }
    case 'end-session': {
      const ended = await endSession(db, { userId: user.id, sessionId: form.session, request });
      if (!ended)
        return actionFailure({ intent: form.intent, formError: 'That session has already ended' }, { status: 404 });
      return done(form.intent, 'Session ended.');
    }
    case 'end-other-sessions': {
      const n = (await endOtherSessions(db, { userId: user.id, keep: user.sessionHash, request })).length;
      return done(form.intent, `Signed out ${n} other session${n === 1 ? '' : 's'}.`);
    }
    case 'email-preferences': {
      await savePreferences(db, { userId: user.id, on: NOTIFICATION_KIND_IDS.filter((k) => form[k] === 'on') });
      return done(form.intent, 'Email choices saved.');
    }
    case 'calendar-revoke': {
      const revoked = await revokeCalendarToken(db, { userId: user.id, request });
      return done(
        form.intent,
        revoked ? 'Calendar link turned off: the old address no longer works.' : 'You have no calendar link.',
      );
    }
    case 'calendar-issue': {
      // The secret is shown this once (only its hash is kept): the answer to the form that made it.
      const token = await issueCalendarToken(db, { userId: user.id, request });
      return done(form.intent, 'New calendar link made: any earlier address no longer works.', {
        calendarUrl: `${appUrl()}/calendar/${token}.ics`,
      });
    }
  }
}

type Session = ReturnType<typeof useLoaderData<typeof loader>>['sessions'][number];

export default function Account() {
  const { user, sessions, emails, calendarSince } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const pw = result && !result.ok && result.intent === 'change-password' ? result : undefined;
  const calendarUrl = result?.ok ? result.calendarUrl : undefined;
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
      {
        id: 'created',
        header: 'Signed in',
        accessorFn: (s) => s.createdAt,
        cell: ({ row }) => formatDateTime(row.original.createdAt),
      },
      {
        id: 'seen',
        header: 'Last active',
        accessorFn: (s) => s.lastSeenAt,
        cell: ({ row }) => formatDateTime(row.original.lastSeenAt),
      },
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
              <button
                type="submit"
                className="button secondary small"
                aria-label={`End the session signed in ${formatDateTime(row.original.createdAt)}`}
              >
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
        <p>
          Subscribe to your forums’ meetings in a calendar app with a private link. Anyone with the link can see your
          meetings: keep it to yourself.
        </p>
        {calendarUrl ? (
          <div className="field">
            <label htmlFor="calendar-url">Your calendar link (copy it now: it is shown only once)</label>
            <input id="calendar-url" readOnly value={calendarUrl} className="wide" />
          </div>
        ) : calendarSince ? (
          <p className="muted">
            You have a calendar link, made {formatDateTime(calendarSince)}. Make a new one to see it again; the old one
            then stops working.
          </p>
        ) : (
          <p className="muted">You have no calendar link.</p>
        )}
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="calendar-issue" />
          <button type="submit" className="button secondary">
            {calendarSince || calendarUrl ? 'Make a new calendar link' : 'Make a calendar link'}
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
          <Field
            label="Current password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            errors={pw?.fieldErrors.currentPassword}
          />
          <Field
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            maxLength={128}
            hint="8 to 128 characters; common passwords are refused."
            errors={pw?.fieldErrors.newPassword}
          />
          <Field
            label="Repeat the new password"
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
            errors={pw?.fieldErrors.confirmPassword}
          />
          <button type="submit" className="button">
            Change password
          </button>
        </Form>
      </section>
    </div>
  );
}
