import { sql, type Kysely } from 'kysely';
import { expect, test } from 'vitest';
import type { Database } from '../../db/database';
import { seedDemoIfEmpty } from '../../db/seed';
import { generateBenchDataset } from '../../scripts/bench-data';
import { isDiscussed } from '../../app/modules/meetings/agenda';
import { planAgenda, pullAgendaItem, requestForNextMeeting } from '../../app/modules/meetings/agenda.server';
import { getReviewSchedule } from '../../app/modules/meetings/next-review.server';
import { recordOversightEvents } from '../../app/modules/oversight/oversight.server';
import { setDatabase, type Executor } from '../../app/utils/db.server';
import { loader as dashboardLoader } from '../../app/routes/forums.$slug._index';
import { loader as oversightLoader } from '../../app/routes/forums.$slug.oversight';
import { loader as projectLoader } from '../../app/routes/forums.$slug.projects.$id._index';
import { loader as csvLoader } from '../../app/routes/forums.$slug.projects[.]csv';
import { createProject, createReview, createStatus } from '../factories';
import { createMeetingWorld } from './meetings-world';
import { callRoute, signedInCookie } from './owners-world';
import { dbTest, openFreshDatabase } from '../setup/test-db';

// Issue #20.1, decision 019: who is reviewed when, and why, is computed in one place (the agenda's rules) and
// every page says the same: the agenda, the dashboard (its table, "N of M projects due", its due filter, the
// review load), the oversight page, each project page and the CSV.

type Row = {
  id: number;
  name: string;
  meetingsUntilReview: number;
  nextReview: { when: string; at: string | null; label: string } | null;
};

/** Every page's numbers for a forum, checked against the agenda. Returns the schedule for further checks. */
async function expectOneTruth(
  db: Executor,
  {
    slug,
    forumId,
    cookie,
    projectPages = Infinity,
  }: { slug: string; forumId: number; cookie: string; projectPages?: number },
) {
  const schedule = await getReviewSchedule(db, { forumId });
  const meeting = schedule.meeting;
  expect(meeting, 'a coming meeting').not.toBeNull();
  const until = new Map([...schedule.reviews.values()].map((r) => [r.projectId, r.meetingsUntil]));

  // The agenda (the meeting page's, and what starting the meeting stores): its discussed items are exactly the
  // projects reviewed at the coming meeting; each consent item's "in N meetings" is the schedule's.
  if (meeting!.state === 'planned') {
    const agenda = await planAgenda(db, { id: meeting!.id, forumId, scheduledAt: meeting!.scheduledAt });
    expect(agenda).toHaveLength(schedule.reviews.size);
    for (const item of agenda) {
      const r = schedule.reviews.get(item.projectId)!;
      expect(r.meetingsUntil === 0, `project ${item.projectId}: ${item.reason}`).toBe(isDiscussed(item));
      if (!isDiscussed(item)) expect(item.reason).toContain(`Next review ${r.when},`);
    }
  }
  const due = schedule.dueAtComingMeeting;
  expect(due).toBe([...until.values()].filter((n) => n === 0).length);

  const get = async (loader: Parameters<typeof callRoute>[0], path: string, params: Record<string, string> = {}) => {
    const response = await callRoute(loader, { path, cookie, params: { slug, ...params } });
    expect(response.status, path).toBe(200);
    return response;
  };

  // Dashboard: every row, "N of M projects due", the due filter and the review load say the same.
  const rows: Row[] = [];
  let body: {
    total: number;
    summary: { dueThisMeeting: number; projects: number };
    load: { current: { discussed: number } | null };
    projects: Row[];
  };
  let page = 1;
  do {
    body = await (await get(dashboardLoader, `/forums/${slug}?size=500&page=${page}`)).json();
    rows.push(...body.projects);
    page += 1;
  } while (rows.length < body.total);
  expect(rows).toHaveLength(schedule.reviews.size);
  expect(body.summary).toMatchObject({ dueThisMeeting: due, projects: schedule.reviews.size });
  expect(body.load.current?.discussed).toBe(due);
  const dueOnly: { total: number } = await (await get(dashboardLoader, `/forums/${slug}?due=1`)).json();
  expect(dueOnly.total).toBe(due);
  for (const row of rows) {
    const r = schedule.reviews.get(row.id)!;
    expect(row.meetingsUntilReview, row.name).toBe(r.meetingsUntil);
    expect(row.nextReview, row.name).toMatchObject({ when: r.when, label: r.label, at: r.at?.toISOString() ?? null });
  }

  // The oversight page, page by page.
  let oversightRows = 0;
  for (let p = 1; ; p++) {
    const o: {
      projects: {
        items: { id: number; name: string; meetingsUntilReview: number; nextReview: { when: string } }[];
        pages: number;
      };
    } = await (await get(oversightLoader, `/forums/${slug}/oversight?page=${p}`)).json();
    for (const item of o.projects.items) {
      expect(item.meetingsUntilReview, item.name).toBe(until.get(item.id));
      expect(item.nextReview.when, item.name).toBe(schedule.reviews.get(item.id)!.when);
      oversightRows += 1;
    }
    if (p >= o.projects.pages) break;
  }
  expect(oversightRows).toBe(schedule.reviews.size);

  // The CSV: every project's "Meetings until review" and reason.
  const csv = await (await get(csvLoader, `/forums/${slug}/projects.csv`)).text();
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  const cellsOf = (line: string) => line.split(',').map((c) => c.replace(/^"|"$/g, '').replace(/""/g, '"'));
  const columns = cellsOf(header);
  const untilColumn = columns.indexOf('Meetings until review');
  const reasonColumn = columns.indexOf('Next review reason');
  expect(untilColumn).toBeGreaterThan(0);
  expect(lines).toHaveLength(schedule.reviews.size);
  const byName = new Map(rows.map((r) => [r.name, r.id]));
  for (const line of lines) {
    // Project names in these datasets have no commas or quotes, so a plain split reads the row.
    const cells = cellsOf(line);
    const id = byName.get(cells[0])!;
    expect(Number(cells[untilColumn]), cells[0]).toBe(until.get(id));
    expect(cells[reasonColumn], cells[0]).toBe(schedule.reviews.get(id)!.label);
  }

  // Project pages (all of them, or a sample of a big forum: every kind of reason, then the first few).
  const kinds = new Map<string, number>();
  for (const r of schedule.reviews.values()) if (!kinds.has(r.kind)) kinds.set(r.kind, r.projectId);
  const sample = [...new Set([...kinds.values(), ...[...until.keys()].slice(0, projectPages)])];
  for (const id of projectPages === Infinity ? [...until.keys()] : sample) {
    const p: { nextReview: { meetingsUntil: number; when: string; label: string } } = await (
      await get(projectLoader, `/forums/${slug}/projects/${id}`, { id: String(id) })
    ).json();
    const r = schedule.reviews.get(id)!;
    expect(p.nextReview, `project ${id}`).toMatchObject({
      meetingsUntil: r.meetingsUntil,
      when: r.when,
      label: r.label,
    });
  }
  return schedule;
}

