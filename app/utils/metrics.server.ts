import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import client from 'prom-client';
import type { DatabaseHandle } from '../../db/client';
import { cacheCounts } from './cache-stats.server';
import type { RouteMatch } from './route-pattern.server';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The server's Prometheus metrics: request durations by method, route pattern (never the raw URL: the label set
 * stays bounded) and status; the database's query durations and errors, and on PostgreSQL its pool's connections;
 * and the process's own figures (CPU, memory, event-loop lag, handles) from prom-client.
 */
export function createMetrics(handle: DatabaseHandle, routeOf: (req: IncomingMessage) => RouteMatch | null) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const requests = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  const queries = new client.Histogram({
    name: 'db_query_duration_seconds',
    help: 'Time of database queries, by database kind',
    labelNames: ['database'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  const queryErrors = new client.Counter({
    name: 'db_query_errors_total',
    help: 'Database queries that failed, by database kind',
    labelNames: ['database'] as const,
    registers: [registry],
  });
  queryErrors.inc({ database: handle.kind }, 0);
  handle.observeQueries?.((ms, failed) => {
    queries.observe({ database: handle.kind }, ms / 1000);
    if (failed) queryErrors.inc({ database: handle.kind });
  });
  const pool = handle.pool;
  if (pool) {
    new client.Gauge({
      name: 'db_pool_connections',
      help: 'PostgreSQL connection pool: total connections, idle ones, and requests waiting for one',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }

  new client.Counter({
    name: 'cache_lookups_total',
    help: 'Lookups in the in-memory layers (rendered pages, page data per forum version, sessions), by layer and hit or miss',
    labelNames: ['layer', 'result'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [layer, c] of Object.entries(cacheCounts())) {
        this.inc({ layer, result: 'hit' }, c.hit);
        this.inc({ layer, result: 'miss' }, c.miss);
      }
    },
  });

  /** Times every request until its response is done. */
  const observe = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const end = requests.startTimer();
    res.once('finish', () => {
      const match = routeOf(req);
      const route = match?.pattern ?? (res.statusCode < 400 ? '(static)' : '(unmatched)');
      end({
        method: methodLabel(req.method),
        route,
        status_code: String(res.statusCode),
      });
    });
    next();
  };

  return { registry, observe };
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const methodLabel = (method?: string) => (method && METHODS.has(method) ? method : 'other');

/**
 * GET /metrics: only with `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise); without METRICS_TOKEN the
 * endpoint does not exist (404), so nothing about the server is public.
 */
export function metricsEndpoint(registry: client.Registry, token: string | undefined) {
  const expected = token ? crypto.createHash('sha256').update(token).digest() : null;
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!expected) return next();
    const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
    const hash = crypto.createHash('sha256').update(given).digest();
    if (!crypto.timingSafeEqual(hash, expected)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="metrics"')
        .type('text/plain')
        .send('A bearer token is required\n');
      return;
    }
    try {
      res.type(registry.contentType).send(await registry.metrics());
    } catch (err) {
      next(err);
    }
  };
}
