import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// Performance at realistic scale (issue #8: hundreds of projects, years of weekly history).
export async function up(db: Kysely<any>): Promise<void> {
  // Cached derived state: each project's count of oversight events per class (PASS, FLAG, …, MISSED), kept by
  // recordOversightEvents in the same update as the cached engine state, so the oversight page's calibration is
  // read from the project rows instead of grouping every event of the forum. `oversight verify` checks it.
  await sql`ALTER TABLE projects ADD COLUMN oversight_class_counts jsonb NOT NULL DEFAULT '{}'::jsonb`.execute(db);
  await sql`
    UPDATE projects p SET oversight_class_counts = c.counts
    FROM (
      SELECT project_id, jsonb_object_agg(event_class, n) AS counts
      FROM (SELECT project_id, event_class, count(*)::int AS n FROM oversight_events GROUP BY project_id, event_class) x
      GROUP BY project_id
    ) c
    WHERE c.project_id = p.id`.execute(db);
  // The review load counts, per meeting, the projects whose oversight had started by then: min(occurred_at) of a
  // project's events is one index probe instead of a scan of its history.
  await sql`CREATE INDEX oversight_events_project_occurred_idx ON oversight_events (project_id, occurred_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX oversight_events_project_occurred_idx`.execute(db);
  await sql`ALTER TABLE projects DROP COLUMN oversight_class_counts`.execute(db);
}