dbTest('a forum with every kind of exception: every page agrees with the agenda', async ({ db }) => {
  const w = await createMeetingWorld(db);
  const { forum, users, past, coming } = w;
  const project = async (
    name: string,
    level: 'standard' | 'light' | 'trusted',
    {
      reviewedAt,
      verdict,
      status,
      pulledByStatus = false,
    }: { reviewedAt: number; verdict?: 'off_track'; status: 'on_track' | 'off_track' | null; pulledByStatus?: boolean },
  ) => {
    const p = await createProject(db, { forumId: forum.id, ownerId: users.ava.id, name, level });
    await recordOversightEvents(db, {
      projectId: p.id,
      inputs: [
        { event: { type: 'start', level, reason: 'Test start' }, occurredAt: past[0].scheduled_at },
        // A flagged status pulls the project into the next meeting (the engine's pull), until it is reviewed.
        ...(pulledByStatus
          ? [{ event: { type: 'status' as const, health: 'at_risk' as const }, occurredAt: past[2].scheduled_at }]
          : []),
      ],
    });
    await createReview(db, {
      meetingId: past[reviewedAt].id,
      projectId: p.id,
      reviewerId: users.chair.id,
      verdict: verdict ?? 'on_track',
    });
    if (status)
      await createStatus(db, {
        projectId: p.id,
        meetingId: coming.id,
        authorId: users.ava.id,
        health: status,
        summary: name,
      });
    return p;
  };
  const offTrack = await project('Off track self-reported', 'light', { reviewedAt: 2, status: 'off_track' });
  const offVerdict = await project('Off track verdict', 'light', {
    reviewedAt: 2,
    verdict: 'off_track',
    status: 'on_track',
  });
  const requested = await project('Requested', 'trusted', { reviewedAt: 2, status: 'on_track' });
  const pulled = await project('Pulled by a leader', 'trusted', { reviewedAt: 2, status: 'on_track' });
  const pulledByStatus = await project('Pulled by a status', 'trusted', {
    reviewedAt: 2,
    status: 'on_track',
    pulledByStatus: true,
  });
  // A leader asks for one at the coming meeting (from the last closed one) and pulls another from consent.
  expect(
    (
      await requestForNextMeeting(db, {
        forumId: forum.id,
        meetingId: past[2].id,
        projectId: requested.id,
        actorId: users.leader.id,
      })
    ).ok,
  ).toBe(true);
  expect(
    (
      await pullAgendaItem(db, {
        forumId: forum.id,
        meetingId: coming.id,
        projectId: pulled.id,
        actorId: users.leader.id,
      })
    ).ok,
  ).toBe(true);

  const schedule = await expectOneTruth(db, { slug: forum.slug, forumId: forum.id, cookie: users.chair.cookie });
  const kind = (id: number) => schedule.reviews.get(id)!.kind;
  expect(kind(w.projects.escalated.id)).toBe('escalated');
  expect(kind(offTrack.id)).toBe('off_track');
  expect(kind(offVerdict.id)).toBe('off_track');
  expect(kind(w.projects.missing.id)).toBe('status_missing');
  expect(kind(w.projects.risky.id)).toBe('at_risk');
  expect(kind(w.projects.kickoff.id)).toBe('kickoff');
  expect(kind(requested.id)).toBe('requested');
  expect(kind(pulled.id)).toBe('pulled');
  expect(kind(pulledByStatus.id)).toBe('cadence');
  expect(kind(w.projects.due.id)).toBe('cadence');
  expect(kind(w.projects.trusted.id)).toBe('scheduled');
  // Trusted (every 8 meetings), reviewed at the last closed meeting: 7 meetings on, the 8th from now.
  expect(schedule.reviews.get(w.projects.trusted.id)).toMatchObject({
    meetingsUntil: 7,
    when: 'in 8 meetings',
    label: 'By cadence',
  });
  expect(schedule.reviews.get(w.projects.light.id)).toMatchObject({ meetingsUntil: 3, when: 'in 4 meetings' });
  // Beyond the planned meetings the dates continue the forum's weekly cadence.
  const at = schedule.reviews.get(w.projects.trusted.id)!.at!;
  expect(Math.round((at.getTime() - coming.scheduled_at.getTime()) / (7 * 86_400_000))).toBe(7);
  // Ten reviewed at the coming meeting: the exceptions, the pulled and the due; the Trusted and Light ones later.
  expect(schedule.dueAtComingMeeting).toBe(10);
});

