import { expect } from 'vitest';
import { action as itemAction, loader as itemLoader } from '../../app/routes/forums.$slug.action-items.$id';
import { action as meetingAction } from '../../app/routes/forums.$slug.meetings.$id';
import { addActionItem } from '../../app/modules/meetings/reviews.server';
import { startMeeting } from '../../app/modules/meetings/agenda.server';
import { dbTest as test, openFreshDatabase } from '../setup/test-db';
import { createMeetingWorld, type MeetingWorld } from './meetings-world';
import { callRoute } from './owners-world';

// Issue #21.5: no duplicate action items, no due dates in the past, and the chair and the assignee can edit,
// reassign and delete one, each change audited.

type Who = keyof MeetingWorld['users'];
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function addItem(w: MeetingWorld, form: Record<string, string>) {
  const params = { slug: w.forum.slug, id: String(w.coming.id) };
  return callRoute(meetingAction, {
    path: `/forums/${w.forum.slug}/meetings/${w.coming.id}`,
    cookie: w.users.chair.cookie,
    params,
    form: { intent: 'action-item', ...form },
  });
}
const itemRoute = (w: MeetingWorld, who: Who, id: number, form?: Record<string, string>) =>
  callRoute(form ? itemAction : itemLoader, {
    path: `/forums/${w.forum.slug}/action-items/${id}`,
    cookie: w.users[who].cookie,
    params: { slug: w.forum.slug, id: String(id) },
    form,
  });

test('the same action item twice within a minute is refused with a message; a different one is added', async ({
  db,
}) => {
  const w = await createMeetingWorld(db);
  await callRoute(meetingAction, {
    path: '/m',
    cookie: w.users.chair.cookie,
    params: { slug: w.forum.slug, id: String(w.coming.id) },
    form: { intent: 'start' },
  });
  const form = {
    projectId: String(w.projects.due.id),
    text: 'Share the plan',
    assigneeId: String(w.users.ava.id),
    dueDate: inDays(7),
  };
  expect((await addItem(w, form)).status).toBe(303);
  const again = await addItem(w, { ...form, text: '  Share the plan ' });
  expect(again.status).toBe(409);
  expect(await again.json()).toMatchObject({
    intent: 'action-item',
    projectId: w.projects.due.id,
    fieldErrors: { text: [expect.stringMatching(/added less than a minute ago/)] },
    values: { text: '  Share the plan ' },
  });
  expect((await addItem(w, { ...form, assigneeId: String(w.users.ben.id) })).status).toBe(303);
  const rows = await db
    .selectFrom('action_items')
    .select(['text', 'assignee_id'])
    .where('project_id', '=', w.projects.due.id)
    .orderBy('id')
    .execute();
  expect(rows).toEqual([
    { text: 'Share the plan', assignee_id: w.users.ava.id },
    { text: 'Share the plan', assignee_id: w.users.ben.id },
  ]);
  // A minute later the same item is a new one.
  const base = {
    forumId: w.forum.id,
    meetingId: w.coming.id,
    projectId: w.projects.due.id,
    actorId: w.users.chair.id,
    text: 'Share the plan',
    assigneeId: w.users.ava.id,
    dueDate: form.dueDate,
  };
  expect(await addActionItem(db, { ...base, now: new Date(Date.now() + 61_000) })).toMatchObject({ ok: true });
});

test('two identical adds at once (a double click) add one item', async () => {
  const handle = await openFreshDatabase();
  try {
    const w = await createMeetingWorld(handle.db);
    const base = {
      forumId: w.forum.id,
      meetingId: w.coming.id,
      projectId: w.projects.due.id,
      actorId: w.users.chair.id,
    };
    expect((await startMeeting(handle.db, base)).ok).toBe(true);
    const item = { ...base, text: 'Twice', assigneeId: w.users.ava.id, dueDate: null };
    const twice = await Promise.all([addActionItem(handle.db, item), addActionItem(handle.db, item)]);
    expect(twice.map((r) => r.ok).sort()).toEqual([false, true]);
    expect(await handle.db.selectFrom('action_items').select('id').where('text', '=', 'Twice').execute()).toHaveLength(
      1,
    );
  } finally {
    await handle.close();
  }
});

test('a due date before today in the forum’s time zone is refused', async ({ db }) => {
  const w = await createMeetingWorld(db);
  await db.updateTable('forums').set({ time_zone: 'Pacific/Kiritimati' }).where('id', '=', w.forum.id).execute(); // UTC+14
  await callRoute(meetingAction, {
    path: '/m',
    cookie: w.users.chair.cookie,
    params: { slug: w.forum.slug, id: String(w.coming.id) },
    form: { intent: 'start' },
  });
  const base = {
    forumId: w.forum.id,
    meetingId: w.coming.id,
    projectId: w.projects.due.id,
    actorId: w.users.chair.id,
    text: 'Plan',
    assigneeId: w.users.ava.id,
  };
  const now = new Date('2026-12-02T12:00:00Z'); // already 3 Dec in Kiritimati
  expect(await addActionItem(db, { ...base, dueDate: '2026-12-02', now })).toMatchObject({
    ok: false,
    failure: { field: 'dueDate', message: expect.stringMatching(/Choose a due date from today/) },
  });
  expect(await addActionItem(db, { ...base, dueDate: '2026-12-03', now })).toMatchObject({ ok: true });
  expect(await addActionItem(db, { ...base, text: 'No date', dueDate: null, now })).toMatchObject({ ok: true });
});

