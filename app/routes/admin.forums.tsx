import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { useMemo } from 'react';
import { ScheduleFields } from '~/components/forum-schedule';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { ErrorList, Field } from '~/components/ui/field';
import { requireAdmin } from '~/modules/auth/guards.server';
import { AdminForumActionSchema, timeZones } from '~/modules/forums/forums';
import { createForum, listForumsForAdmin, setForumArchived } from '~/modules/forums/forums.server';
import { getDb } from '~/utils/db.server';
import { formatDateTime } from '~/utils/format';
import { failureMessages, formValues, parseFormData } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';

export const meta: MetaFunction = () => [{ title: 'Forums · Admin · Inspection Forum' }];

const NEW_FORUM_DEFAULTS = {
  cadence: 'weekly',
  weekday: '1',
  meetingTime: '10:00',
  timeZone: 'UTC',
  statusDeadlineHours: '24',
  minutesPerReview: '10',
};

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  await requireAdmin(request, db);
  const forums = await listForumsForAdmin(db);
  return json({ forums, zones: [...timeZones()] });
}

export async function action({ request }: ActionFunctionArgs) {
  const db = getDb();
  const admin = await requireAdmin(request, db);
  const formData = await request.formData();
  const parsed = parseFormData(formData, AdminForumActionSchema);
  if (!parsed.ok) return invalidForm(parsed, formValues(formData).intent ?? null);
  const form = parsed.data;
  switch (form.intent) {
    case 'restore':
      await setForumArchived(db, { forumId: form.forumId, archived: false, actorId: admin.id, request });
      return redirect('/admin/forums', 303);
    case 'create': {
      const { intent, ...input } = form;
      const result = await createForum(db, { input, actorId: admin.id, request });
      if (!result.ok) return toActionFailure(result.failure, { intent, values: formValues(formData) });
      return redirect(`/forums/${result.value.slug}`, 303);
    }
  }
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['forums'][number];

export default function AdminForums() {
  const { forums, zones } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  // The restore buttons sit in the table's rows: their messages show under it, the new forum's in its form.
  const restore = failure?.intent === 'restore' ? failure : undefined;
  const created = failure && !restore ? failure : undefined;
  const errors = created?.fieldErrors;
  const values: Record<string, string> = {
    ...NEW_FORUM_DEFAULTS,
    ...(created?.values ?? {}),
  };
  const columns = useMemo<DataColumn<Row>[]>(
    () => [
      {
        id: 'name',
        header: 'Forum',
        accessorFn: (f) => f.name,
        cell: ({ row }) =>
          row.original.archived ? (
            row.original.name
          ) : (
            <Link to={`/forums/${row.original.slug}`}>{row.original.name}</Link>
          ),
      },
      {
        id: 'slug',
        header: 'Address',
        accessorFn: (f) => f.slug,
        cell: ({ row }) => <code>/forums/{row.original.slug}</code>,
      },
      { id: 'members', header: 'Members', accessorFn: (f) => f.members },
      { id: 'projects', header: 'Projects', accessorFn: (f) => f.projects },
      {
        id: 'next',
        header: 'Next meeting',
        accessorFn: (f) => f.nextMeeting,
        cell: ({ row }) =>
          row.original.nextMeeting ? (
            formatDateTime(row.original.nextMeeting, row.original.timeZone)
          ) : (
            <span className="muted">None planned</span>
          ),
      },
      {
        id: 'archived',
        header: 'Archived',
        accessorFn: (f) => f.archived,
        cell: ({ row }) =>
          row.original.archived ? (
            <Form method="post" className="row-form">
              <input type="hidden" name="intent" value="restore" />
              <input type="hidden" name="forumId" value={row.original.id} />
              <span className="badge">archived</span>{' '}
              <button type="submit" className="link-button" aria-label={`Restore ${row.original.name}`}>
                Restore
              </button>
            </Form>
          ) : (
            'No'
          ),
      },
    ],
    [],
  );
  return (
    <div className="stack">
      <h1>Forums</h1>
      <DataTable
        caption="Every forum of this instance"
        columns={columns}
        data={forums}
        getRowId={(f) => String(f.id)}
        empty="No forums yet: create the first one below."
      />
      {restore ? (
        <div role="alert" className="form-error">
          <ErrorList errors={failureMessages(restore)} />
        </div>
      ) : null}

      <section aria-labelledby="new-forum-title" className="narrow-left">
        <h2 id="new-forum-title">New forum</h2>
        <p className="muted">
          You become the new forum’s <strong>chair</strong>, so someone can run it: invite its members from the forum’s
          settings, and hand the chair to someone else there.
        </p>
        <Form method="post" noValidate className="card stack">
          {created?.formError ? (
            <p role="alert" className="form-error">
              {created.formError}
            </p>
          ) : null}
          <input type="hidden" name="intent" value="create" />
          <Field
            label="Name"
            name="name"
            defaultValue={values.name}
            errors={errors?.name}
            id="forum-name"
            maxLength={120}
            autoComplete="off"
          />
          <Field
            label="Address"
            name="slug"
            defaultValue={values.slug}
            errors={errors?.slug}
            id="forum-slug"
            maxLength={63}
            autoComplete="off"
            hint="Lowercase letters, digits and hyphens: the forum lives at /forums/<address>."
          />
          <ScheduleFields values={values} errors={errors} zones={zones} />
          <button type="submit" className="button">
            Create forum
          </button>
        </Form>
      </section>
    </div>
  );
}
