import { redirect } from '@remix-run/node';
import type { Cadence, Role } from '../../../db/database';
import { getDb, type Executor } from '~/utils/db.server';
import { invariantResponse } from '~/utils/http.server';
import { writeAudit } from '~/modules/audit/audit.server';
import { getSessionUser, type SessionUser } from './session.server';

// The only place roles are read. Every loader and action starts with one of these.

export async function getOptionalUser(request: Request, db: Executor = getDb()): Promise<SessionUser | null> {
  return getSessionUser(db, request);
}

export async function requireUser(request: Request, db: Executor = getDb()): Promise<SessionUser> {
  const user = await getSessionUser(db, request);
  if (!user) {
    const url = new URL(request.url);
    const redirectTo = `${url.pathname}${url.search}`;
    throw redirect(`/login?${new URLSearchParams({ redirectTo })}`);
  }
  return user;
}

export interface ForumAccess {
  user: SessionUser;
  forum: { id: number; slug: string; name: string; timeZone: string; cadence: Cadence };
  role: Role;
}

/**
 * A non-member gets 404 (the forum's existence is not revealed); a member without one of `roles` gets 403.
 * Denials are audit-logged.
 */
export async function requireForumRole(
  request: Request,
  slug: string | undefined,
  roles: readonly Role[] = ['chair', 'leader', 'owner', 'observer'],
  db: Executor = getDb(),
): Promise<ForumAccess> {
  const user = await requireUser(request, db);
  const row = slug
    ? await db
        .selectFrom('forums')
        .leftJoin('memberships', (join) =>
          join.onRef('memberships.forum_id', '=', 'forums.id').on('memberships.user_id', '=', user.id),
        )
        .select(['forums.id', 'forums.slug', 'forums.name', 'forums.time_zone', 'forums.cadence', 'memberships.role'])
        .where('forums.slug', '=', slug)
        .executeTakeFirst()
    : undefined;
  const role = row?.role ?? null;
  if (!row || !role || !roles.includes(role)) {
    const status = row && role ? 403 : 404;
    await writeAudit(db, {
      userId: user.id,
      forumId: row?.id ?? null,
      action: 'access.denied',
      target: new URL(request.url).pathname,
      denied: true,
      detail: { method: request.method, role, needed: roles },
      request,
    });
    invariantResponse(false, status === 404 ? 'Forum not found' : 'You do not have access to this', { status });
  }
  return { user, forum: { id: row.id, slug: row.slug, name: row.name, timeZone: row.time_zone, cadence: row.cadence }, role };
}

export async function listMyForums(db: Executor, userId: number) {
  return db
    .selectFrom('memberships')
    .innerJoin('forums', 'forums.id', 'memberships.forum_id')
    .select(['forums.slug', 'forums.name', 'memberships.role'])
    .where('memberships.user_id', '=', userId)
    .orderBy('forums.name')
    .execute();
}
