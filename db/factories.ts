import crypto from 'node:crypto';
import type { Executor } from '../app/utils/db.server';
import { createFirstPolicyVersion } from '../app/modules/oversight/policy-versions.server';
import type { Cadence, GoalKind, LevelValue, MeetingState, Role } from './database';

// Small builders shared by the demo seed and the tests (tests/factories.ts re-exports them). They live under
// db/ because the server ships the seed: nothing under tests/ may reach the server bundle
// (tests/integration/no-test-code-in-server.test.ts). Each takes the executor first and fills sensible defaults.
const unique = () => crypto.randomBytes(4).toString('hex');

export async function createUser(
  db: Executor,
  {
    email = `user-${unique()}@example.test`,
    name = 'Test User',
    passwordHash,
    isAdmin = false,
  }: { email?: string; name?: string; passwordHash: string; isAdmin?: boolean },
) {
  return db
    .insertInto('users')
    .values({ email, name, password_hash: passwordHash, is_admin: isAdmin })
    .returning(['id', 'email', 'name'])
    .executeTakeFirstOrThrow();
}

export async function createForum(
  db: Executor,
  {
    slug = `forum-${unique()}`,
    name = 'Test Forum',
    cadence = 'weekly',
    weekday = 1,
    meetingTime = '10:00',
    timeZone = 'UTC',
  }: {
    slug?: string;
    name?: string;
    cadence?: Cadence;
    weekday?: number;
    meetingTime?: string;
    timeZone?: string;
  } = {},
) {
  const forum = await db
    .insertInto('forums')
    .values({
      slug,
      name,
      cadence,
      weekday,
      meeting_time: meetingTime,
      time_zone: timeZone,
      policy: JSON.stringify({}),
    })
    .returning(['id', 'slug', 'name'])
    .executeTakeFirstOrThrow();
  await createFirstPolicyVersion(db, { forumId: forum.id, authorId: null });
  return forum;
}

export async function addMember(
  db: Executor,
  { forumId, userId, role }: { forumId: number; userId: number; role: Role },
) {
  await db.insertInto('memberships').values({ forum_id: forumId, user_id: userId, role }).execute();
}

export async function createProject(
  db: Executor,
  {
    forumId,
    ownerId,
    name = `Project ${unique()}`,
    description = '',
    level = 'standard',
  }: { forumId: number; ownerId: number; name?: string; description?: string; level?: LevelValue },
) {
  return db
    .insertInto('projects')
    .values({ forum_id: forumId, owner_id: ownerId, name, description, oversight_level: level, oversight_state: null })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
}

export async function createGoal(
  db: Executor,
  {
    projectId,
    title = 'A goal',
    kind = 'metric',
    unit = '%',
    baseline = 0,
    target = 100,
    direction = 'up',
    dueDate = null,
  }: {
    projectId: number;
    title?: string;
    kind?: GoalKind;
    unit?: string | null;
    baseline?: number | null;
    target?: number | null;
    direction?: 'up' | 'down' | null;
    dueDate?: string | null;
  },
) {
  const metric = kind === 'metric';
  return db
    .insertInto('goals')
    .values({
      project_id: projectId,
      title,
      kind,
      unit: metric ? unit : null,
      baseline: metric ? baseline : null,
      target: metric ? target : null,
      direction: metric ? direction : null,
      due_date: dueDate,
    })
    .returning(['id', 'title', 'kind', 'baseline', 'target'])
    .executeTakeFirstOrThrow();
}

export async function createMeeting(
  db: Executor,
  { forumId, scheduledAt, state = 'planned' }: { forumId: number; scheduledAt: Date; state?: MeetingState },
) {
  return db
    .insertInto('meetings')
    .values({
      forum_id: forumId,
      scheduled_at: scheduledAt,
      state,
      closed_at: state === 'closed' ? scheduledAt : null,
      skip_reason: state === 'skipped' ? 'Skipped' : null,
    })
    .returning(['id', 'scheduled_at'])
    .executeTakeFirstOrThrow();
}
