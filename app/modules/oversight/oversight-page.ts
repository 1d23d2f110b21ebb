import type { EventClassValue } from '../../../db/database';

// Shared by the server and the browser: the classes counted as a self-report calibration record.
export const CALIBRATION = [
  'PASS',
  'FLAG',
  'HONEST_OFF',
  'SOFT_MISS',
  'HARD_MISS',
  'MISSED',
] as const satisfies readonly EventClassValue[];
export type CalibrationClass = (typeof CALIBRATION)[number];
export type Calibration = Record<CalibrationClass, number>;

export const emptyCalibration = (): Calibration => ({
  PASS: 0,
  FLAG: 0,
  HONEST_OFF: 0,
  SOFT_MISS: 0,
  HARD_MISS: 0,
  MISSED: 0,
});

/** Share of reviews where the owner's self-report was not more optimistic than the verdict. */
export function honestyRate(c: Calibration): number | null {
  const reviews = c.PASS + c.FLAG + c.HONEST_OFF + c.SOFT_MISS + c.HARD_MISS;
  return reviews === 0 ? null : (c.PASS + c.FLAG + c.HONEST_OFF) / reviews;
}
