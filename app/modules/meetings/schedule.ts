import type { Cadence } from '../../../db/database';

// A forum meets at a wall-clock time in its own IANA time zone. Occurrences are computed as civil dates
// in that zone and converted to instants with Intl, so 10:00 stays 10:00 across daylight-saving changes.

export interface ForumSchedule {
  cadence: Cadence;
  /** 0 = Sunday … 6 = Saturday (JavaScript's getDay). */
  weekday: number;
  /** 'HH:MM', 24-hour. */
  meetingTime: string;
  timeZone: string;
}

export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock date and time of an instant in a time zone. */
export function wallClock(
  instant: Date,
  timeZone: string,
): CivilDate & { hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
function offsetAt(utcMs: number, timeZone: string): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const w = wallClock(new Date(whole), timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

/**
 * The instant a wall-clock time happens in a zone. Like Temporal's 'compatible' disambiguation: a time that
 * happens twice (clocks go back) is its first occurrence; a time that never happens (clocks go forward) is
 * moved forward by the length of the gap (01:30 on the spring-forward night in London is 02:30 BST).
 */
export function zonedTimeToUtc(date: CivilDate, time: { hour: number; minute: number }, timeZone: string): Date {
  const local = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  const before = offsetAt(local - DAY_MS, timeZone);
  const after = offsetAt(local + DAY_MS, timeZone);
  const matches = [local - before, local - after]
    .filter((t) => offsetAt(t, timeZone) === local - t)
    .sort((a, b) => a - b);
  return new Date(matches[0] ?? local - before);
}

export function parseMeetingTime(value: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!match) throw new RangeError(`Invalid meeting time: ${value}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

// Civil dates are stepped as UTC midnights: no zone, no daylight saving.
function toDayNumber(d: CivilDate): number {
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
}

function fromDayNumber(n: number): CivilDate {
  const d = new Date(n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The first date strictly after `day` (a day number) that falls on `weekday`. */
function nextWeekdayAfter(day: number, weekday: number): number {
  const dow = new Date(day * DAY_MS).getUTCDay();
  return day + (((weekday - dow + 6) % 7) + 1);
}

function firstWeekdayOfMonth(year: number, month: number, weekday: number): number {
  return nextWeekdayAfter(toDayNumber({ year, month, day: 1 }) - 1, weekday);
}

/**
 * The meeting date after `day` for a cadence. Weekly: the next <weekday>. Every two weeks: the first <weekday>
 * more than a week later (two weeks when the weekday is unchanged). Monthly: the first <weekday> of a month.
 */
function nextMeetingDay(day: number, schedule: ForumSchedule): number {
  switch (schedule.cadence) {
    case 'weekly':
      return nextWeekdayAfter(day, schedule.weekday);
    case 'biweekly':
      return nextWeekdayAfter(day + 7, schedule.weekday);
    case 'monthly': {
      const { year, month } = fromDayNumber(day);
      const thisMonth = firstWeekdayOfMonth(year, month, schedule.weekday);
      if (thisMonth > day) return thisMonth;
      return month === 12
        ? firstWeekdayOfMonth(year + 1, 1, schedule.weekday)
        : firstWeekdayOfMonth(year, month + 1, schedule.weekday);
    }
    default: {
      const never: never = schedule.cadence;
      throw new Error(`Unknown cadence: ${String(never)}`);
    }
  }
}

/**
 * The next `count` meeting times after `now`. With `after` (the forum's latest meeting) the sequence continues
 * from it, so every-two-weeks forums keep their rhythm; without, it starts at the first meeting day from today.
 */
export function nextOccurrences(
  schedule: ForumSchedule,
  { after, now, count }: { after: Date | null; now: Date; count: number },
): Date[] {
  const time = parseMeetingTime(schedule.meetingTime);
  const instant = (day: number) => zonedTimeToUtc(fromDayNumber(day), time, schedule.timeZone);
  const out: Date[] = [];
  let day: number;
  if (after) {
    day = nextMeetingDay(toDayNumber(wallClock(after, schedule.timeZone)), schedule);
  } else {
    // A new schedule starts at the first meeting day that has not yet begun.
    const first = (d: number) =>
      schedule.cadence === 'monthly' ? nextMeetingDay(d, schedule) : nextWeekdayAfter(d, schedule.weekday);
    day = first(toDayNumber(wallClock(now, schedule.timeZone)) - 1);
    while (instant(day).getTime() <= now.getTime()) day = first(day);
  }
  // A bounded walk: years of a forum's silence are a few hundred steps.
  for (let guard = 0; out.length < count && guard < 5_000; guard++) {
    const at = instant(day);
    if (at.getTime() > now.getTime() && (!after || at.getTime() > after.getTime())) out.push(at);
    day = nextMeetingDay(day, schedule);
  }
  return out;
}

/** Today's date in a zone, as 'YYYY-MM-DD' (for due dates, which are calendar days). */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const w = wallClock(now, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}
