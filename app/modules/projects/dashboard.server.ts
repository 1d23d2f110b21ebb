import { sql, type Expression, type SqlBool } from 'kysely';
import type { HealthValue, LevelValue } from '../../../db/database';
import type { Executor } from '~/utils/db.server';
import type { DashboardQuery } from './dashboard';
import { getReviewSchedule, meetingsUntilJson, type ReviewSchedule } from '~/modules/meetings/next-review.server';

/** The last 8 status healths of a project, oldest first (an index scan of its newest statuses). */
const trendSql = (projectRef: string) => sql<HealthValue[]>`coalesce((
  select json_agg(t.health order by t.created_at)
  from (select s2.health, s2.created_at from status_updates s2 where s2.project_id = ${sql.ref(projectRef)} order by s2.created_at desc limit 8) t
), '[]'::json)`;

/**
 * Average progress of a project's active goals, each from its latest reported value. The latest value is found
 * by walking the project's statuses newest first (index on project_id, created_at) and probing
 * status_goal_values' primary key, stopping at the first status with a value: a probe or two per goal instead
 * of joining every value the goal ever had. (The probe is a scalar subquery so the planner keeps the walk.)
 */
const progressSql = (projectRef: string) => sql<number | null>`(
  select avg(least(1, greatest(0, case
    when g.kind = 'milestone' then case when lv.done then 1 else 0 end
    when g.target = g.baseline then case when lv.value is null then 0 else 1 end
    else (coalesce(lv.value, g.baseline) - g.baseline) / (g.target - g.baseline) end)))::float8
  from goals g
  left join status_goal_values lv on lv.goal_id = g.id and lv.status_update_id = (
    select s3.id from status_updates s3
    where s3.project_id = g.project_id
      and (select true from status_goal_values v where v.status_update_id = s3.id and v.goal_id = g.id)
    order by s3.created_at desc limit 1
  )
  where g.project_id = ${sql.ref(projectRef)} and g.state = 'active'
)`;

/** Meetings until a project's (`p`) next review, looked up in the review schedule passed as JSON (decision 019). */
const meetingsUntilSql = (schedule: ReviewSchedule) =>
  sql<number>`coalesce((${meetingsUntilJson(schedule)}::jsonb ->> p.id::text)::int, 0)`;

/**
 * The project's (`projectRef`) latest status: an index probe of its newest status. (Its columns are prefixed: the
 * page's query orders by the names the sort reads, which must name one column only.)
 */
const latestStatus = (projectRef: string) => sql`lateral (
  select s.health as ls_health, s.created_at as ls_at, s.late as ls_late, s.meeting_id as ls_meeting
  from status_updates s
  where s.project_id = ${sql.ref(projectRef)} order by s.created_at desc limit 1
)`;

/** The project's last review: the forum's meetings newest first, each probed for a review of the project. */
const lastReview = (projectRef: string, forumRef: string) => sql`lateral (
  select rm.scheduled_at as lr_at,
    (select r.verdict from reviews r where r.meeting_id = rm.id and r.project_id = ${sql.ref(projectRef)}) as lr_verdict
  from meetings rm
  where rm.forum_id = ${sql.ref(forumRef)}
    and (select true from reviews r where r.meeting_id = rm.id and r.project_id = ${sql.ref(projectRef)})
  order by rm.scheduled_at desc limit 1
)`;

/** A schedule given, or one on its way (the dashboard reads it beside its other queries). */
type ScheduleArg = ReviewSchedule | Promise<ReviewSchedule>;

const ORDER: Record<DashboardQuery['sort'], string> = {
  project: 'lower(name)',
  owner: 'lower(owner)',
  health: "array_position(array['off_track','at_risk','on_track'], health)",
  verdict: `array_position(array['off_track','at_risk','on_track'], "lastVerdict")`,
  progress: 'progress',
  level: "array_position(array['tight','standard','light','trusted'], level)",
  next_review: '"meetingsUntilReview"',
  status_age: '"statusAt"',
};

