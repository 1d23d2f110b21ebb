import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { Database, Role } from '../../../db/database';
import type { Executor } from '~/utils/db.server';
import { inTransaction } from '~/utils/db.server';
import { clientIp } from '~/utils/http.server';
import { writeAudit } from '~/modules/audit/audit.server';
import { hashPassword } from '~/modules/auth/password.server';
import { createSession } from '~/modules/auth/session.server';
import {
  findVerification,
  issueVerification,
  passwordLinkTarget,
  redeemVerification,
  revokeVerification,
} from '~/modules/auth/verification.server';
import { ok, refuse, type Result } from '~/utils/result';
import type { MemberAction } from './members';
import { enqueueInvitationEmail } from '~/modules/mail/emails.server';

const invitationPrefix = (forumId: number) => `forum:${forumId}:`;
const invitationTarget = (forumId: number, email: string) => `${invitationPrefix(forumId)}${email.toLowerCase()}`;

export async function listMembers(db: Executor, { forumId }: { forumId: number }) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'u.id',
      'u.name',
      'u.email',
      'm.role',
      'm.created_at as joinedAt',
      sql<boolean>`u.deactivated_at is not null`.as('deactivated'),
    ])
    .where('m.forum_id', '=', forumId)
    .orderBy(sql`array_position(array['chair','leader','owner','observer'], m.role)`)
    .orderBy(sql`lower(u.name)`)
    .execute();
}

/** Invitations not yet accepted (expired ones too, marked: the chair can send a new one or revoke). */
export async function listPendingInvitations(db: Executor, { forumId }: { forumId: number }) {
  const rows = await db
    .selectFrom('verifications')
    .select([
      'id',
      'payload',
      'created_at as createdAt',
      'expires_at as expiresAt',
      sql<boolean>`expires_at <= now()`.as('expired'),
    ])
    .where('type', '=', 'invitation')
    .where(sql<string>`left(target, ${invitationPrefix(forumId).length})`, '=', invitationPrefix(forumId))
    .where('used_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(({ payload, ...r }) => ({
    ...r,
    email: String(payload.email ?? ''),
    role: String(payload.role ?? 'observer') as Role,
  }));
}

/** The forum's chairs, locked: a change that could leave it without one counts them first. */
async function lockChairs(trx: Transaction<Database>, forumId: number): Promise<number[]> {
  const rows = await trx
    .selectFrom('memberships')
    .select('user_id')
    .where('forum_id', '=', forumId)
    .where('role', '=', 'chair')
    .orderBy('user_id')
    .forUpdate()
    .execute();
  return rows.map((r) => r.user_id);
}

