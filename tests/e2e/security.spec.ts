import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request as playwrightRequest } from '@playwright/test';
import { DEMO_PASSWORD, expect, signIn, test } from './fixtures';

test('pages carry a nonce-based CSP and the other security headers', async ({ request }) => {
  const response = await request.get('/login');
  const headers = response.headers();
  const csp = headers['content-security-policy'];
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
  expect(headers['cache-control']).toBe('no-store');
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  const html = await response.text();
  expect(html).toContain(`nonce="${nonce}"`);
  // The same page again (its render is reused: entry.server.tsx): its own nonce on every script, not the first's.
  const again = await request.get('/login');
  const second = again.headers()['content-security-policy'];
  expect(second).not.toBe(csp);
  const secondNonce = /'nonce-([^']+)'/.exec(second)![1];
  const secondHtml = await again.text();
  expect(secondHtml).not.toContain(nonce);
  const scripts = secondHtml.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${secondNonce}"`);
});

test('cross-site form posts are refused with 403, same-site ones are not', async ({ request, baseURL }) => {
  const form = { email: 'chair@demo.test', password: 'wrong-password' };
  const cross = await request.post('/login', {
    form,
    headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    maxRedirects: 0,
  });
  expect(cross.status()).toBe(403);
  const crossOriginOnly = await request.post('/logout', {
    headers: { Origin: 'https://evil.example' },
    maxRedirects: 0,
  });
  expect(crossOriginOnly.status()).toBe(403);
  const same = await request.post('/login', {
    form,
    headers: { Origin: baseURL!, 'Sec-Fetch-Site': 'same-origin' },
    maxRedirects: 0,
  });
  expect(same.status()).toBe(400);
});

