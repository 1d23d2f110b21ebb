import { useId } from 'react';
import type { LevelValue } from '../../db/database';
import { formatGoalValue } from '~/modules/goals/goals';
import { formatDate } from '~/utils/format';

// Small inline SVG charts, drawn on the server (no script needed). Each has an accessible name and a
// description that says in words what the lines show.

const time = (at: string | Date) => new Date(at).getTime();
const round = (n: number) => Math.round(n * 10) / 10;

/** A linear scale rounded to 0.1 px (a flat domain is widened so it maps to the middle). */
function scale(domain: [number, number], range: [number, number]) {
  const [d0, d1] = domain[0] === domain[1] ? [domain[0] - 1, domain[1] + 1] : domain;
  return (v: number) => round(range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0]));
}

interface MetricChartProps {
  title: string;
  unit: string | null;
  baseline: number;
  target: number;
  direction: 'up' | 'down' | null;
  /** Reported values, oldest first. */
  points: { at: string; value: number }[];
  /** The target after each revision, oldest first (empty when never revised). */
  targets: { at: string; target: number | null }[];
  timeZone: string;
}

/** A metric goal's reported values over time against its baseline and target (a step line when the target changed). */
export function MetricChart({ title, unit, baseline, target, direction, points, targets, timeZone }: MetricChartProps) {
  const id = useId();
  if (points.length === 0) return <p className="muted">No values reported yet.</p>;
  const W = 360;
  const H = 130;
  const pad = { left: 48, right: 10, top: 10, bottom: 22 };
  const first = time(points[0].at);
  const last = time(points[points.length - 1].at);
  const targetAt = (t: number) => {
    let value = targets[0]?.target ?? target;
    for (const r of targets) if (time(r.at) <= t && r.target !== null) value = r.target;
    return value;
  };
  // The target line steps where a revision changed it inside the charted period.
  const steps = [first, ...targets.map((r) => time(r.at)).filter((t) => t > first && t < last), last];
  const ys = [baseline, ...points.map((p) => p.value), ...steps.map(targetAt)];
  const x = scale([first, last], [pad.left, W - pad.right]);
  const y = scale([Math.min(...ys), Math.max(...ys)], [H - pad.bottom, pad.top]);
  const targetPath = steps
    .map((t, i) => `${i === 0 ? 'M' : 'H'}${x(t)} ${i === 0 ? '' : 'V'}${y(targetAt(t))}`)
    .join(' ');
  // Values in the goal's unit and precision (formatGoalValue), the labels as plain numbers in that precision.
  const goal = { unit, baseline, target };
  const v = (n: number) => formatGoalValue(n, goal);
  const fmt = (n: number) => formatGoalValue(n, { ...goal, unit: null });
  const latest = points[points.length - 1];
  const desc =
    `${points.length} value${points.length === 1 ? '' : 's'} from ${formatDate(points[0].at, timeZone)} to ${formatDate(latest.at, timeZone)}; ` +
    `latest ${v(latest.value)}, baseline ${v(baseline)}, target ${v(target)}` +
    (direction ? ` (${direction === 'up' ? 'higher' : 'lower'} is better)` : '') +
    (targets.some((r) => r.target !== targets[0].target) ? '; the target was changed during this period' : '') +
    '.';
  return (
    <svg
      className="chart metric-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-labelledby={`${id}-t`}
      aria-describedby={`${id}-d`}
    >
      <title id={`${id}-t`}>{`${title}: values against target`}</title>
      <desc id={`${id}-d`}>{desc}</desc>
      <line className="chart-baseline" x1={pad.left} x2={W - pad.right} y1={y(baseline)} y2={y(baseline)} />
      <path className="chart-target" d={targetPath} />
      <polyline className="chart-actual" points={points.map((p) => `${x(time(p.at))},${y(p.value)}`).join(' ')} />
      {/* Every value a dot: zero-length round-capped strokes in one path (years of weekly values stay light). */}
      <path className="chart-dot" d={points.map((p) => `M${x(time(p.at))},${y(p.value)}h0`).join('')} />
      <text className="chart-label" x={pad.left - 4} y={y(baseline) + 4} textAnchor="end">
        {fmt(baseline)}
      </text>
      <text className="chart-label chart-target-label" x={pad.left - 4} y={y(targetAt(last)) + 4} textAnchor="end">
        {fmt(targetAt(last))}
      </text>
      <text className="chart-label" x={pad.left} y={H - 6}>
        {formatDate(points[0].at, timeZone)}
      </text>
      <text className="chart-label" x={W - pad.right} y={H - 6} textAnchor="end">
        {formatDate(latest.at, timeZone)}
      </text>
    </svg>
  );
}

