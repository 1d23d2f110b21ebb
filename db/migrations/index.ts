import type { Migration } from 'kysely';
import * as initial from './20261125T1400-initial';

// Listed statically so the same migrations run from the server, scripts and tests without a file scan.
export const migrations: Record<string, Migration> = {
  '20261125T1400-initial': initial,
};
