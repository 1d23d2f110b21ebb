import { sql } from 'kysely';
import { beforeAll, expect } from 'vitest';
import { dbTest as test } from '../setup/test-db';
import { addMember, createForum, createUser } from '../factories';
import { callRoute, signedInCookie } from './owners-world';
import { hashPassword, verifyPassword } from '../../app/modules/auth/password.server';
import { getSessionUser, hashToken } from '../../app/modules/auth/session.server';
import { findVerification, issueVerification, redeemVerification } from '../../app/modules/auth/verification.server';
import { createInstanceAdmin } from '../../app/modules/admin/users.server';
import { action as usersAction, loader as usersLoader } from '../../app/routes/admin.users';
import { loader as adminIndexLoader } from '../../app/routes/admin._index';
import { action as setPasswordAction, loader as setPasswordLoader } from '../../app/routes/set-password.$token';
import { action as loginAction } from '../../app/routes/login';
import { action as membersAction, loader as membersLoader } from '../../app/routes/forums.$slug.settings.members';
import { action as invitationAction, loader as invitationLoader } from '../../app/routes/invitations.$token';
import type { Executor } from '../../app/utils/db.server';

// Issue #14, the identity half: secret links, the admin's users page, set-password links, forum members and invitations.
const PASSWORD = 'a good passphrase';
let hash: string;
beforeAll(async () => {
  hash = await hashPassword(PASSWORD);
});

const tokenOf = (link: string) => link.split('/').pop()!;
const cookieOf = (response: Response) => response.headers.get('Set-Cookie')!.split(';')[0];
const whoIs = async (db: Executor, cookie: string) =>
  getSessionUser(db, new Request('http://localhost/', { headers: { Cookie: cookie } }));
const audits = async (db: Executor, action: string) =>
  (
    await db
      .selectFrom('audit_log')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('action', '=', action)
      .executeTakeFirstOrThrow()
  ).n;

async function admin(db: Executor) {
  const user = await createUser(db, { name: 'Ada Admin', passwordHash: hash, isAdmin: true });
  return { ...user, cookie: await signedInCookie(db, user.id) };
}

test('a secret link: only its hash is stored; it works once, expires, and issuing again replaces it', async ({
  db,
}) => {
  const first = await issueVerification(db, { type: 'password-reset', target: 'user:1', createdBy: null });
  const rows = await db.selectFrom('verifications').selectAll().where('target', '=', 'user:1').execute();
  expect(rows).toHaveLength(1);
  expect(rows[0].secret_hash).toBe(hashToken(first.token));
  expect(JSON.stringify(rows)).not.toContain(first.token);
  expect(await findVerification(db, { type: 'invitation', token: first.token })).toBeNull(); // the type is part of the key
  const second = await issueVerification(db, { type: 'password-reset', target: 'user:1', createdBy: null });
  expect(await redeemVerification(db, { type: 'password-reset', token: first.token })).toBeNull();
  expect(await redeemVerification(db, { type: 'password-reset', token: second.token })).not.toBeNull();
  expect(await redeemVerification(db, { type: 'password-reset', token: second.token })).toBeNull();
  expect((await findVerification(db, { type: 'password-reset', token: second.token }))?.state).toBe('used');
  const third = await issueVerification(db, { type: 'password-reset', target: 'user:1', createdBy: null });
  await db
    .updateTable('verifications')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('target', '=', 'user:1')
    .execute();
  expect((await findVerification(db, { type: 'password-reset', token: third.token }))?.state).toBe('expired');
  expect(await redeemVerification(db, { type: 'password-reset', token: third.token })).toBeNull();
  expect(await findVerification(db, { type: 'password-reset', token: 'not a token' })).toBeNull();
});