const LEVEL_ROWS: LevelValue[] = ['trusted', 'light', 'standard', 'tight'];
const LEVEL_LABEL: Record<LevelValue, string> = {
  tight: 'Tight',
  standard: 'Standard',
  light: 'Light',
  trusted: 'Trusted',
};

/** A project's oversight level over time as a step chart (y: Tight … Trusted), level changes marked. */
export function LevelHistoryChart({
  points,
  until,
  timeZone,
}: {
  points: { at: string; level: LevelValue }[];
  until: string;
  timeZone: string;
}) {
  const id = useId();
  if (points.length === 0) return <p className="muted">No oversight events yet.</p>;
  const W = 720;
  const H = 150;
  const pad = { left: 74, right: 12, top: 12, bottom: 24 };
  const times = points.map((p) => time(p.at));
  const first = Math.min(...times);
  const end = Math.max(time(until), ...times);
  const x = scale([first, end], [pad.left, W - pad.right]);
  const rowH = (H - pad.top - pad.bottom) / (LEVEL_ROWS.length - 1);
  const y = (level: LevelValue) => pad.top + LEVEL_ROWS.indexOf(level) * rowH;
  let d = `M${x(first)} ${y(points[0].level)}`;
  const changes: { at: string; from: LevelValue; to: LevelValue }[] = [];
  for (let i = 1; i < points.length; i++) {
    if (points[i].level === points[i - 1].level) continue;
    changes.push({ at: points[i].at, from: points[i - 1].level, to: points[i].level });
    d += ` H${x(time(points[i].at))} V${y(points[i].level)}`;
  }
  d += ` H${x(end)}`;
  const current = points[points.length - 1].level;
  const shown = changes.slice(-8);
  const desc =
    `From ${formatDate(new Date(first), timeZone)} to ${formatDate(new Date(end), timeZone)}: started ${LEVEL_LABEL[points[0].level]}, now ${LEVEL_LABEL[current]}; ` +
    (changes.length === 0
      ? 'no level changes.'
      : `${changes.length} level change${changes.length === 1 ? '' : 's'}${changes.length > shown.length ? `, the latest ${shown.length}` : ''}: ` +
        shown.map((c) => `${LEVEL_LABEL[c.from]} → ${LEVEL_LABEL[c.to]} on ${formatDate(c.at, timeZone)}`).join(', ') +
        '.');
  // On a phone the chart keeps a width where its text is at least 12 px, and scrolls inside its own box (app.css):
  // the box takes the keyboard's focus, so it can be scrolled without a pointer.
  return (
    <div className="chart-scroll" tabIndex={0} role="group" aria-label="Oversight level over time (scrolls sideways)">
      <svg
        className="chart level-chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${id}-t`}
        aria-describedby={`${id}-d`}
      >
        <title id={`${id}-t`}>Oversight level over time</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {LEVEL_ROWS.map((level) => (
          <g key={level}>
            <line className="chart-grid" x1={pad.left} x2={W - pad.right} y1={y(level)} y2={y(level)} />
            <text className={`chart-label level-${level}`} x={pad.left - 8} y={y(level) + 4} textAnchor="end">
              {LEVEL_LABEL[level]}
            </text>
          </g>
        ))}
        <path className="chart-level" d={d} />
        {/* Each change a dot in the new level's colour: one path per level. */}
        {LEVEL_ROWS.map((level) =>
          changes.some((c) => c.to === level) ? (
            <path
              key={level}
              className={`chart-change level-${level}`}
              d={changes
                .filter((c) => c.to === level)
                .map((c) => `M${x(time(c.at))},${y(c.to)}h0`)
                .join('')}
            />
          ) : null,
        )}
        <text className="chart-label" x={pad.left} y={H - 6}>
          {formatDate(new Date(first), timeZone)}
        </text>
        <text className="chart-label" x={W - pad.right} y={H - 6} textAnchor="end">
          {formatDate(new Date(end), timeZone)}
        </text>
      </svg>
    </div>
  );
}
