import { describe, expect } from 'vitest';
import { closeMeeting } from '../../app/modules/meetings/close.server';
import { startMeeting } from '../../app/modules/meetings/agenda.server';
import { ensurePlannedMeetings, listMeetingsForForum } from '../../app/modules/meetings/schedule.server';
import { getStatusFormContext } from '../../app/modules/status/status.server';
import { action as meetingAction, loader as meetingLoader } from '../../app/routes/forums.$slug.meetings.$id';
import { loader as minutesLoader } from '../../app/routes/forums.$slug.meetings.$id_.minutes[.]md';
import { dbTest as test } from '../setup/test-db';
import { createMeetingWorld, type MeetingWorld } from './meetings-world';
import { callRoute, DAY_MS } from './owners-world';

// Issue #16 item 1: the chair skips or moves a planned meeting (docs/decisions/013).

type Who = keyof MeetingWorld['users'];
type Db = Parameters<typeof createMeetingWorld>[0];

function post(w: MeetingWorld, who: Who, form: Record<string, string>, meetingId = w.coming.id) {
  return callRoute(meetingAction, {
    path: `/forums/${w.forum.slug}/meetings/${meetingId}`,
    cookie: w.users[who].cookie,
    params: { slug: w.forum.slug, id: String(meetingId) },
    form,
  });
}

/** Everything a skip must leave alone: every event, and every project's engine state. */
async function oversightSnapshot(db: Db, forumId: number) {
  const [events, projects] = await Promise.all([
    db
      .selectFrom('oversight_events as e')
      .innerJoin('projects as p', 'p.id', 'e.project_id')
      .selectAll('e')
      .where('p.forum_id', '=', forumId)
      .orderBy('e.id')
      .execute(),
    db
      .selectFrom('projects')
      .select([
        'id',
        'oversight_level',
        'oversight_interval',
        'oversight_escalated',
        'oversight_state',
        'oversight_event_count',
        'oversight_class_counts',
      ])
      .where('forum_id', '=', forumId)
      .orderBy('id')
      .execute(),
  ]);
  return { events, projects };
}

