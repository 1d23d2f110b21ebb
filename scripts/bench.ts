/**
 * The performance benchmark (issue #8). Generates a realistic dataset, starts the built app on it and measures
 * each page with autocannon against a no-database baseline page on the same server; prints req/s, p50, p99 and
 * the ratio to the baseline with a PASS/FAIL line per target, and writes bench/results.json.
 *
 *   npm run bench                      PostgreSQL: a fresh `if_bench` database (or BENCH_DB) on the server of DATABASE_URL
 *                                      (default postgres://postgres@127.0.0.1:5432); 500 projects × 3 years + 20 forums
 *   npm run bench -- --embedded        PGlite in a temporary DATA_DIR; 100 projects × 3 years (bench/results-embedded.json)
 * Besides one URL per route (what the caches serve), the realistic mix (issue #17):
 *   project-spread     random project pages across the forum's 500 projects
 *   dashboard-spread   random sort × direction × page of the dashboard
 *   meeting-day        random project, dashboard and meeting pages of the forum while its meeting runs and a writer
 *                      posts through the app about WRITES_PER_SECOND times a second (verdicts in the forum's meeting,
 *                      statuses in a second forum); the pages' req/s and p99 are reported apart from the writes
 *   cold latency       per page type, the median time of COLD_SAMPLES requests each sent right after a status POST
 *                      to the forum (every cache keyed by the forum's version misses)
 *   after idle         (`--only idle`, about five minutes, not in the default run) the same, each request after
 *                      IDLE_MS without any request, as a forum's pages come outside its meetings (decision 029)
 * Options: --duration S (10) --warmup S (2) --connections N (16) --only name,name (`cold` for the cold latency) --no-build
 *   --strict (exit 1 on FAIL)
 *   (`what-if` is one of the --only names: the what-if preview of a candidate policy, timed in process on the dataset)
 *   --reuse     keep the dataset of the previous PostgreSQL run (bench/.dataset.json) instead of generating it anew
 *   --profile   start the server with --cpu-prof: one V8 CPU profile per run in bench/profiles/ (chrome://inspect)
 */
import { sql } from 'kysely';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { z } from 'zod';
import { createPgliteDatabase, createPostgresDatabase, migrateToLatest, type DatabaseHandle } from '../db/client';
import { commitSessionCookie, createSession } from '../app/modules/auth/session.server';
import { adminQuery, withDatabase } from '../tests/setup/server-db';
import { ENGINE_TARGET, runEngineBenchmark } from './bench-engine';
import { describeWhatIf, runWhatIfBenchmark, WHAT_IF_TARGET_MS } from './bench-what-if';
import { generateBenchDataset, type BenchDataset, type BenchDatasetOptions } from './bench-data';

/** The heap limit of `npm start` (package.json): the live heap is well under it; without a limit V8 grows lazily. */
const SERVER_HEAP =
  /--max-old-space-size=\d+/.exec(JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts.start)?.[0] ?? '';

const TARGETS = {
  pageRatio: 0.5,
  postRatio: 0.3,
  p99Ms: 250,
  rssMb: 300,
  /** The realistic mix (issue #17): pages spread over many URLs, and pages between writes. */
  spreadRatio: 0.25,
  spreadP99Ms: 250,
  meetingDayRatio: 0.2,
  meetingDayP99Ms: 300,
  /** Median time of a page right after a write to its forum. */
  coldPageMs: 15,
  coldMeetingMs: 25,
} as const;
const WRITES_PER_SECOND = 10;
const COLD_SAMPLES = 20;
/** Pages after a pause longer than a connection pool's usual idle timeout (30 s), IDLE_SAMPLES per page type. */
const IDLE_MS = 35_000;
const IDLE_SAMPLES = 3;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}
const flag = (name: string) => process.argv.includes(name);
/** The benchmark's database on the server (BENCH_DB, default `if_bench`), so that two checkouts can bench side by side. */
const BENCH_DB = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'BENCH_DB must be a lower-case PostgreSQL identifier')
  .parse(process.env.BENCH_DB ?? 'if_bench');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',')) : null;

const embedded = flag('--embedded');
const duration = option('--duration', 10);
const warmup = option('--warmup', 2);
const connections = option('--connections', 16);
const buildName = path.basename(process.env.IF_BUILD_DIR || 'build-bench');
const DATASET: BenchDatasetOptions = embedded
  ? { projects: 100, weeks: 156, otherForums: 4, otherProjects: 50, otherWeeks: 26, benchOwnedProjects: 48 }
  : { projects: 500, weeks: 156, otherForums: 20, otherProjects: 100, otherWeeks: 26, benchOwnedProjects: 64 };

const redact = (url: string) => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

