import { sql } from 'kysely';
import type { Executor } from '~/utils/db.server';
import { inTransaction } from '~/utils/db.server';
import { hashPassword, verifyPassword } from './password.server';
import { forgetSessions } from './session.server';

export async function listSessions(db: Executor, { userId }: { userId: number }) {
  return db
    .selectFrom('sessions')
    .select(['id_hash as id', 'created_at as createdAt', 'last_seen_at as lastSeenAt', 'expires_at as expiresAt', 'user_agent as userAgent', 'ip'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** Ends one of the user's own sessions (someone else's id matches nothing). */
export async function endSession(db: Executor, { userId, sessionId }: { userId: number; sessionId: string }): Promise<boolean> {
  const ended = await db.deleteFrom('sessions').where('user_id', '=', userId).where('id_hash', '=', sessionId).returning('id_hash').execute();
  forgetSessions(ended.map((s) => s.id_hash));
  return ended.length > 0;
}

export async function endOtherSessions(db: Executor, { userId, keep }: { userId: number; keep: string }): Promise<string[]> {
  const ended = await db.deleteFrom('sessions').where('user_id', '=', userId).where('id_hash', '!=', keep).returning('id_hash').execute();
  const hashes = ended.map((s) => s.id_hash);
  forgetSessions(hashes);
  return hashes;
}

/** Changes the password after checking the current one; every other session of the user ends. */
export async function changePassword(
  db: Executor,
  { userId, currentPassword, newPassword, keepSession }: { userId: number; currentPassword: string; newPassword: string; keepSession: string },
): Promise<'ok' | 'wrong-password'> {
  const user = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
  if (!user.password_hash || !(await verifyPassword(currentPassword, user.password_hash))) return 'wrong-password';
  const hash = await hashPassword(newPassword);
  const ended = await inTransaction(db, async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash, password_changed_at: sql<Date>`now()` }).where('id', '=', userId).execute();
    return endOtherSessions(trx, { userId, keep: keepSession });
  });
  forgetSessions(ended); // again after the commit: a read meanwhile may have seen them still there
  return 'ok';
}