/**
 * One row per active project with what the portfolio table filters and sorts on. Each correlated part (latest
 * status, last review, progress) is a few index probes per project, so the query reads only those the sort or
 * a filter needs over every project (issue #17: the sort by name, owner, level or next review reads none); the
 * page's 25 rows get the rest after the LIMIT, with their trend and progress. The next review is the review
 * schedule's (decision 019), passed as JSON only when the query sorts or filters by it, else read in Node.
 */
export async function listProjectsForDashboard(
  db: Executor,
  {
    forumId,
    query,
    paginate = true,
    schedule: scheduleArg,
  }: { forumId: number; query: DashboardQuery; paginate?: boolean; schedule?: ScheduleArg },
) {
  const byProgress = query.sort === 'progress';
  const needStatus = query.sort === 'health' || query.sort === 'status_age' || query.health !== undefined;
  const needReview = query.sort === 'verdict';
  const needSchedule = query.sort === 'next_review' || query.due;
  const schedulePromise = scheduleArg ?? getReviewSchedule(db, { forumId });
  void Promise.resolve(schedulePromise).catch(() => {}); // awaited below; a failure meanwhile is not "unhandled"
  // Read the schedule before the query only when the query sorts or filters by it.
  const scheduleBefore = needSchedule ? await schedulePromise : undefined;

  let rows = db
    .selectFrom('projects as p')
    .innerJoin('users as o', 'o.id', 'p.owner_id')
    .select([
      'p.id',
      'p.name',
      'p.forum_id as forumId',
      'p.owner_id as ownerId',
      'o.name as owner',
      'p.oversight_level as level',
      'p.oversight_interval as interval',
      'p.oversight_escalated as escalated',
      (scheduleBefore ? meetingsUntilSql(scheduleBefore) : sql<number>`0`).as('meetingsUntilReview'),
      (byProgress ? progressSql('p.id') : sql<number | null>`null::float8`).as('progress'),
    ])
    .where('p.forum_id', '=', forumId)
    .where('p.archived', '=', false);
  if (needStatus)
    rows = rows
      .leftJoin(latestStatus('p.id').as('ls'), (j) => j.onTrue())
      .select(sql<HealthValue | null>`ls.ls_health`.as('health'))
      .select(sql<Date | null>`ls.ls_at`.as('statusAt'));
  if (needReview)
    rows = rows
      .leftJoin(lastReview('p.id', 'p.forum_id').as('lr'), (j) => j.onTrue())
      .select(sql<HealthValue | null>`lr.lr_verdict`.as('lastVerdict'))
      .select(sql<Date | null>`lr.lr_at`.as('lastReviewAt'));

  let q = db
    .selectFrom(rows.as('rows'))
    .selectAll()
    .select(sql<number>`count(*) over ()::int`.as('total'));
  const filters: Expression<SqlBool>[] = [];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(sql<SqlBool>`(name ilike ${like} or owner ilike ${like})`);
  }
  if (query.level) filters.push(sql<SqlBool>`level = ${query.level}`);
  if (query.health === 'none') filters.push(sql<SqlBool>`health is null`);
  else if (query.health) filters.push(sql<SqlBool>`health = ${query.health}`);
  if (query.owner) filters.push(sql<SqlBool>`"ownerId" = ${query.owner}`);
  if (query.due) filters.push(sql<SqlBool>`"meetingsUntilReview" = 0`);
  for (const f of filters) q = q.where(f);

  // Status age ascending = newest status first.
  const desc = (query.dir === 'desc') !== (query.sort === 'status_age');
  const order = sql`${sql.raw(ORDER[query.sort])} ${sql.raw(desc ? 'desc nulls last' : 'asc nulls last')}`;
  q = q
    .orderBy(order)
    .orderBy(sql`lower(name)`)
    .orderBy('id');
  if (paginate) q = q.limit(query.size).offset((query.page - 1) * query.size);
  // The page's rows get what the sort did not need, their trend and progress, in the same query; the page keeps
  // its order.
  const page = await db
    .selectFrom(q.as('page'))
    .leftJoin(latestStatus('page.id').as('ls'), (j) => j.onTrue())
    .leftJoin(lastReview('page.id', 'page.forumId').as('lr'), (j) => j.onTrue())
    .select([
      'page.id',
      'page.name',
      'page.ownerId',
      'page.owner',
      'page.level',
      'page.interval',
      'page.escalated',
      sql<HealthValue | null>`ls.ls_health`.as('health'),
      sql<Date | null>`ls.ls_at`.as('statusAt'),
      sql<boolean | null>`ls.ls_late`.as('late'),
      sql<number | null>`ls.ls_meeting`.as('statusMeetingId'),
      sql<HealthValue | null>`lr.lr_verdict`.as('lastVerdict'),
      sql<Date | null>`lr.lr_at`.as('lastReviewAt'),
      'page.meetingsUntilReview',
      'page.total',
      trendSql('page.id').as('trend'),
      (byProgress ? sql<number | null>`page.progress` : progressSql('page.id')).as('progress'),
    ])
    .orderBy(order)
    .orderBy(sql`lower(name)`)
    .orderBy('page.id')
    .execute();
  const schedule = scheduleBefore ?? (await schedulePromise);
  return {
    rows: page.map(({ total: _total, ...r }) => ({
      ...r,
      meetingsUntilReview: scheduleBefore ? r.meetingsUntilReview : (schedule.reviews.get(r.id)?.meetingsUntil ?? 0),
    })),
    total: page[0]?.total ?? 0,
  };
}

