import http from 'node:http';
import fc from 'fast-check';
import { request as playwrightRequest, type APIRequestContext, type APIResponse } from '@playwright/test';
import { DEMO_PASSWORD, expect, signIn, test } from './fixtures';

// Property-based fuzzing of query parameters and form actions with random and hostile strings: the answer is
// never a 5xx and never shows a stack trace.
const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE projects; --",
    '%00',
    '%E0%A4%A',
    '\uD800',
    '../../etc/passwd',
    '9'.repeat(400),
    '-1',
    '1e309',
    'NaN',
    '{"a":1}',
    '=cmd|calc',
    'x'.repeat(20_000),
  ),
);
const STACK = /at [\w.<>]+ \(?\/?[\w/.-]+\.(ts|tsx|js):\d+/;

let chair: APIRequestContext;
let owner: APIRequestContext;
let projectId: number;

test.beforeAll(async ({ baseURL }) => {
  chair = await playwrightRequest.newContext({ baseURL, maxRedirects: 0 });
  owner = await playwrightRequest.newContext({ baseURL, maxRedirects: 0 });
  expect((await chair.post('/login', { form: { email: 'chair@demo.test', password: DEMO_PASSWORD } })).status()).toBe(
    303,
  );
  expect((await owner.post('/login', { form: { email: 'owner1@demo.test', password: DEMO_PASSWORD } })).status()).toBe(
    303,
  );
  const demo = await (await chair.get('/forums/demo')).text();
  projectId = Number(/\/forums\/demo\/projects\/(\d+)"[^>]*>Checkout redesign</.exec(demo)?.[1]);
});

test.afterAll(async () => {
  await chair.dispose();
  await owner.dispose();
});

async function expectSafe(response: APIResponse, what: string) {
  expect(response.status(), what).toBeLessThan(500);
  expect(await response.text(), what).not.toMatch(STACK);
}

test('query parameters: never a 5xx, never a stack trace', async () => {
  const paths = [
    '/forums/demo',
    '/forums/demo/projects.csv',
    '/forums/demo/oversight',
    `/forums/demo/projects/${projectId}`,
    '/login',
    '/forums/demo/meetings',
    '/admin/users',
    '/forums/demo/settings/members',
    '/forums/demo/settings/policy',
  ];
  const keys = ['q', 'sort', 'dir', 'level', 'health', 'owner', 'due', 'size', 'page', 'redirectTo', 'events'];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...paths),
      fc.dictionary(fc.constantFrom(...keys), hostile, { maxKeys: 4 }),
      async (path, params) => {
        const search = new URLSearchParams(params as Record<string, string>).toString();
        await expectSafe(await chair.get(`${path}?${search}`), `GET ${path}?${search.slice(0, 200)}`);
      },
    ),
    { numRuns: 60 },
  );
});

test('form actions: never a 5xx, never a stack trace', async () => {
  const actions: { ctx: () => APIRequestContext; path: () => string; fields: string[] }[] = [
    { ctx: () => chair, path: () => '/login', fields: ['email', 'password', 'redirectTo'] },
    {
      ctx: () => owner,
      path: () => `/forums/demo/projects/${projectId}/status`,
      fields: ['health', 'summary', 'risks', 'asks', 'version', 'goal.1.value', 'goal.999999.value'],
    },
    {
      ctx: () => owner,
      path: () => `/forums/demo/projects/${projectId}/goals`,
      fields: ['title', 'kind', 'unit', 'baseline', 'target', 'direction', 'dueDate', 'state'],
    },
    { ctx: () => chair, path: () => `/forums/demo/projects/${projectId}`, fields: ['intent', 'level', 'reason'] },
    {
      ctx: () => owner,
      path: () => '/account',
      fields: ['intent', 'session', 'currentPassword', 'newPassword', 'confirmPassword'],
    },
    { ctx: () => chair, path: () => '/admin/users', fields: ['intent', 'email', 'name', 'admin', 'userId'] },
    {
      ctx: () => chair,
      path: () => '/forums/demo/settings/members',
      fields: ['intent', 'email', 'role', 'userId', 'invitationId'],
    },
    // Never a valid save (that needs every parameter), so the demo forum's policy is never changed.
    {
      ctx: () => chair,
      path: () => '/forums/demo/settings/policy',
      fields: ['intent', 'baseVersion', 'reason', 'intervalTight', 'windowLimit', 'hardMissCeiling'],
    },
    { ctx: () => owner, path: () => `/set-password/${'A'.repeat(43)}`, fields: ['password', 'confirmPassword'] },
    {
      ctx: () => owner,
      path: () => '/invitations/not-a-token',
      fields: ['intent', 'name', 'password', 'confirmPassword'],
    },
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...actions),
      fc.array(fc.tuple(fc.string({ maxLength: 12 }), hostile), { maxLength: 3 }),
      fc.dictionary(fc.string(), hostile),
      async (action, extra, _unused) => {
        const form: Record<string, string> = {};
        for (const f of action.fields) if (Math.random() < 0.7) form[f] = fc.sample(hostile, 1)[0];
        for (const [k, v] of extra) form[k] = v;
        if (action.path() === '/login') form.email = `${form.email ?? 'x'}@fuzz.test`; // keep the real accounts unthrottled
        await expectSafe(
          await action.ctx().post(action.path(), { form }),
          `POST ${action.path()} ${JSON.stringify(form).slice(0, 300)}`,
        );
      },
    ),
    { numRuns: 80 },
  );
});

