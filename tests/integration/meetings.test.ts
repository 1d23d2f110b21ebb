import type { Kysely } from 'kysely';
import { describe, expect } from 'vitest';
import type { Database } from '../../db/database';
import { ensurePlannedMeetings } from '../../app/modules/meetings/schedule.server';
import { getReviewLoad } from '../../app/modules/meetings/review-load.server';
import { loadMinutes } from '../../app/modules/meetings/review-load';
import { closeMeeting } from '../../app/modules/meetings/close.server';
import { recordReview } from '../../app/modules/meetings/reviews.server';
import { startMeeting } from '../../app/modules/meetings/agenda.server';
import { findOversightDrift } from '../../app/modules/oversight/oversight.server';
import { listProjectsForDashboard } from '../../app/modules/projects/dashboard.server';
import { parseDashboardQuery } from '../../app/modules/projects/dashboard';
import { setDatabase } from '../../app/utils/db.server';
import { DISCUSSED_PAGE_SIZE } from '../../app/modules/meetings/meeting-page.server';
import { loader as homeLoader } from '../../app/routes/_index';
import { action as doneAction } from '../../app/routes/forums.$slug.action-items.$id';
import { action as meetingAction, loader as meetingLoader } from '../../app/routes/forums.$slug.meetings.$id';
import { loader as minutesLoader } from '../../app/routes/forums.$slug.meetings.$id_.minutes[.]md';
import { loader as listLoader } from '../../app/routes/forums.$slug.meetings._index';
import { loader as icsLoader } from '../../app/routes/forums.$slug.meetings[.]ics';
import { createForum, createMeeting, createProject, createStatus } from '../factories';
import { countingQueries } from '../setup/count-queries';
import { dbTest as test, openFreshDatabase } from '../setup/test-db';
import { createMeetingWorld, type MeetingWorld } from './meetings-world';
import { callRoute } from './owners-world';

type Who = keyof MeetingWorld['users'];

function meetingPage(w: MeetingWorld, who: Who, form?: Record<string, string>, search = '') {
  const params = { slug: w.forum.slug, id: String(w.coming.id) };
  return callRoute(form ? meetingAction : meetingLoader, {
    path: `/forums/${w.forum.slug}/meetings/${w.coming.id}${search}`,
    cookie: w.users[who].cookie,
    params,
    form,
  });
}

async function agenda(w: MeetingWorld) {
  const body = await (await meetingPage(w, 'chair')).json();
  // Consent items come as one-liners: their section is the consent agenda and they are not discussed.
  const consent = (body.view.consent.items as object[]).map((i) => ({
    ...i,
    section: 'consent',
    discussed: false,
    verdict: null,
  }));
  return [...body.view.discussed.items, ...consent] as {
    projectId: number;
    project: string;
    section: string;
    reason: string;
    discussed: boolean;
    verdict: string | null;
  }[];
}

const sectionOf = (items: Awaited<ReturnType<typeof agenda>>, id: number) =>
  items.find((i) => i.projectId === id)?.section;

