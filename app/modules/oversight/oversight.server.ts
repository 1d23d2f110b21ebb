import type { EventClassValue, LevelValue, OversightEventType, StoredPolicy } from '../../../db/database';
import {
  DEFAULT_POLICY,
  parsePolicy,
  PolicySchema,
  initialState,
  step,
  type EngineEvent,
  type OversightState,
  type Policy,
} from '~/oversight';
import type { Executor } from '~/utils/db.server';

/** A project's oversight events per class: cached on the project row beside its engine state. */
export type ClassCounts = Partial<Record<EventClassValue, number>>;

/** A project's first event: the level it starts at and why. */
export type StartEvent = { type: 'start'; level: LevelValue; reason: string };
export interface OversightInput {
  event: EngineEvent | StartEvent;
  actorId?: number | null;
  meetingId?: number | null;
  occurredAt?: Date;
}

/** A forum's policy: its stored overrides on top of the defaults, validated (bad stored values fall back). */
export function resolvePolicy(stored: unknown): Policy {
  // Forums keep a handful of policies: each is validated once (zod costs more than the engine step).
  const key = JSON.stringify(stored ?? null);
  let policy = policies.get(key);
  if (!policy) {
    policy = validatePolicy(stored);
    if (policies.size >= 1_000) policies.clear();
    policies.set(key, policy);
  }
  return policy;
}

const policies = new Map<string, Policy>();

function validatePolicy(stored: unknown): Policy {
  return checkStoredPolicy(stored).policy;
}

/**
 * A stored policy and what is wrong with it: a policy that fails validation falls back to the defaults as a
 * whole (a partial mix could break the invariants), and `problems` names the bad fields so the fallback is
 * never silent (issue #18: reported at server start and on the forum's settings page).
 */
export function checkStoredPolicy(stored: unknown): { policy: Policy; problems: { field: string; message: string }[] } {
  const isObject = stored !== null && typeof stored === 'object' && !Array.isArray(stored);
  const parsed = parsePolicy(isObject ? stored : {});
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({
        field: i.code === 'unrecognized_keys' ? i.keys.join(', ') : i.path.map(String).join('.') || '(policy)',
        message: i.message,
      }));
  if (!isObject && stored !== null && stored !== undefined)
    problems.unshift({ field: '(policy)', message: 'Not an object' });
  return { policy: parsed.success && problems.length === 0 ? parsed.data : DEFAULT_POLICY, problems };
}

function startState(level: LevelValue, reason: string, policy: Policy): OversightState {
  const s = initialState(level, policy);
  return { ...s, rule: 'start', explanation: reason };
}

/** What the engine needs of a project to step it: its cached state and its forum's policy with its version. */
export interface OversightRow {
  oversight_state: OversightState | null;
  oversight_event_count: number;
  oversight_level: LevelValue;
  oversight_class_counts: ClassCounts;
  policy: StoredPolicy | null;
  /** The version `policy` is (forums.policy_version, read from the same row): stored on every event. */
  policy_version: number;
}

/**
 * Steps a project's cached engine state through `inputs` (pure): the oversight_events rows to insert (one per
 * event, with the level change and its explanation), the project's new cached state, and the states after
 * each event.
 */
export function stepOversight(projectId: number, project: OversightRow, inputs: OversightInput[]) {
  const policy = resolvePolicy(project.policy);
  let state = project.oversight_state ?? startState(project.oversight_level, 'Starting level', policy);
  let seq = project.oversight_event_count;
  const counts: ClassCounts = { ...project.oversight_class_counts };
  const states: OversightState[] = [];
  const rows = inputs.map((input) => {
    const from = state.level;
    const ev = input.event;
    state = ev.type === 'start' ? startState(ev.level, ev.reason, policy) : step(state, ev, policy);
    states.push(state);
    seq += 1;
    counts[state.eventClass] = (counts[state.eventClass] ?? 0) + 1;
    return {
      project_id: projectId,
      seq,
      type: ev.type as OversightEventType,
      payload: JSON.stringify(ev),
      from_level: from,
      to_level: state.level,
      rule: state.rule,
      event_class: state.eventClass,
      explanation: state.explanation,
      actor_id: input.actorId ?? null,
      meeting_id: input.meetingId ?? null,
      occurred_at: input.occurredAt ?? new Date(),
      policy_version: project.policy_version,
    };
  });
  const project_update = {
    oversight_level: state.level,
    oversight_interval: state.interval,
    oversight_escalated: state.escalated,
    oversight_state: JSON.stringify(state),
    oversight_explanation: state.explanation,
    oversight_event_count: seq,
    oversight_class_counts: JSON.stringify(counts),
  };
  return { rows, project: project_update, states };
}

