import { REQUEST_ID_HEADER } from './http.server';

// Which user a request was made by, for the request log: the session read notes it under the request's id and the
// server's logger takes it when the response is done. A global, because the server and the Remix bundle each hold
// their own copy of this module; it exists only once the server's logger has made it (tests record nothing).
const KEY = Symbol.for('inspection-forum.request-users');
type Holder = { [KEY]?: Map<string, number> };

export function trackRequestUsers(): void {
  (globalThis as Holder)[KEY] ??= new Map();
}

export function noteRequestUser(request: Request, userId: number): void {
  const users = (globalThis as Holder)[KEY];
  const id = request.headers.get(REQUEST_ID_HEADER);
  if (users && id) users.set(id, userId);
}

/** The user noted for a request id, forgotten as it is read. */
export function takeRequestUser(requestId: string): number | undefined {
  const users = (globalThis as Holder)[KEY];
  const userId = users?.get(requestId);
  users?.delete(requestId);
  return userId;
}