const meetingRow = (db: Db, id: number) =>
  db
    .selectFrom('meetings')
    .select(['id', 'state', 'scheduled_at', 'skip_reason', 'sequence', 'planned_for'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('skipping a meeting', () => {
  test('records no event and changes nobody’s trust, even after its deadline passed', async ({ db }) => {
    const w = await createMeetingWorld(db); // the coming meeting's status deadline has passed; one project has no status
    const before = await oversightSnapshot(db, w.forum.id);
    const answer = await post(w, 'chair', { intent: 'skip', reason: 'Public holiday' });
    expect(answer.status).toBe(303);
    expect(await meetingRow(db, w.coming.id)).toMatchObject({ state: 'skipped', skip_reason: 'Public holiday' });
    expect(await oversightSnapshot(db, w.forum.id)).toEqual(before);
    // Never an engine event: it cannot start or close, so it can never score a MISSED.
    expect(
      await startMeeting(db, {
        forumId: w.forum.id,
        meetingId: w.coming.id,
        actorId: w.users.chair.id,
        confirmed: true,
      }),
    ).toMatchObject({ ok: false, failure: { status: 409 } });
    expect(
      await closeMeeting(db, { forumId: w.forum.id, meetingId: w.coming.id, actorId: w.users.chair.id }),
    ).toMatchObject({ ok: false, failure: { status: 409 } });
    expect(await oversightSnapshot(db, w.forum.id)).toEqual(before);
    const audit = await db
      .selectFrom('audit_log')
      .select(['user_id', 'action', 'detail'])
      .where('action', '=', 'meeting.skip')
      .where('target', '=', `meeting:${w.coming.id}`)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ user_id: w.users.chair.id, detail: { reason: 'Public holiday' } });
  });

  test('statuses roll over to the next meeting and the forms open for its deadline', async ({ db }) => {
    const w = await createMeetingWorld(db);
    const posted = await db
      .selectFrom('status_updates')
      .select(['id', 'project_id'])
      .where('meeting_id', '=', w.coming.id)
      .orderBy('id')
      .execute();
    expect(posted.length).toBeGreaterThan(0);
    // Before the skip, the forms are locked: the deadline passed and the meeting's time is near.
    const locked = await getStatusFormContext(db, {
      forumId: w.forum.id,
      projectId: w.projects.missing.id,
      now: new Date(w.coming.scheduled_at.getTime() + 60_000),
    });
    expect(locked.cycle).toMatchObject({ meetingId: w.coming.id, open: false });

    expect((await post(w, 'chair', { intent: 'skip', reason: 'Offsite' })).status).toBe(303);
    const next = await db
      .selectFrom('meetings')
      .select(['id', 'scheduled_at'])
      .where('forum_id', '=', w.forum.id)
      .where('state', '=', 'planned')
      .orderBy('scheduled_at')
      .executeTakeFirstOrThrow();
    expect(next.scheduled_at.getTime()).toBeGreaterThan(w.coming.scheduled_at.getTime());
    const rolled = await db
      .selectFrom('status_updates')
      .select(['id', 'project_id'])
      .where('meeting_id', '=', next.id)
      .orderBy('id')
      .execute();
    expect(rolled).toEqual(posted);

    // The skipped meeting's time passing locks nothing: the cycle is the next meeting's, open until its time.
    const after = new Date(w.coming.scheduled_at.getTime() + 60_000);
    const context = await getStatusFormContext(db, {
      forumId: w.forum.id,
      projectId: w.projects.missing.id,
      now: after,
    });
    expect(context.cycle).toMatchObject({ meetingId: next.id, open: true, late: false });
    expect(context.cycle?.deadline.getTime()).toBe(next.scheduled_at.getTime() - 24 * 3_600_000);
  });

  test('the planner keeps a skipped meeting skipped, keeps three meetings ahead, and never plans its slot again', async ({
    db,
  }) => {
    const w = await createMeetingWorld(db, { comingIn: 3 * DAY_MS });
    await ensurePlannedMeetings(db, { forumId: w.forum.id });
    expect((await post(w, 'chair', { intent: 'skip', reason: 'Holiday' })).status).toBe(303);
    // The clock moves past the skipped slot; "ahead" is counted from the planner's last "now" (counted from the
    // real clock, a meeting of the forum's own weekday between today and then would make four, some days).
    const nows = [new Date(), new Date(Date.now() + 2 * DAY_MS), new Date(Date.now() + 4 * DAY_MS)];
    for (const now of nows) await ensurePlannedMeetings(db, { forumId: w.forum.id, now });
    expect(await meetingRow(db, w.coming.id)).toMatchObject({ state: 'skipped', skip_reason: 'Holiday' });
    const sameSlot = await db
      .selectFrom('meetings')
      .select('id')
      .where('forum_id', '=', w.forum.id)
      .where('scheduled_at', '=', w.coming.scheduled_at)
      .execute();
    expect(sameSlot).toHaveLength(1);
    const ahead = await db
      .selectFrom('meetings')
      .select('id')
      .where('forum_id', '=', w.forum.id)
      .where('state', '=', 'planned')
      .where('scheduled_at', '>', nows[2])
      .execute();
    expect(ahead).toHaveLength(3);
  });

  test('it shows as skipped, with its reason, in the list, on its page and in the minutes', async ({ db }) => {
    const w = await createMeetingWorld(db);
    expect((await post(w, 'chair', { intent: 'skip', reason: 'Team offsite <b>away</b>' })).status).toBe(303);
    const list = await listMeetingsForForum(db, { forumId: w.forum.id, page: 1 });
    expect(list.upcoming.find((m) => m.id === w.coming.id)).toMatchObject({
      state: 'skipped',
      skipReason: 'Team offsite <b>away</b>',
    });
    const page = await callRoute(meetingLoader, {
      path: `/forums/${w.forum.slug}/meetings/${w.coming.id}`,
      cookie: w.users.ava.cookie,
      params: { slug: w.forum.slug, id: String(w.coming.id) },
    });
    expect((await page.json()).view.meeting).toMatchObject({
      state: 'skipped',
      skipReason: 'Team offsite <b>away</b>',
      skippedBy: 'Chair',
    });
    const minutes = await callRoute(minutesLoader, {
      path: `/forums/${w.forum.slug}/meetings/${w.coming.id}/minutes.md`,
      cookie: w.users.ava.cookie,
      params: { slug: w.forum.slug, id: String(w.coming.id) },
    });
    const text = await minutes.text();
    expect(text).toContain('- State: Skipped — Team offsite \\<b\\>away\\</b\\>');
    expect(text).not.toContain('## Reviews');
  });

  test('only the chair skips, with a reason, and only a meeting that has not started', async ({ db }) => {
    const w = await createMeetingWorld(db);
    expect((await post(w, 'leader', { intent: 'skip', reason: 'No' })).status).toBe(403);
    expect((await post(w, 'ava', { intent: 'skip', reason: 'No' })).status).toBe(403);
    const blank = await post(w, 'chair', { intent: 'skip', reason: '   ' });
    expect(blank.status).toBe(400);
    expect(await blank.json()).toMatchObject({
      intent: 'skip',
      fieldErrors: { reason: ['Say why the meeting is skipped'] },
    });
    expect((await meetingRow(db, w.coming.id)).state).toBe('planned');
    expect((await post(w, 'chair', { intent: 'start' })).status).toBe(303);
    const started = await post(w, 'chair', { intent: 'skip', reason: 'Too late' });
    expect(started.status).toBe(409);
    expect((await started.json()).formError).toBe('This meeting has already started.');
  });
});

