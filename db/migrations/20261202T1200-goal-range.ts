import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
// A metric goal's valid range (issue #21.8, decision 008): values reported outside it are refused. Both ends are
// optional; without a lowest value the app takes 0.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE goals ADD COLUMN min_value numeric, ADD COLUMN max_value numeric`.execute(db);
  await sql`ALTER TABLE goals ADD CONSTRAINT goals_range_check CHECK (min_value IS NULL OR max_value IS NULL OR min_value <= max_value)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE goals DROP COLUMN min_value, DROP COLUMN max_value`.execute(db);
}
