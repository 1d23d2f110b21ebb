import fs from 'node:fs';
import path from 'node:path';
import { expect, signIn, test } from './fixtures';

// Weight (issue #20): responses are compressed, and the browser never downloads zod (decision 020).

test('pages, data and scripts are sent compressed; the probes are not', async ({ request }) => {
  const login = await request.get('/login', { headers: { 'Accept-Encoding': 'br, gzip' } });
  expect(login.status()).toBe(200);
  expect(login.headers()['content-encoding']).toBe('br');
  // The CSP nonce still reaches the page's scripts.
  const nonce = /'nonce-([^']+)'/.exec(login.headers()['content-security-policy'] ?? '')?.[1];
  expect(nonce).toBeTruthy();
  expect(await login.text()).toContain(`nonce="${nonce}"`);
  const gzip = await request.get('/login', { headers: { 'Accept-Encoding': 'gzip' } });
  expect(gzip.headers()['content-encoding']).toBe('gzip');
  // The page's scripts: each over 1 KB goes compressed (smaller ones are not worth it).
  const scripts = [...(await login.text()).matchAll(/"(\/build\/[^"]+\.js)"/g)].map((m) => m[1]);
  expect(scripts.length).toBeGreaterThan(2);
  for (const script of scripts) {
    const response = await request.get(script, { headers: { 'Accept-Encoding': 'br, gzip' } });
    if ((await response.body()).length > 1024) expect(response.headers()['content-encoding'], script).toBe('br');
  }
  const health = await request.get('/healthz', { headers: { 'Accept-Encoding': 'br, gzip' } });
  expect(health.status()).toBe(200);
  expect(health.headers()['content-encoding']).toBeUndefined();
});

/** A string in every build of zod's core (the full build and zod/mini alike). */
const ZOD_MARKER = '$ZodType';
/** A string of the full ("classic") build only. */
const FULL_ZOD_MARKER = '"ZodString"';

test('the client build holds no full zod, and the dashboard and a project page load no zod at all', async ({
  page,
}) => {
  const dir = path.resolve(
    process.env.IF_BUILD_DIR ? path.join('.cache/builds', path.basename(process.env.IF_BUILD_DIR)) : '.',
    'public/build',
  );
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  expect(files.length).toBeGreaterThan(5);
  const withFullZod = files.filter((f) => fs.readFileSync(path.join(dir, f), 'utf8').includes(FULL_ZOD_MARKER));
  expect(withFullZod).toEqual([]);

  const scripts: { url: string; body: string }[] = [];
  page.on('response', async (response) => {
    if (response.url().endsWith('.js')) scripts.push({ url: response.url(), body: await response.text() });
  });
  await signIn(page, 'owner1@demo.test');
  await page.goto('/forums/demo');
  await page
    .getByRole('table', { name: 'Projects in Demo Leadership Review', exact: true })
    .getByRole('link', { name: 'Checkout redesign' })
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Checkout redesign');
  await expect.poll(() => scripts.length).toBeGreaterThan(5);
  expect(scripts.filter((s) => s.body.includes(ZOD_MARKER)).map((s) => s.url)).toEqual([]);
});

// The files at public/'s top are served by name with an hour of caching (server.ts: a page request stats no file).
test('the public files are served and cached for an hour; other paths are pages, not files', async ({ request }) => {
  const favicon = await request.get('/favicon.ico');
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()['cache-control']).toBe('public, max-age=3600');
  const css = await request.get('/unavailable.css');
  expect(css.status()).toBe(200);
  expect(css.headers()['content-type']).toMatch(/^text\/css/);
  expect((await request.get('/package.json')).status()).toBe(404);
  expect((await request.get('/build/../package.json')).status()).toBe(404);
});
