import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  type LogEvent,
  type Migration,
  type MigrationProvider,
  type PostgresPool,
  type PostgresPoolClient,
} from 'kysely';
import pg from 'pg';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { Database } from './database';
import { migrations } from './migrations/index';
import { PgliteChangeFeed, PostgresChangeFeed, type ChangeFeed } from './changes';

export type DatabaseKind = 'postgres' | 'pglite';
export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** The database's change notifications (listened to only once subscribed). */
  changes?: ChangeFeed;
  /** The embedded database itself (PGlite only): backups dump its data folder. */
  pglite?: PGlite;
  /** The connection pool (PostgreSQL only): the metrics report its figures. */
  pool?: pg.Pool;
  /** Calls fn after every query with its duration and whether it failed (the metrics). */
  observeQueries?: (fn: QueryObserver) => void;
  close: () => Promise<void>;
}

export type QueryObserver = (durationMs: number, failed: boolean) => void;

/** Kysely's log hook, fanned out to whoever observes the queries (nothing is done while no one does). */
function queryObservers() {
  const observers: QueryObserver[] = [];
  return {
    log: (event: LogEvent) => {
      for (const fn of observers) fn(event.queryDurationMillis, event.level === 'error');
    },
    add: (fn: QueryObserver) => void observers.push(fn),
  };
}

const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082 } as const;

// The same JavaScript values on both backends: 64-bit integers as numbers (refusing to round), numerics as
// numbers, dates as 'YYYY-MM-DD' strings, timestamps as Date.
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`64-bit integer ${text} is outside JavaScript's safe range`);
  return n;
}
const parseNumeric = (text: string): number => Number(text);
const parseDate = (text: string): string => text;

function pgTypeParser(oid: number, format?: string): (text: string) => unknown {
  if (oid === OID.INT8) return parseInt8;
  if (oid === OID.NUMERIC) return parseNumeric;
  if (oid === OID.DATE) return parseDate;
  return pg.types.getTypeParser(oid, (format ?? 'text') as 'text');
}

export function createPostgresDatabase(connectionString: string, options: { max?: number } = {}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 2_000, // fail fast while the server is down: the request answers 503
    // Idle connections are kept (decision 029): a forum's pages come minutes apart outside its meetings, and a page
    // on new connections cost 3–4 times one on kept ones (each new PostgreSQL backend starts with empty catalog and
    // plan caches). One the server closes or drops is removed (the 'error' handlers below, TCP keepalive).
    idleTimeoutMillis: 0,
    keepAlive: true,
    types: { getTypeParser: pgTypeParser as typeof pg.types.getTypeParser },
  });
  // An unhandled 'error' from an idle client (e.g. the server restarting) would crash the process.
  pool.on('error', (err) => console.warn(`[db] idle client error: ${err.message}`));
  pool.on('connect', (client) => {
    client.on('error', (err) => console.warn(`[db] client error: ${err.message}`));
  });
  const queries = queryObservers();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: preparingPool(pool) }),
    log: queries.log,
  });
  const changes = new PostgresChangeFeed(connectionString);
  return {
    db,
    kind: 'postgres',
    changes,
    pool,
    observeQueries: queries.add,
    close: async () => {
      await changes.close();
      await db.destroy();
    },
  };
}

/** How many distinct statements a process prepares; later ones run unprepared (the server keeps a plan per connection). */
export const MAX_PREPARED_STATEMENTS = 256;
// Switched off only for a measurement (decision 023's A/B runs), like the page caches' PAGE_CACHE_OFF.
const PREPARED_OFF = (process.env.PAGE_CACHE_OFF ?? '').split(',').includes('prepared');

/**
 * Statements the app runs again and again are prepared, once per connection (issue #8): PostgreSQL then parses
 * them once and, after a few runs, reuses their plan instead of planning each time — planning was half of the
 * server's time for the status save and the session read. A statement is named by a hash of its text from its
 * second run; only statements with parameters (one command each: the extended protocol refuses several), at most
 * MAX_PREPARED_STATEMENTS of them. The server replans a prepared statement by itself when a table it reads changes.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const seen = new Map<string, string | null>(); // text → its name once prepared (null: seen once)
  let prepared = 0;
  const nameOf = (text: string): string | undefined => {
    if (PREPARED_OFF) return undefined;
    const name = seen.get(text);
    if (name) return name;
    if (name === undefined) {
      if (seen.size < 4 * MAX_PREPARED_STATEMENTS) seen.set(text, null);
      return undefined;
    }
    if (prepared >= MAX_PREPARED_STATEMENTS) return undefined;
    prepared += 1;
    const made = `if_${crypto.createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    seen.set(text, made);
    return made;
  };
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let wrapper = wrappers.get(client);
    if (!wrapper) {
      wrapper = {
        query: ((text: unknown, values?: unknown[]) => {
          const name = typeof text === 'string' && values && values.length > 0 ? nameOf(text) : undefined;
          return name ? client.query({ name, text: text as string, values }) : client.query(text as string, values);
        }) as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
      wrappers.set(client, wrapper);
    }
    return wrapper;
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}

const pgliteParsers = {
  [pgliteTypes.INT8]: parseInt8,
  [pgliteTypes.NUMERIC]: parseNumeric,
  [pgliteTypes.DATE]: parseDate,
};

/**
 * In-memory (no dataDir) or persisted PGlite. Persisted folders are locked to one process (`lock: false` when the
 * caller holds the lock already). `loadDataDir`: start from a data-folder dump (a backup) instead of an empty database.
 */
export async function createPgliteDatabase(
  dataDir?: string,
  options: { loadDataDir?: Blob; lock?: boolean } = {},
): Promise<DatabaseHandle> {
  let releaseLock = () => {};
  let pgDir: string | undefined;
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    if (options.lock !== false) releaseLock = acquireDataDirLock(dataDir);
    pgDir = path.join(dataDir, 'pg');
  }
  try {
    const pglite = await PGlite.create(pgDir, { parsers: pgliteParsers, loadDataDir: options.loadDataDir });
    const queries = queryObservers();
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), log: queries.log });
    const changes = new PgliteChangeFeed(pglite);
    return {
      db,
      kind: 'pglite',
      changes,
      pglite,
      observeQueries: queries.add,
      close: async () => {
        await changes.close();
        await db.destroy();
        if (!pglite.closed) await pglite.close();
        releaseLock();
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
  }
}

export class DataDirLockedError extends Error {}

/** Two processes must never open one PGlite folder: the second fails fast with a clear message. */
export function acquireDataDirLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'lock.pid');
  const take = () => fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
  try {
    take();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new DataDirLockedError(
        `The data folder ${path.resolve(dataDir)} is in use by another Inspection Forum process (pid ${holder}). ` +
          'The embedded database allows one process at a time: stop the other one, or set DATA_DIR to another folder ' +
          '(or DATABASE_URL to use a PostgreSQL server).',
      );
    }
    // A stale lock from a process that died: take it over.
    fs.rmSync(lockPath, { force: true });
    take();
  }
  return () => {
    try {
      if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.rmSync(lockPath, { force: true });
    } catch {
      // already gone
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const provider: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => migrations,
};

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${reason}`);
  }
}

export async function openDatabase(config: { databaseUrl?: string; dataDir: string }): Promise<DatabaseHandle> {
  return config.databaseUrl ? createPostgresDatabase(config.databaseUrl) : createPgliteDatabase(config.dataDir);
}
