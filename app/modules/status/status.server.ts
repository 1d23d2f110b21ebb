import { sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import { stepOversight } from '~/modules/oversight/oversight.server';
import { clientIp } from '~/utils/http.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { statusCycle, type StatusUpdateInput } from './status';

/**
 * The status form's context in one query: the forum's current cycle (its next non-closed meeting, with the
 * deadline and whether posting is open; null without one) and the project's active goals.
 */
export async function getStatusFormContext(db: Executor, { forumId, projectId, now = new Date() }: { forumId: number; projectId: number; now?: Date }) {
  const row = await db
    .selectFrom('forums as f')
    .select((eb) => [
      'f.status_deadline_hours',
      jsonObjectFrom(
        eb
          .selectFrom('meetings as m')
          .select(['m.id', 'm.scheduled_at', 'm.state'])
          .whereRef('m.forum_id', '=', 'f.id')
          .where('m.state', '!=', 'closed')
          .orderBy('m.scheduled_at')
          .limit(1),
      ).as('meeting'),
      jsonArrayFrom(
        eb
          .selectFrom('goals')
          .select(['id', 'title', 'kind', 'unit', 'baseline', 'target', 'direction', 'due_date'])
          .where('project_id', '=', projectId)
          .where('state', '=', 'active')
          .orderBy('id'),
      ).as('goals'),
    ])
    .where('f.id', '=', forumId)
    .executeTakeFirstOrThrow();
  const { meeting } = row;
  if (!meeting) return { cycle: null, goals: row.goals };
  const scheduledAt = new Date(meeting.scheduled_at);
  const cycle = statusCycle({ scheduledAt, state: meeting.state, deadlineHours: row.status_deadline_hours }, now);
  return { cycle: { meetingId: meeting.id, scheduledAt, ...cycle }, goals: row.goals };
}

/** The project's status for one meeting, with its goal values (one query). */
export async function getCycleStatus(db: Executor, { projectId, meetingId }: { projectId: number; meetingId: number }) {
  return db
    .selectFrom('status_updates as s')
    .innerJoin('users as author', 'author.id', 's.author_id')
    .select((eb) => [
      's.id',
      's.health',
      's.summary',
      's.risks',
      's.asks',
      's.version',
      's.late',
      's.author_id as authorId',
      'author.name as authorName',
      's.updated_at as updatedAt',
      jsonArrayFrom(
        eb
          .selectFrom('status_goal_values as v')
          .select(['v.goal_id as goalId', 'v.value', 'v.done', 'v.note'])
          .whereRef('v.status_update_id', '=', 's.id')
          .orderBy('v.goal_id'),
      ).as('values'),
    ])
    .where('s.project_id', '=', projectId)
    .where('s.meeting_id', '=', meetingId)
    .executeTakeFirst();
}

export type CycleStatus = NonNullable<Awaited<ReturnType<typeof getCycleStatus>>>;

export type SaveStatusResult =
  | { ok: true; statusId: number; created: boolean }
  | { ok: false; reason: 'locked' }
  | { ok: false; reason: 'not_author' }
  | { ok: false; reason: 'conflict'; current: CycleStatus | null };

/**
 * Creates or edits a project's status for a meeting in one transaction: the status row, its goal values and,
 * when the status is new or its health changed, a `status` oversight event (an at-risk or off-track status
 * pulls the project into the next meeting). Optimistic concurrency: `input.version` must be the saved version
 * (0 for a new status), otherwise nothing is written and the current status comes back as a conflict.
 */
export async function saveStatusUpdate(
  db: Executor,
  { projectId, meetingId, userId, input, request, now = new Date() }: {
    projectId: number;
    meetingId: number;
    userId: number;
    input: StatusUpdateInput;
    request?: Request;
    now?: Date;
  },
): Promise<SaveStatusResult> {
  // Four round trips in all (issue #8): begin, one read that takes the locks, one statement that writes
  // everything, commit.
  return inTransaction(db, async (trx) => {
    // Holding the meeting row keeps it from starting while this status is saved; holding the project row
    // serialises saves of one project (and guards its cached engine state).
    const row = await trx
      .selectFrom('meetings as m')
      .innerJoin('forums as f', 'f.id', 'm.forum_id')
      .innerJoin('projects as p', (join) => join.onRef('p.forum_id', '=', 'f.id').on('p.id', '=', projectId))
      .select((eb) => [
        'm.scheduled_at',
        'm.state',
        'f.id as forumId',
        'f.status_deadline_hours',
        'f.policy',
        'p.oversight_state',
        'p.oversight_event_count',
        'p.oversight_level',
        'p.oversight_class_counts',
        jsonObjectFrom(
          eb
            .selectFrom('status_updates as s')
            .select(['s.id', 's.health', 's.version', 's.author_id as authorId', 's.late'])
            .whereRef('s.project_id', '=', 'p.id')
            .whereRef('s.meeting_id', '=', 'm.id'),
        ).as('existing'),
      ])
      .where('m.id', '=', meetingId)
      .forShare('m')
      .forUpdate('p')
      .executeTakeFirstOrThrow();
    const cycle = statusCycle({ scheduledAt: row.scheduled_at, state: row.state, deadlineHours: row.status_deadline_hours }, now);
    if (!cycle.open) return { ok: false, reason: 'locked' };

    const { existing } = row;
    if (existing && existing.authorId !== userId) return { ok: false, reason: 'not_author' };
    const conflict = async (): Promise<SaveStatusResult> => ({ ok: false, reason: 'conflict', current: (await getCycleStatus(trx, { projectId, meetingId })) ?? null });
    // The statement below checks the version again (a save that committed while this one waited for the lock).
    if ((existing?.version ?? 0) !== input.version) return conflict();

    const late = existing ? existing.late || cycle.late : cycle.late;
    // A new status, or a change of health, is an engine input (an at-risk or off-track status pulls the project
    // into the next meeting).
    const oversight =
      !existing || existing.health !== input.health
        ? stepOversight(projectId, row, [{ event: { type: 'status', health: input.health }, actorId: userId, meetingId, occurredAt: now }])
        : null;
    const saved = existing
      ? sql`update status_updates
          set health = ${input.health}, summary = ${input.summary}, risks = ${input.risks}, asks = ${input.asks},
              late = ${late}, version = version + 1, updated_at = ${now}
          where id = ${existing.id} and version = ${input.version}
          returning id`
      : sql`insert into status_updates (project_id, meeting_id, author_id, health, summary, risks, asks, late, created_at, updated_at)
          values (${projectId}, ${meetingId}, ${userId}, ${input.health}, ${input.summary}, ${input.risks}, ${input.asks}, ${late}, ${now}, ${now})
          on conflict (project_id, meeting_id) do nothing
          returning id`;
    const goals = JSON.stringify(input.goals.map((g) => ({ goal_id: g.goalId, value: g.value, done: g.done, note: g.note })));
    const audit = { action: existing ? 'status.update' : 'status.create', detail: JSON.stringify({ meetingId, health: input.health, late }) };
    const result = await sql<{ id: number }>`
      with saved as (${saved}),
      goal_values as (
        insert into status_goal_values (status_update_id, goal_id, value, done, note)
        select saved.id, g.goal_id, g.value, g.done, g.note
        from saved cross join jsonb_to_recordset(${goals}::jsonb) as g(goal_id bigint, value numeric, done boolean, note text)
        on conflict (status_update_id, goal_id) do update set value = excluded.value, done = excluded.done, note = excluded.note
      ),
      dropped_values as (
        delete from status_goal_values v using saved
        where v.status_update_id = saved.id and v.goal_id <> all(${input.goals.map((g) => g.goalId)}::bigint[])
      ),
      events as (
        insert into oversight_events (project_id, seq, type, payload, from_level, to_level, rule, event_class, explanation, actor_id, meeting_id, occurred_at)
        select e.project_id, e.seq, e.type, e.payload::jsonb, e.from_level, e.to_level, e.rule, e.event_class, e.explanation, e.actor_id, e.meeting_id, e.occurred_at
        from saved cross join jsonb_to_recordset(${JSON.stringify(oversight?.rows ?? [])}::jsonb) as e(
          project_id bigint, seq integer, type text, payload text, from_level text, to_level text, rule text, event_class text,
          explanation text, actor_id bigint, meeting_id bigint, occurred_at timestamptz)
      ),
      engine_state as (
        update projects set
          oversight_level = ${oversight?.project.oversight_level ?? null}, oversight_interval = ${oversight?.project.oversight_interval ?? null},
          oversight_escalated = ${oversight?.project.oversight_escalated ?? null}, oversight_state = ${oversight?.project.oversight_state ?? null}::jsonb,
          oversight_explanation = ${oversight?.project.oversight_explanation ?? null}, oversight_event_count = ${oversight?.project.oversight_event_count ?? null},
          oversight_class_counts = ${oversight?.project.oversight_class_counts ?? null}::jsonb
        from saved where projects.id = ${projectId} and ${oversight !== null}
      ),
      audit as (
        insert into audit_log (user_id, forum_id, action, target, ip, detail)
        select ${userId}, ${row.forumId}, ${audit.action}, ${`project:${projectId}`}, ${request ? clientIp(request) : null},
          jsonb_build_object('statusId', saved.id) || ${audit.detail}::jsonb
        from saved
      )
      select id from saved`.execute(trx);
    const savedId = result.rows[0]?.id;
    // A concurrent first post won the unique (project, meeting) row, or an edit the version: nothing was written.
    if (savedId === undefined) return conflict();
    return { ok: true, statusId: Number(savedId), created: !existing };
  });
}

/** The signed-in owner's projects with no status yet for their forum's open cycle (one query). */
export async function listStatusesDue(db: Executor, { userId, now = new Date() }: { userId: number; now?: Date }) {
  const rows = await db
    .selectFrom('projects as p')
    .innerJoin('forums as f', 'f.id', 'p.forum_id')
    .innerJoin('memberships as mem', (join) => join.onRef('mem.forum_id', '=', 'f.id').on('mem.user_id', '=', userId))
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('meetings as m')
          .select(['m.id', 'm.scheduled_at', 'm.state'])
          .whereRef('m.forum_id', '=', 'f.id')
          .where('m.state', '!=', 'closed')
          .orderBy('m.scheduled_at')
          .limit(1)
          .as('m'),
      (join) => join.onTrue(),
    )
    .select(['p.id', 'p.name', 'f.slug', 'f.name as forumName', 'f.time_zone as timeZone', 'f.status_deadline_hours', 'm.scheduled_at', 'm.state'])
    .where('p.owner_id', '=', userId)
    .where('p.archived', '=', false)
    .where('m.state', '=', 'planned')
    .where('m.scheduled_at', '>', now)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('status_updates as s').select('s.id').whereRef('s.project_id', '=', 'p.id').whereRef('s.meeting_id', '=', 'm.id'))),
    )
    .orderBy('m.scheduled_at')
    .orderBy('p.name')
    .execute();
  return rows.map((r) => {
    const cycle = statusCycle({ scheduledAt: r.scheduled_at, state: r.state, deadlineHours: r.status_deadline_hours }, now);
    return { projectId: r.id, projectName: r.name, slug: r.slug, forumName: r.forumName, timeZone: r.timeZone, deadline: cycle.deadline, overdue: cycle.late };
  });
}
