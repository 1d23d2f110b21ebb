import { expect } from 'vitest';
import { HOME_LIST, loadForumHome } from '../../app/modules/home/home.server';
import { getReviewSchedule } from '../../app/modules/meetings/next-review.server';
import { recordOversightEvents } from '../../app/modules/oversight/oversight.server';
import { createProject } from '../factories';
import { createMeetingWorld } from './meetings-world';
import { dbTest } from '../setup/test-db';

// Issue #17: a page sends what it shows. A member's part of the home (and of the forum's page) lists the first
// HOME_LIST of each list — the next meeting's exceptions, the projects without a status, the member's own projects —
// with how many there are; the rest are a link away (the agenda, the dashboard).

dbTest('long lists are shortened to their first few, counted, with the statuses owed first', async ({ db }) => {
  const w = await createMeetingWorld(db);
  // Ava owns four projects that posted for the coming meeting; eleven more that have not (each a kickoff exception).
  const added: number[] = [];
  for (let i = 1; i <= 11; i++) {
    const p = await createProject(db, {
      forumId: w.forum.id,
      ownerId: w.users.ava.id,
      name: `Added ${String(i).padStart(2, '0')}`,
    });
    await recordOversightEvents(db, {
      projectId: p.id,
      inputs: [
        { event: { type: 'start', level: 'standard', reason: 'Test start' }, occurredAt: w.past[0].scheduled_at },
      ],
    });
    added.push(p.id);
  }
  const forum = { ...w.forum, timeZone: 'UTC', cadence: 'weekly' as const, dataVersion: 0 };

  // The owner: fifteen projects, the ten shown are the eleven owing a status (by name), none of those posted.
  const owner = await loadForumHome(db, { forum, role: 'owner', userId: w.users.ava.id });
  expect(HOME_LIST).toBe(10);
  expect(owner.projectCount).toBe(15);
  expect(owner.projects.map((p) => p.id)).toEqual(added.slice(0, 10));
  expect(new Set(owner.projects.map((p) => p.cycle))).toEqual(new Set(['overdue']));
  expect(owner.meeting).toBeNull();

  // With fewer than the limit, every project shows, owed ones first.
  const ben = await loadForumHome(db, { forum, role: 'owner', userId: w.users.ben.id });
  expect(ben.projectCount).toBe(3);
  expect(ben.projects.map((p) => p.id)).toEqual([
    w.projects.missing.id,
    w.projects.escalated.id,
    w.projects.kickoff.id,
  ]);

  // The chair: the agenda's first ten exceptions in its order, and the first ten without a status, by name.
  const chair = await loadForumHome(db, { forum, role: 'chair', userId: w.users.chair.id });
  const schedule = await getReviewSchedule(db, { forumId: w.forum.id });
  const exceptions = [...schedule.reviews.values()].filter((r) => r.section === 'exception');
  expect(exceptions.length).toBeGreaterThan(HOME_LIST);
  expect(chair.meeting!.exceptionCount).toBe(exceptions.length);
  expect(chair.meeting!.exceptions.map((e) => e.projectId)).toEqual(
    exceptions.slice(0, HOME_LIST).map((e) => e.projectId),
  );
  expect(chair.meeting!.withoutStatusCount).toBe(12); // "Missing status" and the eleven added
  expect(chair.meeting!.withoutStatus.map((p) => p.name)).toEqual(
    Array.from({ length: 10 }, (_, i) => `Added ${String(i + 1).padStart(2, '0')}`),
  );
  expect(chair.projectCount).toBe(0);
});
