import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database, HealthValue, MeetingState } from '../../../db/database';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import { resolvePolicy, stepOversight, type OversightRow } from '~/modules/oversight/oversight.server';
import { invariantResponse } from '~/utils/http.server';
import { clientIp } from '~/utils/http.server';
import type { Executor } from '~/utils/db.server';
import { databaseStore } from '~/utils/db.server';
import { statusCycle, type StatusUpdateInput } from './status';
import { countLookup, layerOff } from '~/utils/cache-stats.server';
import { ok, refuse, type Refusal, type Result } from '~/utils/result';

/** What a status save checks and steps: the meeting, the forum's rules, the project's engine state, the saved status. */
export interface StatusSaveState {
  meetingId: number;
  meetingState: MeetingState;
  scheduledAt: Date;
  forumId: number;
  deadlineHours: number;
  project: OversightRow;
  existing: { id: number; health: HealthValue; version: number; authorId: number; late: boolean } | null;
  /** What the user was authorized and their form validated against: a save checks these are unchanged. */
  ownerId: number;
  goalIds: number[];
}

/** The columns of a StatusSaveState, for a query over projects (p), forums (f) and one meeting (m). */
function saveStateColumns(
  eb: ExpressionBuilder<Database & { p: Database['projects']; f: Database['forums'] }, 'p' | 'f'>,
  meetingId: Expression<number | null>,
) {
  return [
    'f.id as forumId',
    'f.status_deadline_hours',
    'f.policy',
    'f.policy_version',
    'p.oversight_state',
    'p.oversight_event_count',
    'p.oversight_level',
    'p.oversight_class_counts',
    'p.owner_id as ownerId',
    activeGoalIds(sql.ref('p.id')).as('goalIds'),
    jsonObjectFrom(
      eb
        .selectFrom('status_updates as s')
        .select(['s.id', 's.health', 's.version', 's.author_id as authorId', 's.late'])
        .whereRef('s.project_id', '=', 'p.id')
        .where('s.meeting_id', '=', meetingId),
    ).as('existing'),
  ] as const;
}

/** A project's active goal ids, ascending, as a JSON array (the same on both backends). */
function activeGoalIds(projectId: Expression<number>) {
  return sql<
    number[]
  >`(select coalesce(jsonb_agg(g.id order by g.id), '[]'::jsonb) from goals g where g.project_id = ${projectId} and g.state = 'active')`;
}

function toSaveState(
  meeting: { id: number; scheduled_at: Date | string; state: MeetingState },
  row: {
    forumId: number;
    status_deadline_hours: number;
    policy: OversightRow['policy'];
    existing: StatusSaveState['existing'];
    ownerId: number;
    goalIds: number[];
  } & Omit<OversightRow, 'policy'>,
): StatusSaveState {
  return {
    meetingId: meeting.id,
    meetingState: meeting.state,
    scheduledAt: new Date(meeting.scheduled_at),
    forumId: row.forumId,
    deadlineHours: row.status_deadline_hours,
    project: row,
    existing: row.existing,
    ownerId: row.ownerId,
    goalIds: row.goalIds,
  };
}

/**
 * The status form's context in one query: the project (only if it is in this forum), the forum's current cycle
 * (its next non-closed meeting, with the deadline and whether posting is open; null without one), the project's
 * active goals and, for the action, the state a save starts from (so a save costs one more statement).
 */
