import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import { migrateToLatest, openDatabase, DataDirLockedError } from './db/client';
import {
  DEMO_LOGINS,
  DEMO_OUTSIDER,
  DEMO_PASSWORD,
  DemoAccountsRefused,
  databaseIsEmpty,
  listDemoAccounts,
  seedDemoIfEmpty,
} from './db/seed';
import { appUrl, guardsAgainstDemoAccounts, mailFrom, parseEnv, seedsDemo } from './app/utils/env.server';
import { setDatabase } from './app/utils/db.server';
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER } from './app/utils/http.server';
import { existingSessionCache } from './app/modules/auth/session-cache.server';
import { startEmbeddedBackups } from './db/backup';
import { createLogger, requestLogger } from './app/utils/logger.server';
import { createMetrics, metricsEndpoint } from './app/utils/metrics.server';
import { createRequestRouteResolver } from './app/utils/route-pattern.server';
import { planMeetingsForAllForums } from './app/modules/meetings/schedule.server';
import { invalidPolicyWarnings } from './app/modules/forums/forums.server';
import { Dispatcher, smtpTransport } from './app/modules/mail/dispatcher.server';
import { mailTasks } from './app/modules/mail/scheduled.server';

const MAX_BODY_BYTES = 1024 * 1024;
const PLAN_EVERY_MS = 3_600_000;

