import { sql, type SqlBool } from 'kysely';
import type { HealthValue } from '../../../db/database';
import { writeAudit } from '~/modules/audit/audit.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { buildAgenda, type AgendaEntry, type AgendaFacts } from './agenda';
import { statusCycle } from '~/modules/status/status';
import { formatDateTime } from '~/utils/format';
import { EARLY_START_MINUTES } from './meetings';
import { ok, refuse, type Result } from '~/utils/result';
import { lockMeeting, type LockedMeeting } from './meetings.server';
import { ensurePlannedMeetings } from './schedule.server';

type MeetingRef = Pick<LockedMeeting, 'id' | 'forumId' | 'scheduledAt'>;

/**
 * Everything the agenda rules read, for every active project of the forum, in one query. `now` decides whether
 * the cycle's status deadline has passed: before it, a project without a status is due, not missing.
 */
export async function loadAgendaFacts(
  db: Executor,
  meeting: MeetingRef,
  now: Date = new Date(),
  { projectIds }: { projectIds?: readonly number[] } = {},
): Promise<(AgendaFacts & { leaderPulled: boolean })[]> {
  let query = db
    .selectFrom('projects as p')
    .innerJoin('forums as f', 'f.id', 'p.forum_id')
    .leftJoin('status_updates as s', (j) => j.onRef('s.project_id', '=', 'p.id').on('s.meeting_id', '=', meeting.id))
    .leftJoin('agenda_items as ai', (j) => j.onRef('ai.project_id', '=', 'p.id').on('ai.meeting_id', '=', meeting.id))
    .leftJoin('users as rq', 'rq.id', 'ai.requested_by')
    // The last review before this meeting: the forum's earlier meetings newest first, each probed for a review of
    // the project (unique meeting_id, project_id), stopping at the first: a few probes instead of joining the whole
    // review history (issue #8). Scalar-subquery probes, so the planner keeps the walk.
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('meetings as rm')
          .select([
            sql<HealthValue>`(select r.verdict from reviews r where r.meeting_id = rm.id and r.project_id = p.id)`.as(
              'verdict',
            ),
            'rm.scheduled_at',
          ])
          .where('rm.forum_id', '=', meeting.forumId)
          .where('rm.scheduled_at', '<', meeting.scheduledAt)
          .where(sql<SqlBool>`(select true from reviews r where r.meeting_id = rm.id and r.project_id = p.id)`)
          .orderBy('rm.scheduled_at', 'desc')
          .limit(1)
          .as('lr'),
      (join) => join.onTrue(),
    )
    .select((eb) => [
      'p.id',
      'p.name',
      'p.oversight_level as level',
      'p.oversight_interval as interval',
      'p.oversight_escalated as escalated',
      // The three fields of the engine's state the rules read, not the whole state (issue #17).
      sql<number | null>`(p.oversight_state->>'baseInterval')::int`.as('baseInterval'),
      sql<AgendaFacts['attention'] | null>`p.oversight_state->>'attention'`.as('attention'),
      sql<boolean | null>`(p.oversight_state->>'pulled')::boolean`.as('enginePulled'),
      's.health as statusHealth',
      'lr.verdict as lastVerdict',
      'rq.name as requestedBy',
      'f.status_deadline_hours as deadlineHours',
      'ai.pulled as leaderPulled',
      // Same count as the dashboard's "meetings since the last review", up to this meeting.
      eb
        .selectFrom('meetings as m')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('m.forum_id', '=', 'p.forum_id')
        .where('m.state', '=', 'closed')
        .where('m.scheduled_at', '<', meeting.scheduledAt)
        // One range on the (forum_id, state, scheduled_at) index: the meetings after the last review only, not
        // every closed meeting of the forum filtered row by row (issue #17).
        .where('m.scheduled_at', '>', sql<Date>`coalesce(${sql.ref('lr.scheduled_at')}, '-infinity'::timestamptz)`)
        .as('since'),
    ])
    .where('p.forum_id', '=', meeting.forumId)
    .where('p.archived', '=', false);
  // A project's place on the agenda (section, reason) depends on its own facts only: a page about a few
  // projects reads only theirs.
  if (projectIds)
    query = projectIds.length > 0 ? query.where('p.id', 'in', projectIds) : query.where(sql<SqlBool>`false`);
  const rows = await query.execute();
  return rows.map((r) => {
    return {
      projectId: r.id,
      name: r.name,
      level: r.level,
      interval: r.interval,
      baseInterval: r.baseInterval ?? r.interval,
      escalated: r.escalated,
      attention: r.attention ?? 'none',
      pulled: r.enginePulled ?? false,
      statusHealth: r.statusHealth,
      statusDeadlinePassed: statusCycle(
        { scheduledAt: meeting.scheduledAt, state: 'planned', deadlineHours: r.deadlineHours },
        now,
      ).late,
      lastVerdict: r.lastVerdict,
      meetingsSinceReview: r.since ?? 0,
      requestedBy: r.requestedBy,
      /** A leader pulled it from the consent agenda (stored on the meeting's agenda). */
      leaderPulled: r.leaderPulled ?? false,
    };
  });
}

