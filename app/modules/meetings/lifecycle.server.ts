import { sql } from 'kysely';
import { writeAudit } from '~/modules/audit/audit.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { formatDateTime } from '~/utils/format';
import { ok, refuse, type Result } from '~/utils/result';
import { lockMeeting } from './meetings.server';
import { ensurePlannedMeetings } from './schedule.server';
import { zonedTimeToUtc } from './schedule';

// Skipping and moving a planned meeting (issue #16, docs/decisions/013). Neither is an engine event: nothing here
// reads or writes oversight state, and a skipped meeting can never start or close, so it never scores anything.

const notPlanned = (state: string) =>
  state === 'skipped'
    ? 'This meeting is already skipped.'
    : state === 'closed'
      ? 'This meeting is closed.'
      : 'This meeting has already started.';

/**
 * The chair skips a planned meeting with a reason. No MISSED is recorded and no level changes (a skipped meeting is
 * never started or closed). Statuses and the agenda requests and pulls already made for it roll over to the forum's
 * next planned meeting (a project's own status for that meeting wins), and the schedule is topped up so the forum
 * keeps its meetings ahead; the skipped date keeps its slot, so the planner never plans it again.
 */
export async function skipMeeting(
  db: Executor,
  {
    forumId,
    meetingId,
    actorId,
    reason,
    request,
    now = new Date(),
  }: {
    forumId: number;
    meetingId: number;
    actorId: number;
    reason: string;
    request?: Request;
    now?: Date;
  },
): Promise<Result<{ nextMeetingId: number | null; rolledStatuses: number }>> {
  return inTransaction(db, async (trx) => {
    const meeting = await lockMeeting(trx, {
      forumId,
      meetingId,
      mode: 'update',
    });
    if (!meeting) return refuse({ status: 404, message: 'Meeting not found' });
    if (meeting.state !== 'planned') return refuse({ status: 409, message: notPlanned(meeting.state) });
    await trx
      .updateTable('meetings')
      .set({
        state: 'skipped',
        skip_reason: reason,
        skipped_at: now,
        skipped_by: actorId,
      })
      .where('id', '=', meeting.id)
      .execute();
    await ensurePlannedMeetings(trx, { forumId, now });
    const next = await trx
      .selectFrom('meetings')
      .select('id')
      .where('forum_id', '=', forumId)
      .where('state', '=', 'planned')
      .where('scheduled_at', '>', meeting.scheduledAt)
      .orderBy('scheduled_at')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    let rolledStatuses = 0;
    if (next) {
      const rolled = await trx
        .updateTable('status_updates as s')
        .set({ meeting_id: next.id })
        .where('s.meeting_id', '=', meeting.id)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('status_updates as n')
                .select('n.id')
                .whereRef('n.project_id', '=', 's.project_id')
                .where('n.meeting_id', '=', next.id),
            ),
          ),
        )
        .executeTakeFirst();
      rolledStatuses = Number(rolled.numUpdatedRows);
      // A leader's request or pull for the skipped meeting stands for the next one.
      await trx
        .updateTable('agenda_items as a')
        .set({ meeting_id: next.id })
        .where('a.meeting_id', '=', meeting.id)
        .where((w) => w.or([w('a.requested_by', 'is not', null), w('a.pulled', '=', true)]))
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('agenda_items as n')
                .select('n.id')
                .whereRef('n.project_id', '=', 'a.project_id')
                .where('n.meeting_id', '=', next.id),
            ),
          ),
        )
        .execute();
    }
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'meeting.skip',
      target: `meeting:${meeting.id}`,
      detail: {
        reason,
        scheduledAt: meeting.scheduledAt.toISOString(),
        nextMeetingId: next?.id ?? null,
        rolledStatuses,
      },
      request,
    });
    return ok({ nextMeetingId: next?.id ?? null, rolledStatuses });
  });
}

