import { sql } from 'kysely';
import type { Executor } from '~/utils/db.server';
import type { DashboardQuery } from './dashboard';

/**
 * The portfolio table in one query, whatever the number of projects: latest status, last review and the
 * number of closed meetings since that review come from correlated subqueries the planner runs per row on indexes.
 */
export async function listProjectsForDashboard(db: Executor, { forumId, query }: { forumId: number; query: DashboardQuery }) {
  let q = db
    .selectFrom('projects as p')
    .innerJoin('users as o', 'o.id', 'p.owner_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('status_updates as s')
          .select(['s.health', 's.created_at', 's.late'])
          .whereRef('s.project_id', '=', 'p.id')
          .orderBy('s.created_at', 'desc')
          .limit(1)
          .as('ls'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('reviews as r')
          .innerJoin('meetings as rm', 'rm.id', 'r.meeting_id')
          .select(['r.verdict', 'rm.scheduled_at'])
          .whereRef('r.project_id', '=', 'p.id')
          .orderBy('rm.scheduled_at', 'desc')
          .limit(1)
          .as('lr'),
      (join) => join.onTrue(),
    )
    .select((eb) => [
      'p.id',
      'p.name',
      'o.name as owner',
      'p.oversight_level as level',
      'p.oversight_interval as interval',
      'p.oversight_escalated as escalated',
      'ls.health',
      'ls.created_at as statusAt',
      'ls.late',
      'lr.verdict as lastVerdict',
      eb
        .selectFrom('meetings as m')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('m.forum_id', '=', 'p.forum_id')
        .where('m.state', '=', 'closed')
        .where((w) => w.or([w('lr.scheduled_at', 'is', null), w('m.scheduled_at', '>', w.ref('lr.scheduled_at'))]))
        .as('meetingsSinceReview'),
    ])
    .where('p.forum_id', '=', forumId)
    .where('p.archived', '=', false);

  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('p.name', 'ilike', like), eb('o.name', 'ilike', like)]));
  }

  const dir = query.dir === 'desc' ? 'desc' : 'asc';
  const nulls = sql.raw(dir === 'asc' ? 'nulls last' : 'nulls first');
  const order = {
    project: sql`lower(p.name)`,
    owner: sql`lower(o.name)`,
    health: sql`array_position(array['off_track','at_risk','on_track'], ls.health)`,
    level: sql`array_position(array['tight','standard','light','trusted'], p.oversight_level)`,
    next_review: sql`(p.oversight_interval - 1 - coalesce((select count(*) from meetings m2 where m2.forum_id = p.forum_id and m2.state = 'closed' and (lr.scheduled_at is null or m2.scheduled_at > lr.scheduled_at)), 0))`,
    status_age: sql`-extract(epoch from ls.created_at)`,
  }[query.sort];
  const rows = await q
    .orderBy(sql`${order} ${sql.raw(dir)} ${nulls}`)
    .orderBy('p.name')
    .execute();
  return rows.map((r) => ({
    ...r,
    // Counting the coming meeting, a project is due once the meetings since its last review reach its
    // interval; 0 means the next meeting.
    meetingsUntilReview: Math.max(0, r.interval - (r.meetingsSinceReview ?? 0) - 1),
  }));
}

export async function getNextMeeting(db: Executor, forumId: number) {
  return db
    .selectFrom('meetings')
    .select(['id', 'scheduled_at'])
    .where('forum_id', '=', forumId)
    .where('state', '!=', 'closed')
    .orderBy('scheduled_at')
    .limit(1)
    .executeTakeFirst();
}