test('the first admin from the command line: with a link to set the password, or with the password given', async ({
  db,
}) => {
  const withLink = await createInstanceAdmin(db, { email: 'First@Example.com', name: 'First' });
  expect(withLink.ok && withLink.value.token).toBeTruthy();
  const token = withLink.ok ? withLink.value.token! : '';
  const page = await callRoute(setPasswordLoader, { path: `/set-password/${token}`, cookie: '', params: { token } });
  expect(page.status).toBe(200);
  expect(await page.json()).toMatchObject({ email: 'First@Example.com', firstTime: true });
  const given = await createInstanceAdmin(db, { email: 'second@example.com', name: 'Second', password: PASSWORD });
  expect(given.ok && given.value.token).toBeNull();
  const again = await createInstanceAdmin(db, { email: 'first@example.com', name: 'Impostor', password: PASSWORD });
  expect(again.ok).toBe(false);
  const users = await db
    .selectFrom('users')
    .select(['email', 'is_admin', 'password_hash'])
    .where(sql`lower(email)`, 'in', ['first@example.com', 'second@example.com'])
    .execute();
  expect(users.map((u) => u.is_admin)).toEqual([true, true]);
  expect(users.find((u) => u.email === 'First@Example.com')?.password_hash).toBeNull();
  expect(await audits(db, 'admin.created_from_command_line')).toBe(2);
});

test('an admin invites a user, who sets a password from the link once and is signed in; nobody else can use it', async ({
  db,
}) => {
  const boss = await admin(db);
  expect(
    (await callRoute(adminIndexLoader, { path: '/admin', cookie: boss.cookie, params: {} })).headers.get('Location'),
  ).toBe('/admin/users');
  const bad = await callRoute(usersAction, {
    path: '/admin/users',
    cookie: boss.cookie,
    params: {},
    form: { intent: 'invite', email: 'not an email', name: '' },
  });
  expect(bad.status).toBe(400);
  const badBody = await bad.json();
  expect(badBody.fieldErrors).toMatchObject({
    email: [expect.stringMatching(/valid email/)],
    name: [expect.stringMatching(/Enter a name/)],
  });
  expect(badBody.values).toMatchObject({ email: 'not an email' });

  const invited = await callRoute(usersAction, {
    path: '/admin/users',
    cookie: boss.cookie,
    params: {},
    form: { intent: 'invite', email: 'nina@example.com', name: 'Nina' },
  });
  expect(invited.status).toBe(200);
  const { link } = await invited.json();
  expect(link).toMatch(/^http:\/\/localhost:\d+\/set-password\/[A-Za-z0-9_-]{43}$/); // APP_URL, else the local address: never the request's Host
  const dup = await callRoute(usersAction, {
    path: '/admin/users',
    cookie: boss.cookie,
    params: {},
    form: { intent: 'invite', email: 'NINA@example.com', name: 'Nina' },
  });
  expect(dup.status).toBe(400);
  expect((await dup.json()).fieldErrors.email[0]).toMatch(/already an account/);

  const list = await (await callRoute(usersLoader, { path: '/admin/users', cookie: boss.cookie, params: {} })).json();
  expect(list.users.find((u: { email: string }) => u.email === 'nina@example.com')).toMatchObject({
    pending: true,
    isAdmin: false,
    deactivatedAt: null,
    lastSeenAt: null,
  });
  // No password yet: nobody can sign in as her.
  const login = (password: string) =>
    callRoute(loginAction, { path: '/login', cookie: '', params: {}, form: { email: 'nina@example.com', password } });
  expect((await login('')).status).toBe(400);

  const token = tokenOf(link);
  const weak = await callRoute(setPasswordAction, {
    path: `/set-password/${token}`,
    cookie: '',
    params: { token },
    form: { password: 'password123', confirmPassword: 'password123' },
  });
  expect(weak.status).toBe(400);
  expect((await weak.json()).fieldErrors.password[0]).toMatch(/too common/);
  const set = await callRoute(setPasswordAction, {
    path: `/set-password/${token}`,
    cookie: '',
    params: { token },
    form: { password: PASSWORD, confirmPassword: PASSWORD },
  });
  expect(set.status).toBe(303);
  expect((await whoIs(db, cookieOf(set)))?.email).toBe('nina@example.com');
  expect((await login(PASSWORD)).status).toBe(303);
  const seen = await (await callRoute(usersLoader, { path: '/admin/users', cookie: boss.cookie, params: {} })).json();
  expect(seen.users.find((u: { email: string }) => u.email === 'nina@example.com')).toMatchObject({
    pending: false,
    lastSeenAt: expect.any(String),
  });
  // Used: a clear 410, for the page and for a second try.
  expect(
    (await callRoute(setPasswordLoader, { path: `/set-password/${token}`, cookie: '', params: { token } })).status,
  ).toBe(410);
  expect(
    (
      await callRoute(setPasswordAction, {
        path: `/set-password/${token}`,
        cookie: '',
        params: { token },
        form: { password: 'another passphrase', confirmPassword: 'another passphrase' },
      })
    ).status,
  ).toBe(410);
  expect(
    (await callRoute(setPasswordLoader, { path: '/set-password/nonsense', cookie: '', params: { token: 'nonsense' } }))
      .status,
  ).toBe(404);
  expect(await audits(db, 'admin.user_invited')).toBe(1);
  expect(await audits(db, 'account.password_set_by_link')).toBe(1);
});

