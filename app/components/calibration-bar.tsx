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
 * A segment's width in steps of 5 % (a class, as the CSP allows no style attributes): at least one step, so that
 * every class present shows; the segments shrink together when the rounded steps pass 100 %.
 */
function widthStep(share: number): number {
  return Math.max(5, Math.round(share * 20) * 5);
}

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
          <span key={k} className={`calibration-seg cal-${k.toLowerCase()} w-${widthStep(c[k] / total)}`} />
        ))}
      </span>
      <span className="calibration-words">{words}</span>
    </span>
  );
}
