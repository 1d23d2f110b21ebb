import { sql, type SqlBool } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { AgendaSection, LevelValue } from '../../../db/database';
import type { Executor } from '~/utils/db.server';
import { renderMarkdown } from '~/utils/markdown.server';
import { pageOf } from '~/utils/paging';
import { isDiscussed, oneLine } from './agenda';
import { loadAgendaFacts, planAgenda, planFromFacts } from './agenda.server';
import type { GoalValue } from './meetings';
import { latestHealthSql } from './meetings.server';
import { getReviewLoad } from './review-load.server';

type MeetingRow = NonNullable<Awaited<ReturnType<typeof readMeeting>>>;

function readMeeting(db: Executor, { forumId, meetingId }: { forumId: number; meetingId: number }) {
  return db
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
}

/**
 * Each item's whole record (the owner's status, goal values, review, action items, the level shown): the
 * meeting's projects of the forum, narrowed by the caller (the agenda's projects, or one page's).
 */
function itemRows(db: Executor, forumId: number, meeting: MeetingRow) {
  return db
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
    .where('p.forum_id', '=', forumId);
}

type ItemRow = Awaited<ReturnType<ReturnType<typeof itemRows>['execute']>>[number];

/** Where an item sits on the agenda: the engine's plan for a planned meeting, else its stored row. */
interface Placement {
  section: AgendaSection;
  pulled: boolean;
  reason: string;
}

/** Meetings closed before agendas were stored have reviews only: each is shown as a discussed item. */
function storedPlacement(r: {
  section: AgendaSection | null;
  pulled: boolean | null;
  reason: string | null;
}): Placement {
  return { section: r.section ?? 'due', pulled: r.pulled ?? false, reason: r.reason ?? 'Reviewed at this meeting' };
}

function toItem(meeting: MeetingRow, r: ItemRow, { section, pulled, reason }: Placement) {
  const { currentlyEscalated, ...row } = r;
  return {
    ...row,
    // The self-report a verdict is scored against (DESIGN §3): the latest status, on track when there is none.
    selfReport: r.latestHealth ?? ('on_track' as const),
    // At a closed meeting, escalated as its agenda said then (the flag on the project is today's).
    escalated: meeting.state === 'closed' ? (r.reason?.startsWith('Escalated') ?? false) : currentlyEscalated,
    section,
    pulled,
    reason,
    discussed: isDiscussed({ section, pulled }),
    goals: r.goals as GoalValue[],
  };
}

function readMembers(db: Executor, forumId: number) {
  return db
    .selectFrom('memberships as ms')
    .innerJoin('users as u', 'u.id', 'ms.user_id')
    .select(['u.id', 'u.name', 'ms.role'])
    .where('ms.forum_id', '=', forumId)
    .orderBy('u.name')
    .execute();
}

function readLevelChanges(db: Executor, meetingId: number) {
  return db
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
    .where('e.meeting_id', '=', meetingId)
    .whereRef('e.from_level', '!=', 'e.to_level')
    .orderBy('p.name')
    .orderBy('e.seq')
    .execute();
}

/**
 * Everything the minutes show, the whole meeting in four queries whatever the size of the agenda: the meeting,
 * its items (agenda rows, or for meetings held before agendas were stored, its reviews) with each owner's status,
 * goal values, review and action items, the forum's members, and the level changes. (The meeting page reads one
 * page of items: loadMeetingPageView.)
 */
