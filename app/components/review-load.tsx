import { useId } from 'react';
import { formatMinutes, loadMinutes, type LoadPoint, type ReviewLoad } from '~/modules/meetings/review-load';
import { formatDate, formatDayMonth } from '~/utils/format';

const r1 = (n: number) => Math.round(n * 10) / 10;

type Point = Omit<LoadPoint, 'scheduledAt'> & { scheduledAt: string | Date };
type Load = Omit<ReviewLoad, 'current' | 'history'> & { current: Point | null; history: Point[] };

/**
 * Reviews per meeting against every active project each meeting, over time: bars are the projects
 * discussed, the line is "everything every meeting". Its description says the same in words.
 */
export function ReviewLoadChart({ points, timeZone }: { points: Point[]; timeZone: string }) {
  const id = useId();
  if (points.length < 2) return null;
  // Text is 13.5 user units (app.css) in a 360-unit-wide chart: at least 12 px wherever it is shown 320 px wide or more.
  const W = 360;
  const H = 150;
  const pad = { left: 34, right: 8, top: 10, bottom: 38 };
  const top = Math.max(1, ...points.map((p) => Math.max(p.discussed, p.everything)));
  // A readable y-axis: 0, the middle and the top, rounded to whole projects.
  const max = top <= 4 ? top : Math.ceil(top / 4) * 4;
  const ticks = max <= 4 ? [0, max] : [0, max / 2, max];
  const slot = (W - pad.left - pad.right) / points.length;
  const y = (v: number) => H - pad.bottom - (v / max) * (H - pad.top - pad.bottom);
  const x = (i: number) => pad.left + slot * i + slot / 2;
  const first = points[0];
  const last = points[points.length - 1];
  const average = points.reduce((s, p) => s + p.discussed, 0) / points.length;
  // Dates under the bars: the first, the last and one between them (more would overlap).
  const dated = [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])];
  const shortDate = (d: string | Date) => formatDayMonth(d, timeZone);
  const desc =
    `${points.length} meetings from ${formatDate(first.scheduledAt, timeZone)} to ${formatDate(last.scheduledAt, timeZone)}: ` +
    `${first.discussed} of ${first.everything} projects discussed at the first, ${last.discussed} of ${last.everything} at the last, ` +
    `${average.toFixed(1)} on average.`;
  return (
    <svg className="chart load-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
      <title id={`${id}-t`}>Projects discussed per meeting against all active projects</title>
      <desc id={`${id}-d`}>{desc}</desc>
      {ticks.map((t) => (
        <g key={t}>
          <line className="chart-grid" x1={pad.left} x2={W - pad.right} y1={r1(y(t))} y2={r1(y(t))} />
          <text className="chart-label" x={pad.left - 5} y={r1(y(t) + 4.5)} textAnchor="end">
            {t}
          </text>
        </g>
      ))}
      {points.map((p, i) => (
        <rect
          key={p.meetingId}
          className={p.state === 'closed' ? 'load-bar' : 'load-bar expected'}
          x={r1(x(i) - slot * 0.3)}
          width={r1(slot * 0.6)}
          y={r1(y(p.discussed))}
          height={r1(Math.max(0, y(0) - y(p.discussed)))}
        />
      ))}
      <polyline
        className="load-everything"
        points={points.map((p, i) => `${x(i).toFixed(1)},${y(p.everything).toFixed(1)}`).join(' ')}
      />
      {dated.map((i) => (
        <text
          key={i}
          className="chart-label"
          x={r1(x(i))}
          y={H - pad.bottom + 17}
          textAnchor={i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle'}
          dx={i === 0 ? -slot / 2 : i === points.length - 1 ? slot / 2 : 0}
        >
          {shortDate(points[i].scheduledAt)}
        </text>
      ))}
      <text className="chart-label" x={pad.left} y={H - 4}>
        projects per meeting
      </text>
    </svg>
  );
}

/**
 * The time trust saves: a meeting's expected reviews and minutes against reviewing every project every
 * meeting, with the trend over past meetings. For the meeting page and the forum dashboard.
 */
export function ReviewLoadSummary({
  load,
  timeZone,
  title = 'Review load',
}: {
  load: Load;
  timeZone: string;
  title?: string;
}) {
  const headingId = useId();
  const { current, history, minutesPerReview } = load;
  const points = current ? [...history, current] : history;
  const totals = history.reduce(
    (t, p) => ({ discussed: t.discussed + p.discussed, everything: t.everything + p.everything }),
    { discussed: 0, everything: 0 },
  );
  const saved = loadMinutes(totals, minutesPerReview);
  return (
    <section className="review-load card" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {current ? (
        <LoadLine point={current} minutesPerReview={minutesPerReview} timeZone={timeZone} />
      ) : (
        <p className="muted">No meeting is planned.</p>
      )}
      {history.length > 0 ? (
        <p className="load">
          Over the last {history.length} meeting{history.length === 1 ? '' : 's'}: {totals.discussed} reviews instead of{' '}
          {totals.everything}, saving {formatMinutes(saved.savedMinutes)} ({Math.round(saved.savedShare * 100)}%).
        </p>
      ) : null}
      <ReviewLoadChart points={points} timeZone={timeZone} />
      <p className="muted load-legend">
        <span>
          <span className="legend-bar" aria-hidden="true" />
          discussed
        </span>
        {current && current.state !== 'closed' ? (
          <span>
            <span className="legend-expected" aria-hidden="true" />
            expected at the next meeting
          </span>
        ) : null}
        <span>
          <span className="legend-line" aria-hidden="true" />
          every active project
        </span>
        <span>{minutesPerReview} min per review</span>
      </p>
    </section>
  );
}

function LoadLine({ point, minutesPerReview, timeZone }: { point: Point; minutesPerReview: number; timeZone: string }) {
  const m = loadMinutes(point, minutesPerReview);
  const when = point.state === 'closed' ? 'Discussed' : 'Expected';
  return (
    <p className="load">
      {when} at the meeting of {formatDate(point.scheduledAt, timeZone)}:{' '}
      <strong>
        {point.discussed} of {point.everything} projects
      </strong>
      , about <strong>{formatMinutes(m.minutes)}</strong> against {formatMinutes(m.everythingMinutes)} for everything
      every meeting: trust saves {formatMinutes(m.savedMinutes)} ({Math.round(m.savedShare * 100)}%).
    </p>
  );
}
