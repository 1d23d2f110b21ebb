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
      unsubscribe_url text,
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
  await sql`CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL`.execute(
    db,
  );
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
  // The kinds of email a member turned off (on /account or by an email's unsubscribe link): one row per kind.
  await sql`
    CREATE TABLE email_opt_outs (
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      kind text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, kind)
    )`.execute(db);
  // Secrets the instance makes for itself (the key that signs unsubscribe links), the same for every app instance.
  await sql`CREATE TABLE instance_secrets (name text PRIMARY KEY, value text NOT NULL)`.execute(db);
  // How long before a status deadline the owners who owe a status are reminded.
  await sql`ALTER TABLE forums ADD COLUMN status_reminder_hours integer NOT NULL DEFAULT 24 CHECK (status_reminder_hours BETWEEN 1 AND 336)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE forums DROP COLUMN status_reminder_hours`.execute(db);
  await sql`DROP TABLE instance_secrets`.execute(db);
  await sql`DROP TABLE email_opt_outs`.execute(db);
  await sql`DROP TABLE password_reset_requests`.execute(db);
  await sql`DROP TABLE outbox`.execute(db);
}
