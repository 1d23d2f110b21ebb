import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { DEMO_PASSWORD, expect, test } from './fixtures';
import { DEFAULT_POLICY } from '../../app/oversight/policy';

// The authorization matrix: every route × role, with the expected answer. Allowed writes are sent invalid
// on purpose (400 proves the guard let them through without changing anything); swapped ids and extra form
// fields are rows of their own.
const ROLES = {
  chair: 'chair@demo.test',
  leader: 'leader@demo.test',
  owner: 'owner1@demo.test', // owns Checkout redesign
  otherOwner: 'owner2@demo.test',
  observer: 'observer@demo.test',
  nonMember: 'outsider@demo.test',
  anonymous: null,
} as const;
type Role = keyof typeof ROLES;
type Expect = Record<Role, number>;

const members = (ok: number): Expect => ({
  chair: ok,
  leader: ok,
  owner: ok,
  otherOwner: ok,
  observer: ok,
  nonMember: 404,
  anonymous: 302,
});
const ownerAndChair = (ok: number): Expect => ({
  chair: ok,
  leader: 403,
  owner: ok,
  otherOwner: 403,
  observer: 403,
  nonMember: 404,
  anonymous: 302,
});
const leaders = (ok: number): Expect => ({
  chair: ok,
  leader: ok,
  owner: 403,
  otherOwner: 403,
  observer: 403,
  nonMember: 404,
  anonymous: 302,
});
const chairOnly = (ok: number): Expect => ({ ...leaders(ok), leader: 403 });
const admins = (ok: number): Expect => ({
  chair: ok,
  leader: 403,
  owner: 403,
  otherOwner: 403,
  observer: 403,
  nonMember: 403,
  anonymous: 302,
});
const everyone = (status: number): Expect => ({
  chair: status,
  leader: status,
  owner: status,
  otherOwner: status,
  observer: status,
  nonMember: status,
  anonymous: status,
});
const assigneeAndChair = (ok: number): Expect => ({
  chair: ok,
  leader: 403,
  owner: 403,
  otherOwner: ok,
  observer: 403,
  nonMember: 404,
  anonymous: 302,
});

interface Row {
  name: string;
  method: 'GET' | 'POST';
  path: (ids: Ids) => string;
  form?: Record<string, string>;
  expect: Expect;
}
interface Ids {
  project: number;
  platformProject: number;
  meeting: number;
  actionItem: number;
}

