import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// Issue #16: the chair records who attended a meeting (stored, no longer guessed from the audit log). Recording it
// stamps the meeting row, which also moves the forum's data version (the meetings trigger), so cached pages follow.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE meeting_attendance (
      meeting_id bigint NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      PRIMARY KEY (meeting_id, user_id)
    )`.execute(db);
  await sql`ALTER TABLE meetings ADD COLUMN attendance_recorded_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE meetings DROP COLUMN attendance_recorded_at`.execute(db);
  await sql`DROP TABLE meeting_attendance`.execute(db);
}
