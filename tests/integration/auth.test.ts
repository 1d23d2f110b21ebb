import { beforeAll, expect } from 'vitest';
import { dbTest as test } from '../setup/test-db';
import { addMember, createForum, createUser } from '../factories';
import { hashPassword, verifyPassword } from '../../app/modules/auth/password.server';
import { hashToken, getSessionUser, SESSION_IDLE_MS } from '../../app/modules/auth/session.server';
import { requireForumRole } from '../../app/modules/auth/guards.server';
import { action as loginAction } from '../../app/routes/login';
import { action as logoutAction } from '../../app/routes/logout';
import { CLIENT_IP_HEADER } from '../../app/utils/http.server';

const PASSWORD = 'correct horse battery';
let hash: string;
beforeAll(async () => {
  hash = await hashPassword(PASSWORD);
});

function loginRequest(fields: Record<string, string>, ip = '10.0.0.1') {
  return new Request('http://localhost/login', {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', [CLIENT_IP_HEADER]: ip },
  });
}

function cookieFrom(response: Response): string {
  return (response.headers.get('Set-Cookie') ?? '').split(';')[0];
}

const args = (request: Request) => ({ request, params: {}, context: { cspNonce: 'n' } });

test('scrypt hashes carry their parameters and verify only the right password', async () => {
  expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
  expect(await verifyPassword(PASSWORD, hash)).toBe(true);
  expect(await verifyPassword('wrong password', hash)).toBe(false);
  expect(await verifyPassword(PASSWORD, 'garbage')).toBe(false);
});

test('signing in answers 303 with an HttpOnly SameSite=Lax cookie and stores only the token hash', async ({ db }) => {
  const user = await createUser(db, { email: 'ann@example.test', passwordHash: hash });
  const response = (await loginAction(
    args(loginRequest({ email: 'ANN@example.test', password: PASSWORD, redirectTo: '/forums/x' })),
  )) as Response;
  expect(response.status).toBe(303);
  expect(response.headers.get('Location')).toBe('/forums/x');
  const setCookie = response.headers.get('Set-Cookie') ?? '';
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Lax/i);
  const token = decodeURIComponent(cookieFrom(response).split('=')[1]);
  const sessions = await db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).execute();
  expect(sessions).toHaveLength(1);
  expect(sessions[0].id_hash).not.toContain(token.slice(0, 20));
  const me = await getSessionUser(db, new Request('http://localhost/', { headers: { Cookie: cookieFrom(response) } }));
  expect(me?.id).toBe(user.id);
});

test('a wrong password shows an error and creates no session; the attempt is audit-logged', async ({ db }) => {
  const user = await createUser(db, { email: 'bob@example.test', passwordHash: hash });
  const response = (await loginAction(args(loginRequest({ email: 'bob@example.test', password: 'nope' })))) as Response;
  expect(response.status).toBe(400);
  expect(response.headers.get('Set-Cookie')).toBeNull();
  expect(await response.json()).toMatchObject({ formError: expect.stringMatching(/do not match/) });
  expect(await db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).execute()).toHaveLength(0);
  const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'login.failure').execute();
  expect(audit.length).toBeGreaterThan(0);
});

test('bad input answers 400 with field errors, never a 500', async ({ db: _db }) => {
  const response = (await loginAction(args(loginRequest({ email: 'not-an-email', password: '' })))) as Response;
  expect(response.status).toBe(400);
  const body = await response.json();
  expect(body.fieldErrors.email?.[0]).toMatch(/valid email/);
  expect(body.fieldErrors.password?.[0]).toMatch(/Enter your password/);
});

test('failed logins are throttled per account and address with Retry-After, without locking out other addresses', async ({
  db,
}) => {
  await createUser(db, { email: 'carol@example.test', passwordHash: hash });
  for (let i = 0; i < 10; i++)
    await loginAction(args(loginRequest({ email: 'carol@example.test', password: 'bad' }, '10.9.9.9')));
  const limited = (await loginAction(
    args(loginRequest({ email: 'carol@example.test', password: PASSWORD }, '10.9.9.9')),
  )) as Response;
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
  const elsewhere = (await loginAction(
    args(loginRequest({ email: 'carol@example.test', password: PASSWORD }, '10.1.1.1')),
  )) as Response;
  expect(elsewhere.status).toBe(303);
});

