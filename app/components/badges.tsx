import type { HealthValue, LevelValue } from '../../db/database';

const LEVEL_LABEL: Record<LevelValue, string> = {
  tight: 'Tight',
  standard: 'Standard',
  light: 'Light',
  trusted: 'Trusted',
};
const HEALTH_LABEL: Record<HealthValue, string> = { on_track: 'On track', at_risk: 'At risk', off_track: 'Off track' };

export function OversightBadge({ level, escalated = false }: { level: LevelValue; escalated?: boolean }) {
  return (
    <span className={`badge level-${level}`}>
      {LEVEL_LABEL[level]}
      {escalated ? ' · escalated' : ''}
    </span>
  );
}

export function HealthBadge({ health }: { health: HealthValue | null }) {
  if (!health) return <span className="muted">No status</span>;
  return <span className={`badge health-${health}`}>{HEALTH_LABEL[health]}</span>;
}