test('a password reset issued by an admin ends every session of the user', async ({ db }) => {
  const boss = await admin(db);
  const user = await createUser(db, { name: 'Reset Me', passwordHash: hash });
  const old = await signedInCookie(db, user.id);
  const issued = await callRoute(usersAction, {
    path: '/admin/users',
    cookie: boss.cookie,
    params: {},
    form: { intent: 'reset-password', userId: String(user.id) },
  });
  const token = tokenOf((await issued.json()).link);
  expect(await whoIs(db, old)).not.toBeNull(); // issuing changes nothing yet
  const set = await callRoute(setPasswordAction, {
    path: `/set-password/${token}`,
    cookie: '',
    params: { token },
    form: { password: 'a brand new passphrase', confirmPassword: 'a brand new passphrase' },
  });
  expect(set.status).toBe(303);
  expect(await whoIs(db, old)).toBeNull();
  expect((await whoIs(db, cookieOf(set)))?.id).toBe(user.id);
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
  expect(await verifyPassword('a brand new passphrase', row.password_hash!)).toBe(true);
  expect(await audits(db, 'admin.password_link_issued')).toBe(1);
});

test('deactivation ends sessions and sign-in, keeps history; the last admin and oneself are protected', async ({
  db,
}) => {
  const boss = await admin(db);
  const user = await createUser(db, { email: 'leaving@example.com', name: 'Leaving', passwordHash: hash });
  const forum = await createForum(db);
  await addMember(db, { forumId: forum.id, userId: user.id, role: 'owner' });
  const cookie = await signedInCookie(db, user.id);
  const post = (intent: string, userId: number, as = boss.cookie) =>
    callRoute(usersAction, { path: '/admin/users', cookie: as, params: {}, form: { intent, userId: String(userId) } });

  expect((await post('deactivate', user.id)).status).toBe(200);
  expect(await whoIs(db, cookie)).toBeNull();
  const login = await callRoute(loginAction, {
    path: '/login',
    cookie: '',
    params: {},
    form: { email: 'leaving@example.com', password: PASSWORD },
  });
  expect(login.status).toBe(403);
  expect((await login.json()).formError).toMatch(/deactivated/);
  expect(
    await db.selectFrom('memberships').select('role').where('user_id', '=', user.id).executeTakeFirst(),
  ).toMatchObject({ role: 'owner' });
  expect((await post('deactivate', user.id)).status).toBe(409);
  expect((await post('reset-password', user.id)).status).toBe(409);
  expect((await post('reactivate', user.id)).status).toBe(200);
  expect(
    (
      await callRoute(loginAction, {
        path: '/login',
        cookie: '',
        params: {},
        form: { email: 'leaving@example.com', password: PASSWORD },
      })
    ).status,
  ).toBe(303);

  // Oneself, by accident: refused.
  const self = await post('revoke-admin', boss.id);
  expect(self.status).toBe(409);
  expect((await post('deactivate', boss.id)).status).toBe(409);
  // Grant, then the last admin cannot be removed by the other.
  expect((await post('grant-admin', user.id)).status).toBe(200);
  const second = await signedInCookie(db, user.id);
  await db
    .updateTable('users')
    .set({ is_admin: false })
    .where('is_admin', '=', true)
    .where('id', 'not in', [boss.id, user.id])
    .execute();
  expect((await post('revoke-admin', boss.id, second)).status).toBe(200);
  expect((await post('deactivate', user.id, boss.cookie)).status).toBe(403); // boss is no longer an admin
  const last = await post('revoke-admin', user.id, second);
  expect(last.status).toBe(409);
  expect(await post('nonsense', user.id).then((r) => r.status)).toBe(403);
  expect((await post('grant-admin', 2 ** 40, second)).status).toBe(404);
  expect(
    (
      await callRoute(usersAction, {
        path: '/admin/users',
        cookie: second,
        params: {},
        form: { intent: 'grant-admin', userId: 'x' },
      })
    ).status,
  ).toBe(400);
  expect(await audits(db, 'admin.user_deactivated')).toBe(1);
  expect(await audits(db, 'admin.user_reactivated')).toBe(1);
  expect(await audits(db, 'admin.admin_granted')).toBe(1);
  expect(await audits(db, 'admin.admin_revoked')).toBe(1);
});

