import { expect } from 'vitest';
import { action as statusAction, loader as statusLoader } from '../../app/routes/forums.$slug.projects.$id.status';
import { getProjectPage } from '../../app/modules/projects/project-page.server';
import { newStatusFormValues } from '../../app/modules/status/status';
import { createMeeting } from '../factories';
import { dbTest as test } from '../setup/test-db';
import { DAY_MS, callRoute, createOwnersWorld, type OwnersWorld } from './owners-world';

// Issue #21.4: a milestone once done stays done unless its owner reopens it on purpose, with a note.

async function withDoneLastCycle(w: OwnersWorld, db: Parameters<typeof createOwnersWorld>[0]) {
  const last = await createMeeting(db, {
    forumId: w.forum.id,
    scheduledAt: new Date(Date.now() - 4 * DAY_MS),
    state: 'closed',
  });
  const status = await db
    .insertInto('status_updates')
    .values({
      project_id: w.project.id,
      meeting_id: last.id,
      author_id: w.users.owner.id,
      health: 'on_track',
      summary: 'Launched',
      risks: '',
      asks: '',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('status_goal_values')
    .values([
      { status_update_id: status.id, goal_id: w.metric.id, value: 300, done: null, note: '' },
      { status_update_id: status.id, goal_id: w.milestone.id, value: null, done: true, note: '' },
    ])
    .execute();
}

const page = (w: OwnersWorld) => ({
  path: `/forums/${w.forum.slug}/projects/${w.project.id}/status`,
  cookie: w.users.owner.cookie,
  params: { slug: w.forum.slug, id: String(w.project.id) },
});
const form = (w: OwnersWorld, extra: Record<string, string>) => ({
  version: '0',
  health: 'on_track',
  summary: 'Steady',
  [`goal.${w.metric.id}.value`]: '280',
  ...extra,
});

test('a milestone done in the last cycle starts ticked on the new status form, and posting the form as it stands keeps it done', async ({
  db,
}) => {
  const w = await createOwnersWorld(db);
  await withDoneLastCycle(w, db);
  const loaded = await callRoute(statusLoader, page(w));
  const data = (await loaded.json()) as {
    goals: { id: number; kind: 'metric' | 'milestone'; title: string; wasDone: boolean | null }[];
  };
  expect(data.goals.find((g) => g.id === w.milestone.id)?.wasDone).toBe(true);
  expect(data.goals.find((g) => g.id === w.metric.id)?.wasDone).toBe(null);
  const defaults = newStatusFormValues(data.goals);
  expect(defaults[`goal.${w.milestone.id}.done`]).toBe('on');

  const posted = await callRoute(statusAction, {
    ...page(w),
    form: form(w, { [`goal.${w.milestone.id}.done`]: defaults[`goal.${w.milestone.id}.done`] }),
  });
  expect(posted.status).toBe(303);
  const project = await getProjectPage(db, { forumId: w.forum.id, projectId: w.project.id });
  expect(project.goals.find((g) => g.id === w.milestone.id)?.milestone).toMatchObject({ done: true, reopened: [] });
});

test('unticking a done milestone is a reopen: refused without a note, saved with one and shown in its history', async ({
  db,
}) => {
  const w = await createOwnersWorld(db);
  await withDoneLastCycle(w, db);
  await callRoute(statusLoader, page(w)); // remembers the form's context, as a person's visit does
  const refused = await callRoute(statusAction, {
    ...page(w),
    form: form(w, { [`goal.${w.milestone.id}.note`]: '  ' }),
  });
  expect(refused.status).toBe(400);
  const body = (await refused.json()) as { fieldErrors: Record<string, string[]>; values: Record<string, string> };
  expect(body.fieldErrors[`goal.${w.milestone.id}.note`]?.[0]).toMatch(/Launch was done: to reopen it, say why/);
  expect(body.values.summary).toBe('Steady');
  expect(await db.selectFrom('status_updates').select('id').where('meeting_id', '=', w.meeting.id).execute()).toEqual(
    [],
  );

  const reopened = await callRoute(statusAction, {
    ...page(w),
    form: form(w, { [`goal.${w.milestone.id}.note`]: 'Rolled back: data loss in EU' }),
  });
  expect(reopened.status).toBe(303);
  const project = await getProjectPage(db, { forumId: w.forum.id, projectId: w.project.id });
  const milestone = project.goals.find((g) => g.id === w.milestone.id)?.milestone;
  expect(milestone).toMatchObject({ done: false, reopened: [{ note: 'Rolled back: data loss in EU' }] });

  // Editing this cycle's status again: the last cycle's report still says done, so the note stays required.
  const version = await db
    .selectFrom('status_updates')
    .select('version')
    .where('meeting_id', '=', w.meeting.id)
    .executeTakeFirstOrThrow();
  const again = await callRoute(statusAction, { ...page(w), form: form(w, { version: String(version.version) }) });
  expect(again.status).toBe(400);
});
