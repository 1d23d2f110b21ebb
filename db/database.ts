import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { OversightState, Policy } from '../app/oversight/types';

// The typed schema. Mirrors db/migrations; bigint ids and numerics are parsed to numbers by the client.
export type Role = 'chair' | 'leader' | 'owner' | 'observer';
export type HealthValue = 'on_track' | 'at_risk' | 'off_track';
export type LevelValue = 'tight' | 'standard' | 'light' | 'trusted';
export type Cadence = 'weekly' | 'biweekly' | 'monthly';
/** 'skipped': the chair called it off with a reason before it started (issue #16); never an engine event. */
export type MeetingState = 'planned' | 'in_progress' | 'closed' | 'skipped';
export type GoalKind = 'metric' | 'milestone';
export type GoalState = 'active' | 'achieved' | 'missed' | 'dropped';
export type AgendaSection = 'exception' | 'due' | 'consent';
export type EventClassValue =
  | 'PASS'
  | 'FLAG'
  | 'HONEST_OFF'
  | 'SOFT_MISS'
  | 'HARD_MISS'
  | 'MISSED'
  | 'STATUS'
  | 'OVERRIDE'
  | 'SPILLOVER'
  | 'RESTART'
  | 'REJECTED';
export type OversightEventType = 'start' | 'review' | 'status' | 'missed' | 'override' | 'spillover' | 'restart';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;

/** What a forum stores as its policy: the chair's changes to DEFAULT_POLICY, validated when read (resolvePolicy). */
export type StoredPolicy = Partial<Policy>;

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  /** Null for an invited account until its owner sets a password. */
  password_hash: string | null;
  is_admin: Generated<boolean>;
  password_changed_at: Generated<Date>;
  created_at: Generated<Date>;
  /** A deactivated user cannot sign in and has no sessions; their history stays. */
  deactivated_at: Date | null;
}

/** One row per secret link (issue #14): only a hash of the secret, single-use, expiring; one per type and target. */
export interface VerificationsTable {
  id: Generated<number>;
  type: string;
  target: string;
  secret_hash: string;
  payload: Json<Record<string, unknown>>;
  created_by: number | null;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: Date | null;
}

/** An email, written with the change that causes it and sent by the dispatcher (decision 014). */
export interface OutboxTable {
  id: Generated<number>;
  kind: string;
  dedupe_key: string;
  forum_id: number | null;
  user_id: number | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  /** The one-click unsubscribe link of a notification (List-Unsubscribe), null for account emails. */
  unsubscribe_url: string | null;
  created_at: Generated<Date>;
  next_attempt_at: Generated<Date>;
  locked_until: Date | null;
  attempts: Generated<number>;
  last_error: string | null;
  logged_at: Date | null;
  sent_at: Date | null;
  failed_at: Date | null;
}

export interface EmailOptOutsTable {
  user_id: number;
  kind: string;
  created_at: Generated<Date>;
}

export interface InstanceSecretsTable {
  name: string;
  value: string;
}

export interface PasswordResetRequestsTable {
  id: Generated<number>;
  email: string;
  ip: string;
  at: Generated<Date>;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
  user_agent: string | null;
  ip: string | null;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  email: string;
  ip: string;
  success: boolean;
  at: Generated<Date>;
}

export interface ForumsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  cadence: Generated<Cadence>;
  weekday: Generated<number>;
  meeting_time: Generated<string>;
  time_zone: Generated<string>;
  status_deadline_hours: Generated<number>;
  /** Owners who owe a status are reminded this many hours before the status deadline. */
  status_reminder_hours: Generated<number>;
  minutes_per_review: Generated<number>;
  policy: Json<StoredPolicy>;
  created_at: Generated<Date>;
  /** Changes with any change to the forum's data, in the same transaction (triggers: migration T1700). */
  data_version: Generated<number>;
  /** An archived forum leaves its members' forum lists; instance admins still list it and can restore it. */
  archived: Generated<boolean>;
  /** The policy version in force: `policy` holds its values (decision 015; written only by savePolicyVersion). */
  policy_version: Generated<number>;
}

/** A forum's oversight policy versions: the full values, who changed them, when and why (issue #15). */
export interface PolicyVersionsTable {
  forum_id: number;
  number: number;
  /** The version's values: written whole by savePolicyVersion, read as a partial policy (older rows may lack a
   *  parameter) and validated when read (checkStoredPolicy). */
  values: Json<StoredPolicy>;
  author_id: number | null;
  reason: string;
  created_at: Generated<Date>;
}

export interface MembershipsTable {
  forum_id: number;
  user_id: number;
  role: Role;
  created_at: Generated<Date>;
}

export interface ProjectsTable {
  id: Generated<number>;
  forum_id: number;
  owner_id: number;
  name: string;
  description: Generated<string>;
  archived: Generated<boolean>;
  oversight_level: Generated<LevelValue>;
  oversight_interval: Generated<number>;
  oversight_escalated: Generated<boolean>;
  /** The engine's state after the project's last event (cached; replaying oversight_events gives it again). */
  oversight_state: Json<OversightState> | null;
  oversight_explanation: Generated<string>;
  oversight_event_count: Generated<number>;
  /** Oversight events per class (cached derived state, kept by recordOversightEvents). */
  oversight_class_counts: ColumnType<Partial<Record<EventClassValue, number>>, string | undefined, string>;
  created_at: Generated<Date>;
}

