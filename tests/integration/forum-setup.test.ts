import { expect } from 'vitest';
import { getSessionUser } from '../../app/modules/auth/session.server';
import { previewMeetings } from '../../app/modules/forums/forums';
import { invalidPolicyWarnings, updateForumSchedule } from '../../app/modules/forums/forums.server';
import { loadAgendaFacts, planAgenda } from '../../app/modules/meetings/agenda.server';
import { getOversightOverview } from '../../app/modules/oversight/oversight-page.server';
import { parseDashboardQuery } from '../../app/modules/projects/dashboard';
import { listProjectsForDashboard } from '../../app/modules/projects/dashboard.server';
import {
  createProject as createProjectService,
  setProjectArchived,
} from '../../app/modules/projects/manage-project.server';
import { recordOversightEvents } from '../../app/modules/oversight/oversight.server';
import { listStatusesDue } from '../../app/modules/status/status.server';
import { action as adminForumsAction, loader as adminForumsLoader } from '../../app/routes/admin.forums';
import { loader as settingsLayoutLoader } from '../../app/routes/forums.$slug.settings';
import { action as settingsAction, loader as settingsLoader } from '../../app/routes/forums.$slug.settings._index';
import { action as newProjectAction } from '../../app/routes/forums.$slug.projects.new';
import { action as editProjectAction } from '../../app/routes/forums.$slug.projects.$id.edit';
import { action as projectPageAction } from '../../app/routes/forums.$slug.projects.$id._index';
import { action as statusAction, loader as statusLoader } from '../../app/routes/forums.$slug.projects.$id.status';
import { action as goalsAction } from '../../app/routes/forums.$slug.projects.$id.goals._index';
import { action as ownerAction } from '../../app/routes/forums.$slug.projects.$id.owner';
import { addMember, createForum, createMeeting, createProject, createStatus, createUser } from '../factories';
import { dbTest as test } from '../setup/test-db';
import { DAY_MS, callRoute, signedInCookie } from './owners-world';

const WEEK_MS = 7 * DAY_MS;

async function auditActions(db: Parameters<typeof signedInCookie>[0], action: string) {
  return db
    .selectFrom('audit_log')
    .select(['user_id', 'forum_id', 'target', 'detail'])
    .where('action', '=', action)
    .execute();
}