export async function getStatusFormContext(
  db: Executor,
  { forumId, projectId, now = new Date() }: { forumId: number; projectId: number; now?: Date },
) {
  const next = (eb: ExpressionBuilder<Database & { f: Database['forums'] }, 'f'>) =>
    eb
      .selectFrom('meetings as m')
      .whereRef('m.forum_id', '=', 'f.id')
      .where('m.state', 'in', ['planned', 'in_progress'])
      .orderBy('m.scheduled_at')
      .limit(1);
  const row = await db
    .selectFrom('projects as p')
    .innerJoin('forums as f', 'f.id', 'p.forum_id')
    .innerJoin('users as owner', 'owner.id', 'p.owner_id')
    .select((eb) => [
      'p.id',
      'p.name',
      'p.owner_id as ownerId',
      'owner.name as ownerName',
      'p.archived',
      jsonObjectFrom(next(eb).select(['m.id', 'm.scheduled_at', 'm.state'])).as('meeting'),
      jsonArrayFrom(
        eb
          .selectFrom('goals')
          .select((g) => [
            'id',
            'title',
            'kind',
            'unit',
            'baseline',
            'target',
            'direction',
            'min_value',
            'max_value',
            'due_date',
            // A milestone's report in the latest status of an earlier cycle: done there, the form starts ticked and
            // unticking it is a reopen, which needs a note (issue #21.4).
            g
              .selectFrom('status_goal_values as v')
              .innerJoin('status_updates as s', 's.id', 'v.status_update_id')
              .innerJoin('meetings as pm', 'pm.id', 's.meeting_id')
              .select('v.done')
              .whereRef('v.goal_id', '=', 'goals.id')
              .where('s.project_id', '=', projectId)
              .where('s.meeting_id', 'is distinct from', next(eb).select('m.id').$asScalar())
              .where('v.done', 'is not', null)
              .orderBy('pm.scheduled_at', 'desc')
              .limit(1)
              .as('wasDone'),
          ])
          .whereRef('goals.project_id', '=', 'p.id')
          .where('state', '=', 'active')
          .orderBy('id'),
      ).as('goals'),
      ...saveStateColumns(eb, next(eb).select('m.id').$asScalar()),
    ])
    .where('p.id', '=', projectId)
    .where('p.forum_id', '=', forumId)
    .executeTakeFirst();
  invariantResponse(row, 'Project not found');
  const project = { id: row.id, name: row.name, ownerId: row.ownerId, ownerName: row.ownerName };
  const { meeting } = row;
  // An archived project owes no status: no cycle to post for (the engine state stays as it was).
  if (!meeting || row.archived)
    return { project, cycle: null, goals: row.goals, saveState: null, archived: row.archived };
  const saveState = toSaveState(meeting, row);
  const cycle = statusCycle(
    { scheduledAt: saveState.scheduledAt, state: meeting.state, deadlineHours: row.status_deadline_hours },
    now,
  );
  return {
    project,
    cycle: { meetingId: meeting.id, scheduledAt: saveState.scheduledAt, ...cycle },
    goals: row.goals,
    saveState,
    archived: false,
  };
}

export type StatusFormContext = Awaited<ReturnType<typeof getStatusFormContext>>;

const REMEMBER_MS = 60_000;
const STATUS_FORM_OFF = layerOff('status_form');
const MAX_REMEMBERED = 2_000;
type Remembered = Map<number, { forumId: number; context: StatusFormContext; expires: number }>;
const remembered = () => databaseStore<Remembered>('status-form-contexts', () => new Map());

/**
 * A project's status form context as last read or left by a save (issue #8: an owner's save after opening the
 * form, or their next save, then needs no read). Only a guess: a save from it checks in its one statement that
 * nothing it was read with changed (saveStatusOnce), and anything but a clean save starts over from a fresh read.
 */
export function rememberedStatusContext(forumId: number, projectId: number): StatusFormContext | null {
  const entry = STATUS_FORM_OFF ? undefined : remembered()?.get(projectId);
  const hit = entry && entry.forumId === forumId && entry.expires > Date.now() ? entry.context : null;
  countLookup('status_form', hit !== null);
  return hit;
}

export function rememberStatusContext(forumId: number, projectId: number, context: StatusFormContext | null) {
  const store = remembered();
  if (!store) return;
  store.delete(projectId);
  if (!context) return;
  store.set(projectId, { forumId, context, expires: Date.now() + REMEMBER_MS });
  if (store.size > MAX_REMEMBERED) store.delete(store.keys().next().value as number);
}

