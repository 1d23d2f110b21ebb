import crypto from 'node:crypto';
import { createCookie } from '@remix-run/node';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { writeAudit } from '~/modules/audit/audit.server';
import { inTransaction, type Executor } from '~/utils/db.server';
import { REQUEST_ID_HEADER } from '~/utils/http.server';
import { noteRequestUser } from '~/utils/request-user.server';
import { singleFlight } from '~/utils/single-flight';
import { getEnv } from '~/utils/env.server';
import { existingSessionCache, sessionCacheFor, type SessionCache, type SessionRecord } from './session-cache.server';
import { countLookup } from '~/utils/cache-stats.server';
import type { SessionUser } from './session-user';

export type { MyForum, SessionUser } from './session-user';

export const SESSION_ABSOLUTE_MS = 30 * 24 * 3600 * 1000; // 30 days, however active
export const SESSION_IDLE_MS = 7 * 24 * 3600 * 1000; // 7 days without a request
const TOUCH_EVERY_MS = 60 * 1000;

/** Secure in production, and whenever the request came over HTTPS (a trusted proxy's X-Forwarded-Proto counts). */
function sessionCookie(request?: Request) {
  const env = getEnv();
  return createCookie('if_session', {
    httpOnly: true,
    sameSite: 'lax',
    secure: env.NODE_ENV === 'production' || (request !== undefined && new URL(request.url).protocol === 'https:'),
    path: '/',
    maxAge: SESSION_ABSOLUTE_MS / 1000,
    secrets: env.SESSION_SECRET ? [env.SESSION_SECRET] : undefined,
  });
}

export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export async function createSession(
  db: Executor,
  { userId, userAgent, ip }: { userId: number; userAgent: string | null; ip: string | null },
): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url'); // 256 bits; only its hash is stored
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashToken(token),
      user_id: userId,
      expires_at: new Date(Date.now() + SESSION_ABSOLUTE_MS),
      user_agent: userAgent?.slice(0, 300) ?? null,
      ip,
    })
    .execute();
  return token;
}

export const commitSessionCookie = (token: string, request?: Request) => sessionCookie(request).serialize(token);
export const destroySessionCookie = (request?: Request) =>
  sessionCookie(request).serialize('', { maxAge: 0, expires: new Date(0) });

export async function readSessionToken(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get('Cookie'));
  return typeof value === 'string' && value.length >= 32 && value.length <= 64 ? value : null;
}

/** A forum the user belongs to, with their role and the forum's data version (the page caches' key). */
const SESSION_TIMES = { touchEveryMs: TOUCH_EVERY_MS };
const READS = new Set(['GET', 'HEAD']);

export async function getSessionUser(db: Executor, request: Request): Promise<SessionUser | null> {
  const token = await readSessionToken(request);
  if (!token) return null;
  const idHash = hashToken(token);
  const cache = sessionCacheFor(db, SESSION_TIMES);
  // The root and route loaders of one request read the session once (the server gives each request an id).
  const requestId = request.headers.get(REQUEST_ID_HEADER);
  const write = !READS.has(request.method);
  if (cache && write && requestId) cache.beginWrite(idHash, requestId);
  const read = async () => {
    const hit = cache?.get(idHash, Date.now(), write);
    if (cache) countLookup('session', hit !== null && hit !== undefined);
    if (hit) return hit;
    const ticket = cache?.ticket();
    const record = await lookUpSession(db, idHash, cache);
    if (!record) return null;
    const forums = cache && ticket ? cache.store(idHash, record, ticket) : record.forums;
    return { ...record.user, sessionHash: idHash, forums };
  };
  const user = await (requestId ? singleFlight(db, `${idHash}:${requestId}`, read) : read());
  if (user) noteRequestUser(request, user.id);
  return user;
}

async function lookUpSession(db: Executor, idHash: string, cache: SessionCache | null): Promise<SessionRecord | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select((eb) => [
      'users.id',
      'users.email',
      'users.name',
      'users.is_admin',
      'sessions.expires_at',
      'sessions.last_seen_at',
      jsonArrayFrom(
        eb
          .selectFrom('memberships as ms')
          .innerJoin('forums as f', 'f.id', 'ms.forum_id')
          .select([
            'f.id',
            'f.slug',
            'f.name',
            'f.time_zone as timeZone',
            'f.cadence',
            'f.data_version as dataVersion',
            'ms.role',
          ])
          .whereRef('ms.user_id', '=', 'users.id')
          .where('f.archived', '=', false) // an archived forum leaves its members' lists and pages
          .orderBy('f.name'),
      ).as('forums'),
    ])
    .where('sessions.id_hash', '=', idHash)
    .where('users.deactivated_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const now = Date.now();
  let lastSeenAt = row.last_seen_at.getTime();
  if (row.expires_at.getTime() <= now || lastSeenAt + SESSION_IDLE_MS <= now) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    cache?.forget(idHash);
    return null;
  }
  if (now - lastSeenAt > TOUCH_EVERY_MS) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(now) })
      .where('id_hash', '=', idHash)
      .execute();
    lastSeenAt = now;
  }
  return {
    user: { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin },
    forums: row.forums,
    expiresAt: row.expires_at.getTime(),
    lastSeenAt,
  };
}

/** Sessions ended in this process are forgotten at once (other processes hear of it from the database). */
export function forgetSessions(idHashes: readonly string[]) {
  const cache = existingSessionCache();
  for (const h of idHashes) cache?.forget(h);
}

/** Signs out: the session's row goes, and the sign-out is audited in the same transaction. */
export async function deleteSession(db: Executor, request: Request): Promise<void> {
  const token = await readSessionToken(request);
  if (!token) return;
  const idHash = hashToken(token);
  await inTransaction(db, async (trx) => {
    const ended = await trx
      .deleteFrom('sessions')
      .where('id_hash', '=', idHash)
      .returning('user_id')
      .executeTakeFirst();
    if (ended) await writeAudit(trx, { userId: ended.user_id, action: 'logout', request });
  });
  forgetSessions([idHash]);
}
