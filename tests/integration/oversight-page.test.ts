import { expect } from 'vitest';
import { recordOversightEvents } from '../../app/modules/oversight/oversight.server';
import { honestyRate } from '../../app/modules/oversight/oversight-page';
import { getOversightOverview } from '../../app/modules/oversight/oversight-page.server';
import { findOversightDrift } from '../../app/modules/oversight/oversight.server';
import { createForum, createProject, createUser } from '../factories';
import { dbTest as test } from '../setup/test-db';

test('the oversight overview shows progress toward the next level and calibration counts per project and owner', async ({
  db,
}) => {
  const forum = await createForum(db);
  const owner = await createUser(db, { passwordHash: 'x', name: 'Olive Owner' });
  const steady = await createProject(db, { forumId: forum.id, ownerId: owner.id, name: 'Steady' });
  const hider = await createProject(db, { forumId: forum.id, ownerId: owner.id, name: 'Hider' });
  const start = { type: 'start' as const, level: 'standard' as const, reason: 'Starts at Standard' };
  await recordOversightEvents(db, {
    projectId: steady.id,
    inputs: [
      start,
      ...Array.from({ length: 2 }, () => ({
        type: 'review' as const,
        verdict: 'on_track' as const,
        selfReport: 'on_track' as const,
      })),
    ].map((event) => ({ event })),
  });
  await recordOversightEvents(db, {
    projectId: hider.id,
    inputs: [
      { event: start },
      { event: { type: 'review', verdict: 'at_risk', selfReport: 'at_risk' } },
      { event: { type: 'review', verdict: 'off_track', selfReport: 'on_track' } },
      { event: { type: 'missed' } },
    ],
  });

  const { projects, owners } = await getOversightOverview(db, { forumId: forum.id });
  const byName = Object.fromEntries(projects.map((p) => [p.name, p]));
  expect(byName.Steady.progress.text).toBe('2 of 4 on-track reviews toward Light');
  expect(byName.Steady.calibration).toMatchObject({ PASS: 2, HARD_MISS: 0 });
  expect(byName.Hider.level).toBe('tight');
  expect(byName.Hider.calibration).toMatchObject({ FLAG: 1, HARD_MISS: 1, MISSED: 1, PASS: 0 });
  expect(byName.Hider.explanation.length).toBeGreaterThan(0);
  expect(projects[0].name).toBe('Hider'); // tightest first

  expect(owners).toHaveLength(1);
  expect(owners[0].calibration).toMatchObject({ PASS: 2, FLAG: 1, HARD_MISS: 1, MISSED: 1 });
  expect(honestyRate(owners[0].calibration)).toBeCloseTo(3 / 4);
  expect(await findOversightDrift(db)).toEqual([]);
});

test('verify names a project whose cached state drifted from its events', async ({ db }) => {
  const forum = await createForum(db);
  const owner = await createUser(db, { passwordHash: 'x' });
  const project = await createProject(db, { forumId: forum.id, ownerId: owner.id, name: 'Drifty' });
  await recordOversightEvents(db, {
    projectId: project.id,
    inputs: [{ event: { type: 'start', level: 'standard', reason: 'Starts at Standard' } }],
  });
  expect(await findOversightDrift(db)).toEqual([]);
  await db.updateTable('projects').set({ oversight_level: 'trusted' }).where('id', '=', project.id).execute();
  const drift = await findOversightDrift(db);
  expect(drift).toHaveLength(1);
  expect(drift[0]).toMatchObject({ name: 'Drifty', cached: { level: 'trusted' }, replayed: { level: 'standard' } });
});
