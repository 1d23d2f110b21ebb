import { sql } from 'kysely';
import { z } from 'zod';
import type { Executor } from '~/utils/db.server';
import { inTransaction } from '~/utils/db.server';
import { writeAudit } from '~/modules/audit/audit.server';
import { enqueuePasswordLinkEmail } from '~/modules/mail/emails.server';
import { ok, refuse, type Result } from '~/utils/result';
import { issueVerification, passwordLinkTarget } from './verification.server';

export const ForgotPasswordSchema = z.strictObject({
  email: z.string().trim().min(1, 'Enter your email').max(254, 'Too long').email('Enter a valid email address'),
});

export const FORGOT_WINDOW_MS = 15 * 60 * 1000;
// Per address: a few, so nobody can fill a stranger's inbox; per client: enough for a shared office address.
export const FORGOT_LIMITS = { email: 3, ip: 20 } as const;

/**
 * "Forgot password": when the address belongs to an active account, a set-password link (single-use, 24 h, only its
 * hash stored) is written to the outbox with the request. The caller answers the same whatever happened, so the
 * answer never tells whether an address has an account; only the throttle (per address and per client, counted
 * whether or not the address exists) answers differently: a refusal with status 429 and when to try again.
 */
export async function requestPasswordReset(
  db: Executor,
  { email, ip, request, now = new Date() }: { email: string; ip: string; request?: Request; now?: Date },
): Promise<Result> {
  return inTransaction(db, async (trx) => {
    const since = new Date(now.getTime() - FORGOT_WINDOW_MS);
    const counts = await trx
      .selectFrom('password_reset_requests')
      .select([
        sql<number>`count(*) filter (where lower(email) = lower(${email}))::int`.as('email'),
        sql<number>`count(*) filter (where ip = ${ip})::int`.as('ip'),
        sql<Date | null>`min(at)`.as('oldest'),
      ])
      .where('at', '>', since)
      .where((eb) => eb.or([eb(sql`lower(email)`, '=', email.toLowerCase()), eb('ip', '=', ip)]))
      .executeTakeFirstOrThrow();
    if (counts.email >= FORGOT_LIMITS.email || counts.ip >= FORGOT_LIMITS.ip) {
      await writeAudit(trx, {
        userId: null,
        action: 'password.forgot_throttled',
        target: email,
        denied: true,
        request,
      });
      const oldest = counts.oldest ? new Date(counts.oldest).getTime() : now.getTime();
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + FORGOT_WINDOW_MS - now.getTime()) / 1000));
      return refuse({
        status: 429,
        message: `Too many requests for a password link. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
        retryAfterSeconds,
      });
    }
    await trx
      .insertInto('password_reset_requests')
      .values({ email: email.slice(0, 254), ip })
      .execute();
    const user = await trx
      .selectFrom('users')
      .select(['id', 'name', 'email'])
      .where(sql`lower(email)`, '=', email.toLowerCase())
      .where('deactivated_at', 'is', null)
      .executeTakeFirst();
    if (user) {
      const { token } = await issueVerification(trx, {
        type: 'password-reset',
        target: passwordLinkTarget(user.id),
        createdBy: null,
      });
      await enqueuePasswordLinkEmail(trx, { user, token, reason: 'forgot' });
    }
    await writeAudit(trx, {
      userId: user?.id ?? null,
      action: 'password.forgot_requested',
      target: email,
      detail: { linkSent: Boolean(user) },
      request,
    });
    return ok();
  });
}