describe('schedule', () => {
  test('planned meetings are topped up from the cadence in the forum time zone, once', async ({ db }) => {
    const forum = await createForum(db, {
      cadence: 'weekly',
      weekday: 1,
      meetingTime: '10:00',
      timeZone: 'Europe/London',
    });
    await createMeeting(db, { forumId: forum.id, scheduledAt: new Date('2026-03-16T10:00:00Z'), state: 'closed' });
    const now = new Date('2026-03-18T12:00:00Z');
    expect(await ensurePlannedMeetings(db, { forumId: forum.id, now })).toBe(3);
    expect(await ensurePlannedMeetings(db, { forumId: forum.id, now })).toBe(0);
    const rows = await db
      .selectFrom('meetings')
      .select(['scheduled_at', 'state'])
      .where('forum_id', '=', forum.id)
      .where('state', '=', 'planned')
      .orderBy('scheduled_at')
      .execute();
    // 10:00 in London: GMT, then BST from 29 March.
    expect(rows.map((r) => r.scheduled_at.toISOString())).toEqual([
      '2026-03-23T10:00:00.000Z',
      '2026-03-30T09:00:00.000Z',
      '2026-04-06T09:00:00.000Z',
    ]);
  });

  test('the meetings list shows upcoming and past meetings with their counts', async ({ db }) => {
    const w = await createMeetingWorld(db);
    // Planned by a write (server start, a close), never by the list itself.
    expect(await ensurePlannedMeetings(db, { forumId: w.forum.id })).toBe(2);
    const response = await callRoute(listLoader, {
      path: `/forums/${w.forum.slug}/meetings`,
      cookie: w.users.observer.cookie,
      params: { slug: w.forum.slug },
    });
    const body = await response.json();
    expect(body.upcoming.length).toBeGreaterThanOrEqual(3);
    expect(body.upcoming[0].id).toBe(w.coming.id);
    expect(body.past.map((m: { id: number }) => m.id)).toEqual([w.past[2].id, w.past[1].id, w.past[0].id]);
    expect(body.past[1].reviewed).toBe(1);
  });

  test('the calendar feed is valid iCalendar for members only', async ({ db }) => {
    const w = await createMeetingWorld(db);
    await ensurePlannedMeetings(db, { forumId: w.forum.id });
    const path = `/forums/${w.forum.slug}/meetings.ics`;
    const response = await callRoute(icsLoader, {
      path,
      cookie: w.users.observer.cookie,
      params: { slug: w.forum.slug },
    });
    expect(response.headers.get('Content-Type')).toBe('text/calendar; charset=utf-8');
    const ics = await response.text();
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(ics.match(/^BEGIN:VEVENT$/gm)?.length).toBeGreaterThanOrEqual(6);
    expect(ics).toContain(`UID:meeting-${w.coming.id}@inspection-forum`); // not tied to the forum's address (docs/decisions/013)
    expect(ics).toContain('X-WR-CALNAME:Review *Forum*');
    const anonymous = await callRoute(icsLoader, { path, cookie: '', params: { slug: w.forum.slug } });
    expect(anonymous.status).toBe(302);
    expect(
      (await callRoute(icsLoader, { path, cookie: w.users.outsider.cookie, params: { slug: w.forum.slug } })).status,
    ).toBe(404);
  });
});

