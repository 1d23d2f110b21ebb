import { json } from '@remix-run/node';

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