describe('moving a meeting', () => {
  test('the deadline follows, the calendar sequence goes up, and the planner does not plan the old slot again', async ({
    db,
  }) => {
    const w = await createMeetingWorld(db, { comingIn: 3 * DAY_MS });
    await ensurePlannedMeetings(db, { forumId: w.forum.id });
    const old = w.coming.scheduled_at;
    // A day near it at 14:30 on the forum's clock (UTC here) that holds no other meeting of the forum: the planner
    // keeps the forum's weekly slot, which falls on the day after on some days of the week.
    const taken = new Set(
      (await db.selectFrom('meetings').select('scheduled_at').where('forum_id', '=', w.forum.id).execute()).map((m) =>
        m.scheduled_at.toISOString().slice(0, 10),
      ),
    );
    const date = [1, -1, 2, -2]
      .map((days) => new Date(old.getTime() + days * DAY_MS).toISOString().slice(0, 10))
      .find((day) => !taken.has(day));
    if (!date) throw new Error('no free day near the coming meeting');
    const first = await post(w, 'chair', { intent: 'move', date, time: '14:30' });
    expect(first.status, await first.clone().text()).toBe(303);
    const moved = await meetingRow(db, w.coming.id);
    expect(moved.scheduled_at.toISOString()).toBe(`${date}T14:30:00.000Z`);
    expect(moved).toMatchObject({ state: 'planned', sequence: 1, planned_for: old });
    const context = await getStatusFormContext(db, { forumId: w.forum.id, projectId: w.projects.missing.id });
    expect(context.cycle?.meetingId).toBe(w.coming.id);
    expect(context.cycle?.deadline.toISOString()).toBe(
      new Date(moved.scheduled_at.getTime() - 24 * 3_600_000).toISOString(),
    );

    // A second move bumps the sequence again and keeps the slot it was first planned for.
    expect((await post(w, 'chair', { intent: 'move', date, time: '15:00' })).status).toBe(303);
    expect(await meetingRow(db, w.coming.id)).toMatchObject({ sequence: 2, planned_for: old });
    await ensurePlannedMeetings(db, { forumId: w.forum.id, now: new Date(Date.now() + 10 * DAY_MS) });
    const atOldSlot = await db
      .selectFrom('meetings')
      .select('id')
      .where('forum_id', '=', w.forum.id)
      .where('scheduled_at', '=', old)
      .execute();
    expect(atOldSlot).toHaveLength(0);
    const audit = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'meeting.move')
      .where('target', '=', `meeting:${w.coming.id}`)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.detail)).toMatchObject([{ from: old.toISOString(), sequence: 1 }, { sequence: 2 }]);
  });

  test('refuses the past, another meeting’s day, a time past the next meeting, and bad input, keeping what was typed', async ({
    db,
  }) => {
    const w = await createMeetingWorld(db, { comingIn: 3 * DAY_MS });
    await ensurePlannedMeetings(db, { forumId: w.forum.id });
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const refused = async (form: Record<string, string>, status: number, message: RegExp) => {
      const answer = await post(w, 'chair', { intent: 'move', ...form });
      expect(answer.status).toBe(status);
      const body = await answer.json();
      expect(body.values).toMatchObject(form);
      expect(
        [...(body.fieldErrors.date ?? []), ...(body.fieldErrors.time ?? []), body.formError ?? ''].join(' '),
      ).toMatch(message);
    };
    await refused({ date: day(Date.now() - DAY_MS), time: '10:00' }, 400, /has not passed/);
    const next = await db
      .selectFrom('meetings')
      .select('scheduled_at')
      .where('forum_id', '=', w.forum.id)
      .where('scheduled_at', '>', w.coming.scheduled_at)
      .orderBy('scheduled_at')
      .executeTakeFirstOrThrow();
    await refused(
      { date: day(next.scheduled_at.getTime()), time: '23:00' },
      400,
      /Another meeting of this forum is on that day/,
    );
    await refused({ date: day(next.scheduled_at.getTime() + DAY_MS), time: '09:00' }, 400, /meetings next to this one/);
    await refused({ date: '2026-02-30', time: '10:00' }, 400, /YYYY-MM-DD/);
    await refused({ date: day(w.coming.scheduled_at.getTime() + DAY_MS), time: '25:00' }, 400, /HH:MM/);
    expect(
      (await post(w, 'leader', { intent: 'move', date: day(w.coming.scheduled_at.getTime() + DAY_MS), time: '10:00' }))
        .status,
    ).toBe(403);
    expect(await meetingRow(db, w.coming.id)).toMatchObject({
      sequence: 0,
      planned_for: null,
      scheduled_at: w.coming.scheduled_at,
    });
  });

  test('reads the new time on the forum’s clock', async ({ db }) => {
    const w = await createMeetingWorld(db, { comingIn: 3 * DAY_MS });
    await db.updateTable('forums').set({ time_zone: 'America/New_York' }).where('id', '=', w.forum.id).execute();
    const date = new Date(w.coming.scheduled_at.getTime() + DAY_MS).toISOString().slice(0, 10);
    expect((await post(w, 'chair', { intent: 'move', date, time: '09:15' })).status).toBe(303);
    const at = (await meetingRow(db, w.coming.id)).scheduled_at;
    const local = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(at);
    expect(local).toBe(`${date}, 09:15`);
  });
});
