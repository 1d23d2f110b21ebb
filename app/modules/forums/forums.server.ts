import { sql, type ExpressionBuilder } from 'kysely';
import type { Database, StoredPolicy } from '../../../db/database';
import { writeAudit } from '~/modules/audit/audit.server';
import { ok, refuse, type Result } from '~/utils/result';
import { ensurePlannedMeetings } from '~/modules/meetings/schedule.server';
import { checkStoredPolicy } from '~/modules/oversight/oversight.server';
import { createFirstPolicyVersion } from '~/modules/oversight/policy-versions.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { previewMeetings, toSchedule, type CreateForumInput, type ScheduleInput } from './forums';

type ScheduleValues = Omit<ScheduleInput, 'intent'>;
const PG_UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === PG_UNIQUE_VIOLATION;
}

/** Admin → Forums: every forum with its counts and next meeting (archived ones too, marked). One query. */
export async function listForumsForAdmin(db: Executor) {
  return db
    .selectFrom('forums as f')
    .select((eb) => [
      'f.id',
      'f.name',
      'f.slug',
      'f.archived',
      'f.time_zone as timeZone',
      eb
        .selectFrom('memberships as m')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('m.forum_id', '=', 'f.id')
        .as('members'),
      eb
        .selectFrom('projects as p')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('p.forum_id', '=', 'f.id')
        .where('p.archived', '=', false)
        .as('projects'),
      eb
        .selectFrom('meetings as mt')
        .select((m) => m.fn.min('mt.scheduled_at').as('x'))
        .whereRef('mt.forum_id', '=', 'f.id')
        .where('mt.state', 'in', ['planned', 'in_progress'])
        .as('nextMeeting'),
    ])
    .orderBy('f.archived')
    .orderBy('f.name')
    .execute();
}

/**
 * An instance admin creates a forum. The admin becomes its chair (someone must be able to run it and invite the
 * others), its first meetings are planned, and the audit row is written in the same transaction.
 */
export async function createForum(
  db: Executor,
  { input, actorId, request }: { input: CreateForumInput; actorId: number; request?: Request },
): Promise<Result<{ id: number; slug: string }>> {
  const taken = await db.selectFrom('forums').select('id').where('slug', '=', input.slug).executeTakeFirst();
  if (taken) return refuse({ message: 'Another forum uses this address', field: 'slug' });
  try {
    return await inTransaction(db, async (trx) => {
      const forum = await trx
        .insertInto('forums')
        .values({
          name: input.name,
          slug: input.slug,
          cadence: input.cadence,
          weekday: input.weekday,
          meeting_time: input.meetingTime,
          time_zone: input.timeZone,
          status_deadline_hours: input.statusDeadlineHours,
          ...(input.statusReminderHours === undefined ? {} : { status_reminder_hours: input.statusReminderHours }),
          minutes_per_review: input.minutesPerReview,
          policy: JSON.stringify({}),
        })
        .returning(['id', 'slug'])
        .executeTakeFirstOrThrow();
      await trx.insertInto('memberships').values({ forum_id: forum.id, user_id: actorId, role: 'chair' }).execute();
      await createFirstPolicyVersion(trx, { forumId: forum.id, authorId: actorId });
      await ensurePlannedMeetings(trx, { forumId: forum.id });
      await writeAudit(trx, {
        userId: actorId,
        forumId: forum.id,
        action: 'forum.create',
        target: `forum:${forum.id}`,
        detail: { ...input },
        request,
      });
      return ok(forum);
    });
  } catch (error) {
    if (isUniqueViolation(error)) return refuse({ message: 'Another forum uses this address', field: 'slug' });
    throw error;
  }
}

