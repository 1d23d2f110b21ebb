import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { ErrorList, Field, SelectField } from '~/components/ui/field';
import { can } from '~/modules/auth/can';
import { requireForumRole } from '~/modules/auth/guards.server';
import { listMembers, listPendingInvitations, runMemberAction } from '~/modules/forums/members.server';
import { MEMBER_MANAGERS, MEMBER_READERS, MemberActionSchema, ROLE_LABELS, ROLES } from '~/modules/forums/members';
import { getDb } from '~/utils/db.server';
import { appUrl } from '~/utils/env.server';
import { formatDateTime } from '~/utils/format';
import { formValues, parseFormData } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';
import { invariantResponse } from '~/utils/http.server';
import { LinkNotice } from '~/components/link-notice';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Members · ${data.forum.name}` : 'Members · Inspection Forum' },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { forum, role, user } = await requireForumRole(request, params.slug, MEMBER_READERS, db);
  const [members, invitations] = await Promise.all([
    listMembers(db, { forumId: forum.id }),
    listPendingInvitations(db, { forumId: forum.id }),
  ]);
  return json({
    forum: { slug: forum.slug, name: forum.name },
    canEdit: can({ role }, 'manage-forum'),
    me: user.id,
    members,
    invitations,
  });
}

/** What a done form answers: the notice to show, with the invitation link (a failure is the one ActionFailure shape). */
type Done = { ok: true; intent: string; message: string; link?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb();
  const { forum, user } = await requireForumRole(request, params.slug, MEMBER_MANAGERS, db);
  const formData = await request.formData();
  const parsed = parseFormData(formData, MemberActionSchema);
  if (!parsed.ok) return invalidForm(parsed, formValues(formData).intent ?? null);
  const form = parsed.data;
  const result = await runMemberAction(db, { forumId: forum.id, actorId: user.id, request, action: form });
  if (!result.ok) {
    // A member or invitation gone meanwhile is a 404 page, except a revoked invitation (said beside the list).
    invariantResponse(result.failure.status !== 404 || form.intent === 'revoke', result.failure.message);
    // The invitation form shows what was typed again; the other forms are one button.
    const values: Record<string, string> = form.intent === 'invite' ? { email: form.email, role: form.role } : {};
    return toActionFailure(result.failure, { intent: form.intent, values });
  }
  const link = result.value.token ? `${appUrl()}/invitations/${result.value.token}` : undefined;
  return json<Done>({ ok: true, intent: form.intent, message: result.value.message, link });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Member = Data['members'][number];
type Invitation = Data['invitations'][number];
const roleOptions = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

export default function MembersSettings() {
  const { forum, canEdit, members, invitations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const invite = result?.intent === 'invite' && !result.ok ? result : undefined;
  const memberColumns = useMemo<DataColumn<Member>[]>(
    () => [
      {
        id: 'name',
        header: 'Name',
        accessorFn: (m) => m.name,
        cell: ({ row }) => (
          <>
            {row.original.name}
            {row.original.deactivated ? <span className="muted"> (deactivated)</span> : null}
          </>
        ),
      },
      { id: 'email', header: 'Email', accessorFn: (m) => m.email },
      {
        id: 'role',
        header: 'Role',
        accessorFn: (m) => m.role,
        cell: ({ row }) =>
          canEdit ? (
            <Form method="post" className="row-actions">
              <input type="hidden" name="intent" value="change-role" />
              <input type="hidden" name="userId" value={row.original.id} />
              <select name="role" defaultValue={row.original.role} aria-label={`Role of ${row.original.name}`}>
                {roleOptions.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
              <button
                type="submit"
                className="button secondary small"
                aria-label={`Change the role of ${row.original.name}`}
              >
                Change
              </button>
            </Form>
          ) : (
            ROLE_LABELS[row.original.role]
          ),
      },
      {
        id: 'joined',
        header: 'Member since',
        accessorFn: (m) => m.joinedAt,
        cell: ({ row }) => formatDateTime(row.original.joinedAt),
      },
      ...(canEdit
        ? [
            {
              id: 'remove',
              header: 'Remove',
              accessorFn: (m: Member) => m.id,
              cell: ({ row }: { row: { original: Member } }) => (
                <Form method="post">
                  <input type="hidden" name="intent" value="remove" />
                  <input type="hidden" name="userId" value={row.original.id} />
                  <button
                    type="submit"
                    className="button secondary small"
                    aria-label={`Remove ${row.original.name} from the forum`}
                  >
                    Remove
                  </button>
                </Form>
              ),
            } satisfies DataColumn<Member>,
          ]
        : []),
    ],
    [canEdit],
  );
  const invitationColumns = useMemo<DataColumn<Invitation>[]>(
    () => [
      { id: 'email', header: 'Email', accessorFn: (i) => i.email },
      { id: 'role', header: 'Role', accessorFn: (i) => ROLE_LABELS[i.role] ?? i.role },
      {
        id: 'expires',
        header: 'Expires',
        accessorFn: (i) => i.expiresAt,
        cell: ({ row }) => (row.original.expired ? 'Expired' : formatDateTime(row.original.expiresAt)),
      },
      ...(canEdit
        ? [
            {
              id: 'revoke',
              header: 'Revoke',
              accessorFn: (i: Invitation) => i.id,
              cell: ({ row }: { row: { original: Invitation } }) => (
                <Form method="post">
                  <input type="hidden" name="intent" value="revoke" />
                  <input type="hidden" name="invitationId" value={row.original.id} />
                  <button
                    type="submit"
                    className="button secondary small"
                    aria-label={`Revoke the invitation of ${row.original.email}`}
                  >
                    Revoke
                  </button>
                </Form>
              ),
            } satisfies DataColumn<Invitation>,
          ]
        : []),
    ],
    [canEdit],
  );
  return (
    <div className="stack">
      <h2>Members of {forum.name}</h2>
      {canEdit ? null : <p className="muted">Only the chair changes members and roles.</p>}
      {result?.ok && result.message ? (
        <LinkNotice message={result.message} link={result.link} label="Invitation link to send" />
      ) : null}
      {result && !result.ok && result.intent !== 'invite' ? (
        <div role="alert" className="form-error">
          <ErrorList
            errors={[...(result.formError ? [result.formError] : []), ...Object.values(result.fieldErrors).flat()]}
          />
        </div>
      ) : null}
      <DataTable
        caption="Members and their roles"
        columns={memberColumns}
        data={members}
        getRowId={(m) => String(m.id)}
      />
      <section aria-labelledby="pending-title">
        <h2 id="pending-title">Pending invitations</h2>
        <DataTable
          caption="Invitations not yet accepted"
          columns={invitationColumns}
          data={invitations}
          getRowId={(i) => String(i.id)}
          empty="No pending invitations."
        />
      </section>
      {canEdit ? (
        <section aria-labelledby="invite-title" className="card narrow-left">
          <h2 id="invite-title">Invite someone</h2>
          <p className="muted">
            They get a link, valid for 7 days and usable once: it creates their account, or adds the forum to the one
            they have.
          </p>
          <Form method="post" noValidate key={result?.intent === 'invite' && result.ok ? result.link : 'invite'}>
            <input type="hidden" name="intent" value="invite" />
            {invite?.formError ? (
              <div role="alert" className="form-error">
                <ErrorList errors={[invite.formError]} />
              </div>
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
            <SelectField
              label="Role"
              name="role"
              options={roleOptions}
              defaultValue={invite?.values.role ?? 'owner'}
              errors={invite?.fieldErrors.role}
            />
            <button type="submit" className="button">
              Create invitation link
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
