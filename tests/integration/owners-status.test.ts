import { describe, expect } from 'vitest';
import { dbTest as test, openFreshDatabase } from '../setup/test-db';
import { createMeeting } from '../factories';
import { action as statusAction, loader as statusLoader } from '../../app/routes/forums.$slug.projects.$id.status';
import { loader as homeLoader } from '../../app/routes/_index';
import { getStatusFormContext, saveStatusUpdate } from '../../app/modules/status/status.server';
import { recordOversightEvents } from '../../app/modules/oversight/oversight.server';
import type { Executor } from '../../app/utils/db.server';
import { DAY_MS, callRoute, createOwnersWorld, type OwnersWorld } from './owners-world';

type Who = keyof OwnersWorld['users'];

function statusForm(w: OwnersWorld, overrides: Record<string, string> = {}) {
  return {
    version: '0',
    health: 'at_risk',
    [`goal.${w.metric.id}.value`]: '450.5',
    [`goal.${w.metric.id}.note`]: 'Cache landed',
    [`goal.${w.milestone.id}.done`]: 'on',
    summary: 'Halfway there. **Cache** is live.',
    risks: 'Vendor SDK upgrade',
    asks: '',
    ...overrides,
  };
}

function postStatus(
  w: OwnersWorld,
  who: Who,
  form: Record<string, string>,
  projectId = w.project.id,
  slug = w.forum.slug,
) {
  return callRoute(statusAction, {
    path: `/forums/${slug}/projects/${projectId}/status`,
    cookie: w.users[who].cookie,
    params: { slug, id: String(projectId) },
    form,
  });
}

function getStatusPage(w: OwnersWorld, who: Who, projectId = w.project.id) {
  return callRoute(statusLoader, {
    path: `/forums/${w.forum.slug}/projects/${projectId}/status`,
    cookie: w.users[who].cookie,
    params: { slug: w.forum.slug, id: String(projectId) },
  });
}

async function statusRows(db: Executor, projectId: number) {
  return db.selectFrom('status_updates').selectAll().where('project_id', '=', projectId).execute();
}

async function statusEvents(db: Executor, projectId: number) {
  return db
    .selectFrom('oversight_events')
    .select(['type', 'payload', 'actor_id', 'meeting_id'])
    .where('project_id', '=', projectId)
    .where('type', '=', 'status')
    .orderBy('seq')
    .execute();
}

describe('posting a status', () => {
  test('saves the status, its goal values, a status event and an audit row in one go; at risk pulls the project into the next meeting', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    const response = await postStatus(w, 'owner', statusForm(w));
    expect(response.status).toBe(303);
    const [status] = await statusRows(db, w.project.id);
    expect(status).toMatchObject({
      meeting_id: w.meeting.id,
      author_id: w.users.owner.id,
      health: 'at_risk',
      version: 1,
      late: false,
      summary: 'Halfway there. **Cache** is live.',
    });
    expect(response.headers.get('Location')).toBe(
      `/forums/${w.forum.slug}/projects/${w.project.id}#status-${status.id}`,
    );
    const values = await db
      .selectFrom('status_goal_values')
      .select(['goal_id', 'value', 'done', 'note'])
      .where('status_update_id', '=', status.id)
      .orderBy('goal_id')
      .execute();
    expect(values).toEqual([
      { goal_id: w.metric.id, value: 450.5, done: null, note: 'Cache landed' },
      { goal_id: w.milestone.id, value: null, done: true, note: '' },
    ]);
    expect(await statusEvents(db, w.project.id)).toEqual([
      {
        type: 'status',
        payload: { type: 'status', health: 'at_risk' },
        actor_id: w.users.owner.id,
        meeting_id: w.meeting.id,
      },
    ]);
    const project = await db
      .selectFrom('projects')
      .select(['oversight_interval', 'oversight_state'])
      .where('id', '=', w.project.id)
      .executeTakeFirstOrThrow();
    expect(project.oversight_interval).toBe(1);
    expect(project.oversight_state).toMatchObject({ pulled: true, interval: 1 });
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'user_id', 'forum_id', 'target', 'detail'])
      .where('action', '=', 'status.create')
      .execute();
    expect(audit).toEqual([
      {
        action: 'status.create',
        user_id: w.users.owner.id,
        forum_id: w.forum.id,
        target: `project:${w.project.id}`,
        detail: { statusId: status.id, meetingId: w.meeting.id, health: 'at_risk', late: false },
      },
    ]);
    const oversight = await db
      .selectFrom('projects')
      .select(['oversight_event_count', 'oversight_class_counts'])
      .where('id', '=', w.project.id)
      .executeTakeFirstOrThrow();
    expect(oversight.oversight_event_count).toBe(1);
    expect(oversight.oversight_class_counts).toEqual({ STATUS: 1 });
  });

  test('an unticked milestone is saved as not done', async ({ db }) => {
    const w = await createOwnersWorld(db);
    const form = statusForm(w, { health: 'on_track' });
    delete form[`goal.${w.milestone.id}.done`];
    expect((await postStatus(w, 'owner', form)).status).toBe(303);
    const value = await db
      .selectFrom('status_goal_values')
      .select('done')
      .where('goal_id', '=', w.milestone.id)
      .executeTakeFirstOrThrow();
    expect(value.done).toBe(false);
    const project = await db
      .selectFrom('projects')
      .select('oversight_state')
      .where('id', '=', w.project.id)
      .executeTakeFirstOrThrow();
    expect(project.oversight_state).toMatchObject({ pulled: false });
  });
});

