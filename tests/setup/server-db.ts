import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../db/client';
import type { Database } from '../../db/database';

// Helpers for tests on the PostgreSQL server (no vitest import: global setup uses them too).
export function templateName(url: string): string {
  return `${new URL(url).pathname.slice(1)}_template`;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function migrateTemplate(url: string): Promise<void> {
  const template = templateName(url);
  await adminQuery(url, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await adminQuery(url, `CREATE DATABASE ${template}`);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: withDatabase(url, template), max: 1 }) }),
  });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}