test('an instance admin creates a forum: they chair it, its meetings are planned, it is audited; bad input is a 400 that keeps what was typed', async ({
  db,
}) => {
  const admin = await createUser(db, {
    passwordHash: 'x',
    name: 'Ada Admin',
    isAdmin: true,
  });
  const someone = await createUser(db, {
    passwordHash: 'x',
    name: 'Not Admin',
  });
  const path = '/admin/forums';
  const form = {
    intent: 'create',
    name: 'Ops Review',
    slug: 'ops-review',
    cadence: 'biweekly',
    weekday: '3',
    meetingTime: '14:30',
    timeZone: 'Europe/London',
    statusDeadlineHours: '48',
    minutesPerReview: '15',
  };

  expect(
    (
      await callRoute(adminForumsLoader, {
        path,
        cookie: await signedInCookie(db, someone.id),
        params: {},
      })
    ).status,
  ).toBe(403);
  expect(
    (
      await callRoute(adminForumsAction, {
        path,
        cookie: await signedInCookie(db, someone.id),
        params: {},
        form,
      })
    ).status,
  ).toBe(403);

  const cookie = await signedInCookie(db, admin.id);
  const bad = await callRoute(adminForumsAction, {
    path,
    cookie,
    params: {},
    form: {
      ...form,
      slug: 'Ops Review!',
      timeZone: 'Mars/Olympus',
      meetingTime: '25:00',
      minutesPerReview: '0',
    },
  });
  expect(bad.status).toBe(400);
  const body = (await bad.json()) as {
    fieldErrors: Record<string, string[]>;
    values: Record<string, string>;
  };
  expect(Object.keys(body.fieldErrors).sort()).toEqual(['meetingTime', 'minutesPerReview', 'slug', 'timeZone']);
  expect(body.values).toMatchObject({
    name: 'Ops Review',
    timeZone: 'Mars/Olympus',
  });

  const ok = await callRoute(adminForumsAction, {
    path,
    cookie,
    params: {},
    form,
  });
  expect(ok.status).toBe(303);
  expect(ok.headers.get('Location')).toBe('/forums/ops-review');
  const forum = await db.selectFrom('forums').selectAll().where('slug', '=', 'ops-review').executeTakeFirstOrThrow();
  expect(forum).toMatchObject({
    name: 'Ops Review',
    cadence: 'biweekly',
    weekday: 3,
    meeting_time: '14:30',
    time_zone: 'Europe/London',
    status_deadline_hours: 48,
    minutes_per_review: 15,
  });
  const membership = await db
    .selectFrom('memberships')
    .select('role')
    .where('forum_id', '=', forum.id)
    .where('user_id', '=', admin.id)
    .executeTakeFirstOrThrow();
  expect(membership.role).toBe('chair');
  const meetings = await db
    .selectFrom('meetings')
    .select(['scheduled_at', 'state'])
    .where('forum_id', '=', forum.id)
    .orderBy('scheduled_at')
    .execute();
  expect(meetings.length).toBe(3);
  expect(meetings.every((m) => m.state === 'planned' && m.scheduled_at.getTime() > Date.now())).toBe(true);
  expect(meetings[1].scheduled_at.getTime() - meetings[0].scheduled_at.getTime()).toBeGreaterThanOrEqual(
    14 * DAY_MS - 3600_000,
  );
  expect(await auditActions(db, 'forum.create')).toMatchObject([{ user_id: admin.id, forum_id: forum.id }]);

  // The same address again: a field error, nothing created.
  const taken = await callRoute(adminForumsAction, {
    path,
    cookie,
    params: {},
    form: { ...form, name: 'Another' },
  });
  expect(taken.status).toBe(400);
  expect(((await taken.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors.slug[0]).toMatch(
    /Another forum uses this address/,
  );

  const list = (await (await callRoute(adminForumsLoader, { path, cookie, params: {} })).json()) as {
    forums: {
      slug: string;
      members: number;
      projects: number;
      nextMeeting: string | null;
    }[];
  };
  expect(list.forums.find((f) => f.slug === 'ops-review')).toMatchObject({
    members: 1,
    projects: 0,
  });
  expect(list.forums.find((f) => f.slug === 'ops-review')?.nextMeeting).not.toBeNull();
});

test('a schedule change re-plans only planned meetings, to the dates the preview showed', async ({ db }) => {
  const forum = await createForum(db, {
    cadence: 'weekly',
    weekday: 1,
    meetingTime: '10:00',
    timeZone: 'UTC',
  });
  const chair = await createUser(db, { passwordHash: 'x', name: 'Chair' });
  const owner = await createUser(db, { passwordHash: 'x', name: 'Owner' });
  await addMember(db, { forumId: forum.id, userId: chair.id, role: 'chair' });
  await addMember(db, { forumId: forum.id, userId: owner.id, role: 'owner' });
  const project = await createProject(db, {
    forumId: forum.id,
    ownerId: owner.id,
  });
  const now = new Date();
  const closed = await createMeeting(db, {
    forumId: forum.id,
    scheduledAt: new Date(now.getTime() - 2 * WEEK_MS),
    state: 'closed',
  });
  const started = await createMeeting(db, {
    forumId: forum.id,
    scheduledAt: new Date(now.getTime() - 3600_000),
    state: 'in_progress',
  });
  const planned1 = await createMeeting(db, {
    forumId: forum.id,
    scheduledAt: new Date(now.getTime() + WEEK_MS),
    state: 'planned',
  });
  const planned2 = await createMeeting(db, {
    forumId: forum.id,
    scheduledAt: new Date(now.getTime() + 2 * WEEK_MS),
    state: 'planned',
  });
  const status = await createStatus(db, {
    projectId: project.id,
    meetingId: planned1.id,
    authorId: owner.id,
    health: 'on_track',
  });

  const schedule = {
    cadence: 'monthly' as const,
    weekday: 3,
    meetingTime: '15:00',
    timeZone: 'Europe/London',
    statusDeadlineHours: 12,
    minutesPerReview: 20,
  };
  const preview = previewMeetings(schedule, {
    lastHeld: started.scheduled_at,
    now,
    count: 4,
  });
  const result = await updateForumSchedule(db, {
    forumId: forum.id,
    schedule,
    actorId: chair.id,
    now,
  });
  expect(result.replanned).toBeGreaterThanOrEqual(0);

  const meetings = await db
    .selectFrom('meetings')
    .select(['id', 'scheduled_at', 'state'])
    .where('forum_id', '=', forum.id)
    .orderBy('scheduled_at')
    .execute();
  // Started and closed meetings keep their dates.
  expect(meetings.find((m) => m.id === closed.id)?.scheduled_at.getTime()).toBe(closed.scheduled_at.getTime());
  expect(meetings.find((m) => m.id === started.id)?.scheduled_at.getTime()).toBe(started.scheduled_at.getTime());
  // The planned ones moved (same ids, so the status posted for the first stays with it) to the previewed dates.
  const planned = meetings.filter((m) => m.state === 'planned');
  expect(planned.slice(0, 2).map((m) => m.id)).toEqual([planned1.id, planned2.id]);
  expect(planned.map((m) => m.scheduled_at.toISOString())).toEqual(
    preview.slice(0, planned.length).map((d) => d.toISOString()),
  );
  expect(planned.length).toBe(3);
  for (const m of planned) {
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
      day: 'numeric',
    }).formatToParts(m.scheduled_at);
    const part = (t: string) => local.find((p) => p.type === t)?.value;
    expect([part('weekday'), `${part('hour')}:${part('minute')}`]).toEqual(['Wednesday', '15:00']);
    expect(Number(part('day'))).toBeLessThanOrEqual(7); // the first Wednesday of its month
  }
  expect(
    (await db.selectFrom('status_updates').select('meeting_id').where('id', '=', status.id).executeTakeFirstOrThrow())
      .meeting_id,
  ).toBe(planned1.id);
  expect(await auditActions(db, 'forum.schedule')).toHaveLength(1);
});