/** One of the members page's forms (the chair's). Every change is audited in its transaction. */
export async function runMemberAction(
  db: Executor,
  { forumId, actorId, request, action }: { forumId: number; actorId: number; request?: Request; action: MemberAction },
): Promise<Result<{ message: string; token?: string }>> {
  return inTransaction(db, async (trx) => {
    const audit = (what: string, target: string, detail: Record<string, unknown>) =>
      writeAudit(trx, { userId: actorId, forumId, action: `forum.${what}`, target, detail, request });
    switch (action.intent) {
      case 'invite': {
        const member = await trx
          .selectFrom('memberships as m')
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select('u.name')
          .where('m.forum_id', '=', forumId)
          .where(sql`lower(u.email)`, '=', action.email.toLowerCase())
          .executeTakeFirst();
        if (member)
          return refuse({
            field: 'email',
            message: `${member.name} is already a member: change their role in the list`,
          });
        const { token } = await issueVerification(trx, {
          type: 'invitation',
          target: invitationTarget(forumId, action.email),
          payload: { forumId, email: action.email, role: action.role },
          createdBy: actorId,
        });
        const forum = await trx
          .selectFrom('forums')
          .select(['id', 'name'])
          .where('id', '=', forumId)
          .executeTakeFirstOrThrow();
        const actor = await trx.selectFrom('users').select('name').where('id', '=', actorId).executeTakeFirstOrThrow();
        await enqueueInvitationEmail(trx, {
          forum,
          email: action.email,
          role: action.role,
          token,
          invitedBy: actor.name,
        });
        await audit('member_invited', action.email, { role: action.role });
        return ok({
          message: `Invitation for ${action.email} as ${action.role}, emailed to them. You can also send them this link (valid 7 days, once):`,
          token,
        });
      }
      case 'revoke': {
        const revoked = await revokeVerification(trx, {
          id: action.invitationId,
          type: 'invitation',
          targetPrefix: invitationPrefix(forumId),
        });
        if (!revoked) return refuse({ status: 404, message: 'That invitation was already used or revoked' });
        await audit('invitation_revoked', String(revoked.payload.email ?? ''), {});
        return ok({
          message: `The invitation for ${String(revoked.payload.email ?? '')} is revoked: its link no longer works.`,
        });
      }
      case 'change-role':
      case 'remove': {
        const chairs = await lockChairs(trx, forumId);
        const member = await trx
          .selectFrom('memberships as m')
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select(['u.name', 'm.role'])
          .where('m.forum_id', '=', forumId)
          .where('m.user_id', '=', action.userId)
          .forUpdate()
          .executeTakeFirst();
        if (!member) return refuse({ status: 404, message: 'That person is not a member of this forum' });
        const newRole = action.intent === 'change-role' ? action.role : null;
        if (
          member.role === 'chair' &&
          newRole !== 'chair' &&
          chairs.filter((id) => id !== action.userId).length === 0
        ) {
          return refuse({
            status: 409,
            message: 'A forum always keeps at least one chair: make someone else chair first',
          });
        }
        if (newRole) {
          if (newRole === member.role) return refuse({ status: 409, message: `${member.name} is already ${newRole}` });
          await trx
            .updateTable('memberships')
            .set({ role: newRole })
            .where('forum_id', '=', forumId)
            .where('user_id', '=', action.userId)
            .execute();
          await audit('member_role_changed', `user:${action.userId}`, { from: member.role, to: newRole });
          return ok({ message: `${member.name} is now ${newRole}.` });
        }
        await trx
          .deleteFrom('memberships')
          .where('forum_id', '=', forumId)
          .where('user_id', '=', action.userId)
          .execute();
        await audit('member_removed', `user:${action.userId}`, { role: member.role });
        return ok({ message: `${member.name} is no longer a member. What they wrote stays in the forum's history.` });
      }
      default: {
        const never: never = action;
        throw new Error(`Unknown member action: ${JSON.stringify(never)}`);
      }
    }
  });
}

export type InvitationProblem = { status: 404 | 410 | 403 | 409; message: string };
const NOT_VALID: InvitationProblem = {
  status: 404,
  message: 'This invitation link is not valid. Check that you copied all of it, or ask the chair for a new one.',
};
const USED: InvitationProblem = {
  status: 410,
  message: 'This invitation has already been used or replaced. Ask the chair for a new one if you need it.',
};
const EXPIRED: InvitationProblem = {
  status: 410,
  message: 'This invitation has expired. Ask the chair for a new one.',
};
const DEACTIVATED: InvitationProblem = {
  status: 403,
  message: 'The account with this email has been deactivated. Ask an administrator.',
};

export interface InvitationView {
  forum: { slug: string; name: string };
  email: string;
  role: Role;
  /** Whether an account with a password exists for the email (then its owner signs in to accept). */
  hasAccount: boolean;
}

/** What an invitation link offers, without using it. */
export async function getInvitation(
  db: Executor,
  token: string,
): Promise<({ ok: true } & InvitationView) | ({ ok: false } & InvitationProblem)> {
  const link = await findVerification(db, { type: 'invitation', token });
  if (!link) return { ok: false, ...NOT_VALID };
  if (link.state !== 'valid') return { ok: false, ...(link.state === 'used' ? USED : EXPIRED) };
  const forum = await db
    .selectFrom('forums')
    .select(['slug', 'name'])
    .where('id', '=', Number(link.payload.forumId))
    .executeTakeFirst();
  if (!forum) return { ok: false, ...NOT_VALID };
  const email = String(link.payload.email);
  const user = await db
    .selectFrom('users')
    .select(['password_hash', 'deactivated_at'])
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  if (user?.deactivated_at) return { ok: false, ...DEACTIVATED };
  return { ok: true, forum, email, role: link.payload.role as Role, hasAccount: Boolean(user?.password_hash) };
}

