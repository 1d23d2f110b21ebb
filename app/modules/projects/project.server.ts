import { can } from '~/modules/auth/can';
import { requireForumRole, type ForumAccess } from '~/modules/auth/guards.server';
import { writeAudit } from '~/modules/audit/audit.server';
import { getDb, type Executor } from '~/utils/db.server';
import { invariantResponse } from '~/utils/http.server';
import { IdParamSchema } from '~/utils/params';

/** A numeric id from the URL; anything else is a 404. */
export function requireIdParam(value: string | undefined): number {
  const parsed = IdParamSchema.safeParse(value);
  invariantResponse(parsed.success, 'Not found');
  return parsed.data;
}

/** The project, only if it belongs to the forum in the URL (a swapped id is a 404, never another forum's project). */
export async function getProjectInForum(db: Executor, { forumId, projectId }: { forumId: number; projectId: number }) {
  const project = await db
    .selectFrom('projects')
    .innerJoin('users as owner', 'owner.id', 'projects.owner_id')
    .select([
      'projects.id',
      'projects.name',
      'projects.owner_id as ownerId',
      'owner.name as ownerName',
      'projects.archived',
    ])
    .where('projects.id', '=', projectId)
    .where('projects.forum_id', '=', forumId)
    .executeTakeFirst();
  invariantResponse(project, 'Project not found');
  return project;
}

/** An archived project is read-only: a write to it is refused (409) until the chair unarchives it. */
export function assertProjectActive(project: { archived: boolean }): void {
  invariantResponse(!project.archived, 'This project is archived: the chair can unarchive it to change it', {
    status: 409,
  });
}

/** The project's owner and the forum's chair manage its goals and status updates. */
export function canManageProject(access: Pick<ForumAccess, 'role' | 'user'>, ownerId: number): boolean {
  return can(access, 'edit-project') || (access.role === 'owner' && access.user.id === ownerId);
}

/** After requireForumRole: the project in this forum (404) that this user manages (403, audit-logged). */
export async function requireProjectManager(
  db: Executor,
  { access, projectId, request }: { access: ForumAccess; projectId: number; request: Request },
) {
  const project = await getProjectInForum(db, { forumId: access.forum.id, projectId });
  await assertProjectManager(db, { access, project, request });
  return project;
}

/** The user manages this project of their forum (else 403, audit-logged). */
export async function assertProjectManager(
  db: Executor,
  { access, project, request }: { access: ForumAccess; project: { id: number; ownerId: number }; request: Request },
): Promise<void> {
  const projectId = project.id;
  if (!canManageProject(access, project.ownerId)) {
    await writeAudit(db, {
      userId: access.user.id,
      forumId: access.forum.id,
      action: 'access.denied',
      target: new URL(request.url).pathname,
      denied: true,
      detail: { method: request.method, role: access.role, needed: 'project owner or chair', projectId },
      request,
    });
    invariantResponse(false, 'Only the project’s owner or the forum’s chair can do this', { status: 403 });
  }
}

/**
 * The guard of the owner's pages (status form, goals editor): a forum member (else 404) who is the chair or an
 * owner (else 403), for a project of this forum (else 404) that they manage (else 403).
 */
export async function requireManagedProject(
  request: Request,
  params: { slug?: string; id?: string },
  db: Executor = getDb(),
) {
  const access = await requireForumRole(request, params.slug, ['chair', 'owner'], db);
  const project = await requireProjectManager(db, { access, projectId: requireIdParam(params.id), request });
  return { access, project };
}