export async function getMeetingPage(db: Executor, { forumId, meetingId }: { forumId: number; meetingId: number }) {
  const meeting = await readMeeting(db, { forumId, meetingId });
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
    itemRows(db, forumId, meeting)
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
    readMembers(db, forumId),
    readLevelChanges(db, meeting.id),
  ]);

  if (planned)
    rows.sort((a, b) => (planned.get(a.projectId)?.position ?? 0) - (planned.get(b.projectId)?.position ?? 0));
  const items = rows.map((r) => toItem(meeting, r, planned?.get(r.projectId) ?? storedPlacement(r)));
  const discussed = items.filter((i) => i.discussed);
  return {
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

/** One agenda item as the agenda's order, numbers and counts need it: no status text, goals or reviews. */
interface OutlineItem extends Placement {
  projectId: number;
  project: string;
  discussed: boolean;
  hasStatus: boolean;
  reviewed: boolean;
}

/**
 * The meeting's agenda in order, lean: a planned meeting's as the engine plans it now (its facts only, one
 * query), a started or closed one's stored rows (or, held before agendas were stored, its reviews) with whether
 * each has a status and a verdict. `plannedAgenda` is the plan itself, for the review load.
 */
async function readOutline(db: Executor, forumId: number, meeting: MeetingRow) {
  if (meeting.state === 'planned') {
    const ref = { id: meeting.id, forumId, scheduledAt: meeting.scheduledAt };
    const [facts, reviewed] = await Promise.all([
      loadAgendaFacts(db, ref),
      // A planned meeting has no verdicts yet; read anyway, so the progress never disagrees with the reviews.
      db.selectFrom('reviews').select('project_id').where('meeting_id', '=', meeting.id).execute(),
    ]);
    const byId = new Map(facts.map((f) => [f.projectId, f]));
    const reviewedIds = new Set(reviewed.map((r) => r.project_id));
    const plannedAgenda = planFromFacts(facts);
    const outline = plannedAgenda.map((e): OutlineItem => {
      const f = byId.get(e.projectId);
      return {
        projectId: e.projectId,
        project: f?.name ?? '',
        section: e.section,
        pulled: e.pulled,
        reason: e.reason,
        discussed: isDiscussed(e),
        hasStatus: Boolean(f?.statusHealth),
        reviewed: reviewedIds.has(e.projectId),
      };
    });
    return { hasAgenda: true, outline, plannedAgenda };
  }
  const rows = await db
    .selectFrom('projects as p')
    .leftJoin('agenda_items as ai', (j) => j.onRef('ai.project_id', '=', 'p.id').on('ai.meeting_id', '=', meeting.id))
    .leftJoin('reviews as r', (j) => j.onRef('r.project_id', '=', 'p.id').on('r.meeting_id', '=', meeting.id))
    .leftJoin('status_updates as s', (j) => j.onRef('s.project_id', '=', 'p.id').on('s.meeting_id', '=', meeting.id))
    .select([
      'p.id as projectId',
      'p.name as project',
      'ai.section',
      'ai.reason',
      'ai.pulled',
      's.health',
      sql<boolean>`r.id is not null`.as('reviewed'),
    ])
    .where('p.forum_id', '=', forumId)
    .where((w) => w.or([w('ai.id', 'is not', null), w('r.id', 'is not', null)]))
    .orderBy('ai.position')
    .orderBy('p.name')
    .execute();
  const outline = rows.map((r): OutlineItem => {
    const placement = storedPlacement(r);
    return {
      projectId: r.projectId,
      project: r.project,
      ...placement,
      discussed: isDiscussed(placement),
      hasStatus: Boolean(r.health),
      reviewed: r.reviewed,
    };
  });
  return { hasAgenda: rows.some((r) => r.section !== null), outline, plannedAgenda: null };
}

/** Discussed items a page (each in full, with its forms), and consent items a page (one line each). */
export const DISCUSSED_PAGE_SIZE = 10;
export const CONSENT_PAGE_SIZE = 25;

/** Which page of each list is shown: `item` (a project id) picks the pages that hold it (where a verdict or a pull lands). */
export interface MeetingPageAt {
  page: number;
  consentPage: number;
  item?: number;
}

/**
 * What the meeting page shows of the whole meeting, whichever page of its agenda is open (decision 028): the
 * meeting, the agenda's order, sections, numbers and counts from a lean outline (for a planned meeting, the engine's
 * plan as of now, built once: the review load counts the same plan), the review load, the members and the level
 * changes, read side by side. Discussed items come in the order the chair walks them (exceptions, due, pulled from
 * consent). Nothing in it is changed by a page (the route keeps one per forum version for every page of the meeting).
 */
export async function loadMeetingWhole(db: Executor, { forumId, meetingId }: { forumId: number; meetingId: number }) {
  const meeting = await readMeeting(db, { forumId, meetingId });
  if (!meeting) return null;
  const firstOpen = db
    .selectFrom('meetings')
    .select(['id', 'scheduled_at as scheduledAt', 'state'])
    .where('forum_id', '=', forumId)
    .where('state', 'in', ['planned', 'in_progress'])
    .orderBy('scheduled_at')
    .limit(1)
    .executeTakeFirst();
  // The page lists the level changes of a closed meeting only (they are made at its close).
  const others = Promise.all([
    readMembers(db, forumId),
    meeting.state === 'closed' ? readLevelChanges(db, meeting.id) : Promise.resolve([]),
    firstOpen,
  ]);
  // Not left unhandled while the outline is read (an error surfaces at the await below).
  others.catch(() => {});
  const outlineRead = readOutline(db, forumId, meeting);
  // The review load's history is read beside the outline; a planned meeting's own count waits for its agenda.
  const loadRead = getReviewLoad(db, {
    forumId,
    meetingId,
    agenda: outlineRead.then((o) => o.plannedAgenda ?? undefined),
  });
  loadRead.catch(() => {}); // awaited below
  const [{ hasAgenda, outline }, load, [members, levelChanges, first]] = await Promise.all([
    outlineRead,
    loadRead,
    others,
  ]);
  const discussedAll = hasAgenda
    ? (['exception', 'due', 'consent'] as const).flatMap((section) =>
        outline.filter((i) => i.discussed && i.section === section),
      )
    : outline.filter((i) => i.discussed);
  return {
    meeting,
    /** False for meetings held before agendas were stored (the seeded history): the items are its reviews. */
    hasAgenda,
    discussedAll,
    consentAll: outline.filter((i) => !i.discussed),
    members,
    levelChanges,
    load,
    comesFirst: first && first.id !== meeting.id ? first : null,
    progress: {
      reviewed: discussedAll.filter((i) => i.reviewed).length,
      discussed: discussedAll.length,
    },
    notesHtml: renderMarkdown(meeting.notes),
    counts: {
      exception: discussedAll.filter((i) => i.section === 'exception').length,
      due: discussedAll.filter((i) => i.section === 'due').length,
      pulled: discussedAll.filter((i) => i.section === 'consent').length,
      /** Projects without a status for this meeting: closing records them as missed. */
      missing: outline.filter((i) => !i.hasStatus).length,
    },
  };
}

export type MeetingWhole = NonNullable<Awaited<ReturnType<typeof loadMeetingWhole>>>;

/**
 * The meeting page (reads only), one page of its agenda: what it shows of the whole meeting (loadMeetingWhole, or
 * `whole` when the caller has it), then the whole record of the items on the page shown only (10 discussed, 25
 * consent), the owners' markdown rendered for those. Each discussed item has its number on the whole agenda and
 * the item after it (on whichever page); consent items one line each.
 */
export async function loadMeetingPageView(
  db: Executor,
  {
    forumId,
    meetingId,
    page,
    consentPage,
    item,
    whole,
  }: { forumId: number; meetingId: number; whole?: Promise<MeetingWhole | null> } & MeetingPageAt,
) {
  const all = await (whole ?? loadMeetingWhole(db, { forumId, meetingId }));
  if (!all) return null;
  const { meeting, discussedAll, consentAll, ...shownWhole } = all;
  const at = item === undefined ? -1 : discussedAll.findIndex((i) => i.projectId === item);
  const consentAt = item === undefined ? -1 : consentAll.findIndex((i) => i.projectId === item);
  const discussedPage = pageOf(
    discussedAll,
    at >= 0 ? Math.floor(at / DISCUSSED_PAGE_SIZE) + 1 : page,
    DISCUSSED_PAGE_SIZE,
  );
  const consentShown = pageOf(
    consentAll,
    consentAt >= 0 ? Math.floor(consentAt / CONSENT_PAGE_SIZE) + 1 : consentPage,
    CONSENT_PAGE_SIZE,
  );
  const shownIds = [...discussedPage.items, ...consentShown.items].map((i) => i.projectId);
  const rows = shownIds.length > 0 ? await itemRows(db, forumId, meeting).where('p.id', 'in', shownIds).execute() : [];
  const rowOf = new Map(rows.map((r) => [r.projectId, r]));
  const firstNumber = (discussedPage.page - 1) * DISCUSSED_PAGE_SIZE;
  const discussedItems = discussedPage.items.flatMap((o, n) => {
    const r = rowOf.get(o.projectId);
    // A project deleted between the two reads is left out of this page (the next read has the agenda without it).
    if (!r) return [];
    const next = discussedAll[firstNumber + n + 1];
    return [
      rendered({
        ...toItem(meeting, r, o),
        number: firstNumber + n + 1,
        nextProjectId: next?.projectId ?? null,
        nextProject: next?.project ?? null,
      }),
    ];
  });
  const consentItems = consentShown.items.flatMap((o) => {
    const r = rowOf.get(o.projectId);
    if (!r) return [];
    return [
      {
        projectId: o.projectId,
        project: r.project,
        owner: r.owner,
        health: r.health,
        summary: oneLine(r.summary ?? ''),
        reason: o.reason,
      },
    ];
  });
  return {
    meeting,
    ...shownWhole,
    discussed: { ...discussedPage, items: discussedItems },
    consent: { ...consentShown, items: consentItems },
  };
}

export type MeetingPageView = NonNullable<Awaited<ReturnType<typeof loadMeetingPageView>>>;

/** What a member does in a meeting: the meeting's own actions, the agenda's, verdicts and action items (not a status post). */
const MEETING_ACTIONS = ['meeting.', 'agenda.', 'review.', 'action_item.'] as const;

/**
 * The guess at who attended (before the chair records it: attendance.server.ts): members who recorded something in
 * this meeting (started it, pulled or asked for an item, recorded a verdict or an action item, closed it), from the
 * audit log and the reviews. A status posted for the meeting is the owner's work before it, not attendance. The
 * audit rows of the meeting are found by index (its target or the meeting in their detail, migration T1300), not by
 * walking the forum's log for each member.
 */
export function meetingParticipantsQuery(db: Executor, { forumId, meetingId }: { forumId: number; meetingId: number }) {
  return db
    .selectFrom('users as u')
    .select(['u.id', 'u.name'])
    .where('u.id', 'in', (eb) =>
      eb
        .selectFrom('audit_log as l')
        .select('l.user_id as id')
        .where('l.forum_id', '=', forumId)
        .where('l.denied', '=', false)
        .where((w) =>
          w.or([w('l.target', '=', `meeting:${meetingId}`), w(sql`l.detail->>'meetingId'`, '=', String(meetingId))]),
        )
        .where((w) => w.or(MEETING_ACTIONS.map((prefix) => w('l.action', 'like', `${prefix}%`))))
        .union(eb.selectFrom('reviews as r').select('r.reviewer_id as id').where('r.meeting_id', '=', meetingId))
        .union(eb.selectFrom('meetings as m').select('m.closed_by as id').where('m.id', '=', meetingId)),
    )
    .orderBy('u.name')
    .orderBy('u.id');
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
