import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { ErrorList, Field } from '~/components/ui/field';
import { inviteUser, listUsers, runUserAction } from '~/modules/admin/users.server';
import { UserActionSchema } from '~/modules/admin/users';
import { requireAdmin } from '~/modules/auth/guards.server';
import { getDb } from '~/utils/db.server';
import { appUrl } from '~/utils/env.server';
import { formatDateTime } from '~/utils/format';
import { failureMessages, formValues, parseFormData } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';
import { invariantResponse } from '~/utils/http.server';
import { LinkNotice } from '~/components/link-notice';

export const meta: MetaFunction = () => [{ title: 'Users · Administration · Inspection Forum' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const admin = await requireAdmin(request, db);
  const users = await listUsers(db);
  return json({ me: admin.id, users });
}

/** What a done action answers: the notice, and the set-password link to pass on (a failure is an ActionFailure). */
type Done = { ok: true; intent: string; message: string; link?: string };

export async function action({ request }: ActionFunctionArgs) {
  const db = getDb();
  const admin = await requireAdmin(request, db);
  const formData = await request.formData();
  const parsed = parseFormData(formData, UserActionSchema);
  if (!parsed.ok) return invalidForm(parsed, formValues(formData).intent ?? null);
  const action = parsed.data;
  const link = (token: string) => `${appUrl()}/set-password/${token}`;
  if (action.intent === 'invite') {
    const result = await inviteUser(db, {
      actorId: admin.id,
      request,
      email: action.email,
      name: action.name,
      isAdmin: action.admin === 'on',
    });
    if (!result.ok) return toActionFailure(result.failure, { intent: action.intent, values: formValues(formData) });
    return json<Done>({
      ok: true,
      intent: action.intent,
      message: `${action.name} is invited. We emailed them a link to set their password (valid 24 hours, once); you can also send it yourself:`,
      link: link(result.value.token),
    });
  }
  const result = await runUserAction(db, { actorId: admin.id, request, action });
  if (!result.ok) {
    invariantResponse(result.failure.status !== 404, result.failure.message);
    return toActionFailure(result.failure, { intent: action.intent });
  }
  return json<Done>({
    ok: true,
    intent: action.intent,
    message: result.value.message,
    link: result.value.token ? link(result.value.token) : undefined,
  });
}

type User = ReturnType<typeof useLoaderData<typeof loader>>['users'][number];

function UserButton({ user, intent, label }: { user: User; intent: string; label: string }) {
  return (
    <Form method="post" className="inline">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="userId" value={user.id} />
      <button type="submit" className="button secondary small" aria-label={`${label}: ${user.name}`}>
        {label}
      </button>
    </Form>
  );
}

export default function AdminUsers() {
  const { me, users } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const invite = result?.intent === 'invite' && !result.ok ? result : undefined;
  const columns = useMemo<DataColumn<User>[]>(
    () => [
      { id: 'name', header: 'Name', accessorFn: (u) => u.name },
      { id: 'email', header: 'Email', accessorFn: (u) => u.email },
      { id: 'admin', header: 'Admin', accessorFn: (u) => (u.isAdmin ? 'Admin' : '—') },
      {
        id: 'state',
        header: 'State',
        accessorFn: (u) => (u.deactivatedAt ? 'Deactivated' : u.pending ? 'Invited (no password yet)' : 'Active'),
      },
      {
        id: 'seen',
        header: 'Last seen',
        accessorFn: (u) => u.lastSeenAt,
        cell: ({ row }) => (row.original.lastSeenAt ? formatDateTime(row.original.lastSeenAt) : 'Never'),
      },
      {
        id: 'actions',
        header: 'Actions',
        accessorFn: (u) => u.id,
        cell: ({ row }) => {
          const u = row.original;
          if (u.id === me) return <span className="muted">You</span>;
          return (
            <div className="row-actions">
              {u.deactivatedAt ? (
                <UserButton user={u} intent="reactivate" label="Reactivate" />
              ) : (
                <>
                  <UserButton
                    user={u}
                    intent={u.isAdmin ? 'revoke-admin' : 'grant-admin'}
                    label={u.isAdmin ? 'Remove admin' : 'Make admin'}
                  />
                  <UserButton
                    user={u}
                    intent="reset-password"
                    label={u.pending ? 'New invitation link' : 'Password link'}
                  />
                  <UserButton user={u} intent="deactivate" label="Deactivate" />
                </>
              )}
            </div>
          );
        },
      },
    ],
    [me],
  );
  return (
    <div className="stack">
      <h1>Users</h1>
      {result?.ok && result.message ? (
        <LinkNotice message={result.message} link={result.link} label="Link to send" />
      ) : null}
      {result && !result.ok && result.intent !== 'invite' ? (
        <div role="alert" className="form-error">
          <ErrorList errors={failureMessages(result)} />
        </div>
      ) : null}
      <DataTable
        caption="Users of this instance"
        columns={columns}
        data={users}
        getRowId={(u) => String(u.id)}
        empty="No users yet."
      />
      <section aria-labelledby="invite-title" className="card narrow-left">
        <h2 id="invite-title">Invite a user</h2>
        <p className="muted">
          Creates the account and a link for them to set their password. Add them to forums from each forum’s settings.
        </p>
        <Form method="post" noValidate key={result?.intent === 'invite' && result.ok ? result.link : 'invite'}>
          <input type="hidden" name="intent" value="invite" />
          {invite?.formError ? (
            <p role="alert" className="form-error">
              {invite.formError}
            </p>
          ) : null}
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="off"
            required
            maxLength={254}
            defaultValue={invite?.values.email ?? ''}
            errors={invite?.fieldErrors.email}
          />
          <Field
            label="Name"
            name="name"
            type="text"
            autoComplete="off"
            required
            maxLength={120}
            defaultValue={invite?.values.name ?? ''}
            errors={invite?.fieldErrors.name}
          />
          <div className="field checkbox">
            <label>
              <input type="checkbox" name="admin" defaultChecked={invite?.values.admin === 'on'} /> Instance admin (can
              manage users and forums)
            </label>
          </div>
          <button type="submit" className="button">
            Invite
          </button>
        </Form>
      </section>
    </div>
  );
}
