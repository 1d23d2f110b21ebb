/**
 * Scale-out (issue: reliability): two app instances on one PostgreSQL server. A session made on one works on
 * the other; failed sign-ins are throttled across both; a meeting closed on both at once is applied once.
 * What an instance keeps in memory (sessions, page data) it learns to drop from the database. Run: npm run build && tsx tests/reliability/scale-out.ts
 */
import { execFileSync } from 'node:child_process';
import { signIn, startApp } from './harness';

const DB = `if_scaleout_${process.pid}`;
const psql = (sql: string, db = 'postgres') =>
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-Atqc', sql], { encoding: 'utf8' }).trim();

async function main() {
  const url = `postgres://postgres@127.0.0.1:5432/${DB}`;
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  let failed = false;
  const fail = (msg: string) => {
    failed = true;
    console.error(`FAIL ${msg}`);
  };
  const a = await startApp({ DATABASE_URL: url, SEED_DEMO: 'true', ALLOW_DEMO_ACCOUNTS: 'true' });
  const b = await startApp({ DATABASE_URL: url, SEED_DEMO: 'true', ALLOW_DEMO_ACCOUNTS: 'true' });
  try {
    // A session made on A works on B, and signing out on B ends it on A — which keeps sessions in memory and
    // hears of the sign-out from the database's notification (app/modules/auth/session-cache.server.ts).
    const cookie = await signIn(a.url, 'leader@demo.test');
    const view = (base: string) =>
      fetch(`${base}/forums/demo`, { headers: { Cookie: cookie }, redirect: 'manual' }).then((r) => r.status);
    if ((await view(b.url)) !== 200) fail('a session from instance A is not accepted by B');
    for (let i = 0; i < 3; i++) await view(a.url); // kept in A's memory by now
    await fetch(`${b.url}/logout`, { method: 'POST', headers: { Cookie: cookie }, redirect: 'manual' });
    const signedOut = Date.now();
    let endedOnA = false;
    while (Date.now() - signedOut < 2_000 && !(endedOnA = (await view(a.url)) === 302))
      await new Promise((r) => setTimeout(r, 5));
    if (!endedOnA) fail('signing out on B did not end the session on A within 2 s');
    else console.log(`signing out on B ended the session on A after ${Date.now() - signedOut} ms`);

    // Failed sign-ins count across instances.
    const attempt = (base: string, password: string) =>
      fetch(`${base}/login`, {
        method: 'POST',
        body: new URLSearchParams({ email: 'owner3@demo.test', password }),
        redirect: 'manual',
      }).then((r) => r.status);
    for (let i = 0; i < 10; i++) await attempt(i % 2 ? a.url : b.url, 'wrong password');
    const limitedA = await attempt(a.url, 'inspection-demo');
    const limitedB = await attempt(b.url, 'inspection-demo');
    if (limitedA !== 429 || limitedB !== 429)
      fail(
        `after 10 failures across both instances, sign-in answered ${limitedA} on A and ${limitedB} on B (expected 429)`,
      );

    // One meeting closed on both instances at once is applied once.
    const chair = await signIn(a.url, 'chair@demo.test');
    const meeting = Number(
      psql(
        `select m.id from meetings m join forums f on f.id = m.forum_id where f.slug = 'demo' and m.state = 'planned' order by m.scheduled_at limit 1`,
        DB,
      ),
    );
    // Both are confirmed steps (an early start and every close ask first: docs/decisions/007).
    const post = (base: string, intent: string) =>
      fetch(`${base}/forums/demo/meetings/${meeting}`, {
        method: 'POST',
        headers: { Cookie: chair },
        body: new URLSearchParams({ intent, confirm: 'yes' }),
        redirect: 'manual',
      }).then((r) => r.status);
    // Missing statuses are recorded only when the deadline had passed at the start (the seed's meeting is next Monday).
    const deadlinePassed =
      psql(
        `select m.scheduled_at - f.status_deadline_hours * interval '1 hour' <= now() from meetings m join forums f on f.id = m.forum_id where m.id = ${meeting}`,
        DB,
      ) === 't';
    const started = await post(a.url, 'start');
    if (started >= 400) fail(`starting the meeting answered ${started}`);
    const closes = await Promise.all([
      post(a.url, 'close'),
      post(b.url, 'close'),
      post(a.url, 'close'),
      post(b.url, 'close'),
    ]);
    if (closes.some((s) => s >= 500)) fail(`concurrent closes answered ${closes.join(', ')}`);
    const state = psql(`select state from meetings where id = ${meeting}`, DB);
    const duplicates = psql(
      `select count(*) from (select project_id, type from oversight_events where meeting_id = ${meeting} and type in ('missed', 'review') group by 1, 2 having count(*) > 1) d`,
      DB,
    );
    const missed = Number(
      psql(`select count(*) from oversight_events where meeting_id = ${meeting} and type = 'missed'`, DB),
    );
    const closedAudits = Number(
      psql(`select count(*) from audit_log where action like 'meeting.close%' and target like '%${meeting}%'`, DB) ||
        '0',
    );
    console.log(
      `closes answered ${closes.join(', ')}; meeting ${state}; ${missed} missed statuses recorded; close audit rows ${closedAudits}`,
    );
    if (state !== 'closed') fail(`the meeting is ${state}, not closed`);
    if (duplicates !== '0') fail(`${duplicates} project/event pairs were applied twice`);
    if (missed !== (deadlinePassed ? 2 : 0))
      fail(
        `expected the 2 projects without a status to be recorded missed ${deadlinePassed ? 'once each' : 'not at all (before the deadline)'}, got ${missed}`,
      );
    if (a.child.exitCode !== null || b.child.exitCode !== null) fail('an instance exited');
  } finally {
    await a.stop();
    await b.stop();
    psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  }
  if (failed) process.exit(1);
  console.log('PASS scale-out: sessions, throttling and meeting close are correct across two instances');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
