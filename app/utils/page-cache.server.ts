import type { SerializeFrom } from '@remix-run/node';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { countLookup, layerOff } from './cache-stats.server';
import { databaseStore } from './db.server';
import { jsonCopy } from './page-data.server';

/**
 * The page caches (decision 023): the in-memory layers that serve pages, in one module with one story of how
 * each is invalidated. The realistic mix of `npm run bench` (decision 023) kept two; the others (sessions, the
 * remembered status forms, prepared statements) live with what they serve and are listed at the end.
 *
 * The one rule: **an entry is served only while the forum data version it was computed at is the newest this
 * process knows.** A forum's version (forums.data_version) is moved by the database itself, at commit, by the
 * triggers of migration T1700 on every table a cached page reads (tests/integration/forum-version-triggers.test.ts
 * fails on a table without one); a rolled-back transaction moves nothing. The process learns versions from
 *  - every session read from the database (the session query returns the user's forums with their versions), and
 *  - the change notifications of migration T1800 (db/changes.ts), which the session cache
 *    (app/modules/auth/session-cache.server.ts) applies; versions only grow.
 * While the notification listener is down the session cache serves nothing, so every request reads its versions
 * from the database: nothing is served from here that the database has moved past. A user's own write is seen on
 * their next page (read-your-writes: their next session read goes to the database). A page's request reads the
 * version before the data, so an entry is never older than the version it is filed under.
 *
 * 1. **Page data per forum version** (`forumPageData`): the dashboard, oversight, meeting and project pages' data,
 *    keyed by forum and page key (URL parameters), served while its version ≥ the request's version of the forum
 *    and for at most TTL_MS (a bound on what depends on the clock, not the data); about MAX_BYTES of JSON, least
 *    recently used out; concurrent misses of one key and version compute once. Stored as its JSON copy (what the
 *    browser gets; page-data.server.ts). None for a test's transaction (versions move only at commit). The same
 *    entries and rule hold what pages are computed from and nobody changes (`forumValue`: the forum's review
 *    schedule, a meeting's whole agenda; decision 028), kept as computed, not copied.
 * 2. **Rendered pages** (`reusedRender`): a document's HTML is a function of its URL, status and what Remix hands
 *    to the browser (every route's loader data, action data and errors: the serverHandoffString), so a successful
 *    GET whose URL and handoff equal an earlier one's is sent from that render. Its key holds the data itself (a
 *    SHA-256 of the handoff), so it needs no version: once the data moves, the key does. The loaders still run for
 *    every request (session, role, data checked as always). Kept deflated, at most MAX_RENDER_BYTES of it, least
 *    recently used out, the most recent MAX_HOT_BYTES also as sent. The CSP nonce is not an input (entry.server.tsx
 *    renders a placeholder and puts the request's in).
 *
 * Elsewhere, each with its own check: sessions and forum versions (session-cache.server.ts: the notifications,
 * forgotten while the listener is down, a minute at most per entry); a project's status form context remembered
 * after a view or a save (status.server.ts: a guess that the one-statement save re-checks against the database);
 * prepared statements (db/client.ts: PostgreSQL replans them when a table changes).
 *
 * `PAGE_CACHE_OFF=render,page_data,session,status_form,prepared` switches layers off, for the benchmark's A/B runs
 * only; every lookup is counted (cache-stats.server.ts, `cache_lookups_total` in /metrics).
 */
const TTL_MS = 60_000;
const MAX_BYTES = 16 * 2 ** 20;

interface Entry {
  version: number;
  expires: number;
  bytes: number;
  value: Promise<unknown>;
}

interface Cache {
  entries: Map<string, Entry>;
  bytes: number;
}

// One cache per open database; none for a test's transaction, whose versions change only at commit.
const PAGE_DATA_OFF = layerOff('page_data');
const cacheFor = () =>
  PAGE_DATA_OFF ? null : databaseStore<Cache>('forum-pages', () => ({ entries: new Map(), bytes: 0 }));

function remove(cache: Cache, key: string, entry: Entry) {
  if (cache.entries.get(key) !== entry) return;
  cache.entries.delete(key);
  cache.bytes -= entry.bytes;
}

export function forumPageData<T>(
  forum: { id: number; dataVersion: number },
  key: string,
  compute: () => Promise<T>,
): Promise<SerializeFrom<T>> {
  // Kept (and handed out) as its JSON copy: pages hand it to the render as is (page-data.server.ts).
  const cache = cacheFor();
  if (!cache) return compute().then((computed) => jsonCopy(computed) as SerializeFrom<T>);
  return kept(cache, forum, key, compute, (computed) => {
    const text = JSON.stringify(computed ?? null);
    return { value: JSON.parse(text) as SerializeFrom<T>, bytes: text.length };
  });
}

/**
 * A value the server computes pages from, per forum version like the page data (the rule above), kept as it was
 * computed: for values no caller changes (the forum's review schedule, decision 028). `bytes` estimates its size.
 */
