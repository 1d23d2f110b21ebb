import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Database, HealthValue, LevelValue } from './database';
import { hashPassword, PUBLIC_PASSWORD_COST } from '../app/modules/auth/password.server';
import { seededRandom } from '../app/utils/random';
import { planMeetingsForAllForums } from '../app/modules/meetings/schedule.server';
import { recordOversightEvents } from '../app/modules/oversight/oversight.server';
import { startingLevel, type EngineEvent, type Level } from '../app/oversight';
import { addMember, createForum, createGoal, createMeeting, createProject, createUser } from './factories';

export const DEMO_PASSWORD = 'inspection-demo';
export const DEMO_LOGINS = [
  { email: 'chair@demo.test', name: 'Morgan Hale', role: 'chair' },
  { email: 'leader@demo.test', name: 'Priya Raman', role: 'leader' },
  { email: 'owner1@demo.test', name: 'Ava Chen', role: 'owner' },
  { email: 'owner2@demo.test', name: 'Ben Okafor', role: 'owner' },
  { email: 'owner3@demo.test', name: 'Carla Diaz', role: 'owner' },
  { email: 'owner4@demo.test', name: 'Dev Patel', role: 'owner' },
  { email: 'owner5@demo.test', name: 'Erin Walsh', role: 'owner' },
  { email: 'observer@demo.test', name: 'Sam Ito', role: 'observer' },
] as const;
/** Not a member of the demo forum (only of the second one): the "non-member" of the demo. */
export const DEMO_OUTSIDER = { email: 'outsider@demo.test', name: 'Noor Aziz' } as const;

const WEEKS = 26;
const WEEK_MS = 7 * 86_400_000;

type Truth = { actual: HealthValue; reported: HealthValue | null }; // reported null = no status posted
type Profile = (week: number) => Truth;
const honest = (actual: HealthValue): Truth => ({ actual, reported: actual });

// Each profile is a story a chair would recognise; together they end at every oversight level.
const PROFILES: Record<string, Profile> = {
  steady: () => honest('on_track'),
  good: (w) => honest(w === 12 || w === 13 ? 'at_risk' : 'on_track'),
  flagger: (w) => honest(w === 8 || w === 9 ? 'at_risk' : w === 15 ? 'off_track' : 'on_track'),
  mixed: (w) => honest(w >= 18 && w <= 19 ? 'off_track' : w === 20 ? 'at_risk' : 'on_track'),
  struggling: (w) => {
    if (w < 6) return honest('on_track');
    if (w === 20 || w === 22) return { actual: 'off_track', reported: null };
    return w % 2 === 0 ? { actual: 'off_track', reported: 'at_risk' } : honest('at_risk');
  },
  hider: (w) => (w >= 21 ? { actual: 'off_track', reported: 'on_track' } : honest('on_track')),
};

