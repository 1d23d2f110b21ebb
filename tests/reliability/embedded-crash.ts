/**
 * The embedded database under a crash (issue: reliability). Owners submit status updates to the app on
 * PGlite; the process is killed with SIGKILL mid-write; the next start must open the data (taking over the
 * stale lock) with every acknowledged write in it. Also: SIGTERM shuts down cleanly and releases the lock,
 * and a second process on the same folder is refused while the first runs.
 * Run: npm run build && tsx tests/reliability/embedded-crash.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPgliteDatabase } from '../../db/client';
import { postStatus, readStatusForm, signIn, sleep, startApp } from './harness';

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'if-crash-'));
  const env = { DATA_DIR: dataDir, SEED_DEMO: 'true', DATABASE_URL: '' };
  let failed = false;
  const fail = (msg: string) => {
    failed = true;
    console.error(`FAIL ${msg}`);
  };
  try {
    const first = await startApp(env);
    const second = await startApp(env).then(
      (app) => app,
      (err: Error) => err,
    );
    if (!(second instanceof Error) || !/in use by another Inspection Forum process/.test(second.message))
      fail('a second process opened the same data folder');

    const owners = [
      { email: 'owner1@demo.test', name: 'Checkout redesign' },
      { email: 'owner3@demo.test', name: 'Mobile app 3.0' },
      { email: 'owner5@demo.test', name: 'Security audit' },
    ];
    // Project ids by name from the dashboard CSV (the folder is locked to the app while it runs).
    const chair = await signIn(first.url, 'chair@demo.test');
    const csv = await (await fetch(`${first.url}/forums/demo`, { headers: { Cookie: chair } })).text();
    const ids = owners.map((o) => Number(new RegExp(`/forums/demo/projects/(\\d+)"[^>]*>${o.name}<`).exec(csv)?.[1]));
    if (ids.some((id) => !Number.isInteger(id))) throw new Error('could not find the demo projects');

    const acked = new Map<number, string>();
    const attempts = new Map<number, string[]>();
    let stop = false;
    const workers = owners.map(async (o, i) => {
      const cookie = await signIn(first.url, o.email);
      for (let n = 1; !stop; n++) {
        const form = await readStatusForm(first.url, cookie, 'demo', ids[i]).catch(() => null);
        if (!form || 'status' in form) {
          if (!stop) console.log(`${o.email}: status form answered ${form ? form.status : 'nothing'}`);
          break;
        }
        const summary = `crash ${o.email} #${n}`;
        attempts.set(ids[i], [...(attempts.get(ids[i]) ?? []), summary]);
        const r = await postStatus(first.url, cookie, 'demo', ids[i], form, summary);
        if (r.status === 303) acked.set(ids[i], summary);
        else {
          if (!stop) console.log(`${o.email}: submission answered ${r.status}`);
          break;
        }
      }
    });
    await sleep(4_000);
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await first.stop();
    console.log(`killed with SIGKILL after ${[...acked.values()].length} projects had acknowledged writes`);

    const restarted = await startApp(env);
    if (!(await fetch(`${restarted.url}/readyz`)).ok) fail('the restarted app is not ready');
    const code = await restarted.stop('SIGTERM');
    if (code !== 0) fail(`SIGTERM shutdown exited with ${code}:\n${restarted.output()}`);
    if (fs.existsSync(path.join(dataDir, 'lock.pid'))) fail('the lock file is still there after a clean shutdown');

    const handle = await createPgliteDatabase(dataDir);
    try {
      for (const [projectId, summary] of acked) {
        const row = await handle.db
          .selectFrom('status_updates')
          .select('summary')
          .where('project_id', '=', projectId)
          .where('summary', 'like', 'crash %')
          .orderBy('updated_at', 'desc')
          .executeTakeFirst();
        const tries = attempts.get(projectId) ?? [];
        if (!row || tries.indexOf(row.summary) < tries.indexOf(summary))
          fail(`project ${projectId}: acknowledged "${summary}", found "${row?.summary}"`);
      }
    } finally {
      await handle.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (failed) process.exit(1);
  console.log('PASS embedded database: second process refused, acknowledged writes survive SIGKILL, clean SIGTERM');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
