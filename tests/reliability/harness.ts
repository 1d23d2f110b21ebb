import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

// Shared pieces of the reliability scripts: a throwaway PostgreSQL cluster, the built app as a child process,
// signing in over HTTP, and the status form (read the version, post a submission).

export const CLUSTER = { version: '15', name: 'ifreliability', port: 5499 };

export function clusterUrl(db: string): string {
  return `postgres://postgres@127.0.0.1:${CLUSTER.port}/${db}`;
}

/** A PostgreSQL cluster of its own, so restarting it disturbs nothing else on the machine. */
export function createCluster(): void {
  dropCluster();
  execFileSync(
    'pg_createcluster',
    [
      CLUSTER.version,
      CLUSTER.name,
      '-p',
      String(CLUSTER.port),
      '--start',
      '--',
      '--auth-local=trust',
      '--auth-host=trust',
    ],
    { stdio: 'ignore' },
  );
}

export function dropCluster(): void {
  try {
    execFileSync('pg_dropcluster', [CLUSTER.version, CLUSTER.name, '--stop'], { stdio: 'ignore' });
  } catch {
    // not there
  }
}

export function cluster(action: 'stop' | 'start' | 'restart'): void {
  execFileSync(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', CLUSTER.version, CLUSTER.name, action, ...(action === 'stop' ? ['-m', 'fast'] : [])],
    { stdio: 'ignore' },
  );
}

export function psql(sql: string, db = 'postgres'): string {
  return execFileSync(
    'psql',
    ['-h', '127.0.0.1', '-p', String(CLUSTER.port), '-U', 'postgres', '-d', db, '-Atqc', sql],
    { encoding: 'utf8' },
  ).trim();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface App {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts the built app (`npm run build` first) and waits for /healthz. */
export async function startApp(env: Record<string, string>): Promise<App> {
  const port = await freePort();
  let out = '';
  // node itself (not npx) so that signals reach the server process.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      BACKUP_KEEP: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited during start:\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`app did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function signIn(url: string, email: string, password = 'inspection-demo'): Promise<string> {
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    body: new URLSearchParams({ email, password }),
    redirect: 'manual',
  });
  const cookie = response.headers.get('set-cookie');
  if (response.status !== 303 || !cookie) throw new Error(`sign-in of ${email} failed: ${response.status}`);
  return cookie.split(';')[0];
}

export interface StatusForm {
  version: number;
  fields: Record<string, string>;
}

/** Reads the status form of a project: its version and the goal fields to fill. */
export async function readStatusForm(
  url: string,
  cookie: string,
  slug: string,
  projectId: number,
): Promise<StatusForm | { status: number }> {
  const response = await fetch(`${url}/forums/${slug}/projects/${projectId}/status`, {
    headers: { Cookie: cookie },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) return { status: response.status };
  const html = await response.text();
  const version = Number(
    /name="version"[^>]*value="(\d+)"/.exec(html)?.[1] ?? /value="(\d+)"[^>]*name="version"/.exec(html)?.[1],
  );
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/name="(goal\.\d+\.(value|done))"/g)) fields[m[1]] = m[2] === 'value' ? '42' : 'on';
  return { version, fields };
}

export async function postStatus(
  url: string,
  cookie: string,
  slug: string,
  projectId: number,
  form: StatusForm,
  summary: string,
) {
  const started = Date.now();
  try {
    const response = await fetch(`${url}/forums/${slug}/projects/${projectId}/status`, {
      method: 'POST',
      headers: { Cookie: cookie },
      body: new URLSearchParams({
        health: 'on_track',
        summary,
        risks: '',
        asks: '',
        version: String(form.version),
        ...form.fields,
      }),
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    return { status: response.status, ms: Date.now() - started };
  } catch (err) {
    return { status: 0, ms: Date.now() - started, error: (err as Error).message };
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