/**
 * The chair moves a planned meeting to another day and time on the forum's clock. The new time must be ahead, on a
 * day without another meeting of the forum, and between the meetings held or planned before and after it (statuses
 * stay with their meeting; to leave a gap, skip instead). The status deadline follows (it is counted back from the
 * meeting), and the calendar event keeps its UID with the next SEQUENCE.
 */
export async function moveMeeting(
  db: Executor,
  {
    forumId,
    meetingId,
    actorId,
    date,
    time,
    request,
    now = new Date(),
  }: {
    forumId: number;
    meetingId: number;
    actorId: number;
    date: string;
    time: string;
    request?: Request;
    now?: Date;
  },
): Promise<Result<{ scheduledAt: Date; sequence: number }>> {
  return inTransaction(db, async (trx) => {
    const meeting = await lockMeeting(trx, {
      forumId,
      meetingId,
      mode: 'update',
    });
    if (!meeting) return refuse({ status: 404, message: 'Meeting not found' });
    if (meeting.state !== 'planned') return refuse({ status: 409, message: notPlanned(meeting.state) });
    const { time_zone: timeZone } = await trx
      .selectFrom('forums')
      .select('time_zone')
      .where('id', '=', forumId)
      .executeTakeFirstOrThrow();
    const [year, month, day] = date.split('-').map(Number);
    const [hour, minute] = time.split(':').map(Number);
    const at = zonedTimeToUtc({ year, month, day }, { hour, minute }, timeZone);
    if (at.getTime() === meeting.scheduledAt.getTime())
      return refuse({ field: 'date', message: 'The meeting is already at that time.' });
    if (at.getTime() <= now.getTime())
      return refuse({ field: 'date', message: 'Choose a time that has not passed yet.' });
    const others = trx
      .selectFrom('meetings')
      .select(['scheduled_at as scheduledAt', 'state'])
      .where('forum_id', '=', forumId)
      .where('id', '!=', meeting.id);
    const [sameDay, before, after] = await Promise.all([
      others
        .where(sql<string>`(scheduled_at at time zone ${timeZone})::date`, '=', sql<string>`${date}::date`)
        .limit(1)
        .executeTakeFirst(),
      others
        .where('state', '!=', 'skipped')
        .where('scheduled_at', '<', meeting.scheduledAt)
        .orderBy('scheduled_at', 'desc')
        .limit(1)
        .executeTakeFirst(),
      others
        .where('state', '!=', 'skipped')
        .where('scheduled_at', '>', meeting.scheduledAt)
        .orderBy('scheduled_at')
        .limit(1)
        .executeTakeFirst(),
    ]);
    if (sameDay)
      return refuse({
        field: 'date',
        message: `Another meeting of this forum is on that day (${formatDateTime(sameDay.scheduledAt, timeZone)}). Choose another day.`,
      });
    if ((before && at <= before.scheduledAt) || (after && at >= after.scheduledAt)) {
      const range = [
        before ? `after ${formatDateTime(before.scheduledAt, timeZone)}` : null,
        after ? `before ${formatDateTime(after.scheduledAt, timeZone)}` : null,
      ]
        .filter(Boolean)
        .join(' and ');
      return refuse({
        field: 'date',
        message: `Choose a time ${range} (the meetings next to this one), or skip this meeting instead.`,
      });
    }
    const moved = await trx
      .updateTable('meetings')
      .set((eb) => ({
        scheduled_at: at,
        sequence: eb('sequence', '+', 1),
        planned_for: eb.fn.coalesce('planned_for', eb.val(meeting.scheduledAt)),
      }))
      .where('id', '=', meeting.id)
      .returning('sequence')
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'meeting.move',
      target: `meeting:${meeting.id}`,
      detail: {
        from: meeting.scheduledAt.toISOString(),
        to: at.toISOString(),
        sequence: moved.sequence,
      },
      request,
    });
    return ok({ scheduledAt: at, sequence: moved.sequence });
  });
}
