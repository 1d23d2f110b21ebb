import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DatabaseHandle } from '../../db/client';
import { setDatabase } from '../../app/utils/db.server';
import { saveStatusUpdate } from '../../app/modules/status/status.server';
import { loader as dashboardLoader } from '../../app/routes/forums.$slug._index';
import { loader as meetingLoader } from '../../app/routes/forums.$slug.meetings.$id';
import { openFreshDatabase } from '../setup/test-db';
import { recordingQueries } from '../setup/query-plans';
import { cacheCounts } from '../../app/utils/cache-stats.server';
import { createForum, createProject, createUser, addMember } from '../factories';
import { callRoute, createOwnersWorld, type OwnersWorld } from './owners-world';

// The forum data version (migration T1700) and the page cache keyed by it (app/utils/page-cache.server.ts),
// with real commits: the version changes at commit, once per transaction and forum, for any table a page reads.
let handle: DatabaseHandle;
let w: OwnersWorld;

beforeAll(async () => {
  handle = await openFreshDatabase();
  w = await createOwnersWorld(handle.db);
  setDatabase(handle);
});
afterAll(async () => {
  setDatabase(undefined);
  await handle.close();
});

const version = async (forumId: number) =>
  (await handle.db.selectFrom('forums').select('data_version').where('id', '=', forumId).executeTakeFirstOrThrow())
    .data_version;

test('every change to a forum’s data changes its version, once per transaction, and no other forum’s', async () => {
  const other = await createForum(handle.db);
  const otherBefore = await version(other.id);
  const steps: [string, () => Promise<unknown>][] = [
    [
      'a status with goal values',
      () =>
        saveStatusUpdate(handle.db, {
          projectId: w.project.id,
          meetingId: w.meeting.id,
          userId: w.users.owner.id,
          input: {
            health: 'at_risk',
            summary: 'x',
            risks: '',
            asks: '',
            version: 0,
            goals: [{ goalId: w.metric.id, value: 500, done: null, note: '' }],
          },
        }),
    ],
    [
      'a goal value alone',
      () => sql`update status_goal_values set value = 450 where goal_id = ${w.metric.id}`.execute(handle.db),
    ],
    [
      'a goal',
      () => handle.db.updateTable('goals').set({ title: 'p99 latency' }).where('id', '=', w.metric.id).execute(),
    ],
    [
      'a project',
      () => handle.db.updateTable('projects').set({ description: 'new' }).where('id', '=', w.project.id).execute(),
    ],
    [
      'a meeting',
      () => handle.db.updateTable('meetings').set({ started_at: new Date() }).where('id', '=', w.meeting.id).execute(),
    ],
    [
      'a member',
      async () =>
        addMember(handle.db, {
          forumId: w.forum.id,
          userId: (await createUser(handle.db, { name: 'new member', passwordHash: 'x' })).id,
          role: 'observer',
        }),
    ],
    [
      'a member’s name',
      () => handle.db.updateTable('users').set({ name: 'Owner Renamed' }).where('id', '=', w.users.owner.id).execute(),
    ],
    [
      'the forum’s settings',
      () => handle.db.updateTable('forums').set({ minutes_per_review: 7 }).where('id', '=', w.forum.id).execute(),
    ],
    [
      'three writes in one transaction',
      () =>
        handle.db.transaction().execute(async (trx) => {
          await createProject(trx, { forumId: w.forum.id, ownerId: w.users.owner.id, name: 'In a transaction' });
          await trx.updateTable('projects').set({ description: 'again' }).where('id', '=', w.project.id).execute();
          await trx.updateTable('goals').set({ title: 'again' }).where('id', '=', w.metric.id).execute();
        }),
    ],
  ];
  for (const [what, run] of steps) {
    const before = await version(w.forum.id);
    await run();
    expect(await version(w.forum.id), what).toBe(before + 1);
  }
  const before = await version(w.forum.id);
  await handle.db
    .transaction()
    .execute(async (trx) => {
      await trx.updateTable('projects').set({ description: 'rolled back' }).where('id', '=', w.project.id).execute();
      throw new Error('rollback');
    })
    .catch(() => {});
  expect(await version(w.forum.id), 'a rolled-back change').toBe(before);
  expect(await version(other.id), 'another forum').toBe(otherBefore);
});

