import { describe, expect } from 'vitest';
import { recordOversightEvents } from '../../app/modules/oversight/oversight.server';
import { ensurePlannedMeetings } from '../../app/modules/meetings/schedule.server';
import { getReviewLoad } from '../../app/modules/meetings/review-load.server';
import { loader as dashboardLoader } from '../../app/routes/forums.$slug._index';
import { action as meetingAction, loader as meetingLoader } from '../../app/routes/forums.$slug.meetings.$id';
import { loader as minutesLoader } from '../../app/routes/forums.$slug.meetings.$id_.minutes[.]md';
import { dbTest as test } from '../setup/test-db';
import { createMeetingWorld, type MeetingWorld } from './meetings-world';
import { callRoute, DAY_MS } from './owners-world';

// Meeting day (issue #21 items 1, 2, 3, 7; issue #22 item 5): verdict conflicts, early starts and closes,
// "due" before the deadline, levels as they were, and meetings in order.

type Who = keyof MeetingWorld['users'];

function post(w: MeetingWorld, who: Who, form: Record<string, string>, meetingId = w.coming.id) {
  return callRoute(meetingAction, {
    path: `/forums/${w.forum.slug}/meetings/${meetingId}`,
    cookie: w.users[who].cookie,
    params: { slug: w.forum.slug, id: String(meetingId) },
    form,
  });
}

async function view(w: MeetingWorld, who: Who = 'chair', meetingId = w.coming.id) {
  const response = await callRoute(meetingLoader, {
    path: `/forums/${w.forum.slug}/meetings/${meetingId}`,
    cookie: w.users[who].cookie,
    params: { slug: w.forum.slug, id: String(meetingId) },
  });
  return (await response.json()).view;
}

type Db = Parameters<typeof createMeetingWorld>[0];
const state = async (db: Db, meetingId: number) =>
  (await db.selectFrom('meetings').select('state').where('id', '=', meetingId).executeTakeFirstOrThrow()).state;
const world = createMeetingWorld;

describe('a verdict has a version: a stale update is a conflict, never an overwrite', () => {
  test('the colleague’s verdict is shown (409) and kept; sending again with its version replaces it on purpose', async ({
    db,
  }) => {
    const w = await world(db);
    await post(w, 'chair', { intent: 'start' });
    const project = String(w.projects.due.id);
    expect(
      (
        await post(w, 'leader', {
          intent: 'review',
          projectId: project,
          verdict: 'at_risk',
          feedback: 'Hiring is slipping',
          version: '0',
        })
      ).status,
    ).toBe(303);

    // The chair's page was loaded before: no verdict yet (version 0).
    const stale = await post(w, 'chair', {
      intent: 'review',
      projectId: project,
      verdict: 'on_track',
      feedback: 'Only my feedback',
      version: '0',
    });
    expect(stale.status).toBe(409);
    const body = await stale.json();
    expect(body).toMatchObject({
      intent: 'review',
      projectId: w.projects.due.id,
      values: { verdict: 'on_track', feedback: 'Only my feedback' },
      conflict: { verdict: 'at_risk', feedback: 'Hiring is slipping', reviewer: 'Leader', version: 1 },
    });
    expect(body.formError).toMatch(/^Leader saved a verdict/);
    const saved = () =>
      db
        .selectFrom('reviews')
        .select(['verdict', 'feedback', 'version', 'reviewer_id'])
        .where('meeting_id', '=', w.coming.id)
        .where('project_id', '=', w.projects.due.id)
        .executeTakeFirstOrThrow();
    expect(await saved()).toEqual({
      verdict: 'at_risk',
      feedback: 'Hiring is slipping',
      version: 1,
      reviewer_id: w.users.leader.id,
    });

    // An update from a page showing version 1 after the leader saved version 2 is stale too.
    expect(
      (
        await post(w, 'leader', {
          intent: 'review',
          projectId: project,
          verdict: 'off_track',
          feedback: 'Worse',
          version: '1',
        })
      ).status,
    ).toBe(303);
    expect(
      (
        await post(w, 'chair', {
          intent: 'review',
          projectId: project,
          verdict: 'on_track',
          feedback: 'x',
          version: '1',
        })
      ).status,
    ).toBe(409);
    expect(await saved()).toMatchObject({ verdict: 'off_track', version: 2 });

    // Having read it, the chair sends the version the conflict showed: a deliberate overwrite.
    expect(
      (
        await post(w, 'chair', {
          intent: 'review',
          projectId: project,
          verdict: 'on_track',
          feedback: 'Agreed after discussion',
          version: '2',
        })
      ).status,
    ).toBe(303);
    expect(await saved()).toEqual({
      verdict: 'on_track',
      feedback: 'Agreed after discussion',
      version: 3,
      reviewer_id: w.users.chair.id,
    });
    const item = (await view(w)).discussed.items.find((i: { projectId: number }) => i.projectId === w.projects.due.id);
    expect(item).toMatchObject({ verdict: 'on_track', reviewVersion: 3, reviewer: 'Chair' });
  });

  test('a bad version is a 400 next to the form', async ({ db }) => {
    const w = await world(db);
    await post(w, 'chair', { intent: 'start' });
    const response = await post(w, 'chair', {
      intent: 'review',
      projectId: String(w.projects.due.id),
      verdict: 'on_track',
      feedback: '',
      version: '-1',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).fieldErrors).toEqual({ version: ['Reload the page'] });
  });
});

