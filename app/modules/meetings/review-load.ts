import type { MeetingState } from '../../../db/database';

/** One meeting's review load: items discussed against every active project ("everything every meeting"). */
export interface LoadPoint {
  meetingId: number;
  scheduledAt: Date | string;
  state: MeetingState;
  discussed: number;
  everything: number;
}

export interface ReviewLoad {
  minutesPerReview: number;
  /** The meeting in question (or the forum's next one); null when there is none. */
  current: LoadPoint | null;
  /** Earlier closed meetings, oldest first. */
  history: LoadPoint[];
}

export function loadMinutes(point: Pick<LoadPoint, 'discussed' | 'everything'>, minutesPerReview: number) {
  const minutes = point.discussed * minutesPerReview;
  const everythingMinutes = point.everything * minutesPerReview;
  const savedMinutes = Math.max(0, everythingMinutes - minutes);
  return {
    minutes,
    everythingMinutes,
    savedMinutes,
    savedShare: everythingMinutes > 0 ? savedMinutes / everythingMinutes : 0,
  };
}

/** "2 h 10 min", "45 min". */
export function formatMinutes(total: number): string {
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