/**
 * Feeds events for one project to the engine, stores one oversight_events row per event (with the level
 * change and its explanation) and refreshes the project's cached state. The caller's transaction makes it atomic.
 * Returns the states after each event.
 */
export async function recordOversightEvents(
  trx: Executor,
  { projectId, inputs }: { projectId: number; inputs: OversightInput[] },
): Promise<OversightState[]> {
  if (inputs.length === 0) return [];
  const project = await readOversightRow(trx, projectId).forUpdate('projects').executeTakeFirstOrThrow();
  const stepped = stepOversight(projectId, project, inputs);
  await trx.insertInto('oversight_events').values(stepped.rows).execute();
  await trx.updateTable('projects').set(stepped.project).where('id', '=', projectId).execute();
  return stepped.states;
}

function readOversightRow(db: Executor, projectId: number) {
  return db
    .selectFrom('projects')
    .innerJoin('forums', 'forums.id', 'projects.forum_id')
    .select([
      'projects.oversight_state',
      'projects.oversight_event_count',
      'projects.oversight_level',
      'projects.oversight_class_counts',
      'forums.policy',
      'forums.policy_version',
    ])
    .where('projects.id', '=', projectId);
}

/** Records events, or (a preview) only steps the engine: the same signature, so one caller's code does both. */
export type OversightRecorder = {
  record: (args: { projectId: number; inputs: OversightInput[] }) => Promise<OversightState[]>;
  /** A project's level after what this recorder has recorded (or previewed), else its stored one. */
  levelOf: (projectId: number, stored: LevelValue) => LevelValue;
};

export function oversightWriter(trx: Executor): OversightRecorder {
  return { record: (args) => recordOversightEvents(trx, args), levelOf: (_id, stored) => stored };
}

/**
 * What recordOversightEvents would do, written nowhere: each project's cached state is read once and stepped in
 * memory, so later events of the same preview start from where the earlier ones left it.
 */
export function oversightPreview(db: Executor): OversightRecorder {
  const rows = new Map<number, OversightRow>();
  return {
    async record({ projectId, inputs }) {
      if (inputs.length === 0) return [];
      const project = rows.get(projectId) ?? (await readOversightRow(db, projectId).executeTakeFirstOrThrow());
      const stepped = stepOversight(projectId, project, inputs);
      rows.set(projectId, {
        ...project,
        oversight_state: JSON.parse(stepped.project.oversight_state),
        oversight_level: stepped.project.oversight_level,
        oversight_event_count: stepped.project.oversight_event_count,
        oversight_class_counts: JSON.parse(stepped.project.oversight_class_counts),
      });
      return stepped.states;
    },
    levelOf: (projectId, stored) => rows.get(projectId)?.oversight_level ?? stored,
  };
}

/** Folds stored event rows (ordered by seq) through the engine under one policy. */
export function replayStoredEvents(rows: { type: string; payload: unknown }[], policy: Policy): OversightState | null {
  return replayWithPolicyVersions(rows, () => policy).at(-1) ?? null;
}

/** A forum's policy versions by number (or any rule that names the policy to apply for a version number). */
export type PolicyVersions = ReadonlyMap<number, Policy> | ((version: number) => Policy);

/** An event names a policy version that is not stored (or fails validation): its replay cannot be trusted. */
export class MissingPolicyVersionError extends Error {
  constructor(readonly version: number) {
    super(`policy version ${version} is missing or invalid`);
  }
}

/**
 * The replay is the truth (issue #15, decision 015): stored event rows (ordered by seq) folded through the engine,
 * each under the policy version in force when it happened (`policy_version`; a row without one uses version 1).
 * Returns the state after each event. Pass a function instead of the versions to replay the same history under
 * another policy (the what-if preview: `() => candidate`).
 */