/** Writes the engine-built agenda, keeping pulls and requests; rows that did not change are not touched. */
async function writeAgenda(trx: Executor, meeting: MeetingRef, now: Date = new Date()): Promise<void> {
  const entries = buildAgenda(await loadAgendaFacts(trx, meeting, now));
  if (entries.length > 0) {
    await trx
      .insertInto('agenda_items')
      .values(
        entries.map((e) => ({
          meeting_id: meeting.id,
          project_id: e.projectId,
          section: e.section,
          reason: e.reason,
          position: e.position,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['meeting_id', 'project_id'])
          .doUpdateSet((eb) => ({
            section: eb.ref('excluded.section'),
            reason: eb.ref('excluded.reason'),
            position: eb.ref('excluded.position'),
          }))
          .where((eb) =>
            eb.or([
              eb('agenda_items.section', 'is distinct from', eb.ref('excluded.section')),
              eb('agenda_items.reason', 'is distinct from', eb.ref('excluded.reason')),
              eb('agenda_items.position', 'is distinct from', eb.ref('excluded.position')),
            ]),
          ),
      )
      .execute();
  }
  // Projects archived since the last build leave the agenda.
  let stale = trx.deleteFrom('agenda_items').where('meeting_id', '=', meeting.id);
  if (entries.length > 0)
    stale = stale.where(
      'project_id',
      'not in',
      entries.map((e) => e.projectId),
    );
  await stale.execute();
}

/**
 * A planned meeting's agenda as the engine builds it now, with the items leaders pulled so far: computed on
 * read, nothing written (a page view never writes). Starting the meeting stores and freezes it.
 */
export async function planAgenda(db: Executor, meeting: MeetingRef): Promise<PlannedEntry[]> {
  return planFromFacts(await loadAgendaFacts(db, meeting));
}

export type PlannedEntry = AgendaEntry & { pulled: boolean };

/** planAgenda's agenda from facts already read (loadAgendaFacts): the engine's order with the leaders' pulls. */
export function planFromFacts(facts: readonly (AgendaFacts & { leaderPulled: boolean })[]): PlannedEntry[] {
  const pulled = new Set(facts.filter((f) => f.leaderPulled).map((f) => f.projectId));
  return buildAgenda(facts).map((e) => ({ ...e, pulled: e.section === 'consent' && pulled.has(e.projectId) }));
}

/** A start more than EARLY_START_MINUTES before the scheduled time, waiting for a confirmation. */
export interface EarlyStart {
  scheduledAt: string;
  /** The status deadline of this cycle (ISO), and whether it has passed. */
  deadline: string;
  deadlinePassed: boolean;
  /** Active projects without a status for this meeting. */
  withoutStatus: number;
}

/**
 * Start: the agenda is built one last time and frozen with the state change (planned → in_progress). Only the
 * forum's next meeting (the earliest not closed) can start. Starting more than EARLY_START_MINUTES before its
 * time needs `confirmed`; without it nothing changes and the answer says what starting would do.
 */
export async function startMeeting(
  db: Executor,
  {
    forumId,
    meetingId,
    actorId,
    request,
    confirmed = false,
    now = new Date(),
  }: { forumId: number; meetingId: number; actorId: number; request?: Request; confirmed?: boolean; now?: Date },
): Promise<Result<{ started: true } | { started: false; early: EarlyStart }>> {
  return inTransaction(db, async (trx) => {
    const meeting = await lockMeeting(trx, { forumId, meetingId, mode: 'update' });
    if (!meeting) return refuse({ status: 404, message: 'Meeting not found' });
    if (meeting.state === 'skipped')
      return refuse({ status: 409, message: 'This meeting was skipped: it is not held.' });
    if (meeting.state !== 'planned') return refuse({ status: 409, message: 'This meeting has already started.' });
    const [earlier, forum] = await Promise.all([
      trx
        .selectFrom('meetings')
        .select(['scheduled_at', 'state'])
        .where('forum_id', '=', forumId)
        .where('state', 'in', ['planned', 'in_progress'])
        .where('scheduled_at', '<', meeting.scheduledAt)
        .orderBy('scheduled_at')
        .limit(1)
        .executeTakeFirst(),
      trx
        .selectFrom('forums')
        .select(['time_zone', 'status_deadline_hours'])
        .where('id', '=', forumId)
        .executeTakeFirstOrThrow(),
    ]);
    if (earlier) {
      const when = formatDateTime(earlier.scheduled_at, forum.time_zone);
      return refuse({
        status: 409,
        message: `Only the forum’s next meeting can start: the meeting of ${when} is ${earlier.state === 'in_progress' ? 'still in progress. Close it first.' : 'still planned. Hold and close it first.'}`,
      });
    }
    if (!confirmed && meeting.scheduledAt.getTime() - now.getTime() > EARLY_START_MINUTES * 60_000) {
      const { deadline, late } = statusCycle(
        { scheduledAt: meeting.scheduledAt, state: meeting.state, deadlineHours: forum.status_deadline_hours },
        now,
      );
      const counted = await trx
        .selectFrom('projects as p')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('p.forum_id', '=', forumId)
        .where('p.archived', '=', false)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('status_updates as s')
                .select('s.id')
                .whereRef('s.project_id', '=', 'p.id')
                .where('s.meeting_id', '=', meeting.id),
            ),
          ),
        )
        .executeTakeFirstOrThrow();
      return ok({
        started: false as const,
        early: {
          scheduledAt: meeting.scheduledAt.toISOString(),
          deadline: deadline.toISOString(),
          deadlinePassed: late,
          withoutStatus: counted.n,
        },
      });
    }
    await writeAgenda(trx, meeting, now);
    await trx
      .updateTable('meetings')
      .set({ state: 'in_progress', started_at: now })
      .where('id', '=', meeting.id)
      .execute();
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'meeting.start',
      target: `meeting:${meeting.id}`,
      detail: { confirmed },
      request,
    });
    return ok({ started: true as const });
  });
}