describe('who may post', () => {
  test('the owner and the chair may open the form and post; leaders, observers and other owners get 403; non-members 404', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    const expected: Record<Who, number> = {
      owner: 200,
      chair: 200,
      leader: 403,
      observer: 403,
      otherOwner: 403,
      outsider: 404,
    };
    for (const [who, status] of Object.entries(expected) as [Who, number][]) {
      expect((await getStatusPage(w, who)).status, `GET as ${who}`).toBe(status);
    }
    for (const who of ['leader', 'observer', 'otherOwner', 'outsider'] as const) {
      expect((await postStatus(w, who, statusForm(w))).status, `POST as ${who}`).toBe(expected[who]);
    }
    expect(await statusRows(db, w.project.id)).toHaveLength(0);
    const denied = await db.selectFrom('audit_log').select('user_id').where('denied', '=', true).execute();
    expect(denied.map((d) => d.user_id)).toEqual(
      expect.arrayContaining([w.users.leader.id, w.users.otherOwner.id, w.users.outsider.id]),
    );

    const asChair = await postStatus(w, 'chair', statusForm(w));
    expect(asChair.status).toBe(303);
    expect((await statusRows(db, w.project.id))[0].author_id).toBe(w.users.chair.id);
  });

  test('a project of another forum, or a non-numeric id, is a 404 even for its forum’s chair', async ({ db }) => {
    const w = await createOwnersWorld(db);
    const elsewhere = await createOwnersWorld(db);
    expect((await postStatus(w, 'chair', statusForm(elsewhere), elsewhere.project.id)).status).toBe(404);
    expect((await getStatusPage(w, 'chair', elsewhere.project.id)).status).toBe(404);
    const bad = await callRoute(statusLoader, {
      path: `/forums/${w.forum.slug}/projects/abc/status`,
      cookie: w.users.chair.cookie,
      params: { slug: w.forum.slug, id: 'abc' },
    });
    expect(bad.status).toBe(404);
    expect(await statusRows(db, elsewhere.project.id)).toHaveLength(0);
  });

  test('only its author edits a status: the chair cannot overwrite the owner’s', async ({ db }) => {
    const w = await createOwnersWorld(db);
    await postStatus(w, 'owner', statusForm(w));
    const response = await postStatus(w, 'chair', statusForm(w, { version: '1', summary: 'Rewritten by the chair' }));
    expect(response.status).toBe(403);
    expect((await statusRows(db, w.project.id))[0]).toMatchObject({
      summary: 'Halfway there. **Cache** is live.',
      version: 1,
    });
  });
});

