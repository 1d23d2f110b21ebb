import { sql } from 'kysely';
import { writeAudit } from '~/modules/audit/audit.server';
import type { Executor } from '~/utils/db.server';
import { clientIp } from '~/utils/http.server';
import { ok, refuse, type Result } from '~/utils/result';
import { getDummyHash, verifyPassword } from './password.server';
import { createSession } from './session.server';

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
// Keyed by account *and* address, so an attacker elsewhere cannot lock the real user out; the wider
// limits stop one address spraying many accounts and a botnet hammering one account.
export const LIMITS = { accountFromIp: 10, ip: 30, account: 100 } as const;

export interface ThrottleResult {
  limited: boolean;
  retryAfterSeconds: number;
}

export async function checkLoginThrottle(
  db: Executor,
  email: string,
  ip: string,
  now = new Date(),
): Promise<ThrottleResult> {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const row = await db
    .selectFrom('login_attempts')
    .select([
      sql<number>`count(*) filter (where lower(email) = lower(${email}) and ip = ${ip})::int`.as('pair'),
      sql<number>`count(*) filter (where ip = ${ip})::int`.as('ip'),
      sql<number>`count(*) filter (where lower(email) = lower(${email}))::int`.as('account'),
      sql<Date | null>`min(at)`.as('oldest'),
    ])
    .where('success', '=', false)
    .where('at', '>', since)
    .where((eb) => eb.or([eb(sql`lower(email)`, '=', email.toLowerCase()), eb('ip', '=', ip)]))
    .executeTakeFirstOrThrow();
  const limited = row.pair >= LIMITS.accountFromIp || row.ip >= LIMITS.ip || row.account >= LIMITS.account;
  const oldest = row.oldest ? new Date(row.oldest).getTime() : now.getTime();
  const retryAfterSeconds = Math.max(1, Math.ceil((oldest + THROTTLE_WINDOW_MS - now.getTime()) / 1000));
  return { limited, retryAfterSeconds };
}

export async function recordLoginAttempt(db: Executor, email: string, ip: string, success: boolean): Promise<void> {
  await db
    .insertInto('login_attempts')
    .values({ email: email.slice(0, 254), ip, success })
    .execute();
}

/**
 * Returns the user when the password matches; takes the same time whether or not the email exists. An invited
 * account without a password never matches; a deactivated one is told so, only once the password was right.
 */
export async function authenticate(db: Executor, email: string, password: string) {
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'password_hash', 'deactivated_at'])
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  const ok = await verifyPassword(password, user?.password_hash ?? (await getDummyHash()));
  return user?.password_hash && ok
    ? { id: user.id, email: user.email, name: user.name, deactivated: user.deactivated_at !== null }
    : null;
}

/**
 * The whole sign-in (the login route only parses the form and sets the cookie): the throttle, the password check,
 * the attempt recorded and audited, and a new session. Refusals are in plain words; a throttled one says when to
 * try again.
 */
export async function signIn(
  db: Executor,
  { email, password, request }: { email: string; password: string; request: Request },
): Promise<Result<{ token: string; userId: number }>> {
  const ip = clientIp(request);
  const throttle = await checkLoginThrottle(db, email, ip);
  if (throttle.limited) {
    await writeAudit(db, { userId: null, action: 'login.throttled', target: email, denied: true, request });
    const minutes = Math.ceil(throttle.retryAfterSeconds / 60);
    return refuse({
      status: 429,
      retryAfterSeconds: throttle.retryAfterSeconds,
      message: `Too many failed sign-in attempts. Try again in ${minutes} minutes.`,
    });
  }
  const user = await authenticate(db, email, password);
  await recordLoginAttempt(db, email, ip, Boolean(user));
  const action = !user ? 'login.failure' : user.deactivated ? 'login.deactivated' : 'login.success';
  await writeAudit(db, {
    userId: user?.id ?? null,
    action,
    target: email,
    denied: action !== 'login.success',
    request,
  });
  if (!user) return refuse({ message: 'That email and password do not match an account.' });
  if (user.deactivated)
    return refuse({
      status: 403,
      message: 'This account has been deactivated. Ask an administrator if you need it back.',
    });
  const token = await createSession(db, { userId: user.id, userAgent: request.headers.get('user-agent'), ip });
  return ok({ token, userId: user.id });
}

/**
 * Where signing in lands when no page was asked for (or only the site's root, `/`): a member of exactly one forum
 * lands on that forum's page, which shows their work first; anyone else on the cross-forum home, `/` (issue #20).
 */
export function landingFor(forums: readonly { slug: string }[]): string {
  const [only, ...others] = forums;
  return only && others.length === 0 ? `/forums/${only.slug}` : '/';
}

/** The same landing, just after the password check: the user's forums that are not archived (at most two read). */
export async function landingAfterSignIn(db: Executor, userId: number): Promise<string> {
  const forums = await db
    .selectFrom('memberships as ms')
    .innerJoin('forums as f', 'f.id', 'ms.forum_id')
    .select('f.slug')
    .where('ms.user_id', '=', userId)
    .where('f.archived', '=', false)
    .limit(2)
    .execute();
  return landingFor(forums);
}
