import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import { ScheduleFields } from '~/components/forum-schedule';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { ErrorList, Field } from '~/components/ui/field';
import { requireAdmin } from '~/modules/auth/guards.server';
import { CreateForumSchema, timeZones } from '~/modules/forums/forums';
import { createForum, listForumsForAdmin, setForumArchived } from '~/modules/forums/forums.server';
import { getDb } from '~/utils/db.server';
import { formatDateTime } from '~/utils/format';
import { parseFormData } from '~/utils/forms';
import { z } from 'zod';

export const meta: MetaFunction = () => [{ title: 'Forums · Admin · Inspection Forum' }];

const NEW_FORUM_DEFAULTS = {
  cadence: 'weekly',
  weekday: '1',
  meetingTime: '10:00',
  timeZone: 'UTC',
  statusDeadlineHours: '24',
  minutesPerReview: '10',
};

const RestoreSchema = z.strictObject({
  intent: z.literal('restore'),
  forumId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});

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
  if (formData.get('intent') === 'restore') {
    const parsed = parseFormData(formData, RestoreSchema);
    if (!parsed.ok)
      return json(
        {
          intent: 'restore' as const,
          fieldErrors: {},
          formErrors: ['Choose a forum to restore'],
          values: {},
        },
        { status: 400 },
      );
    await setForumArchived(db, {
      forumId: parsed.data.forumId,
      archived: false,
      actorId: admin.id,
      request,
    });
    return redirect('/admin/forums', 303);
  }
  formData.delete('intent');
  const parsed = parseFormData(formData, CreateForumSchema);
  if (!parsed.ok)
    return json(
      {
        intent: 'create' as const,
        fieldErrors: parsed.fieldErrors,
        formErrors: parsed.formErrors,
        values: parsed.values,
      },
      { status: 400 },
    );
  const result = await createForum(db, {
    input: parsed.data,
    actorId: admin.id,
    request,
  });
  if (!result.ok) {
    const values = Object.fromEntries([...formData].map(([k, v]) => [k, String(v)]));
    return json(
      {
        intent: 'create' as const,
        fieldErrors: result.field ? { [result.field]: [result.message] } : {},
        formErrors: result.field ? [] : [result.message],
        values,
      },
      { status: result.status },
    );
  }
  return redirect(`/forums/${result.value.slug}`, 303);
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['forums'][number];

export default function AdminForums() {
  const { forums, zones } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const created = failed?.intent === 'create' ? failed : undefined;
  const errors = created?.fieldErrors as Record<string, string[] | undefined> | undefined;
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
      {failed?.intent === 'restore' ? <ErrorList errors={failed.formErrors} /> : null}

      <section aria-labelledby="new-forum-title" className="narrow-left">
        <h2 id="new-forum-title">New forum</h2>
        <p className="muted">
          You become the new forum’s <strong>chair</strong>, so someone can run it: invite its members from the forum’s
          settings, and hand the chair to someone else there.
        </p>
        <Form method="post" noValidate className="card stack">
          {created?.formErrors.length ? (
            <p role="alert" className="form-error">
              {created.formErrors.join(' ')}
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
