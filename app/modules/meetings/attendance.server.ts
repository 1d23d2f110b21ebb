import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { writeAudit } from '~/modules/audit/audit.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { ok, refuse, type Result } from '~/utils/result';
import { lockMeeting } from './meetings.server';
import { meetingParticipantsQuery } from './meeting-page.server';

// Attendance and notes (issue #16). Who attended is stored when the chair records it; until then the page and the
// minutes fall back to the guess from the audit log (members who recorded something in the meeting), which is also
// what the chair's form starts ticked.

export interface Attendance {
  /** True once the chair recorded it; false: `attendees` is the guess. */
  recorded: boolean;
  attendees: { id: number; name: string }[];
  /** The forum's members, for the chair's form, each ticked if they attended (or, before a record, were seen). */
  members: { id: number; name: string; attended: boolean }[];
}

export async function loadAttendance(
  db: Executor,
  { forumId, meetingId }: { forumId: number; meetingId: number },
): Promise<Attendance | null> {
  // One round trip (the meeting page reads it on every view, beside its cached part): the members, and who
  // attended as recorded or, before a record, the guess (CASE runs only the branch it takes).
  const row = await db
    .selectFrom('meetings as mt')
    .select((eb) => [
      'mt.attendance_recorded_at as recordedAt',
      jsonArrayFrom(
        eb
          .selectFrom('memberships as ms')
          .innerJoin('users as u', 'u.id', 'ms.user_id')
          .select(['u.id', 'u.name'])
          .where('ms.forum_id', '=', forumId)
          .orderBy('u.name')
          .orderBy('u.id'),
      ).as('members'),
      eb
        .case()
        .when('mt.attendance_recorded_at', 'is not', null)
        .then(
          jsonArrayFrom(
            eb
              .selectFrom('meeting_attendance as a')
              .innerJoin('users as u', 'u.id', 'a.user_id')
              .select(['u.id', 'u.name'])
              .where('a.meeting_id', '=', meetingId)
              .orderBy('u.name')
              .orderBy('u.id'),
          ),
        )
        .else(jsonArrayFrom(meetingParticipantsQuery(db, { forumId, meetingId })))
        .end()
        .as('attendees'),
    ])
    .where('mt.id', '=', meetingId)
    .where('mt.forum_id', '=', forumId)
    .executeTakeFirst();
  if (!row) return null;
  const stored = row.attendees ?? [];
  const attended = new Set(stored.map((a) => a.id));
  return {
    recorded: row.recordedAt !== null,
    attendees: stored,
    members: row.members.map((m) => ({ ...m, attended: attended.has(m.id) })),
  };
}

/** The chair records who attended a meeting that has started (or closed): only members of the forum can be ticked. */
export async function recordAttendance(
  db: Executor,
  {
    forumId,
    meetingId,
    actorId,
    userIds,
    request,
    now = new Date(),
  }: { forumId: number; meetingId: number; actorId: number; userIds: number[]; request?: Request; now?: Date },
): Promise<Result<{ attendees: number }>> {
  return inTransaction(db, async (trx) => {
    const meeting = await lockMeeting(trx, { forumId, meetingId, mode: 'update' });
    if (!meeting) return refuse({ status: 404, message: 'Meeting not found' });
    if (meeting.state === 'planned' || meeting.state === 'skipped')
      return refuse({ status: 409, message: 'Attendance is recorded once the meeting has started.' });
    const ids = [...new Set(userIds)];
    const members = ids.length
      ? await trx
          .selectFrom('memberships')
          .select('user_id')
          .where('forum_id', '=', forumId)
          .where('user_id', 'in', ids)
          .execute()
      : [];
    if (members.length !== ids.length) return refuse({ field: 'attendees', message: 'Choose members of this forum.' });
    await trx.deleteFrom('meeting_attendance').where('meeting_id', '=', meeting.id).execute();
    if (ids.length)
      await trx
        .insertInto('meeting_attendance')
        .values(ids.map((user_id) => ({ meeting_id: meeting.id, user_id })))
        .execute();
    await trx.updateTable('meetings').set({ attendance_recorded_at: now }).where('id', '=', meeting.id).execute();
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'meeting.attendance',
      target: `meeting:${meeting.id}`,
      detail: { attendees: ids },
      request,
    });
    return ok({ attendees: ids.length });
  });
}

/** The chair writes the meeting's notes (Markdown), before, during or after it. */
export async function saveMeetingNotes(
  db: Executor,
  {
    forumId,
    meetingId,
    actorId,
    notes,
    request,
  }: { forumId: number; meetingId: number; actorId: number; notes: string; request?: Request },
): Promise<Result> {
  return inTransaction(db, async (trx) => {
    const meeting = await lockMeeting(trx, { forumId, meetingId, mode: 'update' });
    if (!meeting) return refuse({ status: 404, message: 'Meeting not found' });
    await trx.updateTable('meetings').set({ notes }).where('id', '=', meeting.id).execute();
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'meeting.notes',
      target: `meeting:${meeting.id}`,
      detail: { length: notes.length },
      request,
    });
    return ok();
  });
}
