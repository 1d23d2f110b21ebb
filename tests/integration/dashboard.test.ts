import type { Kysely, Transaction } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../db/database';
import { commitSessionCookie, createSession } from '../../app/modules/auth/session.server';
import { csvCell, DASHBOARD_SORTS, parseDashboardQuery, toCsv } from '../../app/modules/projects/dashboard';
import { listProjectsForDashboard } from '../../app/modules/projects/dashboard.server';
import { setDatabase } from '../../app/utils/db.server';
import { loader as dashboardLoader } from '../../app/routes/forums.$slug._index';
import { loader as csvLoader } from '../../app/routes/forums.$slug.projects[.]csv';
import { addMember, createForum, createGoal, createMeeting, createUser } from '../factories';
import { asResponse } from './owners-world';
import { countingQueries } from '../setup/count-queries';
import { dbTest as test } from '../setup/test-db';

const WEEK = 7 * 86_400_000;

/** A forum with `n` projects, each with a goal, a few statuses with values and a review. Bulk inserts. */
async function portfolio(db: Transaction<Database>, n: number) {
  const forum = await createForum(db);
  const chair = await createUser(db, { passwordHash: 'x', name: 'Chair' });
  await addMember(db, { forumId: forum.id, userId: chair.id, role: 'chair' });
  const owners = await Promise.all([0, 1, 2].map((i) => createUser(db, { passwordHash: 'x', name: `Owner ${i}` })));
  const start = Date.UTC(2026, 0, 5, 10);
  const meetings = await Promise.all(
    [0, 1, 2, 3].map((w) =>
      createMeeting(db, {
        forumId: forum.id,
        scheduledAt: new Date(start + w * WEEK),
        state: w < 3 ? 'closed' : 'planned',
      }),
    ),
  );
  const levels = ['tight', 'standard', 'light', 'trusted'] as const;
  const projects = await db
    .insertInto('projects')
    .values(
      Array.from({ length: n }, (_, i) => ({
        forum_id: forum.id,
        owner_id: owners[i % 3].id,
        name: `P${String(i).padStart(4, '0')}`,
        oversight_level: levels[i % 4],
        oversight_interval: [1, 2, 4, 8][i % 4],
        oversight_state: null,
      })),
    )
    .returning(['id'])
    .execute();
  const goals = await Promise.all(projects.map((p) => createGoal(db, { projectId: p.id, baseline: 0, target: 100 })));
  const healths = ['on_track', 'at_risk', 'off_track'] as const;
  const statuses = await db
    .insertInto('status_updates')
    .values(
      projects.flatMap((p, i) =>
        meetings.slice(0, 3).map((m, w) => ({
          project_id: p.id,
          meeting_id: m.id,
          author_id: owners[i % 3].id,
          health: healths[(i + w) % 3],
          created_at: new Date(m.scheduled_at.getTime() - 86_400_000),
        })),
      ),
    )
    .returning(['id', 'project_id'])
    .execute();
  const goalOf = new Map(projects.map((p, i) => [p.id, goals[i].id]));
  await db
    .insertInto('status_goal_values')
    .values(
      statuses.map((s, k) => ({
        status_update_id: s.id,
        goal_id: goalOf.get(s.project_id)!,
        value: (k % 10) * 10,
        done: null,
      })),
    )
    .execute();
  await db
    .insertInto('reviews')
    .values(
      projects.map((p, i) => ({
        meeting_id: meetings[i % 3].id,
        project_id: p.id,
        reviewer_id: chair.id,
        verdict: healths[i % 3],
        self_report: 'on_track' as const,
      })),
    )
    .execute();
  const token = await createSession(db, { userId: chair.id, userAgent: null, ip: null });
  return { forum, chair, cookie: (await commitSessionCookie(token)).split(';')[0] };
}

async function countLoaderQueries(db: Transaction<Database>, n: number, search = '') {
  const { forum, cookie } = await portfolio(db, n);
  const counting = countingQueries(db as unknown as Kysely<Database>);
  setDatabase({ db: counting.db, kind: 'pglite', close: async () => {} });
  const response = asResponse(
    await dashboardLoader({
      request: new Request(`http://localhost/forums/${forum.slug}${search}`, { headers: { Cookie: cookie } }),
      params: { slug: forum.slug },
      context: { cspNonce: 'n' },
    }),
  );
  const body = await response.json();
  return { queries: counting.count(), body };
}

test('the dashboard loader runs the same number of queries for 10 and for 200 projects', async ({ db }) => {
  const small = await countLoaderQueries(db, 10);
  const large = await countLoaderQueries(db, 200, '?size=500');
  expect(small.body.total).toBe(10);
  expect(large.body.total).toBe(200);
  expect(large.body.projects).toHaveLength(200);
  expect(large.queries).toBe(small.queries);
  // The portfolio and the member's own work above it (their projects, missing statuses, their action items): 16 until
  // the coming meeting came with the review schedule and the minutes per review with the review load's rows.
  expect(small.queries).toBeLessThanOrEqual(14);
});

