import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { Database } from '../../../db/database';
import type { Executor } from '~/utils/db.server';
import { inTransaction } from '~/utils/db.server';
import { writeAudit } from '~/modules/audit/audit.server';
import { hashPassword } from '~/modules/auth/password.server';
import { forgetSessions } from '~/modules/auth/session.server';
import { issueVerification, passwordLinkTarget } from '~/modules/auth/verification.server';
import { ok, refuse, type Result } from '~/utils/result';
import { enqueuePasswordLinkEmail } from '~/modules/mail/emails.server';
import type { UserAction } from './users';

/** The users an admin manages, with what the list shows. */
export async function listUsers(db: Executor) {
  const rows = await db
    .selectFrom('users as u')
    .select((eb) => [
      'u.id',
      'u.name',
      'u.email',
      'u.is_admin as isAdmin',
      'u.deactivated_at as deactivatedAt',
      sql<boolean>`u.password_hash is null`.as('pending'),
      eb
        .selectFrom('sessions as s')
        .select(sql<Date | null>`max(s.last_seen_at)`.as('m'))
        .whereRef('s.user_id', '=', 'u.id')
        .as('sessionSeen'),
      // A session's last activity, or (signed out since) the last sign-in: login_attempts is indexed by email.
      eb
        .selectFrom('login_attempts as l')
        .select(sql<Date | null>`max(l.at)`.as('m'))
        .where(sql`lower(l.email)`, '=', sql`lower(u.email)`)
        .where('l.success', '=', true)
        .as('signedIn'),
    ])
    .orderBy(sql`lower(u.name)`)
    .orderBy('u.id')
    .execute();
  return rows.map(({ sessionSeen, signedIn, ...u }) => {
    const seen = [sessionSeen, signedIn].filter((d): d is Date => d !== null).map((d) => new Date(d).getTime());
    return { ...u, lastSeenAt: seen.length ? new Date(Math.max(...seen)) : null };
  });
}

