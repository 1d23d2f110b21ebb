import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

// Meeting feeds (RFC 5545) through the well-kept `ical-generator` (issue #16): escaping, folding and dates are its.

export interface CalendarEvent {
  /** Stable for the meeting's whole life: a move is the same event with a higher `sequence`. */
  uid: string;
  sequence: number;
  start: Date;
  durationMinutes: number;
  summary: string;
  description?: string;
  url?: string;
  status: 'CONFIRMED' | 'CANCELLED';
}

const STATUS = { CONFIRMED: ICalEventStatus.CONFIRMED, CANCELLED: ICalEventStatus.CANCELLED } as const;

export function buildCalendar({
  name,
  timeZone,
  events,
  now,
}: {
  name: string;
  timeZone?: string;
  events: CalendarEvent[];
  now: Date;
}): string {
  const calendar = ical({
    name,
    prodId: { company: 'Inspection Forum', product: 'Meetings', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
  });
  // Times are written in UTC; the zone tells calendar apps how the forum sees them.
  if (timeZone) calendar.x([['X-WR-TIMEZONE', timeZone]]);
  for (const e of events) {
    calendar.createEvent({
      id: e.uid,
      sequence: e.sequence,
      stamp: now,
      start: e.start,
      end: new Date(e.start.getTime() + e.durationMinutes * 60_000),
      summary: e.summary,
      description: e.description ?? null,
      url: e.url ?? null,
      status: STATUS[e.status],
    });
  }
  return calendar.toString();
}
