import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { expect, test } from 'vitest';
import type { Database } from '../../db/database';
import { seedDemoIfEmpty } from '../../db/seed';
import { setDatabase } from '../../app/utils/db.server';
import { openFreshDatabase } from '../setup/test-db';
import { callRoute, signedInCookie } from './owners-world';

// No GET changes what people entered: walk every route module's loader, as every role, over the demo forum,
// and compare the domain tables before and after. (Sessions and the audit log are bookkeeping a page view may
// write; the planned schedule and the agendas are not: they are planned and built by writes, never by a view.)
async function fingerprint(db: Kysely<Database>) {
  const { rows } = await sql<Record<string, string>>`select
    (select md5(coalesce(string_agg(id || level, ',' order by id), '')) from (select id, oversight_level || oversight_interval || oversight_escalated as level from projects) p) as projects,
    (select md5(coalesce(string_agg(id || summary || version, ',' order by id), '')) from status_updates) as statuses,
    (select count(*) || '/' || coalesce(max(id), 0) from status_goal_values v join status_updates s on s.id = v.status_update_id) as goal_values,
    (select md5(coalesce(string_agg(id || title || state || coalesce(target::text, ''), ',' order by id), '')) from goals) as goals,
    (select count(*) from goal_revisions) as goal_revisions,
    (select md5(coalesce(string_agg(id || verdict || feedback, ',' order by id), '')) from reviews) as reviews,
    (select md5(coalesce(string_agg(id || coalesce(done_at::text, ''), ',' order by id), '')) from action_items) as action_items,
    (select count(*) || '/' || coalesce(max(id), 0) from oversight_events) as oversight_events,
    (select md5(coalesce(string_agg(id || state || scheduled_at::text, ',' order by id), '')) from meetings) as meetings,
    (select md5(coalesce(string_agg(concat_ws('|', id, meeting_id, project_id, section, reason, position, pulled, requested_by), ',' order by id), '')) from agenda_items) as agenda_items,
    (select count(*) from memberships) as memberships,
    (select md5(coalesce(string_agg(id || password_hash, ',' order by id), '')) from users) as users`.execute(db);
  return rows[0];
}

test('no GET request changes state, for any route and role', async () => {
  const handle = await openFreshDatabase();
  try {
    await seedDemoIfEmpty(handle.db);
    setDatabase(handle);
    const db = handle.db;
    const ids = await sql<{ project: number; meeting: number; closed: number; goal: number; action: number }>`select
      (select min(id) from projects) as project, (select id from meetings where state = 'planned' order by scheduled_at limit 1) as meeting,
      (select max(id) from meetings where state = 'closed') as closed, (select min(id) from goals) as goal, (select min(id) from action_items) as action`.execute(
      db,
    );
    const { project, meeting, closed, goal, action } = ids.rows[0];
    const users = await db.selectFrom('users').select(['id', 'email']).execute();

    const routesDir = path.resolve('app/routes');
    const files = fs.readdirSync(routesDir).filter((f) => /\.(ts|tsx)$/.test(f) && !f.endsWith('.test.ts'));
    const before = await fingerprint(db);
    let calls = 0;
    for (const file of files) {
      const mod = (await import(path.join(routesDir, file))) as { loader?: Parameters<typeof callRoute>[0] };
      if (!mod.loader) continue;
      const meetingRoute = file.includes('meetings.$id');
      for (const id of meetingRoute ? [meeting, closed] : [project]) {
        const params: Record<string, string> = {
          slug: 'demo',
          id: String(file.includes('action-items') ? action : id),
          goalId: String(goal),
        };
        for (const user of users) {
          const response = await callRoute(mod.loader, {
            path: `/${file}`,
            cookie: await signedInCookie(db, user.id),
            params,
          });
          expect(response.status, `${file} as ${user.email}`).toBeLessThan(500);
          calls++;
        }
      }
    }
    expect(calls).toBeGreaterThan(100);
    expect(await fingerprint(db)).toEqual(before);
  } finally {
    setDatabase(undefined);
    await handle.close();
  }
}, 120_000);
