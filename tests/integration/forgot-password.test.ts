import { sql } from 'kysely';
import { beforeAll, expect } from 'vitest';
import { dbTest as test } from '../setup/test-db';
import { createUser } from '../factories';
import { callRoute, signedInCookie } from './owners-world';
import { hashPassword, verifyPassword } from '../../app/modules/auth/password.server';
import { getSessionUser, hashToken } from '../../app/modules/auth/session.server';
import { FORGOT_LIMITS, requestPasswordReset } from '../../app/modules/auth/forgot-password.server';
import { action as forgotAction } from '../../app/routes/forgot-password';
import { action as setPasswordAction } from '../../app/routes/set-password.$token';
import type { Executor } from '../../app/utils/db.server';

// Issue #16 item 5: "forgot password" sends a single-use, expiring, hashed link by email; the answer never tells
// whether the address has an account; requests are throttled; the new password ends every session.
let hash: string;
beforeAll(async () => {
  hash = await hashPassword('the old passphrase');
});

const ask = (email: string) =>
  callRoute(forgotAction, { path: '/forgot-password', cookie: '', params: {}, form: { email } });
const outbox = (db: Executor, to: string) =>
  db
    .selectFrom('outbox')
    .selectAll()
    .where(sql`lower(to_address)`, '=', to.toLowerCase())
    .execute();
const linkIn = (text: string) => /\/set-password\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];

test('the same answer whether or not the address has an account; only a real one gets an email with a hashed link', async ({
  db,
}) => {
  const user = await createUser(db, { email: 'Forgetful@example.test', name: 'Fran Forgetful', passwordHash: hash });
  const known = await ask('forgetful@example.test');
  const unknown = await ask('nobody-here@example.test');
  expect(known.status).toBe(200);
  expect(unknown.status).toBe(200);
  const body = async (r: Response) => JSON.stringify({ ...(await r.json()), email: '' });
  expect(await body(known)).toBe(await body(unknown));

  expect(await outbox(db, 'nobody-here@example.test')).toHaveLength(0);
  const [mail] = await outbox(db, user.email);
  expect(mail.kind).toBe('forgot-password');
  expect(mail.user_id).toBe(user.id);
  const token = linkIn(mail.text_body)!;
  expect(mail.html_body).toContain(`/set-password/${token}`);
  const link = await db
    .selectFrom('verifications')
    .selectAll()
    .where('target', '=', `user:${user.id}`)
    .executeTakeFirstOrThrow();
  expect(link.secret_hash).toBe(hashToken(token));
  expect(JSON.stringify(link)).not.toContain(token);
  expect(new Date(link.expires_at).getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
});

test('setting the new password uses the link once and ends every session of the user', async ({ db }) => {
  const user = await createUser(db, { name: 'Sam Sessions', passwordHash: hash });
  const phone = await signedInCookie(db, user.id);
  const laptop = await signedInCookie(db, user.id);
  await ask(user.email);
  const token = linkIn((await outbox(db, user.email))[0].text_body)!;
  const set = await callRoute(setPasswordAction, {
    path: `/set-password/${token}`,
    cookie: '',
    params: { token },
    form: { password: 'a brand new passphrase', confirmPassword: 'a brand new passphrase' },
  });
  expect(set.status).toBe(303);
  for (const cookie of [phone, laptop])
    expect(await getSessionUser(db, new Request('http://localhost/', { headers: { Cookie: cookie } }))).toBeNull();
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
  expect(await verifyPassword('a brand new passphrase', row.password_hash!)).toBe(true);
  const again = await callRoute(setPasswordAction, {
    path: `/set-password/${token}`,
    cookie: '',
    params: { token },
    form: { password: 'another passphrase 2', confirmPassword: 'another passphrase 2' },
  });
  expect(again.status).toBe(410);
});

test('a deactivated account gets no link, and the answer is the same', async ({ db }) => {
  const user = await createUser(db, { name: 'Dee Activated', passwordHash: hash });
  await db.updateTable('users').set({ deactivated_at: new Date() }).where('id', '=', user.id).execute();
  expect((await ask(user.email)).status).toBe(200);
  expect(await outbox(db, user.email)).toHaveLength(0);
});

test('requests are throttled per address (known or not alike) and per client', async ({ db }) => {
  const user = await createUser(db, { name: 'Tess Throttle', passwordHash: hash });
  for (const email of [user.email, 'ghost@example.test']) {
    for (let i = 0; i < FORGOT_LIMITS.email; i++)
      expect((await requestPasswordReset(db, { email, ip: `10.0.0.${i}` })).ok).toBe(true);
    const limited = await requestPasswordReset(db, { email, ip: '10.0.1.1' });
    expect(limited).toMatchObject({ ok: false, failure: { status: 429 } });
  }
  expect(await outbox(db, user.email)).toHaveLength(FORGOT_LIMITS.email);
  // The route answers 429 with Retry-After.
  const refused = await ask(user.email);
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
  // One client asking for many addresses.
  for (let i = 0; i < FORGOT_LIMITS.ip; i++)
    expect((await requestPasswordReset(db, { email: `spray${i}@example.test`, ip: '10.9.9.9' })).ok).toBe(true);
  expect((await requestPasswordReset(db, { email: 'one-more@example.test', ip: '10.9.9.9' })).ok).toBe(false);
  // A request older than the window no longer counts.
  await db
    .updateTable('password_reset_requests')
    .set({ at: sql<Date>`now() - interval '16 minutes'` })
    .execute();
  expect((await requestPasswordReset(db, { email: user.email, ip: '10.9.9.9' })).ok).toBe(true);
});

test('a bad address is a 400 next to the field, keeping what was typed', async () => {
  const r = await ask('not an email');
  expect(r.status).toBe(400);
  const data = (await r.json()) as { fieldErrors: Record<string, string[]>; values: Record<string, string> };
  expect(data.fieldErrors.email[0]).toMatch(/valid email/);
  expect(data.values.email).toBe('not an email');
});