describe('agenda', () => {
  test('opening a planned meeting builds the engine agenda with reasons, consistent with the dashboard, idempotently', async ({
    db,
  }) => {
    const w = await createMeetingWorld(db);
    const items = await agenda(w);
    const p = w.projects;
    expect(items.map((i) => i.projectId)).toEqual(
      [p.escalated, p.missing, p.risky, p.kickoff, p.due, p.light, p.trusted].map((x) => x.id),
    );
    expect(items.map((i) => i.section)).toEqual([
      'exception',
      'exception',
      'exception',
      'exception',
      'due',
      'consent',
      'consent',
    ]);
    expect(items[0].reason).toMatch(/^Escalated/);
    expect(items[1].reason).toBe('Status not posted for this meeting');
    expect(items[2].reason).toBe('At risk (self-reported)');
    expect(items[3].reason).toBe('New project: kickoff review');
    expect(items[4].reason).toBe('1 meeting since the last review; every 2 meetings at Standard');

    const { rows } = await listProjectsForDashboard(db, {
      forumId: w.forum.id,
      query: parseDashboardQuery(new URLSearchParams()),
    });
    for (const row of rows) {
      const section = sectionOf(items, row.id);
      if (section !== 'exception') expect(row.meetingsUntilReview === 0, row.name).toBe(section === 'due');
    }

    const before = await db
      .selectFrom('agenda_items')
      .selectAll()
      .where('meeting_id', '=', w.coming.id)
      .orderBy('id')
      .execute();
    await agenda(w);
    expect(
      await db.selectFrom('agenda_items').selectAll().where('meeting_id', '=', w.coming.id).orderBy('id').execute(),
    ).toEqual(before);
  });

  test('the agenda follows the engine while planned and is frozen once the meeting starts', async ({ db }) => {
    const w = await createMeetingWorld(db);
    await agenda(w);
    await createStatus(db, {
      projectId: w.projects.missing.id,
      meetingId: w.coming.id,
      authorId: w.users.ben.id,
      health: 'on_track',
    });
    expect(sectionOf(await agenda(w), w.projects.missing.id)).toBe('consent');
    expect((await meetingPage(w, 'leader', { intent: 'start' })).status).toBe(303);
    await db.deleteFrom('status_updates').where('project_id', '=', w.projects.missing.id).execute();
    expect(sectionOf(await agenda(w), w.projects.missing.id)).toBe('consent');
    expect((await meetingPage(w, 'chair', { intent: 'start' })).status).toBe(409);
  });

  test('a leader request puts a project on the next meeting as a leader-requested exception', async ({ db }) => {
    const w = await createMeetingWorld(db);
    await meetingPage(w, 'chair', { intent: 'start' });
    expect(
      (await meetingPage(w, 'leader', { intent: 'request', projectId: String(w.projects.trusted.id) })).status,
    ).toBe(303);
    const next = await db
      .selectFrom('meetings')
      .select('id')
      .where('forum_id', '=', w.forum.id)
      .where('state', '=', 'planned')
      .orderBy('scheduled_at')
      .executeTakeFirstOrThrow();
    const item = await db
      .selectFrom('agenda_items')
      .selectAll()
      .where('meeting_id', '=', next.id)
      .where('project_id', '=', w.projects.trusted.id)
      .executeTakeFirstOrThrow();
    // The next meeting's status deadline is days away: its missing statuses are due, not exceptions (issue #21).
    expect(item).toMatchObject({
      section: 'exception',
      reason: 'Requested by Leader',
      requested_by: w.users.leader.id,
    });
  });

  test('review load: expected reviews of the coming meeting against every project, and past meetings', async ({
    db,
  }) => {
    const w = await createMeetingWorld(db);
    const load = await getReviewLoad(db, { forumId: w.forum.id });
    expect(load.minutesPerReview).toBe(10);
    expect(load.current).toMatchObject({ meetingId: w.coming.id, state: 'planned', discussed: 5, everything: 7 });
    expect(load.history.map((p) => [p.meetingId, p.discussed, p.everything])).toEqual([
      [w.past[0].id, 0, 7],
      [w.past[1].id, 1, 7],
      [w.past[2].id, 5, 7],
    ]);
    expect(loadMinutes(load.current!, load.minutesPerReview)).toEqual({
      minutes: 50,
      everythingMinutes: 70,
      savedMinutes: 20,
      savedShare: 20 / 70,
    });
    await meetingPage(w, 'chair', { intent: 'pull', projectId: String(w.projects.trusted.id) });
    expect((await getReviewLoad(db, { forumId: w.forum.id, meetingId: w.coming.id })).current).toMatchObject({
      discussed: 6,
      everything: 7,
    });
    // A past meeting with its stored agenda (as every meeting held in the app has) counts the agenda, not the
    // projects of the forum: three items, one discussed, one consent item pulled into discussion.
    const projects = Object.values(w.projects).slice(0, 3);
    await db
      .insertInto('agenda_items')
      .values([
        { meeting_id: w.past[2].id, project_id: projects[0].id, section: 'due', reason: 'Due', position: 1 },
        { meeting_id: w.past[2].id, project_id: projects[1].id, section: 'consent', reason: 'Not yet', position: 2 },
        {
          meeting_id: w.past[2].id,
          project_id: projects[2].id,
          section: 'consent',
          reason: 'Not yet',
          position: 3,
          pulled: true,
        },
      ])
      .execute();
    expect(
      (await getReviewLoad(db, { forumId: w.forum.id })).history.map((p) => [p.meetingId, p.discussed, p.everything]),
    ).toEqual([
      [w.past[0].id, 0, 7],
      [w.past[1].id, 1, 7],
      [w.past[2].id, 2, 3],
    ]);
  });

  test('the meeting page costs the same number of queries for 7 and for 60 projects', async ({ db }) => {
    const w = await createMeetingWorld(db);
    const counting = countingQueries(db as unknown as Kysely<Database>);
    setDatabase({ db: counting.db, kind: 'pglite', close: async () => {} });
    await meetingPage(w, 'chair');
    const small = counting.count();
    for (let i = 0; i < 53; i++) {
      const project = await createProject(db, { forumId: w.forum.id, ownerId: w.users.ava.id, name: `Extra ${i}` });
      await createStatus(db, { projectId: project.id, meetingId: w.coming.id, authorId: w.users.ava.id });
    }
    counting.reset();
    const response = await meetingPage(w, 'chair');
    const { view } = await response.json();
    expect(view.discussed.total + view.consent.total).toBe(60);
    expect(counting.count()).toBe(small);
    expect(small).toBeLessThanOrEqual(16);

    // A page at a time: discussed items numbered across pages, each pointing at the next; ?item= finds its page.
    type Discussed = { projectId: number; number: number; nextProjectId: number | null };
    expect(view.discussed).toMatchObject({ page: 1, pages: Math.ceil(view.discussed.total / DISCUSSED_PAGE_SIZE) });
    expect(view.discussed.items).toHaveLength(DISCUSSED_PAGE_SIZE);
    const second = (await (await meetingPage(w, 'chair', undefined, '?page=2')).json()).view.discussed;
    expect(second.items[0].number).toBe(DISCUSSED_PAGE_SIZE + 1);
    expect((view.discussed.items as Discussed[]).at(-1)!.nextProjectId).toBe(second.items[0].projectId);
    const target = (second.items as Discussed[]).at(-1)!;
    const found = (await (await meetingPage(w, 'chair', undefined, `?item=${target.projectId}`)).json()).view.discussed;
    expect(found.page).toBe(2);
    expect((await (await meetingPage(w, 'chair', undefined, '?page=x&item=y')).json()).view.discussed.page).toBe(1);
  });
});

