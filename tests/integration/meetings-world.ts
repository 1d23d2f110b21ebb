import type { HealthValue, LevelValue, Role } from '../../db/database';
import type { Executor } from '../../app/utils/db.server';
import { recordOversightEvents } from '../../app/modules/oversight/oversight.server';
import {
  addMember,
  createForum,
  createMeeting,
  createProject,
  createReview,
  createStatus,
  createUser,
} from '../factories';
import { DAY_MS, signedInCookie } from './owners-world';

const WEEK_MS = 7 * DAY_MS;

/**
 * A weekly forum with three closed meetings and the coming one, one user per role, and a project for each
 * agenda rule: escalated, kickoff, status missing, at risk, due by cadence, and two on the consent agenda.
 * The coming meeting is half an hour away by default: its status deadline (24 hours before) has passed and it
 * can start without the early-start confirmation; `comingIn` moves it.
 */
export async function createMeetingWorld(
  db: Executor,
  { now = new Date(), comingIn = 30 * 60_000 }: { now?: Date; comingIn?: number } = {},
) {
  // The forum meets weekly at the coming meeting's weekday and minute (UTC), so the meetings it plans after the
  // coming one fall a week apart whatever the day the test runs on.
  const comingAt = new Date(now.getTime() + comingIn);
  const forum = await createForum(db, {
    name: 'Review *Forum*',
    weekday: comingAt.getUTCDay(),
    meetingTime: comingAt.toISOString().slice(11, 16),
  });
  const people = {
    chair: 'chair',
    leader: 'leader',
    ava: 'owner',
    ben: 'owner',
    observer: 'observer',
  } as const satisfies Record<string, Role>;
  const users = {} as Record<keyof typeof people | 'outsider', { id: number; name: string; cookie: string }>;
  for (const [key, role] of Object.entries(people) as [keyof typeof people, Role][]) {
    const user = await createUser(db, { name: key[0].toUpperCase() + key.slice(1), passwordHash: 'unused' });
    await addMember(db, { forumId: forum.id, userId: user.id, role });
    users[key] = { id: user.id, name: user.name, cookie: await signedInCookie(db, user.id) };
  }
  const outsider = await createUser(db, { name: 'Outsider', passwordHash: 'unused' });
  users.outsider = { id: outsider.id, name: outsider.name, cookie: await signedInCookie(db, outsider.id) };

  const past: { id: number; scheduled_at: Date }[] = [];
  for (let w = 3; w >= 1; w--)
    past.push(
      await createMeeting(db, {
        forumId: forum.id,
        scheduledAt: new Date(now.getTime() - w * WEEK_MS),
        state: 'closed',
      }),
    );
  const coming = await createMeeting(db, { forumId: forum.id, scheduledAt: comingAt });

  const make = async (
    name: string,
    owner: 'ava' | 'ben',
    {
      level,
      reviewedAt,
      status,
      misses = 0,
    }: { level: LevelValue; reviewedAt: number | null; status: HealthValue | null; misses?: number },
  ) => {
    const project = await createProject(db, { forumId: forum.id, ownerId: users[owner].id, name, level });
    const at = past[0].scheduled_at;
    await recordOversightEvents(db, {
      projectId: project.id,
      inputs: [
        { event: { type: 'start', level, reason: 'Test start' }, occurredAt: at },
        ...Array.from({ length: misses }, () => ({ event: { type: 'missed' as const }, occurredAt: at })),
      ],
    });
    if (reviewedAt !== null)
      await createReview(db, { meetingId: past[reviewedAt].id, projectId: project.id, reviewerId: users.chair.id });
    if (status)
      await createStatus(db, {
        projectId: project.id,
        meetingId: coming.id,
        authorId: users[owner].id,
        health: status,
        summary: `${name} summary\nsecond line`,
      });
    return project;
  };
  const projects = {
    // Five misses at Tight escalate (DESIGN §3).
    escalated: await make('Escalated', 'ben', { level: 'tight', reviewedAt: 2, status: 'on_track', misses: 5 }),
    kickoff: await make('Kickoff', 'ben', { level: 'standard', reviewedAt: null, status: 'on_track' }),
    missing: await make('Missing status', 'ben', { level: 'standard', reviewedAt: 2, status: null }),
    risky: await make('Risky', 'ava', { level: 'standard', reviewedAt: 2, status: 'at_risk' }),
    due: await make('Due by cadence', 'ava', { level: 'standard', reviewedAt: 1, status: 'on_track' }),
    trusted: await make('Trusted one', 'ava', { level: 'trusted', reviewedAt: 2, status: 'on_track' }),
    light: await make('Light one', 'ava', { level: 'light', reviewedAt: 2, status: 'on_track' }),
  };
  return { forum, users, past, coming, projects };
}

export type MeetingWorld = Awaited<ReturnType<typeof createMeetingWorld>>;
