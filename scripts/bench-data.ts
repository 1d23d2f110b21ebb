/**
 * The benchmark dataset (issue #8): forums with years of weekly history, generated in memory and bulk-inserted
 * (a few large INSERT … SELECT FROM jsonb_to_recordset statements per table), through Kysely, so the same code
 * fills a PostgreSQL server and PGlite. Oversight events come from the engine itself (each project's inputs
 * stepped in order, as recordOversightEvents does), and each project's cached state is the last one, so
 * `oversight verify` finds no drift. Each closed meeting has its stored agenda, as a meeting held in the app does.
 */
import { sql, type Kysely } from 'kysely';
import type { AgendaSection, Database, HealthValue, LevelValue } from '../db/database';
import { hashPassword } from '../app/modules/auth/password.server';
import type { GoalSnapshot } from '../app/modules/goals/goals';
import {
  DEFAULT_POLICY,
  initialState,
  startingLevel,
  step,
  type EngineEvent,
  type OversightState,
} from '../app/oversight';
import { seededRandom } from '../app/utils/random';

export interface BenchDatasetOptions {
  /** The main forum: `projects` projects with `weeks` closed weekly meetings of history. */
  projects: number;
  weeks: number;
  /** Other forums, lighter: `otherProjects` projects each with `otherWeeks` weeks of history. */
  otherForums: number;
  otherProjects: number;
  otherWeeks: number;
  /** Main-forum projects owned by the bench user, with no status yet for the coming meeting (the POST benchmark). */
  benchOwnedProjects: number;
  slug?: string;
  now?: Date;
  seed?: number;
  log?: (line: string) => void;
}

