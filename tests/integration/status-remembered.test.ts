import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../../db/client';
import type { Database } from '../../db/database';
import { setDatabase } from '../../app/utils/db.server';
import { action as statusAction, loader as statusLoader } from '../../app/routes/forums.$slug.projects.$id.status';
import { openFreshDatabase } from '../setup/test-db';
import { countingQueries } from '../setup/count-queries';
import { createGoal, createMeeting } from '../factories';
import { recordOversightEvents } from '../../app/modules/oversight/oversight.server';
import { callRoute, createOwnersWorld, type OwnersWorld } from './owners-world';

// A status save from the context remembered from the form's view or the last save (status.server.ts): one
// statement when nothing changed; when something did — the owner, the goals, the meeting, the engine state — the
// save notices in that statement, writes nothing, and starts over from a fresh read. Real commits, no transaction.
let handle: DatabaseHandle;
let counting: ReturnType<typeof countingQueries<Kysely<Database>>>;
let w: OwnersWorld;

beforeAll(async () => {
  handle = await openFreshDatabase();
  counting = countingQueries(handle.db);
  setDatabase({ db: counting.db, kind: handle.kind, close: async () => {}, changes: handle.changes });
});
afterAll(async () => {
  setDatabase(undefined);
  await handle.close();
});
beforeEach(async () => {
  w = await createOwnersWorld(handle.db);
});

type Who = keyof OwnersWorld['users'];
const form = (overrides: Record<string, string> = {}) => ({
  version: '0',
  health: 'on_track',
  [`goal.${w.metric.id}.value`]: '450',
  [`goal.${w.metric.id}.note`]: '',
  summary: 'On plan.',
  risks: '',
  asks: '',
  ...overrides,
});
const params = () => ({ slug: w.forum.slug, id: String(w.project.id) });
const path = () => `/forums/${w.forum.slug}/projects/${w.project.id}/status`;
const openForm = (who: Who = 'owner') =>
  callRoute(statusLoader, { path: path(), cookie: w.users[who].cookie, params: params() });
const post = (body: Record<string, string>, who: Who = 'owner') =>
  callRoute(statusAction, { path: path(), cookie: w.users[who].cookie, params: params(), form: body });
const saved = () =>
  handle.db
    .selectFrom('status_updates')
    .select(['meeting_id', 'version', 'summary'])
    .where('project_id', '=', w.project.id)
    .execute();

test('opening the form, then saving and saving again: each save is one statement', async () => {
  expect((await openForm()).status).toBe(200);
  await expect.poll(() => handle.changes!.live).toBe(true); // the database's notifications are heard: sessions are kept
  await openForm(); // the session is now kept in memory too
  counting.reset();
  expect((await post(form())).status).toBe(303);
  expect(counting.count()).toBe(1);
  counting.reset();
  expect((await post(form({ version: '1', health: 'at_risk', summary: 'Slipping.' }))).status).toBe(303);
  expect(counting.count()).toBe(1);
  expect(await saved()).toEqual([{ meeting_id: w.meeting.id, version: 2, summary: 'Slipping.' }]);
  // A stale version: the remembered state is not trusted for the refusal, which comes from a fresh read.
  const stale = await post(form({ version: '1', summary: 'From an old tab' }));
  expect(stale.status).toBe(409);
  expect((await stale.json()).conflict.summary).toBe('Slipping.');
});

test('a project handed to another owner after the form was opened: the old owner’s save is refused', async () => {
  await openForm();
  await handle.db
    .updateTable('projects')
    .set({ owner_id: w.users.otherOwner.id })
    .where('id', '=', w.project.id)
    .execute();
  expect((await post(form())).status).toBe(403);
  expect(await saved()).toEqual([]);
});

test('a goal closed after the form was opened: its value is refused next to the form, nothing saved', async () => {
  await openForm();
  await handle.db.updateTable('goals').set({ state: 'dropped' }).where('id', '=', w.metric.id).execute();
  const response = await post(form());
  expect(response.status).toBe(400);
  expect((await response.json()).formError).toMatch(/Unexpected field/);
  expect(await saved()).toEqual([]);
});

test('a goal added after the form was opened is part of the next save’s form', async () => {
  await openForm();
  const added = await createGoal(handle.db, {
    projectId: w.project.id,
    title: 'Error rate',
    unit: '%',
    baseline: 5,
    target: 1,
    direction: 'down',
  });
  const response = await post(form({ [`goal.${added.id}.value`]: 'lots' }));
  expect(response.status).toBe(400);
  expect(Object.keys((await response.json()).fieldErrors)).toEqual([`goal.${added.id}.value`]);
});

test('a meeting scheduled before the remembered one: the status goes to the new cycle', async () => {
  await openForm();
  const sooner = await createMeeting(handle.db, {
    forumId: w.forum.id,
    scheduledAt: new Date(w.meeting.scheduled_at.getTime() - 3_600_000),
    state: 'planned',
  });
  expect((await post(form())).status).toBe(303);
  expect((await saved()).map((s) => s.meeting_id)).toEqual([sooner.id]);
});

test('an oversight event recorded meanwhile: the save steps the engine from the current state', async () => {
  await openForm();
  expect((await post(form())).status).toBe(303);
  // Another event for the project, committed elsewhere: the remembered engine state is stale.
  await recordOversightEvents(handle.db, {
    projectId: w.project.id,
    inputs: [{ event: { type: 'status', health: 'at_risk' }, actorId: w.users.chair.id, meetingId: w.meeting.id }],
  });
  expect((await post(form({ version: '1', health: 'off_track', summary: 'Blocked.' }))).status).toBe(303);
  const seqs = await handle.db
    .selectFrom('oversight_events')
    .select('seq')
    .where('project_id', '=', w.project.id)
    .orderBy('seq')
    .execute();
  expect(seqs.map((e) => e.seq)).toEqual(seqs.map((_, i) => i + 1)); // no gap, no duplicate
  const project = await handle.db
    .selectFrom('projects')
    .select('oversight_event_count')
    .where('id', '=', w.project.id)
    .executeTakeFirstOrThrow();
  expect(project.oversight_event_count).toBe(seqs.length);
});
