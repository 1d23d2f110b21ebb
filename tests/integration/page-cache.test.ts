import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DatabaseHandle } from '../../db/client';
import { setDatabase } from '../../app/utils/db.server';
import { cacheCounts } from '../../app/utils/cache-stats.server';
import {
  forumPageData,
  forumValue,
  heldForumValue,
  reusedRender,
  type Rendered,
} from '../../app/utils/page-cache.server';
import { openFreshDatabase } from '../setup/test-db';

// The page caches' one rule (app/utils/page-cache.server.ts, decision 023), on the module itself: page data is
// served only at a version at least the request's; a render only for the same URL and handoff of a 200 GET.
let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await openFreshDatabase();
  setDatabase(handle);
});
afterAll(async () => {
  setDatabase(undefined);
  await handle.close();
});

test('page data is served while its version is the newest known, recomputed once the version moves', async () => {
  let computed = 0;
  const compute = async () => ({ n: ++computed, at: 'x' });
  const forum = { id: 9_001, dataVersion: 5 };
  expect(await forumPageData(forum, 'k', compute)).toEqual({ n: 1, at: 'x' });
  const counted = { ...cacheCounts().page_data };
  expect(await forumPageData(forum, 'k', compute)).toEqual({ n: 1, at: 'x' });
  expect(cacheCounts().page_data).toEqual({ hit: counted.hit + 1, miss: counted.miss });
  // A request that read an older version (its session read raced a change) may be served the newer entry.
  expect(await forumPageData({ ...forum, dataVersion: 4 }, 'k', compute)).toEqual({ n: 1, at: 'x' });
  // The version moved: computed again, and the new entry replaces the old one.
  expect(await forumPageData({ ...forum, dataVersion: 6 }, 'k', compute)).toEqual({ n: 2, at: 'x' });
  expect(await forumPageData({ ...forum, dataVersion: 6 }, 'k', compute)).toEqual({ n: 2, at: 'x' });
  // Another key, another forum: their own entries.
  expect(await forumPageData({ ...forum, dataVersion: 6 }, 'other', compute)).toEqual({ n: 3, at: 'x' });
  expect(await forumPageData({ id: 9_002, dataVersion: 6 }, 'k', compute)).toEqual({ n: 4, at: 'x' });
});

test('concurrent misses compute once; a failed computation is not kept', async () => {
  let computed = 0;
  const slow = () => new Promise<{ n: number }>((resolve) => setTimeout(() => resolve({ n: ++computed }), 20));
  const forum = { id: 9_003, dataVersion: 1 };
  const all = await Promise.all([1, 2, 3].map(() => forumPageData(forum, 'k', slow)));
  expect(all).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
  expect(computed).toBe(1);
  await expect(forumPageData({ ...forum, dataVersion: 2 }, 'k', () => Promise.reject(new Error('no')))).rejects.toThrow(
    'no',
  );
  expect(await forumPageData({ ...forum, dataVersion: 2 }, 'k', slow)).toEqual({ n: 2 });
});

test('page data is handed out as its JSON copy (what the browser gets)', async () => {
  const data = await forumPageData({ id: 9_004, dataVersion: 1 }, 'k', async () => ({
    when: new Date(0),
    gone: undefined,
  }));
  expect(data).toEqual({ when: '1970-01-01T00:00:00.000Z' });
});

