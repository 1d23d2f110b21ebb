import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData, useLocation } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { useMemo } from 'react';
import { OversightBadge } from '~/components/badges';
import { CalibrationBar } from '~/components/calibration-bar';
import { NextReviewText } from '~/components/next-review';
import { Pagination } from '~/components/pagination';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import type { LevelValue } from '../../db/database';
import { requireForumRole } from '~/modules/auth/guards.server';
import { honestyRate, type Calibration } from '~/modules/oversight/oversight-page';
import { getOversightOverview } from '~/modules/oversight/oversight-page.server';
import { LEVELS } from '~/oversight';
import { getDb } from '~/utils/db.server';
import { forumPageData } from '~/utils/page-cache.server';
import { forumReviewSchedule } from '~/modules/meetings/next-review.server';
import { pageOf, readPageParam, withPageParam } from '~/utils/paging';
import { pageData } from '~/utils/page-data.server';
import { keepKnownQuery } from '~/utils/http.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Oversight · ${data?.forum.name ?? 'Forum'} · Inspection Forum` },
];

const PAGE_SIZE = 25;

export async function loader({ request, params }: LoaderFunctionArgs) {
  keepKnownQuery(request, ['page', 'owners']);
  const { forum } = await requireForumRole(request, params.slug);
  const { searchParams } = new URL(request.url);
  const overview = await forumPageData(forum, 'oversight', () => {
    const db = getDb();
    return getOversightOverview(db, { forumId: forum.id, schedule: forumReviewSchedule(db, forum) });
  });
  return pageData({
    forum,
    projects: pageOf(overview.projects, readPageParam(searchParams, 'page'), PAGE_SIZE),
    owners: pageOf(overview.owners, readPageParam(searchParams, 'owners'), PAGE_SIZE),
    policyInForce: overview.policyInForce,
  });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type ProjectRow = Data['projects']['items'][number];
type OwnerRow = Data['owners']['items'][number];

const CALIBRATION_TERMS = [
  ['on track', 'On-track verdicts'],
  ['flagged', 'At risk, flagged by the owner first'],
  ['own-up', 'Off track, and the owner said so'],
  ['soft miss', 'Verdict one step worse than the self-report'],
  ['hard miss', 'Self-reported on track, found off track'],
  ['missed', 'No status by the deadline'],
] as const;

/** The calibration terms, defined once for both tables (their cells are plain counts). */
function CalibrationLegend() {
  return (
    <p className="muted calibration-legend">
      {CALIBRATION_TERMS.map(([term, meaning], i) => (
        <span key={term}>
          {i > 0 ? ' · ' : ''}
          <strong>{term}</strong>: {meaning.toLowerCase()}
        </span>
      ))}
      .
    </p>
  );
}

/** An owner's projects by level: a badge per level with its count. */
function LevelCounts({ levels }: { levels: LevelValue[] }) {
  return (
    <span className="inline-list">
      {LEVELS.filter((l) => levels.includes(l)).map((l) => (
        <span key={l}>
          <OversightBadge level={l} /> {levels.filter((x) => x === l).length}
        </span>
      ))}
    </span>
  );
}

function Honesty({ c }: { c: Calibration }) {
  const rate = honestyRate(c);
  return rate === null ? <span className="muted">No reviews</span> : <>{Math.round(rate * 100)}%</>;
}

export default function OversightPage() {
  const { forum, projects, owners, policyInForce } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const projectColumns = useMemo<DataColumn<ProjectRow>[]>(
    () => [
      {
        id: 'project',
        header: 'Project',
        accessorFn: (r) => r.name,
        cell: ({ row }) => (
          <Link to={`/forums/${forum.slug}/projects/${row.original.id}#oversight-history`}>{row.original.name}</Link>
        ),
      },
      { id: 'owner', header: 'Owner', accessorFn: (r) => r.owner },
      {
        id: 'level',
        header: 'Level',
        accessorFn: (r) => r.level,
        cell: ({ row }) => <OversightBadge level={row.original.level} escalated={row.original.escalated} />,
      },
      { id: 'progress', header: 'Toward the next level', accessorFn: (r) => r.progress.text },
      {
        id: 'interval',
        header: 'Review every',
        accessorFn: (r) => r.interval,
        cell: ({ row }) => `${row.original.interval} meeting${row.original.interval === 1 ? '' : 's'}`,
      },
      {
        id: 'next',
        header: 'Next review',
        accessorFn: (r) => r.meetingsUntilReview,
        cell: ({ row }) => (
          <NextReviewText
            review={row.original.nextReview}
            meetingsUntil={row.original.meetingsUntilReview}
            timeZone={forum.timeZone}
          />
        ),
      },
      {
        id: 'calibration',
        header: 'Self-report calibration',
        accessorFn: (r) => r.calibration.PASS,
        cell: ({ row }) => <CalibrationBar c={row.original.calibration} />,
      },
      { id: 'explanation', header: 'Last explanation', accessorFn: (r) => r.explanation },
    ],
    [forum.slug, forum.timeZone],
  );
  const ownerColumns = useMemo<DataColumn<OwnerRow>[]>(
    () => [
      { id: 'owner', header: 'Owner', accessorFn: (r) => r.owner },
      {
        id: 'levels',
        header: 'Projects by level',
        accessorFn: (r) => r.levels.join(','),
        cell: ({ row }) => <LevelCounts levels={row.original.levels} />,
      },
      { id: 'escalated', header: 'Escalated', accessorFn: (r) => r.escalated },
      {
        id: 'honesty',
        header: 'Honest self-reports',
        accessorFn: (r) => honestyRate(r.calibration),
        cell: ({ row }) => <Honesty c={row.original.calibration} />,
      },
      {
        id: 'calibration',
        header: 'Record',
        accessorFn: (r) => r.calibration.PASS,
        cell: ({ row }) => <CalibrationBar c={row.original.calibration} />,
      },
    ],
    [],
  );
  return (
    <>
      <div className="page-head">
        <h1>Oversight · {forum.name}</h1>
        <nav aria-label="Forum" className="page-links">
          <Link to={`/forums/${forum.slug}`}>Dashboard</Link>
          <Link to={`/forums/${forum.slug}/meetings`}>Meetings</Link>
        </nav>
      </div>
      <p className="muted">
        Trust is earned per project: on-track reviews loosen review (Tight → Standard → Light → Trusted), misses tighten
        it at once, and owners who flag trouble early lose far less than owners whose &ldquo;on track&rdquo; turns out
        to be off track.
      </p>
      <CalibrationLegend />
      <h2 id="projects-heading">Projects</h2>
      <p className="muted">
        {projects.total} project{projects.total === 1 ? '' : 's'}, tightest oversight first.
      </p>
      <DataTable
        caption="Oversight level of every project"
        columns={projectColumns}
        data={projects.items}
        getRowId={(r) => String(r.id)}
      />
      <Pagination
        label="Project pages"
        page={projects.page}
        pages={projects.pages}
        href={(page) => `${withPageParam(search, 'page', page)}#projects-heading`}
      />
      <h2 id="owners-heading">Owners&rsquo; records</h2>
      <DataTable
        caption="Each owner's record across their projects"
        columns={ownerColumns}
        data={owners.items}
        getRowId={(r) => String(r.ownerId)}
        empty="No owners yet."
      />
      <Pagination
        label="Owner pages"
        page={owners.page}
        pages={owners.pages}
        href={(page) => `${withPageParam(search, 'owners', page)}#owners-heading`}
      />
      <section aria-labelledby="policy-heading" className="policy-in-words">
        <h2 id="policy-heading">The policy in force</h2>
        <p className="muted">
          Version {policyInForce.version} of this forum’s oversight policy. Each event is judged by the version in force
          when it happened.{' '}
          <Link to={`/forums/${forum.slug}/settings/policy`}>Every parameter and the version history</Link>
        </p>
        {policyInForce.sections.map((s) => (
          <div key={s.title}>
            <h3>{s.title}</h3>
            <ul>
              {s.sentences.map((sentence) => (
                <li key={sentence}>{sentence}</li>
              ))}
            </ul>
          </div>
        ))}
      </section>
    </>
  );
}
