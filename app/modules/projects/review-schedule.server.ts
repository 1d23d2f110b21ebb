import { sql, type RawBuilder } from 'kysely';

/**
 * When a project (aliased `p`) was last reviewed: the scheduled time of the latest meeting of its forum with a
 * review of it. Walks the forum's meetings newest first (unique index on forum_id, scheduled_at), probing
 * reviews(meeting_id, project_id) for each, and stops at the first hit: a few probes instead of joining the
 * project's whole review history. The probe is a scalar subquery on purpose: as EXISTS the planner turns it
 * into a join, expects few matches and reads the whole history.
 */
export const lastReviewAtSql = sql<Date | null>`(
  select m.scheduled_at from meetings m
  where m.forum_id = p.forum_id and (select true from reviews r where r.meeting_id = m.id and r.project_id = p.id)
  order by m.scheduled_at desc limit 1
)`;

/**
 * Meetings until a project (aliased `p`) is due for review, 0 meaning the coming meeting: counting the coming
 * meeting, it is due once the closed meetings since its last review (`lastReviewAt`, null = never) reach its
 * effective interval (the cached engine interval, which already includes the attention cap and pulls). Never
 * reviewed: due now (kickoff). For a query that already has the last review's time, to read it once.
 */
export function meetingsUntilReviewAfter(lastReviewAt: RawBuilder<Date | null>): RawBuilder<number> {
  return sql<number>`greatest(0, p.oversight_interval - 1 - (
    select count(*)::int from meetings m
    where m.forum_id = p.forum_id and m.state = 'closed' and m.scheduled_at > coalesce(${lastReviewAt}, '-infinity'::timestamptz)
  ))`;
}

/** Meetings until review, as above: one definition for the dashboard, the oversight page and anything that schedules reviews. */
export const meetingsUntilReviewSql = meetingsUntilReviewAfter(lastReviewAtSql);
