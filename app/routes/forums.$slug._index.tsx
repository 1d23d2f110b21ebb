import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { useMemo } from 'react';
import { HealthBadge, OversightBadge } from '~/components/badges';
import { MyActionItems } from '~/components/action-items';
import { ForumHomeSection } from '~/components/home';
import { Pagination } from '~/components/pagination';
import { ReviewLoadSummary } from '~/components/review-load';
import { HealthSparkline, ProgressBar } from '~/components/sparkline';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { SelectField } from '~/components/ui/field';
import { can } from '~/modules/auth/can';
import { requireForumRole } from '~/modules/auth/guards.server';
import {
  DASHBOARD_QUERY_KEYS,
  DASHBOARD_SORTS,
  HEALTH_FILTERS,
  LEVEL_FILTERS,
  PAGE_SIZES,
  dashboardSearch,
  parseDashboardQuery,
  type DashboardQuery,
} from '~/modules/projects/dashboard';
import { HOME_LIST, comingMeetingOf, loadForumHome, type ComingMeeting } from '~/modules/home/home.server';
import { listOpenActionItemsForUser } from '~/modules/meetings/action-items.server';
import { getReviewLoad } from '~/modules/meetings/review-load.server';
import { forumReviewSchedule, type NextReview as NextReviewData } from '~/modules/meetings/next-review.server';
import { getDashboardSummary, listProjectsForDashboard } from '~/modules/projects/dashboard.server';
import { healthLabel, levelLabel } from '~/oversight';
import { getDb } from '~/utils/db.server';
import { forumPageData } from '~/utils/page-cache.server';
import { formatAge, formatDate, pageNow } from '~/utils/format';
import { pageData } from '~/utils/page-data.server';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.forum.name ?? 'Forum'} · Inspection Forum` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  keepKnownQuery(request, DASHBOARD_QUERY_KEYS);
  const db = getDb();
  const { user, forum, role } = await requireForumRole(request, params.slug);
  const query = parseDashboardQuery(new URL(request.url).searchParams);
  // The member's own work first (issue #20: a member of one forum lands here): the home page's section for this
  // forum, kept like the page's other data until the forum changes (or a minute passes: deadlines move with time).
  // One review schedule for the table, the counts, the review load and the home's next meeting (decision 019): the
  // forum's, computed once per forum version for every page and member (decision 028).
  let scheduleRead: ReturnType<typeof forumReviewSchedule> | undefined;
  const readSchedule = () => (scheduleRead ??= forumReviewSchedule(db, forum));
  // The coming meeting is the schedule's: the home's status cycle and the table's "due" and "missing" are the same
  // meeting's.
  let meetingRead: Promise<ComingMeeting> | undefined;
  const readMeeting = () => (meetingRead ??= readSchedule().then((s) => comingMeetingOf(s)));
  const home = forumPageData(forum, `home:${user.id}:${role}`, async () => {
    const [work, actionItems] = await Promise.all([
      loadForumHome(db, { forum, role, userId: user.id, schedule: readSchedule(), comingMeeting: readMeeting() }),
      listOpenActionItemsForUser(db, { userId: user.id, forumId: forum.id }),
    ]);
    // The first HOME_LIST, soonest due first (a page sends what it shows); all of them are on the home page.
    return { ...work, actionItems: actionItems.slice(0, HOME_LIST), actionItemCount: actionItems.length };
  });
  // What the page shows of the whole forum (the counts, the review load, the coming meeting) is one entry, whatever
  // the table's sort and page; the table's page is another per query (decision 028: a sort or page of the table
  // not seen at this version reads its 25 rows only).
  const forumWide = forumPageData(forum, 'dashboard', async () => {
    const reading = readSchedule();
    const [summary, nextMeeting, load] = await Promise.all([
      getDashboardSummary(db, forum.id, reading),
      readMeeting(),
      getReviewLoad(db, { forumId: forum.id, schedule: reading }),
    ]);
    return { summary, nextMeeting: nextMeeting && { id: nextMeeting.id, scheduledAt: nextMeeting.scheduledAt }, load };
  });
  const table = forumPageData(forum, `dashboard:${JSON.stringify(query)}`, async () => {
    // The schedule is read beside the page's own query: it waits for it only where it needs it (decision 022).
    const reading = readSchedule();
    const [{ rows, total }, nextMeeting, schedule] = await Promise.all([
      listProjectsForDashboard(db, { forumId: forum.id, query, schedule: reading }),
      readMeeting(),
      reading,
    ]);
    // What the table shows, no more: the page's data is sent twice (as HTML and for hydration).
    const projects = rows.map((r) => ({
      id: r.id,
      name: r.name,
      owner: r.owner,
      health: r.health,
      lastVerdict: r.lastVerdict,
      trend: r.trend,
      progress: r.progress === null ? null : Math.round(r.progress * 1000) / 1000,
      level: r.level,
      escalated: r.escalated,
      meetingsUntilReview: r.meetingsUntilReview,
      nextReview: nextReviewCell(schedule.reviews.get(r.id)),
      statusAt: r.statusAt,
      late: r.late,
      /** No status for the coming meeting yet: due before its deadline, missing after it. */
      ...statusFor(r, nextMeeting),
    }));
    return { projects, total };
  });
  const [mine, wide, page] = await Promise.all([home, forumWide, table]);
  return pageData({
    forum,
    home: mine,
    canCreateProject: can({ role }, 'create-project'),
    canSeeSettings: can({ role }, 'see-settings'),
    query,
    ...wide,
    ...page,
    now: pageNow(),
  });
}

function nextReviewCell(r: NextReviewData | undefined) {
  return r ? { at: r.at, when: r.when, label: r.label, reason: r.reason } : null;
}

function statusFor(r: { statusAt: unknown; statusMeetingId: number | null }, next: ComingMeeting) {
  const none = !r.statusAt || (next !== null && r.statusMeetingId !== next.id);
  const passed = next === null || next.deadlinePassed;
  return { due: none && !passed, missing: none && passed };
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Row = Data['projects'][number];

function NextReview({ row, timeZone }: { row: Row; timeZone: string }) {
  const r = row.nextReview;
  if (!r) return <>—</>;
  const date = r.at ? formatDate(r.at, timeZone) : null;
  if (row.meetingsUntilReview === 0) {
    return (
      <>
        <strong>This meeting{date ? ` (${date})` : ''}</strong>{' '}
        <span className="muted" title={r.reason}>
          · {r.label}
        </span>
      </>
    );
  }
  return <>{date ? `${date} (${r.when})` : r.when}</>;
}

function StatusAge({ row, now }: { row: Row; now: string }) {
  return (
    <>
      {row.statusAt ? formatAge(row.statusAt, new Date(now)) : 'never'}
      {row.late ? <span className="badge health-at_risk">late</span> : null}
      {row.missing ? <span className="badge health-off_track">missing</span> : null}
      {row.due ? <span className="badge">due</span> : null}
    </>
  );
}

function SummaryStrip({ data }: { data: Data }) {
  const { summary } = data;
  return (
    <section aria-label="Summary" className="summary-strip">
      <div className="card">
        <h2 className="strip-title">Health</h2>
        <ul className="inline-list">
          {(['on_track', 'at_risk', 'off_track'] as const).map((h) => (
            <li key={h}>
              <Link to={dashboardSearch(data.query, { health: h, page: 1 })}>
                <HealthBadge health={h} /> {summary.byHealth[h] ?? 0}
              </Link>
            </li>
          ))}
          {summary.byHealth.none ? <li>No status {summary.byHealth.none}</li> : null}
        </ul>
      </div>
      <div className="card">
        <h2 className="strip-title">Oversight level</h2>
        <ul className="inline-list">
          {LEVEL_FILTERS.map((l) => (
            <li key={l}>
              <Link to={dashboardSearch(data.query, { level: l, page: 1 })}>
                <OversightBadge level={l} /> {summary.byLevel[l] ?? 0}
              </Link>
            </li>
          ))}
        </ul>
      </div>
      <div className="card">
        <h2 className="strip-title">Due this meeting</h2>
        <p className="load">
          <Link to={dashboardSearch(data.query, { due: '1', page: 1 })}>
            <strong>{summary.dueThisMeeting}</strong> of {summary.projects} projects due
          </Link>{' '}
          at the coming meeting: exceptions (such as missing statuses), due by cadence and pulled in, as on its agenda.
        </p>
      </div>
    </section>
  );
}

function FilterSelect({
  id,
  label,
  name,
  value,
  anyLabel,
  options,
}: {
  id: string;
  label: string;
  name: string;
  value: string | number | undefined;
  anyLabel: string;
  options: { value: string | number; label: string }[];
}) {
  return (
    <SelectField
      id={id}
      label={label}
      name={name}
      defaultValue={value ?? ''}
      options={[{ value: '', label: anyLabel }, ...options]}
    />
  );
}

function Filters({ data }: { data: Data }) {
  const { query, summary } = data;
  const active = Boolean(query.q || query.level || query.health || query.owner || query.due);
  // Keyed by the view, so Back/Forward re-fill the fields from the URL instead of keeping stale values. Folded away
  // on a phone (open while a filter is on); always open on a wide screen (app.css).
  return (
    <details className="filters-fold" open={active || undefined}>
      <summary>Filters{active ? ' (on)' : ''}</summary>
      <Form key={dashboardSearch(query)} method="get" className="filters" role="search" aria-label="Filter projects">
        <div className="field">
          <label htmlFor="f-q">Search</label>
          <input
            id="f-q"
            type="search"
            name="q"
            defaultValue={query.q}
            maxLength={100}
            placeholder="Project or owner"
          />
        </div>
        <FilterSelect
          id="f-level"
          label="Level"
          name="level"
          value={query.level}
          anyLabel="Any"
          options={LEVEL_FILTERS.map((l) => ({ value: l, label: levelLabel(l) }))}
        />
        <FilterSelect
          id="f-health"
          label="Health"
          name="health"
          value={query.health}
          anyLabel="Any"
          options={HEALTH_FILTERS.map((h) => ({ value: h, label: h === 'none' ? 'No status' : healthLabel(h) }))}
        />
        <FilterSelect
          id="f-owner"
          label="Owner"
          name="owner"
          value={query.owner}
          anyLabel="Anyone"
          options={summary.owners.map((o) => ({ value: o.id, label: o.name }))}
        />
        <div className="field checkbox">
          <input id="f-due" type="checkbox" name="due" value="1" defaultChecked={query.due === '1'} />
          <label htmlFor="f-due">Due this meeting</label>
        </div>
        <SelectField
          id="f-size"
          label="Per page"
          name="size"
          defaultValue={query.size}
          options={PAGE_SIZES.map((n) => ({ value: n, label: String(n) }))}
        />
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <div className="filter-actions">
          <button type="submit" className="button">
            Apply
          </button>
          <Link to="." className="button secondary">
            Clear
          </Link>
        </div>
      </Form>
    </details>
  );
}

export default function ForumDashboard() {
  const data = useLoaderData<typeof loader>();
  const { forum, canCreateProject, canSeeSettings, query, projects, total, nextMeeting, now } = data;
  const columns = useMemo<DataColumn<Row>[]>(
    () => [
      {
        id: 'project',
        header: 'Project',
        accessorFn: (r) => r.name,
        cell: ({ row }) => <Link to={`/forums/${forum.slug}/projects/${row.original.id}`}>{row.original.name}</Link>,
      },
      { id: 'owner', header: 'Owner', accessorFn: (r) => r.owner },
      {
        id: 'health',
        header: 'Health',
        accessorFn: (r) => r.health,
        cell: ({ row }) => <HealthBadge health={row.original.health} />,
      },
      {
        id: 'verdict',
        header: 'Last verdict',
        accessorFn: (r) => r.lastVerdict,
        cell: ({ row }) =>
          row.original.lastVerdict ? (
            <HealthBadge health={row.original.lastVerdict} />
          ) : (
            <span className="muted">Not reviewed</span>
          ),
      },
      {
        id: 'trend',
        header: 'Trend',
        accessorFn: (r) => r.trend.join(','),
        cell: ({ row }) => <HealthSparkline trend={row.original.trend} />,
      },
      {
        id: 'progress',
        header: 'Goal progress',
        accessorFn: (r) => r.progress,
        cell: ({ row }) => (
          <ProgressBar value={row.original.progress} label={`Goal progress of ${row.original.name}`} />
        ),
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
        cell: ({ row }) => <NextReview row={row.original} timeZone={forum.timeZone} />,
      },
      {
        id: 'status_age',
        header: 'Status age',
        accessorFn: (r) => r.statusAt,
        cell: ({ row }) => <StatusAge row={row.original} now={now} />,
      },
    ],
    [forum.slug, forum.timeZone, now],
  );
  const sortHref = (id: string, desc: boolean) =>
    dashboardSearch(query, { sort: id as DashboardQuery['sort'], dir: desc ? 'desc' : 'asc', page: 1 }) || '?';
  const filtered = Boolean(query.q || query.level || query.health || query.owner || query.due);
  return (
    <>
      <div className="page-head">
        <h1>{forum.name}</h1>
        {canCreateProject ? (
          <Link className="button" to={`/forums/${forum.slug}/projects/new`}>
            New project
          </Link>
        ) : null}
        <nav aria-label="Forum" className="page-links">
          <Link to={`/forums/${forum.slug}/meetings`}>Meetings</Link>
          <Link to={`/forums/${forum.slug}/oversight`}>Oversight</Link>
          {canSeeSettings ? <Link to={`/forums/${forum.slug}/settings`}>Settings</Link> : null}
          <a href={`/forums/${forum.slug}/projects.csv${dashboardSearch({ ...query, page: 1 })}`} download>
            Export CSV
          </a>
        </nav>
      </div>
      <ForumHomeSection home={data.home} inForum />
      {data.home.actionItems.length > 0 ? (
        <MyActionItems
          items={data.home.actionItems}
          total={data.home.actionItemCount}
          returnTo={`/forums/${forum.slug}`}
          inForum
        />
      ) : null}
      <SummaryStrip data={data} />
      <ReviewLoadSummary load={data.load} timeZone={forum.timeZone} title="The time trust saves" />
      <Filters data={data} />
      <p className="muted" aria-live="polite">
        {total} project{total === 1 ? '' : 's'}
        {filtered ? ' match' : ''}
        {nextMeeting ? ` · next meeting ${formatDate(nextMeeting.scheduledAt, forum.timeZone)}` : ''}
      </p>
      <DataTable
        caption={`Projects in ${forum.name}`}
        columns={columns}
        data={projects}
        getRowId={(r) => String(r.id)}
        sortableIds={DASHBOARD_SORTS}
        sort={{ id: query.sort, desc: query.dir === 'desc' }}
        sortHref={sortHref}
        empty={filtered ? 'No projects match these filters.' : 'No projects in this forum yet.'}
        priority={['project', 'health', 'level', 'next_review']}
      />
      <Pagination
        page={query.page}
        pages={Math.max(1, Math.ceil(total / query.size))}
        href={(page) => dashboardSearch(query, { page }) || '?'}
      />
    </>
  );
}
