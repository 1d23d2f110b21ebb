import { sql } from 'kysely';
import type { Executor } from '~/utils/db.server';
import { inTransaction } from '~/utils/db.server';
import { writeAudit } from '~/modules/audit/audit.server';
import { clientIp } from '~/utils/http.server';
import { checkLoginThrottle, recordLoginAttempt } from './login.server';
import { hashPassword, verifyPassword } from './password.server';
import { deviceName } from './device.server';
import { forgetSessions, SESSION_IDLE_MS } from './session.server';
import { ok, refuse, type Result } from '~/utils/result';

export async function listSessions(db: Executor, { userId }: { userId: number }) {
  return (
    db
      .selectFrom('sessions')
      .select([
        'id_hash as id',
        'created_at as createdAt',
        'last_seen_at as lastSeenAt',
        'expires_at as expiresAt',
        'user_agent as userAgent',
        'ip',
      ])
      .where('user_id', '=', userId)
      .where('expires_at', '>', sql<Date>`now()`)
      // Idle too long is expired too (session.server.ts ends it at its next request): not listed.
      .where('last_seen_at', '>', new Date(Date.now() - SESSION_IDLE_MS))
      .orderBy('last_seen_at', 'desc')
      .execute()
      .then((rows) => rows.map((r) => ({ ...r, device: deviceName(r.userAgent) })))
  );
}

/** Ends one of the user's own sessions (someone else's id matches nothing), audited in the same transaction. */
export async function endSession(
  db: Executor,
  { userId, sessionId, request }: { userId: number; sessionId: string; request?: Request },
): Promise<boolean> {
  const ended = await inTransaction(db, async (trx) => {
    const rows = await trx
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where('id_hash', '=', sessionId)
      .returning('id_hash')
      .execute();
    if (rows.length > 0) await writeAudit(trx, { userId, action: 'account.session_ended', request });
    return rows.map((s) => s.id_hash);
  });
  forgetSessions(ended);
  return ended.length > 0;
}

async function deleteOtherSessions(
  db: Executor,
  { userId, keep }: { userId: number; keep: string },
): Promise<string[]> {
  const ended = await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('id_hash', '!=', keep)
    .returning('id_hash')
    .execute();
  const hashes = ended.map((s) => s.id_hash);
  forgetSessions(hashes);
  return hashes;
}

/** "Sign out other sessions", audited in the same transaction. */
export async function endOtherSessions(
  db: Executor,
  { userId, keep, request }: { userId: number; keep: string; request?: Request },
): Promise<string[]> {
  const ended = await inTransaction(db, async (trx) => {
    const hashes = await deleteOtherSessions(trx, { userId, keep });
    await writeAudit(trx, { userId, action: 'account.other_sessions_ended', detail: { n: hashes.length }, request });
    return hashes;
  });
  forgetSessions(ended); // again after the commit: a read meanwhile may have seen them still there
  return ended;
}

export type ChangePasswordResult = Result;

/**
 * Changes the password after checking the current one; every other session of the user ends. Wrong current
 * passwords are throttled like sign-ins (they are password guesses: counted with the account's failed sign-ins,
 * login.server.ts), and every outcome is audited in the transaction of its write.
 */
export async function changePassword(
  db: Executor,
  {
    userId,
    currentPassword,
    newPassword,
    keepSession,
    request,
  }: { userId: number; currentPassword: string; newPassword: string; keepSession: string; request?: Request },
): Promise<ChangePasswordResult> {
  const user = await db
    .selectFrom('users')
    .select(['email', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const ip = request ? clientIp(request) : 'unknown';
  const throttle = await checkLoginThrottle(db, user.email, ip);
  if (throttle.limited) {
    await writeAudit(db, { userId, action: 'account.password_change_throttled', denied: true, request });
    const minutes = Math.ceil(throttle.retryAfterSeconds / 60);
    return refuse({
      status: 429,
      retryAfterSeconds: throttle.retryAfterSeconds,
      message: `Too many wrong passwords. Try again in ${minutes} minutes.`,
    });
  }
  if (!user.password_hash || !(await verifyPassword(currentPassword, user.password_hash))) {
    await inTransaction(db, async (trx) => {
      await recordLoginAttempt(trx, user.email, ip, false);
      await writeAudit(trx, { userId, action: 'account.password_change_failed', denied: true, request });
    });
    return refuse({ field: 'currentPassword', message: 'That is not your current password' });
  }
  const hash = await hashPassword(newPassword);
  const ended = await inTransaction(db, async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, password_changed_at: sql<Date>`now()` })
      .where('id', '=', userId)
      .execute();
    const hashes = await deleteOtherSessions(trx, { userId, keep: keepSession });
    await writeAudit(trx, { userId, action: 'account.password_changed', request });
    return hashes;
  });
  forgetSessions(ended); // again after the commit: a read meanwhile may have seen them still there
  return ok();
}
