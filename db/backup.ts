import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from './database';
import {
  acquireDataDirLock,
  createPgliteDatabase,
  createPostgresDatabase,
  DataDirLockedError,
  migrateToLatest,
  type DatabaseHandle,
} from './client';

// Backup and restore (issue #18). On a PostgreSQL server: pg_dump / pg_restore in their custom format. On the
// embedded database: PGlite's data-folder dump (a gzipped tar), taken by the server that has the folder open
// when one does (only one process may open it: see acquireDataDirLock), asked through a request file and a
// SIGUSR2. An embedded dump can also be restored into a PostgreSQL server: that is how to move to one.

type Executor = Kysely<Database> | Transaction<Database>;

/** A refusal the user can act on (the CLI prints it without a stack and exits 2). */
export class BackupRefusedError extends Error {}

export type DumpFormat = 'postgres' | 'embedded';

/** Which kind of dump a file is, from its first bytes: pg_dump's custom format, or a (gzipped) tar of a data folder. */
export function dumpFormat(head: Uint8Array): DumpFormat | null {
  if (Buffer.from(head.subarray(0, 5)).toString('latin1') === 'PGDMP') return 'postgres';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'embedded';
  if (Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'embedded';
  return null;
}

/** Writes a file so that a reader sees either nothing or all of it: a temporary file, flushed, then renamed. */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Embedded database

/** A gzipped tar of the open embedded database's data folder, consistent: no transaction of the app is half-done. */
export async function dumpEmbedded(handle: DatabaseHandle): Promise<Uint8Array> {
  const pglite = handle.pglite;
  if (!pglite) throw new Error('Only the embedded database dumps its data folder');
  // Kysely's one PGlite connection is held meanwhile, so the app's transactions wait instead of interleaving.
  return handle.db.connection().execute(async (conn) => {
    await sql`CHECKPOINT`.execute(conn);
    const blob = await pglite.dumpDataDir('gzip');
    return new Uint8Array(await blob.arrayBuffer());
  });
}

const REQUESTS = 'backup-requests';
const RequestSchema = z.strictObject({
  file: z
    .string()
    .min(1)
    .refine((f) => path.isAbsolute(f), 'must be an absolute path'),
});

/**
 * The server side of `db:backup` on the embedded database: on SIGUSR2 it writes the dump asked for by each request
 * file in DATA_DIR/backup-requests (then `<id>.done`, or `<id>.error` with the reason). `server.pid` there says
 * that this process takes requests (the CLI never signals a process that has not said so: SIGUSR2 would end it).
 */
export function serveBackupRequests(
  handle: DatabaseHandle,
  dataDir: string,
  log: (message: string) => void = () => {},
): () => void {
  const dir = path.join(dataDir, REQUESTS);
  fs.mkdirSync(dir, { recursive: true });
  let queue = Promise.resolve();
  const answer = async () => {
    for (const name of fs.readdirSync(dir).filter((n) => /^[\w-]+\.json$/.test(n))) {
      const id = name.slice(0, -'.json'.length);
      const requestPath = path.join(dir, name);
      try {
        const request = RequestSchema.parse(JSON.parse(fs.readFileSync(requestPath, 'utf8')));
        writeFileAtomic(request.file, await dumpEmbedded(handle));
        writeFileAtomic(path.join(dir, `${id}.done`), request.file);
        log(`backup written to ${request.file}`);
      } catch (err) {
        writeFileAtomic(path.join(dir, `${id}.error`), err instanceof Error ? err.message : String(err));
        log(`backup request ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        fs.rmSync(requestPath, { force: true });
      }
    }
  };
  const onSignal = () => {
    queue = queue.then(answer, answer);
  };
  process.on('SIGUSR2', onSignal);
  const pidFile = path.join(dir, 'server.pid');
  writeFileAtomic(pidFile, String(process.pid));
  return () => {
    process.off('SIGUSR2', onSignal);
    try {
      if (fs.readFileSync(pidFile, 'utf8') === String(process.pid)) fs.rmSync(pidFile, { force: true });
    } catch {
      // already gone
    }
  };
}

function readPid(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks the running server `pid` to write the dump to `file`, and waits for it. */
async function requestDumpFromServer(dataDir: string, pid: number, file: string, timeoutMs: number): Promise<void> {
  const dir = path.join(dataDir, REQUESTS);
  if (readPid(path.join(dir, 'server.pid')) !== pid) {
    throw new BackupRefusedError(
      `A process (pid ${pid}) has the embedded database in ${path.resolve(dataDir)} open but does not take backup requests ` +
        '(an older version, or still starting): try again in a moment, or stop it and run the backup again.',
    );
  }
  const id = `${Date.now()}-${crypto.randomBytes(6).toString('hex')}`;
  const status = (ext: string) => path.join(dir, `${id}.${ext}`);
  writeFileAtomic(status('json'), JSON.stringify({ file }));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (fs.existsSync(status('done'))) {
      fs.rmSync(status('done'), { force: true });
      return;
    }
    if (fs.existsSync(status('error'))) {
      const reason = fs.readFileSync(status('error'), 'utf8');
      fs.rmSync(status('error'), { force: true });
      throw new Error(`The server could not write the backup: ${reason}`);
    }
    if (Date.now() > deadline || !isAlive(pid)) {
      fs.rmSync(status('json'), { force: true });
      throw new Error(
        `The server (pid ${pid}) did not write the backup within ${Math.round(timeoutMs / 1000)} s${isAlive(pid) ? '' : ': it has stopped'}.`,
      );
    }
    await sleep(100);
  }
}

const toBlob = (bytes: Uint8Array) => new Blob([new Uint8Array(bytes)]);

const hasEmbeddedData = (dataDir: string) => fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'));

/** Backs up the embedded database in dataDir: through the server that has it open, or by opening it here. */
export async function backupEmbedded(
  dataDir: string,
  file: string,
  options: { timeoutMs?: number } = {},
): Promise<'server' | 'direct'> {
  const target = path.resolve(file);
  if (!hasEmbeddedData(dataDir))
    throw new BackupRefusedError(`There is no embedded database in ${path.resolve(dataDir)} (DATA_DIR).`);
  const holder = readPid(path.join(dataDir, 'lock.pid'));
  if (holder !== null && holder !== process.pid && isAlive(holder)) {
    await requestDumpFromServer(dataDir, holder, target, options.timeoutMs ?? 120_000);
    return 'server';
  }
  let handle: DatabaseHandle;
  try {
    handle = await createPgliteDatabase(dataDir);
  } catch (err) {
    // A server started meanwhile: ask it.
    if (!(err instanceof DataDirLockedError)) throw err;
    return backupEmbedded(dataDir, file, options);
  }
  try {
    writeFileAtomic(target, await dumpEmbedded(handle));
  } finally {
    await handle.close();
  }
  return 'direct';
}

/** Replaces the embedded database in dataDir with a dump. The server must be stopped; data is replaced only with force. */
export async function restoreEmbedded(
  dataDir: string,
  dump: Uint8Array,
  options: { force?: boolean } = {},
): Promise<{ previous?: string }> {
  fs.mkdirSync(dataDir, { recursive: true });
  let release: () => void;
  try {
    release = acquireDataDirLock(dataDir);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      throw new BackupRefusedError(
        `An Inspection Forum server (pid ${readPid(path.join(dataDir, 'lock.pid'))}) is running on ${path.resolve(dataDir)}: ` +
          'stop it before restoring (a backup can be taken while it runs; a restore cannot).',
      );
    }
    throw err;
  }
  const pgDir = path.join(dataDir, 'pg');
  let previous: string | undefined;
  try {
    if (fs.existsSync(pgDir)) {
      if (hasEmbeddedData(dataDir)) {
        const existing = await createPgliteDatabase(dataDir, { lock: false });
        const empty = await isDatabaseEmpty(existing.db).finally(() => existing.close());
        if (!empty && !options.force) {
          throw new BackupRefusedError(
            `The embedded database in ${path.resolve(dataDir)} has data: restoring would replace it. ` +
              'Run again with --force to replace it (the current data folder is kept beside it).',
          );
        }
      }
      previous = `${pgDir}.before-restore-${timestamp(new Date())}`;
      fs.renameSync(pgDir, previous);
    }
    try {
      const restored = await createPgliteDatabase(dataDir, {
        lock: false,
        loadDataDir: toBlob(dump),
      });
      try {
        await migrateToLatest(restored.db);
      } finally {
        await restored.close();
      }
    } catch (err) {
      fs.rmSync(pgDir, { recursive: true, force: true });
      if (previous) fs.renameSync(previous, pgDir);
      throw err;
    }
    // An empty database replaced is no loss: keep only a folder that had data.
    if (previous && !options.force) {
      fs.rmSync(previous, { recursive: true, force: true });
      previous = undefined;
    }
    return { previous };
  } finally {
    release();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Daily backups of the embedded database

const BACKUP_FILE = /^inspection-forum-\d{8}T\d{6}Z\.tar\.gz$/;
const DAY_MS = 24 * 3600 * 1000;

function timestamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** The backups in dir, newest first. */
export function listBackups(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => BACKUP_FILE.test(n))
    .sort()
    .reverse()
    .map((n) => path.join(dir, n));
}

/** Writes a dated backup into dir and deletes all but the newest `keep`. */
export async function writeRotatingBackup(
  handle: DatabaseHandle,
  dir: string,
  keep: number,
  now = new Date(),
): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `inspection-forum-${timestamp(now)}.tar.gz`);
  writeFileAtomic(file, await dumpEmbedded(handle));
  for (const old of listBackups(dir).slice(keep)) fs.rmSync(old, { force: true });
  return file;
}

/** When a backup is due: none yet, or the newest is a day old. */
export function backupDue(dir: string, now = Date.now()): boolean {
  const [newest] = listBackups(dir);
  return !newest || now - fs.statSync(newest).mtimeMs >= DAY_MS;
}

/**
 * The server's daily backup: checked a minute after start and then hourly, written when the newest is a day old (so
 * restarts do not add backups). Returns a stop function.
 */
export function scheduleDailyBackups(
  handle: DatabaseHandle,
  options: {
    dir: string;
    keep: number;
    log: (message: string) => void;
    warn: (message: string) => void;
  },
): () => void {
  let running = false;
  const check = async () => {
    if (running || !backupDue(options.dir)) return;
    running = true;
    try {
      const file = await writeRotatingBackup(handle, options.dir, options.keep);
      options.log(`daily backup written to ${file}`);
    } catch (err) {
      options.warn(`daily backup failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void check(), 60_000);
  const hourly = setInterval(() => void check(), 3600_000);
  first.unref();
  hourly.unref();
  return () => {
    clearTimeout(first);
    clearInterval(hourly);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL server

/** pg_dump / pg_restore from PATH or the Debian layout, newest first; a clear message when missing. */
export function findPgTool(name: 'pg_dump' | 'pg_restore'): string {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    for (const v of fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a)))
      dirs.push(path.join(debian, v, 'bin'));
  }
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new BackupRefusedError(
    `${name} was not found: install the PostgreSQL client tools of the server's major version (Debian: apt-get install postgresql-client).`,
  );
}

/** The connection URL without its password, which goes in PGPASSWORD instead (never on a command line `ps` shows). */
function libpqArgs(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return {
    dbname: u.toString(),
    env: password ? { ...process.env, PGPASSWORD: password } : process.env,
  };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} failed (exit ${code}):\n${stderr.trim()}`)),
    );
  });
}

export async function backupPostgres(url: string, file: string): Promise<void> {
  const pgDump = findPgTool('pg_dump');
  const { dbname, env } = libpqArgs(url);
  const target = path.resolve(file);
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    await run(pgDump, ['--format=custom', '--no-owner', '--no-privileges', `--file=${tmp}`, `--dbname=${dbname}`], env);
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

async function openServer(url: string): Promise<DatabaseHandle> {
  return createPostgresDatabase(url, { max: 1 });
}

/** pg_restore in one transaction: all or nothing. With force, the dump's objects replace the existing ones. */
export async function restorePostgres(url: string, file: string, options: { force?: boolean } = {}): Promise<void> {
  const pgRestore = findPgTool('pg_restore');
  const target = await openServer(url);
  try {
    if (!(await isDatabaseEmpty(target.db)) && !options.force) throw refusedServer(url);
  } finally {
    await target.close();
  }
  const { dbname, env } = libpqArgs(url);
  await run(
    pgRestore,
    [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-privileges',
      '--single-transaction',
      '--exit-on-error',
      `--dbname=${dbname}`,
      path.resolve(file),
    ],
    env,
  );
  const restored = await openServer(url);
  try {
    await migrateToLatest(restored.db);
  } finally {
    await restored.close();
  }
}

function refusedServer(url: string): BackupRefusedError {
  const u = new URL(url);
  return new BackupRefusedError(
    `The database ${u.pathname.slice(1)} on ${u.host} has data: restoring would replace it. Run again with --force to replace it.`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// From the embedded database to a PostgreSQL server

const COPY_BATCH = 2_000;

/** The app's tables (not the migrator's), parents before children. */
async function tablesInCopyOrder(db: Executor): Promise<string[]> {
  const { rows: tables } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE 'kysely\\_%'
    ORDER BY c.relname`.execute(db);
  const { rows: links } = await sql<{ child: string; parent: string }>`
    SELECT ch.relname AS child, pa.relname AS parent FROM pg_constraint k
    JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
    JOIN pg_namespace n ON n.oid = ch.relnamespace
    WHERE k.contype = 'f' AND n.nspname = current_schema() AND k.conrelid <> k.confrelid`.execute(db);
  const ordered: string[] = [];
  const placed = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (placed.has(name)) return;
    if (path.includes(name)) throw new Error(`Foreign keys form a cycle: ${[...path, name].join(' → ')}`);
    for (const l of links) if (l.child === name) visit(l.parent, [...path, name]);
    placed.add(name);
    ordered.push(name);
  };
  for (const t of tables) visit(t.name, []);
  return ordered;
}

async function isEmptyTable(db: Executor, table: string): Promise<boolean> {
  const { rows } = await sql<{
    has: boolean;
  }>`SELECT EXISTS (SELECT 1 FROM ${sql.table(table)}) AS has`.execute(db);
  return !rows[0]?.has;
}

/** No row in any of the app's tables (a database without them is empty too). */
export async function isDatabaseEmpty(db: Executor): Promise<boolean> {
  for (const table of await tablesInCopyOrder(db)) if (!(await isEmptyTable(db, table))) return false;
  return true;
}

/** Every table's row count, by table name (what a restore must preserve). */
export async function countRows(db: Executor): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of (await tablesInCopyOrder(db)).sort()) {
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db);
    counts[table] = rows[0].n;
  }
  return counts;
}

