import { describe, expect } from 'vitest';
import { dbTest as test } from '../setup/test-db';
import { countingQueries } from '../setup/count-queries';
import { createMeeting } from '../factories';
import { action as projectAction, loader as projectLoader } from '../../app/routes/forums.$slug.projects.$id._index';
import { action as statusAction } from '../../app/routes/forums.$slug.projects.$id.status';
import { getProjectPage } from '../../app/modules/projects/project-page.server';
import { recordOversightEvents } from '../../app/modules/oversight/oversight.server';
import type { Executor } from '../../app/utils/db.server';
import { DAY_MS, callRoute, createOwnersWorld, type OwnersWorld } from './owners-world';

type Who = keyof OwnersWorld['users'];

function projectRoute(
  w: OwnersWorld,
  who: Who,
  {
    form,
    projectId = w.project.id,
    search = '',
  }: { form?: Record<string, string>; projectId?: number; search?: string } = {},
) {
  const params = { slug: w.forum.slug, id: String(projectId) };
  return callRoute(form ? projectAction : projectLoader, {
    path: `/forums/${w.forum.slug}/projects/${projectId}${search}`,
    cookie: w.users[who].cookie,
    params,
    form,
  });
}

async function overrideEvents(db: Executor, projectId: number) {
  return db
    .selectFrom('oversight_events')
    .select(['from_level', 'to_level', 'rule', 'explanation', 'actor_id'])
    .where('project_id', '=', projectId)
    .where('type', '=', 'override')
    .execute();
}

