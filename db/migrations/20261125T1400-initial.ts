import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: never import app code here.
const HEALTH = `('on_track','at_risk','off_track')`;
const LEVEL = `('tight','standard','light','trusted')`;

// One statement per query: PGlite's extended protocol takes a single statement.
async function run(db: Kysely<any>, script: string): Promise<void> {
  for (const statement of script.split(/;\s*\n/)) {
    if (statement.trim()) await sql.raw(statement).execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await run(
    db,
    `
    CREATE TABLE users (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      password_hash text NOT NULL,
      is_admin boolean NOT NULL DEFAULT false,
      password_changed_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

    CREATE TABLE sessions (
      id_hash text PRIMARY KEY,
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      user_agent text,
      ip text
    );
    CREATE INDEX sessions_user_id_idx ON sessions (user_id);

    CREATE TABLE login_attempts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL,
      ip text NOT NULL,
      success boolean NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX login_attempts_email_at_idx ON login_attempts (lower(email), at);
    CREATE INDEX login_attempts_ip_at_idx ON login_attempts (ip, at);

    CREATE TABLE forums (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      cadence text NOT NULL DEFAULT 'weekly' CHECK (cadence IN ('weekly','biweekly','monthly')),
      weekday smallint NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 0 AND 6),
      meeting_time text NOT NULL DEFAULT '10:00' CHECK (meeting_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      time_zone text NOT NULL DEFAULT 'UTC',
      status_deadline_hours integer NOT NULL DEFAULT 24 CHECK (status_deadline_hours BETWEEN 0 AND 336),
      minutes_per_review integer NOT NULL DEFAULT 10 CHECK (minutes_per_review BETWEEN 1 AND 240),
      policy jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE memberships (
      forum_id bigint NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('chair','leader','owner','observer')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (forum_id, user_id)
    );
    CREATE INDEX memberships_user_id_idx ON memberships (user_id);

    CREATE TABLE projects (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      forum_id bigint NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
      owner_id bigint NOT NULL REFERENCES users(id),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      description text NOT NULL DEFAULT '',
      archived boolean NOT NULL DEFAULT false,
      oversight_level text NOT NULL DEFAULT 'standard' CHECK (oversight_level IN ${LEVEL}),
      oversight_interval integer NOT NULL DEFAULT 2 CHECK (oversight_interval BETWEEN 1 AND 52),
      oversight_escalated boolean NOT NULL DEFAULT false,
      oversight_state jsonb,
      oversight_explanation text NOT NULL DEFAULT '',
      oversight_event_count integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (forum_id, name)
    );
    CREATE INDEX projects_forum_id_idx ON projects (forum_id) WHERE NOT archived;
    CREATE INDEX projects_owner_id_idx ON projects (owner_id);

    CREATE TABLE goals (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      kind text NOT NULL CHECK (kind IN ('metric','milestone')),
      unit text,
      baseline numeric,
      target numeric,
      direction text CHECK (direction IN ('up','down')),
      due_date date,
      state text NOT NULL DEFAULT 'active' CHECK (state IN ('active','achieved','missed','dropped')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (kind = 'milestone' OR (target IS NOT NULL AND baseline IS NOT NULL AND direction IS NOT NULL))
    );
    CREATE INDEX goals_project_id_idx ON goals (project_id);

    CREATE TABLE goal_revisions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      goal_id bigint NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
      changed_by bigint REFERENCES users(id),
      changed_at timestamptz NOT NULL DEFAULT now(),
      snapshot jsonb NOT NULL
    );
    CREATE INDEX goal_revisions_goal_id_idx ON goal_revisions (goal_id, changed_at);

    CREATE TABLE meetings (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      forum_id bigint NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
      scheduled_at timestamptz NOT NULL,
      state text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned','in_progress','closed')),
      notes text NOT NULL DEFAULT '',
      started_at timestamptz,
      closed_at timestamptz,
      closed_by bigint REFERENCES users(id),
      UNIQUE (forum_id, scheduled_at)
    );
    CREATE INDEX meetings_forum_state_idx ON meetings (forum_id, state, scheduled_at);

    CREATE TABLE status_updates (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      meeting_id bigint NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
      author_id bigint NOT NULL REFERENCES users(id),
      health text NOT NULL CHECK (health IN ${HEALTH}),
      summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 10000),
      risks text NOT NULL DEFAULT '' CHECK (length(risks) <= 10000),
      asks text NOT NULL DEFAULT '' CHECK (length(asks) <= 10000),
      late boolean NOT NULL DEFAULT false,
      version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (project_id, meeting_id)
    );
    CREATE INDEX status_updates_project_created_idx ON status_updates (project_id, created_at DESC);
    CREATE INDEX status_updates_meeting_idx ON status_updates (meeting_id);

    CREATE TABLE status_goal_values (
      status_update_id bigint NOT NULL REFERENCES status_updates(id) ON DELETE CASCADE,
      goal_id bigint NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
      value numeric,
      done boolean,
      note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
      PRIMARY KEY (status_update_id, goal_id),
      CHECK (value IS NOT NULL OR done IS NOT NULL)
    );
    CREATE INDEX status_goal_values_goal_idx ON status_goal_values (goal_id);

    CREATE TABLE agenda_items (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      meeting_id bigint NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
      project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      section text NOT NULL CHECK (section IN ('exception','due','consent')),
      reason text NOT NULL,
      position integer NOT NULL,
      pulled boolean NOT NULL DEFAULT false,
      requested_by bigint REFERENCES users(id),
      UNIQUE (meeting_id, project_id)
    );
    CREATE INDEX agenda_items_project_idx ON agenda_items (project_id);

    CREATE TABLE reviews (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      meeting_id bigint NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
      project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      reviewer_id bigint NOT NULL REFERENCES users(id),
      verdict text NOT NULL CHECK (verdict IN ${HEALTH}),
      self_report text NOT NULL CHECK (self_report IN ${HEALTH}),
      feedback text NOT NULL DEFAULT '' CHECK (length(feedback) <= 10000),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (meeting_id, project_id)
    );
    CREATE INDEX reviews_project_created_idx ON reviews (project_id, created_at DESC);

    CREATE TABLE action_items (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      meeting_id bigint REFERENCES meetings(id) ON DELETE CASCADE,
      review_id bigint REFERENCES reviews(id) ON DELETE CASCADE,
      project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      text text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
      assignee_id bigint REFERENCES users(id),
      due_date date,
      done_at timestamptz,
      created_by bigint REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX action_items_assignee_open_idx ON action_items (assignee_id) WHERE done_at IS NULL;
    CREATE INDEX action_items_project_idx ON action_items (project_id);

    CREATE TABLE oversight_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      seq integer NOT NULL CHECK (seq >= 1),
      type text NOT NULL CHECK (type IN ('start','review','status','missed','override','spillover','restart')),
      payload jsonb NOT NULL,
      from_level text NOT NULL CHECK (from_level IN ${LEVEL}),
      to_level text NOT NULL CHECK (to_level IN ${LEVEL}),
      rule text NOT NULL,
      explanation text NOT NULL CHECK (length(explanation) > 0),
      actor_id bigint REFERENCES users(id),
      meeting_id bigint REFERENCES meetings(id) ON DELETE SET NULL,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (project_id, seq)
    );
    CREATE INDEX oversight_events_meeting_idx ON oversight_events (meeting_id);

    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      user_id bigint REFERENCES users(id) ON DELETE SET NULL,
      forum_id bigint REFERENCES forums(id) ON DELETE SET NULL,
      action text NOT NULL,
      target text,
      ip text,
      denied boolean NOT NULL DEFAULT false,
      detail jsonb NOT NULL DEFAULT '{}'::jsonb
    );
    CREATE INDEX audit_log_forum_at_idx ON audit_log (forum_id, at DESC);
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE audit_log, oversight_events, action_items, reviews, agenda_items, status_goal_values,
      status_updates, meetings, goal_revisions, goals, projects, memberships, forums, login_attempts,
      sessions, users CASCADE;
  `.execute(db);
}
