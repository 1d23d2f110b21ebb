import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Verdicts get the same optimistic concurrency as statuses (issue #21): a version the form carries back, so a
// stale update answers a conflict instead of silently replacing a colleague's verdict.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE reviews ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE reviews DROP COLUMN version`.execute(db);
}