/** A leader pulls a consent item into discussion (before or during the meeting). */
export async function pullAgendaItem(
  db: Executor,
  {
    forumId,
    meetingId,
    projectId,
    actorId,
    request,
  }: { forumId: number; meetingId: number; projectId: number; actorId: number; request?: Request },
): Promise<Result> {
  return inTransaction(db, async (trx) => {
    const meeting = await lockMeeting(trx, { forumId, meetingId, mode: 'update' });
    if (!meeting) return refuse({ status: 404, message: 'Meeting not found' });
    if (meeting.state === 'closed') return refuse({ status: 409, message: 'This meeting is closed.' });
    if (meeting.state === 'skipped')
      return refuse({ status: 409, message: 'This meeting was skipped: it is not held.' });
    // Before the meeting the item pulled is the one on today's agenda.
    if (meeting.state === 'planned') await writeAgenda(trx, meeting);
    const result = await trx
      .updateTable('agenda_items')
      .set({ pulled: true })
      .where('meeting_id', '=', meeting.id)
      .where('project_id', '=', projectId)
      .where('section', '=', 'consent')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0)
      return refuse({ field: 'projectId', message: 'Only an item on the consent agenda can be pulled.' });
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'agenda.pull',
      target: `meeting:${meeting.id}`,
      detail: { projectId },
      request,
    });
    return ok();
  });
}