describe('starting and closing early', () => {
  test('a start more than an hour early asks first, naming what will happen; confirm=yes starts', async ({ db }) => {
    const w = await world(db, { comingIn: 3 * DAY_MS });
    const asked = await post(w, 'leader', { intent: 'start' });
    expect(asked.status).toBe(200);
    const { confirm } = await asked.json();
    expect(confirm).toMatchObject({ intent: 'start', early: { deadlinePassed: false, withoutStatus: 1 } });
    expect(new Date(confirm.early.deadline).getTime()).toBe(new Date(w.coming.scheduled_at).getTime() - DAY_MS);
    expect(await state(db, w.coming.id)).toBe('planned');
    expect(await db.selectFrom('audit_log').select('id').where('action', '=', 'meeting.start').execute()).toEqual([]);
    expect((await post(w, 'leader', { intent: 'start', confirm: 'yes' })).status).toBe(303);
    expect(await state(db, w.coming.id)).toBe('in_progress');
    expect((await post(w, 'leader', { intent: 'start', confirm: 'no' })).status).toBe(400);
  });

  test('a meeting closed before its status deadline records no missed status, and says so before closing', async ({
    db,
  }) => {
    const w = await world(db, { comingIn: 3 * DAY_MS });
    expect((await post(w, 'chair', { intent: 'start', confirm: 'yes' })).status).toBe(303);
    // The project without a status is not an exception: its status is due, not missing.
    expect((await view(w)).discussed.items.map((i: { projectId: number }) => i.projectId)).not.toContain(
      w.projects.missing.id,
    );
    expect(
      (
        await post(w, 'chair', {
          intent: 'review',
          projectId: String(w.projects.due.id),
          verdict: 'on_track',
          feedback: '',
        })
      ).status,
    ).toBe(303);

    const asked = await post(w, 'chair', { intent: 'close' });
    const { confirm } = await asked.json();
    expect(confirm.summary).toMatchObject({
      reviews: 1,
      missed: 0,
      missedProjects: [],
      notScored: ['Missing status'],
      verdicts: [{ project: 'Due by cadence', verdict: 'on_track' }],
    });
    expect(await state(db, w.coming.id)).toBe('in_progress');

    expect((await post(w, 'chair', { intent: 'close', confirm: 'yes' })).status).toBe(303);
    const events = await db
      .selectFrom('oversight_events')
      .select(['project_id', 'type'])
      .where('meeting_id', '=', w.coming.id)
      .execute();
    expect(events).toEqual([{ project_id: w.projects.due.id, type: 'review' }]);
    const audit = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'meeting.close')
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ missed: 0, reviews: 1 });
  });

  test('after an early close the next cycle’s statuses are due, not missing: dashboard, forecast and agenda', async ({
    db,
  }) => {
    const w = await world(db, { comingIn: 3 * DAY_MS });
    await ensurePlannedMeetings(db, { forumId: w.forum.id });
    await post(w, 'chair', { intent: 'start', confirm: 'yes' });
    await post(w, 'chair', { intent: 'close', confirm: 'yes' });

    const dashboard = await (
      await callRoute(dashboardLoader, {
        path: `/forums/${w.forum.slug}`,
        cookie: w.users.chair.cookie,
        params: { slug: w.forum.slug },
      })
    ).json();
    expect(dashboard.projects.length).toBe(7);
    for (const row of dashboard.projects)
      expect({ name: row.name, due: row.due, missing: row.missing }).toEqual({
        name: row.name,
        due: true,
        missing: false,
      });

    const next = dashboard.nextMeeting.id as number;
    const items = await view(w, 'chair', next);
    const reasons: string[] = [...items.discussed.items, ...items.consent.items].map(
      (i: { reason: string }) => i.reason,
    );
    expect(reasons.filter((r) => r.includes('Status not posted'))).toEqual([]);
    // The forecast: the projects to discuss are the exceptions and those due, not every project without a status.
    const load = await getReviewLoad(db, { forumId: w.forum.id });
    expect(load.current?.meetingId).toBe(next);
    expect(load.current!.discussed).toBeLessThan(load.current!.everything);
  });

  test('once the deadline has passed, a project without a status is missing on the dashboard', async ({ db }) => {
    const w = await world(db);
    const dashboard = await (
      await callRoute(dashboardLoader, {
        path: `/forums/${w.forum.slug}`,
        cookie: w.users.chair.cookie,
        params: { slug: w.forum.slug },
      })
    ).json();
    const row = dashboard.projects.find((p: { id: number }) => p.id === w.projects.missing.id);
    expect(row).toMatchObject({ missing: true, due: false });
  });
});