describe('running the meeting', () => {
  test('owners and observers read but cannot act (403); outsiders get 404', async ({ db }) => {
    const w = await createMeetingWorld(db);
    expect((await meetingPage(w, 'ava')).status).toBe(200);
    for (const who of ['ava', 'observer'] as const) {
      const forms: Record<string, string>[] = [
        { intent: 'start' },
        { intent: 'close' },
        { intent: 'review', projectId: String(w.projects.due.id), verdict: 'on_track', feedback: '' },
      ];
      for (const form of forms) {
        expect((await meetingPage(w, who, form)).status).toBe(403);
      }
    }
    expect((await meetingPage(w, 'outsider')).status).toBe(404);
    const missing = await callRoute(meetingLoader, {
      path: '/x',
      cookie: w.users.chair.cookie,
      params: { slug: w.forum.slug, id: '999999' },
    });
    expect(missing.status).toBe(404);
    const junk = await callRoute(meetingLoader, {
      path: '/x',
      cookie: w.users.chair.cookie,
      params: { slug: w.forum.slug, id: 'abc' },
    });
    expect(junk.status).toBe(404);
  });

  test('bad forms answer 400 with field errors, never 500', async ({ db }) => {
    const w = await createMeetingWorld(db);
    await meetingPage(w, 'chair', { intent: 'start' });
    const due = String(w.projects.due.id);
    const noVerdict = await meetingPage(w, 'chair', { intent: 'review', projectId: due, feedback: 'x' });
    expect(noVerdict.status).toBe(400);
    expect(await noVerdict.json()).toMatchObject({
      intent: 'review',
      projectId: w.projects.due.id,
      fieldErrors: { verdict: ['Choose a verdict'] },
      values: { feedback: 'x' },
    });
    const extra = await meetingPage(w, 'chair', {
      intent: 'review',
      projectId: due,
      verdict: 'on_track',
      feedback: '',
      admin: '1',
    });
    expect((await extra.json()).formError).toBe('Unexpected field: admin');
    const unknown = await meetingPage(w, 'chair', { intent: 'explode' });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).formError).toBe('Unknown action');
    const badItem = await meetingPage(w, 'chair', {
      intent: 'action-item',
      projectId: due,
      text: ' ',
      assigneeId: String(w.users.outsider.id),
      dueDate: '2026-02-30',
    });
    expect((await badItem.json()).fieldErrors).toMatchObject({
      text: ['Describe the action'],
      dueDate: ['Enter a date as YYYY-MM-DD'],
    });
    const outsider = await meetingPage(w, 'chair', {
      intent: 'action-item',
      projectId: due,
      text: 'Do it',
      assigneeId: String(w.users.outsider.id),
      dueDate: '',
    });
    expect(outsider.status).toBe(400);
    expect((await outsider.json()).fieldErrors).toEqual({ assigneeId: ['Choose a member of this forum.'] });
    const consent = await meetingPage(w, 'chair', {
      intent: 'review',
      projectId: String(w.projects.trusted.id),
      verdict: 'on_track',
      feedback: '',
    });
    expect(consent.status).toBe(400);
    expect((await consent.json()).fieldErrors.verdict[0]).toMatch(/Pull this consent item/);
    const stranger = await meetingPage(w, 'chair', {
      intent: 'review',
      projectId: '999999',
      verdict: 'on_track',
      feedback: '',
    });
    expect(stranger.status).toBe(400);
    expect(await db.selectFrom('reviews').select('id').where('meeting_id', '=', w.coming.id).execute()).toEqual([]);
  });

  test('verdicts, a pulled consent item, action items, then one close applies everything once', async ({ db }) => {
    const w = await createMeetingWorld(db);
    const p = w.projects;
    expect((await meetingPage(w, 'chair', { intent: 'pull', projectId: String(p.light.id) })).status).toBe(303);
    await meetingPage(w, 'chair', { intent: 'start' });
    const verdicts: [number, string][] = [
      [p.escalated.id, 'off_track'],
      [p.missing.id, 'at_risk'],
      [p.risky.id, 'at_risk'],
      [p.kickoff.id, 'on_track'],
      [p.due.id, 'off_track'], // self-reported on track: a hard miss
      [p.light.id, 'on_track'],
    ];
    for (const [id, verdict] of verdicts) {
      const response = await meetingPage(w, 'leader', {
        intent: 'review',
        projectId: String(id),
        verdict,
        feedback: `Feedback for ${id}`,
      });
      expect(response.status).toBe(303);
    }
    const afterKickoff = await meetingPage(w, 'leader', {
      intent: 'review',
      projectId: String(p.kickoff.id),
      verdict: 'on_track',
      feedback: 'Welcome',
      version: '1',
    });
    // The item stays in view with a "saved" note (which links to the next item).
    expect(afterKickoff.headers.get('Location')).toBe(
      `/forums/${w.forum.slug}/meetings/${w.coming.id}?item=${p.kickoff.id}&saved=${p.kickoff.id}#item-${p.kickoff.id}`,
    );
    const newItem = {
      intent: 'action-item',
      projectId: String(p.due.id),
      text: 'Bring a *recovery* plan',
      assigneeId: String(w.users.ava.id),
    };
    const past = await meetingPage(w, 'chair', { ...newItem, dueDate: '2020-01-01' });
    expect(past.status).toBe(400);
    expect((await past.json()).fieldErrors.dueDate[0]).toMatch(/^Choose a due date from today/);
    const added = await meetingPage(w, 'chair', {
      ...newItem,
      dueDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    });
    expect(added.status).toBe(303);
    // Time passes: the item's due date goes by.
    await db.updateTable('action_items').set({ due_date: '2020-01-01' }).where('project_id', '=', p.due.id).execute();

    const page = await (await meetingPage(w, 'observer')).json();
    expect(page.view.progress).toEqual({ reviewed: 6, discussed: 6 });
    expect(page.view.discussed.items.find((i: { projectId: number }) => i.projectId === p.due.id)).toMatchObject({
      verdict: 'off_track',
      reviewedSelfReport: 'on_track',
      actionItems: [{ text: 'Bring a *recovery* plan', assignee: 'Ava' }],
    });

    // The first press answers with what closing will do, computed by the close's code and written nowhere.
    const asked = await meetingPage(w, 'chair', { intent: 'close' });
    expect(asked.status).toBe(200);
    const { confirm } = await asked.json();
    expect(
      await db.selectFrom('oversight_events').select('id').where('meeting_id', '=', w.coming.id).execute(),
    ).toEqual([]);
    expect(
      (await db.selectFrom('meetings').select('state').where('id', '=', w.coming.id).executeTakeFirstOrThrow()).state,
    ).toBe('in_progress');
    expect(confirm).toMatchObject({
      intent: 'close',
      summary: { reviews: 6, missed: 1, spillovers: 2, accepted: 1, missedProjects: ['Missing status'], notScored: [] },
    });
    expect((await meetingPage(w, 'chair', { intent: 'close', confirm: 'yes' })).status).toBe(303);
    const events = await db
      .selectFrom('oversight_events')
      .select(['project_id', 'type', 'from_level', 'to_level', 'explanation'])
      .where('meeting_id', '=', w.coming.id)
      .orderBy('id')
      .execute();
    const of = (id: number) => events.filter((e) => e.project_id === id).map((e) => e.type);
    expect(of(p.missing.id)).toEqual(['missed', 'review']);
    expect(of(p.due.id)).toEqual(['review']);
    expect(of(p.trusted.id)).toEqual(['spillover']);
    expect(of(p.light.id)).toEqual(['review', 'spillover']);
    expect(events.find((e) => e.project_id === p.due.id)).toMatchObject({ from_level: 'standard', to_level: 'tight' });
    expect(events.find((e) => e.project_id === p.trusted.id)).toMatchObject({
      from_level: 'trusted',
      to_level: 'light',
      explanation: expect.stringMatching(/spill-over/),
    });
    expect(await findOversightDrift(db)).toEqual([]);

    const closed = await (await meetingPage(w, 'ava')).json();
    expect(closed.view.meeting.state).toBe('closed');
    const change = (c: { project: string; from: string; to: string }) => `${c.project}: ${c.from} → ${c.to}`;
    expect(confirm.summary.levelChanges.map(change).sort()).toEqual(closed.view.levelChanges.map(change).sort());
    expect(closed.view.levelChanges.map(change)).toEqual([
      'Due by cadence: standard → tight',
      'Missing status: standard → tight', // missed + a soft miss: 2 misses in the recent window
      'Trusted one: trusted → light',
    ]);
    const audit = await db
      .selectFrom('audit_log')
      .select(['user_id', 'detail'])
      .where('action', '=', 'meeting.close')
      .execute();
    expect(audit).toEqual([
      { user_id: w.users.chair.id, detail: { reviews: 6, missed: 1, spillovers: 2, accepted: 1, levelChanges: 3 } },
    ]);

    // Closing again changes nothing; the closed meeting takes no more verdicts.
    expect((await meetingPage(w, 'leader', { intent: 'close', confirm: 'yes' })).status).toBe(303);
    expect((await meetingPage(w, 'leader', { intent: 'close' })).status).toBe(303);
    expect(
      await db.selectFrom('oversight_events').select('id').where('meeting_id', '=', w.coming.id).execute(),
    ).toHaveLength(events.length);
    const late = await meetingPage(w, 'leader', {
      intent: 'review',
      projectId: String(p.kickoff.id),
      verdict: 'off_track',
      feedback: '',
    });
    expect(late.status).toBe(409);

    // Minutes: Markdown with the verdicts, feedback, action items, level changes, and user text escaped.
    const minutes = await callRoute(minutesLoader, {
      path: '/m',
      cookie: w.users.observer.cookie,
      params: { slug: w.forum.slug, id: String(w.coming.id) },
    });
    expect(minutes.headers.get('Content-Type')).toBe('text/markdown; charset=utf-8');
    const md = await minutes.text();
    expect(md).toMatch(/^# Review \\\*Forum\\\*: minutes of the meeting on /);
    expect(md).toContain('- Attendees (forum members who recorded something in this meeting): Chair, Leader');
    expect(md).toContain('- Verdict: **Off track** (self-report: On track), by Leader');
    expect(md).toContain(`  > Feedback for ${p.due.id}`);
    expect(md).toContain('  - [ ] Bring a \\*recovery\\* plan (Ava, due 1 Jan 2020)');
    expect(md).toContain(
      '## Consent agenda (accepted without review)\n\n- Trusted one (Ava), on track: Trusted one summary',
    );
    expect(md).toMatch(/- \*\*Trusted one\*\*: Trusted → Light: spill-over from the owner's hard miss on /);

    // Action items: on the assignee's home page, overdue; only the assignee or a leader can mark them done.
    const home = await callRoute(homeLoader, { path: '/', cookie: w.users.ava.cookie, params: {} });
    const [item] = (await home.json()).actionItems;
    expect(item).toMatchObject({
      text: 'Bring a *recovery* plan',
      project: 'Due by cadence',
      dueDate: '2020-01-01',
      overdue: true,
    });
    const done = (who: Who) =>
      callRoute(doneAction, {
        path: '/d',
        cookie: w.users[who].cookie,
        params: { slug: w.forum.slug, id: String(item.id) },
        form: { intent: 'done', redirectTo: '/' },
      });
    expect((await done('ben')).status).toBe(403);
    expect((await done('ava')).status).toBe(303);
    expect(
      (await (await callRoute(homeLoader, { path: '/', cookie: w.users.ava.cookie, params: {} })).json()).actionItems,
    ).toEqual([]);
  });
});

