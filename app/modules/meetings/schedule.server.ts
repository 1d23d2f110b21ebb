import { sql } from 'kysely';
import type { Executor } from '~/utils/db.server';
import { meetingCounts } from './meetings.server';
import { nextOccurrences } from './schedule';

/** How many meetings ahead are kept planned. */
export const UPCOMING_MEETINGS = 3;

/**
 * Makes sure the forum's next `count` meetings exist, continuing its cadence from its latest meeting.
 * Idempotent: it only tops up, and unique(forum_id, scheduled_at) makes concurrent callers insert once.
 */
export async function ensurePlannedMeetings(
  db: Executor,
  { forumId, now = new Date(), count = UPCOMING_MEETINGS }: { forumId: number; now?: Date; count?: number },
): Promise<number> {
  const forum = await db
    .selectFrom('forums as f')
    .select((eb) => [
      'f.cadence',
      'f.weekday',
      'f.meeting_time',
      'f.time_zone',
      // The cadence continues from the latest slot taken: a skipped meeting keeps its slot (it is never planned
      // again), and a moved one keeps the slot it was planned for as well as its new time.
      eb
        .selectFrom('meetings as m')
        .select(sql<Date | null>`max(greatest(m.scheduled_at, coalesce(m.planned_for, m.scheduled_at)))`.as('x'))
        .whereRef('m.forum_id', '=', 'f.id')
        .as('latest'),
      // Skipped meetings are not held: the forum keeps `count` meetings ahead that will be.
      eb
        .selectFrom('meetings as m')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('m.forum_id', '=', 'f.id')
        .where('m.state', 'in', ['planned', 'in_progress'])
        .where('m.scheduled_at', '>', now)
        .as('upcoming'),
    ])
    .where('f.id', '=', forumId)
    .executeTakeFirstOrThrow();
  const missing = count - (forum.upcoming ?? 0);
  if (missing <= 0) return 0;
  const times = nextOccurrences(
    { cadence: forum.cadence, weekday: forum.weekday, meetingTime: forum.meeting_time, timeZone: forum.time_zone },
    { after: forum.latest ? new Date(forum.latest) : null, now, count: missing },
  );
  if (times.length === 0) return 0;
  const result = await db
    .insertInto('meetings')
    .values(times.map((scheduled_at) => ({ forum_id: forumId, scheduled_at })))
    .onConflict((oc) => oc.columns(['forum_id', 'scheduled_at']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/**
 * Tops up every forum's planned meetings: at server start and on a timer (a running server keeps its schedule
 * ahead of the clock), so that no page view has to write them.
 */
export async function planMeetingsForAllForums(
  db: Executor,
  { now = new Date() }: { now?: Date } = {},
): Promise<number> {
  const forums = await db.selectFrom('forums').select('id').orderBy('id').execute();
  let planned = 0;
  for (const f of forums) planned += await ensurePlannedMeetings(db, { forumId: f.id, now });
  return planned;
}

/**
 * The meetings list: every meeting not yet closed (and skipped ones still ahead), and one page of past ones
 * (closed, or skipped and gone by), newest first (two queries).
 */
export async function listMeetingsForForum(
  db: Executor,
  { forumId, page, size = 25, now = new Date() }: { forumId: number; page: number; size?: number; now?: Date },
) {
  const base = db
    .selectFrom('meetings as m')
    .select((eb) => [
      'm.id',
      'm.scheduled_at as scheduledAt',
      'm.state',
      'm.skip_reason as skipReason',
      ...meetingCounts(eb),
    ])
    .where('m.forum_id', '=', forumId);
  const [upcoming, past] = await Promise.all([
    base
      .where((w) =>
        w.or([
          w('m.state', 'in', ['planned', 'in_progress']),
          w.and([w('m.state', '=', 'skipped'), w('m.scheduled_at', '>=', now)]),
        ]),
      )
      .orderBy('m.scheduled_at')
      .execute(),
    base
      .select(sql<number>`count(*) over ()::int`.as('total'))
      .where((w) =>
        w.or([w('m.state', '=', 'closed'), w.and([w('m.state', '=', 'skipped'), w('m.scheduled_at', '<', now)])]),
      )
      .orderBy('m.scheduled_at', 'desc')
      .limit(size)
      .offset((page - 1) * size)
      .execute(),
  ]);
  return {
    upcoming,
    past: past.map(({ total: _total, ...m }) => m),
    pastTotal: past[0]?.total ?? 0,
    pageSize: size,
  };
}

/** Meetings for the calendar feed: everything from `since` on (upcoming ones included). */
export async function listMeetingsForCalendar(db: Executor, { forumId, since }: { forumId: number; since: Date }) {
  return db
    .selectFrom('meetings')
    .select(['id', 'scheduled_at as scheduledAt', 'state', 'skip_reason as skipReason', 'sequence'])
    .where('forum_id', '=', forumId)
    .where('scheduled_at', '>=', since)
    .orderBy('scheduled_at')
    .execute();
}
