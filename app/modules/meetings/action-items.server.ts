import { writeAudit } from '~/modules/audit/audit.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { ok, refuse, type Result } from '~/utils/result';
import { todayIn } from './schedule';
import { enqueueActionItemAssigned } from '~/modules/mail/meeting-emails.server';

/** A user's open action items across their forums, or in one (`forumId`), soonest due first, overdue flagged (one query). */
export async function listOpenActionItemsForUser(
  db: Executor,
  { userId, forumId, now = new Date() }: { userId: number; forumId?: number; now?: Date },
) {
  let query = db
    .selectFrom('action_items as a')
    .innerJoin('projects as p', 'p.id', 'a.project_id')
    .innerJoin('forums as f', 'f.id', 'p.forum_id')
    .innerJoin('memberships as ms', (j) =>
      j.onRef('ms.forum_id', '=', 'f.id').onRef('ms.user_id', '=', 'a.assignee_id'),
    )
    .leftJoin('meetings as m', 'm.id', 'a.meeting_id')
    .select([
      'a.id',
      'a.text',
      'a.due_date as dueDate',
      'p.id as projectId',
      'p.name as project',
      'f.slug as forumSlug',
      'f.name as forum',
      'f.time_zone as timeZone',
      'm.id as meetingId',
      'm.scheduled_at as meetingAt',
    ])
    .where('a.assignee_id', '=', userId)
    .where('a.done_at', 'is', null)
    .where('f.archived', '=', false)
    .orderBy('a.due_date', (ob) => ob.asc().nullsLast())
    .orderBy('a.id');
  // One forum's only (the forum page's "My work"), or every forum's (the home page).
  if (forumId !== undefined) query = query.where('f.id', '=', forumId);
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, overdue: r.dueDate !== null && r.dueDate < todayIn(r.timeZone, now) }));
}

/** Marks an action item done: its assignee may, and so may the forum's chair and leaders. */
export async function completeActionItem(
  db: Executor,
  {
    forumId,
    itemId,
    userId,
    mayManage,
    request,
  }: { forumId: number; itemId: number; userId: number; mayManage: boolean; request?: Request },
): Promise<Result<{ alreadyDone: boolean }>> {
  const item = await db
    .selectFrom('action_items as a')
    .innerJoin('projects as p', 'p.id', 'a.project_id')
    .select(['a.id', 'a.assignee_id as assigneeId', 'a.done_at as doneAt'])
    .where('a.id', '=', itemId)
    .where('p.forum_id', '=', forumId)
    .executeTakeFirst();
  if (!item) return refuse({ status: 404, message: 'Action item not found' });
  if (item.assigneeId !== userId && !mayManage) {
    await writeAudit(db, {
      userId,
      forumId,
      action: 'access.denied',
      target: `action_item:${itemId}`,
      denied: true,
      detail: { method: 'POST' },
      request,
    });
    return refuse({ status: 403, message: 'Only the assignee, the chair or a leader can mark this done.' });
  }
  if (item.doneAt) return ok({ alreadyDone: true });
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable('action_items')
      .set({ done_at: new Date() })
      .where('id', '=', itemId)
      .where('done_at', 'is', null)
      .execute();
    await writeAudit(trx, { userId, forumId, action: 'action_item.done', target: `action_item:${itemId}`, request });
  });
  return ok({ alreadyDone: false });
}

/** A due date is today or later in the forum's time zone; `unchanged` (the saved date) may stay as it is. */
export async function checkDueDate(
  db: Executor,
  {
    forumId,
    dueDate,
    unchanged,
    now = new Date(),
  }: { forumId: number; dueDate: string | null; unchanged?: string | null; now?: Date },
): Promise<Result<undefined>> {
  if (dueDate === null || dueDate === unchanged) return ok();
  const forum = await db.selectFrom('forums').select('time_zone').where('id', '=', forumId).executeTakeFirstOrThrow();
  const today = todayIn(forum.time_zone, now);
  return dueDate < today ? refuse({ field: 'dueDate', message: `Choose a due date from today (${today}) on` }) : ok();
}

/**
 * An action item of this forum, if the user may change it: the forum's chair and the item's assignee may edit,
 * reassign and delete it (issue #21.5). A refusal is audited.
 */