export interface GoalsTable {
  id: Generated<number>;
  project_id: number;
  title: string;
  kind: GoalKind;
  unit: string | null;
  baseline: number | null;
  target: number | null;
  direction: 'up' | 'down' | null;
  /** A metric's valid range (decision 008): null ends are open, except that a null minimum means 0. */
  min_value: Generated<number | null>;
  max_value: Generated<number | null>;
  due_date: string | null;
  state: Generated<GoalState>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface GoalRevisionsTable {
  id: Generated<number>;
  goal_id: number;
  changed_by: number | null;
  changed_at: Generated<Date>;
  snapshot: Json<Record<string, unknown>>;
}

export interface MeetingsTable {
  id: Generated<number>;
  forum_id: number;
  scheduled_at: Timestamp;
  state: Generated<MeetingState>;
  notes: Generated<string>;
  started_at: Date | null;
  closed_at: Date | null;
  closed_by: number | null;
  skip_reason: string | null;
  skipped_at: Date | null;
  skipped_by: number | null;
  /** The calendar event's SEQUENCE: bumped by every move (RFC 5545). */
  sequence: Generated<number>;
  /** The slot the planner made a moved meeting for (null when never moved): it is never planned again. */
  planned_for: Date | null;
  /** When the chair last recorded who attended (null: not yet; the page then guesses from the audit log). */
  attendance_recorded_at: Date | null;
}

export interface CalendarTokensTable {
  user_id: number;
  token_hash: string;
  created_at: Generated<Date>;
}

export interface MeetingAttendanceTable {
  meeting_id: number;
  user_id: number;
}

export interface StatusUpdatesTable {
  id: Generated<number>;
  project_id: number;
  meeting_id: number;
  author_id: number;
  health: HealthValue;
  summary: Generated<string>;
  risks: Generated<string>;
  asks: Generated<string>;
  late: Generated<boolean>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface StatusGoalValuesTable {
  status_update_id: number;
  goal_id: number;
  value: number | null;
  done: boolean | null;
  note: Generated<string>;
}

export interface AgendaItemsTable {
  id: Generated<number>;
  meeting_id: number;
  project_id: number;
  section: AgendaSection;
  reason: string;
  position: number;
  pulled: Generated<boolean>;
  requested_by: number | null;
}

export interface ReviewsTable {
  id: Generated<number>;
  meeting_id: number;
  project_id: number;
  reviewer_id: number;
  verdict: HealthValue;
  self_report: HealthValue;
  feedback: Generated<string>;
  /** Optimistic concurrency: a verdict form sends the version it showed (migration T1100 of 2 Dec). */
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ActionItemsTable {
  id: Generated<number>;
  meeting_id: number | null;
  review_id: number | null;
  project_id: number;
  text: string;
  assignee_id: number | null;
  due_date: string | null;
  done_at: Date | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface OversightEventsTable {
  id: Generated<number>;
  project_id: number;
  seq: number;
  type: OversightEventType;
  payload: Json<Record<string, unknown>>;
  from_level: LevelValue;
  to_level: LevelValue;
  rule: string;
  event_class: EventClassValue;
  explanation: string;
  actor_id: number | null;
  meeting_id: number | null;
  occurred_at: Generated<Date>;
  /** The project's owner when the event happened (filled by the database from the project). */
  owner_id: Generated<number | null>;
  /** The forum's policy version the event was applied under (the database fills the current one when omitted). */
  policy_version: Generated<number>;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  user_id: number | null;
  forum_id: number | null;
  action: string;
  target: string | null;
  ip: string | null;
  denied: Generated<boolean>;
  detail: Json<Record<string, unknown>>;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  forums: ForumsTable;
  memberships: MembershipsTable;
  projects: ProjectsTable;
  goals: GoalsTable;
  goal_revisions: GoalRevisionsTable;
  meetings: MeetingsTable;
  meeting_attendance: MeetingAttendanceTable;
  calendar_tokens: CalendarTokensTable;
  status_updates: StatusUpdatesTable;
  status_goal_values: StatusGoalValuesTable;
  agenda_items: AgendaItemsTable;
  reviews: ReviewsTable;
  action_items: ActionItemsTable;
  oversight_events: OversightEventsTable;
  policy_versions: PolicyVersionsTable;
  audit_log: AuditLogTable;
  verifications: VerificationsTable;
  outbox: OutboxTable;
  password_reset_requests: PasswordResetRequestsTable;
  email_opt_outs: EmailOptOutsTable;
  instance_secrets: InstanceSecretsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type ForumRow = Selectable<ForumsTable>;
export type NewForum = Insertable<ForumsTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type NewProject = Insertable<ProjectsTable>;
export type ProjectUpdate = Updateable<ProjectsTable>;
export type GoalRow = Selectable<GoalsTable>;
export type NewGoal = Insertable<GoalsTable>;
export type MeetingRow = Selectable<MeetingsTable>;
export type NewMeeting = Insertable<MeetingsTable>;
export type StatusUpdateRow = Selectable<StatusUpdatesTable>;
export type NewStatusUpdate = Insertable<StatusUpdatesTable>;
export type ReviewRow = Selectable<ReviewsTable>;
export type NewReview = Insertable<ReviewsTable>;
export type OversightEventRow = Selectable<OversightEventsTable>;
export type NewOversightEvent = Insertable<OversightEventsTable>;
