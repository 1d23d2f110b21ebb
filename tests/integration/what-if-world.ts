import type { HealthValue, LevelValue } from '../../db/database';
import type { Executor } from '../../app/utils/db.server';
import type { Policy } from '../../app/oversight';
import { isDiscussed } from '../../app/modules/meetings/agenda';
import { planAgenda } from '../../app/modules/meetings/agenda.server';
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

const WEEK_MS = 7 * 86_400_000;

/** Per project: its start level, its owner (index), the status posted each meeting (null: none) and the truth. */
export interface WhatIfWorldSpec {
  meetings: number;
  projects: { name: string; owner: number; start: LevelValue; status: (HealthValue | null)[]; truth: HealthValue[] }[];
}

/** A small world with a bit of everything: misses found by reviews, flagged and missing statuses, two owners. */
export function sampleWorld(meetings = 16): WhatIfWorldSpec {
  const at = (list: number[], bad: HealthValue) =>
    Array.from({ length: meetings }, (_, m): HealthValue => (list.includes(m) ? bad : 'on_track'));
  const reported = (truth: HealthValue[], hidden: number[], missing: number[] = []) =>
    truth.map((h, m) => (missing.includes(m) ? null : hidden.includes(m) ? 'on_track' : h));
  // Checkout is at risk from meeting 5 to 8 and says on track; Payments is off track from 9 to 12 and says on
  // track (a hard miss, spilling over to its owner's other project); Search flags its risks itself.
  const a = at([5, 6, 7, 8], 'at_risk');
  const b = at([9, 10, 11, 12], 'off_track');
  const c = at([3, 11], 'at_risk');
  const d = at([], 'on_track');
  return {
    meetings,
    projects: [
      { name: 'Checkout redesign', owner: 0, start: 'standard', truth: a, status: reported(a, [5, 6, 7, 8]) },
      { name: 'Payments v2', owner: 0, start: 'light', truth: b, status: reported(b, [9, 10, 11, 12], [2]) },
      { name: 'Search latency', owner: 1, start: 'standard', truth: c, status: reported(c, []) },
      { name: 'Data platform audit', owner: 1, start: 'light', truth: d, status: reported(d, [], [10]) },
    ],
  };
}

/**
 * Records the world in a new forum with `policy`, as the application would: each meeting's statuses as the
 * owners post them, then at the close the agenda the application builds (planAgenda), a missed status, a review
 * of every discussed project with the verdict `verdictOf` gives, and spill-overs, through recordOversightEvents.
 */
export async function recordWorld(
  db: Executor,
  {
    spec,
    policy,
    verdictOf,
    slug,
  }: {
    spec: WhatIfWorldSpec;
    policy: Partial<Policy>;
    verdictOf: (project: number, meeting: number, selfReport: HealthValue) => HealthValue;
    slug?: string;
  },
) {
  const forum = await createForum(db, { slug, name: 'What-if Forum' });
  await db
    .updateTable('forums')
    .set({ policy: JSON.stringify(policy), minutes_per_review: 12 })
    .where('id', '=', forum.id)
    .execute();
  const chair = await createUser(db, { name: 'Chair', passwordHash: 'unused' });
  await addMember(db, { forumId: forum.id, userId: chair.id, role: 'chair' });
  const owners = [];
  for (const name of ['Ava', 'Ben']) {
    const u = await createUser(db, { name, passwordHash: 'unused' });
    await addMember(db, { forumId: forum.id, userId: u.id, role: 'owner' });
    owners.push(u);
  }
  const t0 = Date.now() - (spec.meetings + 1) * WEEK_MS;
  const meetings = [];
  for (let m = 0; m < spec.meetings; m++)
    meetings.push(
      await createMeeting(db, { forumId: forum.id, scheduledAt: new Date(t0 + m * WEEK_MS), state: 'closed' }),
    );
  const projects = [];
  for (const p of spec.projects) {
    const row = await createProject(db, {
      forumId: forum.id,
      ownerId: owners[p.owner].id,
      name: p.name,
      level: p.start,
    });
    await recordOversightEvents(db, {
      projectId: row.id,
      inputs: [{ event: { type: 'start', level: p.start, reason: 'Test start' }, occurredAt: new Date(t0 - WEEK_MS) }],
    });
    projects.push({ ...row, spec: p, ownerId: owners[p.owner].id, lastStatus: null as HealthValue | null });
  }
  for (let m = 0; m < spec.meetings; m++) {
    const meeting = meetings[m];
    const at = new Date(meeting.scheduled_at);
    for (const p of projects) {
      const health = p.spec.status[m];
      if (!health) continue;
      await createStatus(db, {
        projectId: p.id,
        meetingId: meeting.id,
        authorId: p.ownerId,
        health,
        createdAt: new Date(at.getTime() - 86_400_000),
      });
      await recordOversightEvents(db, {
        projectId: p.id,
        inputs: [
          {
            event: { type: 'status', health },
            actorId: p.ownerId,
            meetingId: meeting.id,
            occurredAt: new Date(at.getTime() - 86_400_000),
          },
        ],
      });
      p.lastStatus = health;
    }
    const agenda = await planAgenda(db, { id: meeting.id, forumId: forum.id, scheduledAt: at });
    const discussed = new Set(agenda.filter(isDiscussed).map((e) => e.projectId));
    const hard = new Map<number, string[]>();
    for (const [i, p] of projects.entries()) {
      const inputs = [];
      if (!p.spec.status[m]) inputs.push({ event: { type: 'missed' as const }, meetingId: meeting.id, occurredAt: at });
      if (discussed.has(p.id)) {
        const selfReport = p.lastStatus ?? 'on_track';
        const verdict = verdictOf(i, m, selfReport);
        await createReview(db, { meetingId: meeting.id, projectId: p.id, reviewerId: chair.id, verdict, selfReport });
        inputs.push({
          event: { type: 'review' as const, verdict, selfReport },
          actorId: chair.id,
          meetingId: meeting.id,
          occurredAt: at,
        });
      }
      const states = await recordOversightEvents(db, { projectId: p.id, inputs });
      if (states.some((s) => s.eventClass === 'HARD_MISS'))
        hard.set(p.ownerId, [...(hard.get(p.ownerId) ?? []), p.name]);
    }
    for (const p of projects) {
      const causes = hard.get(p.ownerId);
      if (!causes || causes.includes(p.name)) continue;
      const row = await db
        .selectFrom('projects')
        .select('oversight_level')
        .where('id', '=', p.id)
        .executeTakeFirstOrThrow();
      if (row.oversight_level !== 'trusted' && row.oversight_level !== 'light') continue;
      await recordOversightEvents(db, {
        projectId: p.id,
        inputs: [
          { event: { type: 'spillover', project: causes.join(' and ') }, meetingId: meeting.id, occurredAt: at },
        ],
      });
    }
  }
  return { forum, projects, meetings };
}

/** The recorded verdicts of a world's forum, by project index and meeting index. */
export async function recordedVerdicts(db: Executor, world: Awaited<ReturnType<typeof recordWorld>>) {
  const rows = await db
    .selectFrom('reviews')
    .select(['project_id', 'meeting_id', 'verdict'])
    .where(
      'project_id',
      'in',
      world.projects.map((p) => p.id),
    )
    .execute();
  const byKey = new Map<string, HealthValue>();
  for (const r of rows)
    byKey.set(
      `${world.projects.findIndex((p) => p.id === r.project_id)}:${world.meetings.findIndex((m) => m.id === r.meeting_id)}`,
      r.verdict,
    );
  return byKey;
}
