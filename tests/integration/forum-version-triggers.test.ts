import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DatabaseHandle } from '../../db/client';
import { getReviewLoad } from '../../app/modules/meetings/review-load.server';
import { loadVerdictConsequences } from '../../app/modules/meetings/consequences.server';
import { loadMeetingPageView } from '../../app/modules/meetings/meeting-page.server';
import { getOversightOverview } from '../../app/modules/oversight/oversight-page.server';
import { parseDashboardQuery } from '../../app/modules/projects/dashboard';
import { getDashboardSummary, listProjectsForDashboard } from '../../app/modules/projects/dashboard.server';
import { getComingMeeting, loadForumHome } from '../../app/modules/home/home.server';
import { listOpenActionItemsForUser } from '../../app/modules/meetings/action-items.server';
import { getProjectPage } from '../../app/modules/projects/project-page.server';
import { explain, planNodes, recordingQueries } from '../setup/query-plans';
import { openFreshDatabase } from '../setup/test-db';
import { createMeeting } from '../factories';
import { createOwnersWorld, type OwnersWorld } from './owners-world';

// Cached page data is served while the forum's data version (forums.data_version) has not moved (decision 004,
// app/utils/page-cache.server.ts). The version moves only through the `forum_data_changed` triggers (migration
// T1700), so a table that a cached page reads without such a trigger would let a page go stale. This test reads
// the database's own catalog: the tables each cached page's queries read (their plans, so raw SQL counts too)
// must each carry the trigger; and every table in the schema either carries it or is named below as read by no
// cached page — a new table fails here until it is one or the other.
const READ_BY_NO_CACHED_PAGE = new Set([
  'sessions',
  'login_attempts',
  'verifications',
  'audit_log',
  'kysely_migration',
  'kysely_migration_lock',
  // Mail (issue #16): the outbox and its bookkeeping are read by the dispatcher, /admin/outbox and /account only.
  'outbox',
  'password_reset_requests',
  'email_opt_outs',
  'instance_secrets',
  // The personal calendar feed and /account read the tokens; no cached page does.
  'calendar_tokens',
  // The meeting page reads attendance beside its cached view, on every request (loadAttendance), never inside it.
  'meeting_attendance',
  // Read by the policy settings page, verify and the what-if preview, none of them cached; a save also moves
  // forums.policy_version, which moves the forum's data version.
  'policy_versions',
]);
// The forum row holds the version itself; its own BEFORE UPDATE trigger (forums_settings_changed) moves it.
const FORUM_TABLE = 'forums';

let handle: DatabaseHandle;
let w: OwnersWorld;
let running: { id: number };

beforeAll(async () => {
  handle = await openFreshDatabase();
  w = await createOwnersWorld(handle.db);
  running = await createMeeting(handle.db, {
    forumId: w.forum.id,
    scheduledAt: new Date(Date.now() - 3_600_000),
    state: 'in_progress',
  });
});
afterAll(async () => {
  await handle.close();
});

/** Tables by the trigger function they carry, from pg_trigger. */
async function triggersByTable(): Promise<Map<string, Set<string>>> {
  const rows = await sql<{ table: string; fn: string }>`
    select c.relname as "table", p.proname as fn
    from pg_trigger t
    join pg_class c on c.oid = t.tgrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_proc p on p.oid = t.tgfoid
    where n.nspname = current_schema() and not t.tgisinternal`.execute(handle.db);
  const map = new Map<string, Set<string>>();
  for (const r of rows.rows) map.set(r.table, (map.get(r.table) ?? new Set()).add(r.fn));
  return map;
}

/** Every table the queries that `page` sends read, from their plans. */
async function tablesReadBy(page: (db: DatabaseHandle['db']) => Promise<unknown>): Promise<Set<string>> {
  const recording = recordingQueries(handle.db);
  await page(recording.db);
  const queries = recording.queries();
  expect(queries.length).toBeGreaterThan(0);
  const tables = new Set<string>();
  for (const q of queries)
    for (const node of planNodes(await explain(handle.db, q)))
      if (node['Relation Name']) tables.add(node['Relation Name']);
  return tables;
}

