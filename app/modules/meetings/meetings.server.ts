import { sql, type ExpressionBuilder, type RawBuilder } from 'kysely';
import type { Database, HealthValue, MeetingState } from '../../../db/database';
import type { Executor } from '~/utils/db.server';

export interface LockedMeeting {
  id: number;
  forumId: number;
  scheduledAt: Date;
  state: MeetingState;
}

/**
 * Reads a meeting of a forum inside the caller's transaction and locks its row: `update` for state changes
 * (start, close, agenda refresh), `share` for writes that must not interleave with them (verdicts, action
 * items, pulls). A second closer waits here and then sees the meeting closed.
 */
export async function lockMeeting(
  trx: Executor,
  { forumId, meetingId, mode }: { forumId: number; meetingId: number; mode: 'update' | 'share' },
): Promise<LockedMeeting | undefined> {
  const q = trx
    .selectFrom('meetings')
    .select(['id', 'forum_id as forumId', 'scheduled_at as scheduledAt', 'state'])
    .where('id', '=', meetingId)
    .where('forum_id', '=', forumId);
  return (mode === 'update' ? q.forUpdate() : q.forShare()).executeTakeFirst();
}

/**
 * The owner's self-report for a review in `meeting` (DESIGN §3): this cycle's status health, else the most
 * recent earlier one, else on_track. A correlated expression over `projectRef`, so a page reads it in its own query.
 */
export function selfReportSql(projectRef: string, meeting: { id: number; scheduledAt: Date }): RawBuilder<HealthValue> {
  return sql<HealthValue>`coalesce(${latestHealthSql(projectRef, meeting)}, 'on_track')`;
}

/** The owner's latest status health as of `meeting` (this cycle's, else the most recent earlier one); null when none. */
export function latestHealthSql(
  projectRef: string,
  meeting: { id: number; scheduledAt: Date },
): RawBuilder<HealthValue | null> {
  // This cycle's status is one probe of unique (project_id, meeting_id). The latest earlier one walks the forum's
  // meetings newest first (unique forum_id, scheduled_at) probing for the project's status, and stops at the first:
  // a probe or two instead of joining the project's whole history (issue #8). The probe is a scalar subquery so the
  // planner keeps the walk. A project's statuses are all for meetings of its forum.
  const project = sql.ref(projectRef);
  return sql<HealthValue | null>`coalesce(
    (select s.health from status_updates s where s.project_id = ${project} and s.meeting_id = ${meeting.id}),
    (select (select s.health from status_updates s where s.project_id = ${project} and s.meeting_id = sm.id)
      from meetings sm
      where sm.forum_id = (select fm.forum_id from meetings fm where fm.id = ${meeting.id}) and sm.scheduled_at < ${meeting.scheduledAt}
        and (select true from status_updates s where s.project_id = ${project} and s.meeting_id = sm.id)
      order by sm.scheduled_at desc limit 1))`;
}

/** What a meeting reviewed: its reviews, agenda items and discussed items, as correlated subqueries over `m`. */
export function meetingReviewCounts(eb: ExpressionBuilder<Database & { m: Database['meetings'] }, 'm'>) {
  const count = sql<number>`count(*)::int`.as('n');
  return [
    eb.selectFrom('reviews as r').select(count).whereRef('r.meeting_id', '=', 'm.id').as('reviewed'),
    eb.selectFrom('agenda_items as a').select(count).whereRef('a.meeting_id', '=', 'm.id').as('agendaItems'),
    eb
      .selectFrom('agenda_items as a')
      .select(count)
      .whereRef('a.meeting_id', '=', 'm.id')
      .where((w) => w.or([w('a.section', '!=', 'consent'), w('a.pulled', '=', true)]))
      .as('discussed'),
  ] as const;
}

/** Per-meeting counts for lists: what it reviewed, and the level changes it made. */
export function meetingCounts(eb: ExpressionBuilder<Database & { m: Database['meetings'] }, 'm'>) {
  return [
    ...meetingReviewCounts(eb),
    eb
      .selectFrom('oversight_events as e')
      .select(sql<number>`count(*)::int`.as('n'))
      .whereRef('e.meeting_id', '=', 'm.id')
      .whereRef('e.from_level', '!=', 'e.to_level')
      .as('levelChanges'),
  ] as const;
}

/**
 * The projects a close scores (active ones, and archived ones with a verdict at this meeting) with this meeting's
 * verdict, agenda entry, self-report and whether a status was posted: the close and the verdict preview read the
 * same rows from here, each adding the columns it needs.
 */
export function selectProjectsForClose(
  db: Executor,
  { forumId, meeting }: { forumId: number; meeting: { id: number; scheduledAt: Date } },
) {
  return db
    .selectFrom('projects as p')
    .leftJoin('reviews as r', (j) => j.onRef('r.project_id', '=', 'p.id').on('r.meeting_id', '=', meeting.id))
    .leftJoin('agenda_items as ai', (j) => j.onRef('ai.project_id', '=', 'p.id').on('ai.meeting_id', '=', meeting.id))
    .select((eb) => [
      'p.id',
      'p.name',
      'p.owner_id as ownerId',
      'r.verdict',
      'ai.section',
      'ai.pulled',
      selfReportSql('p.id', meeting).as('selfReport'),
      eb
        .exists(
          eb
            .selectFrom('status_updates as s')
            .select('s.id')
            .whereRef('s.project_id', '=', 'p.id')
            .where('s.meeting_id', '=', meeting.id),
        )
        .as('hasStatus'),
    ])
    .where('p.forum_id', '=', forumId)
    .where((w) => w.or([w('p.archived', '=', false), w('r.id', 'is not', null)]))
    .orderBy('p.id');
}
