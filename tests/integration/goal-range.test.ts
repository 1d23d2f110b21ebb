import { expect } from 'vitest';
import { action as goalsAction } from '../../app/routes/forums.$slug.projects.$id.goals._index';
import { action as goalAction, loader as goalLoader } from '../../app/routes/forums.$slug.projects.$id.goals.$goalId';
import { action as statusAction, loader as statusLoader } from '../../app/routes/forums.$slug.projects.$id.status';
import { dbTest as test } from '../setup/test-db';
import { callRoute, createOwnersWorld, type OwnersWorld } from './owners-world';

// Issue #21.8: a metric goal's valid range (0 or more unless it declares otherwise); values outside it are refused
// on the status form beside the field, never saved.

const statusPath = (w: OwnersWorld) => ({
  path: `/forums/${w.forum.slug}/projects/${w.project.id}/status`,
  cookie: w.users.owner.cookie,
  params: { slug: w.forum.slug, id: String(w.project.id) },
});
const statusForm = (w: OwnersWorld, value: string) => ({
  version: '0',
  health: 'on_track',
  summary: 'Fine',
  [`goal.${w.metric.id}.value`]: value,
});
const editGoal = (w: OwnersWorld, form: Record<string, string>) =>
  callRoute(goalAction, {
    path: `/forums/${w.forum.slug}/projects/${w.project.id}/goals/${w.metric.id}`,
    cookie: w.users.owner.cookie,
    params: { slug: w.forum.slug, id: String(w.project.id), goalId: String(w.metric.id) },
    form: {
      title: 'p95 latency',
      kind: 'metric',
      unit: 'ms',
      baseline: '800',
      target: '200',
      direction: 'down',
      dueDate: '',
      state: 'active',
      ...form,
    },
  });

test('a negative value for a goal without a declared range is refused beside its field and nothing is saved', async ({
  db,
}) => {
  const w = await createOwnersWorld(db);
  await callRoute(statusLoader, statusPath(w));
  const refused = await callRoute(statusAction, { ...statusPath(w), form: statusForm(w, '-3') });
  expect(refused.status).toBe(400);
  const body = (await refused.json()) as { fieldErrors: Record<string, string[]>; values: Record<string, string> };
  expect(body.fieldErrors).toEqual({ [`goal.${w.metric.id}.value`]: ['Enter a value 0 or more'] });
  expect(body.values[`goal.${w.metric.id}.value`]).toBe('-3');
  expect(await db.selectFrom('status_updates').select('id').where('project_id', '=', w.project.id).execute()).toEqual(
    [],
  );
  expect((await callRoute(statusAction, { ...statusPath(w), form: statusForm(w, '0') })).status).toBe(303);
});

test('the goals editor declares a range; the status form keeps to it; an impossible range is refused', async ({
  db,
}) => {
  const w = await createOwnersWorld(db);
  expect((await editGoal(w, { min: '100', max: '50' })).status).toBe(400);
  const outside = await editGoal(w, { min: '300', max: '' });
  expect(outside.status).toBe(400);
  expect(((await outside.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors.target).toEqual([
    'Enter a value 300 or more',
  ]);
  expect((await editGoal(w, { min: '-50', max: '1000' })).status).toBe(303);
  const goal = await db
    .selectFrom('goals')
    .select(['min_value', 'max_value'])
    .where('id', '=', w.metric.id)
    .executeTakeFirstOrThrow();
  expect(goal).toEqual({ min_value: -50, max_value: 1000 });
  const page = await callRoute(goalLoader, {
    ...statusPath(w),
    path: '/g',
    params: { slug: w.forum.slug, id: String(w.project.id), goalId: String(w.metric.id) },
  });
  const data = (await page.json()) as { history: { changes: string[] }[] };
  expect(data.history[0].changes).toEqual(['Lowest valid value — → -50', 'Highest valid value — → 1000']);

  await callRoute(statusLoader, statusPath(w));
  const high = await callRoute(statusAction, { ...statusPath(w), form: statusForm(w, '1000.5') });
  expect(high.status).toBe(400);
  expect(
    ((await high.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors[`goal.${w.metric.id}.value`],
  ).toEqual(['Enter a value from -50 to 1000']);
  expect((await callRoute(statusAction, { ...statusPath(w), form: statusForm(w, '-3') })).status).toBe(303);
  const saved = await db
    .selectFrom('status_goal_values')
    .select('value')
    .where('goal_id', '=', w.metric.id)
    .executeTakeFirstOrThrow();
  expect(saved.value).toBe(-3);

  // A new goal too: its baseline must be in its range.
  const created = await callRoute(goalsAction, {
    path: `/forums/${w.forum.slug}/projects/${w.project.id}/goals`,
    cookie: w.users.owner.cookie,
    params: { slug: w.forum.slug, id: String(w.project.id) },
    form: {
      title: 'Margin change',
      kind: 'metric',
      unit: '%',
      baseline: '-2',
      target: '3',
      direction: 'up',
      dueDate: '',
    },
  });
  expect(created.status).toBe(400);
});
