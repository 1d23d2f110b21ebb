import fs from 'node:fs';
import path from 'node:path';
import { migrateToLatest, openDatabase } from '../db/client';
import { seedDemoIfEmpty } from '../db/seed';
import { parseEnv } from '../app/utils/env.server';

// npm run db:migrate | db:seed | db:reset  (reset wipes only the local embedded data folder)
async function main() {
  const command = process.argv[2];
  const env = parseEnv();
  if (!['migrate', 'seed', 'reset'].includes(command ?? '')) {
    console.error('usage: tsx scripts/db.ts migrate|seed|reset');
    process.exit(2);
  }
  if (command === 'reset') {
    if (env.DATABASE_URL) {
      console.error(
        'db:reset wipes the embedded database only; unset DATABASE_URL (it will not drop a server database).',
      );
      process.exit(2);
    }
    const pgDir = path.join(env.DATA_DIR, 'pg');
    if (fs.existsSync(path.join(env.DATA_DIR, 'lock.pid'))) {
      // Taking the lock first refuses to wipe data that a running server has open.
      const { acquireDataDirLock } = await import('../db/client');
      acquireDataDirLock(env.DATA_DIR)();
    }
    fs.rmSync(pgDir, { recursive: true, force: true });
    console.log(`Removed ${path.resolve(pgDir)}`);
  }
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    await migrateToLatest(handle.db);
    console.log('Migrated to the latest schema');
    if (command !== 'migrate') {
      const seeded = await seedDemoIfEmpty(handle.db);
      console.log(seeded ? 'Seeded the demo forum' : 'The database already has data: not seeded');
    }
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