export function replayWithPolicyVersions(
  rows: readonly { type: string; payload: unknown; policy_version?: number }[],
  versions: PolicyVersions,
): OversightState[] {
  const policyFor =
    typeof versions === 'function'
      ? versions
      : (n: number) => {
          const p = versions.get(n);
          if (!p) throw new MissingPolicyVersionError(n);
          return p;
        };
  const states = new Array<OversightState>(rows.length);
  let state: OversightState | null = null;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const policy = policyFor(row.policy_version ?? 1);
    const ev = row.payload as { type: string; level?: LevelValue; reason?: string };
    if (row.type === 'start') state = startState(ev.level ?? 'standard', ev.reason ?? '', policy);
    else state = step(state ?? startState('standard', 'Starting level', policy), row.payload as EngineEvent, policy);
    states[i] = state;
  }
  return states;
}

/** Every forum's policy versions (one query): forum id → version number → policy. Invalid stored values are left out. */
export async function loadPolicyVersions(
  db: Executor,
  { forumId }: { forumId?: number } = {},
): Promise<Map<number, Map<number, Policy>>> {
  let query = db.selectFrom('policy_versions').select(['forum_id', 'number', 'values']);
  if (forumId !== undefined) query = query.where('forum_id', '=', forumId);
  const rows = await query.execute();
  const out = new Map<number, Map<number, Policy>>();
  for (const r of rows) {
    const parsed = PolicySchema.safeParse(r.values);
    if (!parsed.success) continue;
    const versions = out.get(r.forum_id) ?? new Map<number, Policy>();
    versions.set(r.number, resolvePolicy(parsed.data));
    out.set(r.forum_id, versions);
  }
  return out;
}

export interface Drift {
  projectId: number;
  name: string;
  cached: { level: string; interval: number; escalated: boolean };
  replayed: { level: string; interval: number; escalated: boolean } | null;
  /** Set when the cached per-class event counts differ from the events. */
  classCounts?: { cached: ClassCounts; events: ClassCounts };
  /** Set when the events cannot be replayed (a policy version they name is missing or invalid). */
  problem?: string;
}

const sameCounts = (a: ClassCounts, b: ClassCounts) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as EventClassValue[]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
};

/**
 * Every project whose cached oversight state differs from the replay of its events, each event under the policy
 * version it was applied under (three queries in all).
 */
export async function findOversightDrift(db: Executor): Promise<Drift[]> {
  const [projects, events, versions] = await Promise.all([
    db
      .selectFrom('projects')
      .select([
        'projects.id',
        'projects.forum_id',
        'projects.name',
        'projects.oversight_level',
        'projects.oversight_interval',
        'projects.oversight_escalated',
        'projects.oversight_class_counts',
      ])
      .orderBy('projects.id')
      .execute(),
    db
      .selectFrom('oversight_events')
      .select(['project_id', 'type', 'payload', 'event_class', 'policy_version'])
      .orderBy('project_id')
      .orderBy('seq')
      .execute(),
    loadPolicyVersions(db),
  ]);
  const byProject = new Map<number, { type: string; payload: unknown; policy_version: number }[]>();
  const countsByProject = new Map<number, ClassCounts>();
  for (const e of events) {
    const counts = countsByProject.get(e.project_id) ?? {};
    counts[e.event_class] = (counts[e.event_class] ?? 0) + 1;
    countsByProject.set(e.project_id, counts);
    const list = byProject.get(e.project_id) ?? [];
    list.push(e);
    byProject.set(e.project_id, list);
  }
  const drift: Drift[] = [];
  const none = new Map<number, Policy>();
  for (const p of projects) {
    const cached = { level: p.oversight_level, interval: p.oversight_interval, escalated: p.oversight_escalated };
    let replayed: OversightState | null = null;
    let problem: string | undefined;
    try {
      replayed = replayWithPolicyVersions(byProject.get(p.id) ?? [], versions.get(p.forum_id) ?? none).at(-1) ?? null;
    } catch (error) {
      if (!(error instanceof MissingPolicyVersionError)) throw error;
      problem = `its events name ${error.message} of its forum`;
    }
    const r = replayed ? { level: replayed.level, interval: replayed.interval, escalated: replayed.escalated } : null;
    const counts = countsByProject.get(p.id) ?? {};
    const countsDrift = !sameCounts(p.oversight_class_counts, counts);
    if (
      !r ||
      r.level !== cached.level ||
      r.interval !== cached.interval ||
      r.escalated !== cached.escalated ||
      countsDrift
    ) {
      drift.push({
        projectId: p.id,
        name: p.name,
        cached,
        replayed: r,
        ...(countsDrift ? { classCounts: { cached: p.oversight_class_counts, events: counts } } : {}),
        ...(problem ? { problem } : {}),
      });
    }
  }
  return drift;
}
