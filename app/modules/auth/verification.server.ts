import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '~/utils/db.server';
import { hashToken } from './session.server';

/**
 * Every secret link goes through here (STYLE.md "Tokens, mail and background work"): one table, `verifications`;
 * each purpose is a `type`. The secret is 256 random bits shown once (in the link); only its SHA-256 is stored.
 * A link is single-use and expires; issuing again for the same type and target replaces the previous link.
 */
export const VERIFICATION_TYPES = {
  /** A forum invitation: target `forum:<id>:<email>`, payload { forumId, email, role }. */
  invitation: { ttlMs: 7 * 24 * 3600 * 1000 },
  /** Set a password (an invited account's first, or a reset issued by an admin): target `user:<id>`. */
  'password-reset': { ttlMs: 24 * 3600 * 1000 },
} as const;
export type VerificationType = keyof typeof VERIFICATION_TYPES;

/** The target of a user's password link (`password-reset`). */
export const passwordLinkTarget = (userId: number) => `user:${userId}`;

/** A link's secret as it appears in a URL: 43 base64url characters. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export async function issueVerification(
  db: Executor,
  {
    type,
    target,
    payload = {},
    createdBy,
  }: { type: VerificationType; target: string; payload?: Record<string, unknown>; createdBy: number | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + VERIFICATION_TYPES[type].ttlMs);
  const values = {
    type,
    target,
    secret_hash: hashToken(token),
    payload: JSON.stringify(payload),
    created_by: createdBy,
    expires_at: expiresAt,
  };
  await db
    .insertInto('verifications')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['type', 'target']).doUpdateSet({
        secret_hash: values.secret_hash,
        payload: values.payload,
        created_by: createdBy,
        created_at: sql<Date>`now()`,
        expires_at: expiresAt,
        used_at: null,
      }),
    )
    .execute();
  return { token, expiresAt };
}

export type VerificationState = 'valid' | 'used' | 'expired';

export interface Verification {
  id: number;
  type: string;
  target: string;
  payload: Record<string, unknown>;
  expiresAt: Date;
  state: VerificationState;
}

/** Looks a link up without using it (for the page that shows what the link does). Unknown → null. */
export async function findVerification(
  db: Executor,
  {
    type,
    token,
    lock = false,
  }: { type: VerificationType; token: string; /** FOR UPDATE, to check before redeeming */ lock?: boolean },
): Promise<Verification | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const query = db
    .selectFrom('verifications')
    .select([
      'id',
      'type',
      'target',
      'payload',
      'expires_at',
      'used_at',
      sql<boolean>`expires_at <= now()`.as('expired'),
    ])
    .where('secret_hash', '=', hashToken(token))
    .where('type', '=', type);
  const row = await (lock ? query.forUpdate() : query).executeTakeFirst();
  if (!row) return null;
  const state: VerificationState = row.used_at ? 'used' : row.expired ? 'expired' : 'valid';
  return { id: row.id, type: row.type, target: row.target, payload: row.payload, expiresAt: row.expires_at, state };
}

/**
 * Uses a link: marks it used in one statement, so two redemptions of one link never both succeed. Call it inside
 * the transaction that does what the link grants. Null when the link is unknown, used or expired.
 */
export async function redeemVerification(db: Executor, { type, token }: { type: VerificationType; token: string }) {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await db
    .updateTable('verifications')
    .set({ used_at: sql<Date>`now()` })
    .where('secret_hash', '=', hashToken(token))
    .where('type', '=', type)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['id', 'target', 'payload'])
    .executeTakeFirst();
  return row ?? null;
}

/** Revokes a live link by id (a pending invitation), only if it is of this type and target prefix. */
export async function revokeVerification(
  db: Executor,
  { id, type, targetPrefix }: { id: number; type: VerificationType; targetPrefix: string },
) {
  const row = await db
    .deleteFrom('verifications')
    .where('id', '=', id)
    .where('type', '=', type)
    .where(sql<string>`left(target, ${targetPrefix.length})`, '=', targetPrefix)
    .where('used_at', 'is', null)
    .returning(['id', 'target', 'payload'])
    .executeTakeFirst();
  return row ?? null;
}
