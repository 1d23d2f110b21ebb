/**
 * The cold cost of the dashboard's and the project page's computations, on the bench dataset (decision 022):
 *   BENCH_DB=if_bench npx tsx scripts/profile-cold-pages.ts [--explain] [--runs 15]
 * Times each page function (wall and this process's CPU, median of the runs) against the database of a previous
 * `npm run bench`; `--explain` prints EXPLAIN (ANALYZE, BUFFERS) of every query each sends.
 */
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import type { Database } from '../db/database';
import { createPostgresDatabase } from '../db/client';
import { getReviewSchedule } from '~/modules/meetings/next-review.server';
import { getReviewLoad } from '~/modules/meetings/review-load.server';
import { getDashboardSummary, listProjectsForDashboard } from '~/modules/projects/dashboard.server';
import { getComingMeeting } from '~/modules/home/home.server';
import { getProjectPage } from '~/modules/projects/project-page.server';
import { loadMeetingPageView } from '~/modules/meetings/meeting-page.server';
import { loadVerdictConsequences } from '~/modules/meetings/consequences.server';
import { DASHBOARD_SORTS, parseDashboardQuery } from '~/modules/projects/dashboard';

const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
const parsed = new URL(server);
parsed.pathname = `/${process.env.BENCH_DB ?? 'if_bench'}`;
const url = parsed.toString();
const arg = (name: string) => process.argv.indexOf(name);
const runs = arg('--runs') > 0 ? Number(process.argv[arg('--runs') + 1]) : 15;
const explain = arg('--explain') > 0;

const handle = createPostgresDatabase(url, { max: 16 });
const db = handle.db;
const recorded: CompiledQuery[] = [];
const timed: { sql: string; ms: number }[] = [];
const recording = new Kysely<Database>({
  dialect: new PostgresDialect({ pool: handle.pool! }),
  log: (e) => {
    recorded.push(e.query);
    timed.push({ sql: e.query.sql, ms: e.queryDurationMillis });
  },
});

const forum = await db
  .selectFrom('forums as f')
  .select([
    'f.id',
    (eb) =>
      eb
        .selectFrom('projects as p')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('p.forum_id', '=', 'f.id')
        .as('n'),
  ])
  .orderBy('n', 'desc')
  .limit(1)
  .executeTakeFirstOrThrow();
const projectIds = (
  await db.selectFrom('projects').select('id').where('forum_id', '=', forum.id).where('archived', '=', false).execute()
).map((p) => p.id);
const forumId = forum.id;
const meetings = await db
  .selectFrom('meetings')
  .select(['id', 'state'])
  .where('forum_id', '=', forumId)
  .where('state', '!=', 'closed')
  .orderBy('scheduled_at')
  .limit(2)
  .execute();
const pick = () => projectIds[Math.floor(Math.random() * projectIds.length)];