/** The active admins, locked: an action that could remove the last one counts them first. */
async function lockActiveAdmins(trx: Transaction<Database>): Promise<number[]> {
  const rows = await trx
    .selectFrom('users')
    .select('id')
    .where('is_admin', '=', true)
    .where('deactivated_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

interface Actor {
  actorId: number;
  request?: Request;
}

/** Creates an account that has no password yet, and the link that sets it. */
export async function inviteUser(
  db: Executor,
  { actorId, request, email, name, isAdmin }: Actor & { email: string; name: string; isAdmin: boolean },
): Promise<Result<{ userId: number; token: string }>> {
  return inTransaction(db, async (trx) => {
    const existing = await trx
      .selectFrom('users')
      .select('id')
      .where(sql`lower(email)`, '=', email.toLowerCase())
      .executeTakeFirst();
    if (existing) return refuse({ message: 'There is already an account with this email', field: 'email' });
    const user = await trx
      .insertInto('users')
      .values({ email, name, password_hash: null, is_admin: isAdmin })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { token } = await issueVerification(trx, {
      type: 'password-reset',
      target: passwordLinkTarget(user.id),
      createdBy: actorId,
    });
    await enqueuePasswordLinkEmail(trx, { user: { id: user.id, name, email }, token, reason: 'invited' });
    await writeAudit(trx, {
      userId: actorId,
      action: 'admin.user_invited',
      target: `user:${user.id}`,
      detail: { email, admin: isAdmin },
      request,
    });
    return ok({ userId: user.id, token });
  });
}

/** One of the users page's actions on an existing user. Refusals say why; every change is audited with it. */
export async function runUserAction(
  db: Executor,
  { actorId, request, action }: Actor & { action: Exclude<UserAction, { intent: 'invite' }> },
): Promise<Result<{ message: string; token?: string }>> {
  let ended: string[] = [];
  const result = await inTransaction(db, async (trx): Promise<Result<{ message: string; token?: string }>> => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'name', 'email', 'is_admin', 'deactivated_at', sql<boolean>`password_hash is null`.as('pending')])
      .where('id', '=', action.userId)
      .forUpdate()
      .executeTakeFirst();
    if (!user) return refuse({ status: 404, message: 'There is no such user' });
    const audit = (what: string, detail: Record<string, unknown> = {}) =>
      writeAudit(trx, { userId: actorId, action: `admin.${what}`, target: `user:${user.id}`, detail, request });
    const self = user.id === actorId;
    switch (action.intent) {
      case 'deactivate': {
        if (self) return refuse({ status: 409, message: 'You cannot deactivate your own account: ask another admin' });
        if (user.deactivated_at) return refuse({ status: 409, message: `${user.name} is already deactivated` });
        if (user.is_admin && (await lockActiveAdmins(trx)).length <= 1)
          return refuse({ status: 409, message: 'This is the last active admin: make someone else an admin first' });
        await trx
          .updateTable('users')
          .set({ deactivated_at: sql<Date>`now()` })
          .where('id', '=', user.id)
          .execute();
        ended = (await trx.deleteFrom('sessions').where('user_id', '=', user.id).returning('id_hash').execute()).map(
          (s) => s.id_hash,
        );
        // A link issued before cannot bring the account back.
        await trx
          .deleteFrom('verifications')
          .where('type', '=', 'password-reset')
          .where('target', '=', passwordLinkTarget(user.id))
          .execute();
        await audit('user_deactivated', { sessionsEnded: ended.length });
        return ok({ message: `${user.name} is deactivated and signed out everywhere.` });
      }
      case 'reactivate': {
        if (!user.deactivated_at) return refuse({ status: 409, message: `${user.name} is already active` });
        await trx.updateTable('users').set({ deactivated_at: null }).where('id', '=', user.id).execute();
        await audit('user_reactivated');
        return ok({ message: `${user.name} can sign in again.` });
      }
      case 'grant-admin': {
        if (user.deactivated_at) return refuse({ status: 409, message: 'Reactivate the account first' });
        if (user.is_admin) return refuse({ status: 409, message: `${user.name} is already an admin` });
        await trx.updateTable('users').set({ is_admin: true }).where('id', '=', user.id).execute();
        await audit('admin_granted');
        return ok({ message: `${user.name} is now an admin.` });
      }
      case 'revoke-admin': {
        if (self) return refuse({ status: 409, message: 'You cannot remove your own admin role: ask another admin' });
        if (!user.is_admin) return refuse({ status: 409, message: `${user.name} is not an admin` });
        const admins = await lockActiveAdmins(trx);
        if (admins.filter((id) => id !== user.id).length === 0)
          return refuse({ status: 409, message: 'This is the last active admin: make someone else an admin first' });
        await trx.updateTable('users').set({ is_admin: false }).where('id', '=', user.id).execute();
        await audit('admin_revoked');
        return ok({ message: `${user.name} is no longer an admin.` });
      }
      case 'reset-password': {
        if (user.deactivated_at) return refuse({ status: 409, message: 'Reactivate the account first' });
        const { token } = await issueVerification(trx, {
          type: 'password-reset',
          target: passwordLinkTarget(user.id),
          createdBy: actorId,
        });
        await enqueuePasswordLinkEmail(trx, { user, token, reason: user.pending ? 'invited' : 'reset-by-admin' });
        await audit('password_link_issued');
        return ok({
          message: `A link for ${user.name} to set a password (valid 24 hours, once), emailed to them too:`,
          token,
        });
      }
      default: {
        const never: never = action;
        throw new Error(`Unknown user action: ${JSON.stringify(never)}`);
      }
    }
  });
  forgetSessions(ended); // after the commit too: a read meanwhile may have seen them still there
  return result;
}

/**
 * The first admin (the `npm run admin -- create` command): an instance admin with the given password, or without
 * one and with a link to set it. An existing email is refused: this never takes over an account.
 */
export async function createInstanceAdmin(
  db: Executor,
  { email, name, password }: { email: string; name: string; password?: string },
): Promise<Result<{ userId: number; token: string | null }>> {
  const hash = password === undefined ? null : await hashPassword(password);
  return inTransaction(db, async (trx) => {
    const existing = await trx
      .selectFrom('users')
      .select('id')
      .where(sql`lower(email)`, '=', email.toLowerCase())
      .executeTakeFirst();
    if (existing) return refuse({ status: 409, message: `There is already an account with the email ${email}` });
    const user = await trx
      .insertInto('users')
      .values({ email, name, password_hash: hash, is_admin: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const token = hash
      ? null
      : (await issueVerification(trx, { type: 'password-reset', target: passwordLinkTarget(user.id), createdBy: null }))
          .token;
    await writeAudit(trx, {
      userId: null,
      action: 'admin.created_from_command_line',
      target: `user:${user.id}`,
      detail: { email, passwordSet: hash !== null },
    });
    return ok({ userId: user.id, token });
  });
}