/** The state a save of this project's status for this meeting starts from (one query, no locks). */
async function readSaveState(
  db: Executor,
  { projectId, meetingId }: { projectId: number; meetingId: number },
): Promise<StatusSaveState> {
  const row = await db
    .selectFrom('meetings as m')
    .innerJoin('forums as f', 'f.id', 'm.forum_id')
    .innerJoin('projects as p', (join) => join.onRef('p.forum_id', '=', 'f.id').on('p.id', '=', projectId))
    .select((eb) => ['m.id', 'm.scheduled_at', 'm.state', ...saveStateColumns(eb, eb.val(meetingId))])
    .where('m.id', '=', meetingId)
    .executeTakeFirstOrThrow();
  return toSaveState(row, row);
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

/** The forum's oversight policy as the status form explains it (what flagging trouble early costs). */
export async function getForumPolicy(db: Executor, { forumId }: { forumId: number }) {
  const forum = await db.selectFrom('forums').select('policy').where('id', '=', forumId).executeTakeFirstOrThrow();
  return resolvePolicy(forum.policy);
}

/** The goal value columns a save writes, and their types as the save's JSON rows carry them. */
const GOAL_VALUE_TYPES = { goal_id: 'bigint', value: 'numeric', done: 'boolean', note: 'text' } as const;
const GOAL_VALUE_COLUMNS = Object.keys(GOAL_VALUE_TYPES) as (keyof typeof GOAL_VALUE_TYPES)[];
/** The oversight event columns a save writes (stepOversight's rows), and their types. */
const EVENT_TYPES = {
  project_id: 'bigint',
  seq: 'integer',
  type: 'text',
  payload: 'jsonb',
  from_level: 'text',
  to_level: 'text',
  rule: 'text',
  event_class: 'text',
  explanation: 'text',
  actor_id: 'bigint',
  meeting_id: 'bigint',
  occurred_at: 'timestamptz',
  policy_version: 'integer',
} as const;
const EVENT_COLUMNS = Object.keys(EVENT_TYPES) as (keyof typeof EVENT_TYPES)[];

/** Rows sent as one JSON parameter, read as a table `alias` with the given column types (jsonb_to_recordset). */
function recordset<A extends string, T extends Record<string, string>>(alias: A, rows: readonly object[], types: T) {
  const definition = sql.join(Object.entries(types).map(([column, type]) => sql`${sql.id(column)} ${sql.raw(type)}`));
  return sql<{ [K in keyof T]: unknown }>`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)`.as<A>(
    sql`${sql.id(alias)}(${definition})`,
  );
}

/** A refused save (nothing written): why, for the form; a stale edit carries the status saved meanwhile. */
export type StatusRefusal = Refusal & { current?: CycleStatus | null };

export type SaveStatusResult = Result<
  {
    statusId: number;
    created: boolean;
    /** The state a next save of this status starts from. */ next: StatusSaveState;
  },
  StatusRefusal
>;

/**
 * Creates or edits a project's status for a meeting, atomically: the status row, its goal values, the audit row
 * and, when the status is new or its health changed, a `status` oversight event stepped through the engine (an
 * at-risk or off-track status pulls the project into the next meeting) with the project's new engine state.
 * Optimistic concurrency: `input.version` must be the saved version (0 for a new status), otherwise nothing is
 * written and the current status comes back as a conflict.
 *
 * One statement (issue #8: round trips are this machine's largest cost), from a state read without locks — the
 * route's form context, or one read here: the statement writes only if the meeting is still in the state read
 * (holding it, so it cannot start meanwhile), the project's engine state is still the one stepped (holding it),
 * and the status is still at the version read. If the engine state moved (another event for this project
 * committed meanwhile) the save starts again from a fresh read.
 */
export async function saveStatusUpdate(
  db: Executor,
  {
    projectId,
    meetingId,
    userId,
    input,
    request,
    now = new Date(),
    state,
  }: {
    projectId: number;
    meetingId: number;
    userId: number;
    input: StatusUpdateInput;
    request?: Request;
    now?: Date;
    /** The state read with the form context, when it is for this meeting. */
    state?: StatusSaveState | null;
  },
): Promise<SaveStatusResult> {
  let current = state && state.meetingId === meetingId ? state : await readSaveState(db, { projectId, meetingId });
  for (let attempt = 1; ; attempt++) {
    const outcome = await saveStatusOnce(db, { projectId, meetingId, userId, input, request, now, state: current });
    if (outcome !== 'moved') return outcome;
    if (attempt >= 5)
      throw new Error(`The status of project ${projectId} could not be saved: its engine state kept changing`);
    const reread = await readSaveState(db, { projectId, meetingId });
    // The caller authorized the user and validated the form against the owner and goals it read: not again here.
    if (reread.ownerId !== current.ownerId || JSON.stringify(reread.goalIds) !== JSON.stringify(current.goalIds))
      return refuse({
        status: 409,
        message:
          'The project’s owner or goals changed while you were saving, so nothing was saved. Reload the form and save again.',
      });
    current = reread;
  }
}

/**
 * One attempt of a save from `state`: 'moved' (nothing written) when anything the state was read with changed
 * since — the meeting's state or its place as the forum's next meeting, the forum's rules, the project's owner,
 * active goals or engine state.
 */
export async function saveStatusOnce(
  db: Executor,
  {
    projectId,
    meetingId,
    userId,
    input,
    request,
    now = new Date(),
    state,
  }: {
    projectId: number;
    meetingId: number;
    userId: number;
    input: StatusUpdateInput;
    request?: Request;
    now?: Date;
    state: StatusSaveState;
  },
): Promise<SaveStatusResult | 'moved'> {
  const cycle = statusCycle(
    { scheduledAt: state.scheduledAt, state: state.meetingState, deadlineHours: state.deadlineHours },
    now,
  );
  if (!cycle.open)
    return refuse({ status: 409, message: 'The meeting has started, so this cycle’s status can no longer change.' });
  const { existing } = state;
  if (existing && existing.authorId !== userId)
    return refuse({ status: 403, message: 'Only the author of this status can edit it' });
  const conflict = async (): Promise<SaveStatusResult> =>
    refuse<StatusRefusal>({
      status: 409,
      message:
        'Someone saved this status after you opened it. Your changes were not saved: compare them with the saved status below, then save again to replace it.',
      current: (await getCycleStatus(db, { projectId, meetingId })) ?? null,
    });
  if ((existing?.version ?? 0) !== input.version) return conflict();

  const late = existing ? existing.late || cycle.late : cycle.late;
  const oversight =
    !existing || existing.health !== input.health
      ? stepOversight(projectId, state.project, [
          { event: { type: 'status', health: input.health }, actorId: userId, meetingId, occurredAt: now },
        ])
      : null;
  const policy =
    state.project.policy === null || state.project.policy === undefined ? null : JSON.stringify(state.project.policy);
  // The one list of the status row's columns a save writes: an edit sets them, a first post inserts them.
  const columns = {
    health: input.health,
    summary: input.summary,
    risks: input.risks,
    asks: input.asks,
    late,
    updated_at: now,
  };
  const audit = {
    action: existing ? 'status.update' : 'status.create',
    detail: JSON.stringify({ meetingId, health: input.health, late }),
  };
  const result = await db
    // The meeting, held (share) only if it is still in the state read, still the forum's next meeting, under the
    // forum's deadline and policy read.
    .with('held_meeting', (q) =>
      q
        .selectFrom('meetings as m')
        .select('m.id')
        .where('m.id', '=', meetingId)
        .where('m.state', '=', state.meetingState)
        // Still at the time read: a moved meeting's statuses answer to its new deadline.
        .where('m.scheduled_at', '=', state.scheduledAt)
        .where(({ not, exists, selectFrom }) =>
          // A forum's meetings have distinct times; skipped ones are not the next meeting.
          not(
            exists(
              selectFrom('meetings as e')
                .select('e.id')
                .whereRef('e.forum_id', '=', 'm.forum_id')
                .where('e.state', 'in', ['planned', 'in_progress'])
                .whereRef('e.scheduled_at', '<', 'm.scheduled_at'),
            ),
          ),
        )
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('forums as f')
              .select('f.id')
              .whereRef('f.id', '=', 'm.forum_id')
              .where('f.status_deadline_hours', '=', state.deadlineHours)
              .where(sql<SqlBool>`f.policy is not distinct from ${policy}::jsonb`)
              .where('f.policy_version', '=', state.project.policy_version),
          ),
        )
        .forShare('m'),
    )
    // The project, held (update) only if its engine state, owner and active goals are still the ones read.
    .with('held_project', (q) =>
      q
        .selectFrom('projects')
        .select('id')
        .where('id', '=', projectId)
        .where('oversight_event_count', '=', state.project.oversight_event_count)
        .where('owner_id', '=', state.ownerId)
        .where(sql<SqlBool>`${activeGoalIds(sql.val(projectId))} = ${JSON.stringify(state.goalIds)}::jsonb`)
        .forUpdate(),
    )
    .with('saved', (q) =>
      existing
        ? q
            .updateTable('status_updates')
            .set({ ...columns, version: sql<number>`status_updates.version + 1` })
            .from(['held_meeting', 'held_project'])
            .where('status_updates.id', '=', existing.id)
            .where('status_updates.version', '=', input.version)
            .returning('status_updates.id')
        : q
            .insertInto('status_updates')
            .expression((eb) => {
              const row = {
                project_id: projectId,
                meeting_id: meetingId,
                author_id: userId,
                created_at: now,
                ...columns,
              };
              return eb
                .selectFrom(['held_meeting', 'held_project'])
                .select(Object.entries(row).map(([column, value]) => eb.val(value).as(column)));
            })
            .columns([
              'project_id',
              'meeting_id',
              'author_id',
              'created_at',
              ...(Object.keys(columns) as (keyof typeof columns)[]),
            ])
            .onConflict((oc) => oc.columns(['project_id', 'meeting_id']).doNothing())
            .returning('id'),
    )
    .with('goal_values', (q) =>
      q
        .insertInto('status_goal_values')
        .columns(['status_update_id', ...GOAL_VALUE_COLUMNS])
        .expression((eb) =>
          eb
            .selectFrom([
              'saved',
              recordset(
                'g',
                input.goals.map((g) => ({ goal_id: g.goalId, value: g.value, done: g.done, note: g.note })),
                GOAL_VALUE_TYPES,
              ),
            ])
            .select(['saved.id', ...GOAL_VALUE_COLUMNS.map((c) => sql.ref(`g.${c}`).as(c))]),
        )
        .onConflict((oc) =>
          oc.columns(['status_update_id', 'goal_id']).doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            done: eb.ref('excluded.done'),
            note: eb.ref('excluded.note'),
          })),
        ),
    )
    .with('dropped_values', (q) =>
      q
        .deleteFrom('status_goal_values')
        .using('saved')
        .whereRef('status_goal_values.status_update_id', '=', 'saved.id')
        .where(sql<SqlBool>`status_goal_values.goal_id <> all(${input.goals.map((g) => g.goalId)}::bigint[])`),
    )
    .with('events', (q) =>
      q
        .insertInto('oversight_events')
        .columns(EVENT_COLUMNS)
        .expression((eb) =>
          eb
            .selectFrom([
              'saved',
              recordset(
                'e',
                (oversight?.rows ?? []).map((r) => ({ ...r, payload: JSON.parse(r.payload) as unknown })),
                EVENT_TYPES,
              ),
            ])
            .select(EVENT_COLUMNS.map((c) => sql.ref(`e.${c}`).as(c))),
        ),
    )
    // The project's new engine state (stepOversight's columns), only with a new event.
    .with('engine_state', (q) =>
      q
        .updateTable('projects')
        .set(oversight ? oversight.project : { oversight_event_count: sql<number>`projects.oversight_event_count` })
        .from('saved')
        .where('projects.id', '=', projectId)
        .where(sql<SqlBool>`${oversight !== null}`),
    )
    .with('audit', (q) =>
      q
        .insertInto('audit_log')
        .columns(['user_id', 'forum_id', 'action', 'target', 'ip', 'detail'])
        .expression((eb) =>
          eb
            .selectFrom('saved')
            .select([
              eb.val(userId).as('user_id'),
              eb.val(state.forumId).as('forum_id'),
              eb.val(audit.action).as('action'),
              eb.val(`project:${projectId}`).as('target'),
              eb.val(request ? clientIp(request) : null).as('ip'),
              sql<string>`jsonb_build_object('statusId', saved.id) || ${audit.detail}::jsonb`.as('detail'),
            ]),
        ),
    )
    .selectNoFrom((eb) => [
      eb.selectFrom('saved').select('saved.id').as('id'),
      sql<boolean>`exists (select 1 from held_meeting) and exists (select 1 from held_project)`.as('held'),
    ])
    .execute();
  const row = result[0];
  if (row?.id !== null && row?.id !== undefined) {
    const statusId = Number(row.id);
    const next: StatusSaveState = {
      ...state,
      existing: {
        id: statusId,
        health: input.health,
        version: (existing?.version ?? 0) + 1,
        authorId: existing?.authorId ?? userId,
        late,
      },
      project: oversight
        ? {
            ...state.project,
            oversight_state: oversight.states.at(-1) ?? null,
            oversight_event_count: oversight.project.oversight_event_count,
            oversight_level: oversight.project.oversight_level,
            oversight_class_counts: JSON.parse(oversight.project.oversight_class_counts),
          }
        : state.project,
    };
    return ok({ statusId, created: !existing, next });
  }
  // Nothing written. The meeting started or the engine state moved: read again. Otherwise the status changed
  // (a concurrent first post won the unique (project, meeting) row, or an edit the version): a conflict.
  if (!row?.held) return 'moved';
  return conflict();
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
          .where('m.state', 'in', ['planned', 'in_progress'])
          .orderBy('m.scheduled_at')
          .limit(1)
          .as('m'),
      (join) => join.onTrue(),
    )
    .select([
      'p.id',
      'p.name',
      'f.slug',
      'f.name as forumName',
      'f.time_zone as timeZone',
      'f.status_deadline_hours',
      'm.scheduled_at',
      'm.state',
    ])
    .where('p.owner_id', '=', userId)
    .where('p.archived', '=', false)
    .where('f.archived', '=', false)
    .where('m.state', '=', 'planned')
    .where('m.scheduled_at', '>', now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('status_updates as s')
            .select('s.id')
            .whereRef('s.project_id', '=', 'p.id')
            .whereRef('s.meeting_id', '=', 'm.id'),
        ),
      ),
    )
    .orderBy('m.scheduled_at')
    .orderBy('p.name')
    .execute();
  return rows.map((r) => {
    const cycle = statusCycle(
      { scheduledAt: r.scheduled_at, state: r.state, deadlineHours: r.status_deadline_hours },
      now,
    );
    return {
      projectId: r.id,
      projectName: r.name,
      slug: r.slug,
      forumName: r.forumName,
      timeZone: r.timeZone,
      deadline: cycle.deadline,
      overdue: cycle.late,
    };
  });
}
