/**
 * A stand-in for the server in the backup tests: opens the embedded database in the folder given (taking its lock)
 * and answers backup requests exactly as server.ts does (startEmbeddedBackups), until SIGTERM.
 * Run: tsx tests/setup/hold-data-dir.ts DATA_DIR
 */
import { createPgliteDatabase } from '../../db/client';
import { startEmbeddedBackups } from '../../db/backup';

const dataDir = process.argv[2];
const handle = await createPgliteDatabase(dataDir);
const stop = startEmbeddedBackups(handle, {
  dataDir,
  keep: 0,
  log: (m) => console.log(m),
  warn: (m) => console.log(m),
});
process.on('SIGTERM', () => {
  stop();
  void handle.close().then(() => process.exit(0));
});
console.log('ready');
setInterval(() => {}, 1 << 30);
