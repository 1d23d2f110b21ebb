import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/database';
import type { Executor } from '~/utils/db.server';
import { appUrl } from '~/utils/env.server';
import { formatDate, formatDateTime } from '~/utils/format';
import type { CloseSummary } from '~/modules/meetings/close.server';
import { enqueueNotification } from './notifications.server';

const HEALTH_WORDS = { on_track: 'on track', at_risk: 'at risk', off_track: 'off track' } as const;

/** Action items with what their emails say: project, forum and its time zone. */
function actionItemRows(db: Executor) {
  return db
    .selectFrom('action_items as a')
    .innerJoin('projects as p', 'p.id', 'a.project_id')
    .innerJoin('forums as f', 'f.id', 'p.forum_id')
    .select([
      'a.id',
      'a.text',
      'a.assignee_id as assigneeId',
      'a.due_date as dueDate',
      'p.name as project',
      'f.id as forumId',
      'f.name as forumName',
      'f.slug',
      'f.time_zone as timeZone',
    ]);
}

async function actionItem(db: Executor, itemId: number) {
  return actionItemRows(db).where('a.id', '=', itemId).executeTakeFirst();
}

/** "Action item assigned", in the transaction that assigns it (not when people assign themselves). */
export async function enqueueActionItemAssigned(
  db: Executor,
  { itemId, actorId }: { itemId: number; actorId: number },
): Promise<boolean> {
  const item = await actionItem(db, itemId);
  if (!item?.assigneeId || item.assigneeId === actorId) return false;
  const actor = await db.selectFrom('users').select('name').where('id', '=', actorId).executeTakeFirst();
  return enqueueNotification(db, {
    kind: 'action-item-assigned',
    subjectKey: `action-item:${item.id}`,
    userId: item.assigneeId,
    forum: { id: item.forumId, name: item.forumName },
    parts: {
      subject: `Action item for ${item.project}: ${item.text.slice(0, 80)}`,
      paragraphs: [
        `${actor?.name ?? 'Someone'} assigned you an action item on ${item.project}${item.dueDate ? `, due ${formatDate(item.dueDate, item.timeZone)}` : ''}:`,
        item.text,
      ],
      link: { href: `${appUrl()}/forums/${item.slug}/action-items/${item.id}`, label: 'Open the action item' },
    },
  });
}

/** "Action item due tomorrow" (in the forum's time zone) to each assignee of an open one; a dispatcher task. */
export async function enqueueActionItemsDueTomorrow(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const items = await actionItemRows(db)
    .where('a.done_at', 'is', null)
    .where('a.assignee_id', 'is not', null)
    .where('f.archived', '=', false)
    .where(sql<boolean>`a.due_date = (${now.toISOString()}::timestamptz at time zone f.time_zone)::date + 1`)
    .orderBy('a.id')
    .execute();
  let written = 0;
  for (const item of items) {
    const ok = await enqueueNotification(db, {
      kind: 'action-item-due',
      subjectKey: `action-item:${item.id}:due:${item.dueDate}`,
      userId: item.assigneeId!,
      forum: { id: item.forumId, name: item.forumName },
      parts: {
        subject: `Due tomorrow: ${item.text.slice(0, 80)}`,
        paragraphs: [
          `Your action item on ${item.project} is due tomorrow, ${formatDate(item.dueDate!, item.timeZone)}:`,
          item.text,
        ],
        link: { href: `${appUrl()}/forums/${item.slug}/action-items/${item.id}`, label: 'Open the action item' },
      },
    });
    if (ok) written += 1;
  }
  return written;
}

/** The digest after a meeting's close, to every member, in the close's transaction. */
export async function enqueueMeetingDigest(
  db: Executor,
  { forumId, meetingId, summary }: { forumId: number; meetingId: number; summary: CloseSummary },
): Promise<number> {
  const forum = await db
    .selectFrom('forums')
    .select(['id', 'name', 'slug', 'time_zone as timeZone'])
    .where('id', '=', forumId)
    .executeTakeFirstOrThrow();
  const meeting = await db
    .selectFrom('meetings')
    .select('scheduled_at')
    .where('id', '=', meetingId)
    .executeTakeFirstOrThrow();
  const actions = await db
    .selectFrom('action_items as a')
    .innerJoin('projects as p', 'p.id', 'a.project_id')
    .leftJoin('users as u', 'u.id', 'a.assignee_id')
    .select(['a.text', 'a.due_date as dueDate', 'p.name as project', 'u.name as assignee'])
    .where('a.meeting_id', '=', meetingId)
    .orderBy('a.id')
    .execute();
  const items = [
    ...(summary.verdicts.length
      ? ['Verdicts:', ...summary.verdicts.map((v) => `  ${v.project}: ${HEALTH_WORDS[v.verdict]}`)]
      : ['No reviews at this meeting.']),
    ...(summary.missedProjects.length ? ['Statuses missed:', ...summary.missedProjects.map((p) => `  ${p}`)] : []),
    ...(summary.levelChanges.length
      ? [
          'Oversight level changes:',
          ...summary.levelChanges.map((c) => `  ${c.project}: ${c.from} → ${c.to}. ${c.explanation}`),
        ]
      : ['No oversight level changed.']),
    ...(actions.length
      ? [
          'Action items:',
          ...actions.map(
            (a) =>
              `  ${a.project}: ${a.text} (${a.assignee ?? 'unassigned'}${a.dueDate ? `, due ${formatDate(a.dueDate, forum.timeZone)}` : ''})`,
          ),
        ]
      : ['No new action items.']),
  ];
  const when = formatDateTime(meeting.scheduled_at, forum.timeZone);
  const members = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('forum_id', '=', forumId)
    .orderBy('user_id')
    .execute();
  let written = 0;
  for (const m of members) {
    const ok = await enqueueNotification(db, {
      kind: 'digest',
      subjectKey: `meeting:${meetingId}`,
      userId: m.user_id,
      forum: { id: forum.id, name: forum.name },
      parts: {
        subject: `What the meeting of ${when} decided`,
        paragraphs: [`The meeting of ${when} is closed. Here is what it decided.`],
        items,
        link: { href: `${appUrl()}/forums/${forum.slug}/meetings/${meetingId}`, label: 'Open the minutes' },
      },
    });
    if (ok) written += 1;
  }
  return written;
}
