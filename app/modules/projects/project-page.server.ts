import { sql, type SqlBool } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { withGoalChanges, type GoalSnapshot } from '~/modules/goals/goals';
import { goalRevisions, goalStateOrder } from '~/modules/goals/goals.server';
import { resolvePolicy } from '~/modules/oversight/oversight.server';
import { oneLine } from '~/modules/meetings/agenda';
import { getReviewSchedule, type ReviewSchedule } from '~/modules/meetings/next-review.server';
import { initialState, progressToNextLevel, ruleName } from '~/oversight';
import type { Executor } from '~/utils/db.server';
import { invariantResponse } from '~/utils/http.server';
import { renderMarkdown } from '~/utils/markdown.server';

/**
 * A milestone's latest report (done or not, with its note), when it was first reported done, and each time the owner
 * reopened it (a report of not done after one of done), with the note that says why (issue #21.4).
 */
function milestoneReport(values: { at: Date | string; done: boolean | null; note: string }[]) {
  const reported = values.filter((v) => v.done !== null);
  const latest = reported.at(-1);
  const reopened = reported.flatMap((v, i) =>
    i > 0 && reported[i - 1].done && !v.done ? [{ at: v.at, note: v.note }] : [],
  );
  return latest
    ? {
        at: latest.at,
        done: latest.done === true,
        note: latest.note,
        firstDoneAt: reported.find((v) => v.done)?.at ?? null,
        reopened,
      }
    : null;
}

/** Which page of each history list the page shows (10 a page, newest first); past the end, the last page. */
export interface ProjectPageQuery {
  updates: number;
  reviews: number;
  history: number;
  /** The oversight history shows level changes only. */
  changesOnly: boolean;
}

export const HISTORY_PAGE = 10;
const FIRST_PAGES: ProjectPageQuery = { updates: 1, reviews: 1, history: 1, changesOnly: true };
/** The oversight history's default view: the level changes, with the start, overrides and restarts. */
const isLevelChange = sql<SqlBool>`(e.from_level is distinct from e.to_level or e.type in ('start', 'override', 'restart'))`;

