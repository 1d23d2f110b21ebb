import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// Issue #16: the chair skips a planned meeting with a reason (state 'skipped': never started, never closed, never
// an engine event) or moves it to another time. A move keeps the calendar event's UID and bumps its SEQUENCE
// (RFC 5545), and remembers the slot the planner made it for, so the planner never plans that slot again.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE meetings DROP CONSTRAINT meetings_state_check`.execute(db);
  await sql`ALTER TABLE meetings ADD CONSTRAINT meetings_state_check CHECK (state IN ('planned','in_progress','closed','skipped'))`.execute(
    db,
  );
  await sql`ALTER TABLE meetings ADD COLUMN skip_reason text`.execute(db);
  await sql`ALTER TABLE meetings ADD COLUMN skipped_at timestamptz`.execute(db);
  await sql`ALTER TABLE meetings ADD COLUMN skipped_by bigint REFERENCES users(id)`.execute(db);
  await sql`ALTER TABLE meetings ADD COLUMN sequence integer NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE meetings ADD COLUMN planned_for timestamptz`.execute(db);
  await sql`ALTER TABLE meetings ADD CONSTRAINT meetings_skip_reason_check CHECK ((state = 'skipped') = (skip_reason IS NOT NULL))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM meetings WHERE state = 'skipped'`.execute(db);
  await sql`ALTER TABLE meetings DROP CONSTRAINT meetings_skip_reason_check`.execute(db);
  await sql`ALTER TABLE meetings DROP COLUMN planned_for`.execute(db);
  await sql`ALTER TABLE meetings DROP COLUMN sequence`.execute(db);
  await sql`ALTER TABLE meetings DROP COLUMN skipped_by`.execute(db);
  await sql`ALTER TABLE meetings DROP COLUMN skipped_at`.execute(db);
  await sql`ALTER TABLE meetings DROP COLUMN skip_reason`.execute(db);
  await sql`ALTER TABLE meetings DROP CONSTRAINT meetings_state_check`.execute(db);
  await sql`ALTER TABLE meetings ADD CONSTRAINT meetings_state_check CHECK (state IN ('planned','in_progress','closed'))`.execute(
    db,
  );
}