test('filters, search, sort and pagination are applied in SQL', async ({ db }) => {
  const { forum } = await portfolio(db, 30);
  const list = (search: string) =>
    listProjectsForDashboard(db, { forumId: forum.id, query: parseDashboardQuery(new URLSearchParams(search)) });

  const tight = await list('level=tight');
  expect(tight.total).toBe(8);
  expect(tight.rows.every((r) => r.level === 'tight')).toBe(true);

  const byName = await list('sort=project&dir=desc&size=25');
  expect(byName.rows[0].name).toBe('P0029');
  expect(byName.rows).toHaveLength(25);
  const page2 = await list('sort=project&dir=desc&size=25&page=2');
  expect(page2.rows.map((r) => r.name)).toEqual(['P0004', 'P0003', 'P0002', 'P0001', 'P0000']);

  const search = await list('q=P001');
  expect(search.rows.map((r) => r.name)).toEqual(expect.arrayContaining(['P0010', 'P0019']));
  expect(search.total).toBe(10);

  const offTrack = await list('health=off_track');
  expect(offTrack.rows.every((r) => r.health === 'off_track')).toBe(true);
  expect(offTrack.total).toBeGreaterThan(0);

  // Tight projects (interval 1) are always due at the coming meeting.
  const due = await list('due=1&level=tight');
  expect(due.total).toBe(8);
  expect(due.rows.every((r) => r.meetingsUntilReview === 0)).toBe(true);

  const first = byName.rows[0];
  expect(first.trend.length).toBe(3);
  expect(first.progress).toBeGreaterThanOrEqual(0);
  expect(first.progress).toBeLessThanOrEqual(1);
});

test('every sort, both ways, pages the same rows as the whole sorted list (decision 022: columns read before or after the page)', async ({
  db,
}) => {
  const { forum } = await portfolio(db, 30);
  const list = (search: string, paginate = true) =>
    listProjectsForDashboard(db, {
      forumId: forum.id,
      query: parseDashboardQuery(new URLSearchParams(search)),
      paginate,
    });
  const rank = { off_track: 0, at_risk: 1, on_track: 2 } as const;
  for (const sort of DASHBOARD_SORTS)
    for (const dir of ['asc', 'desc']) {
      const whole = await list(`sort=${sort}&dir=${dir}`, false);
      const pages = [await list(`sort=${sort}&dir=${dir}&page=1`), await list(`sort=${sort}&dir=${dir}&page=2`)];
      expect(pages[0].rows).toEqual(whole.rows.slice(0, 25));
      expect(pages[1].rows).toEqual(whole.rows.slice(25, 30));
      expect(pages[0].total).toBe(30);
      if (sort === 'health') {
        const ranks = whole.rows.map((r) => rank[r.health!]);
        expect(ranks).toEqual([...ranks].sort((a, b) => (dir === 'asc' ? a - b : b - a)));
      }
      if (sort === 'verdict') expect(whole.rows.every((r) => r.lastVerdict !== null)).toBe(true);
    }
  // A health filter with a sort that reads nothing per project: the filter still reads the latest status.
  const atRisk = await list('health=at_risk&sort=project');
  expect(atRisk.rows.length).toBeGreaterThan(0);
  expect(atRisk.rows.every((r) => r.health === 'at_risk' && r.statusAt !== null)).toBe(true);
});

test('hostile or malformed URL parameters fall back to defaults instead of failing', () => {
  const q = parseDashboardQuery(
    new URLSearchParams('sort=drop table&dir=sideways&size=7&page=-3&owner=abc&level=lax&q=' + 'x'.repeat(500)),
  );
  expect(q).toMatchObject({
    sort: 'next_review',
    dir: 'asc',
    size: 25,
    page: 1,
    owner: undefined,
    level: undefined,
    q: '',
  });
});

test('CSV export quotes correctly and neutralises spreadsheet formulas', async ({ db }) => {
  expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
  expect(csvCell('+1')).toBe(`"'+1"`);
  expect(csvCell('-2')).toBe(`"'-2"`);
  expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
  expect(csvCell('a,b')).toBe('"a,b"');
  expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
  // After leading whitespace or a newline, and where a semicolon-delimited spreadsheet would start a cell (issue #22).
  expect(csvCell(' =2+2')).toBe(`"' =2+2"`);
  expect(csvCell('\n=2+2')).toBe(`"'\n=2+2"`);
  expect(csvCell('\t-1')).toBe(`"'\t-1"`);
  expect(csvCell(';=5+5')).toBe('";=5+5"');
  expect(csvCell('plain')).toBe('"plain"');
  expect(csvCell(-3)).toBe('-3');
  expect(
    toCsv([
      ['a', 1],
      [null, 'b'],
    ]),
  ).toBe('"a",1\r\n,"b"\r\n');

  const { forum, cookie } = await portfolio(db, 5);
  await db.updateTable('projects').set({ name: '=cmd|calc' }).where('name', '=', 'P0000').execute();
  const response = await csvLoader({
    request: new Request(`http://localhost/forums/${forum.slug}/projects.csv?sort=project`, {
      headers: { Cookie: cookie },
    }),
    params: { slug: forum.slug },
    context: { cspNonce: 'n' },
  });
  expect(response.headers.get('Content-Type')).toMatch(/text\/csv/);
  const text = await response.text();
  const lines = text.trim().split('\r\n');
  expect(lines).toHaveLength(6);
  expect(lines[0]).toMatch(/^"Project","Owner","Health"/);
  expect(text).toContain("'=cmd|calc");
  expect(text).not.toMatch(/^"?=cmd/m);
});
