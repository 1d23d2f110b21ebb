import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import { OversightBadge } from '~/components/badges';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { requireForumRole } from '~/modules/auth/guards.server';
import { honestyRate, type Calibration } from '~/modules/oversight/oversight-page';
import { getOversightOverview } from '~/modules/oversight/oversight-page.server';
import { getDb } from '~/utils/db.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Oversight · ${data?.forum.name ?? 'Forum'} · Inspection Forum` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { forum } = await requireForumRole(request, params.slug);
  const overview = await getOversightOverview(getDb(), { forumId: forum.id });
  return json({ forum, projects: overview.projects, owners: overview.owners });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type ProjectRow = Data['projects'][number];
type OwnerRow = Data['owners'][number];

function CalibrationCounts({ c }: { c: Calibration }) {
  return (
    <span className="calibration">
      <abbr title="On-track verdicts">PASS</abbr> {c.PASS} · <abbr title="At risk, flagged by the owner first">FLAG</abbr> {c.FLAG} ·{' '}
      <abbr title="Off track, and the owner said so">own-up</abbr> {c.HONEST_OFF} · <abbr title="Verdict one step worse than the self-report">soft miss</abbr> {c.SOFT_MISS} ·{' '}
      <abbr title="Self-reported on track, found off track">hard miss</abbr> {c.HARD_MISS} · <abbr title="No status by the deadline">missed</abbr> {c.MISSED}
    </span>
  );
}

function Honesty({ c }: { c: Calibration }) {
  const rate = honestyRate(c);
  return rate === null ? <span className="muted">No reviews</span> : <>{Math.round(rate * 100)}%</>;
}

function NextReview({ n }: { n: number }) {
  return n === 0 ? <strong>Coming meeting</strong> : <>In {n + 1} meetings</>;
}

export default function OversightPage() {
  const { forum, projects, owners } = useLoaderData<typeof loader>();
  const projectColumns = useMemo<DataColumn<ProjectRow>[]>(
    () => [
      { id: 'project', header: 'Project', accessorFn: (r) => r.name, cell: ({ row }) => <Link to={`/forums/${forum.slug}/projects/${row.original.id}#oversight-history`}>{row.original.name}</Link> },
      { id: 'owner', header: 'Owner', accessorFn: (r) => r.owner },
      { id: 'level', header: 'Level', accessorFn: (r) => r.level, cell: ({ row }) => <OversightBadge level={row.original.level} escalated={row.original.escalated} /> },
      { id: 'progress', header: 'Toward the next level', accessorFn: (r) => r.progress.text },
      { id: 'interval', header: 'Review every', accessorFn: (r) => r.interval, cell: ({ row }) => `${row.original.interval} meeting${row.original.interval === 1 ? '' : 's'}` },
      { id: 'next', header: 'Next review', accessorFn: (r) => r.meetingsUntilReview, cell: ({ row }) => <NextReview n={row.original.meetingsUntilReview} /> },
      { id: 'calibration', header: 'Self-report calibration', accessorFn: (r) => r.calibration.PASS, cell: ({ row }) => <CalibrationCounts c={row.original.calibration} /> },
      { id: 'explanation', header: 'Last explanation', accessorFn: (r) => r.explanation },
    ],
    [forum.slug],
  );
  const ownerColumns = useMemo<DataColumn<OwnerRow>[]>(
    () => [
      { id: 'owner', header: 'Owner', accessorFn: (r) => r.owner },
      {
        id: 'levels',
        header: 'Projects by level',
        accessorFn: (r) => r.levels.join(','),
        cell: ({ row }) => (
          <span className="inline-list">
            {row.original.levels.map((l, i) => (
              <OversightBadge key={i} level={l} />
            ))}
          </span>
        ),
      },
      { id: 'escalated', header: 'Escalated', accessorFn: (r) => r.escalated },
      { id: 'honesty', header: 'Honest self-reports', accessorFn: (r) => honestyRate(r.calibration), cell: ({ row }) => <Honesty c={row.original.calibration} /> },
      { id: 'calibration', header: 'Record', accessorFn: (r) => r.calibration.PASS, cell: ({ row }) => <CalibrationCounts c={row.original.calibration} /> },
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
        Trust is earned per project: on-track reviews loosen review (Tight → Standard → Light → Trusted), misses tighten it at once, and owners who flag trouble
        early lose far less than owners whose &ldquo;on track&rdquo; turns out to be off track.
      </p>
      <h2 id="projects-heading">Projects</h2>
      <DataTable caption="Oversight level of every project" columns={projectColumns} data={projects} getRowId={(r) => String(r.id)} />
      <h2 id="owners-heading">Owners&rsquo; records</h2>
      <DataTable caption="Each owner's record across their projects" columns={ownerColumns} data={owners} getRowId={(r) => String(r.ownerId)} empty="No owners yet." />
    </>
  );
}
