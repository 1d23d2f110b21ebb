import type { LevelValue } from '../../../db/database';
import { startingLevel, levelLabel, type Policy, type ReviewClass } from '~/oversight';
import { writeAudit } from '~/modules/audit/audit.server';
import { CALIBRATION } from '~/modules/oversight/oversight-page';
import { recordOversightEvents, resolvePolicy } from '~/modules/oversight/oversight.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { ok, refuse, type Result } from '~/utils/result';

/** Members who can own a project in this forum (observers read only). */
export async function listPossibleOwners(db: Executor, { forumId }: { forumId: number }) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.name', 'm.role'])
    .where('m.forum_id', '=', forumId)
    .where('m.role', '!=', 'observer')
    .orderBy('u.name')
    .execute();
}

/**
 * The level a project starts at for `ownerId` (DESIGN §3 "Starting level"), from the owner's other active
 * projects and recent scored events: for a new project and for a project handed to a new owner alike.
 */
export async function startingLevelForOwner(
  trx: Executor,
  { ownerId, policy, exceptProjectId }: { ownerId: number; policy: Policy; exceptProjectId?: number },
) {
  let others = trx
    .selectFrom('projects')
    .select('oversight_level')
    .where('owner_id', '=', ownerId)
    .where('archived', '=', false);
  if (exceptProjectId !== undefined) others = others.where('id', '!=', exceptProjectId);
  const [levels, recent] = await Promise.all([
    others.execute(),
    trx
      // Events made while this user owned the project, whoever owns it now (issue #18).
      .selectFrom('oversight_events as e')
      .select('e.event_class')
      .where('e.owner_id', '=', ownerId)
      .where('e.event_class', 'in', CALIBRATION)
      .orderBy('e.occurred_at', 'desc')
      .orderBy('e.id', 'desc')
      .limit(20)
      .execute(),
  ]);
  return startingLevel({
    isFirstProject: levels.length === 0 && recent.length === 0,
    ownerCurrentLevels: levels.map((o) => o.oversight_level),
    recentScoredClasses: recent.map((r) => r.event_class as ReviewClass | 'MISSED').reverse(),
    policy,
  });
}

export type ChangeOwnerResult = Result<{ level: LevelValue; explanation: string }>;

/**
 * Hands a project to a new owner. Trust is earned per owner, so the project restarts at the level the
 * starting rule gives the new owner (DESIGN §3 "Starting level"), recorded as a `restart` oversight event.
 */
export async function changeProjectOwner(
  db: Executor,
  {
    forumId,
    projectId,
    ownerId,
    note,
    actorId,
    request,
  }: { forumId: number; projectId: number; ownerId: number; note: string; actorId: number; request?: Request },
): Promise<ChangeOwnerResult> {
  return inTransaction(db, async (trx) => {
    const project = await trx
      .selectFrom('projects')
      .innerJoin('forums', 'forums.id', 'projects.forum_id')
      .select(['projects.owner_id', 'projects.name', 'forums.policy'])
      .where('projects.id', '=', projectId)
      .where('projects.forum_id', '=', forumId)
      .forUpdate('projects')
      .executeTakeFirstOrThrow();
    const owner = await trx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.name', 'm.role'])
      .where('m.forum_id', '=', forumId)
      .where('m.user_id', '=', ownerId)
      .executeTakeFirst();
    if (!owner || owner.role === 'observer')
      return refuse({ field: 'ownerId', message: 'Choose a member of this forum who can own projects' });
    if (project.owner_id === ownerId)
      return refuse({ field: 'ownerId', message: `${owner.name} already owns this project` });

    const start = await startingLevelForOwner(trx, {
      ownerId,
      policy: resolvePolicy(project.policy),
      exceptProjectId: projectId,
    });
    await trx.updateTable('projects').set({ owner_id: ownerId }).where('id', '=', projectId).execute();
    const reason = `Handed to ${owner.name}: ${start.reason}${note ? ` (${note})` : ''}`;
    const [state] = await recordOversightEvents(trx, {
      projectId,
      inputs: [{ event: { type: 'restart', level: start.level, reason }, actorId }],
    });
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'project.owner_changed',
      target: `project:${projectId}`,
      detail: { from: project.owner_id, to: ownerId, level: start.level },
      request,
    });
    return ok({ level: state.level, explanation: state.explanation || `Restarts at ${levelLabel(start.level)}` });
  });
}
