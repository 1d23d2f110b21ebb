import { json, redirect } from '@remix-run/node';

/** Throws a Response when the condition fails: the route's error boundary renders it. */
export function invariantResponse(
  condition: unknown,
  message: string,
  init: { status: number } = { status: 404 },
): asserts condition {
  if (!condition) {
    throw json({ message }, { status: init.status, headers: { 'Cache-Control': 'no-store' } });
  }
}

/** Set by the server from the socket (any client-sent value is overwritten), so it cannot be spoofed. */
export const CLIENT_IP_HEADER = 'x-inspection-forum-client-ip';
/** A random id per request, set by the server likewise: loaders of one page share reads keyed by it. */
export const REQUEST_ID_HEADER = 'x-inspection-forum-request';

export function clientIp(request: Request): string {
  return (request.headers.get(CLIENT_IP_HEADER) || 'unknown').slice(0, 64);
}

/**
 * A page's address keeps only the query parameters the page reads, each at most `maxLength` characters: anything
 * else redirects to the address without it (issue #22). Forms without an action post to the current address, so
 * a junk query string would otherwise be echoed into every form of the page.
 */
export function keepKnownQuery(request: Request, keys: readonly string[], maxLength = 200): void {
  const url = new URL(request.url);
  if (url.search === '') return;
  const kept = new URLSearchParams();
  let dropped = false;
  for (const [key, value] of url.searchParams) {
    if (keys.includes(key) && value.length <= maxLength && !kept.has(key)) kept.append(key, value);
    else dropped = true;
  }
  if (!dropped) return;
  const search = kept.toString();
  throw redirect(`${url.pathname}${search ? `?${search}` : ''}`, { headers: { 'Cache-Control': 'no-store' } });
}

/** A route's `headers` export: an action's Retry-After (a 429) kept for document requests, which drop it otherwise. */
export function retryAfterOf(actionHeaders: Headers): Record<string, string> {
  const retryAfter = actionHeaders.get('Retry-After');
  return retryAfter ? { 'Retry-After': retryAfter } : {};
}