export function forumValue<T>(
  forum: { id: number; dataVersion: number },
  key: string,
  compute: () => Promise<T>,
  bytes: (value: T) => number,
): Promise<T> {
  const cache = cacheFor();
  if (!cache) return compute();
  return kept(cache, forum, key, compute, (value) => ({ value, bytes: bytes(value) }));
}

/** The value `forumValue` holds for this key at the forum's version, if it holds one (not computed, not counted). */
export function heldForumValue<T>(forum: { id: number; dataVersion: number }, key: string): Promise<T> | undefined {
  const hit = cacheFor()?.entries.get(`${forum.id}:${key}`);
  return hit && hit.version >= forum.dataVersion && hit.expires > Date.now() ? (hit.value as Promise<T>) : undefined;
}

function kept<T, V>(
  cache: Cache,
  forum: { id: number; dataVersion: number },
  key: string,
  compute: () => Promise<T>,
  keep: (computed: T) => { value: V; bytes: number },
): Promise<V> {
  const id = `${forum.id}:${key}`;
  const now = Date.now();
  const hit = cache.entries.get(id);
  const fresh = hit !== undefined && hit.version >= forum.dataVersion && hit.expires > now;
  countLookup('page_data', fresh);
  if (hit && fresh) {
    cache.entries.delete(id); // most recently used last
    cache.entries.set(id, hit);
    return hit.value as Promise<V>;
  }
  if (hit) remove(cache, id, hit);
  let bytes = 0;
  const value = compute().then((computed) => {
    const k = keep(computed);
    bytes = k.bytes;
    return k.value;
  });
  const entry: Entry = { version: forum.dataVersion, expires: now + TTL_MS, bytes: 0, value };
  cache.entries.set(id, entry);
  entry.value.then(
    () => {
      if (cache.entries.get(id) !== entry) return;
      entry.bytes = bytes;
      cache.bytes += entry.bytes;
      for (const [k, e] of cache.entries) {
        if (cache.bytes <= MAX_BYTES) break;
        remove(cache, k, e);
      }
    },
    () => remove(cache, id, entry),
  );
  return value;
}

// ---- rendered pages ----

const MAX_RENDER_BYTES = 16 * 2 ** 20;
const RENDER_OFF = layerOff('render');

/** A rendered page as UTF-8, cut where the nonce goes: sending it is a copy, not an encoding. */
export interface Rendered {
  parts: Buffer[];
  bytes: number;
}

/** A kept render: its parts deflated as one (a page's HTML shrinks 6–7 times), and each part's length. */
interface Kept {
  deflated: Buffer;
  lengths: number[];
}

const renders = new Map<string, Kept>();
let renderBytes = 0;
/** The most recently used renders, also kept as they are sent: a page asked for again and again is not inflated. */
const MAX_HOT_BYTES = 4 * 2 ** 20;
const hot = new Map<string, Rendered>();
let hotBytes = 0;

function keep(rendered: Rendered): Kept {
  return {
    deflated: zlib.deflateRawSync(Buffer.concat(rendered.parts, rendered.bytes), { level: 3 }),
    lengths: rendered.parts.map((p) => p.length),
  };
}

function unpack(kept: Kept): Rendered {
  const whole = zlib.inflateRawSync(kept.deflated);
  let at = 0;
  const parts = kept.lengths.map((n) => whole.subarray(at, (at += n)));
  return { parts, bytes: whole.length };
}

function warm(key: string, rendered: Rendered) {
  const had = hot.get(key);
  if (had) {
    hot.delete(key);
    hotBytes -= had.bytes;
  }
  hot.set(key, rendered); // most recently used last
  hotBytes += rendered.bytes;
  for (const [k, v] of hot) {
    if (hotBytes <= MAX_HOT_BYTES) break;
    hot.delete(k);
    hotBytes -= v.bytes;
  }
}

/**
 * The page for these inputs, rendered by `render` only if no earlier successful GET had the same URL and handoff.
 * Anything else (another method, a status other than 200, no handoff) is rendered and not kept. Kept deflated
 * (decision 028): MAX_RENDER_BYTES holds six or seven times the pages (each member's pages are their own, as the
 * handoff holds their data); the most recently used MAX_HOT_BYTES of them also as sent, so that a page asked for
 * again and again is not inflated each time.
 */
export function reusedRender(
  request: Request,
  status: number,
  handoff: string | undefined,
  render: () => Rendered,
): Rendered {
  if (request.method !== 'GET' || status !== 200 || !handoff || RENDER_OFF) return render();
  const key = crypto.createHash('sha256').update(request.url).update('\0').update(handoff).digest('base64');
  const hit = renders.get(key);
  countLookup('render', hit !== undefined);
  if (hit !== undefined) {
    renders.delete(key); // most recently used last
    renders.set(key, hit);
    const sent = hot.get(key) ?? unpack(hit);
    warm(key, sent);
    return sent;
  }
  const rendered = render();
  const kept = keep(rendered);
  renders.set(key, kept);
  renderBytes += kept.deflated.length;
  warm(key, rendered);
  for (const [k, v] of renders) {
    if (renderBytes <= MAX_RENDER_BYTES) break;
    renders.delete(k);
    renderBytes -= v.deflated.length;
  }
  return rendered;
}