test('the admin area is for instance admins only', async ({ db }) => {
  const user = await createUser(db, { passwordHash: hash });
  const cookie = await signedInCookie(db, user.id);
  expect((await callRoute(usersLoader, { path: '/admin/users', cookie, params: {} })).status).toBe(403);
  expect(
    (
      await callRoute(usersAction, {
        path: '/admin/users',
        cookie,
        params: {},
        form: { intent: 'invite', email: 'x@example.com', name: 'X' },
      })
    ).status,
  ).toBe(403);
  expect((await callRoute(usersLoader, { path: '/admin/users', cookie: '', params: {} })).status).toBe(302);
  expect(
    await db.selectFrom('users').select('id').where('email', '=', 'x@example.com').executeTakeFirst(),
  ).toBeUndefined();
});

async function forumWithChair(db: Executor) {
  const forum = await createForum(db, { slug: `team-${Math.random().toString(36).slice(2, 8)}`, name: 'Team review' });
  const chair = await createUser(db, { name: 'Chair', passwordHash: hash });
  await addMember(db, { forumId: forum.id, userId: chair.id, role: 'chair' });
  const leader = await createUser(db, { name: 'Leader', passwordHash: hash });
  await addMember(db, { forumId: forum.id, userId: leader.id, role: 'leader' });
  return {
    forum,
    chair: { ...chair, cookie: await signedInCookie(db, chair.id) },
    leader: { ...leader, cookie: await signedInCookie(db, leader.id) },
  };
}

