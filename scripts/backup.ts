import { parseEnv } from '../app/utils/env.server';
import { BackupRefusedError, backupDatabase, restoreDatabase } from '../db/backup';

// npm run db:backup -- FILE            on DATABASE_URL's server (pg_dump) or the embedded database in DATA_DIR
// npm run db:restore -- FILE [--force]
const USAGE = 'usage: tsx scripts/backup.ts backup FILE | restore FILE [--force]\n';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const force = rest.includes('--force');
  const files = rest.filter((a) => a !== '--force');
  const unknown = files.filter((a) => a.startsWith('--'));
  if (
    !['backup', 'restore'].includes(command ?? '') ||
    files.length !== 1 ||
    unknown.length > 0 ||
    (force && command !== 'restore')
  ) {
    process.stderr.write(unknown.length ? `unknown option: ${unknown[0]}\n${USAGE}` : USAGE);
    return 2;
  }
  const env = parseEnv();
  const target = { databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR };
  try {
    const message =
      command === 'backup'
        ? await backupDatabase(target, files[0])
        : await restoreDatabase(target, files[0], { force });
    console.log(message);
    return 0;
  } catch (err) {
    if (err instanceof BackupRefusedError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
