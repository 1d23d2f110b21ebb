import type { HealthValue } from '../../db/database';

const Y: Record<HealthValue, number> = { on_track: 3, at_risk: 10, off_track: 17 };
const WORD: Record<HealthValue, string> = { on_track: 'on track', at_risk: 'at risk', off_track: 'off track' };

/** The last cycles' health as a tiny chart; its accessible name says the same in words. */
export function HealthSparkline({ trend }: { trend: HealthValue[] }) {
  if (trend.length === 0) return <span className="muted">—</span>;
  const step = 10;
  const points = trend.map((h, i) => `${4 + i * step},${Y[h]}`).join(' ');
  const label = `Health over the last ${trend.length} updates: ${trend.map((h) => WORD[h]).join(', ')}`;
  return (
    <svg className="sparkline" width={8 + (trend.length - 1) * step} height="20" viewBox={`0 0 ${8 + (trend.length - 1) * step} 20`} role="img" aria-label={label}>
      <title>{label}</title>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
      {trend.map((h, i) => (
        <circle key={i} cx={4 + i * step} cy={Y[h]} r="2.5" className={`dot-${h}`} />
      ))}
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
