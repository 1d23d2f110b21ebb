import { useId, useMemo } from 'react';
import { OversightBadge } from '~/components/badges';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { levelLabel } from '~/oversight/explain';
import type { PolicyPreview as Preview, ProjectChange } from '~/modules/policy/what-if';
import { formatDate } from '~/utils/format';

const HEALTH_WORDS = { on_track: 'on track', at_risk: 'at risk', off_track: 'off track' } as const;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const hoursText = (h: number) => `${Math.round(h * 10) / 10} h`;
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

type LoadRow = Preview['load'][number];
type LevelRow = Preview['levels'][number];
type LatencyRow = Preview['latency']['items'][number];

/**
 * The what-if preview (issue #15): what the forum's history would have looked like under a candidate policy,
 * beside what happened. Plain JSON in (previewPolicy's answer, through a loader), no script needed; the
 * settings page places it before the save button.
 */
export function PolicyPreview({
  preview,
  timeZone,
  headingLevel = 2,
}: {
  preview: Preview;
  timeZone: string;
  headingLevel?: 2 | 3;
}) {
  const id = useId();
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const Sub = headingLevel === 2 ? 'h3' : 'h4';
  const levelColumns = useMemo<DataColumn<LevelRow>[]>(
    () => [
      {
        id: 'level',
        header: 'Level',
        accessorFn: (r) => r.level,
        cell: ({ row }) => <OversightBadge level={row.original.level} />,
      },
      { id: 'actual', header: 'Now (what happened)', accessorFn: (r) => r.actual },
      { id: 'candidate', header: 'Under the candidate', accessorFn: (r) => r.candidate },
      { id: 'difference', header: 'Difference', accessorFn: (r) => signed(r.candidate - r.actual) },
    ],
    [],
  );
  const loadColumns = useMemo<DataColumn<LoadRow>[]>(
    () => [
      { id: 'meeting', header: 'Meeting', accessorFn: (r) => formatDate(r.scheduledAt, timeZone) },
      { id: 'actual', header: 'Reviews held', accessorFn: (r) => `${r.actual.reviews} (${hoursText(r.actual.hours)})` },
      {
        id: 'candidate',
        header: 'Reviews under the candidate',
        accessorFn: (r) => `${r.candidate.reviews} (${hoursText(r.candidate.hours)})`,
      },
    ],
    [timeZone],
  );
  const latencyColumns = useMemo<DataColumn<LatencyRow>[]>(
    () => [
      { id: 'project', header: 'Project', accessorFn: (r) => r.project },
      { id: 'found', header: 'Found at the review of', accessorFn: (r) => formatDate(r.foundAt, timeZone) },
      {
        id: 'miss',
        header: 'The miss',
        accessorFn: (r) => `${HEALTH_WORDS[r.verdict]}, reported ${HEALTH_WORDS[r.selfReport]}`,
      },
      {
        id: 'candidate',
        header: 'Under the candidate',
        accessorFn: (r) =>
          r.candidate === null
            ? 'not found by the latest meeting'
            : `found ${plural(r.candidate, 'meeting', 'meetings')} later`,
      },
    ],
    [timeZone],
  );

  const { loadTotals: totals, latency, escalations } = preview;
  const diffReviews = totals.candidate.reviews - totals.actual.reviews;
  return (
    <section className="policy-preview card" aria-labelledby={`${id}-h`}>
      <H id={`${id}-h`}>What the candidate policy would have done</H>
      <p className="muted what-if-model">{preview.model}</p>

      <Sub>Projects per level now</Sub>
      <DataTable
        caption="Projects per level now, as it happened and under the candidate policy"
        columns={levelColumns}
        data={preview.levels}
        getRowId={(r) => r.level}
      />

      <div className="what-if-changes">
        <ChangeList
          title={`Looser under the candidate (${preview.looser.length})`}
          changes={preview.looser}
          empty="No project would be at a looser level."
          Sub={Sub}
        />
        <ChangeList
          title={`Tighter under the candidate (${preview.tighter.length})`}
          changes={preview.tighter}
          empty="No project would be at a tighter level."
          Sub={Sub}
        />
      </div>

      <Sub>Review load over the last {plural(preview.load.length, 'meeting', 'meetings')}</Sub>
      {preview.load.length === 0 ? (
        <p className="muted">No meeting has been closed yet.</p>
      ) : (
        <>
          <p>
            {totals.actual.reviews} reviews held ({hoursText(totals.actual.hours)}); under the candidate{' '}
            {totals.candidate.reviews} ({hoursText(totals.candidate.hours)}),{' '}
            {diffReviews === 0
              ? 'the same'
              : `${plural(Math.abs(diffReviews), 'review', 'reviews')} ${diffReviews > 0 ? 'more' : 'fewer'}`}
            , at {preview.minutesPerReview} minutes per review. Over the whole history the candidate skips{' '}
            {plural(preview.reviewChanges.skipped, 'recorded review', 'recorded reviews')} and adds{' '}
            {plural(preview.reviewChanges.added, 'review', 'reviews')}.
          </p>
          <LoadChart load={preview.load} timeZone={timeZone} />
          <details className="what-if-table">
            <summary>The review load as a table</summary>
            <DataTable
              caption="Reviews per meeting, as held and under the candidate policy"
              columns={loadColumns}
              data={preview.load}
              getRowId={(r) => String(r.meetingId)}
            />
          </details>
        </>
      )}

      <Sub>Detection latency</Sub>
      {latency.found === 0 ? (
        <p>No review found a miss (a project worse than its owner reported) in the recorded history.</p>
      ) : (
        <>
          <p>
            Reviews found {plural(latency.found, 'miss', 'misses')} (a project worse than its owner reported). Under the
            candidate {latency.same} would be found at the same meeting
            {latency.later > 0
              ? `, ${latency.later} later (${latency.averageDelay} meetings later on average, at most ${latency.maxDelay})`
              : ''}
            {latency.notFound > 0 ? `, ${latency.notFound} not by the latest meeting` : ''}.
          </p>
          {latency.items.length > 0 ? (
            <DataTable
              caption="Misses the candidate would find later or not at all"
              columns={latencyColumns}
              data={latency.items}
            />
          ) : null}
          {latency.omitted > 0 ? (
            <p className="muted">
              And {plural(latency.omitted, 'earlier miss', 'earlier misses')} found later, not listed.
            </p>
          ) : null}
        </>
      )}

      <Sub>Escalations</Sub>
      <p>
        Escalations over the history: {escalations.actual} as it happened, {escalations.candidate} under the candidate.
        Escalated now: {escalations.escalatedNow.actual} as it happened, {escalations.escalatedNow.candidate} under the
        candidate.
      </p>
    </section>
  );
}

