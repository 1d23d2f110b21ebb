import { sql, type ExpressionBuilder } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Database } from '../../../db/database';
import { writeAudit } from '~/modules/audit/audit.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { invariantResponse } from '~/utils/http.server';
import { ok, refuse, type Result } from '~/utils/result';
import { GOAL_FIELDS, GOAL_STATES, describeGoalChanges, withGoalChanges, type GoalSnapshot } from './goals';

/** Active goals first, then achieved, missed, dropped. */
export const goalStateOrder = sql`array_position(${sql.val([...GOAL_STATES])}::text[], goals.state)`;

/** A goal's revisions, oldest first, as a JSON array column of a query on `goals`. */
export function goalRevisions(eb: ExpressionBuilder<Database, 'goals'>) {
  return jsonArrayFrom(
    eb
      .selectFrom('goal_revisions as r')
      .leftJoin('users as u', 'u.id', 'r.changed_by')
      .select(['r.id', 'r.changed_at as changedAt', 'r.snapshot', 'u.name as changedBy'])
      .whereRef('r.goal_id', '=', 'goals.id')
      .orderBy('r.changed_at')
      .orderBy('r.id'),
  );
}

export async function listGoalsForEditor(db: Executor, { projectId }: { projectId: number }) {
  return db
    .selectFrom('goals')
    .select(['id', 'title', 'kind', 'unit', 'baseline', 'target', 'direction', 'due_date', 'state'])
    .where('project_id', '=', projectId)
    .orderBy(goalStateOrder)
    .orderBy('id')
    .execute();
}

/** One goal of the project (404 otherwise) with its revisions, newest first, each with what it changed. */
export async function getGoalWithHistory(db: Executor, { projectId, goalId }: { projectId: number; goalId: number }) {
  const goal = await db
    .selectFrom('goals')
    .select((eb) => [...GOAL_FIELDS, 'id', goalRevisions(eb).as('revisions')])
    .where('id', '=', goalId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  invariantResponse(goal, 'Goal not found');
  const { revisions, ...rest } = goal;
  const history = withGoalChanges(revisions).map(({ snapshot: _snapshot, ...r }) => r);
  return { goal: rest, history: history.reverse() };
}

export async function createGoal(
  db: Executor,
  {
    projectId,
    userId,
    forumId,
    input,
    request,
  }: { projectId: number; userId: number; forumId: number; input: GoalSnapshot; request?: Request },
) {
  return inTransaction(db, async (trx) => {
    const goal = await trx
      .insertInto('goals')
      .values({ ...input, project_id: projectId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('goal_revisions')
      .values({ goal_id: goal.id, changed_by: userId, snapshot: JSON.stringify(input) })
      .execute();
    await writeAudit(trx, {
      userId,
      forumId,
      action: 'goal.create',
      target: `goal:${goal.id}`,
      detail: { projectId, ...input },
      request,
    });
    return goal;
  });
}

/**
 * Edits (or closes, by state) a goal and keeps its history: every change writes a goal_revisions snapshot. A goal
 * created before history was kept first gets a snapshot of its original fields, so the first change shows a diff.
 */
export async function updateGoal(
  db: Executor,
  {
    projectId,
    goalId,
    userId,
    forumId,
    input,
    request,
  }: { projectId: number; goalId: number; userId: number; forumId: number; input: GoalSnapshot; request?: Request },
): Promise<Result<{ changed: boolean }>> {
  return inTransaction(db, async (trx) => {
    const current = await trx
      .selectFrom('goals')
      .select([...GOAL_FIELDS, 'created_at'])
      .where('id', '=', goalId)
      .where('project_id', '=', projectId)
      .forUpdate()
      .executeTakeFirst();
    invariantResponse(current, 'Goal not found');
    // Past values were reported against the kind: a metric cannot become a milestone or back.
    if (current.kind !== input.kind)
      return refuse({ field: 'kind', message: 'A goal’s kind cannot change; drop it and add a new goal' });
    const { created_at: createdAt, ...before } = current;
    const changes = describeGoalChanges(before, input);
    if (changes.length === 0) return ok({ changed: false });

    const hasHistory = await trx
      .selectFrom('goal_revisions')
      .select('id')
      .where('goal_id', '=', goalId)
      .limit(1)
      .executeTakeFirst();
    if (!hasHistory) {
      await trx
        .insertInto('goal_revisions')
        .values({ goal_id: goalId, changed_by: null, changed_at: createdAt, snapshot: JSON.stringify(before) })
        .execute();
    }
    await trx
      .updateTable('goals')
      .set({ ...input, updated_at: new Date() })
      .where('id', '=', goalId)
      .execute();
    await trx
      .insertInto('goal_revisions')
      .values({ goal_id: goalId, changed_by: userId, snapshot: JSON.stringify(input) })
      .execute();
    await writeAudit(trx, {
      userId,
      forumId,
      action: 'goal.update',
      target: `goal:${goalId}`,
      detail: { projectId, changes },
      request,
    });
    return ok({ changed: true });
  });
}
