import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// Issue #17: the meeting page's guess at who attended looks up the audit rows of one meeting, by its target
// (`meeting:ID`) or by the meeting named in the row's detail. Without these indexes it walked the forum's whole audit
// log for every member (165 ms on the benchmark's forum after a few thousand status posts), and the log only grows.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX audit_log_target_idx ON audit_log (target)`.execute(db);
  await sql`CREATE INDEX audit_log_meeting_idx ON audit_log ((detail->>'meetingId'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX audit_log_meeting_idx`.execute(db);
  await sql`DROP INDEX audit_log_target_idx`.execute(db);
}
