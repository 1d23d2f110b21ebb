/**
 * The performance benchmark (issue #8). Generates a realistic dataset, starts the built app on it and measures
 * each page with autocannon against a no-database baseline page on the same server; prints req/s, p50, p99 and
 * the ratio to the baseline with a PASS/FAIL line per target, and writes bench/results.json.
 *
 *   npm run bench                      PostgreSQL: a fresh `if_bench` database on the server of DATABASE_URL
 *                                      (default postgres://postgres@127.0.0.1:5432); 500 projects × 3 years + 20 forums
 *   npm run bench -- --embedded        PGlite in a temporary DATA_DIR; 100 projects × 3 years (bench/results-embedded.json)
 * Options: --duration S (10) --warmup S (2) --connections N (16) --only name,name --no-build --strict (exit 1 on FAIL)
 *   (`what-if` is one of the names: the what-if preview of a candidate policy, timed in process on the dataset)
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
import { createPgliteDatabase, createPostgresDatabase, migrateToLatest, type DatabaseHandle } from '../db/client';
import { commitSessionCookie, createSession } from '../app/modules/auth/session.server';
import { adminQuery, withDatabase } from '../tests/setup/server-db';
import { ENGINE_TARGET, runEngineBenchmark } from './bench-engine';
import { describeWhatIf, runWhatIfBenchmark, WHAT_IF_TARGET_MS } from './bench-what-if';
import { generateBenchDataset, type BenchDataset, type BenchDatasetOptions } from './bench-data';

/** The heap limit of `npm start` (package.json): the live heap is well under it; without a limit V8 grows lazily. */
const SERVER_HEAP = /--max-old-space-size=\d+/.exec(JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts.start)?.[0] ?? '';

const TARGETS = { pageRatio: 0.5, postRatio: 0.3, p99Ms: 250, rssMb: 300 } as const;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}
const flag = (name: string) => process.argv.includes(name);
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

async function openBenchDatabase(reuse: boolean): Promise<{ handle: DatabaseHandle; env: Record<string, string>; label: string; cleanup: () => void }> {
  if (embedded) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'if-bench-'));
    const handle = await createPgliteDatabase(dataDir);
    return { handle, env: { DATABASE_URL: '', DATA_DIR: dataDir }, label: `PGlite (embedded) in ${dataDir}`, cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const server = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = withDatabase(server, 'if_bench');
  if (reuse) return { handle: createPostgresDatabase(url), env: { DATABASE_URL: url }, label: `PostgreSQL ${redact(url)} (reused)`, cleanup: () => {} };
  await adminQuery(server, 'DROP DATABASE IF EXISTS if_bench WITH (FORCE)');
  await adminQuery(server, 'CREATE DATABASE if_bench');
  const handle = createPostgresDatabase(url);
  return { handle, env: { DATABASE_URL: url }, label: `PostgreSQL ${redact(url)}`, cleanup: () => {} };
}