function machine() {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism?.() ?? cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Opens the benchmark's database, fresh: a new `if_bench` database on the server, or PGlite in a temp folder. */
const DATASET_FILE = path.join('bench', '.dataset.json');

async function openBenchDatabase(
  reuse: boolean,
): Promise<{ handle: DatabaseHandle; env: Record<string, string>; label: string; cleanup: () => void }> {
  if (embedded) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'if-bench-'));
    const handle = await createPgliteDatabase(dataDir);
    return {
      handle,
      env: { DATABASE_URL: '', DATA_DIR: dataDir },
      label: `PGlite (embedded) in ${dataDir}`,
      cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const server = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = withDatabase(server, BENCH_DB);
  if (reuse)
    return {
      handle: createPostgresDatabase(url),
      env: { DATABASE_URL: url },
      label: `PostgreSQL ${redact(url)} (reused)`,
      cleanup: () => {},
    };
  await adminQuery(server, `DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
  await adminQuery(server, `CREATE DATABASE ${BENCH_DB}`);
  const handle = createPostgresDatabase(url);
  return { handle, env: { DATABASE_URL: url }, label: `PostgreSQL ${redact(url)}`, cleanup: () => {} };
}

function build() {
  console.log(`Building the app into .cache/builds/${buildName} …`);
  const result = spawnSync('npm', ['run', '-s', 'build'], {
    env: { ...process.env, IF_BUILD_DIR: buildName },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error('npm run build failed');
}

async function startServer(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; base: string; stop: () => Promise<void>; output: () => string }> {
  const port = await freePort();
  // The built server as `npm start` runs it (the same heap limit); node itself, so the child's pid is the
  // server's, for its memory figure.
  const profile = flag('--profile') ? ['--cpu-prof', '--cpu-prof-dir', path.resolve('bench/profiles')] : [];
  const child = spawn(
    process.execPath,
    [...profile, ...(SERVER_HEAP ? [SERVER_HEAP] : []), path.join('.cache/builds', buildName, 'build/server.mjs')],
    {
      // No daily backup of the embedded database during the runs.
      env: {
        ...process.env,
        BACKUP_KEEP: '0',
        ...env,
        METRICS_TOKEN,
        PORT: String(port),
        HOST: '127.0.0.1',
        SEED_DEMO: 'false',
        NODE_ENV: 'production',
        BENCH_BASELINE: 'true',
        IF_BUILD_DIR: buildName,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`The server did not start in 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { child, base, stop, output: () => output };
}

/** For the cache figures: the server's /metrics, read by the bench only. */
const METRICS_TOKEN = crypto.randomBytes(24).toString('hex');
type CacheCounts = Record<string, { hit: number; miss: number }>;

/**
 * The server's cache lookups so far (cache_lookups_total), by layer, and the time its garbage collector has taken
 * so far (prom-client's nodejs_gc_duration_seconds, every kind), in ms.
 */
async function serverCounters(base: string): Promise<{ caches: CacheCounts; gcMs: number; heapMb?: number }> {
  const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const caches: CacheCounts = {};
  for (const m of text.matchAll(/^cache_lookups_total\{layer="(\w+)",result="(hit|miss)"\} (\d+)/gm)) {
    const c = (caches[m[1]] ??= { hit: 0, miss: 0 });
    c[m[2] as 'hit' | 'miss'] = Number(m[3]);
  }
  let gcMs = 0;
  for (const m of text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} ([\d.e+-]+)/gm)) gcMs += Number(m[1]) * 1000;
  const heapUsed = /^nodejs_heap_size_used_bytes ([\d.e+-]+)/m.exec(text);
  return { caches, gcMs, heapMb: heapUsed ? Math.round(Number(heapUsed[1]) / 2 ** 20) : undefined };
}

/** The share of lookups each layer answered during a run (the difference of two readings). */
function hitRates(before: CacheCounts, after: CacheCounts): Record<string, { lookups: number; hitRate: number }> {
  return Object.fromEntries(
    Object.entries(after).map(([layer, a]) => {
      const b = before[layer] ?? { hit: 0, miss: 0 };
      const hit = a.hit - b.hit;
      const lookups = hit + a.miss - b.miss;
      return [layer, { lookups, hitRate: lookups ? Math.round((hit / lookups) * 1000) / 1000 : 0 }];
    }),
  );
}

