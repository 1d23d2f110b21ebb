import { expect, test } from './fixtures';

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
  const cross = await request.post('/login', { form, headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }, maxRedirects: 0 });
  expect(cross.status()).toBe(403);
  const crossOriginOnly = await request.post('/logout', { headers: { Origin: 'https://evil.example' }, maxRedirects: 0 });
  expect(crossOriginOnly.status()).toBe(403);
  const same = await request.post('/login', { form, headers: { Origin: baseURL!, 'Sec-Fetch-Site': 'same-origin' }, maxRedirects: 0 });
  expect(same.status()).toBe(400);
});

test('a body over 1 MB is refused with 413 and no stack trace leaks from bad requests', async ({ request }) => {
  const big = await request.post('/login', { data: 'x'.repeat(1024 * 1024 + 10), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  expect(big.status()).toBe(413);
  const weird = await request.post('/login', { data: '%E0%A4%A=\u0000&email=\u0000', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  expect(weird.status()).toBeLessThan(500);
  expect(await weird.text()).not.toMatch(/at .*\.(js|ts):\d+/);
});

test('metrics need the bearer token, and label requests by route pattern, never by URL', async ({ request }) => {
  const token = 'e2e-metrics-token-0123456789'; // playwright.config.ts sets METRICS_TOKEN
  expect((await request.get('/forums/demo', { maxRedirects: 0 })).status()).toBe(302);
  const none = await request.get('/metrics');
  expect(none.status()).toBe(401);
  expect((await request.get('/metrics', { headers: { Authorization: 'Bearer not-the-token-at-all' } })).status()).toBe(401);
  const res = await request.get('/metrics', { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  const text = await res.text();
  expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/forums\/:slug",status_code="302"\} [1-9]/);
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
