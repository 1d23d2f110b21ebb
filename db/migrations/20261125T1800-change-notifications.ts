import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// Change notifications (issue #8): each server process keeps signed-in sessions and forum data versions in memory
// and learns of changes from PostgreSQL's NOTIFY on channel `inspection_changes`, sent at commit (never for a
// rolled-back transaction). Payloads:
//   s:<session id hash>            a session ended (sign-out, expiry, "sign out other sessions")
//   u:<user id>                    a user's name, email, admin flag or memberships changed
//   f:<forum id>:<version>:<0|1>   a forum's data version moved; 1 when its name, slug, time zone or cadence changed
//   f:<forum id>:-1:1              a forum was deleted
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION notify_session_ended() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('inspection_changes', 's:' || OLD.id_hash);
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER sessions_notify AFTER DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION notify_session_ended()`.execute(
    db,
  );

  await sql`
    CREATE FUNCTION notify_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('inspection_changes', 'u:' || OLD.id);
      ELSE
        IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('inspection_changes', 'u:' || OLD.user_id); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('inspection_changes', 'u:' || NEW.user_id); END IF;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER users_notify AFTER UPDATE OF name, email, is_admin OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION notify_user_changed()`.execute(db);
  await sql`
    CREATE TRIGGER memberships_notify AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION notify_user_changed()`.execute(db);

  await sql`
    CREATE FUNCTION notify_forum_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
  await sql`CREATE TRIGGER forums_notify AFTER UPDATE OR DELETE ON forums FOR EACH ROW EXECUTE FUNCTION notify_forum_changed()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER forums_notify ON forums`.execute(db);
  await sql`DROP FUNCTION notify_forum_changed()`.execute(db);
  await sql`DROP TRIGGER memberships_notify ON memberships`.execute(db);
  await sql`DROP TRIGGER users_notify ON users`.execute(db);
  await sql`DROP FUNCTION notify_user_changed()`.execute(db);
  await sql`DROP TRIGGER sessions_notify ON sessions`.execute(db);
  await sql`DROP FUNCTION notify_session_ended()`.execute(db);
}
