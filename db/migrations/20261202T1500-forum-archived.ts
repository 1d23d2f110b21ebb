import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// Issue #14: an instance admin or the forum's chair can archive a forum. An archived forum leaves its members'
// forum lists (the session's forums), so the change notification must say "name/slug/… changed" (flag 1) when
// the archived flag moves, or other server processes would keep serving it from their session caches.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE forums ADD COLUMN archived boolean NOT NULL DEFAULT false`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION notify_forum_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('inspection_changes', 'f:' || OLD.id || ':-1:1');
      ELSE
        PERFORM pg_notify('inspection_changes', 'f:' || NEW.id || ':' || NEW.data_version || ':' ||
          CASE WHEN (NEW.name, NEW.slug, NEW.time_zone, NEW.cadence, NEW.archived) IS DISTINCT FROM (OLD.name, OLD.slug, OLD.time_zone, OLD.cadence, OLD.archived)
            THEN '1' ELSE '0' END);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION notify_forum_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('inspection_changes', 'f:' || OLD.id || ':-1:1');
      ELSE
        PERFORM pg_notify('inspection_changes', 'f:' || NEW.id || ':' || NEW.data_version || ':' ||
          CASE WHEN (NEW.name, NEW.slug, NEW.time_zone, NEW.cadence) IS DISTINCT FROM (OLD.name, OLD.slug, OLD.time_zone, OLD.cadence)
            THEN '1' ELSE '0' END);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`ALTER TABLE forums DROP COLUMN archived`.execute(db);
}
