import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { useMemo } from 'react';
import { MeetingStateBadge } from '~/components/meetings/meeting-state';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { requireForumRole } from '~/modules/auth/guards.server';
import { MeetingListQuerySchema } from '~/modules/meetings/meetings';
import { listMeetingsForForum } from '~/modules/meetings/schedule.server';
import { getDb } from '~/utils/db.server';
import { formatDateTime } from '~/utils/format';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Meetings · ${data?.forum.name ?? 'Forum'} · Inspection Forum` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  keepKnownQuery(request, ['page']);
  const db = getDb();
  const { forum } = await requireForumRole(request, params.slug);
  const { page } = MeetingListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const meetings = await listMeetingsForForum(db, { forumId: forum.id, page });
  return json({ forum, page, ...meetings });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['upcoming'][number];

export default function Meetings() {
  const { forum, page, upcoming, past, pastTotal, pageSize } = useLoaderData<typeof loader>();
  const columns = useMemo<DataColumn<Row>[]>(
    () => [
      {
        id: 'date',
        header: 'Meeting',
        accessorFn: (r) => r.scheduledAt,
        cell: ({ row }) => (
          <Link to={String(row.original.id)}>{formatDateTime(row.original.scheduledAt, forum.timeZone)}</Link>
        ),
      },
      {
        id: 'state',
        header: 'State',
        accessorFn: (r) => r.state,
        cell: ({ row }) =>
          row.original.state === 'skipped' ? (
            <span className="skipped">Skipped — {row.original.skipReason}</span>
          ) : (
            <MeetingStateBadge state={row.original.state} />
          ),
      },
      {
        id: 'discussed',
        header: 'Discussed',
        accessorFn: (r) => r.discussed,
        cell: ({ row }) => (row.original.discussed ? row.original.discussed : '—'),
      },
      { id: 'reviewed', header: 'Reviewed', accessorFn: (r) => r.reviewed },
      { id: 'changes', header: 'Level changes', accessorFn: (r) => r.levelChanges },
    ],
    [forum.timeZone],
  );
  const pages = Math.max(1, Math.ceil(pastTotal / pageSize));
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/forums/${forum.slug}`}>{forum.name}</Link>
      </nav>
      <div className="page-head">
        <h1>Meetings</h1>
        <p className="page-links">
          <a href={`/forums/${forum.slug}/meetings.ics`}>Calendar feed (iCalendar)</a>
        </p>
      </div>
      <h2>Upcoming</h2>
      <DataTable
        caption="Upcoming meetings"
        columns={columns}
        data={upcoming}
        getRowId={(r) => String(r.id)}
        empty="No meetings planned."
      />
      <h2>Past</h2>
      <DataTable
        caption="Past meetings"
        columns={columns}
        data={past}
        getRowId={(r) => String(r.id)}
        empty="No meetings held yet."
      />
      {pages > 1 ? (
        <nav className="pagination" aria-label="Past meetings pages">
          {page > 1 ? <Link to={`?page=${page - 1}`}>Newer</Link> : null}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? <Link to={`?page=${page + 1}`}>Older</Link> : null}
        </nav>
      ) : null}
    </>
  );
}
