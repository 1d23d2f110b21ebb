import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/database';
import type { DatabaseHandle } from '../../db/client';

export type Db = Kysely<Database>;
export type Executor = Kysely<Database> | Transaction<Database>;

// The server opens the database once at boot and registers it here. A global, because the server
// process and the Remix bundle each hold their own copy of this module.
const KEY = Symbol.for('inspection-forum.database');
type Holder = { [KEY]?: DatabaseHandle };

export function setDatabase(handle: DatabaseHandle | undefined): void {
  (globalThis as Holder)[KEY] = handle;
}

/** The open database, if any. */
export function currentDatabase(): DatabaseHandle | undefined {
  return (globalThis as Holder)[KEY];
}

export function getDatabaseHandle(): DatabaseHandle {
  const handle = currentDatabase();
  if (!handle) throw new Error('The database is not open yet');
  return handle;
}

const STORES = Symbol.for('inspection-forum.database-stores');
type WithStores = DatabaseHandle & { [STORES]?: Map<string, unknown> };

/**
 * Something a server process keeps for the open database (its caches), made by `create` on first use. Kept on the
 * database's handle, so the server and the Remix bundle share it. Null when no database is open, when it is a
 * test's transaction (rolled back: nothing learnt from it may outlive it), or, without `create`, not made yet.
 */
export function databaseStore<T>(name: string, create?: () => T): T | null {
  const handle = currentDatabase() as WithStores | undefined;
  if (!handle || handle.db.isTransaction) return null;
  const stores = (handle[STORES] ??= new Map());
  if (!stores.has(name)) {
    if (!create) return null;
    stores.set(name, create());
  }
  return stores.get(name) as T;
}

export function getDb(): Db {
  return getDatabaseHandle().db;
}

/** Runs fn in a transaction, or inside the caller's transaction when given one. */
export async function inTransaction<T>(db: Executor, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}

/** Whether the database answers now (the readiness probe): one round trip, never throws. */
export async function databaseAnswers(db?: Executor): Promise<boolean> {
  try {
    await sql`select 1`.execute(db ?? getDb());
    return true;
  } catch {
    return false;
  }
}
