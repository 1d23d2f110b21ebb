import { defer } from '@remix-run/node';

/**
 * A page loader's answer, handed to the server render as it is (issue #8). With `json()` Remix stringifies a
 * loader's data, parses it back for the render and stringifies it again into the page: three passes over the
 * largest thing a page handles. Data given to `defer()` goes to the render and into the page once (no value here
 * is a promise, so nothing is streamed later).
 *
 * The browser gets the page's JSON copy, so the data must be what JSON keeps unchanged (no Date, no undefined in
 * arrays, no class instances): otherwise the server would render something the browser cannot reproduce. Checked
 * outside production builds (every loader test), and cached page data is stored as its JSON copy.
 */
export function pageData<T extends Record<string, unknown>>(data: T, init?: number | ResponseInit) {
  if (process.env.NODE_ENV !== 'production') assertJsonData(data, 'data');
  return defer(data, init);
}

/** A deep copy through JSON: what the browser will see. */
export function jsonCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function assertJsonData(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path} is ${value}, which JSON turns into null`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (item === undefined) throw new TypeError(`${path}[${i}] is undefined, which JSON turns into null`);
      assertJsonData(item, `${path}[${i}]`);
    });
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      throw new TypeError(`${path} is a ${proto?.constructor?.name ?? 'class instance'}, not JSON data`);
    for (const [key, item] of Object.entries(value)) if (item !== undefined) assertJsonData(item, `${path}.${key}`);
    return;
  }
  throw new TypeError(`${path} is a ${typeof value}, not JSON data`);
}