/**
 * Accepts an invitation: the signed-in user whose email it names joins the forum; or, with `account`, the account is
 * created (or an invited account without a password gets one) and signed in. The link is used in the transaction.
 */
export async function acceptInvitation(
  db: Executor,
  {
    token,
    request,
    user,
    account,
  }: {
    token: string;
    request: Request;
    user: { id: number; email: string } | null;
    account?: { name: string; password: string };
  },
): Promise<{ ok: true; slug: string; sessionToken: string | null } | ({ ok: false } & InvitationProblem)> {
  const hash = account ? await hashPassword(account.password) : null;
  return inTransaction(db, async (trx) => {
    // Checked under a lock first, used last: a refusal leaves the link usable.
    const link = await findVerification(trx, { type: 'invitation', token, lock: true });
    if (!link) return { ok: false as const, ...NOT_VALID };
    if (link.state !== 'valid') return { ok: false as const, ...(link.state === 'used' ? USED : EXPIRED) };
    const forumId = Number(link.payload.forumId);
    const email = String(link.payload.email);
    const role = link.payload.role as Role;
    const forum = await trx.selectFrom('forums').select('slug').where('id', '=', forumId).executeTakeFirst();
    if (!forum) return { ok: false as const, ...NOT_VALID };
    const existing = await trx
      .selectFrom('users')
      .select(['id', 'password_hash', 'deactivated_at'])
      .where(sql`lower(email)`, '=', email.toLowerCase())
      .forUpdate()
      .executeTakeFirst();
    if (existing?.deactivated_at) return { ok: false as const, ...DEACTIVATED };
    let userId: number;
    let sessionToken: string | null = null;
    if (user) {
      if (user.email.toLowerCase() !== email.toLowerCase() || !existing) {
        return {
          ok: false as const,
          status: 403 as const,
          message: `This invitation is for ${email}: sign out, then open the link again.`,
        };
      }
      userId = existing.id;
    } else {
      if (!account || !hash)
        return { ok: false as const, status: 409 as const, message: 'Sign in first to accept this invitation.' };
      if (existing?.password_hash)
        return {
          ok: false as const,
          status: 409 as const,
          message: `There is already an account for ${email}: sign in to accept the invitation.`,
        };
      userId = existing
        ? (
            await trx
              .updateTable('users')
              .set({ name: account.name, password_hash: hash, password_changed_at: sql<Date>`now()` })
              .where('id', '=', existing.id)
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id
        : (
            await trx
              .insertInto('users')
              .values({ email, name: account.name, password_hash: hash })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id;
      // An admin's earlier link to set this account's first password has served its purpose.
      await trx
        .deleteFrom('verifications')
        .where('type', '=', 'password-reset')
        .where('target', '=', passwordLinkTarget(userId))
        .execute();
      sessionToken = await createSession(trx, {
        userId,
        userAgent: request.headers.get('user-agent'),
        ip: clientIp(request),
      });
    }
    if (!(await redeemVerification(trx, { type: 'invitation', token }))) return { ok: false as const, ...USED };
    // Already a member (added meanwhile): keep the role they have.
    await trx
      .insertInto('memberships')
      .values({ forum_id: forumId, user_id: userId, role })
      .onConflict((oc) => oc.columns(['forum_id', 'user_id']).doNothing())
      .execute();
    await writeAudit(trx, {
      userId,
      forumId,
      action: 'forum.invitation_accepted',
      target: email,
      detail: { role, newAccount: !user },
      request,
    });
    return { ok: true as const, slug: forum.slug, sessionToken };
  });
}
