import type { Kysely, KyselyPlugin } from 'kysely';
import type { Database } from '../../db/database';

/** Wraps a Kysely instance so every query it runs (raw SQL too) is counted. */
export function countingQueries<D extends Kysely<Database>>(db: D): { db: D; count: () => number; reset: () => void } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      n += 1;
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
  return { db: db.withPlugin(plugin) as D, count: () => n, reset: () => (n = 0) };
}