function securityHeaders(nonce: string, production: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      // The stylesheet is inlined in pages under the nonce (decision 024); style attributes stay refused.
      `style-src 'self' 'nonce-${nonce}'`,
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
export function isCrossSite(req: express.Request, ownHosts: string[]): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.get('origin');
  if (origin) {
    if (origin === 'null') return true;
    try {
      return !ownHosts.includes(new URL(origin).host);
    } catch {
      return true;
    }
  }
  return false;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Small answers read by probes and scrapers: never compressed. */
const UNCOMPRESSED = new Set(['/healthz', '/readyz', '/metrics']);
const HOST_SYNTAX = /^(?:\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/i;

/** A Host (or trusted X-Forwarded-Host) a URL can be built from: a name or address and a port up to 65535. */
export function isValidHost(host: string | undefined): host is string {
  if (!host || host.length > 255) return false;
  const match = HOST_SYNTAX.exec(host);
  if (!match || (match[1] !== undefined && Number(match[1]) > 65535)) return false;
  return URL.canParse(`http://${host}/`);
}

function plain(res: express.Response, status: number, message: string) {
  res.status(status).type('text/plain').send(`${message}\n`);
}

async function main() {
  const env = parseEnv();
  const logger = createLogger({ level: env.LOG_LEVEL });
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
  for (const line of await invalidPolicyWarnings(handle.db)) logger.warn(line);
  setDatabase(handle);
  const stopBackups = startEmbeddedBackups(handle, {
    dataDir: env.DATA_DIR,
    backupDir: env.BACKUP_DIR,
    keep: env.BACKUP_KEEP,
    log: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
  });
  // Meetings are planned ahead here and by the writes that need it (a close, a request for the next meeting),
  // never by a page view; the hourly top-up keeps a long-running server's schedule ahead of the clock.
  await planMeetingsForAllForums(handle.db);
  const planner = setInterval(() => {
    planMeetingsForAllForums(handle.db).catch((err: unknown) => logger.error({ err }, 'planning meetings failed'));
  }, PLAN_EVERY_MS);
  planner.unref();
  // The outbox's dispatcher: sends the emails (or, without SMTP_URL, prints them to the log) and runs the
  // scheduled email tasks (decision 014).
  const dispatcher = new Dispatcher({
    db: handle.db,
    transport: env.SMTP_URL ? smtpTransport(env.SMTP_URL) : null,
    from: mailFrom(env),
    log: logger,
    tasks: mailTasks,
  });
  dispatcher.start();

  // The same rule as remix.config.js.
  const buildDir = path.resolve(
    process.env.IF_BUILD_DIR ? path.join('.cache/builds', path.basename(process.env.IF_BUILD_DIR)) : '.',
  );
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
  // Forwarding headers count only from a configured proxy (TRUST_PROXY): client address, protocol, host.
  app.set('trust proxy', env.TRUST_PROXY);
  const ownHosts = [new URL(appUrl(env)).host];
  // Logs and metrics see every request, the ones refused below included.
  const routeOf = createRequestRouteResolver(build.routes);
  const metrics = createMetrics(handle, routeOf);
  app.use(requestLogger(logger, routeOf));
  app.use(metrics.observe);
  app.use((req, res, next) => {
    // The request's id: made by the request logger (assignRequestId) whatever the client sent.
    const requestId = String(req.headers[REQUEST_ID_HEADER]);
    res.locals.requestId = requestId;
    res.set('X-Request-Id', requestId);
    if (env.TRUST_PROXY === false) {
      // Forged by the client: gone before anything reads them.
      for (const name of ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded'])
        delete req.headers[name];
    }
    const nonce = crypto.randomBytes(16).toString('base64');
    res.locals.cspNonce = nonce;
    res.set(securityHeaders(nonce, production || req.secure));
    // The request's URL is built from Host (and a trusted proxy's X-Forwarded-Host): nonsense there is a 400.
    if (
      !isValidHost(req.get('host')) ||
      (req.get('x-forwarded-host') !== undefined && !isValidHost(req.get('x-forwarded-host')))
    ) {
      plain(res, 400, 'Bad Host header');
      return;
    }
    // The client address comes from the socket, or from X-Forwarded-For when the proxy is trusted (req.ip
    // follows TRUST_PROXY); a header of this name sent by the client is overwritten.
    req.headers[CLIENT_IP_HEADER] = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    // A write has committed (or failed) once answered: the writer's next page reads fresh (session-cache.server.ts).
    if (req.method !== 'GET' && req.method !== 'HEAD')
      res.on('close', () => existingSessionCache()?.finishWrite(requestId));
    if (isCrossSite(req, [...ownHosts, req.get('x-forwarded-host') ?? req.get('host')!])) {
      plain(res, 403, 'Cross-site request refused');
      return;
    }
    // NUL bytes cannot be stored in PostgreSQL text and have no business in a URL.
    if (/%00/i.test(req.url) || req.url.includes(String.fromCharCode(0))) {
      plain(res, 400, 'The address contains a NUL character');
      return;
    }
    if (!SAFE_METHODS.has(req.method)) {
      // Every form is URL-encoded (no uploads): anything else is refused before a route tries to parse it. A
      // body without a type is refused too; an empty one is an empty form (the route answers 400 per field).
      const type = (req.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
      if ((type && type !== 'application/x-www-form-urlencoded') || (!type && hasBody)) {
        plain(res, 415, 'Forms must be sent as application/x-www-form-urlencoded');
        return;
      }
      if (!type) req.headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    // Bodies are capped at 1 MB; a streamed body of unknown length is refused rather than read unbounded.
    const length = Number(req.get('content-length') ?? 0);
    if (length > MAX_BODY_BYTES) {
      plain(res, 413, 'Request body too large (limit 1 MB)');
      return;
    }
    if (req.get('transfer-encoding') && !req.get('content-length')) {
      plain(res, 411, 'A Content-Length is required');
      return;
    }
    next();
  });
  // Pages, data and assets go compressed (brotli, else gzip; issue #20); the probes and /metrics answer as they are.
  app.use(compression({ filter: (req, res) => !UNCOMPRESSED.has(req.path) && compression.filter(req, res) }));
  app.get('/metrics', metricsEndpoint(metrics.registry, env.METRICS_TOKEN));
  app.use('/build', express.static(path.join(buildDir, 'public/build'), { immutable: true, maxAge: '1y' }));
  // The files at public/'s top (favicon.ico, unavailable.css): looked up by name, so a page request costs no stat().
  const servePublic = express.static('public', { maxAge: '1h' });
  const publicFiles = new Set(
    fs
      .readdirSync('public', { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => `/${entry.name}`),
  );
  app.use((req, res, next) => (publicFiles.has(req.path) ? servePublic(req, res, next) : next()));
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.all(
    '*',
    createRequestHandler({
      build,
      // Never 'development': that mode sends error stacks to the browser. The server log has them.
      mode: 'production',
      getLoadContext: (_req, res) => ({
        cspNonce: res.locals.cspNonce as string,
        requestId: res.locals.requestId as string,
      }),
    }),
  );
  // Replaces Express's default handler, which prints the stack outside production (e.g. for `/forums/%ZZ`).
  app.use((err: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const requestId = String(res.locals.requestId ?? '');
    const status =
      typeof err === 'object' && err && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    if (status >= 400 && status < 500) {
      logger.warn({ requestId, status, method: req.method }, err instanceof Error ? err.message : String(err));
    } else {
      logger.error({ requestId, err }, 'unhandled error');
    }
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    const known = status >= 400 && status < 500;
    plain(
      res,
      known ? status : 500,
      `${known ? 'Bad request' : 'Something went wrong on our side'} (request ${requestId})`,
    );
  });

  const server = app.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    const url = env.APP_URL ? appUrl(env) : `http://localhost:${port}`;
    logger.info(
      `Inspection Forum is running at ${url} (${handle.kind === 'pglite' ? `embedded database in ${path.resolve(env.DATA_DIR)}` : 'PostgreSQL server'}, ready in ${Date.now() - started} ms)`,
    );
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
    logger.info(`${signal} received: closing`);
    stopBackups();
    clearInterval(planner);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(async () => {
      await dispatcher.stop();
      await handle.close();
      process.exit(0);
    });
    server.closeAllConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (
    err instanceof DataDirLockedError ||
    err instanceof DemoAccountsRefused ||
    (err instanceof Error && err.message.startsWith('Invalid environment'))
  ) {
    console.error(err.message);
  } else {
    console.error('Inspection Forum failed to start:', err);
  }
  process.exit(1);
});
