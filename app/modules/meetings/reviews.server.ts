import { sql } from 'kysely';
import type { HealthValue } from '../../../db/database';
import { writeAudit } from '~/modules/audit/audit.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { isDiscussed } from './agenda';
import { checkDueDate } from './action-items.server';
import { DUPLICATE_ACTION_ITEM_MS, type MeetingRefusal } from './meetings';
import { ok, refuse, type Result } from '~/utils/result';
import { lockMeeting, selfReportSql, type LockedMeeting } from './meetings.server';
import { enqueueActionItemAssigned } from '~/modules/mail/meeting-emails.server';

interface MeetingWrite {
  forumId: number;
  meetingId: number;
  projectId: number;
  actorId: number;
  request?: Request;
}

/** Audit entries of meeting writes carry the meeting (the minutes' attendees are read from them). */
function auditWrite(
  trx: Executor,
  input: MeetingWrite,
  action: string,
  target: string,
  detail: Record<string, unknown>,
) {
  return writeAudit(trx, {
    userId: input.actorId,
    forumId: input.forumId,
    action,
    target,
    detail: { meetingId: input.meetingId, projectId: input.projectId, ...detail },
    request: input.request,
  });
}

/** The meeting (locked against a concurrent close) and the project's agenda item, if it is in progress. */
async function openAgendaItem(
  trx: Executor,
  { forumId, meetingId, projectId }: MeetingWrite,
): Promise<Result<{ meeting: LockedMeeting; discussed: boolean }>> {
  const meeting = await lockMeeting(trx, { forumId, meetingId, mode: 'share' });
  if (!meeting) return refuse({ status: 404, message: 'Meeting not found' });
  if (meeting.state !== 'in_progress')
    return refuse({
      status: 409,
      message:
        meeting.state === 'planned'
          ? 'Start the meeting first.'
          : meeting.state === 'skipped'
            ? 'This meeting was skipped.'
            : 'This meeting is closed.',
    });
  const item = await trx
    .selectFrom('agenda_items')
    .select(['section', 'pulled'])
    .where('meeting_id', '=', meeting.id)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (!item) return refuse({ field: 'projectId', message: 'That project is not on this meeting’s agenda.' });
  return ok({ meeting, discussed: isDiscussed(item) });
}

/**
 * Records (or corrects) a verdict during the meeting, with the owner's self-report it is compared with. The form
 * sends the version it showed (0 = no verdict yet): the review row is locked and updated only at that version,
 * so a verdict a colleague saved meanwhile is answered with a conflict (409, what they saved), never replaced.
 * Sending the verdict again with the version the conflict showed is a deliberate overwrite.
 */