/** The settings page: the forum's editable fields and the latest meeting that has started. */
export async function getForumSettings(db: Executor, { forumId }: { forumId: number }) {
  const forum = await db
    .selectFrom('forums as f')
    .select((eb) => [
      'f.id',
      'f.name',
      'f.slug',
      'f.cadence',
      'f.weekday',
      'f.meeting_time as meetingTime',
      'f.time_zone as timeZone',
      'f.status_deadline_hours as statusDeadlineHours',
      'f.status_reminder_hours as statusReminderHours',
      'f.minutes_per_review as minutesPerReview',
      lastHeldSql(eb),
    ])
    .where('f.id', '=', forumId)
    .executeTakeFirstOrThrow();
  const { lastHeld, ...rest } = forum;
  return { ...rest, lastHeld: lastHeld ? new Date(lastHeld) : null };
}

// The latest meeting that has started or closed: re-planning continues after it and never moves it.
function lastHeldSql(eb: ExpressionBuilder<Database & { f: Database['forums'] }, 'f'>) {
  return eb
    .selectFrom('meetings as m')
    .select((m) => m.fn.max('m.scheduled_at').as('x'))
    .whereRef('m.forum_id', '=', 'f.id')
    .where('m.state', '!=', 'planned')
    .as('lastHeld');
}

/** Name and slug. A slug is an address: unique, and the page moves with it. */
export async function updateForumGeneral(
  db: Executor,
  {
    forumId,
    name,
    slug,
    actorId,
    request,
  }: {
    forumId: number;
    name: string;
    slug: string;
    actorId: number;
    request?: Request;
  },
): Promise<Result<{ slug: string }>> {
  const taken = await db
    .selectFrom('forums')
    .select('id')
    .where('slug', '=', slug)
    .where('id', '!=', forumId)
    .executeTakeFirst();
  if (taken) return refuse({ message: 'Another forum uses this address', field: 'slug' });
  try {
    return await inTransaction(db, async (trx) => {
      const before = await trx
        .selectFrom('forums')
        .select(['name', 'slug'])
        .where('id', '=', forumId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      await trx.updateTable('forums').set({ name, slug }).where('id', '=', forumId).execute();
      await writeAudit(trx, {
        userId: actorId,
        forumId,
        action: 'forum.update',
        target: `forum:${forumId}`,
        detail: { before, after: { name, slug } },
        request,
      });
      return ok({ slug });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return refuse({ message: 'Another forum uses this address', field: 'slug' });
    throw error;
  }
}

/** The next meeting dates a schedule would give this forum (the settings page's preview). */
export async function previewForumSchedule(
  db: Executor,
  { forumId, schedule, now = new Date() }: { forumId: number; schedule: ScheduleValues; now?: Date },
) {
  const row = await db
    .selectFrom('forums as f')
    .select((eb) => [lastHeldSql(eb)])
    .where('f.id', '=', forumId)
    .executeTakeFirstOrThrow();
  return previewMeetings(toSchedule(schedule), {
    lastHeld: row.lastHeld ? new Date(row.lastHeld) : null,
    now,
  });
}

/**
 * A new schedule. Only planned meetings move: each keeps its id (and the statuses already posted for it) and
 * takes the next date of the new schedule after the latest meeting that has started; a started or closed
 * meeting is never touched. Then the forum is topped up to its usual number of planned meetings.
 */
export async function updateForumSchedule(
  db: Executor,
  {
    forumId,
    schedule,
    actorId,
    request,
    now = new Date(),
  }: {
    forumId: number;
    schedule: ScheduleValues;
    actorId: number;
    request?: Request;
    now?: Date;
  },
): Promise<{ replanned: number }> {
  return inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom('forums as f')
      .select([
        'f.cadence',
        'f.weekday',
        'f.meeting_time as meetingTime',
        'f.time_zone as timeZone',
        'f.status_deadline_hours as statusDeadlineHours',
        'f.minutes_per_review as minutesPerReview',
      ])
      .where('f.id', '=', forumId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('forums')
      .set({
        cadence: schedule.cadence,
        weekday: schedule.weekday,
        meeting_time: schedule.meetingTime,
        time_zone: schedule.timeZone,
        status_deadline_hours: schedule.statusDeadlineHours,
        ...(schedule.statusReminderHours === undefined ? {} : { status_reminder_hours: schedule.statusReminderHours }),
        minutes_per_review: schedule.minutesPerReview,
      })
      .where('id', '=', forumId)
      .execute();
    // Planned meetings are locked so a meeting cannot start while it is being moved; one that has just started is left alone.
    const planned = await trx
      .selectFrom('meetings')
      .select(['id', 'scheduled_at'])
      .where('forum_id', '=', forumId)
      .where('state', '=', 'planned')
      .orderBy('scheduled_at')
      .forUpdate()
      .execute();
    const held = await trx
      .selectFrom('meetings')
      .select((eb) => eb.fn.max('scheduled_at').as('x'))
      .where('forum_id', '=', forumId)
      // Skipped meetings keep their slots too: the new plan starts after them, so none is ever planned again.
      .where('state', '!=', 'planned')
      .executeTakeFirst();
    const times = previewMeetings(toSchedule(schedule), {
      lastHeld: held?.x ? new Date(held.x) : null,
      now,
      count: planned.length,
    });
    let replanned = 0;
    if (planned.length > 0) {
      const ids = planned.map((m) => m.id);
      // Out of the way first: unique (forum_id, scheduled_at) must hold after every single-row update.
      await trx
        .updateTable('meetings')
        .set({ scheduled_at: sql`scheduled_at + interval '1000 years'` })
        .where('id', 'in', ids)
        .execute();
      for (const [i, m] of planned.entries()) {
        if (times[i]) {
          // A meeting whose time changes is the same calendar event with the next SEQUENCE (docs/decisions/013); it now
          // sits on the new schedule's slot, so any earlier move's slot is forgotten.
          const moved = times[i].getTime() !== new Date(m.scheduled_at).getTime();
          await trx
            .updateTable('meetings')
            .set((eb) => ({
              scheduled_at: times[i],
              planned_for: null,
              sequence: moved ? eb('sequence', '+', 1) : eb.ref('sequence'),
            }))
            .where('id', '=', m.id)
            .execute();
          if (moved) replanned += 1;
        } else {
          await trx.updateTable('meetings').set({ scheduled_at: m.scheduled_at }).where('id', '=', m.id).execute();
        }
      }
    }
    await ensurePlannedMeetings(trx, { forumId, now });
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'forum.schedule',
      target: `forum:${forumId}`,
      detail: { before, after: schedule, replanned },
      request,
    });
    return { replanned };
  });
}

