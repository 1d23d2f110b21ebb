import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';

// Frozen in time: never import app code here.
// Issue #15: a forum's oversight policy has versions (number, the full values, author, reason, time) and every
// oversight event records the version it was applied under, so replay and `oversight verify` use the policy in
// force at each event and a change never rewrites history (decision 015).
//  - Version 1 of every existing forum is the policy the engine applied until now: the stored keys over the
//    defaults of the time (copied below), or the defaults as a whole when the stored policy failed validation
//    (as the engine did; the reason says so). A valid stored policy is rewritten whole, so a later change of
//    the code's defaults cannot change what version 1 means.
//  - forums.policy_version is the version in force (its values are forums.policy: one row, read together).
//  - Existing events were applied under version 1. An insert that names no version gets the forum's current one
//    from the database, like owner_id, so no write path can forget it.
const DEFAULTS = {
  intervalTight: 1,
  intervalStandard: 2,
  intervalLight: 4,
  intervalTrusted: 8,
  loosenStreakTight: 3,
  loosenStreakStandard: 4,
  loosenStreakLight: 4,
  windowSize: 5,
  windowLimit: 2,
  pointsHonestOff: 1,
  pointsSoftMiss: 1,
  pointsHardMiss: 2,
  pointsMissed: 1,
  hardMissCeiling: 'standard',
  escalationMisses: 5,
  attentionAtRiskInterval: 2,
  attentionOffTrackInterval: 1,
  pulledInterval: 1,
  firstProjectLevel: 'standard',
  newProjectMaxLevel: 'light',
  hardMissStartLevel: 'standard',
  hardMissLookback: 8,
};

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const interval = int(1, 52);
const streak = int(1, 20);
const points = int(0, 5);
const belowTrusted = z.enum(['tight', 'standard', 'light']);
const Schema = z
  .strictObject({
    intervalTight: interval,
    intervalStandard: interval,
    intervalLight: interval,
    intervalTrusted: interval,
    loosenStreakTight: streak,
    loosenStreakStandard: streak,
    loosenStreakLight: streak,
    windowSize: int(1, 20),
    windowLimit: int(1, 100),
    pointsHonestOff: points,
    pointsSoftMiss: points,
    pointsHardMiss: points,
    pointsMissed: points,
    hardMissCeiling: belowTrusted,
    escalationMisses: int(1, 20),
    attentionAtRiskInterval: interval,
    attentionOffTrackInterval: interval,
    pulledInterval: interval,
    firstProjectLevel: belowTrusted,
    newProjectMaxLevel: belowTrusted,
    hardMissStartLevel: belowTrusted,
    hardMissLookback: int(0, 50),
  })
  .refine(
    (p) =>
      p.intervalTight <= p.intervalStandard &&
      p.intervalStandard <= p.intervalLight &&
      p.intervalLight <= p.intervalTrusted &&
      p.attentionOffTrackInterval <= p.attentionAtRiskInterval &&
      p.pointsSoftMiss <= p.pointsHardMiss &&
      p.pointsHonestOff <= p.pointsSoftMiss,
  );

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE policy_versions (
      forum_id bigint NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
      number integer NOT NULL CHECK (number >= 1),
      "values" jsonb NOT NULL CHECK (jsonb_typeof("values") = 'object'),
      author_id bigint REFERENCES users(id) ON DELETE SET NULL,
      reason text NOT NULL CHECK (length(btrim(reason)) > 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (forum_id, number)
    )`.execute(db);
  await sql`ALTER TABLE forums ADD COLUMN policy_version integer NOT NULL DEFAULT 1 CHECK (policy_version >= 1)`.execute(
    db,
  );

  const forums = await sql<{
    id: number | string;
    policy: unknown;
    created_at: Date;
  }>`SELECT id, policy, created_at FROM forums ORDER BY id`.execute(db);
  for (const f of forums.rows) {
    const stored =
      f.policy !== null && typeof f.policy === 'object' && !Array.isArray(f.policy)
        ? (f.policy as Record<string, unknown>)
        : null;
    const parsed = stored ? Schema.safeParse({ ...DEFAULTS, ...stored }) : null;
    const values = parsed?.success ? parsed.data : DEFAULTS;
    const reason = parsed?.success
      ? 'The policy in force when policy versions began'
      : 'The policy in force when policy versions began: the stored policy failed validation, so the defaults applied';
    await sql`INSERT INTO policy_versions (forum_id, number, "values", author_id, reason, created_at)
      VALUES (${f.id}, 1, ${JSON.stringify(values)}::jsonb, NULL, ${reason}, ${f.created_at})`.execute(db);
    if (parsed?.success)
      await sql`UPDATE forums SET policy = ${JSON.stringify(values)}::jsonb WHERE id = ${f.id}`.execute(db);
  }

  // One statement, no UPDATE: existing rows read the default (no rewrite, no per-row trigger events).
  await sql`ALTER TABLE oversight_events ADD COLUMN policy_version integer NOT NULL DEFAULT 1 CHECK (policy_version >= 1)`.execute(
    db,
  );
  await sql`ALTER TABLE oversight_events ALTER COLUMN policy_version DROP DEFAULT`.execute(db);
  await sql`
    CREATE FUNCTION oversight_event_policy_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.policy_version IS NULL THEN
        SELECT f.policy_version INTO NEW.policy_version FROM projects p JOIN forums f ON f.id = p.forum_id WHERE p.id = NEW.project_id;
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER oversight_events_policy_version BEFORE INSERT ON oversight_events FOR EACH ROW EXECUTE FUNCTION oversight_event_policy_version()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER oversight_events_policy_version ON oversight_events`.execute(db);
  await sql`DROP FUNCTION oversight_event_policy_version()`.execute(db);
  await sql`ALTER TABLE oversight_events DROP COLUMN policy_version`.execute(db);
  await sql`ALTER TABLE forums DROP COLUMN policy_version`.execute(db);
  await sql`DROP TABLE policy_versions`.execute(db);
}