test('the chair invites by email with a role; the link creates the account once, shown pending until then', async ({
  db,
}) => {
  const { forum, chair, leader } = await forumWithChair(db);
  const params = { slug: forum.slug };
  const path = `/forums/${forum.slug}/settings/members`;
  const invite = (form: Record<string, string>, cookie = chair.cookie) =>
    callRoute(membersAction, { path, cookie, params, form: { intent: 'invite', ...form } });

  expect((await invite({ email: 'x@example.com', role: 'owner' }, leader.cookie)).status).toBe(403);
  const bad = await invite({ email: 'nope', role: 'king' });
  expect(bad.status).toBe(400);
  expect((await bad.json()).fieldErrors).toMatchObject({ email: [expect.any(String)], role: ['Choose a role'] });
  expect((await invite({ email: chair.email, role: 'owner' })).status).toBe(400); // already a member

  const link = (await (await invite({ email: 'Olga@Example.com', role: 'owner' })).json()).link as string;
  expect(link).toMatch(/\/invitations\/[A-Za-z0-9_-]{43}$/);
  const page = await (await callRoute(membersLoader, { path, cookie: leader.cookie, params })).json();
  expect(page.canEdit).toBe(false);
  expect(page.invitations).toMatchObject([{ email: 'Olga@Example.com', role: 'owner', expired: false }]);
  const expires = new Date(page.invitations[0].expiresAt).getTime() - Date.now();
  expect(expires).toBeGreaterThan(6.9 * 86_400_000);
  expect(expires).toBeLessThanOrEqual(7 * 86_400_000);

  const token = tokenOf(link);
  const view = await (
    await callRoute(invitationLoader, { path: `/invitations/${token}`, cookie: '', params: { token } })
  ).json();
  expect(view).toMatchObject({ mode: 'create-account', role: 'owner', forum: { slug: forum.slug } });
  const short = await callRoute(invitationAction, {
    path: `/invitations/${token}`,
    cookie: '',
    params: { token },
    form: { intent: 'create-account', name: 'Olga', password: 'short', confirmPassword: 'short' },
  });
  expect(short.status).toBe(400);
  expect((await short.json()).values).toEqual({ intent: 'create-account', name: 'Olga' });
  const accepted = await callRoute(invitationAction, {
    path: `/invitations/${token}`,
    cookie: '',
    params: { token },
    form: { intent: 'create-account', name: 'Olga', password: PASSWORD, confirmPassword: PASSWORD },
  });
  expect(accepted.status).toBe(303);
  expect(accepted.headers.get('Location')).toBe(`/forums/${forum.slug}`);
  const olga = await whoIs(db, cookieOf(accepted));
  expect(olga?.forums.map((f) => [f.slug, f.role])).toEqual([[forum.slug, 'owner']]);
  expect(
    (
      await callRoute(invitationAction, {
        path: `/invitations/${token}`,
        cookie: '',
        params: { token },
        form: { intent: 'create-account', name: 'Eve', password: PASSWORD, confirmPassword: PASSWORD },
      })
    ).status,
  ).toBe(410);
  expect(
    (await callRoute(invitationLoader, { path: `/invitations/${token}`, cookie: '', params: { token } })).status,
  ).toBe(410);
  const after = await (await callRoute(membersLoader, { path, cookie: chair.cookie, params })).json();
  expect(after.invitations).toEqual([]);
  expect(after.members.map((m: { name: string; role: string }) => `${m.name}:${m.role}`)).toEqual([
    'Chair:chair',
    'Leader:leader',
    'Olga:owner',
  ]);
  expect(await audits(db, 'forum.member_invited')).toBe(1);
  expect(await audits(db, 'forum.invitation_accepted')).toBe(1);
});

