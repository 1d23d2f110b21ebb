import { CALIBRATION, type Calibration, type CalibrationClass } from '~/modules/oversight/oversight-page';

export const CALIBRATION_LABELS: Record<CalibrationClass, string> = {
  PASS: 'on track',
  FLAG: 'flagged',
  HONEST_OFF: 'own-up',
  SOFT_MISS: 'soft miss',
  HARD_MISS: 'hard miss',
  MISSED: 'missed',
};

/**
 * A self-report record as one small stacked bar (a segment per class, each with its own pattern as well as
 * colour) and, beside it, the counts in words: the bar is decoration, the words carry the meaning.
 */
export function CalibrationBar({ c }: { c: Calibration }) {
  const total = CALIBRATION.reduce((s, k) => s + c[k], 0);
  if (total === 0) return <span className="muted">No reviews yet</span>;
  const words = CALIBRATION.filter((k) => c[k] > 0)
    .map((k) => `${c[k]} ${CALIBRATION_LABELS[k]}`)
    .join(' · ');
  return (
    <span className="calibration">
      <span className="calibration-bar" aria-hidden="true">
        {CALIBRATION.filter((k) => c[k] > 0).map((k) => (
          <span key={k} className={`calibration-seg cal-${k.toLowerCase()}`} style={{ width: `${(c[k] / total) * 100}%` }} />
        ))}
      </span>
      <span className="calibration-words">{words}</span>
    </span>
  );
}