const MATRIX: Row[] = [
  { name: 'dashboard', method: 'GET', path: () => '/forums/demo', expect: members(200) },
  { name: 'dashboard CSV', method: 'GET', path: () => '/forums/demo/projects.csv', expect: members(200) },
  { name: 'oversight page', method: 'GET', path: () => '/forums/demo/oversight', expect: members(200) },
  { name: 'project page', method: 'GET', path: (i) => `/forums/demo/projects/${i.project}`, expect: members(200) },
  {
    name: 'status form',
    method: 'GET',
    path: (i) => `/forums/demo/projects/${i.project}/status`,
    expect: ownerAndChair(200),
  },
  {
    name: 'goals editor',
    method: 'GET',
    path: (i) => `/forums/demo/projects/${i.project}/goals`,
    expect: ownerAndChair(200),
  },
  {
    name: 'post a status (invalid)',
    method: 'POST',
    path: (i) => `/forums/demo/projects/${i.project}/status`,
    form: { health: 'sideways' },
    expect: ownerAndChair(400),
  },
  {
    name: 'add a goal (invalid)',
    method: 'POST',
    path: (i) => `/forums/demo/projects/${i.project}/goals`,
    form: { title: '' },
    expect: ownerAndChair(400),
  },
  {
    name: 'override without a reason',
    method: 'POST',
    path: (i) => `/forums/demo/projects/${i.project}`,
    form: { intent: 'override', level: 'trusted', reason: ' ' },
    expect: leaders(400),
  },
  {
    name: 'override with an extra field (mass assignment)',
    method: 'POST',
    path: (i) => `/forums/demo/projects/${i.project}`,
    form: { intent: 'override', level: 'trusted', reason: 'ok', owner_id: '1' },
    expect: leaders(400),
  },
  {
    name: 'another forum’s project under this forum (IDOR)',
    method: 'GET',
    path: (i) => `/forums/demo/projects/${i.platformProject}`,
    expect: { ...members(404), anonymous: 302 },
  },
  // Roles that may never post a status are refused before the project is looked up (403 reveals nothing).
  {
    name: 'another forum’s project status form (IDOR)',
    method: 'GET',
    path: (i) => `/forums/demo/projects/${i.platformProject}/status`,
    expect: { chair: 404, leader: 403, owner: 404, otherOwner: 404, observer: 403, nonMember: 404, anonymous: 302 },
  },
  {
    name: 'change-owner page',
    method: 'GET',
    path: (i) => `/forums/demo/projects/${i.project}/owner`,
    expect: { ...leaders(200), leader: 403 },
  },
  {
    name: 'change owner (invalid)',
    method: 'POST',
    path: (i) => `/forums/demo/projects/${i.project}/owner`,
    form: { ownerId: 'nobody' },
    expect: { ...leaders(400), leader: 403 },
  },
  { name: 'my account', method: 'GET', path: () => '/account', expect: { ...members(200), nonMember: 200 } },
  { name: 'meetings list', method: 'GET', path: () => '/forums/demo/meetings', expect: members(200) },
  { name: 'calendar feed', method: 'GET', path: () => '/forums/demo/meetings.ics', expect: members(200) },
  { name: 'meeting page', method: 'GET', path: (i) => `/forums/demo/meetings/${i.meeting}`, expect: members(200) },
  {
    name: 'meeting minutes',
    method: 'GET',
    path: (i) => `/forums/demo/meetings/${i.meeting}/minutes.md`,
    expect: members(200),
  },
  {
    name: 'record a verdict (invalid)',
    method: 'POST',
    path: (i) => `/forums/demo/meetings/${i.meeting}`,
    form: { intent: 'review', projectId: String(2 ** 40), verdict: 'great' },
    expect: leaders(400),
  },
  {
    name: 'start a meeting (invalid confirmation)',
    method: 'POST',
    path: (i) => `/forums/demo/meetings/${i.meeting}`,
    form: { intent: 'start', confirm: 'maybe' },
    expect: leaders(400),
  },
  {
    name: 'close a meeting (invalid confirmation)',
    method: 'POST',
    path: (i) => `/forums/demo/meetings/${i.meeting}`,
    form: { intent: 'close', confirm: 'maybe' },
    expect: leaders(400),
  },
  {
    name: 'update a verdict (invalid version)',
    method: 'POST',
    path: (i) => `/forums/demo/meetings/${i.meeting}`,
    form: { intent: 'review', projectId: '1', verdict: 'on_track', version: 'stale' },
    expect: leaders(400),
  },
  {
    name: 'put back a consent item (invalid)',
    method: 'POST',
    path: (i) => `/forums/demo/meetings/${i.meeting}`,
    form: { intent: 'put-back', projectId: 'none' },
    expect: leaders(400),
  },
  {
    name: 'override in meeting mode without a reason',
    method: 'POST',
    path: (i) => `/forums/demo/meetings/${i.meeting}`,
    form: { intent: 'override', projectId: '1', level: 'tight', reason: ' ' },
    expect: leaders(400),
  },
  {
    name: 'unknown meeting intent',
    method: 'POST',
    path: (i) => `/forums/demo/meetings/${i.meeting}`,
    form: { intent: 'close-everything' },
    expect: leaders(400),
  },
  {
    name: 'a meeting that does not exist',
    method: 'GET',
    path: () => '/forums/demo/meetings/987654321',
    expect: { ...members(404), anonymous: 302 },
  },
  // Forum settings → Members: the chair edits, leaders read.
  { name: 'members settings', method: 'GET', path: () => '/forums/demo/settings/members', expect: leaders(200) },
  {
    name: 'invite a member (invalid)',
    method: 'POST',
    path: () => '/forums/demo/settings/members',
    form: { intent: 'invite', email: 'nope', role: 'king' },
    expect: { ...leaders(400), leader: 403 },
  },
  {
    name: 'change a role with an extra field (mass assignment)',
    method: 'POST',
    path: () => '/forums/demo/settings/members',
    form: { intent: 'change-role', userId: '1', role: 'chair', forum_id: '2' },
    expect: { ...leaders(400), leader: 403 },
  },
  // The second forum: its chair and leader are the demo's; the outsider observes it; the others are not members.
  {
    name: 'the platform forum’s members settings',
    method: 'GET',
    path: () => '/forums/platform/settings/members',
    expect: { chair: 200, leader: 200, owner: 404, otherOwner: 404, observer: 404, nonMember: 403, anonymous: 302 },
  },
  // The instance admins' area. The demo chair is the demo's only instance admin (db/seed.ts): the chair column is the admin's.
  { name: 'admin area', method: 'GET', path: () => '/admin', expect: admins(302) },
  { name: 'admin: users', method: 'GET', path: () => '/admin/users', expect: admins(200) },
  {
    name: 'admin: invite a user (invalid)',
    method: 'POST',
    path: () => '/admin/users',
    form: { intent: 'invite', email: 'nope', name: '' },
    expect: admins(400),
  },
  {
    name: 'admin: act on a user with an extra field',
    method: 'POST',
    path: () => '/admin/users',
    form: { intent: 'grant-admin', userId: '1', is_admin: 'true' },
    expect: admins(400),
  },
  // Secret links: the link is the credential, whoever opens it; a wrong one is a 404 for everyone.
  {
    name: 'set-password link (unknown)',
    method: 'GET',
    path: () => `/set-password/${'A'.repeat(43)}`,
    expect: everyone(404),
  },
  {
    name: 'use a set-password link (unknown)',
    method: 'POST',
    path: () => `/set-password/${'A'.repeat(43)}`,
    form: { password: 'a good passphrase', confirmPassword: 'a good passphrase' },
    expect: everyone(404),
  },
  { name: 'invitation link (unknown)', method: 'GET', path: () => '/invitations/not-a-token', expect: everyone(404) },
  {
    name: 'accept an invitation (unknown)',
    method: 'POST',
    path: () => `/invitations/${'A'.repeat(43)}`,
    form: { intent: 'accept' },
    expect: everyone(404),
  },
  // Metrics take the bearer token (METRICS_TOKEN), never a session.
  {
    name: 'metrics without the token',
    method: 'GET',
    path: () => '/metrics',
    expect: { chair: 401, leader: 401, owner: 401, otherOwner: 401, observer: 401, nonMember: 401, anonymous: 401 },
  },
  // An open action item of owner2's (otherOwner): the chair and its assignee may edit, reassign and delete it.
  {
    name: 'action item edit page',
    method: 'GET',
    path: (i) => `/forums/demo/action-items/${i.actionItem}`,
    expect: { ...assigneeAndChair(200) },
  },
  {
    name: 'edit an action item (invalid)',
    method: 'POST',
    path: (i) => `/forums/demo/action-items/${i.actionItem}`,
    form: { intent: 'edit', text: '', assigneeId: '1', dueDate: '' },
    expect: { ...assigneeAndChair(400) },
  },
  {
    name: 'delete an action item (with an extra field)',
    method: 'POST',
    path: (i) => `/forums/demo/action-items/${i.actionItem}`,
    form: { intent: 'delete', assigneeId: '1' },
    expect: { ...assigneeAndChair(400) },
  },
  // Issue #14: admin → forums, forum settings (general & schedule), projects.
  { name: 'admin: forums', method: 'GET', path: () => '/admin/forums', expect: admins(200) },
  {
    name: 'admin: create a forum (invalid)',
    method: 'POST',
    path: () => '/admin/forums',
    form: { intent: 'create', name: '', slug: 'Bad Slug' },
    expect: admins(400),
  },
  { name: 'forum settings', method: 'GET', path: () => '/forums/demo/settings', expect: leaders(200) },
  {
    name: 'forum settings: save (invalid)',
    method: 'POST',
    path: () => '/forums/demo/settings?index',
    form: { intent: 'general', name: '', slug: '' },
    expect: chairOnly(400),
  },
  {
    name: 'forum settings: schedule preview (invalid)',
    method: 'POST',
    path: () => '/forums/demo/settings?index',
    form: { intent: 'preview', cadence: 'hourly' },
    expect: chairOnly(400),
  },
  {
    name: 'forum settings: unknown intent',
    method: 'POST',
    path: () => '/forums/demo/settings?index',
    form: { intent: 'delete-everything' },
    expect: chairOnly(400),
  },
  { name: 'new project page', method: 'GET', path: () => '/forums/demo/projects/new', expect: chairOnly(200) },
  {
    name: 'create a project (invalid)',
    method: 'POST',
    path: () => '/forums/demo/projects/new',
    form: { name: '', ownerId: 'x' },
    expect: chairOnly(400),
  },
  {
    name: 'create a project with an extra field (mass assignment)',
    method: 'POST',
    path: () => '/forums/demo/projects/new',
    form: { name: 'Sneaky', ownerId: '1', oversight_level: 'trusted' },
    expect: chairOnly(400),
  },
  {
    name: 'project edit page',
    method: 'GET',
    path: (i) => `/forums/demo/projects/${i.project}/edit`,
    expect: chairOnly(200),
  },
  {
    name: 'edit a project (invalid)',
    method: 'POST',
    path: (i) => `/forums/demo/projects/${i.project}/edit`,
    form: { intent: 'edit', name: '' },
    expect: chairOnly(400),
  },
  {
    name: 'another forum’s project edit page (IDOR)',
    method: 'GET',
    path: (i) => `/forums/demo/projects/${i.platformProject}/edit`,
    expect: { ...chairOnly(404), leader: 403, owner: 403, otherOwner: 403, observer: 403 },
  },
  // Issue #15: Settings → Oversight policy. Every member reads it (and so reaches the settings layout), the chair
  // saves; the other settings tabs keep their guards (the rows above). The outsider observes the platform forum.
  {
    name: 'oversight policy settings',
    method: 'GET',
    path: () => '/forums/demo/settings/policy',
    expect: members(200),
  },
  {
    name: 'save the oversight policy (invalid: no reason, no values)',
    method: 'POST',
    path: () => '/forums/demo/settings/policy',
    form: { intent: 'save', baseVersion: '1', reason: '' },
    expect: chairOnly(400),
  },
  {
    name: 'oversight policy: unknown intent',
    method: 'POST',
    path: () => '/forums/demo/settings/policy',
    form: { intent: 'delete-everything' },
    expect: chairOnly(400),
  },
  {
    name: 'save the oversight policy with an extra field (mass assignment)',
    method: 'POST',
    path: () => '/forums/demo/settings/policy',
    form: { intent: 'save', baseVersion: '1', reason: 'ok', policy_version: '99' },
    expect: chairOnly(400),
  },
  {
    name: 'the platform forum’s oversight policy settings',
    method: 'GET',
    path: () => '/forums/platform/settings/policy',
    expect: { chair: 200, leader: 200, owner: 404, otherOwner: 404, observer: 404, nonMember: 200, anonymous: 302 },
  },
  // Issue #16: the outbox (admins only) and "forgot password" (anyone: it only sends to the address's own inbox).
  { name: 'admin: outbox', method: 'GET', path: () => '/admin/outbox', expect: admins(200) },
  {
    name: 'admin: outbox (bad filter)',
    method: 'GET',
    path: () => '/admin/outbox?state=everything&page=-3',
    expect: admins(200),
  },
  { name: 'forgot password page', method: 'GET', path: () => '/forgot-password', expect: everyone(200) },
  {
    name: 'forgot password (invalid)',
    method: 'POST',
    path: () => '/forgot-password',
    form: { email: 'not an email' },
    expect: everyone(400),
  },
  // The unsubscribe link is the credential (signed for one user and kind); a forged one is a 404 for everyone.
  {
    name: 'unsubscribe link (forged)',
    method: 'GET',
    path: () => `/unsubscribe/1.agenda.${'A'.repeat(43)}`,
    expect: everyone(404),
  },
  {
    name: 'use an unsubscribe link (forged)',
    method: 'POST',
    path: () => `/unsubscribe/1.digest.${'A'.repeat(43)}`,
    form: {},
    expect: everyone(404),
  },
  {
    name: 'my account: email choices (invalid)',
    method: 'POST',
    path: () => '/account',
    form: { intent: 'email-preferences', agenda: 'yes' },
    expect: { ...members(400), nonMember: 400 },
  },
  {
    name: 'skip a meeting (no reason)',
    method: 'POST',
    path: (i) => `/forums/demo/meetings/${i.meeting}`,
    form: { intent: 'skip', reason: ' ' },
    expect: chairOnly(400),
  },
  {
    name: 'move a meeting (invalid date)',
    method: 'POST',
    path: (i) => `/forums/demo/meetings/${i.meeting}`,
    form: { intent: 'move', date: 'soon', time: '10:00' },
    expect: chairOnly(400),
  },
  {
    name: 'skip a meeting with an extra field (mass assignment)',
    method: 'POST',
    path: (i) => `/forums/demo/meetings/${i.meeting}`,
    form: { intent: 'skip', reason: 'x', state: 'closed' },
    expect: chairOnly(400),
  },
  {
    name: 'record attendance (invalid)',
    method: 'POST',
    path: (i) => `/forums/demo/meetings/${i.meeting}`,
    form: { intent: 'attendance', attendees: 'everyone' },
    expect: chairOnly(400),
  },
  {
    name: 'calendar link form (extra field)',
    method: 'POST',
    path: () => '/account',
    form: { intent: 'calendar-issue', user_id: '1' },
    expect: { ...members(400), nonMember: 400 },
  },
  {
    name: 'personal calendar feed (unknown secret)',
    method: 'GET',
    path: () => `/calendar/${'A'.repeat(43)}.ics`,
    expect: everyone(404),
  },
  {
    name: 'save meeting notes (too long)',
    method: 'POST',
    path: (i) => `/forums/demo/meetings/${i.meeting}`,
    form: { intent: 'notes', notes: 'x'.repeat(50_001) },
    expect: chairOnly(400),
  },
  // The chair's what-if preview of typed values (read-only, but it is the chair's form): the default values, then none.
  {
    name: 'policy preview',
    method: 'POST',
    path: () => '/forums/demo/settings/policy',
    form: {
      intent: 'preview',
      baseVersion: '1',
      reason: '',
      ...Object.fromEntries(Object.entries(DEFAULT_POLICY).map(([k, v]) => [k, String(v)])),
    },
    expect: chairOnly(200),
  },
  {
    name: 'policy preview (invalid: no values)',
    method: 'POST',
    path: () => '/forums/demo/settings/policy',
    form: { intent: 'preview' },
    expect: chairOnly(400),
  },
];

