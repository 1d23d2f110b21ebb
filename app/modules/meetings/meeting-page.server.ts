import { sql, type SqlBool } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { AgendaSection, LevelValue } from '../../../db/database';
import type { Executor } from '~/utils/db.server';
import { renderMarkdown } from '~/utils/markdown.server';
import { pageOf, type Paged } from '~/utils/paging';
import { isDiscussed, oneLine } from './agenda';
import { planAgenda } from './agenda.server';
import type { GoalValue } from './meetings';
import { latestHealthSql } from './meetings.server';
import { getReviewLoad } from './review-load.server';

/**
 * Everything the meeting page and the minutes show, in four queries whatever the size of the agenda: the
 * meeting, its items (agenda rows, or for meetings held before agendas were stored, its reviews) with each
 * owner's status, goal values, review and action items, the forum's members, and the level changes.
 */
export async function getMeetingPage(db: Executor, { forumId, meetingId }: { forumId: number; meetingId: number }) {
  const meeting = await db
    .selectFrom('meetings as m')
    .innerJoin('forums as f', 'f.id', 'm.forum_id')
    .leftJoin('users as cb', 'cb.id', 'm.closed_by')
    .leftJoin('users as sb', 'sb.id', 'm.skipped_by')
    .select([
      'm.id',
      'm.scheduled_at as scheduledAt',
      'm.state',
      'm.started_at as startedAt',
      'm.closed_at as closedAt',
      'cb.name as closedBy',
      'f.minutes_per_review as minutesPerReview',
      'm.skip_reason as skipReason',
      'sb.name as skippedBy',
      'm.sequence',
      'm.notes',
    ])
    .where('m.id', '=', meetingId)
    .where('m.forum_id', '=', forumId)
    .executeTakeFirst();
  if (!meeting) return null;
  // A planned meeting's agenda is the engine's as of now (computed, not stored); a started one's is stored.
  const planned =
    meeting.state === 'planned'
      ? new Map(
          (await planAgenda(db, { id: meeting.id, forumId, scheduledAt: meeting.scheduledAt })).map((e) => [
            e.projectId,
            e,
          ]),
        )
      : null;

  const [rows, members, levelChanges] = await Promise.all([
    db
      .selectFrom('projects as p')
      .innerJoin('users as o', 'o.id', 'p.owner_id')
      .leftJoin('agenda_items as ai', (j) => j.onRef('ai.project_id', '=', 'p.id').on('ai.meeting_id', '=', meeting.id))
      .leftJoin('reviews as r', (j) => j.onRef('r.project_id', '=', 'p.id').on('r.meeting_id', '=', meeting.id))
      .leftJoin('users as rv', 'rv.id', 'r.reviewer_id')
      .leftJoin('status_updates as s', (j) => j.onRef('s.project_id', '=', 'p.id').on('s.meeting_id', '=', meeting.id))
      .select((eb) => [
        'p.id as projectId',
        'p.name as project',
        'p.owner_id as ownerId',
        'o.name as owner',
        // A closed meeting shows each level as it was at that meeting, not today's (issue #21): the level its close
        // started from, else the last level before the close; open meetings show the current one.
        (meeting.state === 'closed'
          ? sql<LevelValue>`coalesce(
              (select e.from_level from oversight_events e where e.project_id = p.id and e.meeting_id = ${meeting.id} and e.type in ('review', 'missed', 'spillover') order by e.seq limit 1),
              (select e.to_level from oversight_events e where e.project_id = p.id and e.occurred_at <= ${meeting.closedAt ?? meeting.scheduledAt} order by e.occurred_at desc, e.seq desc limit 1),
              p.oversight_level)`
          : sql<LevelValue>`p.oversight_level`
        ).as('level'),
        'p.oversight_escalated as currentlyEscalated',
        'ai.section',
        'ai.reason',
        'ai.pulled',
        's.health',
        's.summary',
        's.risks',
        's.asks',
        's.late',
        latestHealthSql('p.id', meeting).as('latestHealth'),
        'r.verdict',
        'r.self_report as reviewedSelfReport',
        'r.feedback',
        'r.version as reviewVersion',
        'rv.name as reviewer',
        jsonArrayFrom(
          eb
            .selectFrom('status_goal_values as v')
            .innerJoin('goals as g', 'g.id', 'v.goal_id')
            .select(['g.title', 'g.kind', 'g.unit', 'g.baseline', 'g.target', 'v.value', 'v.done'])
            .whereRef('v.status_update_id', '=', 's.id')
            .orderBy('g.id'),
        ).as('goals'),
        jsonArrayFrom(
          eb
            .selectFrom('action_items as a')
            .leftJoin('users as u', 'u.id', 'a.assignee_id')
            .select(['a.id', 'a.text', 'a.due_date as dueDate', 'a.done_at as doneAt', 'u.name as assignee'])
            .where('a.meeting_id', '=', meeting.id)
            .whereRef('a.project_id', '=', 'p.id')
            .orderBy('a.id'),
        ).as('actionItems'),
      ])
      .where('p.forum_id', '=', forumId)
      .where((w) =>
        planned
          ? planned.size > 0
            ? w('p.id', 'in', [...planned.keys()])
            : sql<SqlBool>`false`
          : w.or([w('ai.id', 'is not', null), w('r.id', 'is not', null)]),
      )
      .orderBy('ai.position')
      .orderBy('p.name')
      .execute(),
    db
      .selectFrom('memberships as ms')
      .innerJoin('users as u', 'u.id', 'ms.user_id')
      .select(['u.id', 'u.name', 'ms.role'])
      .where('ms.forum_id', '=', forumId)
      .orderBy('u.name')
      .execute(),
    db
      .selectFrom('oversight_events as e')
      .innerJoin('projects as p', 'p.id', 'e.project_id')
      .select([
        'e.project_id as projectId',
        'p.name as project',
        'e.from_level as from',
        'e.to_level as to',
        'e.explanation',
        'e.actor_id as actorId',
      ])
      .where('e.meeting_id', '=', meeting.id)
      .whereRef('e.from_level', '!=', 'e.to_level')
      .orderBy('p.name')
      .orderBy('e.seq')
      .execute(),
  ]);

  if (planned)
    rows.sort((a, b) => (planned.get(a.projectId)?.position ?? 0) - (planned.get(b.projectId)?.position ?? 0));
  const items = rows.map((r) => {
    const entry = planned?.get(r.projectId);
    // Meetings closed before agendas were stored have reviews only: each is shown as a discussed item.
    const section: AgendaSection = entry?.section ?? r.section ?? 'due';
    const pulled = entry?.pulled ?? r.pulled ?? false;
    const { currentlyEscalated, ...row } = r;
    return {
      ...row,
      // The self-report a verdict is scored against (DESIGN §3): the latest status, on track when there is none.
      selfReport: r.latestHealth ?? ('on_track' as const),
      // At a closed meeting, escalated as its agenda said then (the flag on the project is today's).
      escalated: meeting.state === 'closed' ? (r.reason?.startsWith('Escalated') ?? false) : currentlyEscalated,
      section,
      pulled,
      reason: entry?.reason ?? r.reason ?? 'Reviewed at this meeting',
      discussed: isDiscussed({ section, pulled }),
      goals: r.goals as GoalValue[],
    };
  });
  const discussed = items.filter((i) => i.discussed);
  return {
    /** A planned meeting's agenda as the engine built it for this read (the review load counts it, not again). */
    plannedAgenda: planned ? [...planned.values()] : null,
    meeting,
    /** False for meetings held before agendas were stored (the seeded history): the items are its reviews. */
    hasAgenda: planned !== null || rows.some((r) => r.section !== null),
    items,
    members,
    levelChanges,
    progress: { reviewed: discussed.filter((i) => i.verdict !== null).length, discussed: discussed.length },
  };
}

