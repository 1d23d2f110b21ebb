import { sql } from 'kysely';

/**
 * Meetings until a project (aliased `p`) is due for review, 0 meaning the coming meeting: counting the coming
 * meeting, it is due once the closed meetings since its last review reach its effective interval (the cached
 * engine interval, which already includes the attention cap and pulls). Never reviewed: due now (kickoff).
 * One definition for the dashboard, the oversight page and anything else that schedules reviews.
 */
export const meetingsUntilReviewSql = sql<number>`greatest(0, p.oversight_interval - 1 - (
  select count(*)::int from meetings m
  where m.forum_id = p.forum_id and m.state = 'closed'
    and m.scheduled_at > coalesce(
      (select max(rm.scheduled_at) from reviews r join meetings rm on rm.id = r.meeting_id where r.project_id = p.id),
      '-infinity'::timestamptz)
))`;