test('an existing user accepts while signed in; the wrong account is refused without using the link; revoked links are dead', async ({
  db,
}) => {
  const { forum, chair } = await forumWithChair(db);
  const params = { slug: forum.slug };
  const path = `/forums/${forum.slug}/settings/members`;
  const someone = await createUser(db, { email: 'sam@example.com', name: 'Sam', passwordHash: hash });
  const samCookie = await signedInCookie(db, someone.id);
  const invite = async (email: string, role: string) =>
    tokenOf(
      (
        await (
          await callRoute(membersAction, {
            path,
            cookie: chair.cookie,
            params,
            form: { intent: 'invite', email, role },
          })
        ).json()
      ).link,
    );

  const token = await invite('sam@example.com', 'leader');
  expect(
    (await (await callRoute(invitationLoader, { path: `/invitations/${token}`, cookie: '', params: { token } })).json())
      .mode,
  ).toBe('sign-in');
  // Signed in as someone else: refused, and the link still works.
  expect(
    (
      await (
        await callRoute(invitationLoader, { path: `/invitations/${token}`, cookie: chair.cookie, params: { token } })
      ).json()
    ).mode,
  ).toBe('wrong-user');
  expect(
    (
      await callRoute(invitationAction, {
        path: `/invitations/${token}`,
        cookie: chair.cookie,
        params: { token },
        form: { intent: 'accept' },
      })
    ).status,
  ).toBe(403);
  expect(
    (
      await callRoute(invitationAction, {
        path: `/invitations/${token}`,
        cookie: '',
        params: { token },
        form: { intent: 'create-account', name: 'Fake Sam', password: PASSWORD, confirmPassword: PASSWORD },
      })
    ).status,
  ).toBe(409);
  const ok = await callRoute(invitationAction, {
    path: `/invitations/${token}`,
    cookie: samCookie,
    params: { token },
    form: { intent: 'accept' },
  });
  expect(ok.status).toBe(303);
  expect(ok.headers.get('Set-Cookie')).toBeNull();
  expect((await whoIs(db, samCookie))?.forums.map((f) => f.role)).toEqual(['leader']);

  const revoked = await invite('gone@example.com', 'observer');
  const pending = (await (await callRoute(membersLoader, { path, cookie: chair.cookie, params })).json()).invitations;
  const revoke = await callRoute(membersAction, {
    path,
    cookie: chair.cookie,
    params,
    form: { intent: 'revoke', invitationId: String(pending[0].id) },
  });
  expect(revoke.status).toBe(200);
  expect(
    (await callRoute(invitationLoader, { path: `/invitations/${revoked}`, cookie: '', params: { token: revoked } }))
      .status,
  ).toBe(404);
  expect(
    (
      await callRoute(membersAction, {
        path,
        cookie: chair.cookie,
        params,
        form: { intent: 'revoke', invitationId: String(pending[0].id) },
      })
    ).status,
  ).toBe(404);
  expect(await audits(db, 'forum.invitation_revoked')).toBe(1);
});

test('roles change and members leave, but a forum always keeps a chair; removal takes effect on the next request', async ({
  db,
}) => {
  const { forum, chair, leader } = await forumWithChair(db);
  const params = { slug: forum.slug };
  const path = `/forums/${forum.slug}/settings/members`;
  const act = (form: Record<string, string>, cookie = chair.cookie) =>
    callRoute(membersAction, { path, cookie, params, form });

  expect((await act({ intent: 'change-role', userId: String(chair.id), role: 'leader' })).status).toBe(409);
  expect((await act({ intent: 'remove', userId: String(chair.id) })).status).toBe(409);
  expect((await act({ intent: 'change-role', userId: String(leader.id), role: 'chair' })).status).toBe(200);
  // Two chairs now: the first may step down.
  expect((await act({ intent: 'change-role', userId: String(chair.id), role: 'observer' })).status).toBe(200);
  expect((await act({ intent: 'change-role', userId: String(leader.id), role: 'owner' }, chair.cookie)).status).toBe(
    403,
  );
  const outsider = await createUser(db, { passwordHash: hash });
  expect((await act({ intent: 'remove', userId: String(outsider.id) }, leader.cookie)).status).toBe(404);
  expect((await act({ intent: 'remove', userId: String(chair.id) }, leader.cookie)).status).toBe(200);
  expect((await callRoute(membersLoader, { path, cookie: chair.cookie, params })).status).toBe(404);
  expect((await act({ intent: 'remove', userId: String(leader.id) }, leader.cookie)).status).toBe(409);
  expect(
    (await act({ intent: 'change-role', userId: String(leader.id), role: 'overlord' }, leader.cookie)).status,
  ).toBe(400);
  expect((await act({ intent: 'remove', userId: String(leader.id), extra: '1' }, leader.cookie)).status).toBe(400);
  expect(await audits(db, 'forum.member_role_changed')).toBe(2);
  expect(await audits(db, 'forum.member_removed')).toBe(1);
});