const PROJECTS: {
  name: string;
  owner: number;
  profile: keyof typeof PROFILES;
  description: string;
  metric: [string, string, number, number, 'up' | 'down'];
  milestone: string;
}[] = [
  {
    name: 'Checkout redesign',
    owner: 2,
    profile: 'steady',
    description: 'A one-page checkout for web and mobile.',
    metric: ['Checkout conversion', '%', 2.1, 3.0, 'up'],
    milestone: 'New checkout live for all users',
  },
  {
    name: 'Payments reliability',
    owner: 2,
    profile: 'good',
    description: 'Fewer failed payments across providers.',
    metric: ['Failed payment rate', '%', 1.8, 0.5, 'down'],
    milestone: 'Second provider failover',
  },
  {
    name: 'Fraud rules v2',
    owner: 2,
    profile: 'flagger',
    description: 'Rules engine rewrite with analyst tooling.',
    metric: ['Chargebacks per 10k orders', 'count', 14, 6, 'down'],
    milestone: 'Analyst console shipped',
  },
  {
    name: 'Data warehouse migration',
    owner: 3,
    profile: 'struggling',
    description: 'Move reporting to the new warehouse.',
    metric: ['Tables migrated', 'tables', 0, 240, 'up'],
    milestone: 'Old warehouse switched off',
  },
  {
    name: 'Reporting API',
    owner: 3,
    profile: 'mixed',
    description: 'Public API for customer reports.',
    metric: ['p95 latency', 'ms', 1200, 300, 'down'],
    milestone: 'API v1 GA',
  },
  {
    name: 'Mobile app 3.0',
    owner: 4,
    profile: 'steady',
    description: 'Rebuilt navigation and offline mode.',
    metric: ['App store rating', 'stars', 3.9, 4.5, 'up'],
    milestone: 'Offline mode released',
  },
  {
    name: 'Push notifications',
    owner: 4,
    profile: 'good',
    description: 'Personalised, rate-limited notifications.',
    metric: ['Opt-in rate', '%', 38, 55, 'up'],
    milestone: 'Preference centre live',
  },
  {
    name: 'Hiring pipeline',
    owner: 5,
    profile: 'flagger',
    description: 'Hire 12 engineers this half.',
    metric: ['Engineers hired', 'people', 0, 12, 'up'],
    milestone: 'Interview training complete',
  },
  {
    name: 'Onboarding revamp',
    owner: 5,
    profile: 'steady',
    description: 'New-hire onboarding in two weeks, not six.',
    metric: ['Days to first commit', 'days', 21, 5, 'down'],
    milestone: 'Onboarding guide published',
  },
  {
    name: 'Security audit',
    owner: 6,
    profile: 'hider',
    description: 'SOC 2 Type II readiness.',
    metric: ['Controls passing', 'controls', 40, 96, 'up'],
    milestone: 'Auditor fieldwork complete',
  },
  {
    name: 'SSO rollout',
    owner: 6,
    profile: 'mixed',
    description: 'SAML SSO for enterprise customers.',
    metric: ['Enterprise accounts on SSO', '%', 0, 80, 'up'],
    milestone: 'Okta integration certified',
  },
  {
    name: 'Cost reduction',
    owner: 6,
    profile: 'steady',
    description: 'Cut cloud spend without slowing teams.',
    metric: ['Monthly cloud spend', 'k$', 410, 300, 'down'],
    milestone: 'Reserved capacity purchased',
  },
];

const FEEDBACK: Record<HealthValue, string[]> = {
  on_track: ['Good progress, keep going.', 'Clear update, no concerns.', 'Nice work on the goal trend.'],
  at_risk: ['Agree it is at risk: bring a recovery plan next time.', 'Watch the dependency on the platform team.'],
  off_track: [
    'Off track: we need a corrective plan and a new date.',
    'This slipped without warning: flag earlier next time.',
  ],
};

export async function databaseIsEmpty(db: Kysely<Database> | Transaction<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return row.n === 0;
}

/** The demo accounts (any `@demo.test` email: their password is published in the README) found in the database. */
export async function listDemoAccounts(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('email')
    .where(sql`lower(email)`, 'like', '%@demo.test')
    .where('deactivated_at', 'is', null)
    .orderBy('email')
    .limit(20)
    .execute();
  return rows.map((r) => r.email);
}

export class DemoAccountsRefused extends Error {
  constructor(emails: string[]) {
    super(
      `Refusing to start: this database holds the demo accounts (${emails.join(', ')}), whose password is public. ` +
        'A production server (NODE_ENV=production, or DATABASE_URL set) does not run with them. Start on a fresh database ' +
        '(SEED_DEMO now defaults to false here), delete or deactivate those users, or set ALLOW_DEMO_ACCOUNTS=true to ' +
        'run with them knowingly (a demo or test instance).',
    );
  }
}

