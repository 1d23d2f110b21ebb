import { describe, expect } from 'vitest';
import { dbTest as test } from '../setup/test-db';
import { action as goalsAction, loader as goalsLoader } from '../../app/routes/forums.$slug.projects.$id.goals._index';
import { action as goalAction, loader as goalLoader } from '../../app/routes/forums.$slug.projects.$id.goals.$goalId';
import { loader as statusLoader } from '../../app/routes/forums.$slug.projects.$id.status';
import { loader as projectLoader } from '../../app/routes/forums.$slug.projects.$id._index';
import { callRoute, createOwnersWorld, type OwnersWorld } from './owners-world';

type Who = keyof OwnersWorld['users'];

const newMetric = {
  title: 'Error rate',
  kind: 'metric',
  unit: '%',
  baseline: '2.5',
  target: '0.5',
  direction: 'down',
  dueDate: '2027-03-31',
};

function createGoalAs(w: OwnersWorld, who: Who, form: Record<string, string>) {
  const params = { slug: w.forum.slug, id: String(w.project.id) };
  return callRoute(goalsAction, {
    path: `/forums/${w.forum.slug}/projects/${w.project.id}/goals`,
    cookie: w.users[who].cookie,
    params,
    form,
  });
}

function editGoalAs(w: OwnersWorld, who: Who, goalId: number, form?: Record<string, string>) {
  const params = { slug: w.forum.slug, id: String(w.project.id), goalId: String(goalId) };
  return callRoute(form ? goalAction : goalLoader, {
    path: `/forums/${w.forum.slug}/projects/${w.project.id}/goals/${goalId}`,
    cookie: w.users[who].cookie,
    params,
    form,
  });
}

const metricEdit = (w: OwnersWorld, changes: Record<string, string> = {}) => ({
  title: w.metric.title,
  kind: 'metric',
  unit: 'ms',
  baseline: '800',
  target: '200',
  direction: 'down',
  dueDate: '',
  state: 'active',
  ...changes,
});

