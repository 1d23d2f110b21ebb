import crypto from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import express from 'express';
import { migrateToLatest, openDatabase, DataDirLockedError } from './db/client';
import { DEMO_LOGINS, DEMO_OUTSIDER, DEMO_PASSWORD, DemoAccountsRefused, databaseIsEmpty, listDemoAccounts, seedDemoIfEmpty } from './db/seed';
import { guardsAgainstDemoAccounts, parseEnv, seedsDemo } from './app/utils/env.server';
import { setDatabase } from './app/utils/db.server';
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER } from './app/utils/http.server';
import { existingSessionCache } from './app/modules/auth/session-cache.server';
import { invalidPolicyWarnings } from './app/modules/forums/forums.server';

const MAX_BODY_BYTES = 1024 * 1024;

function securityHeaders(nonce: string, production: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'self'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
  if (production) headers['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains';
  return headers;
}

/** Non-GET requests must come from this site: browsers say so in Sec-Fetch-Site and Origin. */
export function isCrossSite(req: express.Request): boolean {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return false;
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.get('origin');
  if (origin) {
    if (origin === 'null') return true;
    try {
      return new URL(origin).host !== req.get('host');
    } catch {
      return true;
    }
  }
  return false;
}

async function main() {
  const env = parseEnv();
  const production = env.NODE_ENV === 'production';
  const started = Date.now();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  await migrateToLatest(handle.db);
  const seedDemo = seedsDemo(env);
  const seeded = seedDemo ? await seedDemoIfEmpty(handle.db) : false;
  // A server holding real data never runs with accounts whose password is published in the README.
  if (guardsAgainstDemoAccounts(env)) {
    const demo = await listDemoAccounts(handle.db);
    if (demo.length > 0) {
      await handle.close();
      throw new DemoAccountsRefused(demo);
    }
  }
  const empty = await databaseIsEmpty(handle.db);
  // A stored policy that fails validation runs on the defaults: say so, never silently (issue #18).
  for (const line of await invalidPolicyWarnings(handle.db)) console.warn(line);
  setDatabase(handle);

  // The same rule as remix.config.js.
  const buildDir = path.resolve(process.env.IF_BUILD_DIR ? path.join('.cache/builds', path.basename(process.env.IF_BUILD_DIR)) : '.');
  const buildPath = path.join(buildDir, 'build/index.js');
  // React picks its build from NODE_ENV when first loaded: always its production build on the server (the
  // development build validates every element and is several times slower). NODE_ENV keeps its meaning for
  // the app's own settings (Secure cookies, HSTS).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  await import('react');
  await import('react-dom/server');
  process.env.NODE_ENV = nodeEnv;
  if (nodeEnv === undefined) Reflect.deleteProperty(process.env, 'NODE_ENV');

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((req, res, next) => {
    // The client address comes from the socket only; a header sent by the client is overwritten.
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? 'unknown';
    const nonce = crypto.randomBytes(16).toString('base64');
    res.locals.cspNonce = nonce;
    // One id per request, set here whatever the client sent: the loaders of one page share their session read.
    req.headers[REQUEST_ID_HEADER] = nonce;
    // A write has committed (or failed) once answered: the writer's next page reads fresh (session-cache.server.ts).
    if (req.method !== 'GET' && req.method !== 'HEAD') res.on('close', () => existingSessionCache()?.finishWrite(nonce));
    res.set(securityHeaders(nonce, production));
    if (isCrossSite(req)) {
      res.status(403).type('text/plain').send('Cross-site request refused\n');
      return;
    }
    // NUL bytes cannot be stored in PostgreSQL text and have no business in a URL.
    if (/%00/i.test(req.url) || req.url.includes(String.fromCharCode(0))) {
      res.status(400).type('text/plain').send('The address contains a NUL character\n');
      return;
    }
    // Every form is URL-encoded (no uploads): anything else is refused before a route tries to parse it.
    const type = (req.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && type && type !== 'application/x-www-form-urlencoded') {
      res.status(415).type('text/plain').send('Forms must be sent as application/x-www-form-urlencoded\n');
      return;
    }
    // Bodies are capped at 1 MB; a streamed body of unknown length is refused rather than read unbounded.
    const length = Number(req.get('content-length') ?? 0);
    if (length > MAX_BODY_BYTES) {
      res.status(413).type('text/plain').send('Request body too large (limit 1 MB)\n');
      return;
    }
    if (req.get('transfer-encoding') && !req.get('content-length')) {
      res.status(411).type('text/plain').send('A Content-Length is required\n');
      return;
    }
    next();
  });
  app.use('/build', express.static(path.join(buildDir, 'public/build'), { immutable: true, maxAge: '1y' }));
  app.use(express.static('public', { maxAge: '1h' }));
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.all(
    '*',
    createRequestHandler({
      build,
      mode: env.NODE_ENV === 'development' ? 'development' : 'production',
      getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce as string }),
    }),
  );

  const server = app.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    const url = `http://localhost:${port}`;
    console.log(`Inspection Forum is running at ${url} (${handle.kind === 'pglite' ? `embedded database in ${path.resolve(env.DATA_DIR)}` : 'PostgreSQL server'}, ready in ${Date.now() - started} ms)`);
    if (empty) {
      console.log('There are no users yet, and nobody can sign up: create the first admin with');
      console.log(`  npm run admin -- create --email you@example.com --name "Your Name"`);
    }
    if (seeded || seedDemo) {
      console.log(`Demo forum: ${url}/forums/demo — sign in with any of these (password "${DEMO_PASSWORD}"):`);
      for (const login of DEMO_LOGINS) console.log(`  ${login.email.padEnd(22)} ${login.role}`);
      console.log(`  ${DEMO_OUTSIDER.email.padEnd(22)} not a member of the demo forum`);
    }
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: closing`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(async () => {
      await handle.close();
      process.exit(0);
    });
    server.closeAllConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof DataDirLockedError || err instanceof DemoAccountsRefused || (err instanceof Error && err.message.startsWith('Invalid environment'))) {
    console.error(err.message);
  } else {
    console.error('Inspection Forum failed to start:', err);
  }
  process.exit(1);
});
