import { beforeAll, expect } from 'vitest';
import { dbTest as test } from '../setup/test-db';
import { createUser } from '../factories';
import { hashPassword, verifyPassword } from '../../app/modules/auth/password.server';
import {
  commitSessionCookie,
  createSession,
  getSessionUser,
  SESSION_IDLE_MS,
} from '../../app/modules/auth/session.server';
import { action as accountAction, loader as accountLoader } from '../../app/routes/account';
import type { Executor } from '../../app/utils/db.server';

const PASSWORD = 'an old passphrase';
let hash: string;
beforeAll(async () => {
  hash = await hashPassword(PASSWORD);
});

async function signedIn(db: Executor, userId: number, userAgent = 'Browser A') {
  const token = await createSession(db, { userId, userAgent, ip: '10.0.0.1' });
  return (await commitSessionCookie(token)).split(';')[0];
}

// A plain Response: its json() is either the one ActionFailure shape or the page's done notice.
const post = (cookie: string, fields: Record<string, string>): Promise<Response> =>
  accountAction({
    request: new Request('http://localhost/account', {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    }),
    params: {},
    context: { cspNonce: 'n' },
  });
const req = (cookie: string) => new Request('http://localhost/', { headers: { Cookie: cookie } });

test('my account lists my sessions and ends others; another user’s session id matches nothing', async ({ db }) => {
  const me = await createUser(db, { passwordHash: hash });
  const other = await createUser(db, { passwordHash: hash });
  const here = await signedIn(db, me.id, 'Browser A');
  const phone = await signedIn(db, me.id, 'Phone B');
  const theirs = await signedIn(db, other.id, 'Theirs');

  const chromeOnLinux = await signedIn(
    db,
    me.id,
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  );
  // A session idle for longer than the idle limit has expired: it is not listed.
  const idle = await signedIn(db, me.id, 'Idle C');
  const idleHash = (await getSessionUser(db, req(idle)))!.sessionHash;
  await db
    .updateTable('sessions')
    .set({ last_seen_at: new Date(Date.now() - SESSION_IDLE_MS - 60_000) })
    .where('id_hash', '=', idleHash)
    .execute();

  const page = await (
    await accountLoader({
      request: new Request('http://localhost/account', { headers: { Cookie: here } }),
      params: {},
      context: { cspNonce: 'n' },
    })
  ).json();
  // Each session by its browser and system, never the raw user-agent.
  expect(page.sessions).toHaveLength(3);
  expect(page.sessions.map((s: { device: string }) => s.device)).toContain('Chrome on Linux');
  expect(JSON.stringify(page)).not.toContain('Mozilla/5.0');
  expect(page.sessions.map((s: { id: string }) => s.id)).not.toContain(idleHash);
  await post(here, { intent: 'end-session', session: (await getSessionUser(db, req(chromeOnLinux)))!.sessionHash });
  expect(
    (
      await (
        await accountLoader({
          request: new Request('http://localhost/account', { headers: { Cookie: here } }),
          params: {},
          context: { cspNonce: 'n' },
        })
      ).json()
    ).sessions,
  ).toHaveLength(2);
  expect(page.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);

  const theirId = (await getSessionUser(db, req(theirs)))!.sessionHash;
  expect((await post(here, { intent: 'end-session', session: theirId })).status).toBe(404);
  expect(await getSessionUser(db, req(theirs))).not.toBeNull();

  const response = await post(here, { intent: 'end-other-sessions' });
  expect(response.status).toBe(200);
  expect(await getSessionUser(db, req(phone))).toBeNull();
  expect(await getSessionUser(db, req(here))).not.toBeNull();
});

test('changing the password checks the current one, refuses weak ones and ends every other session', async ({ db }) => {
  const me = await createUser(db, { passwordHash: hash });
  const here = await signedIn(db, me.id);
  const elsewhere = await signedIn(db, me.id, 'Elsewhere');

  const wrong = await post(here, {
    intent: 'change-password',
    currentPassword: 'nope',
    newPassword: 'a much better passphrase',
    confirmPassword: 'a much better passphrase',
  });
  expect(wrong.status).toBe(400);
  expect((await wrong.json()).fieldErrors?.currentPassword[0]).toMatch(/not your current password/);

  for (const [weak, message] of [
    ['short', /at least 8/],
    ['password123', /too common/],
    ['x'.repeat(129), /at most 128/],
  ] as const) {
    const r = await post(here, {
      intent: 'change-password',
      currentPassword: PASSWORD,
      newPassword: weak,
      confirmPassword: weak,
    });
    expect(r.status).toBe(400);
    expect((await r.json()).fieldErrors?.newPassword[0]).toMatch(message);
  }
  const mismatch = await post(here, {
    intent: 'change-password',
    currentPassword: PASSWORD,
    newPassword: 'a much better passphrase',
    confirmPassword: 'different',
  });
  expect((await mismatch.json()).fieldErrors?.confirmPassword[0]).toMatch(/differ/);
  expect(await getSessionUser(db, req(elsewhere))).not.toBeNull();

  const ok = await post(here, {
    intent: 'change-password',
    currentPassword: PASSWORD,
    newPassword: 'a much better passphrase',
    confirmPassword: 'a much better passphrase',
  });
  expect(ok.status).toBe(200);
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', me.id).executeTakeFirstOrThrow();
  expect(await verifyPassword('a much better passphrase', row.password_hash!)).toBe(true);
  expect(await getSessionUser(db, req(elsewhere))).toBeNull();
  expect(await getSessionUser(db, req(here))).not.toBeNull();
});

test('unknown intents and extra fields are refused with 400', async ({ db }) => {
  const me = await createUser(db, { passwordHash: hash });
  const here = await signedIn(db, me.id);
  expect((await post(here, { intent: 'delete-everything' })).status).toBe(400);
  expect((await post(here, { intent: 'end-other-sessions', userId: '1' })).status).toBe(400);
});

test('wrong current passwords are throttled per user like sign-ins, with Retry-After, and audited (issue #22)', async ({
  db,
}) => {
  const me = await createUser(db, { passwordHash: hash });
  const here = await signedIn(db, me.id);
  const attempt = (currentPassword: string) =>
    post(here, {
      intent: 'change-password',
      currentPassword,
      newPassword: 'a much better passphrase',
      confirmPassword: 'a much better passphrase',
    });
  for (let i = 0; i < 10; i++) expect((await attempt(`guess ${i}`)).status).toBe(400);
  const limited = await attempt(PASSWORD);
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
  expect((await limited.json()).formError).toMatch(/Too many wrong passwords/);
  // The right password did not get through while throttled.
  const stored = await db.selectFrom('users').select('password_hash').where('id', '=', me.id).executeTakeFirstOrThrow();
  expect(await verifyPassword(PASSWORD, stored.password_hash ?? '')).toBe(true);
  const audit = await db.selectFrom('audit_log').select('action').where('user_id', '=', me.id).execute();
  expect(audit.filter((a) => a.action === 'account.password_change_failed')).toHaveLength(10);
  expect(audit.filter((a) => a.action === 'account.password_change_throttled')).toHaveLength(1);
}, 120_000); // eleven scrypt checks: slow on a busy machine
