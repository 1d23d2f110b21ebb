import { redirect } from '@remix-run/node';
import type { Cadence, Role } from '../../../db/database';
import { getDb, type Executor } from '~/utils/db.server';
import { invariantResponse } from '~/utils/http.server';
import { writeAudit } from '~/modules/audit/audit.server';
import { getSessionUser, type SessionUser } from './session.server';

// Roles are read here and in can.ts beside it (the permission table). Every loader and action starts with one of these.

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

/** Instance admins only: anyone else signed in gets 403 (audit-logged); nobody signed in goes to sign-in. */
export async function requireAdmin(request: Request, db: Executor = getDb()): Promise<SessionUser> {
  const user = await requireUser(request, db);
  if (!user.isAdmin) {
    await writeAudit(db, {
      userId: user.id,
      forumId: null,
      action: 'access.denied',
      target: new URL(request.url).pathname,
      denied: true,
      detail: { method: request.method, needed: 'admin' },
      request,
    });
    invariantResponse(false, 'You do not have access to this', { status: 403 });
  }
  return user;
}

export interface ForumAccess {
  user: SessionUser;
  forum: { id: number; slug: string; name: string; timeZone: string; cadence: Cadence; dataVersion: number };
  role: Role;
}

/**
 * A non-member gets 404 (the forum's existence is not revealed); a member without one of `roles` gets 403.
 * Denials are audit-logged. The user's memberships come with the session (one query for the whole page).
 */
export async function requireForumRole(
  request: Request,
  slug: string | undefined,
  roles: readonly Role[] = ['chair', 'leader', 'owner', 'observer'],
  db: Executor = getDb(),
): Promise<ForumAccess> {
  const user = await requireUser(request, db);
  const mine = slug ? user.forums.find((f) => f.slug === slug) : undefined;
  if (!mine || !roles.includes(mine.role)) {
    const forumId =
      mine?.id ??
      (slug
        ? ((await db.selectFrom('forums').select('id').where('slug', '=', slug).executeTakeFirst())?.id ?? null)
        : null);
    await writeAudit(db, {
      userId: user.id,
      forumId,
      action: 'access.denied',
      target: new URL(request.url).pathname,
      denied: true,
      detail: { method: request.method, role: mine?.role ?? null, needed: roles },
      request,
    });
    invariantResponse(false, mine ? 'You do not have access to this' : 'Forum not found', { status: mine ? 403 : 404 });
  }
  const { role, ...forum } = mine;
  return { user, forum, role };
}

/** The user's forums for the header and the home page: read with the session. */
export function listMyForums(user: SessionUser) {
  return user.forums.map((f) => ({ slug: f.slug, name: f.name, role: f.role }));
}