/** VmRSS and VmHWM (peak) of a process, in MB, from /proc (Linux). */
function memoryOf(pid: number | undefined): { rssMb: number; peakMb: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

interface Route {
  name: string;
  kind: 'baseline' | 'page' | 'post' | 'spread' | 'meeting-day';
  path: string;
  /** What the page must contain, checked once before the run. */
  expect?: string;
  cookie: boolean;
  requests?: autocannon.Request[];
}

/** What the realistic mix needs beyond the dataset: every project of the forum, and a second forum's projects. */
interface MixData {
  projectIds: number[];
  other: { slug: string; projects: { id: number; metricGoalId: number; milestoneGoalId: number }[] };
  /** Kept out of the status-post pool: the cold-latency writes post to it. */
  coldProject: BenchDataset['ownProjects'][number];
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const DASHBOARD_SORT_KEYS = ['project', 'owner', 'health', 'verdict', 'progress', 'level', 'next_review', 'status_age'];

/** A status form's body, valid for a project with one metric and one milestone goal. */
function statusBody(p: { metricGoalId: number; milestoneGoalId: number }, version: number, n: number): string {
  return new URLSearchParams({
    health: 'on_track',
    summary: `Benchmark update ${n}: **on plan**.`,
    risks: '',
    asks: '',
    version: String(version),
    [`goal.${p.metricGoalId}.value`]: String(40 + (n % 50)),
    [`goal.${p.metricGoalId}.note`]: '',
    // Ticked: unticking a milestone that an earlier status reported done is a reopen, which needs a note.
    [`goal.${p.milestoneGoalId}.done`]: 'on',
    [`goal.${p.milestoneGoalId}.note`]: '',
  }).toString();
}

function routes(d: BenchDataset, mix: MixData): Route[] {
  const forum = `/forums/${d.slug}`;
  // Each POST is a valid status for one of the bench user's projects: the first for a project creates it
  // (version 0), later ones edit it with the version the previous success left. A project is taken from the free
  // pool while a request for it is in flight and comes back with its new version when the answer is a success
  // (autocannon calls onResponse before preparing the connection's next request), so no two requests race on
  // one project. Requests cut off at the end of a run never return their project: it is not used again.
  const versions = new Map(d.ownProjects.map((p) => [p.id, 0]));
  const free = d.ownProjects.filter((p) => p.id !== mix.coldProject.id);
  let sent = 0;
  type Context = { project?: BenchDataset['ownProjects'][number] };
  const statusRequest: autocannon.Request = {
    method: 'POST',
    setupRequest: (req, context) => {
      const p = free.shift();
      if (!p) throw new Error('The status benchmark ran out of projects: raise benchOwnedProjects');
      (context as Context).project = p;
      sent += 1;
      return { ...req, path: `${forum}/projects/${p.id}/status`, body: statusBody(p, versions.get(p.id) ?? 0, sent) };
    },
    onResponse: (status, _body, context) => {
      const { project } = context as Context;
      if (!project || status !== 303) return; // an unexpected answer: the version is unknown, retire the project
      versions.set(project.id, (versions.get(project.id) ?? 0) + 1);
      free.push(project);
    },
  };
  const list: Route[] = [
    { name: 'baseline', kind: 'baseline', path: '/bench/baseline', expect: 'Baseline page', cookie: false },
    { name: 'dashboard', kind: 'page', path: forum, expect: 'Bench Leadership Review', cookie: true },
    {
      name: 'dashboard-sorted',
      kind: 'page',
      path: `${forum}?sort=progress&dir=desc`,
      expect: 'Bench Leadership Review',
      cookie: true,
    },
    {
      name: 'dashboard-filtered',
      kind: 'page',
      path: `${forum}?health=on_track&q=payments&sort=owner&dir=asc`,
      expect: 'Bench Leadership Review',
      cookie: true,
    },
    {
      name: 'meeting-upcoming',
      kind: 'page',
      path: `${forum}/meetings/${d.upcomingMeetingId}`,
      expect: 'Meeting of',
      cookie: true,
    },
    {
      name: 'meeting-closed',
      kind: 'page',
      path: `${forum}/meetings/${d.latestClosedMeetingId}`,
      expect: 'Meeting of',
      cookie: true,
    },
    {
      name: 'project',
      kind: 'page',
      path: `${forum}/projects/${d.historyProjectId}`,
      expect: 'Weekly active customers',
      cookie: true,
    },
    { name: 'oversight', kind: 'page', path: `${forum}/oversight`, expect: 'Oversight', cookie: true },
    {
      name: 'status-post',
      kind: 'post',
      path: `${forum}/projects/${d.ownProjects[0].id}/status`,
      cookie: true,
      requests: [statusRequest],
    },
    {
      name: 'project-spread',
      kind: 'spread',
      path: `${forum}/projects/${d.historyProjectId}`,
      expect: 'Weekly active customers',
      cookie: true,
      requests: [randomPath(projectPath(forum, mix))],
    },
    {
      name: 'dashboard-spread',
      kind: 'spread',
      path: forum,
      expect: 'Bench Leadership Review',
      cookie: true,
      requests: [randomPath(() => dashboardPath(forum))],
    },
    // Last: it starts the forum's coming meeting (status posts to it are closed from then on).
    {
      name: 'meeting-day',
      kind: 'meeting-day',
      path: `${forum}/meetings/${d.upcomingMeetingId}`,
      expect: 'Meeting of',
      cookie: true,
      requests: [
        randomPath(() =>
          pick([
            projectPath(forum, mix),
            () => dashboardPath(forum),
            () => `${forum}/meetings/${d.upcomingMeetingId}${meetingQuery()}`,
          ])(),
        ),
      ],
    },
  ];
  return list;
}

const projectPath = (forum: string, mix: MixData) => () => `${forum}/projects/${pick(mix.projectIds)}`;

function dashboardPath(forum: string): string {
  const params = new URLSearchParams({ sort: pick(DASHBOARD_SORT_KEYS), dir: pick(['asc', 'desc']) });
  const page = 1 + Math.floor(Math.random() * 20); // 500 projects, 25 a page
  if (page > 1) params.set('page', String(page));
  return `${forum}?${params}`;
}

/** A page of the meeting's discussed items (348 at 10 a page) or of its consent items (152 at 25). */
function meetingQuery(): string {
  const r = Math.random();
  if (r < 0.5) return '';
  if (r < 0.85) return `?page=${2 + Math.floor(Math.random() * 34)}`;
  return `?consent=${2 + Math.floor(Math.random() * 6)}`;
}

function randomPath(path: () => string): autocannon.Request {
  return { method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) };
}

interface Measured {
  name: string;
  method: string;
  path: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  statusCodes?: Record<string, number>;
  ratio?: number;
  skipped?: string;
  /** The server's RSS right after this route's run. */
  rssMb?: number;
  /** Each in-memory layer's lookups during the measured run and the share it answered (decision 017). */
  caches?: Record<string, { lookups: number; hitRate: number }>;
  /** The server's garbage-collection pauses during the measured run, per request answered (writes included). */
  gcMsPerRequest?: number;
  /** The server's V8 heap in use right after the run (the limit is `npm start`'s --max-old-space-size). */
  heapMb?: number;
  /** meeting-day: the writes sent meanwhile (not counted in req/s or the latencies above). */
  writes?: {
    perSecond: number;
    sent: number;
    statusCodes: Record<string, number>;
    /** The answers per kind of write: every verdict and every status must answer 303. */
    verdicts: Record<string, number>;
    statuses: Record<string, number>;
    p50: number;
    p99: number;
  };
  /** The server's CPU time (user + system, /proc) during the measured run, per request answered (writes included). */
  cpuMsPerRequest?: number;
}

/**
 * The meeting-day writer: about WRITES_PER_SECOND writes a second through the app while the pages run, taking
 * turns: a verdict on one of the forum's discussed items of its running meeting (each sent with the version the
 * previous success left) and a status for a project of the second forum (a chair may post for any project).
 */
function startWriter(
  base: string,
  cookie: string,
  forum: string,
  meetingId: number,
  discussed: number[],
  mix: MixData,
) {
  const headers = { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: base };
  const reviewVersions = new Map<number, number>();
  const statusVersions = new Map<number, number>();
  const codes: Record<string, number> = {};
  const byKind = { verdicts: {} as Record<string, number>, statuses: {} as Record<string, number> };
  const times: number[] = [];
  let sent = 0;
  let verdicts = 0;
  let statuses = 0;
  let inFlight = 0;
  const started = Date.now();
  // Each kind walks its own list in turn, so no two writes in flight (at most 8) touch one item or project.
  if (mix.other.projects.length < 16) throw new Error('meeting-day: the second forum has too few projects to post to');
  const one = async () => {
    sent += 1;
    const n = sent;
    let path: string;
    let body: string;
    let done: () => void;
    const kind = n % 2 === 0 ? 'verdicts' : 'statuses';
    if (kind === 'verdicts') {
      verdicts += 1;
      const projectId = discussed[verdicts % discussed.length];
      const version = reviewVersions.get(projectId) ?? 0;
      path = `${forum}/meetings/${meetingId}`;
      body = new URLSearchParams({
        intent: 'review',
        projectId: String(projectId),
        verdict: pick(['on_track', 'at_risk', 'off_track']),
        feedback: `Verdict ${n}`,
        version: String(version),
      }).toString();
      done = () => reviewVersions.set(projectId, version + 1);
    } else {
      statuses += 1;
      const p = mix.other.projects[statuses % mix.other.projects.length];
      const version = statusVersions.get(p.id) ?? 0;
      path = `/forums/${mix.other.slug}/projects/${p.id}/status`;
      body = statusBody(p, version, n);
      done = () => statusVersions.set(p.id, version + 1);
    }
    inFlight += 1;
    const t = performance.now();
    try {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers, body, redirect: 'manual' });
      await res.arrayBuffer();
      codes[res.status] = (codes[res.status] ?? 0) + 1;
      byKind[kind][res.status] = (byKind[kind][res.status] ?? 0) + 1;
      if (res.status === 303) done();
    } catch {
      codes.error = (codes.error ?? 0) + 1;
      byKind[kind].error = (byKind[kind].error ?? 0) + 1;
    } finally {
      inFlight -= 1;
      times.push(performance.now() - t);
    }
  };
  const timer = setInterval(() => {
    if (inFlight < 8) void one();
    else codes.skipped = (codes.skipped ?? 0) + 1; // the server is behind: do not pile writes up
  }, 1000 / WRITES_PER_SECOND);
  return {
    sent: () => sent,
    stop: async (): Promise<NonNullable<Measured['writes']>> => {
      clearInterval(timer);
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
      const seconds = (Date.now() - started) / 1000;
      const sorted = times.slice().sort((a, b) => a - b);
      const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
      return {
        perSecond: Math.round((sent / seconds) * 10) / 10,
        sent,
        statusCodes: codes,
        ...byKind,
        p50: at(0.5),
        p99: at(0.99),
      };
    },
  };
}