/** Archive: the forum leaves its members' lists (its data stays); instance admins can restore it. */
export async function setForumArchived(
  db: Executor,
  { forumId, archived, actorId, request }: { forumId: number; archived: boolean; actorId: number; request?: Request },
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.updateTable('forums').set({ archived }).where('id', '=', forumId).execute();
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: archived ? 'forum.archive' : 'forum.unarchive',
      target: `forum:${forumId}`,
      request,
    });
  });
}

/** Forums whose stored oversight policy fails validation (and so runs on the defaults), with the bad fields. */
export async function listInvalidPolicies(db: Executor) {
  const forums = await db
    .selectFrom('forums')
    .select(['id', 'slug', 'name', 'policy'])
    .where('policy', '!=', sql<StoredPolicy>`'{}'::jsonb`)
    .execute();
  return forums.flatMap((f) => {
    const { problems } = checkStoredPolicy(f.policy);
    return problems.length ? [{ slug: f.slug, name: f.name, problems }] : [];
  });
}

/** What is wrong with the forum's stored policy (empty when it is valid). */
export async function getForumPolicyProblems(db: Executor, { forumId }: { forumId: number }) {
  const row = await db.selectFrom('forums').select('policy').where('id', '=', forumId).executeTakeFirstOrThrow();
  return checkStoredPolicy(row.policy).problems;
}

/** One log line per forum whose stored policy is invalid (the server prints them at start). */
export async function invalidPolicyWarnings(db: Executor): Promise<string[]> {
  return (await listInvalidPolicies(db)).map(
    (f) =>
      `Forum "${f.slug}" (${f.name}): its stored oversight policy fails validation, so the engine uses the default policy. Bad fields: ${f.problems
        .map((p) => `${p.field} (${p.message})`)
        .join('; ')}`,
  );
}
