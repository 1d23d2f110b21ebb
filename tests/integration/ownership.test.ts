import { expect } from 'vitest';
import { changeProjectOwner } from '../../app/modules/projects/ownership.server';
import { findOversightDrift, recordOversightEvents } from '../../app/modules/oversight/oversight.server';
import { action as ownerAction } from '../../app/routes/forums.$slug.projects.$id.owner';
import { addMember, createForum, createProject, createUser } from '../factories';
import { dbTest as test } from '../setup/test-db';
import { callRoute, signedInCookie } from './owners-world';

test('handing a project to a new owner restarts it at the level that owner has earned, explained and replayable', async ({
  db,
}) => {
  const forum = await createForum(db);
  const chair = await createUser(db, { passwordHash: 'x', name: 'Chair' });
  const ava = await createUser(db, { passwordHash: 'x', name: 'Ava' });
  const ben = await createUser(db, { passwordHash: 'x', name: 'Ben' });
  const newbie = await createUser(db, { passwordHash: 'x', name: 'Newbie' });
  const watcher = await createUser(db, { passwordHash: 'x', name: 'Watcher' });
  for (const [u, role] of [
    [chair, 'chair'],
    [ava, 'owner'],
    [ben, 'owner'],
    [newbie, 'owner'],
    [watcher, 'observer'],
  ] as const)
    await addMember(db, { forumId: forum.id, userId: u.id, role });
  const trusted = await createProject(db, { forumId: forum.id, ownerId: ava.id, name: 'Trusted one' });
  await recordOversightEvents(db, {
    projectId: trusted.id,
    inputs: [{ event: { type: 'start', level: 'trusted', reason: 'Seeded at Trusted' } }],
  });
  const bens = await createProject(db, { forumId: forum.id, ownerId: ben.id, name: 'Ben’s light one' });
  await recordOversightEvents(db, {
    projectId: bens.id,
    inputs: [{ event: { type: 'start', level: 'light', reason: 'Seeded at Light' } }],
  });

  const toBen = await changeProjectOwner(db, {
    forumId: forum.id,
    projectId: trusted.id,
    ownerId: ben.id,
    note: '',
    actorId: chair.id,
  });
  expect(toBen).toMatchObject({ ok: true, value: { level: 'light' } });
  const toNewbie = await changeProjectOwner(db, {
    forumId: forum.id,
    projectId: trusted.id,
    ownerId: newbie.id,
    note: 'reorg',
    actorId: chair.id,
  });
  expect(toNewbie).toMatchObject({ ok: true, value: { level: 'standard' } });
  const last = await db
    .selectFrom('oversight_events')
    .select(['type', 'from_level', 'to_level', 'explanation', 'actor_id'])
    .where('project_id', '=', trusted.id)
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow();
  expect(last).toMatchObject({ type: 'restart', from_level: 'light', to_level: 'standard', actor_id: chair.id });
  expect(last.explanation).toMatch(/Handed to Newbie: .*first project.*\(reorg\)/);

  expect(
    await changeProjectOwner(db, {
      forumId: forum.id,
      projectId: trusted.id,
      ownerId: watcher.id,
      note: '',
      actorId: chair.id,
    }),
  ).toMatchObject({ ok: false });
  expect(
    await changeProjectOwner(db, {
      forumId: forum.id,
      projectId: trusted.id,
      ownerId: newbie.id,
      note: '',
      actorId: chair.id,
    }),
  ).toMatchObject({ ok: false });
  expect(await findOversightDrift(db)).toEqual([]);

  // Only the chair may do it: an owner gets 403; bad input 400.
  const path = `/forums/${forum.slug}/projects/${trusted.id}/owner`;
  const params = { slug: forum.slug, id: String(trusted.id) };
  const denied = await callRoute(ownerAction, {
    path,
    cookie: await signedInCookie(db, ava.id),
    params,
    form: { ownerId: String(ava.id) },
  });
  expect(denied.status).toBe(403);
  const bad = await callRoute(ownerAction, {
    path,
    cookie: await signedInCookie(db, chair.id),
    params,
    form: { ownerId: 'abc' },
  });
  expect(bad.status).toBe(400);
  const ok = await callRoute(ownerAction, {
    path,
    cookie: await signedInCookie(db, chair.id),
    params,
    form: { ownerId: String(ava.id), reason: '' },
  });
  expect(ok.status).toBe(303);
  const project = await db
    .selectFrom('projects')
    .select(['owner_id', 'oversight_level'])
    .where('id', '=', trusted.id)
    .executeTakeFirstOrThrow();
  expect(project.owner_id).toBe(ava.id);
});

// Issue #18: the starting-level rule counts the hard misses an owner made, on the projects they owned at the time,
// not those of whoever owns those projects now.
test('a new owner’s starting level counts the hard misses they made, not those of the projects’ previous owners', async ({
  db,
}) => {
  const forum = await createForum(db);
  const [chair, ava, ben, cal] = await Promise.all(
    ['Chair', 'Ava', 'Ben', 'Cal'].map((name) => createUser(db, { passwordHash: 'x', name })),
  );
  for (const [u, role] of [
    [chair, 'chair'],
    [ava, 'owner'],
    [ben, 'owner'],
    [cal, 'owner'],
  ] as const)
    await addMember(db, { forumId: forum.id, userId: u.id, role });
  const start = async (ownerId: number, name: string) => {
    const p = await createProject(db, { forumId: forum.id, ownerId, name });
    await recordOversightEvents(db, {
      projectId: p.id,
      inputs: [{ event: { type: 'start', level: 'light', reason: 'Seeded at Light' } }],
    });
    return p;
  };
  // Ava said "on track" and was found off track on Payments: a hard miss, hers. She keeps another project at Light.
  const payments = await start(ava.id, 'Payments');
  await recordOversightEvents(db, {
    projectId: payments.id,
    inputs: [{ event: { type: 'review', verdict: 'off_track', selfReport: 'on_track' } }],
  });
  await start(ava.id, 'Ava’s other');
  await start(ben.id, 'Ben’s own');
  const spare1 = await start(cal.id, 'Spare one');
  const spare2 = await start(cal.id, 'Spare two');

  // Payments goes to Ben, then Ben takes another project: Ava's hard miss is not his.
  expect(
    await changeProjectOwner(db, {
      forumId: forum.id,
      projectId: payments.id,
      ownerId: ben.id,
      note: '',
      actorId: chair.id,
    }),
  ).toMatchObject({ ok: true });
  expect(
    await changeProjectOwner(db, {
      forumId: forum.id,
      projectId: spare1.id,
      ownerId: ben.id,
      note: '',
      actorId: chair.id,
    }),
  ).toMatchObject({ ok: true, value: { level: 'light' } });
  // Ava no longer owns Payments, but the hard miss she made there still counts for her.
  const toAva = await changeProjectOwner(db, {
    forumId: forum.id,
    projectId: spare2.id,
    ownerId: ava.id,
    note: '',
    actorId: chair.id,
  });
  expect(toAva).toMatchObject({ ok: true, value: { level: 'standard' } });
  if (toAva.ok) expect(toAva.value.explanation).toMatch(/hard miss/i);
  const owners = await db
    .selectFrom('oversight_events')
    .select(['event_class', 'owner_id'])
    .where('project_id', '=', payments.id)
    .orderBy('seq')
    .execute();
  expect(owners.map((e) => [e.event_class, e.owner_id])).toEqual([
    ['RESTART', ava.id],
    ['HARD_MISS', ava.id],
    ['RESTART', ben.id],
  ]);
});
