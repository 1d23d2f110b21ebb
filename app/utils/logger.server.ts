import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { REQUEST_ID_HEADER } from './http.server';
import { takeRequestUser, trackRequestUsers } from './request-user.server';
import type { RouteMatch } from './route-pattern.server';

export type { Logger };
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The server's logger: one JSON object per line on stdout. Headers, bodies and query strings are never logged
 * (passwords, tokens and cookies travel in them); the redaction is a second guard should someone log a request.
 */
export function createLogger(options: { level: (typeof LOG_LEVELS)[number]; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          'res.headers["set-cookie"]',
          'headers.cookie',
          'headers.authorization',
          'password',
          '*.password',
        ],
        censor: '[redacted]',
      },
    },
    // Written synchronously, so that lines keep their order with anything else on stdout.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * The request's id: random, set by the server whatever the client sent (the loaders of one page share their
 * session read under it, and the log line and error page name it).
 */
export function assignRequestId(req: IncomingMessage): string {
  const id = crypto.randomBytes(12).toString('base64url');
  req.headers[REQUEST_ID_HEADER] = id;
  return id;
}

/**
 * One log line per request when its response is done: request id, method, route pattern, path (secret-looking
 * parameters redacted, no query string), user id (when signed in), status and duration in ms.
 */
export function requestLogger(
  logger: Logger,
  routeOf: (req: IncomingMessage, res: ServerResponse) => RouteMatch | null,
) {
  trackRequestUsers();
  const fields = (req: IncomingMessage, res: ServerResponse) => {
    const match = routeOf(req, res);
    const requestId = String((req as IncomingMessage & { id?: unknown }).id ?? '');
    const userId = takeRequestUser(requestId);
    return {
      requestId,
      route: match?.pattern ?? null,
      path: match?.safePath ?? (req.url ?? '').split('?')[0],
      userId: userId ?? null,
    };
  };
  return pinoHttp({
    logger,
    genReqId: (req) => assignRequestId(req),
    customAttributeKeys: { responseTime: 'durationMs' },
    // Nothing of the request but its method (its path and route come from fields()): no headers, no query string.
    serializers: {
      req: (req: { method: string }) => ({ method: req.method }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: (req, res, value: object) => ({ ...value, ...fields(req, res) }),
    customErrorObject: (req, res, _err, value: object) => ({
      ...value,
      ...fields(req, res),
    }),
    customSuccessMessage: (req, res) => `${req.method} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${res.statusCode}`,
  });
}