test('logout deletes the session row server-side', async ({ db }) => {
  await createUser(db, { email: 'dan@example.test', passwordHash: hash });
  const login = (await loginAction(args(loginRequest({ email: 'dan@example.test', password: PASSWORD })))) as Response;
  const cookie = cookieFrom(login);
  const response = await logoutAction(
    args(new Request('http://localhost/logout', { method: 'POST', headers: { Cookie: cookie } })),
  );
  expect(response.status).toBe(303);
  expect(await getSessionUser(db, new Request('http://localhost/', { headers: { Cookie: cookie } }))).toBeNull();
  expect(await db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
  // Audited (issue #18), with the user who signed out.
  const audit = await db.selectFrom('audit_log').select(['user_id', 'action']).where('action', '=', 'logout').execute();
  expect(audit).toEqual([{ user_id: expect.any(Number), action: 'logout' }]);
});

test('hostile redirect targets after sign-in land on this site (issue #22)', async ({ db }) => {
  await createUser(db, { email: 'rita@example.test', passwordHash: hash });
  for (const redirectTo of [
    '/\t/evil.example/',
    '/\t\\evil.example/',
    '//evil.example',
    '/\\evil.example',
    'https://evil.example/',
    '/.//evil.example',
    '/x\r\nSet-Cookie: a=b',
    'javascript:alert(1)',
  ]) {
    const response = (await loginAction(
      args(loginRequest({ email: 'rita@example.test', password: PASSWORD, redirectTo })),
    )) as Response;
    expect(response.status, redirectTo).toBe(303);
    expect(response.headers.get('Location'), redirectTo).toBe('/');
  }
});

test('an idle session expires', async ({ db }) => {
  await createUser(db, { email: 'eve@example.test', passwordHash: hash });
  const login = (await loginAction(args(loginRequest({ email: 'eve@example.test', password: PASSWORD })))) as Response;
  const cookie = cookieFrom(login);
  await db
    .updateTable('sessions')
    .set({ last_seen_at: new Date(Date.now() - SESSION_IDLE_MS - 1000) })
    .execute();
  expect(await getSessionUser(db, new Request('http://localhost/', { headers: { Cookie: cookie } }))).toBeNull();
  expect(hashToken('x')).toHaveLength(64);
});

test('forum guards: non-members get 404, members without the role 403, both audit-logged', async ({ db }) => {
  const forum = await createForum(db, { slug: 'guarded' });
  const outsider = await createUser(db, { email: 'out@example.test', passwordHash: hash });
  const observer = await createUser(db, { email: 'obs@example.test', passwordHash: hash });
  await addMember(db, { forumId: forum.id, userId: observer.id, role: 'observer' });
  const cookieFor = async (email: string) =>
    cookieFrom((await loginAction(args(loginRequest({ email, password: PASSWORD })))) as Response);
  const req = async (email: string) =>
    new Request('http://localhost/forums/guarded', { headers: { Cookie: await cookieFor(email) } });

  const notFound = await requireForumRole(await req('out@example.test'), 'guarded', undefined, db).catch(
    (r: Response) => r,
  );
  expect((notFound as Response).status).toBe(404);
  const forbidden = await requireForumRole(await req('obs@example.test'), 'guarded', ['chair', 'leader'], db).catch(
    (r: Response) => r,
  );
  expect((forbidden as Response).status).toBe(403);
  const ok = await requireForumRole(await req('obs@example.test'), 'guarded', undefined, db);
  expect(ok.role).toBe('observer');
  const denials = await db
    .selectFrom('audit_log')
    .select(['user_id', 'denied'])
    .where('action', '=', 'access.denied')
    .execute();
  expect(denials).toEqual(
    expect.arrayContaining([
      { user_id: outsider.id, denied: true },
      { user_id: observer.id, denied: true },
    ]),
  );

  const anonymous = await requireForumRole(
    new Request('http://localhost/forums/guarded'),
    'guarded',
    undefined,
    db,
  ).catch((r: Response) => r);
  expect((anonymous as Response).status).toBe(302);
  expect((anonymous as Response).headers.get('Location')).toMatch(/^\/login\?redirectTo=/);
});

test('removing a member takes effect on their next request', async ({ db }) => {
  const forum = await createForum(db, { slug: 'removal' });
  const member = await createUser(db, { email: 'gone@example.test', passwordHash: hash });
  await addMember(db, { forumId: forum.id, userId: member.id, role: 'leader' });
  const login = (await loginAction(args(loginRequest({ email: 'gone@example.test', password: PASSWORD })))) as Response;
  const request = () => new Request('http://localhost/forums/removal', { headers: { Cookie: cookieFrom(login) } });
  expect((await requireForumRole(request(), 'removal', undefined, db)).role).toBe('leader');
  await db.deleteFrom('memberships').where('forum_id', '=', forum.id).where('user_id', '=', member.id).execute();
  const denied = await requireForumRole(request(), 'removal', undefined, db).catch((r: Response) => r);
  expect((denied as Response).status).toBe(404);
});
