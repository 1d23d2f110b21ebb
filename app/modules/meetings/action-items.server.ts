import { writeAudit } from '~/modules/audit/audit.server';
import type { Executor } from '~/utils/db.server';
import { done, refuse, type Outcome } from './meetings';
import { todayIn } from './schedule';

/** A user's open action items across their forums, soonest due first, overdue flagged (one query). */
export async function listOpenActionItemsForUser(db: Executor, { userId, now = new Date() }: { userId: number; now?: Date }) {
  const rows = await db
    .selectFrom('action_items as a')
    .innerJoin('projects as p', 'p.id', 'a.project_id')
    .innerJoin('forums as f', 'f.id', 'p.forum_id')
    .innerJoin('memberships as ms', (j) => j.onRef('ms.forum_id', '=', 'f.id').onRef('ms.user_id', '=', 'a.assignee_id'))
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
    .orderBy('a.id')
    .execute();
  return rows.map((r) => ({ ...r, overdue: r.dueDate !== null && r.dueDate < todayIn(r.timeZone, now) }));
}

/** Marks an action item done: its assignee may, and so may the forum's chair and leaders. */
export async function completeActionItem(
  db: Executor,
  { forumId, itemId, userId, mayManage, request }: { forumId: number; itemId: number; userId: number; mayManage: boolean; request?: Request },
): Promise<Outcome<{ alreadyDone: boolean }>> {
  const item = await db
    .selectFrom('action_items as a')
    .innerJoin('projects as p', 'p.id', 'a.project_id')
    .select(['a.id', 'a.assignee_id as assigneeId', 'a.done_at as doneAt'])
    .where('a.id', '=', itemId)
    .where('p.forum_id', '=', forumId)
    .executeTakeFirst();
  if (!item) return refuse(404, 'Action item not found');
  if (item.assigneeId !== userId && !mayManage) {
    await writeAudit(db, { userId, forumId, action: 'access.denied', target: `action_item:${itemId}`, denied: true, detail: { method: 'POST' }, request });
    return refuse(403, 'Only the assignee, the chair or a leader can mark this done.');
  }
  if (item.doneAt) return done({ alreadyDone: true });
  await db.updateTable('action_items').set({ done_at: new Date() }).where('id', '=', itemId).where('done_at', 'is', null).execute();
  await writeAudit(db, { userId, forumId, action: 'action_item.done', target: `action_item:${itemId}`, request });
  return done({ alreadyDone: false });
}