export type MeetingPage = NonNullable<Awaited<ReturnType<typeof getMeetingPage>>>;
export type MeetingItem = MeetingPage['items'][number];

/**
 * The meeting page (reads only): a planned meeting's agenda as the engine builds it now (once: the review load
 * counts the same agenda), and the review load.
 */
export async function loadMeetingView(db: Executor, { forumId, meetingId }: { forumId: number; meetingId: number }) {
  const read = await getMeetingPage(db, { forumId, meetingId });
  if (!read) return null;
  const { plannedAgenda, ...page } = read;
  const [load, firstOpen] = await Promise.all([
    getReviewLoad(db, { forumId, meetingId, agenda: plannedAgenda ?? undefined }),
    // Only the forum's next meeting can start: the earliest meeting not closed, if it is not this one.
    db
      .selectFrom('meetings')
      .select(['id', 'scheduled_at as scheduledAt', 'state'])
      .where('forum_id', '=', forumId)
      .where('state', 'in', ['planned', 'in_progress'])
      .orderBy('scheduled_at')
      .limit(1)
      .executeTakeFirst(),
  ]);
  // The owners' markdown is rendered for the page of items shown only (pageMeetingView), not for the whole agenda.
  return {
    ...page,
    notesHtml: renderMarkdown(page.meeting.notes),
    load,
    comesFirst: firstOpen && firstOpen.id !== page.meeting.id ? firstOpen : null,
  };
}

/**
 * The guess at who attended (before the chair records it: attendance.server.ts): members who recorded something in this meeting (started it, pulled or asked
 * for an item, recorded a verdict or an action item, closed it), from the audit log and the reviews.
 */
