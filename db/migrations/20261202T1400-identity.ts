import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// Issue #14, the identity half: a team sets itself up without SQL.
//  - users.password_hash is null for an invited account until its owner sets a password (nobody can sign in to it);
//  - users.deactivated_at: a deactivated user cannot sign in and has no sessions; their history stays;
//  - verifications: one table for every secret link (invitation, password reset, later others). Only a hash of
//    the secret is stored; a link is single-use (used_at) and expires; one live link per type and target.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN deactivated_at timestamptz`.execute(db);
  await sql`
    CREATE TABLE verifications (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      type text NOT NULL CHECK (type ~ '^[a-z][a-z-]{0,39}$'),
      target text NOT NULL CHECK (length(target) BETWEEN 1 AND 400),
      secret_hash text NOT NULL UNIQUE,
      payload jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_by bigint REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      UNIQUE (type, target)
    )`.execute(db);
  // The session cache (migration T1800) must hear of a deactivation: recreate the users trigger with the column.
  await sql`DROP TRIGGER users_notify ON users`.execute(db);
  await sql`
    CREATE TRIGGER users_notify AFTER UPDATE OF name, email, is_admin, deactivated_at OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION notify_user_changed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER users_notify ON users`.execute(db);
  await sql`
    CREATE TRIGGER users_notify AFTER UPDATE OF name, email, is_admin OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION notify_user_changed()`.execute(db);
  await sql`DROP TABLE verifications`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN deactivated_at`.execute(db);
  await sql`UPDATE users SET password_hash = '!' WHERE password_hash IS NULL`.execute(db);
  await sql`ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL`.execute(db);
}