const pages = {
  dashboard: async (d: Kysely<Database>) => {
    const query = parseDashboardQuery(new URLSearchParams());
    const schedule = getReviewSchedule(d, { forumId });
    await Promise.all([
      listProjectsForDashboard(d, { forumId, query, schedule }),
      getDashboardSummary(d, forumId, schedule),
      getComingMeeting(d, forumId),
      getReviewLoad(d, { forumId, schedule }),
    ]);
  },
  'dashboard, by progress page 7': async (d: Kysely<Database>) => {
    const query = parseDashboardQuery(new URLSearchParams('sort=progress&dir=desc&page=7'));
    const schedule = getReviewSchedule(d, { forumId });
    await Promise.all([
      listProjectsForDashboard(d, { forumId, query, schedule }),
      getDashboardSummary(d, forumId, schedule),
      getComingMeeting(d, forumId),
      getReviewLoad(d, { forumId, schedule }),
    ]);
  },
  // As the bench's dashboard-spread: a random sort, direction and page.
  'dashboard, random sort × page': async (d: Kysely<Database>) => {
    const sort = DASHBOARD_SORTS[Math.floor(Math.random() * DASHBOARD_SORTS.length)];
    const search = `sort=${sort}&dir=${Math.random() < 0.5 ? 'asc' : 'desc'}&page=${1 + Math.floor(Math.random() * 20)}`;
    const query = parseDashboardQuery(new URLSearchParams(search));
    const schedule = getReviewSchedule(d, { forumId });
    await Promise.all([
      listProjectsForDashboard(d, { forumId, query, schedule }),
      getDashboardSummary(d, forumId, schedule),
      getComingMeeting(d, forumId),
      getReviewLoad(d, { forumId, schedule }),
    ]);
  },
  'getReviewSchedule (forum)': (d: Kysely<Database>) => getReviewSchedule(d, { forumId }),
  listProjectsForDashboard: async (d: Kysely<Database>) => {
    const schedule = await getReviewSchedule(db, { forumId });
    const t = process.hrtime.bigint();
    await listProjectsForDashboard(d, { forumId, query: parseDashboardQuery(new URLSearchParams()), schedule });
    return Number(process.hrtime.bigint() - t) / 1e6;
  },
  getDashboardSummary: async (d: Kysely<Database>) => {
    const schedule = await getReviewSchedule(db, { forumId });
    const t = process.hrtime.bigint();
    await getDashboardSummary(d, forumId, schedule);
    return Number(process.hrtime.bigint() - t) / 1e6;
  },
  getReviewLoad: async (d: Kysely<Database>) => {
    const schedule = await getReviewSchedule(db, { forumId });
    const t = process.hrtime.bigint();
    await getReviewLoad(d, { forumId, schedule });
    return Number(process.hrtime.bigint() - t) / 1e6;
  },
  'project page': (d: Kysely<Database>) => getProjectPage(d, { forumId, projectId: pick() }),
  // The forum's first open meeting and the one after it: the page as its loader computes it on a miss.
  ...Object.fromEntries(
    meetings.map((m) => [
      `meeting ${m.id} (${m.state})`,
      async (d: Kysely<Database>) => {
        await loadMeetingPageView(d, { forumId, meetingId: m.id, page: 1, consentPage: 1 });
        await loadVerdictConsequences(d, { forumId, meetingId: m.id });
      },
    ]),
  ),
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, fn] of Object.entries(pages)) {
  for (let i = 0; i < 3; i++) await fn(db); // warm: plans prepared, caches of the server filled
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    const inner = await fn(db);
    const u = process.cpuUsage(c);
    wall.push(typeof inner === 'number' ? inner : Number(process.hrtime.bigint() - t) / 1e6);
    cpu.push((u.user + u.system) / 1000);
  }
  console.log(
    `${name.padEnd(32)} wall ${median(wall).toFixed(1)} ms  Node CPU ${median(cpu).toFixed(1)} ms  (median of ${runs})`,
  );
}

// `--queries NAME`: each query one run of that page sends, slowest first (wall time as the pool saw it).
if (arg('--queries') > 0) {
  const name = process.argv[arg('--queries') + 1] as keyof typeof pages;
  timed.length = 0;
  await pages[name](recording);
  for (const q of [...timed].sort((a, b) => b.ms - a.ms))
    console.log(`${q.ms.toFixed(1).padStart(7)} ms  ${q.sql.slice(0, 200).replace(/\s+/g, ' ')}`);
}

if (explain) {
  for (const name of ['dashboard', 'project page'] as const) {
    recorded.length = 0;
    await pages[name](recording);
    for (const q of recorded) {
      const client = await handle.pool!.connect();
      try {
        const res = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.parameters as unknown[]);
        const lines = res.rows.map((r: Record<string, string>) => r['QUERY PLAN']);
        console.log(`\n=== ${name}: ${q.sql.slice(0, 160).replace(/\s+/g, ' ')}…\n${lines.join('\n')}`);
      } finally {
        client.release();
      }
    }
  }
}
await handle.close();