test('the chair and the assignee edit, reassign and delete an action item, audited; others are refused', async ({
  db,
}) => {
  const w = await createMeetingWorld(db);
  await callRoute(meetingAction, {
    path: '/m',
    cookie: w.users.chair.cookie,
    params: { slug: w.forum.slug, id: String(w.coming.id) },
    form: { intent: 'start' },
  });
  expect(
    (
      await addItem(w, {
        projectId: String(w.projects.due.id),
        text: 'Draft',
        assigneeId: String(w.users.ava.id),
        dueDate: inDays(5),
      })
    ).status,
  ).toBe(303);
  const { id } = await db
    .selectFrom('action_items')
    .select('id')
    .where('project_id', '=', w.projects.due.id)
    .executeTakeFirstOrThrow();

  for (const who of ['leader', 'ben', 'observer'] as const) {
    expect((await itemRoute(w, who, id)).status).toBe(403);
    expect((await itemRoute(w, who, id, { intent: 'delete' })).status).toBe(403);
  }
  expect((await itemRoute(w, 'outsider', id)).status).toBe(404);
  const page = await itemRoute(w, 'ava', id);
  expect(page.status).toBe(200);
  expect(await page.json()).toMatchObject({
    item: { text: 'Draft', assigneeId: w.users.ava.id },
    back: `/forums/${w.forum.slug}/meetings/${w.coming.id}?item=${w.projects.due.id}#item-${w.projects.due.id}`,
  });

  // The assignee edits it; a past date or a stranger as assignee is refused beside the field, nothing changed.
  const edit = { intent: 'edit', text: 'Final plan', assigneeId: String(w.users.ava.id), dueDate: inDays(9) };
  const past = await itemRoute(w, 'ava', id, { ...edit, dueDate: '2020-01-01' });
  expect(past.status).toBe(400);
  expect(await past.json()).toMatchObject({
    fieldErrors: { dueDate: [expect.stringMatching(/from today/)] },
    values: { text: 'Final plan' },
  });
  expect((await itemRoute(w, 'ava', id, { ...edit, assigneeId: String(w.users.outsider.id) })).status).toBe(400);
  expect((await itemRoute(w, 'ava', id, { ...edit, text: '' })).status).toBe(400);
  expect((await itemRoute(w, 'ava', id, edit)).status).toBe(303);
  // The assignee hands it to Ben, who may then change it; Ava no longer may.
  expect((await itemRoute(w, 'ava', id, { ...edit, assigneeId: String(w.users.ben.id) })).status).toBe(303);
  expect((await itemRoute(w, 'ava', id)).status).toBe(403);
  expect((await itemRoute(w, 'ben', id)).status).toBe(200);
  expect(
    await db
      .selectFrom('action_items')
      .select(['text', 'assignee_id', 'due_date'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow(),
  ).toEqual({
    text: 'Final plan',
    assignee_id: w.users.ben.id,
    due_date: edit.dueDate,
  });
  // The chair deletes it.
  const deleted = await itemRoute(w, 'chair', id, { intent: 'delete', redirectTo: '/' });
  expect(deleted.status).toBe(303);
  expect(deleted.headers.get('Location')).toBe('/');
  expect(await db.selectFrom('action_items').select('id').where('id', '=', id).execute()).toEqual([]);
  expect((await itemRoute(w, 'chair', id)).status).toBe(404);

  const audit = await db
    .selectFrom('audit_log')
    .select(['action', 'user_id', 'detail'])
    .where('target', '=', `action_item:${id}`)
    .where('denied', '=', false)
    .orderBy('id')
    .execute();
  expect(audit.map((a) => [a.action, a.user_id])).toEqual([
    ['action_item.create', w.users.chair.id],
    ['action_item.update', w.users.ava.id],
    ['action_item.reassign', w.users.ava.id],
    ['action_item.delete', w.users.chair.id],
  ]);
  expect(audit[1].detail).toMatchObject({ before: { text: 'Draft' }, after: { text: 'Final plan' } });
  const denied = await db
    .selectFrom('audit_log')
    .select('user_id')
    .where('target', '=', `action_item:${id}`)
    .where('denied', '=', true)
    .execute();
  expect(denied.length).toBeGreaterThanOrEqual(6);
});