test('a body over 1 MB is refused with 413 and no stack trace leaks from bad requests', async ({ request }) => {
  const big = await request.post('/login', {
    data: 'x'.repeat(1024 * 1024 + 10),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect(big.status()).toBe(413);
  const weird = await request.post('/login', {
    data: '%E0%A4%A=\u0000&email=\u0000',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect(weird.status()).toBeLessThan(500);
  expect(await weird.text()).not.toMatch(/at .*\.(js|ts):\d+/);
});

test('metrics need the bearer token, and label requests by route pattern, never by URL', async ({ request }) => {
  const token = 'e2e-metrics-token-0123456789'; // playwright.config.ts sets METRICS_TOKEN
  expect((await request.get('/forums/demo', { maxRedirects: 0 })).status()).toBe(302);
  const none = await request.get('/metrics');
  expect(none.status()).toBe(401);
  expect((await request.get('/metrics', { headers: { Authorization: 'Bearer not-the-token-at-all' } })).status()).toBe(
    401,
  );
  const res = await request.get('/metrics', { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  const text = await res.text();
  expect(text).toMatch(
    /http_request_duration_seconds_count\{method="GET",route="\/forums\/:slug",status_code="302"\} [1-9]/,
  );
  expect(text).not.toContain('route="/forums/demo"');
  expect(text).toMatch(/db_query_duration_seconds_count\{database="pglite"\} [1-9]/);
  expect(text).toMatch(/process_resident_memory_bytes \d/);
});

test('health and readiness endpoints answer', async ({ request }) => {
  expect((await request.get('/healthz')).status()).toBe(200);
  const ready = await request.get('/readyz');
  expect(ready.status()).toBe(200);
  expect(await ready.text()).toContain('ready');
});

// ---- Issue #22 and #18: hostile input, redirects, stack traces, proxies ----

const STACK = /at [\w.<>]+ \(?\/?[\w/.-]+\.(ts|tsx|js|mjs):\d+/;
const HOSTILE_REDIRECTS = [
  '/\t/evil.example/',
  '/\t\\evil.example/',
  '//evil.example/',
  '/\\evil.example/',
  '/.//evil.example/',
  'https://evil.example/',
  '/x\r\nSet-Cookie: a=b',
];

/** A raw HTTP request: headers exactly as given (Host and Content-Type included), nothing added. */
function raw(
  baseURL: string,
  {
    method = 'GET',
    path = '/',
    headers = {},
    body,
  }: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
) {
  const url = new URL(baseURL);
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const length: Record<string, string> =
      body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { Host: url.host, ...length, ...headers },
        setHost: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function signedInContext(baseURL: string, email: string) {
  const ctx = await playwrightRequest.newContext({ baseURL, maxRedirects: 0 });
  expect((await ctx.post('/login', { form: { email, password: DEMO_PASSWORD } })).status()).toBe(303);
  const cookie = (await ctx.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return { ctx, cookie };
}

test('redirect targets from input never leave the site, whatever they hide (issue #22)', async ({ baseURL, page }) => {
  const { ctx } = await signedInContext(baseURL!, 'chair@demo.test');
  for (const target of HOSTILE_REDIRECTS) {
    const response = await ctx.get(`/login?${new URLSearchParams({ redirectTo: target })}`);
    expect(response.status(), JSON.stringify(target)).toBe(302);
    expect(response.headers().location, JSON.stringify(target)).toBe('/');
  }
  expect((await ctx.get('/login?redirectTo=%2Fforums%2Fdemo%3Fpage%3D2')).headers().location).toBe(
    '/forums/demo?page=2',
  );
  // The action item "done" POST: the chair may mark any item of the forum (a done one stays done).
  let answered = 0;
  for (let id = 1; id < 400 && answered === 0; id++) {
    const response = await ctx.post(`/forums/demo/action-items/${id}`, {
      form: { intent: 'done', redirectTo: HOSTILE_REDIRECTS[0] },
    });
    if (response.status() === 404) continue;
    expect(response.status()).toBe(303);
    expect(response.headers().location).toBe('/');
    for (const target of HOSTILE_REDIRECTS.slice(1)) {
      const again = await ctx.post(`/forums/demo/action-items/${id}`, { form: { intent: 'done', redirectTo: target } });
      expect(again.headers().location, JSON.stringify(target)).toBe('/');
    }
    answered = id;
  }
  expect(answered).toBeGreaterThan(0);
  await ctx.dispose();
  // What the browser does with it: it stays here.
  await page.context().route(/evil\.example/, (route) => route.fulfill({ body: 'evil' }));
  await signIn(page, 'chair@demo.test');
  await page.goto('/login?redirectTo=/%09/evil.example/');
  expect(new URL(page.url()).host).toBe(new URL(baseURL!).host);
});

test('hostile requests answer 4xx with no stack trace (issue #22)', async ({ baseURL }) => {
  const base = baseURL!;
  const { ctx, cookie } = await signedInContext(base, 'owner1@demo.test');
  const demo = await (await ctx.get('/forums/demo')).text();
  const projectId = Number(/\/forums\/demo\/projects\/(\d+)"[^>]*>Checkout redesign</.exec(demo)?.[1]);
  const meetings = await (await ctx.get('/forums/demo/meetings')).text();
  const meetingPath = /\/forums\/demo\/meetings\/\d+/.exec(meetings)![0];
  // A POST with no Content-Type, or an empty one: an empty body is an empty form (400), a body without a type is refused.
  for (const path of ['/login', '/account', meetingPath, `/forums/demo/projects/${projectId}/goals`]) {
    for (const headers of [{}, { 'Content-Type': '' }] as Record<string, string>[]) {
      const session: Record<string, string> = path === '/login' ? {} : { Cookie: cookie }; // signed in, /login redirects
      const empty = await raw(base, {
        method: 'POST',
        path,
        headers: { ...session, 'Content-Length': '0', ...headers },
      });
      expect(empty.status, `${path} ${JSON.stringify(headers)}`).toBeGreaterThanOrEqual(400);
      expect(empty.status, `${path} ${JSON.stringify(headers)}`).toBeLessThan(500);
      expect(empty.text).not.toMatch(STACK);
      const body = await raw(base, { method: 'POST', path, headers: { ...session, ...headers }, body: 'intent=x' });
      expect(body.status, `${path} body ${JSON.stringify(headers)}`).toBe(415);
    }
  }
  // Dates need a sane year: PostgreSQL refuses year 0.
  const goal = await ctx.post(`/forums/demo/projects/${projectId}/goals`, {
    form: { title: 'Year zero', kind: 'milestone', dueDate: '0000-01-01' },
  });
  expect(goal.status()).toBe(400);
  expect(await goal.text()).toContain('Enter a date between 1900 and 2999');
  const chair = await signedInContext(base, 'chair@demo.test');
  const item = await chair.ctx.post(`${meetingPath}?_data=${encodeURIComponent('routes/forums.$slug.meetings.$id')}`, {
    form: {
      intent: 'action-item',
      projectId: String(projectId),
      text: 'Year zero',
      assigneeId: '1',
      dueDate: '0000-01-01',
    },
  });
  expect(item.status()).toBe(400);
  expect(await item.text()).toContain('Enter a date between 1900 and 2999');
  await chair.ctx.dispose();
  // CR/LF in redirectTo.
  const crlf = await ctx.get('/login?redirectTo=/x%0d%0aSet-Cookie:%20a=b');
  expect(crlf.status()).toBe(302);
  expect(crlf.headers()['set-cookie']).toBeUndefined();
  // A malformed Host, even on /healthz; a forged X-Forwarded-Host is ignored (no proxy is trusted here).
  for (const host of ['a b', 'x:99999', 'a@b', '']) {
    for (const path of ['/healthz', '/login']) {
      const response = await raw(base, { path, headers: { Host: host } });
      expect(response.status, `Host ${JSON.stringify(host)} ${path}`).toBe(400);
      expect(response.text).not.toMatch(STACK);
    }
  }
  expect((await raw(base, { path: '/healthz', headers: { 'X-Forwarded-Host': 'x:99999' } })).status).toBe(200);
  // A path Express cannot decode: 400, the request id instead of a stack.
  const undecodable = await raw(base, { path: '/forums/%ZZ', headers: { Cookie: cookie } });
  expect(undecodable.status).toBe(400);
  expect(undecodable.text).not.toMatch(STACK);
  expect(undecodable.text).toContain(`request ${String(undecodable.headers['x-request-id'])}`);
  await ctx.dispose();
});

test('error pages and 400s echo back a bounded amount (issue #22)', async ({ baseURL, request }) => {
  const { ctx } = await signedInContext(baseURL!, 'chair@demo.test');
  const meetings = await (await ctx.get('/forums/demo/meetings')).text();
  const meetingPath = /\/forums\/demo\/meetings\/\d+/.exec(meetings)![0];
  const plain = await ctx.get(meetingPath);
  expect(plain.status()).toBe(200);
  // Unknown query parameters are dropped (a redirect to the clean address), not echoed into every form.
  const junk = await ctx.get(`${meetingPath}?junk=${'x'.repeat(16_000)}`);
  expect(junk.status()).toBe(302);
  expect(junk.headers().location).toBe(meetingPath);
  expect((await ctx.get(`/forums/demo?q=x&junk=${'y'.repeat(5000)}`)).headers().location).toBe('/forums/demo?q=x');
  // 50,000 unknown fields: the answer names a few.
  const fields = Array.from({ length: 50_000 }, (_, i) => `f${i}=v`).join('&');
  const many = await request.post('/login', {
    data: `email=a%40b.test&password=x&${fields}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect(many.status()).toBe(400);
  const body = await many.text();
  expect(body).toContain('and 49995 more');
  // Bounded: the page without its inlined stylesheet (the same on every page, decision 024) stays small.
  const withoutStylesheet = body.replace(/<style[^>]*>[\s\S]*?<\/style>/g, '');
  expect(withoutStylesheet.length).toBeLessThan(20_000);
  await ctx.dispose();
});

test('the calendar feed links to APP_URL, never to the Host header (issue #22)', async ({ baseURL }) => {
  const { cookie } = await signedInContext(baseURL!, 'chair@demo.test');
  const feed = await raw(baseURL!, {
    path: '/forums/demo/meetings.ics',
    headers: { Cookie: cookie, Host: 'evil.example' },
  });
  expect(feed.status).toBe(200);
  expect(feed.text).not.toContain('evil.example');
  expect(feed.text).toMatch(new RegExp(`\\nURL(;VALUE=URI)?:${baseURL}/forums/demo/meetings/`));
});

test('too many failed sign-ins from a form without JavaScript answer 429 with Retry-After (issue #18)', async ({
  browser,
  baseURL,
  request,
}) => {
  const email = 'nojs-throttle@demo.test';
  for (let i = 0; i < 10; i++)
    expect((await request.post('/login', { form: { email, password: `wrong ${i}` } })).status()).toBe(400);
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('still wrong');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  expect(response.status()).toBe(429);
  expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0);
  await expect(page.getByText('Too many failed sign-in attempts')).toBeVisible();
  await context.close();
});

test('forged forwarding headers are ignored while no proxy is trusted (issue #18)', async ({ baseURL }) => {
  const ctx = await playwrightRequest.newContext({
    baseURL,
    maxRedirects: 0,
    extraHTTPHeaders: {
      'X-Forwarded-For': '203.0.113.77',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'evil.example',
    },
  });
  const login = await ctx.post('/login', { form: { email: 'observer@demo.test', password: DEMO_PASSWORD } });
  expect(login.status()).toBe(303);
  expect(login.headers()['set-cookie']).not.toMatch(/Secure/i);
  expect(login.headers()['strict-transport-security']).toBeUndefined();
  const account = await (await ctx.get('/account')).text();
  expect(account).not.toContain('203.0.113.77');
  expect(account).toMatch(/127\.0\.0\.1|::1/);
  await ctx.post('/logout');
  await ctx.dispose();
});

test('/bench/baseline is not served unless the benchmark asks for it (issue #18)', async ({ request }) => {
  expect((await request.get('/bench/baseline')).status()).toBe(404);
});

test.describe('a second server: behind a trusted proxy, NODE_ENV unset as `npm start` runs it (issue #18, #22)', () => {
  let server: ChildProcess | undefined;
  let base = '';
  let log = '';

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'inspection-forum-proxy-')),
      TRUST_PROXY: '1',
      SEED_DEMO: 'true',
    };
    Reflect.deleteProperty(env, 'NODE_ENV');
    server = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    base = `http://localhost:${port}`;
    await expect
      .poll(async () => (await raw(base, { path: '/healthz' }).catch(() => ({ status: 0 }))).status, {
        timeout: 230_000,
        intervals: [500],
      })
      .toBe(200);
  });

  test.afterAll(async () => {
    server?.kill('SIGTERM');
    await new Promise((resolve) => server?.once('exit', resolve));
  });

  test('the proxy’s X-Forwarded-For and X-Forwarded-Proto count: client address, Secure cookie, HSTS', async () => {
    const forwarded = { 'X-Forwarded-For': '203.0.113.77', 'X-Forwarded-Proto': 'https' };
    const login = await raw(base, {
      method: 'POST',
      path: '/login',
      headers: { ...forwarded, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `email=observer%40demo.test&password=${DEMO_PASSWORD}`,
    });
    expect(login.status).toBe(303);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/;\s*Secure/i);
    expect(login.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const account = await raw(base, { path: '/account', headers: { ...forwarded, Cookie: setCookie.split(';')[0] } });
    expect(account.status).toBe(200);
    expect(account.text).toContain('203.0.113.77');
    // A forwarded host the URL cannot be built from is refused like a bad Host.
    expect((await raw(base, { path: '/healthz', headers: { 'X-Forwarded-Host': 'x:99999' } })).status).toBe(400);
  });

  test('with NODE_ENV unset no stack trace reaches the client; the log keeps it with the request id', async () => {
    const undecodable = await raw(base, { path: '/forums/%ZZ' });
    expect(undecodable.status).toBe(400);
    expect(undecodable.text).not.toMatch(STACK);
    const requestId = String(undecodable.headers['x-request-id']);
    expect(undecodable.text).toContain(requestId);
    await expect.poll(() => log).toContain(requestId);
    for (const host of ['a b', 'x:99999', 'a@b']) {
      const bad = await raw(base, { path: '/healthz', headers: { Host: host } });
      expect(bad.status, host).toBe(400);
      expect(bad.text).not.toMatch(STACK);
    }
  });
});