test('the dashboard is served from the cache until the forum changes, then recomputed', async () => {
  const get = async (search = '') => {
    const res = await callRoute(dashboardLoader as never, {
      path: `/forums/${w.forum.slug}${search}`,
      cookie: w.users.chair.cookie,
      params: { slug: w.forum.slug },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { projects: { name: string }[]; summary: { projects: number } };
  };
  const first = await get();
  // Another sort of the table at this version reads that page of the table only: the member's work, what the page
  // shows of the whole forum and the forum's review schedule are the first view's (decision 028).
  const before = { ...cacheCounts().page_data };
  const byOwner = await get('?sort=owner&dir=desc');
  expect(byOwner.summary).toEqual(first.summary);
  expect(cacheCounts().page_data).toEqual({ hit: before.hit + 3, miss: before.miss + 1 });
  // A change the triggers do not see (they are disabled for this statement): the cache still answers.
  await handle.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await trx
      .updateTable('projects')
      .set({ name: 'Renamed behind the cache' })
      .where('id', '=', w.otherProject.id)
      .execute();
  });
  const counted = { ...cacheCounts().page_data };
  expect((await get()).projects.map((p) => p.name)).toEqual(first.projects.map((p) => p.name));
  // The lookups (the member's work, what the page shows of the whole forum, the table's page) are counted as hits
  // (what /metrics and the bench report as cache_lookups_total).
  expect(cacheCounts().page_data).toEqual({ hit: counted.hit + 3, miss: counted.miss });
  // A real change, committed by someone else: views show it as soon as its notification arrives (the session
  // cache learns the forum's new version from it; session-cache.server.ts).
  await createProject(handle.db, {
    forumId: w.forum.id,
    ownerId: w.users.otherOwner.id,
    name: 'Added after the first view',
  });
  await expect
    .poll(async () => (await get()).summary.projects, { timeout: 5_000, interval: 20 })
    .toBe(first.summary.projects + 1);
  const after = await get();
  expect(after.summary.projects).toBe(first.summary.projects + 1);
  expect(after.projects.map((p) => p.name)).toContain('Added after the first view');
  expect(after.projects.map((p) => p.name)).toContain('Renamed behind the cache');
});

test('another page of a meeting’s agenda at this version reads its items only: the whole meeting is kept once', async () => {
  const get = async (search: string) => {
    const res = await callRoute(meetingLoader as never, {
      path: `/forums/${w.forum.slug}/meetings/${w.meeting.id}${search}`,
      cookie: w.users.chair.cookie,
      params: { slug: w.forum.slug, id: String(w.meeting.id) },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { view: { meeting: { id: number }; counts: unknown; load: unknown } };
  };
  const first = await get('');
  const before = { ...cacheCounts().page_data };
  const other = await get('?consent=2');
  // The page's own entry is new; what it shows of the whole meeting is the first page's.
  expect(cacheCounts().page_data).toEqual({ hit: before.hit + 1, miss: before.miss + 1 });
  expect(other.view.counts).toEqual(first.view.counts);
  expect(other.view.load).toEqual(first.view.load);
});

test('a meeting page seen before at this version sends one query: its attendance (members and who attended)', async () => {
  const view = () =>
    callRoute(meetingLoader as never, {
      path: `/forums/${w.forum.slug}/meetings/${w.meeting.id}`,
      cookie: w.users.chair.cookie,
      params: { slug: w.forum.slug, id: String(w.meeting.id) },
    });
  const first = await view();
  expect(first.status).toBe(200);
  const recording = recordingQueries(handle.db);
  setDatabase({ ...handle, db: recording.db });
  try {
    const again = await view();
    expect(again.status).toBe(200);
    const body = (await again.json()) as { attendance: { members: { id: number }[] } };
    expect(body.attendance.members.map((m) => m.id)).toContain(w.users.chair.id);
  } finally {
    setDatabase(handle);
  }
  // The attendance is read on every view (the guess follows the audit log, which the forum's version does not).
  expect(recording.queries().map((q) => q.sql.slice(0, 40))).toHaveLength(1);
});
