import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPgliteDatabase, migrateToLatest } from '../../db/client';
import { migrateTemplate } from './server-db';

/** Where the migrated embedded database's dump lies for this run (read by test-db.ts in every test worker). */
export const PGLITE_TEMPLATE_ENV = 'TEST_PGLITE_TEMPLATE';

// Each test file gets a database of its own, copied from one migrated once here. On the PostgreSQL server: a
// template database (CREATE DATABASE … TEMPLATE). On PGlite: a dump of the migrated data folder, which a new PGlite
// loads in about a third of the time an empty one takes to initialise (initdb inside WebAssembly is the slow part).
export default async function setup(): Promise<() => void> {
  const url = process.env.DATABASE_URL;
  if (url) {
    await migrateTemplate(url);
    return () => {};
  }
  const handle = await createPgliteDatabase();
  await migrateToLatest(handle.db);
  const dump = await handle.pglite!.dumpDataDir('none');
  await handle.close();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inspection-forum-vitest-'));
  const file = path.join(dir, 'migrated.tar');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  process.env[PGLITE_TEMPLATE_ENV] = file;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
