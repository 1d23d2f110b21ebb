import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// The engine's class of each event (PASS, FLAG, HARD_MISS, MISSED, …), stored so calibration counts are a
// GROUP BY instead of a re-derivation. Rows written before this migration are classified here once.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE oversight_events ADD COLUMN event_class text NOT NULL DEFAULT 'STATUS'`.execute(db);
  await sql`
    UPDATE oversight_events SET event_class = CASE
      WHEN type = 'start' OR type = 'restart' THEN 'RESTART'
      WHEN type = 'status' THEN 'STATUS'
      WHEN type = 'missed' THEN 'MISSED'
      WHEN type = 'spillover' THEN 'SPILLOVER'
      WHEN type = 'override' THEN CASE WHEN rule = 'override_rejected' THEN 'REJECTED' ELSE 'OVERRIDE' END
      WHEN payload->>'verdict' = 'on_track' THEN 'PASS'
      WHEN payload->>'verdict' = 'at_risk' AND payload->>'selfReport' = 'on_track' THEN 'SOFT_MISS'
      WHEN payload->>'verdict' = 'at_risk' THEN 'FLAG'
      WHEN payload->>'selfReport' = 'off_track' THEN 'HONEST_OFF'
      WHEN payload->>'selfReport' = 'at_risk' THEN 'SOFT_MISS'
      ELSE 'HARD_MISS' END`.execute(db);
  await sql`ALTER TABLE oversight_events ALTER COLUMN event_class DROP DEFAULT`.execute(db);
  await sql`ALTER TABLE oversight_events ADD CONSTRAINT oversight_events_event_class_check CHECK (event_class IN
    ('PASS','FLAG','HONEST_OFF','SOFT_MISS','HARD_MISS','MISSED','STATUS','OVERRIDE','SPILLOVER','RESTART','REJECTED'))`.execute(
    db,
  );
  await sql`CREATE INDEX oversight_events_project_class_idx ON oversight_events (project_id, event_class)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE oversight_events DROP COLUMN event_class`.execute(db);
}
