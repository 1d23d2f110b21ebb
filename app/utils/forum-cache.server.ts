import type { SerializeFrom } from '@remix-run/node';
import { countLookup, layerOff } from './cache-stats.server';
import { databaseStore } from './db.server';
import { jsonCopy } from './page-data.server';

/**
 * Derived page data of a forum (dashboard, oversight, meeting and project pages), cached in the process under
 * the forum's data version (forums.data_version, which the database changes with any change to the forum's
 * data: migration T1700). A page view then costs one query, the session's (which reads the version), until
 * something in the forum changes; with several server processes each keeps its own cache, all keyed by the
 * same version. A reader reads the version before the data, so cached data is never older than its version.
 *
 * Entries also expire after TTL_MS, a bound on anything that depends on the time rather than the data. The
 * cache holds about MAX_BYTES of JSON, least recently used first out; concurrent misses compute once.
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
  const cache = cacheFor();
  // Kept (and handed out) as its JSON copy: pages hand it to the render as is (page-data.server.ts).
  if (!cache) return compute().then((computed) => jsonCopy(computed) as SerializeFrom<T>);
  const id = `${forum.id}:${key}`;
  const now = Date.now();
  const hit = cache.entries.get(id);
  const fresh = hit !== undefined && hit.version >= forum.dataVersion && hit.expires > now;
  countLookup('page_data', fresh);
  if (hit && fresh) {
    cache.entries.delete(id); // most recently used last
    cache.entries.set(id, hit);
    return hit.value as Promise<SerializeFrom<T>>;
  }
  if (hit) remove(cache, id, hit);
  let bytes = 0;
  const value = compute().then((computed) => {
    const text = JSON.stringify(computed ?? null);
    bytes = text.length;
    return JSON.parse(text) as SerializeFrom<T>;
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
  return entry.value as Promise<SerializeFrom<T>>;
}