describe('closing concurrently', () => {
  test('two leaders closing at once apply the close once', async () => {
    const handle = await openFreshDatabase();
    try {
      const w = await createMeetingWorld(handle.db);
      const base = { forumId: w.forum.id, meetingId: w.coming.id };
      expect((await startMeeting(handle.db, { ...base, actorId: w.users.chair.id })).ok).toBe(true);
      await recordReview(handle.db, {
        ...base,
        projectId: w.projects.due.id,
        actorId: w.users.chair.id,
        verdict: 'off_track',
        feedback: '',
        version: 0,
      });
      const results = await Promise.all([
        closeMeeting(handle.db, { ...base, actorId: w.users.chair.id }),
        closeMeeting(handle.db, { ...base, actorId: w.users.leader.id }),
      ]);
      const applied = results.map((r) => r.ok && r.value.applied);
      expect(applied.sort()).toEqual([false, true]);
      const events = await handle.db
        .selectFrom('oversight_events')
        .select(['project_id', 'type'])
        .where('meeting_id', '=', w.coming.id)
        .execute();
      expect(events.filter((e) => e.type === 'review')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'missed')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'spillover')).toHaveLength(2);
      expect(
        await handle.db.selectFrom('audit_log').select('id').where('action', '=', 'meeting.close').execute(),
      ).toHaveLength(1);
      expect(await findOversightDrift(handle.db)).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});
