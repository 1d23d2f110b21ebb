import crypto from 'node:crypto';
import { z } from 'zod';
import type { MeetingState } from '../../../db/database';
import { writeAudit } from '~/modules/audit/audit.server';
import { hashToken } from '~/modules/auth/session.server';
import { TOKEN_PATTERN } from '~/modules/auth/verification.server';
import type { Executor } from '~/utils/db.server';
import { buildCalendar, type CalendarEvent } from './ical';

// Calendar feeds (issue #16): the forum's feed for a signed-in member, and a personal feed of all of a member's forums
// behind a secret URL a calendar app can subscribe to without a cookie. The secret is 256 random bits, shown once;
// only its SHA-256 is stored. Regenerating replaces it and revoking deletes it: the old URL is a 404 at once, as it
// is for a deactivated user.

export const CALENDAR_HISTORY_DAYS = 90;
const DURATION_MINUTES = 60;

interface FeedMeeting {
  id: number;
  scheduledAt: Date;
  state: MeetingState;
  skipReason: string | null;
  sequence: number;
  forumSlug: string;
  forumName: string;
}

/** One event per meeting: the UID never changes (not even with the forum's address); moves raise SEQUENCE; skipped ones are cancelled. */
export function meetingEvent(m: FeedMeeting, origin: string): CalendarEvent {
  const url = `${origin}/forums/${m.forumSlug}/meetings/${m.id}`;
  const skipped = m.state === 'skipped';
  return {
    uid: `meeting-${m.id}@inspection-forum`,
    sequence: m.sequence,
    start: new Date(m.scheduledAt),
    durationMinutes: DURATION_MINUTES,
    summary: `${skipped ? 'Skipped: ' : ''}${m.forumName}: review meeting`,
    description: skipped ? `Skipped — ${m.skipReason ?? ''}\n${url}` : `Agenda and statuses: ${url}`,
    url,
    status: skipped ? 'CANCELLED' : 'CONFIRMED',
  };
}

/** Meetings of the given forums from `since` on, with what an event needs (one query). */
export async function listFeedMeetings(
  db: Executor,
  { forumIds, since }: { forumIds: number[]; since: Date },
): Promise<FeedMeeting[]> {
  if (forumIds.length === 0) return [];
  return db
    .selectFrom('meetings as m')
    .innerJoin('forums as f', 'f.id', 'm.forum_id')
    .select([
      'm.id',
      'm.scheduled_at as scheduledAt',
      'm.state',
      'm.skip_reason as skipReason',
      'm.sequence',
      'f.slug as forumSlug',
      'f.name as forumName',
    ])
    .where('m.forum_id', 'in', forumIds)
    .where('m.scheduled_at', '>=', since)
    .orderBy('m.scheduled_at')
    .orderBy('m.id')
    .execute();
}

export const CalendarTokenParamSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}\.ics$/)
  .transform((v) => v.slice(0, -'.ics'.length))
  .refine((v) => TOKEN_PATTERN.test(v));

/** The personal feed behind a secret, or null (unknown, revoked or replaced secret; deactivated user). */
export async function personalCalendar(
  db: Executor,
  { token, origin, now = new Date() }: { token: string; origin: string; now?: Date },
): Promise<string | null> {
  const user = await db
    .selectFrom('calendar_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['u.id', 'u.name'])
    .where('t.token_hash', '=', hashToken(token))
    .where('u.deactivated_at', 'is', null)
    .executeTakeFirst();
  if (!user) return null;
  const forums = await db
    .selectFrom('memberships as ms')
    .innerJoin('forums as f', 'f.id', 'ms.forum_id')
    .select('f.id')
    .where('ms.user_id', '=', user.id)
    .where('f.archived', '=', false)
    .execute();
  const meetings = await listFeedMeetings(db, {
    forumIds: forums.map((f) => f.id),
    since: new Date(now.getTime() - CALENDAR_HISTORY_DAYS * 86_400_000),
  });
  return buildCalendar({
    name: `Inspection Forum meetings (${user.name})`,
    now,
    events: meetings.map((m) => meetingEvent(m, origin)),
  });
}

/** When the user's feed secret was made, or null without one. */
export async function calendarTokenCreatedAt(db: Executor, userId: number): Promise<Date | null> {
  const row = await db
    .selectFrom('calendar_tokens')
    .select('created_at')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.created_at ?? null;
}

/** A new secret for the user's feed, replacing any earlier one (whose URL stops working at once). */
export async function issueCalendarToken(
  db: Executor,
  { userId, request }: { userId: number; request?: Request },
): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  const values = { user_id: userId, token_hash: hashToken(token), created_at: new Date() };
  await db
    .insertInto('calendar_tokens')
    .values(values)
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({ token_hash: values.token_hash, created_at: values.created_at }),
    )
    .execute();
  await writeAudit(db, { userId, action: 'calendar.token_issue', target: `user:${userId}`, request });
  return token;
}

export async function revokeCalendarToken(
  db: Executor,
  { userId, request }: { userId: number; request?: Request },
): Promise<boolean> {
  const result = await db.deleteFrom('calendar_tokens').where('user_id', '=', userId).executeTakeFirst();
  const revoked = Number(result.numDeletedRows) > 0;
  if (revoked) await writeAudit(db, { userId, action: 'calendar.token_revoke', target: `user:${userId}`, request });
  return revoked;
}