/** Seeds the demo forum, but only into an empty database: it never touches existing data. */
export async function seedDemoIfEmpty(db: Kysely<Database>, now = new Date()): Promise<boolean> {
  if (!(await databaseIsEmpty(db))) return false;
  // One hash for every demo account, at the public password's cost: they share one password that every start prints,
  // so neither salts of their own nor the full scrypt cost protect anything (nine full-cost hashes took four seconds).
  const hash = await hashPassword(DEMO_PASSWORD, PUBLIC_PASSWORD_COST);
  const hashes = [...DEMO_LOGINS, DEMO_OUTSIDER].map(() => hash);
  await db.transaction().execute(async (trx) => {
    if (!(await databaseIsEmpty(trx))) return;
    await seedDemo(trx, hashes, now);
  });
  return true;
}

function lastMondayBefore(now: Date): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 10, 0, 0));
  while (d.getUTCDay() !== 1 || d.getTime() >= now.getTime()) d.setUTCDate(d.getUTCDate() - 1);
  return d;
}

async function seedDemo(db: Transaction<Database>, hashes: string[], now: Date): Promise<void> {
  const random = seededRandom(20261125);
  const users = [];
  for (const [i, login] of DEMO_LOGINS.entries()) {
    users.push(
      await createUser(db, {
        email: login.email,
        name: login.name,
        passwordHash: hashes[i],
        isAdmin: login.role === 'chair',
      }),
    );
  }
  const forum = await createForum(db, {
    slug: 'demo',
    name: 'Demo Leadership Review',
    cadence: 'weekly',
    weekday: 1,
    meetingTime: '10:00',
    timeZone: 'UTC',
  });
  for (const [i, login] of DEMO_LOGINS.entries())
    await addMember(db, { forumId: forum.id, userId: users[i].id, role: login.role });

  const lastPast = lastMondayBefore(now);
  const meetings = [];
  for (let w = 0; w < WEEKS; w++) {
    meetings.push(
      await createMeeting(db, {
        forumId: forum.id,
        scheduledAt: new Date(lastPast.getTime() - (WEEKS - 1 - w) * WEEK_MS),
        state: 'closed',
      }),
    );
  }
  const upcoming = await createMeeting(db, {
    forumId: forum.id,
    scheduledAt: new Date(lastPast.getTime() + WEEK_MS),
    state: 'planned',
  });

  // A second, smaller forum: shows the forum switcher, and owner1 is not a member of it.
  const platform = await createForum(db, {
    slug: 'platform',
    name: 'Platform Council',
    cadence: 'biweekly',
    weekday: 3,
    meetingTime: '15:00',
    timeZone: 'UTC',
  });
  const outsider = await createUser(db, {
    email: DEMO_OUTSIDER.email,
    name: DEMO_OUTSIDER.name,
    passwordHash: hashes[DEMO_LOGINS.length],
  });
  for (const [i, role] of [
    [0, 'chair'],
    [1, 'leader'],
    [5, 'owner'],
  ] as const)
    await addMember(db, { forumId: platform.id, userId: users[i].id, role });
  await addMember(db, { forumId: platform.id, userId: outsider.id, role: 'observer' });
  await createMeeting(db, {
    forumId: platform.id,
    scheduledAt: new Date(lastPast.getTime() + 9 * 86_400_000),
    state: 'planned',
  });
  for (const name of ['Service mesh', 'Build times']) {
    const project = await createProject(db, { forumId: platform.id, ownerId: users[5].id, name });
    await recordOversightEvents(db, {
      projectId: project.id,
      inputs: [
        {
          event: {
            type: 'start',
            level: 'standard',
            reason: 'Starts at Standard: a new forum reviews every project at the standard interval.',
          },
        },
      ],
    });
  }

  const reviewers = [users[0].id, users[1].id];
  const projects = [];
  const ownerLevels = new Map<number, Level[]>();
  for (const spec of PROJECTS) {
    const ownerId = users[spec.owner].id;
    const project = await createProject(db, {
      forumId: forum.id,
      ownerId,
      name: spec.name,
      description: spec.description,
    });
    const [title, unit, baseline, target, direction] = spec.metric;
    const metric = await createGoal(db, {
      projectId: project.id,
      title,
      unit,
      baseline,
      target,
      direction,
      dueDate: isoDate(new Date(lastPast.getTime() + 8 * WEEK_MS)),
    });
    const milestone = await createGoal(db, {
      projectId: project.id,
      title: spec.milestone,
      kind: 'milestone',
      dueDate: isoDate(new Date(lastPast.getTime() + 4 * WEEK_MS)),
    });
    const levels = ownerLevels.get(ownerId) ?? [];
    const start = startingLevel({
      isFirstProject: levels.length === 0,
      ownerCurrentLevels: levels,
      recentScoredClasses: [],
    });
    ownerLevels.set(ownerId, [...levels, start.level]);
    const [state] = await recordOversightEvents(db, {
      projectId: project.id,
      inputs: [
        { event: { type: 'start', level: start.level, reason: start.reason }, occurredAt: meetings[0].scheduled_at },
      ],
    });
    projects.push({
      ...project,
      spec,
      ownerId,
      metric,
      milestone,
      state,
      lastReviewed: -1,
      lastReport: 'on_track' as HealthValue,
      milestoneDone: false,
    });
  }

  for (let w = 0; w < WEEKS; w++) {
    const meeting = meetings[w];
    const statusAt = new Date(meeting.scheduled_at.getTime() - (1 + Math.floor(random() * 3)) * 86_400_000);
    for (const p of projects) {
      const truth = PROFILES[p.spec.profile](w);
      const inputs: { event: EngineEvent; meetingId: number; occurredAt: Date; actorId: number | null }[] = [];
      if (truth.reported) {
        await insertStatus(db, { p, meetingId: meeting.id, health: truth.reported, week: w, at: statusAt, random });
        p.lastReport = truth.reported;
        inputs.push({
          event: { type: 'status', health: truth.reported },
          meetingId: meeting.id,
          occurredAt: statusAt,
          actorId: p.ownerId,
        });
      }
      const states = inputs.length ? await recordOversightEvents(db, { projectId: p.id, inputs }) : [];
      p.state = states.at(-1) ?? p.state;
      const closing: typeof inputs = [];
      if (!truth.reported)
        closing.push({
          event: { type: 'missed' },
          meetingId: meeting.id,
          occurredAt: meeting.scheduled_at,
          actorId: null,
        });
      const due = p.lastReviewed < 0 || p.state.pulled || w - p.lastReviewed >= p.state.interval;
      if (due) {
        const reviewerId = reviewers[w % 2];
        const review = await db
          .insertInto('reviews')
          .values({
            meeting_id: meeting.id,
            project_id: p.id,
            reviewer_id: reviewerId,
            verdict: truth.actual,
            self_report: p.lastReport,
            feedback: FEEDBACK[truth.actual][Math.floor(random() * FEEDBACK[truth.actual].length)],
            created_at: meeting.scheduled_at,
            updated_at: meeting.scheduled_at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (truth.actual !== 'on_track') {
          await db
            .insertInto('action_items')
            .values({
              meeting_id: meeting.id,
              review_id: review.id,
              project_id: p.id,
              text:
                truth.actual === 'off_track'
                  ? 'Bring a corrective plan with a new date'
                  : 'Share the mitigation for the top risk',
              assignee_id: p.ownerId,
              due_date: isoDate(new Date(meeting.scheduled_at.getTime() + WEEK_MS)),
              done_at: w < WEEKS - 2 ? new Date(meeting.scheduled_at.getTime() + 5 * 86_400_000) : null,
              created_by: reviewerId,
              created_at: meeting.scheduled_at,
            })
            .execute();
        }
        closing.push({
          event: { type: 'review', verdict: truth.actual, selfReport: p.lastReport },
          meetingId: meeting.id,
          occurredAt: meeting.scheduled_at,
          actorId: reviewerId,
        });
        p.lastReviewed = w;
      }
      const after = await recordOversightEvents(db, { projectId: p.id, inputs: closing });
      p.state = after.at(-1) ?? p.state;
      if (after.some((s) => s.eventClass === 'HARD_MISS')) {
        // Honesty spill-over: the same owner's Trusted projects drop to Light.
        for (const other of projects) {
          if (other !== p && other.ownerId === p.ownerId && other.state.level === 'trusted') {
            const [s] = await recordOversightEvents(db, {
              projectId: other.id,
              inputs: [
                {
                  event: { type: 'spillover', project: p.spec.name },
                  meetingId: meeting.id,
                  occurredAt: meeting.scheduled_at,
                  actorId: null,
                },
              ],
            });
            other.state = s;
          }
        }
      }
    }
  }

  // This cycle: most owners have posted for the coming meeting; two have not yet (the agenda shows it).
  const postedAt = new Date(Math.min(now.getTime() - 3_600_000, upcoming.scheduled_at.getTime() - 86_400_000));
  for (const p of projects) {
    if (p.spec.name === 'Reporting API' || p.spec.name === 'Hiring pipeline') continue;
    const truth = PROFILES[p.spec.profile](WEEKS);
    const health = truth.reported ?? truth.actual;
    await insertStatus(db, { p, meetingId: upcoming.id, health, week: WEEKS, at: postedAt, random });
    await recordOversightEvents(db, {
      projectId: p.id,
      inputs: [{ event: { type: 'status', health }, meetingId: upcoming.id, occurredAt: postedAt, actorId: p.ownerId }],
    });
  }
  // The forums' schedules, planned ahead as a new forum's are.
  await planMeetingsForAllForums(db, { now });
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

async function insertStatus(
  db: Transaction<Database>,
  {
    p,
    meetingId,
    health,
    week,
    at,
    random,
  }: {
    p: {
      id: number;
      ownerId: number;
      spec: (typeof PROJECTS)[number];
      metric: { id: number; baseline: number | null; target: number | null };
      milestone: { id: number };
      milestoneDone: boolean;
    };
    meetingId: number;
    health: HealthValue;
    week: number;
    at: Date;
    random: () => number;
  },
) {
  const status = await db
    .insertInto('status_updates')
    .values({
      project_id: p.id,
      meeting_id: meetingId,
      author_id: p.ownerId,
      health,
      summary: summaryFor(p.spec.name, health, week),
      risks: health === 'on_track' ? '' : 'Dependency on the platform team; **two people out** next week.',
      asks: health === 'off_track' ? 'Need a decision on scope by Friday.' : '',
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const baseline = p.metric.baseline ?? 0;
  const target = p.metric.target ?? 0;
  const pace = health === 'on_track' ? 1 : health === 'at_risk' ? 0.8 : 0.6;
  const progress = Math.min(1, ((week + 1) / (WEEKS + 8)) * pace + (random() - 0.5) * 0.04); // goals are due 8 weeks out
  const value = Math.round((baseline + (target - baseline) * progress) * 100) / 100;
  // A milestone once done stays done (issue #21.4).
  p.milestoneDone ||= week >= 20 && health === 'on_track';
  await db
    .insertInto('status_goal_values')
    .values([
      { status_update_id: status.id, goal_id: p.metric.id, value, done: null, note: '' },
      { status_update_id: status.id, goal_id: p.milestone.id, value: null, done: p.milestoneDone, note: '' },
    ])
    .execute();
}

function summaryFor(name: string, health: HealthValue, week: number): string {
  if (health === 'on_track') return `${name}: week ${week + 1} went to plan.`;
  if (health === 'at_risk') return `${name}: behind on one goal; recovery plan in progress.`;
  return `${name}: off track this week; scope decision needed.`;
}

export const DEMO_PROJECT_NAMES = PROJECTS.map((p) => p.name);
export type { LevelValue };