describe('validation', () => {
  test('bad values answer 400 with per-field errors and everything typed, and write nothing', async ({ db }) => {
    const w = await createOwnersWorld(db);
    const form = statusForm(w, {
      health: 'fine',
      [`goal.${w.metric.id}.value`]: 'lots',
      [`goal.${w.metric.id}.note`]: 'n'.repeat(2001),
      summary: ' ',
      risks: 'r'.repeat(10_001),
    });
    const response = await postStatus(w, 'owner', form);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(Object.keys(body.fieldErrors).sort()).toEqual(
      ['goal.' + w.metric.id + '.note', 'goal.' + w.metric.id + '.value', 'health', 'risks', 'summary'].sort(),
    );
    expect(body.values).toEqual(form);
    expect(await statusRows(db, w.project.id)).toHaveLength(0);
    expect(await statusEvents(db, w.project.id)).toHaveLength(0);
  });

  test.for([
    ['a missing metric value', (w: OwnersWorld) => ({ [`goal.${w.metric.id}.value`]: '' })],
    ['an infinite number', (w: OwnersWorld) => ({ [`goal.${w.metric.id}.value`]: '1e400' })],
    ['a hexadecimal number', (w: OwnersWorld) => ({ [`goal.${w.metric.id}.value`]: '0x10' })],
    ['a bad milestone value', (w: OwnersWorld) => ({ [`goal.${w.milestone.id}.done`]: 'yes' })],
    ['a bad version', () => ({ version: 'x' })],
  ] as const)('%s is a 400 field error', async ([, change], { db }) => {
    const w = await createOwnersWorld(db);
    const response = await postStatus(w, 'owner', statusForm(w, change(w)));
    expect(response.status).toBe(400);
    expect(Object.keys((await response.json()).fieldErrors)).toHaveLength(1);
    expect(await statusRows(db, w.project.id)).toHaveLength(0);
  });

  test('unknown fields, another project’s goal and a closed goal are rejected as a whole (strict, no IDOR)', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    await db.updateTable('goals').set({ state: 'dropped' }).where('id', '=', w.milestone.id).execute();
    const closedGoalForm = statusForm(w);
    for (const extra of [{ author_id: '1' }, { [`goal.${w.otherGoal.id}.value`]: '5' }, {}]) {
      const response = await postStatus(w, 'owner', { ...closedGoalForm, ...extra });
      expect(response.status).toBe(400);
      expect((await response.json()).formError).toMatch(/^Unexpected field/);
    }
    expect(await statusRows(db, w.project.id)).toHaveLength(0);
    expect(
      await db.selectFrom('status_goal_values').select('goal_id').where('goal_id', '=', w.otherGoal.id).execute(),
    ).toHaveLength(0);
  });
});

