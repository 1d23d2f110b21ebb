import { sql } from 'kysely';
import { beforeAll, describe, expect, test } from 'vitest';
import type { DatabaseHandle } from '../../db/client';
import { parseDashboardQuery } from '../../app/modules/projects/dashboard';
import { getDashboardSummary, listProjectsForDashboard } from '../../app/modules/projects/dashboard.server';
import { getProjectPage } from '../../app/modules/projects/project-page.server';
import { getOversightOverview } from '../../app/modules/oversight/oversight-page.server';
import { meetingParticipantsQuery } from '../../app/modules/meetings/meeting-page.server';
import { generateBenchDataset, type BenchDataset } from '../../scripts/bench-data';
import { explain, recordingQueries, seqScannedTables } from '../setup/query-plans';
import { backend, fileDatabase } from '../setup/test-db';

// Issue #8: at realistic scale the pages' queries read history through indexes, never a sequential scan of
// status_updates or reviews. The page functions run as the pages run them; each query they sent is EXPLAINed
// with its own parameters. On the PostgreSQL server (DATABASE_URL) the benchmark's main forum (500 projects ×
// 3 years); on PGlite a smaller one (100 projects × 1 year). ANALYZE runs after the load, as in production.
const SCALE =
  backend === 'postgres'
    ? { projects: 500, weeks: 156, otherForums: 5, otherProjects: 100, otherWeeks: 26, benchOwnedProjects: 10 }
    : { projects: 100, weeks: 52, otherForums: 2, otherProjects: 20, otherWeeks: 12, benchOwnedProjects: 5 };
const HISTORY_TABLES = ['status_updates', 'reviews', 'status_goal_values', 'oversight_events'];

let handle: DatabaseHandle;
let data: BenchDataset;

beforeAll(async () => {
  handle = await fileDatabase();
  data = await generateBenchDataset(handle.db, SCALE);
}, 180_000);

/** Runs `page` against a recording database and returns every query it sent with the history tables its plan seq-scans. */
async function plansOf(page: (db: DatabaseHandle['db']) => Promise<unknown>, tables = HISTORY_TABLES) {
  const recording = recordingQueries(handle.db);
  await page(recording.db);
  const queries = recording.queries();
  expect(queries.length).toBeGreaterThan(0);
  return Promise.all(
    queries.map(async (q) => ({
      sql: q.sql.replace(/\s+/g, ' ').slice(0, 160),
      seqScans: seqScannedTables(await explain(handle.db, q)).filter((t) => tables.includes(t)),
    })),
  );
}

describe(`query plans at scale (${backend}: ${SCALE.projects} projects × ${SCALE.weeks} weeks)`, () => {
  test('the dataset is the size the plans are checked at', async () => {
    const { n } = (
      await sql<{
        n: number;
      }>`select count(*)::int as n from status_updates s join projects p on p.id = s.project_id where p.forum_id = ${data.forumId}`.execute(
        handle.db,
      )
    ).rows[0];
    expect(n).toBeGreaterThanOrEqual(SCALE.projects * SCALE.weeks * 0.9);
  });

  test.each([
    '',
    'sort=progress&dir=desc',
    'health=on_track&q=payments&sort=owner&dir=asc',
    'due=1&sort=status_age',
    'sort=verdict&page=3',
  ])('the dashboard (%s) reads no history table sequentially', async (search) => {
    const query = parseDashboardQuery(new URLSearchParams(search));
    const plans = await plansOf((db) =>
      Promise.all([
        listProjectsForDashboard(db, { forumId: data.forumId, query }),
        getDashboardSummary(db, data.forumId),
      ]),
    );
    expect(plans.filter((p) => p.seqScans.length > 0)).toEqual([]);
  });

  test('the project page with years of history reads no history table sequentially', async () => {
    const plans = await plansOf((db) =>
      getProjectPage(db, { forumId: data.forumId, projectId: data.historyProjectId }),
    );
    expect(plans.filter((p) => p.seqScans.length > 0)).toEqual([]);
  });

  test('the oversight page reads no history table sequentially', async () => {
    const plans = await plansOf((db) => getOversightOverview(db, { forumId: data.forumId }));
    expect(plans.filter((p) => p.seqScans.length > 0)).toEqual([]);
  });

  // Every write leaves an audit row, so the log outgrows every other table; the meeting page's guess at who attended
  // reads one meeting's rows of it (issue #17: it walked the forum's log for every member, 165 ms at the bench's size).
  test('the meeting page’s attendance guess reads the audit log by index', async () => {
    await sql`
      insert into audit_log (user_id, forum_id, action, target, denied, detail)
      select ${data.userId}, ${data.forumId}, 'status.update', 'project:' || (i % 500),
             false, jsonb_build_object('meetingId', ${data.upcomingMeetingId} - i % 150, 'health', 'on_track')
      from generate_series(1, 50000) as i`.execute(handle.db);
    await sql`analyze audit_log`.execute(handle.db);
    const plans = await plansOf(
      (db) => meetingParticipantsQuery(db, { forumId: data.forumId, meetingId: data.upcomingMeetingId }).execute(),
      ['audit_log'],
    );
    expect(plans.filter((p) => p.seqScans.length > 0)).toEqual([]);
  });
});
