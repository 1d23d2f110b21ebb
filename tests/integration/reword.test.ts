import { beforeAll, expect } from 'vitest';
import { rewordStoredExplanations } from '../../app/modules/oversight/reword.server';
import { findOversightDrift } from '../../app/modules/oversight/oversight.server';
import { dbTest as test, fileDatabase } from '../setup/test-db';
import { createMeetingWorld } from './meetings-world';

beforeAll(async () => {
  await fileDatabase();
});

test('stored explanations in the old words (points) are re-worded by a replay; levels, rules and history otherwise unchanged', async ({
  db,
}) => {
  const w = await createMeetingWorld(db);
  // Escalated: five missed statuses at Tight, stored as the engine used to word them.
  const events = await db
    .selectFrom('oversight_events')
    .select(['id', 'rule', 'to_level', 'explanation'])
    .where('project_id', '=', w.projects.escalated.id)
    .orderBy('seq')
    .execute();
  const last = events.at(-1)!;
  await db
    .updateTable('oversight_events')
    .set({
      explanation: 'Escalated at Tight: 5 miss events at Tight (limit 5); latest: status not posted (1 miss point)',
    })
    .where('id', '=', last.id)
    .execute();
  await db
    .updateTable('oversight_events')
    .set({
      explanation:
        'Stays Tight (the tightest level): 1 of 5 miss events at Tight before escalation; latest: status not posted (1 miss point)',
    })
    .where('id', '=', events[1].id)
    .execute();

  const result = await rewordStoredExplanations(db);
  expect(result).toEqual({ events: 2, projects: 1, skipped: [] });
  const after = await db
    .selectFrom('oversight_events')
    .select(['id', 'rule', 'to_level', 'explanation'])
    .where('project_id', '=', w.projects.escalated.id)
    .orderBy('seq')
    .execute();
  expect(after).toEqual(events);
  expect(after.some((e) => /point/.test(e.explanation))).toBe(false);
  expect(await findOversightDrift(db)).toEqual([]);
  // Idempotent.
  expect(await rewordStoredExplanations(db)).toEqual({ events: 0, projects: 0, skipped: [] });
  expect(
    await db.selectFrom('audit_log').select('action').where('action', '=', 'oversight.reword').execute(),
  ).toHaveLength(2);
});
