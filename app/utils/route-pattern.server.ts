import { matchRoutes, type AgnosticRouteObject } from '@remix-run/router';

/** A route of the server build's manifest (ServerBuild['routes'][id]), as much of it as matching needs. */
export interface ManifestRoute {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
  caseSensitive?: boolean;
}

export interface RouteMatch {
  /** The route's pattern, e.g. `/forums/:slug/projects/:id`: a bounded set, fit for metric labels. */
  pattern: string;
  /** The path with the values of secret-looking parameters (token, secret, code, key) replaced, fit for logs. */
  safePath: string;
}

const SECRET_PARAM = /token|secret|code|key|password/i;

/**
 * Matches a path against the app's routes as Remix does (the router's own ranking), for logs and metrics:
 * raw URLs would give unbounded label sets and may carry secrets.
 */
export function createRouteMatcher(
  manifest: Record<string, ManifestRoute | undefined>,
): (pathname: string) => RouteMatch | null {
  const routes = Object.values(manifest).filter((r): r is ManifestRoute => !!r);
  const tree = (parentId?: string): AgnosticRouteObject[] =>
    routes
      .filter((r) => r.parentId === parentId)
      .map((r) =>
        r.index
          ? {
              id: r.id,
              index: true,
              path: r.path,
              caseSensitive: r.caseSensitive,
            }
          : {
              id: r.id,
              path: r.path,
              caseSensitive: r.caseSensitive,
              children: tree(r.id),
            },
      );
  const objects = tree(undefined);
  return (pathname) => {
    const matches = matchRoutes(objects, pathname);
    if (!matches) return null;
    const joined = matches
      .map((m) => m.route.path ?? '')
      .filter(Boolean)
      .join('/');
    const pattern = `/${joined}`.replace(/\/+/g, '/');
    const params = matches[matches.length - 1].params;
    const safePath = Object.entries(params).reduce(
      (p, [name, value]) => (value && SECRET_PARAM.test(name) ? p.split(`/${value}`).join('/[redacted]') : p),
      pathname,
    );
    return { pattern, safePath };
  };
}

/** The route of a request, worked out once per request (the logger and the metrics both ask). */
export function createRequestRouteResolver(
  manifest: Record<string, ManifestRoute | undefined>,
): (req: { url?: string }) => RouteMatch | null {
  const match = createRouteMatcher(manifest);
  const seen = new WeakMap<object, RouteMatch | null>();
  return (req) => {
    if (seen.has(req)) return seen.get(req) ?? null;
    let pathname = (req.url ?? '/').split('?')[0];
    try {
      pathname = decodeURIComponent(pathname);
    } catch {
      // a malformed escape: match it as sent
    }
    const result =
      pathname === '/metrics' || pathname.startsWith('/build/')
        ? { pattern: pathname === '/metrics' ? pathname : '/build/*', safePath: pathname }
        : match(pathname);
    seen.set(req, result);
    return result;
  };
}
