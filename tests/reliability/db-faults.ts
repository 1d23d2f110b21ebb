/**
 * Database faults under load (issue: reliability). Against a PostgreSQL cluster of its own:
 * owners keep submitting status updates while we terminate the app's connections and then restart the
 * server. Passes when the app process never crashes, requests during the outage fail fast (503, never 500),
 * service resumes by itself, and every acknowledged submission is in the database afterwards.
 * Run: npm run build && tsx tests/reliability/db-faults.ts
 */
import {
  clusterUrl,
  cluster,
  createCluster,
  dropCluster,
  postStatus,
  psql,
  readStatusForm,
  signIn,
  sleep,
  startApp,
} from './harness';

const DB = 'if_reliability';
const RUN_MS = 16_000;

interface Ack {
  summary: string;
  at: number;
}

async function main() {
  createCluster();
  let failed = false;
  const fail = (msg: string) => {
    failed = true;
    console.error(`FAIL ${msg}`);
  };
  try {
    psql(`CREATE DATABASE ${DB}`);
    const app = await startApp({ DATABASE_URL: clusterUrl(DB), SEED_DEMO: 'true', ALLOW_DEMO_ACCOUNTS: 'true' });
    const projects = psql(
      `select p.id || ':' || u.email from projects p join users u on u.id = p.owner_id join forums f on f.id = p.forum_id where f.slug = 'demo' order by p.id`,
      DB,
    )
      .split('\n')
      .map((line) => ({ id: Number(line.split(':')[0]), email: line.split(':')[1] }));
    const cookies = new Map<string, string>();
    for (const p of projects) if (!cookies.has(p.email)) cookies.set(p.email, await signIn(app.url, p.email));

    const acks = new Map<number, Ack[]>();
    const attempted = new Map<number, string[]>();
    const statuses: Record<string, number> = {};
    const slowFailures: number[] = [];
    let outage = { from: 0, to: 0 };
    const started = Date.now();

    const worker = async (project: { id: number; email: string }) => {
      const cookie = cookies.get(project.email)!;
      let n = 0;
      while (Date.now() - started < RUN_MS) {
        const form = await readStatusForm(app.url, cookie, 'demo', project.id).catch(() => ({ status: 0 }));
        if ('status' in form) {
          statuses[`GET ${form.status}`] = (statuses[`GET ${form.status}`] ?? 0) + 1;
          await sleep(100);
          continue;
        }
        const summary = `reliability p${project.id} #${++n}`;
        attempted.set(project.id, [...(attempted.get(project.id) ?? []), summary]);
        const r = await postStatus(app.url, cookie, 'demo', project.id, form, summary);
        statuses[`POST ${r.status}`] = (statuses[`POST ${r.status}`] ?? 0) + 1;
        if (r.status === 303) acks.set(project.id, [...(acks.get(project.id) ?? []), { summary, at: Date.now() }]);
        else if (r.status >= 500 && r.ms > 5_000) slowFailures.push(r.ms);
        if (r.status !== 303) await sleep(100);
      }
    };

    const faults = (async () => {
      await sleep(4_000);
      console.log('fault: terminating the app’s database connections');
      psql(
        `select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = '${DB}' and pid <> pg_backend_pid()`,
      );
      await sleep(3_000);
      console.log('fault: stopping the PostgreSQL server for 3 s');
      outage = { from: Date.now(), to: 0 };
      cluster('stop');
      await sleep(3_000);
      cluster('start');
      outage.to = Date.now();
      console.log('fault: PostgreSQL is back');
    })();

    await Promise.all([...projects.map(worker), faults]);
    await sleep(500);

    if (app.child.exitCode !== null) fail(`the app process exited (${app.child.exitCode}):\n${app.output()}`);
    if (!(await fetch(`${app.url}/healthz`)).ok) fail('/healthz does not answer');
    if (!(await fetch(`${app.url}/readyz`)).ok) fail('/readyz does not answer after the outage');
    const ackCount = [...acks.values()].reduce((n, a) => n + a.length, 0);
    const after = [...acks.values()].flat().filter((a) => a.at > outage.to).length;
    console.log(
      `requests: ${JSON.stringify(statuses)}; acknowledged submissions: ${ackCount} (${after} after the outage)`,
    );
    if (statuses['POST 500'] || statuses['GET 500'])
      fail(
        `${(statuses['POST 500'] ?? 0) + (statuses['GET 500'] ?? 0)} requests answered 500 (expected 503 during the outage)`,
      );
    if (!statuses['POST 503'] && !statuses['GET 503']) fail('no request saw the 503 page during the outage');
    if (slowFailures.length)
      fail(`${slowFailures.length} failures took over 5 s (slowest ${Math.max(...slowFailures)} ms): not failing fast`);
    if (after === 0) fail('service did not resume after the outage');

    // Every acknowledged write is there: each project's saved summary is its last acknowledged one, or a
    // later attempt whose answer was lost in the outage (applied but not acknowledged).
    const saved = new Map(
      psql(
        `select s.project_id || '|' || s.summary from status_updates s join meetings m on m.id = s.meeting_id where s.summary like 'reliability %'`,
        DB,
      )
        .split('\n')
        .filter(Boolean)
        .map((l) => [Number(l.split('|')[0]), l.split('|')[1]] as const),
    );
    for (const [projectId, list] of acks) {
      const last = list.at(-1)!.summary;
      const tries = attempted.get(projectId) ?? [];
      const final = saved.get(projectId);
      if (!final || tries.indexOf(final) < tries.indexOf(last))
        fail(`project ${projectId}: acknowledged "${last}" but the database has "${final}"`);
    }
    await app.stop();
  } finally {
    dropCluster();
  }
  if (failed) process.exit(1);
  console.log('PASS database faults: no crash, 503 during the outage, resumed, no acknowledged write lost');
}

main().catch((err) => {
  console.error(err);
  dropCluster();
  process.exit(1);
});