// The computations the routes cache with forumPageData (the forum page's work first and its dashboard, the project,
// meeting and oversight pages).
const CACHED_PAGES: [string, (db: DatabaseHandle['db']) => Promise<unknown>][] = [
  [
    "forum page's work first (a chair's)",
    (db) =>
      Promise.all([
        loadForumHome(db, {
          forum: { ...w.forum, timeZone: 'UTC', cadence: 'weekly', dataVersion: 0 },
          role: 'chair',
          userId: w.users.chair.id,
        }),
        listOpenActionItemsForUser(db, { userId: w.users.chair.id, forumId: w.forum.id }),
      ]),
  ],
  [
    'dashboard',
    (db) =>
      Promise.all([
        listProjectsForDashboard(db, {
          forumId: w.forum.id,
          query: parseDashboardQuery(new URLSearchParams('sort=verdict&health=at_risk&q=x')),
        }),
        getDashboardSummary(db, w.forum.id),
        getComingMeeting(db, w.forum.id),
        getReviewLoad(db, { forumId: w.forum.id }),
      ]),
  ],
  ['project', (db) => getProjectPage(db, { forumId: w.forum.id, projectId: w.project.id })],
  [
    'meeting (planned and in progress)',
    (db) =>
      Promise.all(
        [w.meeting.id, running.id].flatMap((meetingId) => [
          loadMeetingPageView(db, { forumId: w.forum.id, meetingId, page: 1, consentPage: 1 }),
          loadVerdictConsequences(db, { forumId: w.forum.id, meetingId }),
        ]),
      ),
  ],
  ['oversight', (db) => getOversightOverview(db, { forumId: w.forum.id })],
];

test.each(CACHED_PAGES)(
  'every table the cached %s page reads moves the forum version when it changes',
  async (_name, page) => {
    const triggers = await triggersByTable();
    const read = await tablesReadBy(page);
    const missing = [...read].filter((t) => t !== FORUM_TABLE && !triggers.get(t)?.has('forum_data_changed'));
    expect(missing).toEqual([]);
    if (read.has(FORUM_TABLE)) expect(triggers.get(FORUM_TABLE)).toContain('forum_settings_changed');
  },
);

test('every table carries the forum-version trigger or is named as read by no cached page', async () => {
  const triggers = await triggersByTable();
  const tables = (
    await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(
      handle.db,
    )
  ).rows.map((r) => r.table_name);
  expect(tables.length).toBeGreaterThan(10);
  const unaccounted = tables.filter(
    (t) => t !== FORUM_TABLE && !triggers.get(t)?.has('forum_data_changed') && !READ_BY_NO_CACHED_PAGE.has(t),
  );
  expect(unaccounted).toEqual([]);
  // The list names only tables that exist and really have no trigger (a stale entry would hide nothing, but mislead).
  for (const t of READ_BY_NO_CACHED_PAGE) {
    expect(tables, t).toContain(t);
    expect(triggers.get(t)?.has('forum_data_changed') ?? false, t).toBe(false);
  }
});

test('a table without the trigger is caught (the check can fail)', async () => {
  await sql`create table page_notes (id bigserial primary key, project_id bigint not null references projects(id), text text not null)`.execute(
    handle.db,
  );
  try {
    const read = await tablesReadBy((db) =>
      sql`select n.text from page_notes n join projects p on p.id = n.project_id where p.forum_id = ${w.forum.id}`.execute(
        db,
      ),
    );
    const triggers = await triggersByTable();
    expect([...read].filter((t) => t !== FORUM_TABLE && !triggers.get(t)?.has('forum_data_changed'))).toEqual([
      'page_notes',
    ]);
  } finally {
    await sql`drop table page_notes`.execute(handle.db);
  }
});
