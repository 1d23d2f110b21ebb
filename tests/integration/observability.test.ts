import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import type { Kysely } from 'kysely';
import { describe, expect } from 'vitest';
import type { Database } from '../../db/database';
import { createSession, commitSessionCookie, getSessionUser } from '../../app/modules/auth/session.server';
import { REQUEST_ID_HEADER } from '../../app/utils/http.server';
import { createLogger, requestLogger } from '../../app/utils/logger.server';
import { createMetrics, metricsEndpoint } from '../../app/utils/metrics.server';
import { createRequestRouteResolver } from '../../app/utils/route-pattern.server';
import { createUser } from '../factories';
import { backend, dbTest, fileDatabase } from '../setup/test-db';

// Issue #18: one JSON log line per request (request id, user id, route, status, duration; never a cookie, token
// or password), and Prometheus metrics behind a bearer token, request durations labelled by route pattern.

// Routes as the server build's manifest lists them (flat-route ids, parent ids, paths).
const MANIFEST = {
  root: { id: 'root', path: '' },
  'routes/forums.$slug.projects.$id._index': {
    id: 'routes/forums.$slug.projects.$id._index',
    parentId: 'root',
    path: 'forums/:slug/projects/:id',
    index: true,
  },
  'routes/forums.$slug._index': {
    id: 'routes/forums.$slug._index',
    parentId: 'root',
    path: 'forums/:slug',
    index: true,
  },
  'routes/invitations.$token': { id: 'routes/invitations.$token', parentId: 'root', path: 'invitations/:token' },
};

/** The server's logging and metrics middleware in front of a handler that reads the session as every page does. */
async function startServer(db: Kysely<Database>, metricsToken: string | undefined) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  const routeOf = createRequestRouteResolver(MANIFEST);
  const metrics = createMetrics(await fileDatabase(), routeOf);
  const app = express();
  app.use(requestLogger(logger, routeOf));
  app.use(metrics.observe);
  app.get('/metrics', metricsEndpoint(metrics.registry, metricsToken));
  app.all('*', async (req, res) => {
    const request = new Request(`http://localhost${req.url}`, {
      method: req.method,
      headers: { cookie: req.get('cookie') ?? '', [REQUEST_ID_HEADER]: String(req.headers[REQUEST_ID_HEADER]) },
    });
    const user = await getSessionUser(db, request);
    res.set('Set-Cookie', 'if_session=a-fresh-cookie-value; HttpOnly');
    res
      .status(req.path.startsWith('/forums/') ? 200 : 404)
      .json({ requestId: req.headers[REQUEST_ID_HEADER], userId: user?.id ?? null });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, lines, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('request logs', () => {
  dbTest(
    'one JSON line per request with its id, user, route, status and duration, and no cookie, token or password',
    async ({ db }) => {
      const user = await createUser(db, { passwordHash: 'x' });
      const token = await createSession(db, { userId: user.id, userAgent: null, ip: null });
      const cookie = (await commitSessionCookie(token)).split(';')[0];
      const server = await startServer(db, undefined);
      try {
        const res = await fetch(
          `${server.url}/forums/demo/projects/42?password=hunter2-secret&token=query-token-value`,
          {
            headers: { Cookie: cookie, Authorization: 'Bearer an-authorization-secret' },
          },
        );
        const body = (await res.json()) as { requestId: string; userId: number };
        expect(body.userId).toBe(user.id);
        const anonymous = await fetch(`${server.url}/invitations/an-invitation-token-value`);
        expect(anonymous.status).toBe(404);
        await new Promise((resolve) => setTimeout(resolve, 50));

        expect(server.lines).toHaveLength(2);
        const [line, second] = server.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(line).toMatchObject({
          level: 30,
          requestId: body.requestId,
          userId: user.id,
          route: '/forums/:slug/projects/:id',
          path: '/forums/demo/projects/42',
          req: { method: 'GET' },
          res: { statusCode: 200 },
        });
        expect(typeof line.durationMs).toBe('number');
        expect(typeof line.time).toBe('string');
        // A secret-looking route parameter is redacted from the path; a request without a session has no user.
        expect(second).toMatchObject({
          userId: null,
          route: '/invitations/:token',
          path: '/invitations/[redacted]',
          res: { statusCode: 404 },
        });
        expect(second.requestId).not.toBe(body.requestId);

        const text = server.lines.join('\n');
        for (const secret of [
          token,
          cookie,
          'a-fresh-cookie-value',
          'an-authorization-secret',
          'hunter2-secret',
          'query-token-value',
          'an-invitation-token-value',
        ]) {
          expect(text).not.toContain(secret);
        }
      } finally {
        await server.close();
      }
    },
  );

  dbTest('a request id sent by the client is replaced by the server’s own', async ({ db }) => {
    const server = await startServer(db, undefined);
    try {
      const res = await fetch(`${server.url}/forums/demo`, { headers: { [REQUEST_ID_HEADER]: 'chosen-by-client' } });
      const body = (await res.json()) as { requestId: string };
      expect(body.requestId).not.toBe('chosen-by-client');
      expect(body.requestId).toMatch(/^[\w-]{16}$/);
    } finally {
      await server.close();
    }
  });
});

describe('/metrics', () => {
  dbTest('does not exist without METRICS_TOKEN (404)', async ({ db }) => {
    const server = await startServer(db, undefined);
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      expect(
        (await fetch(`${server.url}/metrics`, { headers: { Authorization: 'Bearer anything-at-all-here' } })).status,
      ).toBe(404);
    } finally {
      await server.close();
    }
  });

  dbTest(
    'answers 401 without the bearer token, and with it request durations by route pattern, database and process figures',
    async ({ db }) => {
      const secret = 'metrics-token-for-the-test';
      const server = await startServer(db, secret);
      try {
        const user = await createUser(db, { passwordHash: 'x' });
        const cookie = (
          await commitSessionCookie(await createSession(db, { userId: user.id, userAgent: null, ip: null }))
        ).split(';')[0];
        await fetch(`${server.url}/forums/demo/projects/7`, { headers: { Cookie: cookie } });
        await fetch(`${server.url}/forums/other/projects/8`);
        await fetch(`${server.url}/no/such/page`);

        const none = await fetch(`${server.url}/metrics`);
        expect(none.status).toBe(401);
        expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(
          (await fetch(`${server.url}/metrics`, { headers: { Authorization: 'Bearer not-the-metrics-token' } })).status,
        ).toBe(401);
        expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: secret } })).status).toBe(401);

        const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${secret}` } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        const text = await res.text();
        // Two URLs of one route are one series; raw URLs never become labels.
        expect(text).toContain(
          'http_request_duration_seconds_count{method="GET",route="/forums/:slug/projects/:id",status_code="200"} 2',
        );
        expect(text).toContain(
          'http_request_duration_seconds_count{method="GET",route="(unmatched)",status_code="404"} 1',
        );
        expect(text).not.toMatch(/route="[^"]*(demo|other|no\/such)/);
        expect(text).toMatch(new RegExp(`db_query_duration_seconds_count\\{database="${backend}"\\} [1-9]`));
        expect(text).toContain(`db_query_errors_total{database="${backend}"} 0`);
        expect(text).toMatch(/process_cpu_user_seconds_total \d/);
        expect(text).toMatch(/nodejs_eventloop_lag_seconds \d/);
        if (backend === 'postgres') expect(text).toMatch(/db_pool_connections\{state="total"\} \d/);
      } finally {
        await server.close();
      }
    },
  );
});