function build() {
  console.log(`Building the app into .cache/builds/${buildName} …`);
  const result = spawnSync('npm', ['run', '-s', 'build'], { env: { ...process.env, IF_BUILD_DIR: buildName }, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('npm run build failed');
}

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; base: string; stop: () => Promise<void>; output: () => string }> {
  const port = await freePort();
  // The built server as `npm start` runs it (the same heap limit); node itself, so the child's pid is the
  // server's, for its memory figure.
  const profile = flag('--profile') ? ['--cpu-prof', '--cpu-prof-dir', path.resolve('bench/profiles')] : [];
  const child = spawn(process.execPath, [...profile, ...(SERVER_HEAP ? [SERVER_HEAP] : []), path.join('.cache/builds', buildName, 'build/server.mjs')], {
    // No daily backup of the embedded database during the runs.
    env: { ...process.env, BACKUP_KEEP: '0', ...env, PORT: String(port), HOST: '127.0.0.1', SEED_DEMO: 'false', NODE_ENV: 'production', BENCH_BASELINE: 'true', IF_BUILD_DIR: buildName },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  kind: 'baseline' | 'page' | 'post';
  path: string;
  /** What the page must contain, checked once before the run. */
  expect?: string;
  cookie: boolean;
  requests?: autocannon.Request[];
}

function routes(d: BenchDataset): Route[] {
  const forum = `/forums/${d.slug}`;
  // Each POST is a valid status for one of the bench user's projects: the first for a project creates it
  // (version 0), later ones edit it with the version the previous success left. A project is taken from the free
  // pool while a request for it is in flight and comes back with its new version when the answer is a success
  // (autocannon calls onResponse before preparing the connection's next request), so no two requests race on
  // one project. Requests cut off at the end of a run never return their project: it is not used again.
  const versions = new Map(d.ownProjects.map((p) => [p.id, 0]));
  const free = [...d.ownProjects];
  let sent = 0;
  type Context = { project?: BenchDataset['ownProjects'][number] };
  const statusRequest: autocannon.Request = {
    method: 'POST',
    setupRequest: (req, context) => {
      const p = free.shift();
      if (!p) throw new Error('The status benchmark ran out of projects: raise benchOwnedProjects');
      (context as Context).project = p;
      sent += 1;
      const body = new URLSearchParams({
        health: 'on_track',
        summary: `Benchmark update ${sent}: **on plan**.`,
        risks: '',
        asks: '',
        version: String(versions.get(p.id) ?? 0),
        [`goal.${p.metricGoalId}.value`]: String(40 + (sent % 50)),
        [`goal.${p.metricGoalId}.note`]: '',
        [`goal.${p.milestoneGoalId}.note`]: '',
      });
      return { ...req, path: `${forum}/projects/${p.id}/status`, body: body.toString() };
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
    { name: 'dashboard-sorted', kind: 'page', path: `${forum}?sort=progress&dir=desc`, expect: 'Bench Leadership Review', cookie: true },
    { name: 'dashboard-filtered', kind: 'page', path: `${forum}?health=on_track&q=payments&sort=owner&dir=asc`, expect: 'Bench Leadership Review', cookie: true },
    { name: 'meeting-upcoming', kind: 'page', path: `${forum}/meetings/${d.upcomingMeetingId}`, expect: 'Meeting of', cookie: true },
    { name: 'meeting-closed', kind: 'page', path: `${forum}/meetings/${d.latestClosedMeetingId}`, expect: 'Meeting of', cookie: true },
    { name: 'project', kind: 'page', path: `${forum}/projects/${d.historyProjectId}`, expect: 'Weekly active customers', cookie: true },
    { name: 'oversight', kind: 'page', path: `${forum}/oversight`, expect: 'Oversight', cookie: true },
    { name: 'status-post', kind: 'post', path: `${forum}/projects/${d.ownProjects[0].id}/status`, cookie: true, requests: [statusRequest] },
  ];
  return list;
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
}

async function measure(base: string, route: Route, cookie: string): Promise<Measured> {
  const method = route.kind === 'post' ? 'POST' : 'GET';
  const headers: Record<string, string> = route.cookie ? { cookie } : {};
  if (route.kind === 'post') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers.origin = base; // same-origin, as a browser sends it
  } else {
    // Checked once: the page exists and renders (a 404 means the page is not built yet: skipped).
    const res = await fetch(`${base}${route.path}`, { headers, redirect: 'manual' });
    const text = await res.text();
    if (res.status === 404) return { name: route.name, method, path: route.path, reqPerSec: 0, p50: 0, p99: 0, requests: 0, errors: 0, skipped: 'page not found (404)' };
    if (res.status !== 200 || (route.expect && !text.includes(route.expect))) {
      throw new Error(`${route.name}: ${route.path} answered ${res.status} without "${route.expect}":\n${text.slice(0, 500)}`);
    }
  }
  const run = (seconds: number) =>
    autocannon({ url: `${base}${route.path}`, method, connections, duration: seconds, headers, requests: route.requests, timeout: 30 });
  await run(warmup);
  const r = await run(duration);
  const ok = r['2xx'] + r['3xx'];
  const errors = r['1xx'] + r['4xx'] + r['5xx'] + r.errors;
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => [code, v.count ?? 0]));
  return { name: route.name, method, path: route.path, reqPerSec: Math.round((ok / r.duration) * 10) / 10, p50: r.latency.p50, p99: r.latency.p99, requests: ok, errors, statusCodes };
}

async function main() {
  const started = Date.now();
  const m = machine();
  console.log(`Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, ${m.platform}`);

  const engine = runEngineBenchmark();
  console.log(`Engine replay: ${engine.rate.toLocaleString('en-US')} events/s (${engine.events.toLocaleString('en-US')} events in ${engine.ms.toFixed(0)} ms)`);

  if (!flag('--no-build')) build();
  if (!fs.existsSync(path.join('.cache/builds', buildName, 'build/server.mjs'))) throw new Error(`No build in .cache/builds/${buildName}: run without --no-build`);

  const reuse = flag('--reuse') && !embedded && fs.existsSync(DATASET_FILE);
  const db = await openBenchDatabase(reuse);
  console.log(`Database: ${db.label}`);
  let dataset: BenchDataset;
  let cookie: string;
  let whatIf: Awaited<ReturnType<typeof runWhatIfBenchmark>> | null = null;
  const t0 = Date.now();
  try {
    await migrateToLatest(db.handle.db);
    if (reuse) {
      dataset = JSON.parse(fs.readFileSync(DATASET_FILE, 'utf8')) as BenchDataset;
      // The status POSTs of the last run start again from version 0.
      await db.handle.db
        .deleteFrom('status_updates')
        .where('meeting_id', '=', dataset.upcomingMeetingId)
        .where('project_id', 'in', dataset.ownProjects.map((p) => p.id))
        .execute();
    } else {
      dataset = await generateBenchDataset(db.handle.db, { ...DATASET, log: (line) => console.log(line) });
      if (!embedded) {
        fs.mkdirSync('bench', { recursive: true });
        fs.writeFileSync(DATASET_FILE, JSON.stringify(dataset));
      }
    }
    // A steady state to measure: no dead row versions left by a previous run's status POSTs (they rewrote the
    // forum's row thousands of times), no autovacuum of the freshly loaded tables and no checkpoint writing them
    // out while the routes run.
    if (!embedded) {
      await sql`vacuum analyze`.execute(db.handle.db);
      await sql`checkpoint`.execute(db.handle.db).catch((err: Error) => console.warn(`No checkpoint before the runs: ${err.message}`));
    }
    // The what-if preview of a candidate policy on the main forum's history (issue #15), in process.
    if (!only || only.has('what-if')) {
      whatIf = await runWhatIfBenchmark(db.handle.db, dataset.forumId);
      console.log(describeWhatIf(whatIf));
    }
    process.env.SESSION_SECRET ||= crypto.randomBytes(24).toString('hex');
    const token = await createSession(db.handle.db, { userId: dataset.userId, userAgent: 'autocannon', ip: '127.0.0.1' });
    cookie = (await commitSessionCookie(token)).split(';')[0];
  } finally {
    await db.handle.close(); // PGlite: the server opens the folder next, and it allows one process
  }
  const datasetSeconds = Math.round((Date.now() - t0) / 100) / 10;
  console.log(`Dataset: ${DATASET.projects} projects × ${DATASET.weeks} weeks + ${DATASET.otherForums} forums × ${DATASET.otherProjects} projects × ${DATASET.otherWeeks} weeks in ${datasetSeconds} s`);

  const server = await startServer({ ...db.env, SESSION_SECRET: process.env.SESSION_SECRET });
  const results: Measured[] = [];
  let memory: ReturnType<typeof memoryOf> = null;
  try {
    for (const route of routes(dataset)) {
      if (only && route.kind !== 'baseline' && !only.has(route.name)) continue;
      const r = await measure(server.base, route, cookie);
      r.rssMb = memoryOf(server.child.pid)?.rssMb;
      results.push(r);
      console.log(
        r.skipped
          ? `  ${r.name.padEnd(20)} skipped: ${r.skipped}`
          : `  ${r.name.padEnd(20)} ${String(r.reqPerSec).padStart(8)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  errors ${r.errors}  rss ${r.rssMb ?? '?'} MB  status ${JSON.stringify(r.statusCodes)}`,
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
    const min = r.method === 'POST' ? TARGETS.postRatio : TARGETS.pageRatio;
    checks.push({ target: `${r.name} ≥ ${min}× baseline req/s`, pass: ratio >= min, detail: `${r.ratio}×` });
    checks.push({ target: `${r.name} p99 < ${TARGETS.p99Ms} ms`, pass: r.p99 < TARGETS.p99Ms, detail: `${r.p99} ms` });
    checks.push({ target: `${r.name} no errors`, pass: r.errors === 0, detail: `${r.errors} errors of ${r.requests + r.errors}` });
  }
  if (baseline) checks.push({ target: `baseline p99 < ${TARGETS.p99Ms} ms`, pass: baseline.p99 < TARGETS.p99Ms, detail: `${baseline.p99} ms` });
  if (whatIf) checks.push({ target: `what-if preview < ${WHAT_IF_TARGET_MS} ms`, pass: whatIf.pass, detail: `${whatIf.ms} ms (${whatIf.results.map((r) => `${r.candidate} ${r.ms} ms`).join(', ')})` });
  checks.push({ target: `engine replay ≥ ${ENGINE_TARGET.toLocaleString('en-US')} events/s`, pass: engine.rate >= ENGINE_TARGET, detail: `${engine.rate.toLocaleString('en-US')} events/s` });
  if (!embedded) {
    checks.push({ target: `server RSS after the run < ${TARGETS.rssMb} MB`, pass: memory !== null && memory.rssMb < TARGETS.rssMb, detail: memory ? `${memory.rssMb} MB (peak ${memory.peakMb} MB)` : 'unknown (no /proc)' });
  }

  console.log(`\n${'route'.padEnd(20)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'ratio'.padStart(6)} ${'errors'.padStart(7)}`);
  for (const r of results) {
    if (r.skipped) console.log(`${r.name.padEnd(20)} skipped: ${r.skipped}`);
    else console.log(`${r.name.padEnd(20)} ${String(r.reqPerSec).padStart(8)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${(r.ratio === undefined ? '1' : String(r.ratio)).padStart(6)} ${String(r.errors).padStart(7)}`);
  }
  console.log(`Server memory after the run: ${memory ? `${memory.rssMb} MB RSS (peak ${memory.peakMb} MB)` : 'unknown'}`);
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
