import { sql } from 'kysely';
import type { Executor } from '~/utils/db.server';
import { inTransaction } from '~/utils/db.server';
import { writeAudit } from '~/modules/audit/audit.server';
import { clientIp } from '~/utils/http.server';
import { hashPassword } from './password.server';
import { createSession, forgetSessions } from './session.server';
import { findVerification, redeemVerification } from './verification.server';

/** Why a link cannot be used, as the page says it (4xx, never a 500). */
export type LinkProblem = { status: 404 | 410 | 403; message: string };

const NOT_VALID: LinkProblem = {
  status: 404,
  message: 'This link is not valid. Check that you copied all of it, or ask for a new one.',
};
const USED: LinkProblem = {
  status: 410,
  message:
    'This link has already been used. Ask for a new one with “Forgot your password?” on the sign-in page if you need it.',
};
const EXPIRED: LinkProblem = {
  status: 410,
  message:
    'This link has expired. Ask for a new one with “Forgot your password?” on the sign-in page, or ask an administrator.',
};
const DEACTIVATED: LinkProblem = { status: 403, message: 'This account has been deactivated.' };

const userIdOf = (target: string) => {
  const m = /^user:(\d+)$/.exec(target);
  return m ? Number(m[1]) : null;
};

/** What the set-password page shows for a link, without using it. */
export async function getPasswordLink(
  db: Executor,
  token: string,
): Promise<{ ok: true; name: string; email: string; firstTime: boolean } | ({ ok: false } & LinkProblem)> {
  const link = await findVerification(db, { type: 'password-reset', token });
  if (!link) return { ok: false, ...NOT_VALID };
  if (link.state !== 'valid') return { ok: false, ...(link.state === 'used' ? USED : EXPIRED) };
  const userId = userIdOf(link.target);
  const user = userId
    ? await db
        .selectFrom('users')
        .select(['name', 'email', 'deactivated_at', 'password_hash'])
        .where('id', '=', userId)
        .executeTakeFirst()
    : undefined;
  if (!user) return { ok: false, ...NOT_VALID };
  if (user.deactivated_at) return { ok: false, ...DEACTIVATED };
  return { ok: true, name: user.name, email: user.email, firstTime: user.password_hash === null };
}

/**
 * Uses a set-password link: sets the password, ends every session the user had (a reset means the old password may
 * be known to someone else) and signs them in here. The link is used in the same transaction.
 */
export async function setPasswordWithLink(
  db: Executor,
  { token, password, request }: { token: string; password: string; request: Request },
): Promise<{ ok: true; sessionToken: string; userId: number } | ({ ok: false } & LinkProblem)> {
  const hash = await hashPassword(password);
  let ended: string[] = [];
  const result = await inTransaction(db, async (trx) => {
    const link = await redeemVerification(trx, { type: 'password-reset', token });
    if (!link) return null;
    const userId = userIdOf(link.target);
    const user = userId
      ? await trx
          .updateTable('users')
          .set({ password_hash: hash, password_changed_at: sql<Date>`now()` })
          .where('id', '=', userId)
          .where('deactivated_at', 'is', null)
          .returning(['id', 'password_changed_at'])
          .executeTakeFirst()
      : undefined;
    if (!user) return { ok: false as const, ...DEACTIVATED };
    ended = (await trx.deleteFrom('sessions').where('user_id', '=', user.id).returning('id_hash').execute()).map(
      (s) => s.id_hash,
    );
    const sessionToken = await createSession(trx, {
      userId: user.id,
      userAgent: request.headers.get('user-agent'),
      ip: clientIp(request),
    });
    await writeAudit(trx, {
      userId: user.id,
      action: 'account.password_set_by_link',
      detail: { sessionsEnded: ended.length },
      request,
    });
    return { ok: true as const, sessionToken, userId: user.id };
  });
  forgetSessions(ended);
  if (result) return result;
  // Not used: say why (unknown, used or expired).
  const again = await getPasswordLink(db, token);
  return again.ok ? { ok: false, ...NOT_VALID } : again;
}
