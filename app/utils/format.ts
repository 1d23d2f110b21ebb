// Creating an Intl.DateTimeFormat costs far more than formatting with one (a page of dates spent most of its
// render time here): one formatter per style and time zone, made on first use and reused.
const formatters = new Map<string, Intl.DateTimeFormat>();
const STYLES = {
  date: { day: 'numeric', month: 'short', year: 'numeric' },
  dateTime: {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  },
  dayMonth: { day: 'numeric', month: 'short' },
  weekday: { weekday: 'long' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

function formatter(style: keyof typeof STYLES, timeZone: string): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { ...STYLES[style], timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** Dates shown to people: in the forum's time zone, unambiguous, short. */
export function formatDate(value: string | Date, timeZone = 'UTC'): string {
  return formatter('date', timeZone).format(new Date(value));
}

export function formatDateTime(value: string | Date, timeZone = 'UTC'): string {
  return formatter('dateTime', timeZone).format(new Date(value));
}

/** "7 Dec": a chart's axis, where the year is in the text beside it. */
export function formatDayMonth(value: string | Date, timeZone = 'UTC'): string {
  return formatter('dayMonth', timeZone).format(new Date(value));
}

/** "Monday". */
export function formatWeekday(value: string | Date, timeZone = 'UTC'): string {
  return formatter('weekday', timeZone).format(new Date(value));
}

export function formatAge(from: string | Date, now: Date = new Date()): string {
  const days = Math.floor((now.getTime() - new Date(from).getTime()) / 86_400_000);
  if (days <= 0) return 'today';
  if (days === 1) return '1 day';
  return `${days} days`;
}

/**
 * "Now" for a page's relative times ("2 days"), to the minute: views of an unchanged page within a minute get
 * the same loader data, and so the same render (entry.server.tsx reuses it).
 */
export function pageNow(): string {
  return new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
}
