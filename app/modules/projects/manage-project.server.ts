import { writeAudit } from '~/modules/audit/audit.server';
import { ok, refuse, type Result } from '~/utils/result';
import { ensurePlannedMeetings } from '~/modules/meetings/schedule.server';
import { recordOversightEvents, resolvePolicy } from '~/modules/oversight/oversight.server';
import { rememberStatusContext } from '~/modules/status/status.server';
import type { LevelValue } from '../../../db/database';
import { inTransaction, type Executor } from '~/utils/db.server';
import type { CreateProjectInput } from './manage-project';
import { startingLevelForOwner } from './ownership.server';

const NAME_TAKEN = 'Another project in this forum has this name';

/** Members who hold the owner role in the forum: the people a new project can be given to. */
export async function listForumOwners(db: Executor, { forumId }: { forumId: number }) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.name', 'u.email'])
    .where('m.forum_id', '=', forumId)
    .where('m.role', '=', 'owner')
    .orderBy('u.name')
    .execute();
}

async function nameTaken(
  db: Executor,
  { forumId, name, exceptId }: { forumId: number; name: string; exceptId?: number },
) {
  let q = db.selectFrom('projects').select('id').where('forum_id', '=', forumId).where('name', '=', name);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/**
 * The chair creates a project for an owner. It starts at the level the engine's starting rule gives that owner
 * (DESIGN §3), recorded as its first oversight event, and the next planned meeting's agenda is rebuilt, where a
 * project never reviewed is a kickoff item.
 */
export async function createProject(
  db: Executor,
  {
    forumId,
    input,
    actorId,
    request,
  }: {
    forumId: number;
    input: CreateProjectInput;
    actorId: number;
    request?: Request;
  },
): Promise<Result<{ id: number; level: LevelValue }>> {
  return inTransaction(db, async (trx) => {
    // The forum row is locked so two creations for the same owner see each other (the second starts by the first).
    const forum = await trx
      .selectFrom('forums')
      .select('policy')
      .where('id', '=', forumId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const owner = await trx
      .selectFrom('memberships')
      .select('role')
      .where('forum_id', '=', forumId)
      .where('user_id', '=', input.ownerId)
      .executeTakeFirst();
    if (owner?.role !== 'owner')
      return refuse({ message: 'Choose a member who holds the owner role in this forum', field: 'ownerId' });
    if (await nameTaken(trx, { forumId, name: input.name })) return refuse({ message: NAME_TAKEN, field: 'name' });
    const start = await startingLevelForOwner(trx, {
      ownerId: input.ownerId,
      policy: resolvePolicy(forum.policy),
    });
    const project = await trx
      .insertInto('projects')
      .values({
        forum_id: forumId,
        owner_id: input.ownerId,
        name: input.name,
        description: input.description,
        oversight_class_counts: JSON.stringify({}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [state] = await recordOversightEvents(trx, {
      projectId: project.id,
      inputs: [
        {
          event: { type: 'start', level: start.level, reason: start.reason },
          actorId,
        },
      ],
    });
    await ensurePlannedMeetings(trx, { forumId });
    // The next meeting's agenda is computed on read from the projects' state: the kickoff is on it at once.
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'project.create',
      target: `project:${project.id}`,
      detail: { name: input.name, ownerId: input.ownerId, level: state.level },
      request,
    });
    return ok({ id: project.id, level: state.level });
  });
}

/** The project's edit page: name, description and whether it is archived. */
export async function getProjectForEdit(db: Executor, { forumId, projectId }: { forumId: number; projectId: number }) {
  return db
    .selectFrom('projects')
    .select(['id', 'name', 'description', 'archived'])
    .where('id', '=', projectId)
    .where('forum_id', '=', forumId)
    .executeTakeFirst();
}

export async function updateProject(
  db: Executor,
  {
    forumId,
    projectId,
    name,
    description,
    actorId,
    request,
  }: {
    forumId: number;
    projectId: number;
    name: string;
    description: string;
    actorId: number;
    request?: Request;
  },
): Promise<Result> {
  return inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom('projects')
      .select(['name', 'description'])
      .where('id', '=', projectId)
      .where('forum_id', '=', forumId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) return refuse({ status: 404, message: 'Project not found' });
    if (await nameTaken(trx, { forumId, name, exceptId: projectId }))
      return refuse({ message: NAME_TAKEN, field: 'name' });
    await trx.updateTable('projects').set({ name, description }).where('id', '=', projectId).execute();
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: 'project.update',
      target: `project:${projectId}`,
      detail: { before, after: { name, description } },
      request,
    });
    return ok();
  });
}

/**
 * Archive or unarchive. Nothing of the project's history or engine state changes: an archived project only leaves
 * the dashboard, the agendas of planned meetings (rebuilt here), the oversight page and "statuses due".
 */
export async function setProjectArchived(
  db: Executor,
  {
    forumId,
    projectId,
    archived,
    actorId,
    request,
  }: {
    forumId: number;
    projectId: number;
    archived: boolean;
    actorId: number;
    request?: Request;
  },
): Promise<Result> {
  return inTransaction(db, async (trx) => {
    const project = await trx
      .selectFrom('projects')
      .select('archived')
      .where('id', '=', projectId)
      .where('forum_id', '=', forumId)
      .forUpdate()
      .executeTakeFirst();
    if (!project) return refuse({ status: 404, message: 'Project not found' });
    if (project.archived === archived)
      return refuse({
        status: 409,
        message: archived ? 'This project is already archived.' : 'This project is not archived.',
      });
    await trx.updateTable('projects').set({ archived }).where('id', '=', projectId).execute();
    await writeAudit(trx, {
      userId: actorId,
      forumId,
      action: archived ? 'project.archive' : 'project.unarchive',
      target: `project:${projectId}`,
      request,
    });
    rememberStatusContext(forumId, projectId, null); // a status form opened before the archive cannot save from memory
    return ok();
  });
}