/** Page `page` of `total` items clamped to the last page, as the offset of its first item and its number. */
function clampPage(page: number, total: number) {
  const pages = Math.max(1, Math.ceil(total / HISTORY_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  return { page: current, pages, total, offset: (current - 1) * HISTORY_PAGE };
}

/** A project's status updates as the page shows them (the history's page, and this cycle's on its own). */
function statusRows(db: Executor, projectId: number) {
  return db
    .selectFrom('status_updates as s')
    .innerJoin('users as a', 'a.id', 's.author_id')
    .innerJoin('meetings as m', 'm.id', 's.meeting_id')
    .select([
      's.id',
      's.meeting_id as meetingId',
      's.health',
      's.summary',
      's.risks',
      's.asks',
      's.late',
      's.created_at as createdAt',
      's.updated_at as updatedAt',
      'a.name as author',
      'm.scheduled_at as meetingAt',
    ])
    .where('s.project_id', '=', projectId);
}

function statusView<T extends { summary: string; risks: string; asks: string }>({ summary, risks, asks, ...s }: T) {
  return {
    ...s,
    /** The summary's first line, for the compact timeline. */
    summaryLine: oneLine(summary),
    summaryHtml: renderMarkdown(summary),
    risksHtml: renderMarkdown(risks),
    asksHtml: renderMarkdown(asks),
  };
}

/** Where each list's page starts. */
interface ListOffsets {
  statuses: number;
  reviews: number;
  events: number;
}
const FIRST_OFFSETS: ListOffsets = { statuses: 0, reviews: 0, events: 0 };

/**
 * The page's lists, each a JSON array selected in one statement (issue #17: one round trip instead of one per
 * list): the goals (with their reported values for the charts, and revisions), one page of the status updates,
 * reviews and oversight events (each read with LIMIT/OFFSET by index), the action items, and the level's change
 * points for its chart. Timestamps come back as JSON strings, as the page's data sends them.
 */
function pageLists(db: Executor, projectId: number, at: ListOffsets, changesOnly: boolean) {
  return [
    jsonArrayFrom(
      db
        .selectFrom('goals')
        .select((eb) => [
          'goals.id',
          'goals.title',
          'goals.kind',
          'goals.unit',
          'goals.baseline',
          'goals.target',
          'goals.direction',
          'goals.due_date as dueDate',
          'goals.state',
          jsonArrayFrom(
            eb
              .selectFrom('status_goal_values as v')
              .innerJoin('status_updates as s', 's.id', 'v.status_update_id')
              .select(['s.created_at as at', 'v.value', 'v.done', 'v.note'])
              .whereRef('v.goal_id', '=', 'goals.id')
              // Redundant (a goal's values are its project's), but it lets the planner read the project's statuses by
              // index instead of scanning every status to join them (issue #8, tests/integration/query-plans.test.ts).
              .where('s.project_id', '=', projectId)
              .orderBy('s.created_at'),
          ).as('values'),
          goalRevisions(eb).as('revisions'),
        ])
        .where('goals.project_id', '=', projectId)
        .orderBy(goalStateOrder)
        .orderBy('goals.id'),
    ).as('goals'),
    jsonArrayFrom(
      statusRows(db, projectId)
        .orderBy('m.scheduled_at', 'desc')
        .orderBy('s.id', 'desc')
        .limit(HISTORY_PAGE)
        .offset(at.statuses),
    ).as('statuses'),
    jsonArrayFrom(
      db
        .selectFrom('reviews as r')
        .innerJoin('meetings as m', 'm.id', 'r.meeting_id')
        .innerJoin('users as u', 'u.id', 'r.reviewer_id')
        .select([
          'r.id',
          'r.verdict',
          'r.self_report as selfReport',
          'r.feedback',
          'm.scheduled_at as meetingAt',
          'u.name as reviewer',
        ])
        .where('r.project_id', '=', projectId)
        .orderBy('m.scheduled_at', 'desc')
        .orderBy('r.id', 'desc')
        .limit(HISTORY_PAGE)
        .offset(at.reviews),
    ).as('reviews'),
    jsonArrayFrom(
      db
        .selectFrom('action_items as ai')
        .leftJoin('users as u', 'u.id', 'ai.assignee_id')
        .select(['ai.id', 'ai.text', 'ai.due_date as dueDate', 'ai.done_at as doneAt', 'u.name as assignee'])
        .where('ai.project_id', '=', projectId)
        .orderBy((eb) => eb('ai.done_at', 'is not', null))
        .orderBy('ai.created_at', 'desc'),
    ).as('actionItems'),
    jsonArrayFrom(
      db
        .selectFrom('oversight_events as e')
        .leftJoin('users as u', 'u.id', 'e.actor_id')
        .leftJoin('meetings as m', 'm.id', 'e.meeting_id')
        .select([
          'e.seq',
          'e.type',
          'e.from_level as from',
          'e.to_level as to',
          'e.rule',
          'e.explanation',
          'e.occurred_at as at',
          'u.name as actor',
          'm.scheduled_at as meetingAt',
        ])
        .where('e.project_id', '=', projectId)
        .$if(changesOnly, (q) => q.where(isLevelChange))
        // Newest first by when it happened; events of one moment in the order the engine applied them (seq).
        .orderBy('e.occurred_at', 'desc')
        .orderBy('e.seq', 'desc')
        .limit(HISTORY_PAGE)
        .offset(at.events),
    ).as('events'),
    // The level over time for the chart: the first event, each change and the latest (the steps it draws).
    jsonArrayFrom(
      db
        .selectFrom('oversight_events as e')
        .select(['e.occurred_at as at', 'e.to_level as level'])
        .where('e.project_id', '=', projectId)
        .where((eb) =>
          eb.or([
            sql<SqlBool>`e.from_level is distinct from e.to_level`,
            eb(
              'e.seq',
              '=',
              eb
                .selectFrom('oversight_events as f')
                .select((c) => c.fn.min('f.seq').as('s'))
                .where('f.project_id', '=', projectId),
            ),
            eb(
              'e.seq',
              '=',
              eb
                .selectFrom('oversight_events as l')
                .select((c) => c.fn.max('l.seq').as('s'))
                .where('l.project_id', '=', projectId),
            ),
          ]),
        )
        .orderBy('e.seq'),
    ).as('levelPoints'),
  ] as const;
}

/** The lists alone (another page of one of them: after the header's counts). */
function readLists(db: Executor, projectId: number, at: ListOffsets, changesOnly: boolean) {
  return db.selectNoFrom(pageLists(db, projectId, at, changesOnly)).executeTakeFirstOrThrow();
}
type ListsRow = Awaited<ReturnType<typeof readLists>>;

/**
 * Everything the project page shows, in one round trip on its first pages whatever the length of the history
 * (issue #17: a page sends what it shows; each query sent costs the server more than PostgreSQL's work on it): the
 * header with the length of each history list, and the lists (pageLists). Another page of a list reads the
 * header's counts first, then the lists. The review schedule's reads run beside them (decision 022).
 */
export async function getProjectPage(
  db: Executor,
  {
    forumId,
    projectId,
    page = FIRST_PAGES,
    schedule: scheduleGiven,
  }: {
    forumId: number;
    projectId: number;
    page?: ProjectPageQuery;
    /** The review schedule, if the caller has it at hand (the forum's, decision 028); else read for this project. */
    schedule?: Promise<ReviewSchedule>;
  },
) {
  // The next review and why, as the dashboard and the agenda say it (decision 019): its two round trips run
  // beside the header's and the lists' (decision 022).
  const scheduleRead = scheduleGiven ?? getReviewSchedule(db, { forumId, projectIds: [projectId] });
  void scheduleRead.catch(() => {}); // awaited below; a failure meanwhile is not "unhandled"
  const headerQuery = db
    .selectFrom('projects as p')
    .innerJoin('users as o', 'o.id', 'p.owner_id')
    .innerJoin('forums as f', 'f.id', 'p.forum_id')
    .select((eb) => [
      'p.id',
      'p.name',
      'p.description',
      'p.archived',
      'p.owner_id as ownerId',
      'o.name as ownerName',
      'p.oversight_level as level',
      'p.oversight_interval as interval',
      'p.oversight_escalated as escalated',
      'p.oversight_state as state',
      'p.oversight_explanation as explanation',
      'f.policy',
      eb
        .selectFrom('status_updates as s')
        .select((c) => c.fn.countAll<number>().as('n'))
        .whereRef('s.project_id', '=', 'p.id')
        .as('statusCount'),
      eb
        .selectFrom('reviews as r')
        .select((c) => c.fn.countAll<number>().as('n'))
        .whereRef('r.project_id', '=', 'p.id')
        .as('reviewCount'),
      eb
        .selectFrom('oversight_events as e')
        .select((c) => c.fn.countAll<number>().as('n'))
        .whereRef('e.project_id', '=', 'p.id')
        .as('eventCount'),
      eb
        .selectFrom('oversight_events as e')
        .select((c) => c.fn.countAll<number>().as('n'))
        .whereRef('e.project_id', '=', 'p.id')
        .where(isLevelChange)
        .as('changeCount'),
    ])
    .where('p.id', '=', projectId)
    .where('p.forum_id', '=', forumId);

  // The first page of every list (how the page opens) starts at offset 0 whatever the counts: the header and the
  // lists in one statement. Another page needs the counts first (a page past the end shows the last).
  const firstPages = page.updates === 1 && page.reviews === 1 && page.history === 1;
  let project: Awaited<ReturnType<typeof headerQuery.executeTakeFirst>> = undefined;
  let lists: ListsRow | undefined;
  if (firstPages) {
    const both = await headerQuery.select(pageLists(db, projectId, FIRST_OFFSETS, page.changesOnly)).executeTakeFirst();
    if (both) {
      const { goals, statuses, reviews, actionItems, events, levelPoints, ...head } = both;
      project = head;
      lists = { goals, statuses, reviews, actionItems, events, levelPoints };
    }
  } else project = await headerQuery.executeTakeFirst();
  invariantResponse(project, 'Project not found');
  const statusPage = clampPage(page.updates, Number(project.statusCount ?? 0));
  const reviewPage = clampPage(page.reviews, Number(project.reviewCount ?? 0));
  const eventCount = Number(project.eventCount ?? 0);
  const eventPage = clampPage(page.history, page.changesOnly ? Number(project.changeCount ?? 0) : eventCount);
  lists ??= await readLists(
    db,
    projectId,
    { statuses: statusPage.offset, reviews: reviewPage.offset, events: eventPage.offset },
    page.changesOnly,
  );
  const { goals, statuses, reviews, actionItems, events, levelPoints } = lists;
  const schedule = await scheduleRead;

  const {
    policy: storedPolicy,
    state: storedState,
    statusCount: _s,
    reviewCount: _r,
    eventCount: _e,
    changeCount: _c,
    ...header
  } = project;
  const policy = resolvePolicy(storedPolicy);
  const state = storedState ?? initialState(project.level, policy);
  const paging = (p: ReturnType<typeof clampPage>) => ({ page: p.page, pages: p.pages, total: p.total });
  const next = schedule.reviews.get(projectId);
  // This cycle's status: the one posted for the coming meeting (the newest, so on the first page; read on its own
  // when another page of the updates is shown).
  const coming = schedule.meeting;
  const currentStatus = coming
    ? (statuses.find((st) => st.meetingId === coming.id) ??
      (statusPage.page === 1
        ? undefined
        : await statusRows(db, projectId).where('s.meeting_id', '=', coming.id).executeTakeFirst()))
    : undefined;
  return {
    project: { ...header, progress: progressToNextLevel(state, policy).text },
    /** The coming meeting (the cycle a status is posted for), and the project's next review. */
    comingMeeting: schedule.meeting
      ? { id: schedule.meeting.id, scheduledAt: schedule.meeting.scheduledAt, state: schedule.meeting.state }
      : null,
    nextReview: next
      ? { meetingsUntil: next.meetingsUntil, at: next.at, when: next.when, label: next.label, reason: next.reason }
      : null,
    goals: goals.map(({ revisions, values, ...goal }) => ({
      ...goal,
      // What the goal card shows, not every raw value: a metric's values for its chart, a milestone's latest report.
      points: values.flatMap((v) => (v.value === null ? [] : [{ at: v.at, value: v.value }])),
      milestone: milestoneReport(values),
      targets: revisions.map((r) => ({ at: r.changedAt, target: (r.snapshot as GoalSnapshot).target })),
      changes: withGoalChanges(revisions)
        .slice(1)
        .map((r) => ({ at: r.changedAt, text: r.changes.join('; ') })),
    })),
    /** One page of the status updates, newest first. */
    statuses: statuses.map(statusView),
    /** This cycle's status: the one posted for the coming meeting, if any. */
    currentStatus: currentStatus ? statusView(currentStatus) : null,
    /** One page of the reviews, newest first. */
    reviews,
    actionItems,
    /** One page of the oversight events (or of the level changes only), newest first by when each happened. */
    events: events.map((e) => ({ ...e, ruleName: ruleName(e.rule) })),
    eventCount,
    levelPoints,
    /** Where each list's page is: its number (clamped to the last), the number of pages and of items. */
    paging: { updates: paging(statusPage), reviews: paging(reviewPage), history: paging(eventPage) },
  };
}