test('a forum value (the review schedule) is kept as computed, per version, and held only while current', async () => {
  let computed = 0;
  const compute = async () => ({ n: ++computed, reviews: new Map([[1, { at: new Date(0) }]]) });
  const forum = { id: 9_005, dataVersion: 3 };
  const bytes = () => 100;
  expect(heldForumValue(forum, 'schedule'), 'nothing held before a computation').toBeUndefined();
  const first = await forumValue(forum, 'schedule', compute, bytes);
  // Not a JSON copy: the same object, its Map and Dates intact, for every request at this version.
  expect(first.reviews.get(1)?.at).toBeInstanceOf(Date);
  expect(await forumValue(forum, 'schedule', compute, bytes)).toBe(first);
  expect(await heldForumValue(forum, 'schedule')).toBe(first);
  // The version moved: nothing held (a page reads its own), and the next computation is a new value.
  const moved = { ...forum, dataVersion: 4 };
  expect(heldForumValue(moved, 'schedule')).toBeUndefined();
  const second = await forumValue(moved, 'schedule', compute, bytes);
  expect(second.n).toBe(2);
  expect(computed).toBe(2);
  // It shares the page data's entries and rule: a key of one forum is not another's.
  expect(heldForumValue({ id: 9_006, dataVersion: 4 }, 'schedule')).toBeUndefined();
});

test('a render is reused only for a 200 GET with the same URL and handoff', () => {
  let renders = 0;
  const render = (): Rendered => {
    renders += 1;
    const parts = [Buffer.from(`page ${renders}`)];
    return { parts, bytes: parts[0].length };
  };
  const get = (url: string) => new Request(url);
  const text = (r: Rendered) => Buffer.concat(r.parts).toString();
  const url = 'http://x.test/forums/a?sort=owner';
  expect(text(reusedRender(get(url), 200, '{"a":1}', render))).toBe('page 1');
  const counted = { ...cacheCounts().render };
  expect(text(reusedRender(get(url), 200, '{"a":1}', render))).toBe('page 1');
  expect(cacheCounts().render).toEqual({ hit: counted.hit + 1, miss: counted.miss });
  // The data changed (the handoff holds every loader's data): rendered again.
  expect(text(reusedRender(get(url), 200, '{"a":2}', render))).toBe('page 2');
  // Another URL with the same data: rendered again (the HTML holds the URL).
  expect(text(reusedRender(get(`${url}&dir=desc`), 200, '{"a":2}', render))).toBe('page 3');
  // Not a 200, not a GET, no handoff: rendered each time and not kept.
  expect(text(reusedRender(get(url), 404, '{"a":2}', render))).toBe('page 4');
  expect(text(reusedRender(get(url), 404, '{"a":2}', render))).toBe('page 5');
  expect(text(reusedRender(new Request(url, { method: 'POST' }), 200, '{"a":2}', render))).toBe('page 6');
  expect(text(reusedRender(get('http://x.test/none'), 200, undefined, render))).toBe('page 7');
  expect(text(reusedRender(get('http://x.test/none'), 200, undefined, render))).toBe('page 8');
  // The first entry is still there.
  expect(text(reusedRender(get(url), 200, '{"a":1}', render))).toBe('page 1');
});

test('a reused render comes back part for part, from its deflated copy once the recent ones have moved on', () => {
  // 700 KB a page: the seven others push the first out of the most recently used renders kept as sent (4 MB), not
  // out of the deflated ones (16 MB), so the first comes back inflated.
  const page = (n: number) => [
    `<!DOCTYPE html><p>${n}</p><script nonce="`,
    '">x</script><p>é — ✓ ',
    `<li>${n}</li>`.repeat(70_000),
  ];
  const renderOf = (n: number) => (): Rendered => {
    const parts = page(n).map((p) => Buffer.from(p));
    return { parts, bytes: parts.reduce((b, p) => b + p.length, 0) };
  };
  const get = (n: number) => new Request(`http://x.test/forums/parts/${n}`);
  const first = reusedRender(get(0), 200, '{"p":0}', renderOf(0));
  for (let n = 1; n <= 7; n++) reusedRender(get(n), 200, `{"p":${n}}`, renderOf(n));
  const again = reusedRender(get(0), 200, '{"p":0}', () => {
    throw new Error('rendered again');
  });
  expect(again).not.toBe(first);
  expect(again.parts.map((p) => p.toString())).toEqual(page(0));
  expect(again.bytes).toBe(first.bytes);
});