/** A leader puts a pulled consent item back (before or during the meeting), unless it already has a verdict. */
export async function putBackAgendaItem(
  db: Executor,
  {
    forumId,
    meetingId,
    projectId,
    actorId,
    request,
  }: { forumId: number; meetingId: number; projectId: number; actorId: number; request?: Request },
): Promise<Result> {
  return inTransaction(db, async (trx) => {
    const meeting = await lockMeeting(trx, { forumId, meetingId, mode: 'update' });
    if (!meeting) return refuse({ status: 404, message: 'Meeting not found' });
    if (meeting.state === 'closed') return refuse({ status: 409, message: 'This meeting is closed.' });
    if (meeting.state === 'skipped')
      return refuse({ status: 409, message: 'This meeting was skipped: it is not held.' });
    const reviewed = await trx
      .selectFrom('reviews')
      .select('id')
      .where('meeting_id', '=', meeting.id)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    if (reviewed)
      return refuse({
        status: 409,
        field: 'projectId',
        message: 'A verdict is recorded for this item: it stays in discussion.',
      });
    const result = await trx
      .updateTable('agenda_items')
      .set({ pulled: false })
      .where('meeting_id', '=', meeting.id)
      .where('project_id', '=', projectId)
      .where('section', '=', 'consent')
      .where('pulled', '=', true)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0)
      return refuse({ field: 'projectId', message: 'Only an item pulled from the consent agenda can be put back.' });
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'agenda.put_back',
      target: `meeting:${meeting.id}`,
      detail: { projectId },
      request,
    });
    return ok();
  });
}

/**
 * A leader asks for a project at the next planned meeting after this one: stored on that meeting's agenda
 * (requested_by), where it shows as a leader-requested exception.
 */
export async function requestForNextMeeting(
  db: Executor,
  {
    forumId,
    meetingId,
    projectId,
    actorId,
    request,
  }: { forumId: number; meetingId: number; projectId: number; actorId: number; request?: Request },
): Promise<Result<{ meetingId: number; scheduledAt: Date }>> {
  return inTransaction(db, async (trx) => {
    const current = await lockMeeting(trx, { forumId, meetingId, mode: 'share' });
    if (!current) return refuse({ status: 404, message: 'Meeting not found' });
    const project = await trx
      .selectFrom('projects')
      .select('id')
      .where('id', '=', projectId)
      .where('forum_id', '=', forumId)
      .where('archived', '=', false)
      .executeTakeFirst();
    if (!project) return refuse({ field: 'projectId', message: 'Choose an active project of this forum.' });
    const findNext = () =>
      trx
        .selectFrom('meetings')
        .select('id')
        .where('forum_id', '=', forumId)
        .where('state', '=', 'planned')
        .where('scheduled_at', '>', current.scheduledAt)
        .orderBy('scheduled_at')
        .limit(1)
        .executeTakeFirst();
    let next = await findNext();
    if (!next) {
      await ensurePlannedMeetings(trx, { forumId });
      next = await findNext();
    }
    if (!next) return refuse({ status: 409, message: 'There is no planned meeting after this one.' });
    const target = await lockMeeting(trx, { forumId, meetingId: next.id, mode: 'update' });
    if (!target || target.state !== 'planned')
      return refuse({ status: 409, message: 'The next meeting has already started.' });
    await trx
      .insertInto('agenda_items')
      .values({
        meeting_id: target.id,
        project_id: projectId,
        section: 'exception',
        reason: 'Requested',
        position: 0,
        requested_by: actorId,
      })
      .onConflict((oc) => oc.columns(['meeting_id', 'project_id']).doUpdateSet({ requested_by: actorId }))
      .execute();
    await writeAgenda(trx, target);
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'agenda.request',
      target: `meeting:${target.id}`,
      detail: { projectId, from: current.id },
      request,
    });
    return ok({ meetingId: target.id, scheduledAt: target.scheduledAt });
  });
}
