import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// Issue #16: every email is a row of the outbox, written in the transaction of the change that causes it and sent
// by the dispatcher (decision 014). `dedupe_key` is unique: one row per kind, subject and recipient, so a scheduled
// email written twice (two ticks, two app instances, a restart) is one row and goes out once.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      kind text NOT NULL,
      dedupe_key text NOT NULL UNIQUE,
      forum_id bigint REFERENCES forums(id) ON DELETE SET NULL,
      user_id bigint REFERENCES users(id) ON DELETE SET NULL,
      to_address text NOT NULL,
      subject text NOT NULL,
      text_body text NOT NULL,
      html_body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      locked_until timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      logged_at timestamptz,
      sent_at timestamptz,
      failed_at timestamptz
    )`.execute(db);
  // The dispatcher's claim: rows neither sent nor given up, by when they are due.
  await sql`CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL`.execute(db);
  await sql`CREATE INDEX outbox_created ON outbox (created_at DESC, id DESC)`.execute(db);
  // "Forgot password" requests, throttled per address and per client like sign-ins (login_attempts).
  await sql`
    CREATE TABLE password_reset_requests (
      id bigserial PRIMARY KEY,
      email text NOT NULL,
      ip text NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX password_reset_requests_email ON password_reset_requests (lower(email), at)`.execute(db);
  await sql`CREATE INDEX password_reset_requests_ip ON password_reset_requests (ip, at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE password_reset_requests`.execute(db);
  await sql`DROP TABLE outbox`.execute(db);
}