describe('goals', () => {
  test('the owner creates a metric goal: stored with a first revision and an audit row', async ({ db }) => {
    const w = await createOwnersWorld(db);
    const response = await createGoalAs(w, 'owner', newMetric);
    expect(response.status).toBe(303);
    const goal = await db
      .selectFrom('goals')
      .selectAll()
      .where('project_id', '=', w.project.id)
      .where('title', '=', 'Error rate')
      .executeTakeFirstOrThrow();
    expect(goal).toMatchObject({
      kind: 'metric',
      unit: '%',
      baseline: 2.5,
      target: 0.5,
      direction: 'down',
      due_date: '2027-03-31',
      state: 'active',
    });
    const revisions = await db
      .selectFrom('goal_revisions')
      .select(['changed_by', 'snapshot'])
      .where('goal_id', '=', goal.id)
      .execute();
    expect(revisions).toEqual([
      { changed_by: w.users.owner.id, snapshot: expect.objectContaining({ target: 0.5, state: 'active' }) },
    ]);
    expect(
      await db.selectFrom('audit_log').select('action').where('action', '=', 'goal.create').execute(),
    ).toHaveLength(1);
  });

  test('a milestone keeps no metric fields', async ({ db }) => {
    const w = await createOwnersWorld(db);
    expect(
      (
        await createGoalAs(w, 'chair', {
          title: 'GA',
          kind: 'milestone',
          unit: '',
          baseline: '',
          target: '',
          dueDate: '',
        })
      ).status,
    ).toBe(303);
    const goal = await db.selectFrom('goals').selectAll().where('title', '=', 'GA').executeTakeFirstOrThrow();
    expect(goal).toMatchObject({
      kind: 'milestone',
      unit: null,
      baseline: null,
      target: null,
      direction: null,
      due_date: null,
    });
  });

  test('invalid goals answer 400 with per-field errors and keep what was typed', async ({ db }) => {
    const w = await createOwnersWorld(db);
    const form = {
      title: 't'.repeat(201),
      kind: 'metric',
      unit: '%',
      baseline: '5',
      target: 'NaN',
      direction: '',
      dueDate: '2027-02-30',
    };
    const response = await createGoalAs(w, 'owner', form);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(Object.keys(body.fieldErrors).sort()).toEqual(['direction', 'dueDate', 'target', 'title']);
    expect(body.values).toEqual(form);
    const unknown = await createGoalAs(w, 'owner', { ...newMetric, project_id: String(w.otherProject.id) });
    expect(unknown.status).toBe(400);
    expect(await db.selectFrom('goals').select('id').where('title', '=', 'Error rate').execute()).toHaveLength(0);
  });

  test('every edit writes a revision; the target change shows in the goal history and on the project page', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    expect((await editGoalAs(w, 'owner', w.metric.id, metricEdit(w, { target: '300' }))).status).toBe(303);
    expect(
      (await editGoalAs(w, 'owner', w.metric.id, metricEdit(w, { target: '300', state: 'achieved' }))).status,
    ).toBe(303);
    // Saving without a change writes nothing.
    expect(
      (await editGoalAs(w, 'owner', w.metric.id, metricEdit(w, { target: '300', state: 'achieved' }))).status,
    ).toBe(303);

    const revisions = await db
      .selectFrom('goal_revisions')
      .select(['changed_by', 'snapshot'])
      .where('goal_id', '=', w.metric.id)
      .orderBy('id')
      .execute();
    expect(
      revisions.map((r) => [
        r.changed_by,
        (r.snapshot as { target: number }).target,
        (r.snapshot as { state: string }).state,
      ]),
    ).toEqual([
      [null, 200, 'active'], // the original, recorded before the first change
      [w.users.owner.id, 300, 'active'],
      [w.users.owner.id, 300, 'achieved'],
    ]);
    const page = await (await editGoalAs(w, 'owner', w.metric.id)).json();
    expect(page.history.map((h: { changes: string[] }) => h.changes)).toEqual([
      ['State active → achieved'],
      ['Target 200 → 300'],
      ['Created'],
    ]);

    const project = await (
      await callRoute(projectLoader, {
        path: `/forums/${w.forum.slug}/projects/${w.project.id}`,
        cookie: w.users.leader.cookie,
        params: { slug: w.forum.slug, id: String(w.project.id) },
      })
    ).json();
    const goal = project.goals.find((g: { id: number }) => g.id === w.metric.id);
    expect(goal.changes.map((c: { text: string }) => c.text)).toEqual(['Target 200 → 300', 'State active → achieved']);
    expect(goal.targets.map((t: { target: number }) => t.target)).toEqual([200, 300, 300]);
  });

  test('a closed goal leaves the status form; a goal’s kind cannot change', async ({ db }) => {
    const w = await createOwnersWorld(db);
    await editGoalAs(w, 'owner', w.milestone.id, { title: 'Launch', kind: 'milestone', dueDate: '', state: 'dropped' });
    const form = await (
      await callRoute(statusLoader, {
        path: '/',
        cookie: w.users.owner.cookie,
        params: { slug: w.forum.slug, id: String(w.project.id) },
      })
    ).json();
    expect(form.goals.map((g: { id: number }) => g.id)).toEqual([w.metric.id]);

    const response = await editGoalAs(w, 'owner', w.metric.id, {
      title: 'p95 latency',
      kind: 'milestone',
      dueDate: '',
      state: 'active',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).fieldErrors.kind[0]).toMatch(/cannot change/);
    expect(await db.selectFrom('goals').select('kind').where('id', '=', w.metric.id).executeTakeFirst()).toEqual({
      kind: 'metric',
    });
  });

  test('only the owner and the chair edit goals: leaders, observers and other owners 403; non-members 404; another project’s goal 404', async ({
    db,
  }) => {
    const w = await createOwnersWorld(db);
    const expected: Record<Who, number> = {
      owner: 303,
      chair: 303,
      leader: 403,
      observer: 403,
      otherOwner: 403,
      outsider: 404,
    };
    for (const [who, status] of Object.entries(expected) as [Who, number][]) {
      expect((await createGoalAs(w, who, { ...newMetric, title: `By ${who}` })).status, `create as ${who}`).toBe(
        status,
      );
      expect(
        (await editGoalAs(w, who, w.metric.id, metricEdit(w, { title: `Edited by ${who}` }))).status,
        `edit as ${who}`,
      ).toBe(status);
      const read = await callRoute(goalsLoader, {
        path: '/',
        cookie: w.users[who].cookie,
        params: { slug: w.forum.slug, id: String(w.project.id) },
      });
      expect(read.status, `editor as ${who}`).toBe(status === 303 ? 200 : status);
    }
    const titles = (await db.selectFrom('goals').select('title').where('project_id', '=', w.project.id).execute()).map(
      (g) => g.title,
    );
    expect(titles).toEqual(expect.arrayContaining(['By owner', 'By chair']));
    expect(titles.filter((t) => /leader|observer|otherOwner|outsider/.test(t))).toEqual([]);

    expect((await editGoalAs(w, 'owner', w.otherGoal.id, metricEdit(w))).status).toBe(404);
    expect(await db.selectFrom('goals').select('title').where('id', '=', w.otherGoal.id).executeTakeFirst()).toEqual({
      title: 'Other goal',
    });
  });
});