test('malformed bodies: wrong content types, broken encodings, over 1 MB', async () => {
  const path = `/forums/demo/projects/${projectId}/status`;
  await expectSafe(
    await owner.post(path, {
      data: '%E0%A4%A=%%%&&==',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }),
    'broken urlencoding',
  );
  await expectSafe(
    await owner.post(path, { data: '{"health":"on_track"}', headers: { 'Content-Type': 'application/json' } }),
    'json body',
  );
  await expectSafe(
    await owner.post(path, { data: '--x\r\nbroken', headers: { 'Content-Type': 'multipart/form-data; boundary=x' } }),
    'broken multipart',
  );
  const big = await owner.post(path, {
    data: `summary=${'x'.repeat(1024 * 1024)}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect(big.status()).toBe(413);
});

test('stored text is rendered inert', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  await signIn(page, 'owner1@demo.test');
  await page.goto(`/forums/demo/projects/${projectId}/status`);
  const payload = '<script>alert("xss")</script><img src=x onerror=alert(2)> [click](javascript:alert(3))';
  await page.getByLabel('Summary').fill(`Fuzz summary ${payload}`);
  await page.getByLabel('Risks').fill(payload);
  for (const input of await page.locator('input[name$=".value"]').all()) await input.fill('10');
  await page
    .getByRole('button', { name: /save|post|submit/i })
    .first()
    .click();
  await expect(page).toHaveURL(new RegExp(`/forums/demo/projects/${projectId}`));
  await expect(page.getByText('Fuzz summary').first()).toBeVisible();
  const html = await page.content();
  expect(html).not.toContain('<script>alert("xss")</script>');
  expect(html).not.toMatch(/<img[^>]+onerror/);
  expect(html).not.toMatch(/href="javascript:/);
  await page
    .getByText('click')
    .first()
    .click({ trial: true })
    .catch(() => {});
  expect(dialogs).toEqual([]);
});

// Issue #22: redirect targets built from pieces an attacker would use; the answer always stays on this site.
test('redirect targets: whatever they hide, the Location stays on this site', async ({ baseURL }) => {
  const piece = fc.constantFrom(
    '/',
    '\\',
    '\t',
    '\n',
    '\r',
    '.',
    '..',
    ':',
    '@',
    '%09',
    '%5C',
    '%2F',
    'evil.example',
    'http:',
    'javascript:',
    ' ',
    '\u2028',
    '\u0085',
    'forums',
    '?',
    '#',
  );
  const target = fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));
  const origin = new URL(baseURL!).origin;
  await fc.assert(
    fc.asyncProperty(target, async (redirectTo) => {
      const response = await chair.get(`/login?${new URLSearchParams({ redirectTo })}`);
      const what = JSON.stringify(redirectTo);
      expect(response.status(), what).toBe(302);
      const location = response.headers().location;
      // eslint-disable-next-line no-control-regex
      expect(location, what).not.toMatch(/[\u0000-\u001f\u007f]/);
      expect(location, what).toMatch(/^\/(?![/\\])/);
      expect(new URL(location, baseURL).origin, what).toBe(origin);
    }),
    { numRuns: 150 },
  );
});

// Issue #22: a Host header the URL cannot be built from is a 400, never a 5xx or a stack trace.
test('Host headers: never a 5xx, never a stack trace', async ({ baseURL }) => {
  const url = new URL(baseURL!);
  const send = (host: string, path: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path, headers: { Host: host }, setHost: false },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  const host = fc.oneof(
    fc.constantFrom(
      'a b',
      'x:99999',
      'a@b',
      '',
      ':',
      '[::1',
      'localhost:-1',
      'localhost:0x50',
      '%41',
      'a/b',
      'a?b',
      'a#b',
      '..',
      `${'a'.repeat(300)}`,
    ),
    fc.string({ maxLength: 30 }).filter((s) => [...s].every((c) => c >= ' ' && c <= '~')),
  );
  await fc.assert(
    fc.asyncProperty(host, fc.constantFrom('/healthz', '/login', '/forums/demo'), async (h, path) => {
      const response = await send(h, path);
      expect(response.status, `Host ${JSON.stringify(h)} ${path}`).toBeLessThan(500);
      expect(response.text).not.toMatch(STACK);
    }),
    { numRuns: 60 },
  );
});