function ChangeList({
  title,
  changes,
  empty,
  Sub,
}: {
  title: string;
  changes: ProjectChange[];
  empty: string;
  Sub: 'h3' | 'h4';
}) {
  return (
    <div>
      <Sub>{title}</Sub>
      {changes.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="what-if-list">
          {changes.map((c) => (
            <li key={c.projectId}>
              <strong>{c.project}</strong>: {levelLabel(c.actual)} now, {levelLabel(c.candidate)} under the candidate.
              <br />
              <span className="muted">Why: {c.why}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Reviews per meeting under both policies, as paired bars: what happened solid, the candidate hatched and
 * outlined, so the two differ by shape as well as colour. Text at 12 px; the title and description say it in words.
 */
export function LoadChart({ load, timeZone }: { load: LoadRow[]; timeZone: string }) {
  const id = useId();
  const W = 520;
  const H = 200;
  const pad = { left: 44, right: 8, top: 12, bottom: 28 };
  const max = Math.max(1, ...load.map((l) => Math.max(l.actual.reviews, l.candidate.reviews)));
  const slot = (W - pad.left - pad.right) / Math.max(1, load.length);
  const y = (v: number) => H - pad.bottom - (v / max) * (H - pad.top - pad.bottom);
  const bar = slot * 0.36;
  const r1 = (n: number) => Math.round(n * 10) / 10;
  const first = load[0];
  const last = load[load.length - 1];
  const sum = (k: 'actual' | 'candidate') => load.reduce((s, l) => s + l[k].reviews, 0);
  const desc =
    `${load.length} meetings from ${formatDate(first.scheduledAt, timeZone)} to ${formatDate(last.scheduledAt, timeZone)}: ` +
    `${sum('actual')} reviews held, ${sum('candidate')} under the candidate policy; at most ${max} at one meeting.`;
  const ticks = [...new Set([0, Math.round(max / 2), max])];
  return (
    <figure className="what-if-figure">
      <svg
        className="what-if-chart"
        width={W}
        height={H}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
      >
        <title id={`${id}-t`}>Reviews per meeting: as held and under the candidate policy</title>
        <desc id={`${id}-d`}>{desc}</desc>
        <defs>
          <pattern id={`${id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <line x1="0" y1="0" x2="0" y2="6" className="what-if-hatch" />
          </pattern>
        </defs>
        {ticks.map((t) => (
          <g key={t}>
            <line className="chart-grid" x1={pad.left} x2={W - pad.right} y1={r1(y(t))} y2={r1(y(t))} />
            <text className="what-if-label" x={pad.left - 6} y={r1(y(t) + 4)} textAnchor="end" fontSize={12}>
              {t}
            </text>
          </g>
        ))}
        {load.map((l, i) => {
          const x = pad.left + slot * i + slot / 2;
          return (
            <g key={l.meetingId}>
              <rect
                className="what-if-actual"
                x={r1(x - bar)}
                width={r1(bar)}
                y={r1(y(l.actual.reviews))}
                height={r1(y(0) - y(l.actual.reviews))}
              />
              <rect
                className="what-if-candidate"
                fill={`url(#${id}-hatch)`}
                x={r1(x)}
                width={r1(bar)}
                y={r1(y(l.candidate.reviews))}
                height={r1(y(0) - y(l.candidate.reviews))}
              />
            </g>
          );
        })}
        <text className="what-if-label" x={pad.left} y={H - 8} fontSize={12}>
          {formatDate(first.scheduledAt, timeZone)}
        </text>
        <text className="what-if-label" x={W - pad.right} y={H - 8} textAnchor="end" fontSize={12}>
          {formatDate(last.scheduledAt, timeZone)}
        </text>
      </svg>
      <figcaption className="what-if-legend">
        <span className="what-if-key actual" aria-hidden="true" /> Reviews held (solid)
        <span className="what-if-key candidate" aria-hidden="true" /> Under the candidate (hatched) · reviews per
        meeting
      </figcaption>
    </figure>
  );
}
