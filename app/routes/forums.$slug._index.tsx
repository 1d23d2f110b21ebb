import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react';
import { useMemo } from 'react';
import { HealthBadge, OversightBadge } from '~/components/badges';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { requireForumRole } from '~/modules/auth/guards.server';
import { DASHBOARD_SORTS, parseDashboardQuery } from '~/modules/projects/dashboard';
import { getNextMeeting, listProjectsForDashboard } from '~/modules/projects/dashboard.server';
import { getDb } from '~/utils/db.server';
import { formatAge, formatDate } from '~/utils/format';

const CADENCE_DAYS = { weekly: 7, biweekly: 14, monthly: 28 } as const;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.forum.name ?? 'Forum'} · Inspection Forum` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { forum, role } = await requireForumRole(request, params.slug);
  const query = parseDashboardQuery(new URL(request.url).searchParams);
  const [projects, nextMeeting] = await Promise.all([
    listProjectsForDashboard(db, { forumId: forum.id, query }),
    getNextMeeting(db, forum.id),
  ]);
  return json({ forum, role, query, projects, nextMeeting, cadenceDays: CADENCE_DAYS[forum.cadence], now: new Date().toISOString() });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['projects'][number];

export default function ForumDashboard() {
  const { forum, query, projects, nextMeeting, now, cadenceDays } = useLoaderData<typeof loader>();
  const location = useLocation();
  const columns = useMemo<DataColumn<Row>[]>(
    () => [
      { id: 'project', header: 'Project', accessorFn: (r) => r.name, cell: ({ row }) => <Link to={`/forums/${forum.slug}/projects/${row.original.id}`}>{row.original.name}</Link> },
      { id: 'owner', header: 'Owner', accessorFn: (r) => r.owner },
      {
        id: 'health',
        header: 'Latest health',
        accessorFn: (r) => r.health,
        cell: ({ row }) => <HealthBadge health={row.original.health} />,
      },
      {
        id: 'level',
        header: 'Oversight level',
        accessorFn: (r) => r.level,
        cell: ({ row }) => <OversightBadge level={row.original.level} escalated={row.original.escalated} />,
      },
      {
        id: 'next_review',
        header: 'Next review',
        accessorFn: (r) => r.meetingsUntilReview,
        cell: ({ row }) => {
          const n = row.original.meetingsUntilReview;
          if (n === 0) return <strong>This meeting{nextMeeting ? ` (${formatDate(nextMeeting.scheduled_at, forum.timeZone)})` : ''}</strong>;
          const at = nextMeeting ? new Date(new Date(nextMeeting.scheduled_at).getTime() + n * cadenceDays * 86_400_000) : null;
          return at ? `${formatDate(at, forum.timeZone)} (in ${n + 1} meetings)` : `In ${n + 1} meetings`;
        },
      },
      {
        id: 'status_age',
        header: 'Status age',
        accessorFn: (r) => r.statusAt,
        cell: ({ row }) =>
          row.original.statusAt ? (
            <>
              {formatAge(row.original.statusAt, new Date(now))}
              {row.original.late ? <span className="badge health-at_risk"> late</span> : null}
            </>
          ) : (
            <span className="badge health-off_track">missing</span>
          ),
      },
    ],
    [forum.slug, forum.timeZone, nextMeeting, now, cadenceDays],
  );
  const sortHref = (id: string, desc: boolean) => {
    const params = new URLSearchParams(location.search);
    params.set('sort', id);
    params.set('dir', desc ? 'desc' : 'asc');
    return `?${params}`;
  };
  return (
    <>
      <h1>{forum.name}</h1>
      <Form method="get" className="toolbar" role="search">
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <label htmlFor="dashboard-search">Search projects or owners</label>{' '}
        <input id="dashboard-search" type="search" name="q" defaultValue={query.q} maxLength={100} />{' '}
        <button type="submit" className="button secondary">
          Search
        </button>
      </Form>
      <p className="muted">
        {projects.length} project{projects.length === 1 ? '' : 's'}
        {nextMeeting ? ` · next meeting ${formatDate(nextMeeting.scheduled_at, forum.timeZone)}` : ''}
      </p>
      <DataTable
        caption={`Projects in ${forum.name}`}
        columns={columns}
        data={projects}
        getRowId={(r) => String(r.id)}
        sortableIds={DASHBOARD_SORTS}
        sort={{ id: query.sort, desc: query.dir === 'desc' }}
        sortHref={sortHref}
        empty={query.q ? 'No projects match that search.' : 'No projects in this forum yet.'}
      />
    </>
  );
}
