import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// Each oversight event remembers who owned the project when it happened (issue #18): a new owner's starting level
// counts the hard misses they made, not the previous owner's. The database fills it from the project's owner at
// insert, so no write path can forget it. Events written before this migration get the owner of the time from the
// audited owner changes: the `from` of the first change after the event, else the project's current owner.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE oversight_events ADD COLUMN owner_id bigint REFERENCES users(id)`.execute(db);
  await sql`
    UPDATE oversight_events e SET owner_id = coalesce(
      (SELECT (a.detail->>'from')::bigint FROM audit_log a
        WHERE a.action = 'project.owner_changed' AND a.target = 'project:' || e.project_id AND a.at > e.occurred_at
        ORDER BY a.at, a.id LIMIT 1),
      (SELECT p.owner_id FROM projects p WHERE p.id = e.project_id))`.execute(db);
  await sql`
    CREATE FUNCTION oversight_event_owner() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.owner_id IS NULL THEN
        SELECT p.owner_id INTO NEW.owner_id FROM projects p WHERE p.id = NEW.project_id;
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER oversight_events_owner BEFORE INSERT ON oversight_events FOR EACH ROW EXECUTE FUNCTION oversight_event_owner()`.execute(
    db,
  );
  await sql`CREATE INDEX oversight_events_owner_idx ON oversight_events (owner_id, occurred_at DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER oversight_events_owner ON oversight_events`.execute(db);
  await sql`DROP FUNCTION oversight_event_owner()`.execute(db);
  await sql`ALTER TABLE oversight_events DROP COLUMN owner_id`.execute(db);
}