/**
 * The server's own time for a request: the durationMs of its request log line (pino-http's response time, whole
 * milliseconds), found by the request id the server answers with; the time measured here when it is not found.
 */
async function serverTime(requestId: string | null, serverLog: () => string, clientMs: number): Promise<number> {
  for (let i = 0; requestId && i < 10; i++) {
    const m = new RegExp(`"durationMs":(\\d+(?:\\.\\d+)?),"requestId":"${requestId.replace(/[^\w-]/g, '')}"`).exec(
      serverLog(),
    );
    if (m) return Number(m[1]);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Math.round(clientMs * 10) / 10;
}

interface ColdResult {
  page: string;
  path: string;
  medianMs: number;
  samples: number[];
  limitMs: number;
}

/**
 * Cold latency: for each page type, COLD_SAMPLES times, a status POST to the forum (its version moves, so every
 * cache keyed by it misses) and then one request for the page, timed by the server itself
 * (its request log's durationMs). The median per page type.
 */
async function measureCold(
  base: string,
  cookie: string,
  writerCookie: string,
  d: BenchDataset,
  mix: MixData,
  serverLog: () => string,
  { samples: count = COLD_SAMPLES, pauseMs = 0 }: { samples?: number; pauseMs?: number } = {},
): Promise<ColdResult[]> {
  const forum = `/forums/${d.slug}`;
  const headers = { cookie };
  let version = 0;
  let n = 0;
  const write = async () => {
    n += 1;
    const res = await fetch(`${base}${forum}/projects/${mix.coldProject.id}/status`, {
      method: 'POST',
      headers: { cookie: writerCookie, 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: statusBody(mix.coldProject, version, 10_000 + n),
      redirect: 'manual',
    });
    const text = await res.text();
    if (res.status !== 303)
      throw new Error(
        `cold latency: the status POST answered ${res.status}: ${text
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .slice(0, 600)}`,
      );
    version += 1;
    await new Promise((r) => setTimeout(r, 25)); // the change notification reaches the server
  };
  const pages: { page: string; path: () => string; limitMs: number }[] = [
    { page: 'dashboard', path: () => forum, limitMs: TARGETS.coldPageMs },
    { page: 'project', path: projectPath(forum, mix), limitMs: TARGETS.coldPageMs },
    {
      page: 'meeting-upcoming',
      path: () => `${forum}/meetings/${d.upcomingMeetingId}`,
      limitMs: TARGETS.coldMeetingMs,
    },
  ];
  const results: ColdResult[] = [];
  for (const p of pages) {
    const samples: number[] = [];
    let path = '';
    for (let i = 0; i < count; i++) {
      await write();
      if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      path = p.path();
      const t = performance.now();
      const res = await fetch(`${base}${path}`, { headers });
      await res.arrayBuffer();
      const clientMs = performance.now() - t;
      if (res.status !== 200) throw new Error(`cold latency: ${path} answered ${res.status}`);
      samples.push(await serverTime(res.headers.get('x-request-id'), serverLog, clientMs));
    }
    const sorted = samples.slice().sort((a, b) => a - b);
    results.push({
      page: p.page,
      path,
      medianMs: count % 2 ? sorted[(count - 1) / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2,
      samples,
      limitMs: p.limitMs,
    });
  }
  return results;
}

/** A process's CPU time so far (user + system), in ms, from /proc (Linux); null elsewhere. */
function cpuMsOf(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the name), in clock ticks (100 a second).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

async function measure(
  base: string,
  serverPid: number | undefined,
  route: Route,
  cookie: string,
  writer?: () => ReturnType<typeof startWriter>,
): Promise<Measured> {
  const method = route.kind === 'post' ? 'POST' : 'GET';
  const headers: Record<string, string> = route.cookie ? { cookie } : {};
  if (route.kind === 'post') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers.origin = base; // same-origin, as a browser sends it
  } else {
    // Checked once: the page exists and renders (a 404 means the page is not built yet: skipped).
    const res = await fetch(`${base}${route.path}`, { headers, redirect: 'manual' });
    const text = await res.text();
    if (res.status === 404)
      return {
        name: route.name,
        method,
        path: route.path,
        reqPerSec: 0,
        p50: 0,
        p99: 0,
        requests: 0,
        errors: 0,
        skipped: 'page not found (404)',
      };
    if (res.status !== 200 || (route.expect && !text.includes(route.expect))) {
      throw new Error(
        `${route.name}: ${route.path} answered ${res.status} without "${route.expect}":\n${text.slice(0, 500)}`,
      );
    }
  }
  const run = (seconds: number) =>
    autocannon({
      url: `${base}${route.path}`,
      method,
      connections,
      duration: seconds,
      headers,
      requests: route.requests,
      timeout: 30,
    });
  const writes = writer?.();
  await run(warmup);
  const before = await serverCounters(base);
  const cpuBefore = cpuMsOf(serverPid);
  const writesBefore = writes?.sent() ?? 0;
  const r = await run(duration);
  const cpuAfter = cpuMsOf(serverPid);
  const writesDuring = (writes?.sent() ?? 0) - writesBefore;
  const after = await serverCounters(base);
  const caches = hitRates(before.caches, after.caches);
  const handled = r.requests.total + writesDuring;
  const written = await writes?.stop();
  const ok = r['2xx'] + r['3xx'];
  const errors = r['1xx'] + r['4xx'] + r['5xx'] + r.errors;
  const statusCodes = Object.fromEntries(
    Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => [code, v.count ?? 0]),
  );
  return {
    name: route.name,
    method,
    path: route.path,
    reqPerSec: Math.round((ok / r.duration) * 10) / 10,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: ok,
    errors,
    statusCodes,
    caches,
    writes: written,
    cpuMsPerRequest:
      cpuBefore !== null && cpuAfter !== null && handled > 0
        ? Math.round(((cpuAfter - cpuBefore) / handled) * 100) / 100
        : undefined,
    gcMsPerRequest: handled > 0 ? Math.round(((after.gcMs - before.gcMs) / handled) * 100) / 100 : undefined,
    heapMb: after.heapMb,
  };
}

/** Every project of the forum, a second forum's projects with their goals, and the project the cold writes use. */
async function mixData(db: DatabaseHandle['db'], d: BenchDataset): Promise<MixData> {
  const projectIds = (
    await db.selectFrom('projects').select('id').where('forum_id', '=', d.forumId).orderBy('id').execute()
  ).map((p) => p.id);
  const slug = `${d.slug}-01`;
  const goals = await db
    .selectFrom('goals as g')
    .innerJoin('projects as p', 'p.id', 'g.project_id')
    .innerJoin('forums as f', 'f.id', 'p.forum_id')
    .select(['p.id as projectId', 'g.id as goalId', 'g.kind'])
    .where('f.slug', '=', slug)
    .where('g.state', '=', 'active')
    // A status that another person wrote for the coming cycle is theirs to edit (403 for anyone else): the dataset
    // has most owners post before the meeting, so the writer posts only where no one else has.
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('status_updates as s')
            .innerJoin('meetings as m', 'm.id', 's.meeting_id')
            .select('s.id')
            .whereRef('s.project_id', '=', 'p.id')
            .where('m.state', 'in', ['planned', 'in_progress'])
            .where('s.author_id', '!=', d.userId),
        ),
      ),
    )
    .orderBy('p.id')
    .execute();
  const byProject = new Map<number, { id: number; metricGoalId: number; milestoneGoalId: number }>();
  for (const g of goals) {
    const p = byProject.get(g.projectId) ?? { id: g.projectId, metricGoalId: 0, milestoneGoalId: 0 };
    if (g.kind === 'metric') p.metricGoalId = g.goalId;
    else p.milestoneGoalId = g.goalId;
    byProject.set(g.projectId, p);
  }
  const own = d.ownProjects.at(-1);
  if (!own) throw new Error('The dataset has no project of the bench user');
  return {
    projectIds,
    other: { slug, projects: [...byProject.values()].filter((p) => p.metricGoalId && p.milestoneGoalId) },
    coldProject: own,
  };
}