/** A project with a history: weeks of statuses (one with hostile markdown), reviews, action items and events. */
async function withHistory(db: Executor, w: OwnersWorld, weeks: number) {
  for (let i = weeks; i >= 1; i--) {
    const meeting = await createMeeting(db, {
      forumId: w.forum.id,
      scheduledAt: new Date(Date.now() - i * 7 * DAY_MS),
      state: 'closed',
    });
    const status = await db
      .insertInto('status_updates')
      .values({
        project_id: w.project.id,
        meeting_id: meeting.id,
        author_id: w.users.owner.id,
        health: 'on_track',
        summary:
          i === 1
            ? 'See <script>alert(1)</script> and [this](javascript:alert(1)) or [docs](https://example.test/d)'
            : `Week ${i}`,
        risks: i === 1 ? '<img src=x onerror=alert(1)>' : '',
        created_at: new Date(meeting.scheduled_at.getTime() - DAY_MS),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('status_goal_values')
      .values({ status_update_id: status.id, goal_id: w.metric.id, value: 800 - i * 10, done: null })
      .execute();
    const review = await db
      .insertInto('reviews')
      .values({
        meeting_id: meeting.id,
        project_id: w.project.id,
        reviewer_id: w.users.leader.id,
        verdict: 'on_track',
        self_report: 'on_track',
        feedback: `Good ${i}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('action_items')
      .values({
        meeting_id: meeting.id,
        review_id: review.id,
        project_id: w.project.id,
        text: `Do ${i}`,
        assignee_id: w.users.owner.id,
      })
      .execute();
    await recordOversightEvents(db, {
      projectId: w.project.id,
      inputs: [
        { event: { type: 'status', health: 'on_track' }, meetingId: meeting.id, actorId: w.users.owner.id },
        {
          event: { type: 'review', verdict: 'on_track', selfReport: 'on_track' },
          meetingId: meeting.id,
          actorId: w.users.leader.id,
        },
      ],
    });
  }
}

describe('project page', () => {
  test('every member sees the owner, oversight, goals, statuses, reviews, action items and the explained history', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    await withHistory(db, w, 4);
    for (const who of ['observer', 'otherOwner', 'leader'] as const)
      expect((await projectRoute(w, who)).status).toBe(200);
    expect((await projectRoute(w, 'outsider')).status).toBe(404);
    const elsewhere = await createOwnersWorld(db);
    expect((await projectRoute(w, 'chair', { projectId: elsewhere.project.id })).status).toBe(404);

    const page = await (await projectRoute(w, 'observer')).json();
    expect(page.project).toMatchObject({
      name: 'Latency work',
      ownerName: 'owner',
      level: 'light',
      progress: '0 of 4 on-track reviews toward Trusted',
    });
    expect(page.project.explanation).toMatch(/^Standard → Light/);
    expect(page).toMatchObject({ canManage: false, canOverride: false });
    const metric = page.goals.find((g: { id: number }) => g.id === w.metric.id);
    expect(metric.points.map((v: { value: number }) => v.value)).toEqual([760, 770, 780, 790]);
    expect(page.statuses).toMatchObject({ total: 4, page: 1, pages: 1 });
    expect(page.statuses.items).toHaveLength(4);
    expect(page.reviews.items).toHaveLength(4);
    expect(page.actionItems).toHaveLength(4);
    expect(page.eventCount).toBe(8);
    // The level changes by default; each rule in plain words.
    const change = page.events.items.find((e: { from: string; to: string }) => e.from !== e.to);
    expect(change).toMatchObject({
      from: 'standard',
      to: 'light',
      rule: 'loosen',
      ruleName: 'Loosened after on-track reviews',
      actor: 'leader',
    });
    expect((await (await projectRoute(w, 'observer', { search: '?events=all' })).json()).events.items).toHaveLength(8);

    expect(await (await projectRoute(w, 'owner')).json()).toMatchObject({ canManage: true, canOverride: false });
    expect(await (await projectRoute(w, 'leader')).json()).toMatchObject({ canManage: false, canOverride: true });
  });

  test('long histories come a page at a time, newest first, the page in the URL (a bad page is the first)', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    await withHistory(db, w, 12);
    const view = async (search: string) => (await projectRoute(w, 'observer', { search })).json();
    const first = await view('');
    expect(first.statuses).toMatchObject({ page: 1, pages: 2, total: 12 });
    expect(first.statuses.items.map((s: { summaryHtml: string }) => s.summaryHtml)).toHaveLength(10);
    expect(first.statuses.items[1].summaryHtml).toBe('<p>Week 2</p>\n');
    const second = await view('?updates=2&reviews=2&history=3&events=all');
    expect(second.statuses.items.map((s: { summaryHtml: string }) => s.summaryHtml)).toEqual([
      '<p>Week 11</p>\n',
      '<p>Week 12</p>\n',
    ]);
    expect(second.reviews.items.map((r: { feedback: string }) => r.feedback)).toEqual(['Good 11', 'Good 12']);
    expect(second.events).toMatchObject({ page: 3, pages: 3, total: 24 });
    expect((await view('?updates=abc')).statuses.page).toBe(1);
    expect((await view('?updates=99')).statuses.page).toBe(2);
    // By default the oversight history shows the level changes (and the start); ?events=all shows every event.
    expect(first.changesOnly).toBe(true);
    expect(
      first.events.items.every(
        (e: { from: string; to: string; type: string }) => e.from !== e.to || e.type === 'start',
      ),
    ).toBe(true);
    expect(first.eventCount).toBe(24);
    const all = await view('?events=all');
    expect(all.changesOnly).toBe(false);
    expect(all.events.total).toBe(24);
    const times = all.events.items.map((e: { at: string }) => new Date(e.at).getTime());
    expect(times).toEqual([...times].sort((a: number, b: number) => b - a));
  });

  test('markdown is rendered safely: raw HTML is escaped, javascript: links stay text, http(s) links work', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    await withHistory(db, w, 1);
    const [status] = (await getProjectPage(db, { forumId: w.forum.id, projectId: w.project.id })).statuses;
    const html = status.summaryHtml + status.risksHtml;
    expect(html).not.toMatch(/<script|<img|javascript:[^)]*"|href="javascript/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<a href="https://example.test/d" rel="nofollow noopener noreferrer">docs</a>');
  });

  test('a fixed number of queries whatever the length of the history', async ({ db }) => {
    const w = await createOwnersWorld(db);
    const count = async () => {
      const counter = countingQueries(db);
      await getProjectPage(counter.db, { forumId: w.forum.id, projectId: w.project.id });
      return counter.count();
    };
    await withHistory(db, w, 1);
    const few = await count();
    await withHistory(db, w, 6);
    expect(await count()).toBe(few);
    // Two round trips (issue #17): the header with each list's length, then the lists (one page each) and the
    // next review (the coming meetings and the agenda's facts, decision 019) in parallel.
    expect(few).toBeLessThanOrEqual(9);
  });
});

describe('overriding the oversight level', () => {
  test('a leader overrides with a reason: an explained override event with the actor, an audit row, the new level', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    const response = await projectRoute(w, 'leader', {
      form: { intent: 'override', level: 'tight', reason: 'Recovery plan agreed' },
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe(`/forums/${w.forum.slug}/projects/${w.project.id}#oversight-history`);
    expect(await overrideEvents(db, w.project.id)).toEqual([
      {
        from_level: 'standard',
        to_level: 'tight',
        rule: 'override',
        explanation: expect.stringContaining('Recovery plan agreed'),
        actor_id: w.users.leader.id,
      },
    ]);
    expect(
      await db
        .selectFrom('projects')
        .select(['oversight_level', 'oversight_interval'])
        .where('id', '=', w.project.id)
        .executeTakeFirst(),
    ).toEqual({ oversight_level: 'tight', oversight_interval: 1 });
    const audit = await db
      .selectFrom('audit_log')
      .select(['user_id', 'detail'])
      .where('action', '=', 'oversight.override')
      .execute();
    expect(audit).toEqual([
      { user_id: w.users.leader.id, detail: { from: 'standard', to: 'tight', reason: 'Recovery plan agreed' } },
    ]);
    const page = await (await projectRoute(w, 'observer')).json();
    expect(page.events.items[0]).toMatchObject({
      from: 'standard',
      to: 'tight',
      actor: 'leader',
      explanation: expect.stringMatching(/^Override Standard → Tight/),
    });
  });

  test('a blank reason answers 400 with a field error and changes nothing', async ({ db }) => {
    const w = await createOwnersWorld(db);
    const before = await db.selectFrom('projects').selectAll().where('id', '=', w.project.id).executeTakeFirstOrThrow();
    for (const reason of ['', '   \n ']) {
      const response = await projectRoute(w, 'chair', { form: { intent: 'override', level: 'trusted', reason } });
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.fieldErrors.reason[0]).toMatch(/reason/);
      expect(body.values.level).toBe('trusted');
    }
    expect(await overrideEvents(db, w.project.id)).toEqual([]);
    expect(
      await db.selectFrom('oversight_events').select('id').where('project_id', '=', w.project.id).execute(),
    ).toEqual([]);
    expect(
      await db.selectFrom('projects').selectAll().where('id', '=', w.project.id).executeTakeFirstOrThrow(),
    ).toEqual(before);
  });

  test('only chairs and leaders override: owners and observers 403, non-members 404, bad level or intent 400', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    const form = { intent: 'override', level: 'trusted', reason: 'Because' };
    for (const [who, status] of [
      ['owner', 403],
      ['observer', 403],
      ['otherOwner', 403],
      ['outsider', 404],
    ] as const) {
      expect((await projectRoute(w, who, { form })).status, who).toBe(status);
    }
    expect((await projectRoute(w, 'chair', { form: { ...form, level: 'lenient' } })).status).toBe(400);
    expect((await projectRoute(w, 'chair', { form: { ...form, intent: 'delete' } })).status).toBe(400);
    expect(await overrideEvents(db, w.project.id)).toEqual([]);
  });

  test('a status posted through the form shows in the timeline and the history', async ({ db }) => {
    const w = await createOwnersWorld(db);
    const params = { slug: w.forum.slug, id: String(w.project.id) };
    const form = {
      version: '0',
      health: 'off_track',
      [`goal.${w.metric.id}.value`]: '700',
      summary: 'Blocked on **vendor**',
      risks: '',
      asks: 'A decision by Friday',
    };
    expect((await callRoute(statusAction, { path: '/', cookie: w.users.owner.cookie, params, form })).status).toBe(303);
    const page = await (await projectRoute(w, 'leader', { search: '?events=all' })).json();
    expect(page.statuses.items[0]).toMatchObject({
      health: 'off_track',
      late: false,
      summaryHtml: '<p>Blocked on <strong>vendor</strong></p>\n',
      asksHtml: '<p>A decision by Friday</p>\n',
    });
    expect(page.events.items[0]).toMatchObject({
      rule: 'status',
      ruleName: 'Status posted',
      explanation: expect.stringContaining('pulled into the next meeting'),
    });
    // It is this cycle's status, and the project is reviewed at the coming meeting because it is off track.
    expect(page.currentStatus).toMatchObject({ id: page.statuses.items[0].id, health: 'off_track' });
    expect(page.nextReview).toMatchObject({ meetingsUntil: 0, label: 'Off track', when: 'next meeting' });
  });
});
