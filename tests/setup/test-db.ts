import crypto from 'node:crypto';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { test as base } from 'vitest';
import { createPgliteDatabase, createPostgresDatabase, migrateToLatest, type DatabaseHandle } from '../../db/client';
import type { Database } from '../../db/database';
import { setDatabase } from '../../app/utils/db.server';

// Integration tests run on a real database: in-memory PGlite by default, or on the PostgreSQL server named
// by DATABASE_URL — a fresh database per test file, copied from a migrated template (see global-setup.ts).

export const serverUrl = process.env.DATABASE_URL || undefined;
export const backend = serverUrl ? 'postgres' : 'pglite';

export function templateName(url: string): string {
  return `${new URL(url).pathname.slice(1)}_template`;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A database of its own for one test file (or one test that needs real commits and concurrency). */
export async function openFreshDatabase(): Promise<DatabaseHandle> {
  if (!serverUrl) {
    const handle = await createPgliteDatabase();
    await migrateToLatest(handle.db);
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

export async function migrateTemplate(url: string): Promise<void> {
  const template = templateName(url);
  await adminQuery(url, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await adminQuery(url, `CREATE DATABASE ${template}`);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: withDatabase(url, template), max: 1 }) }) });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
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

export { sql };