const contexts = new Map<Role, APIRequestContext>();
let ids: Ids;

test.beforeAll(async ({ baseURL }) => {
  for (const [role, email] of Object.entries(ROLES) as [Role, string | null][]) {
    const ctx = await playwrightRequest.newContext({ baseURL, maxRedirects: 0 });
    if (email) {
      const r = await ctx.post('/login', { form: { email, password: DEMO_PASSWORD } });
      expect(r.status(), `sign-in of ${email}`).toBe(303);
    }
    contexts.set(role, ctx);
  }
  const chair = contexts.get('chair')!;
  const demo = await (await chair.get('/forums/demo')).text();
  const platform = await (await chair.get('/forums/platform')).text();
  const meetings = await (await chair.get('/forums/demo/meetings')).text();
  const assigneeHome = await (await contexts.get('otherOwner')!.get('/')).text();
  ids = {
    project: Number(/\/forums\/demo\/projects\/(\d+)"[^>]*>Checkout redesign</.exec(demo)?.[1]),
    platformProject: Number(/\/forums\/platform\/projects\/(\d+)"/.exec(platform)?.[1]),
    meeting: Number(/\/forums\/demo\/meetings\/(\d+)"/.exec(meetings)?.[1]),
    actionItem: Number(/\/forums\/demo\/action-items\/(\d+)/.exec(assigneeHome)?.[1]),
  };
  expect(ids.actionItem).toBeGreaterThan(0);
  expect(ids.meeting).toBeGreaterThan(0);
  expect(ids.project).toBeGreaterThan(0);
  expect(ids.platformProject).toBeGreaterThan(0);
});

test.afterAll(async () => {
  for (const ctx of contexts.values()) await ctx.dispose();
});

for (const row of MATRIX) {
  test(`authorization: ${row.method} ${row.name}`, async () => {
    const got: Partial<Expect> = {};
    for (const role of Object.keys(ROLES) as Role[]) {
      const ctx = contexts.get(role)!;
      const path = row.path(ids);
      const response = row.method === 'GET' ? await ctx.get(path) : await ctx.post(path, { form: row.form ?? {} });
      got[role] = response.status();
      if (response.status() >= 500) throw new Error(`${row.method} ${path} as ${role}: ${response.status()}`);
    }
    expect(got).toEqual(row.expect);
  });
}