/** Starts the forum's coming meeting through the app (as a chair who confirms an early start) and lists its discussed items. */
async function startMeetingDay(base: string, cookie: string, d: BenchDataset, databaseUrl: string): Promise<number[]> {
  const res = await fetch(`${base}/forums/${d.slug}/meetings/${d.upcomingMeetingId}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: 'intent=start&confirm=yes',
    redirect: 'manual',
  });
  await res.arrayBuffer();
  if (res.status !== 303) throw new Error(`meeting-day: starting the meeting answered ${res.status}`);
  const handle = createPostgresDatabase(databaseUrl);
  try {
    const items = await handle.db
      .selectFrom('agenda_items')
      .select('project_id')
      .where('meeting_id', '=', d.upcomingMeetingId)
      .where((eb) => eb.or([eb('section', '!=', 'consent'), eb('pulled', '=', true)]))
      .execute();
    if (items.length === 0) throw new Error('meeting-day: the meeting has no discussed item');
    return items.map((i) => i.project_id);
  } finally {
    await handle.close();
  }
}

async function main() {
  const started = Date.now();
  const m = machine();
  console.log(`Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, ${m.platform}`);

  const engine = runEngineBenchmark();
  console.log(
    `Engine replay: ${engine.rate.toLocaleString('en-US')} events/s (${engine.events.toLocaleString('en-US')} events in ${engine.ms.toFixed(0)} ms, the median of ${engine.runs.map((r) => r.toFixed(0)).join(', ')} ms)`,
  );

  if (!flag('--no-build')) build();
  if (!fs.existsSync(path.join('.cache/builds', buildName, 'build/server.mjs')))
    throw new Error(`No build in .cache/builds/${buildName}: run without --no-build`);

  const reuse = flag('--reuse') && !embedded && fs.existsSync(DATASET_FILE);
  const db = await openBenchDatabase(reuse);
  console.log(`Database: ${db.label}`);
  let dataset: BenchDataset;
  let cookie: string;
  let whatIf: Awaited<ReturnType<typeof runWhatIfBenchmark>> | null = null;
  let writerCookie: string;
  let mix: MixData;
  const t0 = Date.now();
  try {
    await migrateToLatest(db.handle.db);
    if (reuse) {
      dataset = JSON.parse(fs.readFileSync(DATASET_FILE, 'utf8')) as BenchDataset;
      // The status POSTs of the last run start again from version 0.
      await db.handle.db
        .deleteFrom('status_updates')
        .where('meeting_id', '=', dataset.upcomingMeetingId)
        .where(
          'project_id',
          'in',
          dataset.ownProjects.map((p) => p.id),
        )
        .execute();
    } else {
      dataset = await generateBenchDataset(db.handle.db, { ...DATASET, log: (line) => console.log(line) });
      if (!embedded) {
        fs.mkdirSync('bench', { recursive: true });
        fs.writeFileSync(DATASET_FILE, JSON.stringify(dataset));
      }
    }
    mix = await mixData(db.handle.db, dataset);
    if (reuse) {
      // The meeting-day run of the last run started the coming meeting and wrote verdicts and statuses: undone.
      const otherUpcoming = db.handle.db
        .selectFrom('meetings as m')
        .innerJoin('forums as f', 'f.id', 'm.forum_id')
        .select('m.id')
        .where('f.slug', '=', mix.other.slug)
        .where('m.state', 'in', ['planned', 'in_progress']);
      // Only the writer's (the owners' statuses of the dataset stay, so a reused dataset is the fresh one's).
      await db.handle.db
        .deleteFrom('status_updates')
        .where('meeting_id', 'in', otherUpcoming)
        .where('author_id', '=', dataset.userId)
        .execute();
      await db.handle.db.deleteFrom('reviews').where('meeting_id', '=', dataset.upcomingMeetingId).execute();
      await db.handle.db.deleteFrom('agenda_items').where('meeting_id', '=', dataset.upcomingMeetingId).execute();
      await db.handle.db
        .updateTable('meetings')
        .set({ state: 'planned', started_at: null })
        .where('id', '=', dataset.upcomingMeetingId)
        .execute();
    }
    // A steady state to measure: no dead row versions left by a previous run's status POSTs (they rewrote the
    // forum's row thousands of times), no autovacuum of the freshly loaded tables and no checkpoint writing them
    // out while the routes run.
    if (!embedded) {
      await sql`vacuum analyze`.execute(db.handle.db);
      await sql`checkpoint`
        .execute(db.handle.db)
        .catch((err: Error) => console.warn(`No checkpoint before the runs: ${err.message}`));
    }
    // The what-if preview of a candidate policy on the main forum's history (issue #15), in process.
    if (!only || only.has('what-if')) {
      whatIf = await runWhatIfBenchmark(db.handle.db, dataset.forumId);
      console.log(describeWhatIf(whatIf));
    }
    process.env.SESSION_SECRET ||= crypto.randomBytes(24).toString('hex');
    const token = await createSession(db.handle.db, {
      userId: dataset.userId,
      userAgent: 'autocannon',
      ip: '127.0.0.1',
    });
    cookie = (await commitSessionCookie(token)).split(';')[0];
    // The writes of the mix come from another session (another person at the meeting): a session's own write
    // sends its next pages to the database (read-your-writes), which the readers' sessions do not need.
    const writerToken = await createSession(db.handle.db, {
      userId: dataset.userId,
      userAgent: 'bench writer',
      ip: '127.0.0.1',
    });
    writerCookie = (await commitSessionCookie(writerToken)).split(';')[0];
  } finally {
    await db.handle.close(); // PGlite: the server opens the folder next, and it allows one process
  }
  const datasetSeconds = Math.round((Date.now() - t0) / 100) / 10;
  console.log(
    `Dataset: ${DATASET.projects} projects × ${DATASET.weeks} weeks + ${DATASET.otherForums} forums × ${DATASET.otherProjects} projects × ${DATASET.otherWeeks} weeks in ${datasetSeconds} s`,
  );

  const server = await startServer({ ...db.env, SESSION_SECRET: process.env.SESSION_SECRET });
  const results: Measured[] = [];
  let cold: ColdResult[] = [];
  let idle: ColdResult[] = [];
  let memory: ReturnType<typeof memoryOf> = null;
  try {
    for (const route of routes(dataset, mix)) {
      // Cold latency before the meeting-day run starts the meeting (its writes are status posts to that meeting).
      if (route.name === 'meeting-day' && (!only || only.has('cold'))) {
        cold = await measureCold(server.base, cookie, writerCookie, dataset, mix, server.output);
        for (const c of cold)
          console.log(
            `  cold ${c.page.padEnd(15)} median ${c.medianMs} ms of ${COLD_SAMPLES} (each right after a write)`,
          );
      }
      if (route.name === 'meeting-day' && only?.has('idle')) {
        idle = await measureCold(server.base, cookie, writerCookie, dataset, mix, server.output, {
          samples: IDLE_SAMPLES,
          pauseMs: IDLE_MS,
        });
        for (const c of idle)
          console.log(
            `  after idle ${c.page.padEnd(15)} median ${c.medianMs} ms of ${IDLE_SAMPLES} (each after ${IDLE_MS / 1000} s without requests)`,
          );
      }
      if (only && route.kind !== 'baseline' && !only.has(route.name)) continue;
      let writer: (() => ReturnType<typeof startWriter>) | undefined;
      if (route.kind === 'meeting-day') {
        if (embedded) {
          results.push({
            name: route.name,
            method: 'GET',
            path: route.path,
            reqPerSec: 0,
            p50: 0,
            p99: 0,
            requests: 0,
            errors: 0,
            skipped: 'PostgreSQL only (it reads the agenda beside the server)',
          });
          continue;
        }
        const discussed = await startMeetingDay(server.base, cookie, dataset, db.env.DATABASE_URL);
        writer = () =>
          startWriter(server.base, writerCookie, `/forums/${dataset.slug}`, dataset.upcomingMeetingId, discussed, mix);
      }
      const r = await measure(server.base, server.child.pid, route, cookie, writer);
      r.rssMb = memoryOf(server.child.pid)?.rssMb;
      results.push(r);
      console.log(
        r.skipped
          ? `  ${r.name.padEnd(20)} skipped: ${r.skipped}`
          : `  ${r.name.padEnd(20)} ${String(r.reqPerSec).padStart(8)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  errors ${r.errors}  rss ${r.rssMb ?? '?'} MB  heap ${r.heapMb ?? '?'} MB  status ${JSON.stringify(r.statusCodes)}  cpu ${r.cpuMsPerRequest ?? '?'} ms/req  gc ${r.gcMsPerRequest ?? '?'} ms/req`,
      );
      if (r.caches)
        console.log(
          `  ${''.padEnd(20)} cache hits: ${Object.entries(r.caches)
            .map(([layer, c]) => `${layer} ${Math.round(c.hitRate * 100)} % of ${c.lookups}`)
            .join(', ')}`,
        );
      if (r.writes)
        console.log(
          `  ${''.padEnd(20)} writes meanwhile: ${r.writes.perSecond}/s, p50 ${r.writes.p50} ms, p99 ${r.writes.p99} ms, verdicts ${JSON.stringify(r.writes.verdicts)}, statuses ${JSON.stringify(r.writes.statuses)}`,
        );
    }
    memory = memoryOf(server.child.pid);
  } catch (err) {
    console.error(`The server's last output:\n${server.output().slice(-4_000)}`);
    throw err;
  } finally {
    await server.stop();
    db.cleanup();
  }

  // Ratios and targets.
  const baseline = results.find((r) => r.name === 'baseline');
  const checks: { target: string; pass: boolean; detail: string }[] = [];
  for (const r of results) {
    if (r.name === 'baseline' || r.skipped || !baseline) continue;
    const ratio = r.reqPerSec / baseline.reqPerSec;
    r.ratio = Math.round(ratio * 1000) / 1000;
    const kind = routes(dataset, mix).find((x) => x.name === r.name)?.kind;
    const min =
      r.method === 'POST'
        ? TARGETS.postRatio
        : kind === 'spread'
          ? TARGETS.spreadRatio
          : kind === 'meeting-day'
            ? TARGETS.meetingDayRatio
            : TARGETS.pageRatio;
    const p99 =
      kind === 'spread' ? TARGETS.spreadP99Ms : kind === 'meeting-day' ? TARGETS.meetingDayP99Ms : TARGETS.p99Ms;
    checks.push({ target: `${r.name} ≥ ${min}× baseline req/s`, pass: ratio >= min, detail: `${r.ratio}×` });
    checks.push({ target: `${r.name} p99 < ${p99} ms`, pass: r.p99 < p99, detail: `${r.p99} ms` });
    // A write not sent because 8 were still in flight (the server is behind) is reported, not an error.
    if (r.writes)
      checks.push({
        target: `${r.name} writes succeed`,
        pass: Object.keys(r.writes.statusCodes).every((c) => c === '303' || c === 'skipped'),
        detail: `verdicts ${JSON.stringify(r.writes.verdicts)}, statuses ${JSON.stringify(r.writes.statuses)}`,
      });
    checks.push({
      target: `${r.name} no errors`,
      pass: r.errors === 0,
      detail: `${r.errors} errors of ${r.requests + r.errors}`,
    });
  }
  for (const c of cold)
    checks.push({
      target: `cold ${c.page} median ≤ ${c.limitMs} ms`,
      pass: c.medianMs <= c.limitMs,
      detail: `${c.medianMs} ms`,
    });
  if (baseline)
    checks.push({
      target: `baseline p99 < ${TARGETS.p99Ms} ms`,
      pass: baseline.p99 < TARGETS.p99Ms,
      detail: `${baseline.p99} ms`,
    });
  if (whatIf)
    checks.push({
      target: `what-if preview < ${WHAT_IF_TARGET_MS} ms`,
      pass: whatIf.pass,
      detail: `${whatIf.ms} ms (${whatIf.results.map((r) => `${r.candidate} ${r.ms} ms`).join(', ')})`,
    });
  checks.push({
    target: `engine replay ≥ ${ENGINE_TARGET.toLocaleString('en-US')} events/s`,
    pass: engine.rate >= ENGINE_TARGET,
    detail: `${engine.rate.toLocaleString('en-US')} events/s`,
  });
  if (!embedded) {
    checks.push({
      target: `server RSS after the run < ${TARGETS.rssMb} MB`,
      pass: memory !== null && memory.rssMb < TARGETS.rssMb,
      detail: memory ? `${memory.rssMb} MB (peak ${memory.peakMb} MB)` : 'unknown (no /proc)',
    });
  }

  console.log(
    `\n${'route'.padEnd(20)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'ratio'.padStart(6)} ${'errors'.padStart(7)}`,
  );
  for (const r of results) {
    if (r.skipped) console.log(`${r.name.padEnd(20)} skipped: ${r.skipped}`);
    else
      console.log(
        `${r.name.padEnd(20)} ${String(r.reqPerSec).padStart(8)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${(r.ratio === undefined ? '1' : String(r.ratio)).padStart(6)} ${String(r.errors).padStart(7)}`,
      );
  }
  for (const c of cold) console.log(`cold ${c.page.padEnd(15)} median ${c.medianMs} ms (limit ${c.limitMs} ms)`);
  for (const c of idle)
    console.log(`after idle ${c.page.padEnd(15)} median ${c.medianMs} ms (samples ${c.samples.join(', ')})`);
  console.log(
    `Server memory after the run: ${memory ? `${memory.rssMb} MB RSS (peak ${memory.peakMb} MB)` : 'unknown'}`,
  );
  console.log('');
  for (const c of checks) console.log(`${c.pass ? 'PASS' : 'FAIL'}  ${c.target}: ${c.detail}`);
  const failed = checks.filter((c) => !c.pass).length;
  console.log(failed ? `\n${failed} target(s) FAILED` : '\nAll targets PASS');

  const out = path.join('bench', embedded ? 'results-embedded.json' : 'results.json');
  fs.mkdirSync('bench', { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: m,
        database: embedded ? 'pglite' : 'postgres',
        settings: { connections, durationSeconds: duration, warmupSeconds: warmup },
        dataset: { ...DATASET, rows: dataset.counts, seconds: datasetSeconds },
        engine: { eventsPerSecond: engine.rate, events: engine.events },
        whatIf,
        routes: results,
        cold,
        idle,
        serverMemory: memory,
        targets: checks,
        totalSeconds: Math.round((Date.now() - started) / 1000),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`Results written to ${out}`);
  if (failed && flag('--strict')) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