/**
 * Loads an embedded dump into a temporary in-memory PGlite, migrates both sides to the latest schema, and copies
 * every table's rows into the server in one transaction (as JSON text, so timestamps, numerics and bytes keep
 * their exact values), then sets every sequence where it was. All or nothing.
 */
export async function copyEmbeddedDumpToPostgres(
  dump: Uint8Array,
  url: string,
  options: { force?: boolean } = {},
): Promise<Record<string, number>> {
  const source = await createPgliteDatabase(undefined, {
    loadDataDir: toBlob(dump),
  });
  try {
    await migrateToLatest(source.db);
    const tables = await tablesInCopyOrder(source.db);
    const { rows: sequences } = await sql<{
      name: string;
      value: number | null;
    }>`
      SELECT quote_ident(sequencename) AS name, last_value AS value FROM pg_sequences WHERE schemaname = current_schema()`.execute(
      source.db,
    );
    const target = await openServer(url);
    try {
      await migrateToLatest(target.db);
      return await target.db.transaction().execute(async (trx) => {
        if (!(await isDatabaseEmpty(trx))) {
          if (!options.force) throw refusedServer(url);
          await sql`TRUNCATE ${sql.join(tables.map((t) => sql.table(t)))} RESTART IDENTITY CASCADE`.execute(trx);
        }
        for (const table of tables) {
          const { rows: columns } = await sql<{ name: string }>`
            SELECT attname AS name FROM pg_attribute
            WHERE attrelid = ${table}::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
            ORDER BY attnum`.execute(source.db);
          const list = sql.join(columns.map((c) => sql.ref(c.name)));
          for (let offset = 0; ; offset += COPY_BATCH) {
            const { rows } = await sql<{ batch: string | null }>`
              SELECT json_agg(t)::text AS batch
              FROM (SELECT * FROM ${sql.table(table)} ORDER BY ctid LIMIT ${COPY_BATCH} OFFSET ${offset}) t`.execute(
              source.db,
            );
            const batch = rows[0]?.batch;
            if (!batch) break;
            await sql`
              INSERT INTO ${sql.table(table)} (${list}) OVERRIDING SYSTEM VALUE
              SELECT ${list} FROM json_populate_recordset(NULL::${sql.table(table)}, ${batch}::json)`.execute(trx);
          }
        }
        for (const s of sequences) {
          if (s.value !== null) await sql`SELECT setval(${s.name}::regclass, ${s.value})`.execute(trx);
        }
        return countRows(trx);
      });
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The commands

export interface BackupTarget {
  databaseUrl?: string;
  dataDir: string;
}

/** `db:backup FILE`: a pg_dump custom-format file on a server, a data-folder dump on the embedded database. */
export async function backupDatabase(target: BackupTarget, file: string): Promise<string> {
  if (target.databaseUrl) {
    await backupPostgres(target.databaseUrl, file);
    return `Backed up the PostgreSQL database to ${path.resolve(file)} (pg_dump custom format)`;
  }
  const how = await backupEmbedded(target.dataDir, file);
  return `Backed up the embedded database in ${path.resolve(target.dataDir)} to ${path.resolve(file)}${
    how === 'server' ? ' (written by the running server)' : ''
  }`;
}

/** `db:restore FILE [--force]`: the file's kind decides how (an embedded dump into a server is copied table by table). */
export async function restoreDatabase(
  target: BackupTarget,
  file: string,
  options: { force?: boolean } = {},
): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new BackupRefusedError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const format = dumpFormat(bytes);
  if (!format)
    throw new BackupRefusedError(`${file} is neither a PostgreSQL custom-format dump nor an embedded database dump.`);
  if (target.databaseUrl) {
    if (format === 'postgres') {
      await restorePostgres(target.databaseUrl, file, options);
      return `Restored ${path.resolve(file)} into the PostgreSQL database`;
    }
    const counts = await copyEmbeddedDumpToPostgres(bytes, target.databaseUrl, options);
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    return `Copied the embedded database dump ${path.resolve(file)} into the PostgreSQL database (${rows} rows in ${
      Object.keys(counts).length
    } tables)`;
  }
  if (format === 'postgres') {
    throw new BackupRefusedError(
      `${file} is a PostgreSQL dump: restore it into a PostgreSQL server (set DATABASE_URL).`,
    );
  }
  const { previous } = await restoreEmbedded(target.dataDir, bytes, options);
  return (
    `Restored ${path.resolve(file)} into the embedded database in ${path.resolve(target.dataDir)}` +
    (previous ? `; the data it replaced is in ${previous} (delete it when you no longer need it)` : '')
  );
}

/**
 * What the server runs for the embedded database: it answers `db:backup` requests, and (unless keep is 0) writes a
 * daily backup into backupDir (default DATA_DIR/backups), keeping the newest `keep`. Nothing on a PostgreSQL server,
 * whose backups are the operator's (pg_dump through `db:backup`, or the server's own). Returns a stop function.
 */
export function startEmbeddedBackups(
  handle: DatabaseHandle,
  options: {
    dataDir: string;
    backupDir?: string;
    keep: number;
    log: (message: string) => void;
    warn: (message: string) => void;
  },
): () => void {
  if (handle.kind !== 'pglite') return () => {};
  const stopRequests = serveBackupRequests(handle, options.dataDir, options.log);
  const stopDaily =
    options.keep > 0
      ? scheduleDailyBackups(handle, {
          dir: options.backupDir ?? path.join(options.dataDir, 'backups'),
          keep: options.keep,
          log: options.log,
          warn: options.warn,
        })
      : () => {};
  return () => {
    stopRequests();
    stopDaily();
  };
}
