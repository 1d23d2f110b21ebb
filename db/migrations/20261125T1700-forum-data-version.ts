import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// A version number per forum that changes with any change to the forum's data (issue #8): the app caches a
// forum's derived page data (dashboard, oversight, meeting and project pages) under it and reads one integer
// per request instead of recomputing. Kept by the database itself, so no write path can forget it:
//  - deferred constraint triggers on every table a forum page reads, run at commit, once per forum and
//    transaction (a transaction-local setting remembers it), so the forum row is locked only for the commit;
//  - a change to the forums row itself (settings) bumps it too.
// A reader that reads the version, then the data, gets data at least as new as the version: never stale.
const TABLES: [table: string, via: 'forum' | 'project' | 'status' | 'goal' | 'user'][] = [
  ['memberships', 'forum'],
  ['projects', 'forum'],
  ['meetings', 'forum'],
  ['goals', 'project'],
  ['status_updates', 'project'],
  ['agenda_items', 'project'],
  ['reviews', 'project'],
  ['action_items', 'project'],
  ['oversight_events', 'project'],
  ['status_goal_values', 'status'],
  ['goal_revisions', 'goal'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE forums ADD COLUMN data_version bigint NOT NULL DEFAULT 0`.execute(db);
  await sql`
    CREATE FUNCTION forum_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      r jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
      fid bigint;
    BEGIN
      FOR fid IN
        SELECT (r->>'forum_id')::bigint WHERE TG_ARGV[0] = 'forum'
        UNION SELECT p.forum_id FROM projects p WHERE TG_ARGV[0] = 'project' AND p.id = (r->>'project_id')::bigint
        UNION SELECT p.forum_id FROM status_updates s JOIN projects p ON p.id = s.project_id
          WHERE TG_ARGV[0] = 'status' AND s.id = (r->>'status_update_id')::bigint
        UNION SELECT p.forum_id FROM goals g JOIN projects p ON p.id = g.project_id
          WHERE TG_ARGV[0] = 'goal' AND g.id = (r->>'goal_id')::bigint
        UNION SELECT m.forum_id FROM memberships m WHERE TG_ARGV[0] = 'user' AND m.user_id = (r->>'id')::bigint
      LOOP
        IF fid IS NOT NULL AND coalesce(current_setting('inspection.forum_changed_' || fid, true), '') <> 'y' THEN
          PERFORM set_config('inspection.forum_changed_' || fid, 'y', true);
          UPDATE forums SET data_version = data_version + 1 WHERE id = fid;
        END IF;
      END LOOP;
      RETURN NULL;
    END $$`.execute(db);
  for (const [table, via] of TABLES) {
    await sql`
      CREATE CONSTRAINT TRIGGER ${sql.raw(`${table}_forum_data_changed`)}
      AFTER INSERT OR UPDATE OR DELETE ON ${sql.table(table)}
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION forum_data_changed(${sql.lit(via)})`.execute(db);
  }
  // Names are shown on forum pages.
  await sql`
    CREATE CONSTRAINT TRIGGER users_forum_data_changed AFTER UPDATE OF name, email ON users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION forum_data_changed('user')`.execute(db);
  await sql`
    CREATE FUNCTION forum_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.data_version = OLD.data_version THEN NEW.data_version := OLD.data_version + 1; END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER forums_settings_changed BEFORE UPDATE ON forums FOR EACH ROW EXECUTE FUNCTION forum_settings_changed()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER forums_settings_changed ON forums`.execute(db);
  await sql`DROP FUNCTION forum_settings_changed()`.execute(db);
  await sql`DROP TRIGGER users_forum_data_changed ON users`.execute(db);
  for (const [table] of TABLES)
    await sql`DROP TRIGGER ${sql.raw(`${table}_forum_data_changed`)} ON ${sql.table(table)}`.execute(db);
  await sql`DROP FUNCTION forum_data_changed()`.execute(db);
  await sql`ALTER TABLE forums DROP COLUMN data_version`.execute(db);
}