export async function listMeetingParticipants(
  db: Executor,
  { forumId, meetingId }: { forumId: number; meetingId: number },
): Promise<{ id: number; name: string }[]> {
  return db
    .selectFrom('users as u')
    .select(['u.id', 'u.name'])
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('audit_log as l')
            .select('l.id')
            .whereRef('l.user_id', '=', 'u.id')
            .where('l.forum_id', '=', forumId)
            .where('l.denied', '=', false)
            .where((w) =>
              w.or([
                w('l.target', '=', `meeting:${meetingId}`),
                w(sql`l.detail->>'meetingId'`, '=', String(meetingId)),
              ]),
            ),
        ),
        eb.exists(
          eb
            .selectFrom('reviews as r')
            .select('r.id')
            .whereRef('r.reviewer_id', '=', 'u.id')
            .where('r.meeting_id', '=', meetingId),
        ),
        eb.exists(
          eb
            .selectFrom('meetings as m')
            .select('m.id')
            .whereRef('m.closed_by', '=', 'u.id')
            .where('m.id', '=', meetingId),
        ),
      ]),
    )
    .orderBy('u.name')
    .orderBy('u.id')
    .execute();
}

export type MeetingView = NonNullable<Awaited<ReturnType<typeof loadMeetingView>>>;

/** Discussed items a page (each in full, with its forms), and consent items a page (one line each). */
export const DISCUSSED_PAGE_SIZE = 10;
export const CONSENT_PAGE_SIZE = 25;

/**
 * A meeting's agenda as its pages show it (computed once per version of the forum's data, then cached):
 * discussed items in the order the chair walks them (exceptions, due, pulled from consent), each with its
 * number on the whole agenda and the item after it, and the owner's status in full (rendered); consent items
 * one line each.
 */
export function prepareMeetingView(view: MeetingView) {
  const { items, ...rest } = view;
  const discussed = view.hasAgenda
    ? (['exception', 'due', 'consent'] as const).flatMap((section) =>
        items.filter((i) => i.discussed && i.section === section),
      )
    : items.filter((i) => i.discussed);
  const consent = items.filter((i) => !i.discussed);
  return {
    ...rest,
    discussed: discussed.map((i, n) => ({
      ...i,
      number: n + 1,
      nextProjectId: discussed[n + 1]?.projectId ?? null,
      nextProject: discussed[n + 1]?.project ?? null,
    })),
    consent: consent.map((i) => ({
      projectId: i.projectId,
      project: i.project,
      owner: i.owner,
      health: i.health,
      summary: oneLine(i.summary ?? ''),
      reason: i.reason,
    })),
    counts: {
      exception: discussed.filter((i) => i.section === 'exception').length,
      due: discussed.filter((i) => i.section === 'due').length,
      pulled: discussed.filter((i) => i.section === 'consent').length,
      /** Projects without a status for this meeting: closing records them as missed. */
      missing: items.filter((i) => !i.health).length,
    },
  };
}

/**
 * One page of a meeting's agenda (a big forum's meeting has hundreds of items); `item` (a project id) picks
 * the pages that hold it: where a verdict or a pull lands.
 */
/** One page of a prepared view (or of its JSON copy, as the page cache keeps it). */
export function pageMeetingView<V extends Pick<ReturnType<typeof prepareMeetingView>, 'discussed' | 'consent'>>(
  view: V,
  { page, consentPage, item }: { page: number; consentPage: number; item?: number },
): Omit<V, 'discussed' | 'consent'> & {
  discussed: Paged<Rendered<V['discussed'][number]>>;
  consent: Paged<V['consent'][number]>;
} {
  const at = item === undefined ? -1 : view.discussed.findIndex((i) => i.projectId === item);
  const consentAt = item === undefined ? -1 : view.consent.findIndex((i) => i.projectId === item);
  const discussed = pageOf(
    view.discussed,
    at >= 0 ? Math.floor(at / DISCUSSED_PAGE_SIZE) + 1 : page,
    DISCUSSED_PAGE_SIZE,
  );
  return {
    ...view,
    // The owner's status in full, rendered safely, for the items of this page only (issue #17).
    discussed: { ...discussed, items: discussed.items.map(rendered) },
    consent: pageOf(
      view.consent,
      consentAt >= 0 ? Math.floor(consentAt / CONSENT_PAGE_SIZE) + 1 : consentPage,
      CONSENT_PAGE_SIZE,
    ),
  };
}

type Markdown = { summary: string | null; risks: string | null; asks: string | null };
type Rendered<T extends Markdown> = Omit<T, keyof Markdown> & {
  summaryHtml: string;
  risksHtml: string;
  asksHtml: string;
};

function rendered<T extends Markdown>({ summary, risks, asks, ...item }: T): Rendered<T> {
  return {
    ...item,
    summaryHtml: renderMarkdown(summary ?? ''),
    risksHtml: renderMarkdown(risks ?? ''),
    asksHtml: renderMarkdown(asks ?? ''),
  } as Rendered<T>;
}

export type MeetingPageView = ReturnType<typeof pageMeetingView<ReturnType<typeof prepareMeetingView>>>;