test('the settings page: the chair edits name, slug and schedule (preview first), leaders read, owners get 403', async ({
  db,
}) => {
  const forum = await createForum(db, { slug: `settings-${Date.now()}` });
  const other = await createForum(db, { slug: `taken-${Date.now()}` });
  const chair = await createUser(db, { passwordHash: 'x', name: 'Chair' });
  const leader = await createUser(db, { passwordHash: 'x', name: 'Leader' });
  const owner = await createUser(db, { passwordHash: 'x', name: 'Owner' });
  for (const [u, role] of [
    [chair, 'chair'],
    [leader, 'leader'],
    [owner, 'owner'],
  ] as const)
    await addMember(db, { forumId: forum.id, userId: u.id, role });
  const params = { slug: forum.slug };
  const path = `/forums/${forum.slug}/settings`;
  const chairCookie = await signedInCookie(db, chair.id);

  // Owners reach the settings layout since issue #15 (its Oversight policy tab is for every member), but the
  // General & schedule tab still refuses them.
  expect(
    (
      await callRoute(settingsLayoutLoader, {
        path,
        cookie: await signedInCookie(db, owner.id),
        params,
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await callRoute(settingsLoader, {
        path,
        cookie: await signedInCookie(db, owner.id),
        params,
      })
    ).status,
  ).toBe(403);
  expect(
    (
      await callRoute(settingsLoader, {
        path,
        cookie: await signedInCookie(db, leader.id),
        params,
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await callRoute(settingsAction, {
        path,
        cookie: await signedInCookie(db, leader.id),
        params,
        form: { intent: 'general', name: 'X', slug: 'x-x' },
      })
    ).status,
  ).toBe(403);

  const scheduleForm = {
    cadence: 'weekly',
    weekday: '4',
    meetingTime: '09:15',
    timeZone: 'America/New_York',
    statusDeadlineHours: '24',
    minutesPerReview: '10',
  };
  const preview = await callRoute(settingsAction, {
    path,
    cookie: chairCookie,
    params,
    form: { intent: 'preview', ...scheduleForm },
  });
  expect(preview.status).toBe(200);
  const previewBody = (await preview.json()) as {
    preview: { dates: string[]; timeZone: string };
  };
  expect(previewBody.preview.dates).toHaveLength(4);
  expect(previewBody.preview.timeZone).toBe('America/New_York');
  // Preview writes nothing.
  expect(
    (await db.selectFrom('forums').select('weekday').where('id', '=', forum.id).executeTakeFirstOrThrow()).weekday,
  ).toBe(1);

  const badSchedule = await callRoute(settingsAction, {
    path,
    cookie: chairCookie,
    params,
    form: { intent: 'schedule', ...scheduleForm, timeZone: 'Nowhere/Land' },
  });
  expect(badSchedule.status).toBe(400);
  expect(await badSchedule.json()).toMatchObject({
    intent: 'schedule',
    fieldErrors: { timeZone: [expect.any(String)] },
    values: { timeZone: 'Nowhere/Land' },
  });

  const saved = await callRoute(settingsAction, {
    path,
    cookie: chairCookie,
    params,
    form: { intent: 'schedule', ...scheduleForm },
  });
  expect(saved.status).toBe(303);
  const planned = await db
    .selectFrom('meetings')
    .select('scheduled_at')
    .where('forum_id', '=', forum.id)
    .where('state', '=', 'planned')
    .orderBy('scheduled_at')
    .execute();
  expect(planned.map((m) => m.scheduled_at.toISOString())).toEqual(previewBody.preview.dates.slice(0, planned.length));

  const clash = await callRoute(settingsAction, {
    path,
    cookie: chairCookie,
    params,
    form: { intent: 'general', name: 'Renamed', slug: other.slug },
  });
  expect(clash.status).toBe(400);
  expect(await clash.json()).toMatchObject({
    intent: 'general',
    fieldErrors: { slug: [expect.stringMatching(/Another forum/)] },
    values: { name: 'Renamed' },
  });
  const moved = await callRoute(settingsAction, {
    path,
    cookie: chairCookie,
    params,
    form: { intent: 'general', name: 'Renamed', slug: `${forum.slug}-new` },
  });
  expect(moved.status).toBe(303);
  expect(moved.headers.get('Location')).toBe(`/forums/${forum.slug}-new/settings?saved=general`);
  expect(
    await db.selectFrom('forums').select(['name', 'slug']).where('id', '=', forum.id).executeTakeFirstOrThrow(),
  ).toEqual({
    name: 'Renamed',
    slug: `${forum.slug}-new`,
  });

  // Archive needs its confirmation; then the forum leaves its members' lists and its pages.
  const newPath = `/forums/${forum.slug}-new/settings`;
  const unconfirmed = await callRoute(settingsAction, {
    path: newPath,
    cookie: chairCookie,
    params: { slug: `${forum.slug}-new` },
    form: { intent: 'archive' },
  });
  expect(unconfirmed.status).toBe(400);
  const archived = await callRoute(settingsAction, {
    path: newPath,
    cookie: chairCookie,
    params: { slug: `${forum.slug}-new` },
    form: { intent: 'archive', confirm: 'archive' },
  });
  expect(archived.status).toBe(303);
  const me = await getSessionUser(
    db,
    new Request('http://localhost/', {
      headers: { Cookie: await signedInCookie(db, leader.id) },
    }),
  );
  expect(me?.forums.map((f) => f.id)).not.toContain(forum.id);
  expect(
    (
      await callRoute(settingsLoader, {
        path: newPath,
        cookie: await signedInCookie(db, chair.id),
        params: { slug: `${forum.slug}-new` },
      })
    ).status,
  ).toBe(404);
  expect((await auditActions(db, 'forum.update')).length + (await auditActions(db, 'forum.archive')).length).toBe(2);

  // An instance admin restores it from Admin → Forums.
  const admin = await createUser(db, { passwordHash: 'x', name: 'Admin', isAdmin: true });
  const restore = await callRoute(adminForumsAction, {
    path: '/admin/forums',
    cookie: await signedInCookie(db, admin.id),
    params: {},
    form: { intent: 'restore', forumId: String(forum.id) },
  });
  expect(restore.status).toBe(303);
  const again = await getSessionUser(
    db,
    new Request('http://localhost/', { headers: { Cookie: await signedInCookie(db, leader.id) } }),
  );
  expect(again?.forums.map((f) => f.id)).toContain(forum.id);
  expect(await auditActions(db, 'forum.unarchive')).toMatchObject([{ user_id: admin.id, forum_id: forum.id }]);
});

test('a new project starts at the engine’s starting level for its owner, with a kickoff on the next agenda', async ({
  db,
}) => {
  const forum = await createForum(db);
  const chair = await createUser(db, { passwordHash: 'x', name: 'Chair' });
  const leader = await createUser(db, { passwordHash: 'x', name: 'Leader' });
  const ava = await createUser(db, { passwordHash: 'x', name: 'Ava' });
  const ben = await createUser(db, { passwordHash: 'x', name: 'Ben' });
  for (const [u, role] of [
    [chair, 'chair'],
    [leader, 'leader'],
    [ava, 'owner'],
    [ben, 'owner'],
  ] as const)
    await addMember(db, { forumId: forum.id, userId: u.id, role });
  const trusted = await createProject(db, {
    forumId: forum.id,
    ownerId: ben.id,
    name: 'Ben’s trusted one',
  });
  await recordOversightEvents(db, {
    projectId: trusted.id,
    inputs: [
      {
        event: { type: 'start', level: 'trusted', reason: 'Seeded at Trusted' },
      },
    ],
  });
  const next = await createMeeting(db, {
    forumId: forum.id,
    scheduledAt: new Date(Date.now() + 3 * DAY_MS),
  });

  const path = `/forums/${forum.slug}/projects/new`;
  const params = { slug: forum.slug };
  const chairCookie = await signedInCookie(db, chair.id);
  expect(
    (
      await callRoute(newProjectAction, {
        path,
        cookie: await signedInCookie(db, leader.id),
        params,
        form: { name: 'X', ownerId: String(ava.id) },
      })
    ).status,
  ).toBe(403);
  const notOwner = await callRoute(newProjectAction, {
    path,
    cookie: chairCookie,
    params,
    form: {
      name: 'Led by a leader',
      description: 'd',
      ownerId: String(leader.id),
    },
  });
  expect(notOwner.status).toBe(400);
  expect(await notOwner.json()).toMatchObject({
    fieldErrors: { ownerId: [expect.any(String)] },
    values: { name: 'Led by a leader', description: 'd' },
  });
  const empty = await callRoute(newProjectAction, {
    path,
    cookie: chairCookie,
    params,
    form: { name: '  ', ownerId: '' },
  });
  expect(empty.status).toBe(400);
  expect(Object.keys(((await empty.json()) as { fieldErrors: object }).fieldErrors).sort()).toEqual([
    'name',
    'ownerId',
  ]);

  const first = await callRoute(newProjectAction, {
    path,
    cookie: chairCookie,
    params,
    form: {
      name: 'Ava’s first',
      description: 'Hello',
      ownerId: String(ava.id),
    },
  });
  expect(first.status).toBe(303);
  const avaFirst = await db
    .selectFrom('projects')
    .select(['id', 'oversight_level', 'oversight_event_count'])
    .where('name', '=', 'Ava’s first')
    .executeTakeFirstOrThrow();
  expect(first.headers.get('Location')).toBe(`/forums/${forum.slug}/projects/${avaFirst.id}`);
  expect(avaFirst).toMatchObject({
    oversight_level: 'standard',
    oversight_event_count: 1,
  });

  // Ben holds a Trusted project: a new one starts at min(Light, his best), never Trusted.
  const bens = await createProjectService(db, {
    forumId: forum.id,
    input: { name: 'Ben’s second', description: '', ownerId: ben.id },
    actorId: chair.id,
  });
  expect(bens).toMatchObject({ ok: true, value: { level: 'light' } });
  // A name already used in the forum is a field error.
  expect(
    await createProjectService(db, {
      forumId: forum.id,
      input: { name: 'Ben’s second', description: '', ownerId: ben.id },
      actorId: chair.id,
    }),
  ).toMatchObject({ ok: false, failure: { field: 'name' } });

  // The next meeting's agenda, as its page computes it (a planned meeting's agenda is stored when it starts).
  const agenda = await planAgenda(db, { id: next.id, forumId: forum.id, scheduledAt: next.scheduled_at });
  expect(agenda.find((a) => a.projectId === avaFirst.id)).toMatchObject({
    section: 'exception',
    reason: expect.stringMatching(/kickoff/),
  });
  const event = await db
    .selectFrom('oversight_events')
    .select(['type', 'to_level', 'actor_id', 'explanation'])
    .where('project_id', '=', avaFirst.id)
    .executeTakeFirstOrThrow();
  expect(event).toMatchObject({
    type: 'start',
    to_level: 'standard',
    actor_id: chair.id,
  });
  expect(event.explanation).toMatch(/first project/);
  expect(await auditActions(db, 'project.create')).toHaveLength(2);
});

test('an archived project leaves the dashboard, agendas, oversight page and statuses due; its engine state is kept; unarchive brings it back', async ({
  db,
}) => {
  const forum = await createForum(db);
  const chair = await createUser(db, { passwordHash: 'x', name: 'Chair' });
  const owner = await createUser(db, { passwordHash: 'x', name: 'Owner' });
  await addMember(db, { forumId: forum.id, userId: chair.id, role: 'chair' });
  await addMember(db, { forumId: forum.id, userId: owner.id, role: 'owner' });
  const next = await createMeeting(db, {
    forumId: forum.id,
    scheduledAt: new Date(Date.now() + 3 * DAY_MS),
  });
  const created = await createProjectService(db, {
    forumId: forum.id,
    input: { name: 'To archive', description: '', ownerId: owner.id },
    actorId: chair.id,
  });
  if (!created.ok) throw new Error('not created');
  const id = created.value.id;
  const engine = () =>
    db
      .selectFrom('projects')
      .select(['oversight_level', 'oversight_state', 'oversight_event_count'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const before = await engine();
  const visible = async () => ({
    dashboard: (
      await listProjectsForDashboard(db, {
        forumId: forum.id,
        query: parseDashboardQuery(new URLSearchParams()),
      })
    ).rows.some((r) => r.id === id),
    agenda: (await planAgenda(db, { id: next.id, forumId: forum.id, scheduledAt: next.scheduled_at })).some(
      (a) => a.projectId === id,
    ),
    agendaFacts: (
      await loadAgendaFacts(db, {
        id: next.id,
        forumId: forum.id,
        scheduledAt: next.scheduled_at,
      })
    ).some((f) => f.projectId === id),
    oversight: (await getOversightOverview(db, { forumId: forum.id })).projects.some((p) => p.id === id),
    due: (await listStatusesDue(db, { userId: owner.id })).some((s) => s.projectId === id),
  });
  expect(await visible()).toEqual({
    dashboard: true,
    agenda: true,
    agendaFacts: true,
    oversight: true,
    due: true,
  });

  const path = `/forums/${forum.slug}/projects/${id}/edit`;
  const params = { slug: forum.slug, id: String(id) };
  const cookie = await signedInCookie(db, chair.id);
  expect(
    (
      await callRoute(editProjectAction, {
        path,
        cookie: await signedInCookie(db, owner.id),
        params,
        form: { intent: 'archive' },
      })
    ).status,
  ).toBe(403);
  expect(
    (
      await callRoute(editProjectAction, {
        path,
        cookie,
        params,
        form: { intent: 'archive' },
      })
    ).status,
  ).toBe(303);
  expect(await visible()).toEqual({
    dashboard: false,
    agenda: false,
    agendaFacts: false,
    oversight: false,
    due: false,
  });
  expect(await engine()).toEqual(before);
  expect(
    (
      await callRoute(editProjectAction, {
        path,
        cookie,
        params,
        form: { intent: 'archive' },
      })
    ).status,
  ).toBe(409);
  // Read-only: its page and forms open, but nothing can be written to it.
  const base = `/forums/${forum.slug}/projects/${id}`;
  const ownerCookie = await signedInCookie(db, owner.id);
  expect(
    await (await callRoute(statusLoader, { path: `${base}/status`, cookie: ownerCookie, params })).json(),
  ).toMatchObject({ archived: true, cycle: null });
  expect(
    (
      await callRoute(statusAction, {
        path: `${base}/status`,
        cookie: ownerCookie,
        params,
        form: { health: 'on_track', summary: 'x' },
      })
    ).status,
  ).toBe(409);
  expect(
    (
      await callRoute(goalsAction, {
        path: `${base}/goals`,
        cookie: ownerCookie,
        params,
        form: { title: 'A goal', kind: 'milestone' },
      })
    ).status,
  ).toBe(409);
  expect(
    (
      await callRoute(projectPageAction, {
        path: base,
        cookie,
        params,
        form: { intent: 'override', level: 'light', reason: 'r' },
      })
    ).status,
  ).toBe(409);
  expect(
    (await callRoute(ownerAction, { path: `${base}/owner`, cookie, params, form: { ownerId: String(chair.id) } }))
      .status,
  ).toBe(409);
  expect(await engine()).toEqual(before);
  expect(await db.selectFrom('status_updates').select('id').where('project_id', '=', id).execute()).toEqual([]);

  expect(
    (
      await callRoute(editProjectAction, {
        path,
        cookie,
        params,
        form: { intent: 'unarchive' },
      })
    ).status,
  ).toBe(303);
  expect(await visible()).toEqual({
    dashboard: true,
    agenda: true,
    agendaFacts: true,
    oversight: true,
    due: true,
  });
  expect(await engine()).toEqual(before);

  const edited = await callRoute(editProjectAction, {
    path,
    cookie,
    params,
    form: { intent: 'edit', name: '', description: 'kept' },
  });
  expect(edited.status).toBe(400);
  expect(await edited.json()).toMatchObject({
    fieldErrors: { name: [expect.any(String)] },
    values: { description: 'kept' },
  });
  expect(
    (
      await callRoute(editProjectAction, {
        path,
        cookie,
        params,
        form: { intent: 'edit', name: 'Renamed', description: 'New words' },
      })
    ).status,
  ).toBe(303);
  expect(
    await db.selectFrom('projects').select(['name', 'description']).where('id', '=', id).executeTakeFirstOrThrow(),
  ).toEqual({
    name: 'Renamed',
    description: 'New words',
  });
  expect(
    (await auditActions(db, 'project.archive')).length +
      (await auditActions(db, 'project.unarchive')).length +
      (await auditActions(db, 'project.update')).length,
  ).toBe(3);
  await setProjectArchived(db, {
    forumId: forum.id,
    projectId: id,
    archived: true,
    actorId: chair.id,
  });
});

test('a stored policy that fails validation is reported, with the forum and the bad fields, at start and on the settings page', async ({
  db,
}) => {
  const forum = await createForum(db, {
    slug: `bad-policy-${Date.now()}`,
    name: 'Bad Policy',
  });
  const fine = await createForum(db, { slug: `fine-policy-${Date.now()}` });
  await db
    .updateTable('forums')
    .set({ policy: JSON.stringify({ intervalTight: 99, sneaky: true }) })
    .where('id', '=', forum.id)
    .execute();
  await db
    .updateTable('forums')
    .set({ policy: JSON.stringify({ intervalTrusted: 10 }) })
    .where('id', '=', fine.id)
    .execute();
  const lines = await invalidPolicyWarnings(db);
  const line = lines.find((l) => l.includes(forum.slug));
  expect(line).toMatch(/Bad Policy/);
  expect(line).toMatch(/intervalTight/);
  expect(line).toMatch(/sneaky/);
  expect(lines.some((l) => l.includes(fine.slug))).toBe(false);

  const chair = await createUser(db, { passwordHash: 'x', name: 'Chair' });
  await addMember(db, { forumId: forum.id, userId: chair.id, role: 'chair' });
  const page = await callRoute(settingsLayoutLoader, {
    path: `/forums/${forum.slug}/settings`,
    cookie: await signedInCookie(db, chair.id),
    params: { slug: forum.slug },
  });
  const data = (await page.json()) as { policyProblems: { field: string }[] };
  expect(data.policyProblems.map((p) => p.field)).toEqual(expect.arrayContaining(['intervalTight', 'sneaky']));
});
