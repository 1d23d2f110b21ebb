import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { withGoalChanges, type GoalSnapshot } from '~/modules/goals/goals';
import { goalRevisions, goalStateOrder } from '~/modules/goals/goals.server';
import { resolvePolicy } from '~/modules/oversight/oversight.server';
import { initialState, progressToNextLevel } from '~/oversight';
import type { Executor } from '~/utils/db.server';
import { invariantResponse } from '~/utils/http.server';
import { renderMarkdown } from '~/utils/markdown.server';

/**
 * Everything the project page shows, in one query per section whatever the length of the history: header,
 * goals (with their reported values and revisions), status timeline, reviews, action items, oversight events.
 */
/**
 * A milestone's latest report (done or not, with its note), when it was first reported done, and each time the owner
 * reopened it (a report of not done after one of done), with the note that says why (issue #21.4).
 */
function milestoneReport(values: { at: Date | string; done: boolean | null; note: string }[]) {
  const reported = values.filter((v) => v.done !== null);
  const latest = reported.at(-1);
  const reopened = reported.flatMap((v, i) => (i > 0 && reported[i - 1].done && !v.done ? [{ at: v.at, note: v.note }] : []));
  return latest ? { at: latest.at, done: latest.done === true, note: latest.note, firstDoneAt: reported.find((v) => v.done)?.at ?? null, reopened } : null;
}

export async function getProjectPage(db: Executor, { forumId, projectId }: { forumId: number; projectId: number }) {
  const [project, goals, statuses, reviews, actionItems, events] = await Promise.all([
    db
      .selectFrom('projects as p')
      .innerJoin('users as o', 'o.id', 'p.owner_id')
      .innerJoin('forums as f', 'f.id', 'p.forum_id')
      .select([
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
      ])
      .where('p.id', '=', projectId)
      .where('p.forum_id', '=', forumId)
      .executeTakeFirst(),
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
      .orderBy('goals.id')
      .execute(),
    db
      .selectFrom('status_updates as s')
      .innerJoin('users as a', 'a.id', 's.author_id')
      .innerJoin('meetings as m', 'm.id', 's.meeting_id')
      .select(['s.id', 's.health', 's.summary', 's.risks', 's.asks', 's.late', 's.created_at as createdAt', 's.updated_at as updatedAt', 'a.name as author', 'm.scheduled_at as meetingAt'])
      .where('s.project_id', '=', projectId)
      .orderBy('m.scheduled_at', 'desc')
      .execute(),
    db
      .selectFrom('reviews as r')
      .innerJoin('meetings as m', 'm.id', 'r.meeting_id')
      .innerJoin('users as u', 'u.id', 'r.reviewer_id')
      .select(['r.id', 'r.verdict', 'r.self_report as selfReport', 'r.feedback', 'm.scheduled_at as meetingAt', 'u.name as reviewer'])
      .where('r.project_id', '=', projectId)
      .orderBy('m.scheduled_at', 'desc')
      .execute(),
    db
      .selectFrom('action_items as ai')
      .leftJoin('users as u', 'u.id', 'ai.assignee_id')
      .select(['ai.id', 'ai.text', 'ai.due_date as dueDate', 'ai.done_at as doneAt', 'u.name as assignee'])
      .where('ai.project_id', '=', projectId)
      .orderBy((eb) => eb('ai.done_at', 'is not', null))
      .orderBy('ai.created_at', 'desc')
      .execute(),
    db
      .selectFrom('oversight_events as e')
      .leftJoin('users as u', 'u.id', 'e.actor_id')
      .leftJoin('meetings as m', 'm.id', 'e.meeting_id')
      .select(['e.seq', 'e.type', 'e.from_level as from', 'e.to_level as to', 'e.rule', 'e.explanation', 'e.occurred_at as at', 'u.name as actor', 'm.scheduled_at as meetingAt'])
      .where('e.project_id', '=', projectId)
      .orderBy('e.seq')
      .execute(),
  ]);
  invariantResponse(project, 'Project not found');

  const { policy: storedPolicy, state: storedState, ...header } = project;
  const policy = resolvePolicy(storedPolicy);
  const state = storedState ?? initialState(project.level, policy);
  return {
    project: { ...header, progress: progressToNextLevel(state, policy).text },
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
    statuses: statuses.map(({ summary, risks, asks, ...s }) => ({
      ...s,
      summaryHtml: renderMarkdown(summary),
      risksHtml: renderMarkdown(risks),
      asksHtml: renderMarkdown(asks),
    })),
    reviews,
    actionItems,
    /** Newest first. */
    events: events.slice().reverse(),
    /** The level changes among them, newest first (the history's "level changes only" view). */
    levelChanges: events.filter((e) => e.from !== e.to).reverse(),
    /** The level over time for the chart: the first event, each change and the latest (the steps it draws). */
    levelPoints: events.filter((e, i) => i === 0 || i === events.length - 1 || e.from !== e.to).map((e) => ({ at: e.at, level: e.to })),
  };
}
