import { expect } from 'vitest';
import { HOME_LIST, loadForumHome } from '../../app/modules/home/home.server';
import { getReviewSchedule } from '../../app/modules/meetings/next-review.server';
import { recordOversightEvents } from '../../app/modules/oversight/oversight.server';
import { createProject } from '../factories';
import { loader as dashboardLoader } from '../../app/routes/forums.$slug._index';
import { callRoute } from './owners-world';
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

dbTest('the forum page lists the ten action items due soonest and counts them all', async ({ db }) => {
  const w = await createMeetingWorld(db);
  await db
    .insertInto('action_items')
    .values(
      Array.from({ length: 12 }, (_, i) => ({
        project_id: w.projects.risky.id,
        meeting_id: w.past[2].id,
        review_id: null,
        text: `Follow-up ${i + 1}`,
        assignee_id: w.users.ava.id,
        // The twelfth has no date: it sorts last.
        due_date: i < 11 ? `2030-01-${String(12 - i).padStart(2, '0')}` : null,
        done_at: null,
        created_by: w.users.chair.id,
      })),
    )
    .execute();
  const response = await callRoute(dashboardLoader, {
    path: `/forums/${w.forum.slug}`,
    cookie: w.users.ava.cookie,
    params: { slug: w.forum.slug },
  });
  const data = await response.json();
  expect(data.home.actionItemCount).toBe(12);
  // Due 1 Jan 2030 (the eleventh) first, … the tenth soonest is due 10 Jan (the third).
  expect(data.home.actionItems.map((a: { text: string }) => a.text)).toEqual(
    Array.from({ length: 10 }, (_, i) => `Follow-up ${11 - i}`),
  );
});
