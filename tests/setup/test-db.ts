import crypto from 'node:crypto';
import fs from 'node:fs';
import { sql, type Kysely, type Transaction } from 'kysely';
import { test as base } from 'vitest';
import { createPgliteDatabase, createPostgresDatabase, migrateToLatest, type DatabaseHandle } from '../../db/client';
import type { Database } from '../../db/database';
import { setDatabase } from '../../app/utils/db.server';
import { adminQuery, templateName, withDatabase } from './server-db';
import { PGLITE_TEMPLATE_ENV } from './global-setup';

// Integration tests run on a real database: in-memory PGlite by default, or on the PostgreSQL server named
// by DATABASE_URL — a fresh database per test file, copied from a migrated template (see global-setup.ts).

export const serverUrl = process.env.DATABASE_URL || undefined;
export const backend = serverUrl ? 'postgres' : 'pglite';

/** A database of its own for one test file (or one test that needs real commits and concurrency). */
export async function openFreshDatabase(): Promise<DatabaseHandle> {
  if (!serverUrl) {
    const template = process.env[PGLITE_TEMPLATE_ENV]; // global-setup.ts's migrated dump
    const handle = await createPgliteDatabase(undefined, {
      loadDataDir: template ? new Blob([fs.readFileSync(template)]) : undefined,
    });
    await migrateToLatest(handle.db); // nothing to do when loaded from the dump
    return handle;
  }
  const name = `if_test_${crypto.randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name} TEMPLATE ${templateName(serverUrl)}`);
  const handle = createPostgresDatabase(withDatabase(serverUrl, name), { max: 20 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

class Rollback extends Error {}

let shared: Promise<DatabaseHandle> | undefined;
/** One database per test file, opened lazily and closed when the file's worker exits. */
export function fileDatabase(): Promise<DatabaseHandle> {
  shared ??= openFreshDatabase();
  return shared;
}

export async function closeFileDatabase(): Promise<void> {
  if (shared) await (await shared).close();
  shared = undefined;
}

/**
 * `dbTest` gives each test a transaction that is rolled back afterwards, and registers it as the app's
 * database so loaders and actions called in the test see the same data.
 */
export const dbTest = base.extend<{ db: Transaction<Database> }>({
  // eslint-disable-next-line no-empty-pattern
  db: async ({}, use) => {
    const handle = await fileDatabase();
    await handle.db
      .transaction()
      .execute(async (trx) => {
        setDatabase({ db: trx as unknown as Kysely<Database>, kind: handle.kind, close: async () => {} });
        try {
          await use(trx);
        } finally {
          setDatabase(undefined);
        }
        throw new Rollback();
      })
      .catch((err: unknown) => {
        if (!(err instanceof Rollback)) throw err;
      });
  },
});

/** Runs a statement expected to fail inside the test's transaction without aborting it (a savepoint). */
export async function expectDbError(
  db: Transaction<Database>,
  run: () => Promise<unknown>,
  pattern: RegExp,
): Promise<void> {
  await sql`savepoint expect_db_error`.execute(db);
  let error: unknown;
  try {
    await run();
  } catch (err) {
    error = err;
  }
  await sql`rollback to savepoint expect_db_error`.execute(db);
  if (!error) throw new Error(`Expected a database error matching ${pattern}`);
  if (!pattern.test(String((error as Error).message)))
    throw new Error(`Expected ${pattern}, got: ${(error as Error).message}`);
}

export { sql };
