import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// Issue #16: a personal calendar feed a calendar app can subscribe to without the session cookie. One secret per
// user (regenerating replaces it, revoking deletes it); only its SHA-256 is stored.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE calendar_tokens (
      user_id bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE calendar_tokens`.execute(db);
}
