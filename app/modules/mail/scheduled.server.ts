import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/database';
import { appUrl } from '~/utils/env.server';
import { formatDateTime } from '~/utils/format';
import { buildAgenda, SECTION_TITLES } from '~/modules/meetings/agenda';
import { loadAgendaFacts } from '~/modules/meetings/agenda.server';
import type { ScheduledTask } from './dispatcher.server';
import { enqueueNotification } from './notifications.server';
import { enqueueActionItemsDueTomorrow } from './meeting-emails.server';

const HOUR_MS = 3_600_000;

/** Each forum's next planned meeting still ahead, with its status deadline and reminder time. */
async function currentCycles(db: Kysely<Database>, now: Date) {
  const rows = await db
    .selectFrom('forums as f')
    .innerJoin('meetings as m', 'm.forum_id', 'f.id')
    .select([
      'f.id as forumId',
      'f.name as forumName',
      'f.slug',
      'f.time_zone as timeZone',
      'f.status_deadline_hours as deadlineHours',
      'f.status_reminder_hours as reminderHours',
      'm.id as meetingId',
      'm.scheduled_at as scheduledAt',
    ])
    .where('f.archived', '=', false)
    .where('m.state', '=', 'planned')
    .where('m.scheduled_at', '>', now)
    // The forum's next one only: no other planned meeting of the forum before it.
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('meetings as e')
            .select(sql`1`.as('x'))
            .whereRef('e.forum_id', '=', 'f.id')
            .where('e.state', '=', 'planned')
            .where('e.scheduled_at', '>', now)
            .whereRef('e.scheduled_at', '<', 'm.scheduled_at'),
        ),
      ),
    )
    .execute();
  return rows.map((r) => {
    const scheduledAt = new Date(r.scheduledAt);
    const deadline = new Date(scheduledAt.getTime() - r.deadlineHours * HOUR_MS);
    return { ...r, scheduledAt, deadline, remindAt: new Date(deadline.getTime() - r.reminderHours * HOUR_MS) };
  });
}

/** The active projects of a meeting's forum without a status for it, with their owners. */
async function projectsOwing(db: Kysely<Database>, { forumId, meetingId }: { forumId: number; meetingId: number }) {
  return db
    .selectFrom('projects as p')
    .select(['p.id', 'p.name', 'p.owner_id as ownerId'])
    .where('p.forum_id', '=', forumId)
    .where('p.archived', '=', false)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('status_updates as s')
            .select(sql`1`.as('x'))
            .whereRef('s.project_id', '=', 'p.id')
            .where('s.meeting_id', '=', meetingId),
        ),
      ),
    )
    .orderBy('p.id')
    .execute();
}

/**
 * "Status due" to each owner who owes one, from the forum's lead time before the deadline until the deadline; then
 * "overdue" from the deadline until the meeting, if still missing. The outbox's unique key (kind, meeting and project,
 * recipient) makes every tick after the first a no-op.
 */
export async function enqueueStatusReminders(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  let written = 0;
  for (const c of await currentCycles(db, now)) {
    if (now < c.remindAt) continue;
    const kind = now < c.deadline ? ('status-due' as const) : ('status-overdue' as const);
    const when = formatDateTime(c.deadline, c.timeZone);
    const meetingWhen = formatDateTime(c.scheduledAt, c.timeZone);
    for (const p of await projectsOwing(db, c)) {
      const ok = await enqueueNotification(db, {
        kind,
        subjectKey: `meeting:${c.meetingId}:project:${p.id}`,
        userId: p.ownerId,
        forum: { id: c.forumId, name: c.forumName },
        parts:
          kind === 'status-due'
            ? {
                subject: `Status for ${p.name} due ${when}`,
                paragraphs: [
                  `Your status for ${p.name} is due by ${when}, before the meeting on ${meetingWhen}.`,
                  'A status that is not posted by the meeting counts as missed.',
                ],
                link: { href: `${appUrl()}/forums/${c.slug}/projects/${p.id}/status`, label: 'Post the status' },
              }
            : {
                subject: `Status for ${p.name} is overdue`,
                paragraphs: [
                  `The status deadline for ${p.name} passed at ${when}, and no status is posted yet.`,
                  `Posted before the meeting on ${meetingWhen}, it still counts, marked late; after that it is missed.`,
                ],
                link: { href: `${appUrl()}/forums/${c.slug}/projects/${p.id}/status`, label: 'Post the status now' },
              },
      });
      if (ok) written += 1;
    }
  }
  return written;
}

/** The agenda (exceptions, due, consent) to every member, once the status deadline has passed. */
export async function enqueueAgendas(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  let written = 0;
  for (const c of await currentCycles(db, now)) {
    if (now < c.deadline) continue;
    const members = await db
      .selectFrom('memberships as ms')
      .innerJoin('users as u', 'u.id', 'ms.user_id')
      .select('ms.user_id')
      .where('ms.forum_id', '=', c.forumId)
      .where('u.deactivated_at', 'is', null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('email_opt_outs as o')
              .select(sql`1`.as('x'))
              .whereRef('o.user_id', '=', 'ms.user_id')
              .where('o.kind', '=', 'agenda'),
          ),
        ),
      )
      .orderBy('ms.user_id')
      .execute();
    // Already written for everyone (the usual tick): nothing to compute.
    const done = await db
      .selectFrom('outbox')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('kind', '=', 'agenda')
      .where('dedupe_key', 'like', `agenda|meeting:${c.meetingId}|%`)
      .executeTakeFirstOrThrow();
    if (done.n >= members.length) continue;
    const facts = await loadAgendaFacts(db, { id: c.meetingId, forumId: c.forumId, scheduledAt: c.scheduledAt }, now);
    const names = new Map(facts.map((f) => [f.projectId, f.name]));
    const entries = buildAgenda(facts);
    const items = (['exception', 'due', 'consent'] as const).flatMap((section) => {
      const inSection = entries.filter((e) => e.section === section);
      return inSection.length
        ? [`${SECTION_TITLES[section]}:`, ...inSection.map((e) => `  ${names.get(e.projectId)} — ${e.reason}`)]
        : [];
    });
    for (const m of members) {
      const ok = await enqueueNotification(db, {
        kind: 'agenda',
        subjectKey: `meeting:${c.meetingId}`,
        userId: m.user_id,
        forum: { id: c.forumId, name: c.forumName },
        parts: {
          subject: `Agenda for the meeting on ${formatDateTime(c.scheduledAt, c.timeZone)}`,
          paragraphs: [
            `The status deadline has passed. This is the agenda for the meeting on ${formatDateTime(c.scheduledAt, c.timeZone)}, as it stands now.`,
          ],
          items: items.length ? items : ['No projects on the agenda.'],
          link: { href: `${appUrl()}/forums/${c.slug}/meetings/${c.meetingId}`, label: 'Open the meeting' },
        },
      });
      if (ok) written += 1;
    }
  }
  return written;
}

/** The scheduled emails, enqueued by the dispatcher on every tick (idempotent through the outbox's unique key). */
export const mailTasks: ScheduledTask[] = [
  { name: 'status reminders', run: enqueueStatusReminders },
  { name: 'agendas', run: enqueueAgendas },
  { name: 'action items due tomorrow', run: enqueueActionItemsDueTomorrow },
];