describe('meetings start in order', () => {
  test('only the forum’s next meeting can start; a later one is refused with a clear message', async ({ db }) => {
    const w = await world(db);
    await ensurePlannedMeetings(db, { forumId: w.forum.id });
    const later = await db
      .selectFrom('meetings')
      .select('id')
      .where('forum_id', '=', w.forum.id)
      .where('state', '=', 'planned')
      .where('id', '!=', w.coming.id)
      .orderBy('scheduled_at')
      .executeTakeFirstOrThrow();
    const refused = await post(w, 'chair', { intent: 'start', confirm: 'yes' }, later.id);
    expect(refused.status).toBe(409);
    expect((await refused.json()).formError).toMatch(
      /^Only the forum’s next meeting can start: the meeting of .+ is still planned/,
    );
    expect(await state(db, later.id)).toBe('planned');
    expect((await view(w, 'chair', later.id)).comesFirst).toMatchObject({ id: w.coming.id });

    // While the next one is in progress, the later one still waits; once it is closed, the later one can start.
    await post(w, 'chair', { intent: 'start' });
    expect((await (await post(w, 'chair', { intent: 'start', confirm: 'yes' }, later.id)).json()).formError).toMatch(
      /is still in progress/,
    );
    await post(w, 'chair', { intent: 'close', confirm: 'yes' });
    expect((await view(w, 'chair', later.id)).comesFirst).toBeNull();
    expect((await post(w, 'chair', { intent: 'start', confirm: 'yes' }, later.id)).status).toBe(303);
    expect(await state(db, later.id)).toBe('in_progress');
  });
});

describe('closed meetings keep their history', () => {
  test('a closed meeting and its minutes show each level as it was at that meeting, not the current one', async ({
    db,
  }) => {
    const w = await world(db);
    await post(w, 'chair', { intent: 'start' });
    // Self-reported on track, found off track: Standard → Tight at the close.
    await post(w, 'chair', {
      intent: 'review',
      projectId: String(w.projects.due.id),
      verdict: 'off_track',
      feedback: '',
    });
    await post(w, 'chair', { intent: 'close', confirm: 'yes' });
    // Later, a leader raises it to Light and the trusted project is overridden too.
    await recordOversightEvents(db, {
      projectId: w.projects.due.id,
      inputs: [{ event: { type: 'override', level: 'light', reason: 'Recovered' } }],
    });
    await recordOversightEvents(db, {
      projectId: w.projects.light.id,
      inputs: [{ event: { type: 'override', level: 'tight', reason: 'New scope' } }],
    });

    const closed = await view(w, 'observer');
    const all = [...closed.discussed.items, ...closed.consent.items];
    const levelOf = (id: number) =>
      closed.discussed.items.find((i: { projectId: number }) => i.projectId === id)?.level;
    expect(levelOf(w.projects.due.id)).toBe('standard');
    expect(all.length).toBe(7);
    const minutes = await (
      await callRoute(minutesLoader, {
        path: '/m',
        cookie: w.users.observer.cookie,
        params: { slug: w.forum.slug, id: String(w.coming.id) },
      })
    ).text();
    expect(minutes).toMatch(
      /### \d+\. Due by cadence \(owner: Ava\)\n\n- On the agenda: [^\n]+\n- Oversight level at this meeting: Standard\n/,
    );
    expect(minutes).toContain('- Verdict: **Off track** (self-report: On track)');
    // The current levels are what the overrides left.
    const current = await db
      .selectFrom('projects')
      .select(['id', 'oversight_level'])
      .where('id', 'in', [w.projects.due.id, w.projects.light.id])
      .orderBy('id')
      .execute();
    expect(current.map((p) => p.oversight_level).sort()).toEqual(['light', 'tight']);
  });
});
