import type { HealthValue } from '../../db/database';

const Y: Record<HealthValue, number> = { on_track: 3, at_risk: 10, off_track: 17 };
const WORD: Record<HealthValue, string> = { on_track: 'on track', at_risk: 'at risk', off_track: 'off track' };

/** "on track ×5, at risk, on track ×2": the trend in words, runs counted. */
function describe(trend: HealthValue[]): string {
  const runs: string[] = [];
  for (let i = 0; i < trend.length; ) {
    let j = i;
    while (j < trend.length && trend[j] === trend[i]) j++;
    runs.push(j - i > 1 ? `${WORD[trend[i]]} ×${j - i}` : WORD[trend[i]]);
    i = j;
  }
  return runs.join(', ');
}

/**
 * The last cycles' health as a tiny chart, its title saying the same in words. One path per health draws
 * that health's dots (a dashboard page has a sparkline a row: few elements keep the page light).
 */
export function HealthSparkline({ trend }: { trend: HealthValue[] }) {
  if (trend.length === 0) return <span className="muted">—</span>;
  const step = 10;
  const width = 8 + (trend.length - 1) * step;
  const points = trend.map((h, i) => `${4 + i * step},${Y[h]}`).join(' ');
  // Not colour alone: each health its own mark (CSS: .sparkline path), besides its height. On track a dot (a
  // zero-length stroke with round caps), at risk a triangle, off track a cross.
  const MARK: Record<HealthValue, (x: number, y: number) => string> = {
    on_track: (x, y) => `M${x},${y}h0`,
    at_risk: (x, y) => `M${x},${y - 3}l3,5.5h-6z`,
    off_track: (x, y) => `M${x - 2.5},${y - 2.5}l5,5m0,-5l-5,5`,
  };
  const dots = (h: HealthValue) => trend.map((t, i) => (t === h ? MARK[h](4 + i * step, Y[h]) : '')).join('');
  return (
    <svg className="sparkline" width={width} height="20" viewBox={`0 0 ${width} 20`} role="img">
      <title>{`Health over the last ${trend.length} updates: ${describe(trend)}`}</title>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
      {(['on_track', 'at_risk', 'off_track'] as const).map((h) =>
        trend.includes(h) ? <path key={h} d={dots(h)} className={`dot-${h}`} /> : null,
      )}
    </svg>
  );
}

export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  if (value === null) return <span className="muted">No goals</span>;
  const pct = Math.round(value * 100);
  return (
    <span className="progress">
      <meter min={0} max={100} value={pct} aria-label={label}>
        {pct}%
      </meter>{' '}
      {pct}%
    </span>
  );
}