describe('editing and concurrency', () => {
  test('the author edits with the current version; a stale version answers 409 with the saved text and overwrites nothing', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    await postStatus(w, 'owner', statusForm(w));
    const edit = await postStatus(
      w,
      'owner',
      statusForm(w, { version: '1', summary: 'Second take', [`goal.${w.metric.id}.value`]: '400' }),
    );
    expect(edit.status).toBe(303);
    const [saved] = await statusRows(db, w.project.id);
    expect(saved).toMatchObject({ version: 2, summary: 'Second take' });
    expect(
      await db
        .selectFrom('status_goal_values')
        .select('value')
        .where('status_update_id', '=', saved.id)
        .where('goal_id', '=', w.metric.id)
        .executeTakeFirst(),
    ).toEqual({ value: 400 });

    const stale = await postStatus(w, 'owner', statusForm(w, { version: '1', summary: 'Stale tab text' }));
    expect(stale.status).toBe(409);
    const body = await stale.json();
    expect(body.conflict).toMatchObject({ summary: 'Second take', version: 2 });
    expect(body.values.summary).toBe('Stale tab text');
    expect(body.values.version).toBe('2');
    expect(body.formError).toMatch(/not saved/);
    expect((await statusRows(db, w.project.id))[0]).toMatchObject({ version: 2, summary: 'Second take' });

    const secondFirstPost = await postStatus(w, 'owner', statusForm(w, { version: '0', summary: 'Another tab' }));
    expect(secondFirstPost.status).toBe(409);
    expect((await statusRows(db, w.project.id))[0].summary).toBe('Second take');
  });

  test('a save that read the project before another engine event starts again from a fresh read; one that read the meeting before it started is locked', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    const { saveState } = await getStatusFormContext(db, { forumId: w.forum.id, projectId: w.project.id });
    // Between the form context's read and the save, a leader overrides the level (an engine event).
    await recordOversightEvents(db, {
      projectId: w.project.id,
      inputs: [{ event: { type: 'override', level: 'tight', reason: 'Recovery plan' }, actorId: w.users.leader.id }],
    });
    const input = {
      health: 'at_risk' as const,
      summary: 'Late but honest',
      risks: '',
      asks: '',
      version: 0,
      goals: [],
    };
    const saved = await saveStatusUpdate(db, {
      projectId: w.project.id,
      meetingId: w.meeting.id,
      userId: w.users.owner.id,
      input,
      state: saveState,
    });
    expect(saved.ok).toBe(true);
    const events = await db
      .selectFrom('oversight_events')
      .select(['seq', 'type'])
      .where('project_id', '=', w.project.id)
      .orderBy('seq')
      .execute();
    expect(events).toEqual([
      { seq: 1, type: 'override' },
      { seq: 2, type: 'status' },
    ]);
    const project = await db
      .selectFrom('projects')
      .select(['oversight_event_count', 'oversight_level'])
      .where('id', '=', w.project.id)
      .executeTakeFirstOrThrow();
    expect(project).toEqual({ oversight_event_count: 2, oversight_level: 'tight' });

    const other = await getStatusFormContext(db, { forumId: w.forum.id, projectId: w.otherProject.id });
    await db
      .updateTable('meetings')
      .set({ state: 'in_progress', started_at: new Date() })
      .where('id', '=', w.meeting.id)
      .execute();
    const late = await saveStatusUpdate(db, {
      projectId: w.otherProject.id,
      meetingId: w.meeting.id,
      userId: w.users.otherOwner.id,
      input,
      state: other.saveState,
    });
    expect(late).toMatchObject({
      ok: false,
      failure: { status: 409, message: expect.stringMatching(/meeting has started/) },
    });
    expect(await statusRows(db, w.otherProject.id)).toEqual([]);
  });

  test('two edits from the same version: exactly one wins (UPDATE … WHERE version = submitted)', async ({ db }) => {
    const w = await createOwnersWorld(db);
    await postStatus(w, 'owner', statusForm(w));
    const input = (summary: string) => ({
      health: 'at_risk' as const,
      summary,
      risks: '',
      asks: '',
      version: 1,
      goals: [],
    });
    const first = await saveStatusUpdate(db, {
      projectId: w.project.id,
      meetingId: w.meeting.id,
      userId: w.users.owner.id,
      input: input('A'),
    });
    const second = await saveStatusUpdate(db, {
      projectId: w.project.id,
      meetingId: w.meeting.id,
      userId: w.users.owner.id,
      input: input('B'),
    });
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, failure: { status: 409, current: { summary: 'A', version: 2 } } });
  });

  test('concurrent edits from the same version on separate connections: exactly one is saved, the other is told', async () => {
    const handle = await openFreshDatabase();
    try {
      const w = await createOwnersWorld(handle.db);
      const base = { projectId: w.project.id, meetingId: w.meeting.id, userId: w.users.owner.id };
      const input = (summary: string, version: number) => ({
        health: 'on_track' as const,
        summary,
        risks: '',
        asks: '',
        version,
        goals: [],
      });
      expect((await saveStatusUpdate(handle.db, { ...base, input: input('First', 0) })).ok).toBe(true);
      const results = await Promise.all(
        ['A', 'B', 'C'].map((summary) => saveStatusUpdate(handle.db, { ...base, input: input(summary, 1) })),
      );
      const saved = results.filter((r) => r.ok);
      expect(saved).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.failure.current)).toHaveLength(2);
      const [row] = await statusRows(handle.db, w.project.id);
      expect(row.version).toBe(2);
      expect(['A', 'B', 'C']).toContain(row.summary);
    } finally {
      await handle.close();
    }
  });

  test('a status event is recorded when the health changes, not for an edit that keeps it', async ({ db }) => {
    const w = await createOwnersWorld(db);
    await postStatus(w, 'owner', statusForm(w, { health: 'on_track' }));
    await postStatus(w, 'owner', statusForm(w, { health: 'on_track', version: '1', summary: 'Typo fixed' }));
    expect(await statusEvents(db, w.project.id)).toHaveLength(1);
    await postStatus(w, 'owner', statusForm(w, { health: 'off_track', version: '2' }));
    const events = await statusEvents(db, w.project.id);
    expect(events.map((e) => e.payload)).toEqual([
      { type: 'status', health: 'on_track' },
      { type: 'status', health: 'off_track' },
    ]);
    const project = await db
      .selectFrom('projects')
      .select('oversight_interval')
      .where('id', '=', w.project.id)
      .executeTakeFirstOrThrow();
    expect(project.oversight_interval).toBe(1);
  });
});

