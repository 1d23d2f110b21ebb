import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// The meeting page and the minutes read a meeting's action items; without this index that is a scan of all of them.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX action_items_meeting_idx ON action_items (meeting_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX action_items_meeting_idx`.execute(db);
}