export interface BenchDataset {
  userId: number;
  email: string;
  password: string;
  slug: string;
  forumId: number;
  /** A main-forum project with the full history (not the bench user's). */
  historyProjectId: number;
  /** The bench user's projects: id and the form fields their status needs (one metric, one milestone). */
  ownProjects: { id: number; metricGoalId: number; milestoneGoalId: number }[];
  latestClosedMeetingId: number;
  upcomingMeetingId: number;
  counts: Record<string, number>;
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;
export const BENCH_PASSWORD = 'bench-password';

const AREAS = [
  'Checkout',
  'Payments',
  'Search',
  'Onboarding',
  'Billing',
  'Mobile',
  'Data platform',
  'Security',
  'Hiring',
  'Support tooling',
  'Pricing',
  'Reliability',
  'Analytics',
  'Partner API',
  'Localization',
  'Compliance',
];
const WORK = [
  'redesign',
  'migration',
  'v2',
  'rollout',
  'cost reduction',
  'latency work',
  'revamp',
  'audit',
  'integration',
  'automation',
];
const FIRST = [
  'Ava',
  'Ben',
  'Carla',
  'Dev',
  'Erin',
  'Femi',
  'Gita',
  'Hugo',
  'Ines',
  'Jon',
  'Kai',
  'Lena',
  'Mo',
  'Nia',
  'Omar',
  'Pia',
  'Quinn',
  'Ravi',
  'Sara',
  'Tom',
];
const LAST = [
  'Chen',
  'Okafor',
  'Diaz',
  'Patel',
  'Walsh',
  'Ito',
  'Novak',
  'Silva',
  'Berg',
  'Khan',
  'Moreau',
  'Ueda',
  'Lund',
  'Adeyemi',
  'Rossi',
];
const FEEDBACK: Record<HealthValue, string[]> = {
  on_track: ['Good progress, keep going.', 'Clear update, no concerns.', 'Nice work on the goal trend.'],
  at_risk: ['Agree it is at risk: bring a recovery plan next time.', 'Watch the dependency on the platform team.'],
  off_track: [
    'Off track: we need a corrective plan and a new date.',
    'This slipped without warning: flag earlier next time.',
  ],
};
const WORSE: Record<HealthValue, HealthValue> = { on_track: 'at_risk', at_risk: 'off_track', off_track: 'off_track' };
const BETTER: Record<HealthValue, HealthValue> = { on_track: 'on_track', at_risk: 'on_track', off_track: 'at_risk' };

type Row = Record<string, unknown>;
type Column = readonly [name: string, type: string];

const COLUMNS = {
  users: [
    ['id', 'bigint'],
    ['email', 'text'],
    ['name', 'text'],
    ['password_hash', 'text'],
    ['is_admin', 'boolean'],
  ],
  forums: [
    ['id', 'bigint'],
    ['slug', 'text'],
    ['name', 'text'],
    ['cadence', 'text'],
    ['weekday', 'smallint'],
    ['meeting_time', 'text'],
    ['time_zone', 'text'],
    ['policy', 'jsonb'],
  ],
  policy_versions: [
    ['forum_id', 'bigint'],
    ['number', 'integer'],
    ['values', 'jsonb'],
    ['reason', 'text'],
  ],
  memberships: [
    ['forum_id', 'bigint'],
    ['user_id', 'bigint'],
    ['role', 'text'],
  ],
  meetings: [
    ['id', 'bigint'],
    ['forum_id', 'bigint'],
    ['scheduled_at', 'timestamptz'],
    ['state', 'text'],
    ['started_at', 'timestamptz'],
    ['closed_at', 'timestamptz'],
    ['closed_by', 'bigint'],
  ],
  projects: [
    ['id', 'bigint'],
    ['forum_id', 'bigint'],
    ['owner_id', 'bigint'],
    ['name', 'text'],
    ['description', 'text'],
    ['oversight_level', 'text'],
    ['oversight_interval', 'integer'],
    ['oversight_escalated', 'boolean'],
    ['oversight_state', 'jsonb'],
    ['oversight_explanation', 'text'],
    ['oversight_event_count', 'integer'],
    ['oversight_class_counts', 'jsonb'],
    ['created_at', 'timestamptz'],
  ],
  goals: [
    ['id', 'bigint'],
    ['project_id', 'bigint'],
    ['title', 'text'],
    ['kind', 'text'],
    ['unit', 'text'],
    ['baseline', 'numeric'],
    ['target', 'numeric'],
    ['direction', 'text'],
    ['due_date', 'date'],
    ['state', 'text'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ],
  goal_revisions: [
    ['id', 'bigint'],
    ['goal_id', 'bigint'],
    ['changed_by', 'bigint'],
    ['changed_at', 'timestamptz'],
    ['snapshot', 'jsonb'],
  ],
  status_updates: [
    ['id', 'bigint'],
    ['project_id', 'bigint'],
    ['meeting_id', 'bigint'],
    ['author_id', 'bigint'],
    ['health', 'text'],
    ['summary', 'text'],
    ['risks', 'text'],
    ['asks', 'text'],
    ['late', 'boolean'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ],
  status_goal_values: [
    ['status_update_id', 'bigint'],
    ['goal_id', 'bigint'],
    ['value', 'numeric'],
    ['done', 'boolean'],
  ],
  reviews: [
    ['id', 'bigint'],
    ['meeting_id', 'bigint'],
    ['project_id', 'bigint'],
    ['reviewer_id', 'bigint'],
    ['verdict', 'text'],
    ['self_report', 'text'],
    ['feedback', 'text'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ],
  agenda_items: [
    ['meeting_id', 'bigint'],
    ['project_id', 'bigint'],
    ['section', 'text'],
    ['reason', 'text'],
    ['position', 'integer'],
  ],
  action_items: [
    ['id', 'bigint'],
    ['meeting_id', 'bigint'],
    ['review_id', 'bigint'],
    ['project_id', 'bigint'],
    ['text', 'text'],
    ['assignee_id', 'bigint'],
    ['due_date', 'date'],
    ['done_at', 'timestamptz'],
    ['created_by', 'bigint'],
    ['created_at', 'timestamptz'],
  ],
  oversight_events: [
    ['id', 'bigint'],
    ['project_id', 'bigint'],
    ['seq', 'integer'],
    ['type', 'text'],
    ['payload', 'jsonb'],
    ['from_level', 'text'],
    ['to_level', 'text'],
    ['rule', 'text'],
    ['event_class', 'text'],
    ['explanation', 'text'],
    ['actor_id', 'bigint'],
    ['meeting_id', 'bigint'],
    ['occurred_at', 'timestamptz'],
    ['policy_version', 'integer'],
  ],
} as const satisfies Partial<Record<keyof Database, readonly Column[]>>;
type Table = keyof typeof COLUMNS;
const IDENTITY_TABLES = [
  'users',
  'forums',
  'meetings',
  'projects',
  'goals',
  'goal_revisions',
  'status_updates',
  'reviews',
  'action_items',
  'oversight_events',
] as const;
type IdentityTable = (typeof IDENTITY_TABLES)[number];

const BATCH_ROWS = 4_000;

/** Multi-row insert: one jsonb parameter per batch, expanded by jsonb_to_recordset (no parameter-count limit). */
async function bulkInsert(db: Kysely<Database>, table: Table, rows: Row[]): Promise<void> {
  const columns: readonly Column[] = COLUMNS[table];
  const names = sql.join(columns.map(([name]) => sql.ref(name)));
  const definition = sql.raw(columns.map(([name, type]) => `"${name}" ${type}`).join(', '));
  const overriding = (IDENTITY_TABLES as readonly string[]).includes(table) ? sql`overriding system value` : sql``;
  for (let i = 0; i < rows.length; i += BATCH_ROWS) {
    const batch = JSON.stringify(rows.slice(i, i + BATCH_ROWS));
    await sql`insert into ${sql.table(table)} (${names}) ${overriding} select ${names} from jsonb_to_recordset(${batch}::jsonb) as x(${definition})`.execute(
      db,
    );
  }
}

/** A project's start state, as recordOversightEvents stores it for a `start` event. */
function startState(level: LevelValue, reason: string): OversightState {
  return { ...initialState(level, DEFAULT_POLICY), rule: 'start', explanation: reason };
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** Generates and inserts the dataset; returns what the benchmark needs to address it. */
export async function generateBenchDataset(db: Kysely<Database>, options: BenchDatasetOptions): Promise<BenchDataset> {
  const {
    projects: mainProjects,
    weeks: mainWeeks,
    otherForums,
    otherProjects,
    otherWeeks,
    benchOwnedProjects,
  } = options;
  const slug = options.slug ?? 'bench';
  const now = options.now ?? new Date();
  const random = seededRandom(options.seed ?? 20261125);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

  const max = await sql<Record<IdentityTable, number>>`select ${sql.join(
    IDENTITY_TABLES.map((t) => sql`(select coalesce(max(id), 0)::int from ${sql.table(t)}) as ${sql.ref(t)}`),
  )}`.execute(db);
  const nextId = { ...max.rows[0] };
  const id = (t: IdentityTable) => ++nextId[t];
  const rows = Object.fromEntries(Object.keys(COLUMNS).map((t) => [t, [] as Row[]])) as Record<Table, Row[]>;

  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const tag = `${Date.now().toString(36)}${Math.floor(random() * 1e6).toString(36)}`;
  const newUser = (name: string, emailLocal: string, isAdmin = false) => {
    const userId = id('users');
    rows.users.push({
      id: userId,
      email: `${emailLocal}-${tag}@bench.test`,
      name,
      password_hash: passwordHash,
      is_admin: isAdmin,
    });
    return userId;
  };
  const benchEmail = `bench-${tag}@bench.test`;
  const benchUser = newUser('Bench Chair', 'bench', true);

  // Meetings are weekly on the weekday three days from now at 10:00 UTC: the coming one stays open for posts
  // during the whole run, and its two successors exist, so nothing tops the schedule up mid-run.
  const upcomingAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 3, 10, 0, 0));
  let main: { forumId: number; historyProjectId: number; latestClosed: number; upcoming: number } | undefined;
  const ownProjects: BenchDataset['ownProjects'] = [];

  for (let f = 0; f <= otherForums; f++) {
    const isMain = f === 0;
    const nProjects = isMain ? mainProjects : otherProjects;
    const weeks = isMain ? mainWeeks : otherWeeks;
    const forumId = id('forums');
    rows.forums.push({
      id: forumId,
      slug: isMain ? slug : `${slug}-${String(f).padStart(2, '0')}`,
      name: isMain ? 'Bench Leadership Review' : `Bench Forum ${f}`,
      cadence: 'weekly',
      weekday: upcomingAt.getUTCDay(),
      meeting_time: '10:00',
      time_zone: 'UTC',
      policy: DEFAULT_POLICY,
    });
    rows.policy_versions.push({
      forum_id: forumId,
      number: 1,
      values: DEFAULT_POLICY,
      reason: 'The policy the forum started with',
    });
    rows.memberships.push({ forum_id: forumId, user_id: benchUser, role: 'chair' });
    const leaders = [0, 1, 2].map((i) => newUser(`${pick(FIRST)} ${pick(LAST)}`, `leader${f}-${i}`));
    for (const l of leaders) rows.memberships.push({ forum_id: forumId, user_id: l, role: 'leader' });
    const owners = Array.from({ length: Math.max(1, Math.ceil(nProjects / 5)) }, (_, i) =>
      newUser(`${pick(FIRST)} ${pick(LAST)}`, `owner${f}-${i}`),
    );
    for (const o of owners) rows.memberships.push({ forum_id: forumId, user_id: o, role: 'owner' });

    const meetings: { id: number; at: Date }[] = [];
    for (let w = 0; w < weeks; w++) {
      const at = new Date(upcomingAt.getTime() - (weeks - w) * WEEK);
      const meetingId = id('meetings');
      meetings.push({ id: meetingId, at });
      rows.meetings.push({
        id: meetingId,
        forum_id: forumId,
        scheduled_at: at,
        state: 'closed',
        started_at: at,
        closed_at: new Date(at.getTime() + 3_600_000),
        closed_by: benchUser,
      });
    }
    const upcoming = id('meetings');
    for (let k = 0; k < 3; k++) {
      rows.meetings.push({
        id: k === 0 ? upcoming : id('meetings'),
        forum_id: forumId,
        scheduled_at: new Date(upcomingAt.getTime() + k * WEEK),
        state: 'planned',
        started_at: null,
        closed_at: null,
        closed_by: null,
      });
    }
    const createdAt = new Date(upcomingAt.getTime() - (weeks + 1) * WEEK);
    const endAt = new Date(upcomingAt.getTime() + 12 * WEEK);

    // Projects, their goals and their owners' profiles.
    const ownerLevels = new Map<number, LevelValue[]>();
    const sims = Array.from({ length: nProjects }, (_, i) => {
      const ownerId = isMain && i < benchOwnedProjects ? benchUser : owners[i % owners.length];
      const projectId = id('projects');
      const levels = ownerLevels.get(ownerId) ?? [];
      const start = startingLevel({
        isFirstProject: levels.length === 0,
        ownerCurrentLevels: levels,
        recentScoredClasses: [],
      });
      ownerLevels.set(ownerId, [...levels, start.level]);
      const baseline = Math.round(random() * 50);
      const target = baseline + 20 + Math.round(random() * 80);
      const metric: GoalSnapshot = {
        title: 'Weekly active customers',
        kind: 'metric',
        unit: 'k',
        baseline,
        target,
        direction: 'up',
        min_value: null,
        max_value: null,
        due_date: iso(endAt),
        state: 'active',
      };
      const milestone: GoalSnapshot = {
        title: 'Launch to all customers',
        kind: 'milestone',
        unit: null,
        baseline: null,
        target: null,
        direction: null,
        min_value: null,
        max_value: null,
        due_date: iso(endAt),
        state: 'active',
      };
      const metricGoalId = id('goals');
      const milestoneGoalId = id('goals');
      const revisedTarget = target + 10;
      for (const [goalId, g] of [
        [metricGoalId, { ...metric, target: revisedTarget }],
        [milestoneGoalId, milestone],
      ] as const) {
        rows.goals.push({ id: goalId, project_id: projectId, ...g, created_at: createdAt, updated_at: createdAt });
      }
      rows.goal_revisions.push({
        id: id('goal_revisions'),
        goal_id: metricGoalId,
        changed_by: ownerId,
        changed_at: createdAt,
        snapshot: metric,
      });
      rows.goal_revisions.push({
        id: id('goal_revisions'),
        goal_id: metricGoalId,
        changed_by: ownerId,
        changed_at: new Date(createdAt.getTime() + Math.floor(weeks / 2) * WEEK),
        snapshot: { ...metric, target: revisedTarget },
      });
      rows.goal_revisions.push({
        id: id('goal_revisions'),
        goal_id: milestoneGoalId,
        changed_by: ownerId,
        changed_at: createdAt,
        snapshot: milestone,
      });
      if (isMain && ownerId === benchUser) ownProjects.push({ id: projectId, metricGoalId, milestoneGoalId });
      const state = startState(start.level, start.reason);
      rows.oversight_events.push({
        id: id('oversight_events'),
        project_id: projectId,
        seq: 1,
        type: 'start',
        payload: { type: 'start', level: start.level, reason: start.reason },
        from_level: start.level,
        to_level: start.level,
        rule: state.rule,
        event_class: state.eventClass,
        explanation: state.explanation,
        actor_id: null,
        meeting_id: null,
        occurred_at: createdAt,
        policy_version: 1,
      });
      return {
        projectId,
        ownerId,
        name: `${AREAS[i % AREAS.length]} ${WORK[Math.floor(i / AREAS.length) % WORK.length]} ${i + 1}`,
        metricGoalId,
        milestoneGoalId,
        baseline,
        target: revisedTarget,
        reliability: 0.8 + random() * 0.19,
        honesty: 0.8 + random() * 0.2,
        missRate: random() * 0.04,
        actual: 'on_track' as HealthValue,
        lastReport: 'on_track' as HealthValue,
        lastReviewed: -1,
        seq: 1,
        state,
        counts: { [state.eventClass]: 1 } as Partial<Record<string, number>>,
      };
    });
    type Sim = (typeof sims)[number];
    const record = (p: Sim, event: EngineEvent, meetingId: number, at: Date, actorId: number | null) => {
      const from = p.state.level;
      p.state = step(p.state, event, DEFAULT_POLICY);
      p.seq += 1;
      p.counts[p.state.eventClass] = (p.counts[p.state.eventClass] ?? 0) + 1;
      rows.oversight_events.push({
        id: id('oversight_events'),
        project_id: p.projectId,
        seq: p.seq,
        type: event.type,
        payload: event,
        from_level: from,
        to_level: p.state.level,
        rule: p.state.rule,
        event_class: p.state.eventClass,
        explanation: p.state.explanation,
        actor_id: actorId,
        meeting_id: meetingId,
        occurred_at: at,
        policy_version: 1,
      });
      return p.state;
    };
    const byOwner = new Map<number, Sim[]>();
    for (const p of sims) byOwner.set(p.ownerId, [...(byOwner.get(p.ownerId) ?? []), p]);

    const postStatus = (p: Sim, meetingId: number, at: Date, w: number, health: HealthValue) => {
      const statusId = id('status_updates');
      rows.status_updates.push({
        id: statusId,
        project_id: p.projectId,
        meeting_id: meetingId,
        author_id: p.ownerId,
        health,
        summary:
          health === 'on_track'
            ? `Week ${w + 1}: **on plan**. Shipped the next slice; metrics moving as expected.`
            : `Week ${w + 1}: behind on *one goal*; recovery plan in progress.`,
        risks: health === 'on_track' ? '' : '- Dependency on the platform team\n- Two people out next week',
        asks: health === 'off_track' ? 'Need a decision on scope by Friday.' : '',
        late: random() < 0.03,
        created_at: at,
        updated_at: at,
      });
      const pace = health === 'on_track' ? 1 : health === 'at_risk' ? 0.85 : 0.7;
      const progress = Math.min(1, ((w + 1) / (weeks + 12)) * pace + (random() - 0.5) * 0.03);
      rows.status_goal_values.push({
        status_update_id: statusId,
        goal_id: p.metricGoalId,
        value: Math.round((p.baseline + (p.target - p.baseline) * progress) * 100) / 100,
        done: null,
      });
      rows.status_goal_values.push({
        status_update_id: statusId,
        goal_id: p.milestoneGoalId,
        value: null,
        done: w > weeks - 4 && health === 'on_track',
      });
      record(p, { type: 'status', health }, meetingId, at, p.ownerId);
    };

    for (let w = 0; w < weeks; w++) {
      const meeting = meetings[w];
      // The agenda stored when the meeting started, as the app stores it: every project, the discussed ones (those
      // reviewed below) as exceptions or due by cadence, the others on the consent agenda.
      const agenda: Record<AgendaSection, { projectId: number; reason: string }[]> = {
        exception: [],
        due: [],
        consent: [],
      };
      for (const p of sims) {
        // The truth this week: a sticky walk whose stickiness is the project's reliability.
        const r = random();
        p.actual =
          p.actual === 'on_track'
            ? r < p.reliability
              ? 'on_track'
              : r < p.reliability + (1 - p.reliability) * 0.75
                ? 'at_risk'
                : 'off_track'
            : p.actual === 'at_risk'
              ? r < 0.5
                ? 'on_track'
                : r < 0.8
                  ? 'at_risk'
                  : 'off_track'
              : r < 0.25
                ? 'on_track'
                : r < 0.7
                  ? 'at_risk'
                  : 'off_track';
        const posted = random() >= p.missRate;
        if (posted) {
          const reported = random() < p.honesty ? p.actual : BETTER[p.actual];
          postStatus(p, meeting.id, new Date(meeting.at.getTime() - (1 + random() * 2.5) * DAY), w, reported);
          p.lastReport = reported;
        }
        // Closing the meeting: the missed status, then the review if the engine says it is due.
        if (!posted) record(p, { type: 'missed' }, meeting.id, meeting.at, null);
        const due = p.lastReviewed < 0 || p.state.pulled || w - p.lastReviewed >= p.state.interval;
        if (!due) {
          agenda.consent.push({ projectId: p.projectId, reason: 'Not yet due: the consent agenda' });
          continue;
        }
        if (!posted) agenda.exception.push({ projectId: p.projectId, reason: 'Status not posted' });
        else if (p.lastReport !== 'on_track')
          agenda.exception.push({
            projectId: p.projectId,
            reason: p.lastReport === 'off_track' ? 'Off track (self-reported)' : 'At risk (self-reported)',
          });
        else agenda.due.push({ projectId: p.projectId, reason: 'Due by cadence' });
        const reviewer = leaders[w % leaders.length];
        const verdict = random() < 0.03 ? WORSE[p.actual] : p.actual;
        const reviewId = id('reviews');
        rows.reviews.push({
          id: reviewId,
          meeting_id: meeting.id,
          project_id: p.projectId,
          reviewer_id: reviewer,
          verdict,
          self_report: p.lastReport,
          feedback: pick(FEEDBACK[verdict]),
          created_at: meeting.at,
          updated_at: meeting.at,
        });
        if (verdict !== 'on_track') {
          rows.action_items.push({
            id: id('action_items'),
            meeting_id: meeting.id,
            review_id: reviewId,
            project_id: p.projectId,
            text:
              verdict === 'off_track'
                ? 'Bring a corrective plan with a new date'
                : 'Share the mitigation for the top risk',
            assignee_id: p.ownerId,
            due_date: iso(new Date(meeting.at.getTime() + WEEK)),
            done_at: w < weeks - 2 ? new Date(meeting.at.getTime() + 5 * DAY) : null,
            created_by: reviewer,
            created_at: meeting.at,
          });
        }
        const after = record(
          p,
          { type: 'review', verdict, selfReport: p.lastReport },
          meeting.id,
          meeting.at,
          reviewer,
        );
        p.lastReviewed = w;
        if (after.eventClass === 'HARD_MISS') {
          for (const other of byOwner.get(p.ownerId) ?? []) {
            if (other !== p && other.state.level === 'trusted')
              record(other, { type: 'spillover' }, meeting.id, meeting.at, null);
          }
        }
      }
      let position = 0;
      for (const section of ['exception', 'due', 'consent'] as const)
        for (const item of agenda[section])
          rows.agenda_items.push({
            meeting_id: meeting.id,
            project_id: item.projectId,
            section,
            reason: item.reason,
            position: (position += 1),
          });
    }
    // This cycle: most owners have posted for the coming meeting; the bench user's projects have not.
    for (const p of sims) {
      if (p.ownerId === benchUser || random() < 0.3) continue;
      postStatus(p, upcoming, new Date(now.getTime() - random() * 2 * DAY), weeks, p.actual);
    }
    for (const p of sims) {
      rows.projects.push({
        id: p.projectId,
        forum_id: forumId,
        owner_id: p.ownerId,
        name: p.name,
        description: `Bench project ${p.name}.`,
        oversight_level: p.state.level,
        oversight_interval: p.state.interval,
        oversight_escalated: p.state.escalated,
        oversight_state: p.state,
        oversight_explanation: p.state.explanation,
        oversight_event_count: p.seq,
        oversight_class_counts: p.counts,
        created_at: createdAt,
      });
    }
    if (isMain) {
      const history = sims.find((p) => p.ownerId !== benchUser) ?? sims[0];
      main = { forumId, historyProjectId: history.projectId, latestClosed: meetings.at(-1)?.id ?? upcoming, upcoming };
    }
  }
  if (!main) throw new Error('no main forum');

  const order: Table[] = [
    'users',
    'forums',
    'policy_versions',
    'memberships',
    'meetings',
    'projects',
    'goals',
    'goal_revisions',
    'status_updates',
    'status_goal_values',
    'reviews',
    'agenda_items',
    'action_items',
    'oversight_events',
  ];
  await db.transaction().execute(async (trx) => {
    // The rows are consistent by construction: as a superuser (PGlite, a local server) skip the per-row
    // foreign-key triggers for the load, as pg_restore --disable-triggers does. It halves the load time.
    const su = await sql<{ su: boolean }>`select rolsuper as su from pg_roles where rolname = current_user`.execute(
      trx,
    );
    if (su.rows[0]?.su) await sql`set local session_replication_role = replica`.execute(trx);
    for (const table of order) {
      const t0 = Date.now();
      await bulkInsert(trx, table, rows[table]);
      options.log?.(`  ${table}: ${rows[table].length.toLocaleString('en-US')} rows in ${Date.now() - t0} ms`);
    }
    for (const t of IDENTITY_TABLES) {
      await sql`select setval(pg_get_serial_sequence(${t}, 'id'), ${Math.max(1, nextId[t])}, ${nextId[t] > 0})`.execute(
        trx,
      );
    }
  });
  await sql`analyze`.execute(db);
  return {
    userId: benchUser,
    email: benchEmail,
    password: BENCH_PASSWORD,
    slug,
    forumId: main.forumId,
    historyProjectId: main.historyProjectId,
    ownProjects,
    latestClosedMeetingId: main.latestClosed,
    upcomingMeetingId: main.upcoming,
    counts: Object.fromEntries(order.map((t) => [t, rows[t].length])),
  };
}
