/**
 * Hits and misses of the in-memory layers that serve pages (decision 017): rendered pages, page data per forum
 * version and sessions. They tell, on the real mix of requests, whether a layer pays; `npm run bench` reports them
 * per route and /metrics as `cache_lookups_total{layer, result}`. Kept on globalThis: the server bundle (which
 * serves /metrics) and the app's bundle (which looks things up) each have their own copy of this module.
 */
export type CacheLayer = 'render' | 'page_data' | 'session' | 'status_form';
export type CacheCounts = Record<CacheLayer, { hit: number; miss: number }>;

const KEY = Symbol.for('inspection-forum.cache-stats');

export function cacheCounts(): CacheCounts {
  const store = globalThis as unknown as Record<symbol, CacheCounts | undefined>;
  return (store[KEY] ??= {
    render: { hit: 0, miss: 0 },
    page_data: { hit: 0, miss: 0 },
    session: { hit: 0, miss: 0 },
    status_form: { hit: 0, miss: 0 },
  });
}

export function countLookup(layer: CacheLayer, hit: boolean): void {
  cacheCounts()[layer][hit ? 'hit' : 'miss'] += 1;
}

/**
 * Layers switched off for a measurement (`PAGE_CACHE_OFF=render,page_data,session,status_form,prepared`): the benchmark's A/B runs of
 * decision 023 compare a layer's CPU per request with and without it. Never set in production.
 */
export function layerOff(layer: CacheLayer | 'prepared'): boolean {
  return (process.env.PAGE_CACHE_OFF ?? '').split(',').includes(layer);
}
