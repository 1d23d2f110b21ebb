import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { writeAudit } from '~/modules/audit/audit.server';
import { recordOversightEvents } from '~/modules/oversight/oversight.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { statusCycle, type StatusUpdateInput } from './status';

/** The forum's current status cycle: its next non-closed meeting, with the deadline and whether posting is open. */
export async function getCurrentCycle(db: Executor, { forumId, now = new Date() }: { forumId: number; now?: Date }) {
  const meeting = await db
    .selectFrom('meetings')
    .innerJoin('forums', 'forums.id', 'meetings.forum_id')
    .select(['meetings.id', 'meetings.scheduled_at', 'meetings.state', 'forums.status_deadline_hours'])
    .where('meetings.forum_id', '=', forumId)
    .where('meetings.state', '!=', 'closed')
    .orderBy('meetings.scheduled_at')
    .limit(1)
    .executeTakeFirst();
  if (!meeting) return null;
  const cycle = statusCycle({ scheduledAt: meeting.scheduled_at, state: meeting.state, deadlineHours: meeting.status_deadline_hours }, now);
  return { meetingId: meeting.id, scheduledAt: meeting.scheduled_at, ...cycle };
}

export async function listActiveGoals(db: Executor, { projectId }: { projectId: number }) {
  return db
    .selectFrom('goals')
    .select(['id', 'title', 'kind', 'unit', 'baseline', 'target', 'direction', 'due_date'])
    .where('project_id', '=', projectId)
    .where('state', '=', 'active')
    .orderBy('id')
    .execute();
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
  return inTransaction(db, async (trx) => {
    // Holding the meeting row keeps it from starting while this status is saved.
    const meeting = await trx
      .selectFrom('meetings')
      .innerJoin('forums', 'forums.id', 'meetings.forum_id')
      .select(['meetings.scheduled_at', 'meetings.state', 'forums.id as forumId', 'forums.status_deadline_hours'])
      .where('meetings.id', '=', meetingId)
      .forShare('meetings')
      .executeTakeFirstOrThrow();
    const cycle = statusCycle({ scheduledAt: meeting.scheduled_at, state: meeting.state, deadlineHours: meeting.status_deadline_hours }, now);
    if (!cycle.open) return { ok: false, reason: 'locked' };

    const existing = await trx
      .selectFrom('status_updates')
      .select(['id', 'health', 'version', 'author_id', 'late'])
      .where('project_id', '=', projectId)
      .where('meeting_id', '=', meetingId)
      .forUpdate()
      .executeTakeFirst();
    if (existing && existing.author_id !== userId) return { ok: false, reason: 'not_author' };
    const conflict = async (): Promise<SaveStatusResult> => ({ ok: false, reason: 'conflict', current: (await getCycleStatus(trx, { projectId, meetingId })) ?? null });
    if ((existing?.version ?? 0) !== input.version) return conflict();

    const text = { health: input.health, summary: input.summary, risks: input.risks, asks: input.asks };
    const saved = existing
      ? await trx
          .updateTable('status_updates')
          .set({ ...text, late: existing.late || cycle.late, version: sql<number>`version + 1`, updated_at: now })
          .where('id', '=', existing.id)
          .where('version', '=', input.version)
          .returning('id')
          .executeTakeFirst()
      : await trx
          .insertInto('status_updates')
          .values({ ...text, project_id: projectId, meeting_id: meetingId, author_id: userId, late: cycle.late, created_at: now, updated_at: now })
          .onConflict((oc) => oc.columns(['project_id', 'meeting_id']).doNothing())
          .returning('id')
          .executeTakeFirst();
    // A concurrent first post won the unique (project, meeting) row: same answer as a stale version.
    if (!saved) return conflict();

    if (existing) await trx.deleteFrom('status_goal_values').where('status_update_id', '=', saved.id).execute();
    if (input.goals.length > 0) {
      await trx
        .insertInto('status_goal_values')
        .values(input.goals.map((g) => ({ status_update_id: saved.id, goal_id: g.goalId, value: g.value, done: g.done, note: g.note })))
        .execute();
    }
    if (!existing || existing.health !== input.health) {
      await recordOversightEvents(trx, {
        projectId,
        inputs: [{ event: { type: 'status', health: input.health }, actorId: userId, meetingId, occurredAt: now }],
      });
    }
    await writeAudit(trx, {
      userId,
      forumId: meeting.forumId,
      action: existing ? 'status.update' : 'status.create',
      target: `project:${projectId}`,
      detail: { statusId: saved.id, meetingId, health: input.health, late: existing ? existing.late || cycle.late : cycle.late },
      request,
    });
    return { ok: true, statusId: saved.id, created: !existing };
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