describe('the cycle', () => {
  test('a status saved after the deadline is late; one saved before is not, and an edit after the deadline marks it late', async ({
    db,
  }) => {
    const onTime = await createOwnersWorld(db, { meetingIn: 3 * DAY_MS });
    await postStatus(onTime, 'owner', statusForm(onTime));
    expect((await statusRows(db, onTime.project.id))[0].late).toBe(false);

    const lateWorld = await createOwnersWorld(db, { meetingIn: 2 * 3_600_000 }); // deadline (24 h before) has passed
    await postStatus(lateWorld, 'owner', statusForm(lateWorld));
    expect((await statusRows(db, lateWorld.project.id))[0].late).toBe(true);

    const meeting = { meetingId: onTime.meeting.id, projectId: onTime.project.id, userId: onTime.users.owner.id };
    const afterDeadline = new Date(Date.now() + 2.5 * DAY_MS);
    const result = await saveStatusUpdate(db, {
      ...meeting,
      now: afterDeadline,
      input: { health: 'at_risk', summary: 'Edited late', risks: '', asks: '', version: 1, goals: [] },
    });
    expect(result.ok).toBe(true);
    expect((await statusRows(db, onTime.project.id))[0]).toMatchObject({ late: true, summary: 'Edited late' });
  });

  test('once the meeting has started (in progress, or its time has come) the status is locked: 409, nothing written', async ({
    db,
  }) => {
    const started = await createOwnersWorld(db, { meetingState: 'in_progress', meetingIn: -3_600_000 });
    const page = await (await getStatusPage(started, 'owner')).json();
    expect(page.cycle).toMatchObject({ open: false });
    const response = await postStatus(started, 'owner', statusForm(started));
    expect(response.status).toBe(409);
    expect((await response.json()).formError).toMatch(/meeting has started/);
    expect(await statusRows(db, started.project.id)).toHaveLength(0);

    const due = await createOwnersWorld(db);
    await postStatus(due, 'owner', statusForm(due));
    const result = await saveStatusUpdate(db, {
      projectId: due.project.id,
      meetingId: due.meeting.id,
      userId: due.users.owner.id,
      now: new Date(Date.now() + 4 * DAY_MS),
      input: { health: 'on_track', summary: 'Too late', risks: '', asks: '', version: 1, goals: [] },
    });
    expect(result).toMatchObject({
      ok: false,
      failure: { status: 409, message: expect.stringMatching(/meeting has started/) },
    });
    expect((await statusRows(db, due.project.id))[0].summary).not.toBe('Too late');
  });

  test('the cycle is the next non-closed meeting; without one the form says so and posting is refused', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    await createMeeting(db, { forumId: w.forum.id, scheduledAt: new Date(Date.now() + 10 * DAY_MS) });
    await createMeeting(db, { forumId: w.forum.id, scheduledAt: new Date(Date.now() - 5 * DAY_MS), state: 'closed' });
    expect((await (await getStatusPage(w, 'owner')).json()).cycle.meetingId).toBe(w.meeting.id);

    await db.updateTable('meetings').set({ state: 'closed' }).where('forum_id', '=', w.forum.id).execute();
    const page = await (await getStatusPage(w, 'owner')).json();
    expect(page.cycle).toBeNull();
    const response = await postStatus(w, 'owner', statusForm(w));
    expect(response.status).toBe(409);
    expect(await statusRows(db, w.project.id)).toHaveLength(0);
  });
});

describe('home: statuses due', () => {
  test('the home lists the owner’s projects with this cycle’s status: due by the deadline, overdue, posted', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    const overdue = await createOwnersWorld(db, { meetingIn: 3_600_000 });
    // The same user owns a project in a second forum, whose meeting is within the deadline.
    await db.updateTable('projects').set({ owner_id: w.users.owner.id }).where('id', '=', overdue.project.id).execute();
    await db
      .insertInto('memberships')
      .values({ forum_id: overdue.forum.id, user_id: w.users.owner.id, role: 'owner' })
      .execute();
    type Home = {
      forum: { slug: string; timeZone: string };
      deadline: string | null;
      projects: { id: number; cycle: string; canPost: boolean }[];
    };
    const homes = async (): Promise<Home[]> =>
      (await (await callRoute(homeLoader, { path: '/', cookie: w.users.owner.cookie, params: {} })).json()).homes;
    const cycleOf = (all: Home[], projectId: number) => {
      const home = all.find((h) => h.projects.some((p) => p.id === projectId));
      return {
        slug: home?.forum.slug,
        timeZone: home?.forum.timeZone,
        deadline: home?.deadline,
        ...home?.projects.find((p) => p.id === projectId),
      };
    };

    const before = await homes();
    expect(cycleOf(before, overdue.project.id)).toMatchObject({
      slug: overdue.forum.slug,
      cycle: 'overdue',
      canPost: true,
      timeZone: 'UTC',
    });
    expect(cycleOf(before, w.project.id)).toMatchObject({
      cycle: 'due',
      canPost: true,
      deadline: new Date(w.meeting.scheduled_at.getTime() - 24 * 3_600_000).toISOString(),
    });

    await postStatus(w, 'owner', statusForm(w));
    const after = await homes();
    expect(cycleOf(after, w.project.id)).toMatchObject({ cycle: 'posted' });
    expect(cycleOf(after, overdue.project.id)).toMatchObject({ cycle: 'overdue' });
  });
});