async function withChair(db: Kysely<Database>, forumId: number) {
  const chair = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('forum_id', '=', forumId)
    .where('role', '=', 'chair')
    .orderBy('user_id')
    .executeTakeFirstOrThrow();
  return signedInCookie(db, chair.user_id);
}

test('the demo data: every page agrees with the agenda', async () => {
  const handle = await openFreshDatabase();
  try {
    await seedDemoIfEmpty(handle.db);
    setDatabase(handle);
    const forum = await handle.db
      .selectFrom('forums')
      .select(['id', 'slug'])
      .where('slug', '=', 'demo')
      .executeTakeFirstOrThrow();
    const schedule = await expectOneTruth(handle.db, {
      slug: forum.slug,
      forumId: forum.id,
      cookie: await withChair(handle.db, forum.id),
    });
    // The demo has exceptions at its coming meeting, and projects due later.
    expect(schedule.dueAtComingMeeting).toBeGreaterThan(0);
    expect([...schedule.reviews.values()].some((r) => r.meetingsUntil > 0)).toBe(true);
  } finally {
    setDatabase(undefined);
    await handle.close();
  }
}, 300_000);

test('the benchmark dataset (smaller): every page agrees with the agenda', async () => {
  const handle = await openFreshDatabase();
  try {
    const dataset = await generateBenchDataset(handle.db, {
      projects: 60,
      weeks: 30,
      otherForums: 1,
      otherProjects: 5,
      otherWeeks: 4,
      benchOwnedProjects: 4,
      seed: 7,
    });
    setDatabase(handle);
    await sql`analyze`.execute(handle.db);
    const schedule = await expectOneTruth(handle.db, {
      slug: dataset.slug,
      forumId: dataset.forumId,
      cookie: await withChair(handle.db, dataset.forumId),
      projectPages: 5,
    });
    expect(schedule.reviews.size).toBe(60);
  } finally {
    setDatabase(undefined);
    await handle.close();
  }
}, 300_000);
