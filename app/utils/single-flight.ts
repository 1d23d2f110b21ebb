const inflight = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Calls that start while an identical one (same scope and key) is in flight share its promise: the root and
 * route loaders of one page, or concurrent requests of one user, read a session once. The result is as fresh
 * as a call started a moment earlier; nothing is kept once it settles.
 */
export function singleFlight<T>(scope: object, key: string, fn: () => Promise<T>): Promise<T> {
  let calls = inflight.get(scope);
  if (!calls) inflight.set(scope, (calls = new Map()));
  const pending = calls.get(key);
  if (pending) return pending as Promise<T>;
  const map = calls;
  const promise = fn().finally(() => map.delete(key));
  map.set(key, promise);
  return promise;
}
