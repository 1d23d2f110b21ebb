import type { Kysely, Transaction } from 'kysely';
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

export function getDatabaseHandle(): DatabaseHandle {
  const handle = (globalThis as Holder)[KEY];
  if (!handle) throw new Error('The database is not open yet');
  return handle;
}

export function getDb(): Db {
  return getDatabaseHandle().db;
}

/** Runs fn in a transaction, or inside the caller's transaction when given one. */
export async function inTransaction<T>(db: Executor, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}