/**
 * Counts for the summary strip and the filters, over the whole forum (one query, sent without waiting for the
 * review schedule: the count due at the coming meeting is the schedule's, counted in Node).
 */
export async function getDashboardSummary(db: Executor, forumId: number, schedule?: ScheduleArg) {
  const schedulePromise = schedule ?? getReviewSchedule(db, { forumId });
  void Promise.resolve(schedulePromise).catch(() => {}); // awaited below; a failure meanwhile is not "unhandled"
  // Only what the counts need: latest health, level and owner.
  const summaryRows = db
    .selectFrom('projects as p')
    .innerJoin('users as o', 'o.id', 'p.owner_id')
    .select([
      'p.owner_id as ownerId',
      'o.name as owner',
      'p.oversight_level as level',
      sql<HealthValue | null>`(select s.health from status_updates s where s.project_id = p.id order by s.created_at desc limit 1)`.as(
        'health',
      ),
    ])
    .where('p.forum_id', '=', forumId)
    .where('p.archived', '=', false);
  const query = db
    .with('rows', () => summaryRows)
    .selectFrom('rows')
    .select([
      sql<number>`count(*)::int`.as('projects'),
      sql<
        Record<string, number>
      >`coalesce((select json_object_agg(k, n) from (select coalesce(health, 'none') as k, count(*)::int as n from rows group by 1) h), '{}'::json)`.as(
        'byHealth',
      ),
      sql<
        Record<string, number>
      >`coalesce((select json_object_agg(k, n) from (select level as k, count(*)::int as n from rows group by 1) l), '{}'::json)`.as(
        'byLevel',
      ),
      sql<
        { id: number; name: string }[]
      >`coalesce((select json_agg(json_build_object('id', x."ownerId", 'name', x.owner) order by x.owner) from (select distinct "ownerId", owner from rows) x), '[]'::json)`.as(
        'owners',
      ),
    ])
    .executeTakeFirstOrThrow();
  const [rows, reviews] = await Promise.all([query, schedulePromise]);
  // The schedule holds every active project (its facts are read with the same filters): the ones it puts beyond
  // the coming meeting are the ones not due at it.
  let later = 0;
  for (const r of reviews.reviews.values()) if (r.meetingsUntil > 0) later += 1;
  return { ...rows, dueThisMeeting: Math.max(0, rows.projects - later) } as typeof rows & {
    dueThisMeeting: number;
    byLevel: Partial<Record<LevelValue, number>>;
    byHealth: Partial<Record<HealthValue | 'none', number>>;
  };
}