async function actionItemToChange(
  db: Executor,
  {
    forumId,
    itemId,
    userId,
    isChair,
    request,
    lock,
  }: { forumId: number; itemId: number; userId: number; isChair: boolean; request?: Request; lock: boolean },
) {
  const q = db
    .selectFrom('action_items as a')
    .innerJoin('projects as p', 'p.id', 'a.project_id')
    .select([
      'a.id',
      'a.text',
      'a.assignee_id as assigneeId',
      'a.due_date as dueDate',
      'a.done_at as doneAt',
      'a.meeting_id as meetingId',
      'a.project_id as projectId',
      'p.name as project',
    ])
    .where('a.id', '=', itemId)
    .where('p.forum_id', '=', forumId);
  const item = await (lock ? q.forUpdate('a') : q).executeTakeFirst();
  if (!item) return refuse({ status: 404, message: 'Action item not found' });
  if (item.assigneeId !== userId && !isChair) {
    await writeAudit(db, {
      userId,
      forumId,
      action: 'access.denied',
      target: `action_item:${itemId}`,
      denied: true,
      detail: { method: lock ? 'POST' : 'GET' },
      request,
    });
    return refuse({ status: 403, message: 'Only the chair and the assignee can change this action item.' });
  }
  return ok(item);
}

/** Whether the user may change this action item (the chair or its assignee), checked before a form is read. */
export async function checkActionItemAccess(
  db: Executor,
  input: { forumId: number; itemId: number; userId: number; isChair: boolean; request?: Request },
) {
  return actionItemToChange(db, { ...input, lock: false });
}

/** The edit page's data: the item and the members it can be assigned to. */
export async function getActionItemForEdit(
  db: Executor,
  input: { forumId: number; itemId: number; userId: number; isChair: boolean; request?: Request },
) {
  const item = await actionItemToChange(db, { ...input, lock: false });
  if (!item.ok) return item;
  const members = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.name'])
    .where('m.forum_id', '=', input.forumId)
    .orderBy('u.name')
    .execute();
  return ok({ item: item.value, members });
}

/** Edits or reassigns an action item; the change and what it was are audited in the same transaction. */
export async function updateActionItem(
  db: Executor,
  input: {
    forumId: number;
    itemId: number;
    userId: number;
    isChair: boolean;
    text: string;
    assigneeId: number;
    dueDate: string | null;
    request?: Request;
    now?: Date;
  },
): Promise<Result<{ meetingId: number | null; projectId: number }>> {
  return inTransaction(db, async (trx) => {
    const found = await actionItemToChange(trx, { ...input, lock: true });
    if (!found.ok) return found;
    const item = found.value;
    const member = await trx
      .selectFrom('memberships')
      .select('user_id')
      .where('forum_id', '=', input.forumId)
      .where('user_id', '=', input.assigneeId)
      .executeTakeFirst();
    if (!member) return refuse({ field: 'assigneeId', message: 'Choose a member of this forum.' });
    const due = await checkDueDate(trx, {
      forumId: input.forumId,
      dueDate: input.dueDate,
      unchanged: item.dueDate,
      now: input.now,
    });
    if (!due.ok) return due;
    await trx
      .updateTable('action_items')
      .set({ text: input.text, assignee_id: input.assigneeId, due_date: input.dueDate })
      .where('id', '=', item.id)
      .execute();
    if (item.assigneeId !== input.assigneeId)
      await enqueueActionItemAssigned(trx, { itemId: item.id, actorId: input.userId });
    await writeAudit(trx, {
      userId: input.userId,
      forumId: input.forumId,
      action: item.assigneeId === input.assigneeId ? 'action_item.update' : 'action_item.reassign',
      target: `action_item:${item.id}`,
      detail: {
        projectId: item.projectId,
        before: { text: item.text, assigneeId: item.assigneeId, dueDate: item.dueDate },
        after: { text: input.text, assigneeId: input.assigneeId, dueDate: input.dueDate },
      },
      request: input.request,
    });
    return ok({ meetingId: item.meetingId, projectId: item.projectId });
  });
}

/** Deletes an action item; the audit row keeps what it said. */
export async function deleteActionItem(
  db: Executor,
  input: { forumId: number; itemId: number; userId: number; isChair: boolean; request?: Request },
): Promise<Result<{ meetingId: number | null; projectId: number }>> {
  return inTransaction(db, async (trx) => {
    const found = await actionItemToChange(trx, { ...input, lock: true });
    if (!found.ok) return found;
    const item = found.value;
    await trx.deleteFrom('action_items').where('id', '=', item.id).execute();
    await writeAudit(trx, {
      userId: input.userId,
      forumId: input.forumId,
      action: 'action_item.delete',
      target: `action_item:${item.id}`,
      detail: { projectId: item.projectId, text: item.text, assigneeId: item.assigneeId, dueDate: item.dueDate },
      request: input.request,
    });
    return ok({ meetingId: item.meetingId, projectId: item.projectId });
  });
}