export async function recordReview(
  db: Executor,
  input: MeetingWrite & { verdict: HealthValue; feedback: string; version: number },
): Promise<Result<{ selfReport: HealthValue; version: number }, MeetingRefusal>> {
  return inTransaction(db, async (trx) => {
    const open = await openAgendaItem(trx, input);
    if (!open.ok) return open;
    if (!open.value.discussed)
      return refuse({
        field: 'verdict',
        message: 'Pull this consent item into discussion before recording a verdict.',
      });
    const { meeting } = open.value;
    const saved = () =>
      trx
        .selectFrom('reviews as r')
        .innerJoin('users as u', 'u.id', 'r.reviewer_id')
        .select(['r.id', 'r.version', 'r.verdict', 'r.feedback', 'u.name as reviewer', 'r.updated_at as updatedAt'])
        .where('r.meeting_id', '=', meeting.id)
        .where('r.project_id', '=', input.projectId)
        .forUpdate('r')
        .executeTakeFirst();
    const conflict = (row: NonNullable<Awaited<ReturnType<typeof saved>>>) =>
      refuse<MeetingRefusal>({
        status: 409,
        message: `${row.reviewer} saved a verdict on this project while you were editing. Read it below; your text is kept. Send the form again to replace it.`,
        conflict: {
          verdict: row.verdict,
          feedback: row.feedback,
          reviewer: row.reviewer,
          updatedAt: row.updatedAt.toISOString(),
          version: row.version,
        },
      });
    const existing = await saved();
    if (existing && existing.version !== input.version) return conflict(existing);
    if (!existing && input.version !== 0)
      return refuse({ status: 409, message: 'This verdict was removed meanwhile: reload the page.' });

    let row: { id: number; self_report: HealthValue; version: number } | undefined;
    if (existing) {
      row = await trx
        .updateTable('reviews')
        .set((eb) => ({
          reviewer_id: input.actorId,
          verdict: input.verdict,
          self_report: selfReportSql('reviews.project_id', meeting),
          feedback: input.feedback,
          version: eb('version', '+', 1),
          updated_at: new Date(),
        }))
        .where('id', '=', existing.id)
        .where('version', '=', input.version)
        .returning(['id', 'self_report', 'version'])
        .executeTakeFirst();
    } else {
      // A colleague's first verdict committed since our read is caught by unique (meeting_id, project_id).
      row = await trx
        .insertInto('reviews')
        .columns(['meeting_id', 'project_id', 'reviewer_id', 'verdict', 'self_report', 'feedback'])
        .expression((eb) =>
          eb
            .selectFrom('projects as p')
            .select([
              sql.lit(meeting.id).as('meeting_id'),
              'p.id',
              sql.lit(input.actorId).as('reviewer_id'),
              sql.val(input.verdict).as('verdict'),
              selfReportSql('p.id', meeting).as('self_report'),
              sql.val(input.feedback).as('feedback'),
            ])
            .where('p.id', '=', input.projectId),
        )
        .onConflict((oc) => oc.columns(['meeting_id', 'project_id']).doNothing())
        .returning(['id', 'self_report', 'version'])
        .executeTakeFirst();
    }
    if (!row) {
      const now = await saved();
      return now ? conflict(now) : refuse({ status: 409, message: 'This verdict changed meanwhile: reload the page.' });
    }
    // Action items added before the verdict belong to this review too.
    await trx
      .updateTable('action_items')
      .set({ review_id: row.id })
      .where('meeting_id', '=', meeting.id)
      .where('project_id', '=', input.projectId)
      .where('review_id', 'is', null)
      .execute();
    await auditWrite(trx, input, 'review.record', `review:${row.id}`, { verdict: input.verdict, version: row.version });
    return ok({ selfReport: row.self_report, version: row.version });
  });
}

/** Adds an action item to a project on the agenda, assigned to a member of the forum. */
export async function addActionItem(
  db: Executor,
  input: MeetingWrite & { text: string; assigneeId: number; dueDate: string | null; now?: Date },
): Promise<Result<{ id: number }>> {
  return inTransaction(db, async (trx) => {
    const open = await openAgendaItem(trx, input);
    if (!open.ok) return open;
    const member = await trx
      .selectFrom('memberships')
      .select('user_id')
      .where('forum_id', '=', input.forumId)
      .where('user_id', '=', input.assigneeId)
      .executeTakeFirst();
    if (!member) return refuse({ field: 'assigneeId', message: 'Choose a member of this forum.' });
    const due = await checkDueDate(trx, { forumId: input.forumId, dueDate: input.dueDate, now: input.now });
    if (!due.ok) return due;
    // The same item twice within a minute is a second click, not a second action (issue #21.5). The agenda item's
    // lock makes two concurrent adds of one project take turns, so the second sees the first.
    await trx
      .selectFrom('agenda_items')
      .select('project_id')
      .where('meeting_id', '=', input.meetingId)
      .where('project_id', '=', input.projectId)
      .forUpdate()
      .execute();
    const now = input.now ?? new Date();
    const duplicate = await trx
      .selectFrom('action_items')
      .select('id')
      .where('meeting_id', '=', input.meetingId)
      .where('project_id', '=', input.projectId)
      .where('text', '=', input.text)
      .where('assignee_id', '=', input.assigneeId)
      .where('due_date', 'is not distinct from', input.dueDate)
      .where('created_at', '>', new Date(now.getTime() - DUPLICATE_ACTION_ITEM_MS))
      .executeTakeFirst();
    if (duplicate)
      return refuse({
        status: 409,
        field: 'text',
        message: 'This action item was added less than a minute ago: it is already in the list.',
      });
    const review = await trx
      .selectFrom('reviews')
      .select('id')
      .where('meeting_id', '=', input.meetingId)
      .where('project_id', '=', input.projectId)
      .executeTakeFirst();
    const row = await trx
      .insertInto('action_items')
      .values({
        meeting_id: input.meetingId,
        review_id: review?.id ?? null,
        project_id: input.projectId,
        text: input.text,
        assignee_id: input.assigneeId,
        due_date: input.dueDate,
        created_by: input.actorId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await auditWrite(trx, input, 'action_item.create', `action_item:${row.id}`, { assigneeId: input.assigneeId });
    await enqueueActionItemAssigned(trx, { itemId: row.id, actorId: input.actorId });
    return ok({ id: row.id });
  });
}
