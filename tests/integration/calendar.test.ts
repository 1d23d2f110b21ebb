import ical, { type VEvent } from 'node-ical';
import { describe, expect } from 'vitest';
import { action as accountAction } from '../../app/routes/account';
import { loader as personalFeed } from '../../app/routes/calendar.$token';
import { action as meetingAction } from '../../app/routes/forums.$slug.meetings.$id';
import { loader as forumFeed } from '../../app/routes/forums.$slug.meetings[.]ics';
import { appUrl } from '../../app/utils/env.server';
import { dbTest as test } from '../setup/test-db';
import { createMeetingWorld, type MeetingWorld } from './meetings-world';
import { callRoute, DAY_MS } from './owners-world';

// Issue #16 item 6: calendar feeds, written by ical-generator and read back with a real parser (node-ical).

type Who = keyof MeetingWorld['users'];

const events = (text: string) =>
  Object.values(ical.sync.parseICS(text))
    .filter((c): c is VEvent => c.type === 'VEVENT')
    .sort((a, b) => a.start.getTime() - b.start.getTime());

function chairPost(w: MeetingWorld, meetingId: number, form: Record<string, string>) {
  return callRoute(meetingAction, {
    path: `/forums/${w.forum.slug}/meetings/${meetingId}`,
    cookie: w.users.chair.cookie,
    params: { slug: w.forum.slug, id: String(meetingId) },
    form,
  });
}

async function newCalendarLink(w: MeetingWorld, who: Who, intent = 'calendar-issue') {
  const response = await callRoute(accountAction, {
    path: '/account',
    cookie: w.users[who].cookie,
    params: {},
    form: { intent },
  });
  return response.json() as Promise<{ ok: boolean; calendarUrl?: string; message?: string }>;
}

/** The personal feed as a calendar app fetches it: no cookie. */
function fetchFeed(url: string) {
  const path = new URL(url).pathname;
  return callRoute(personalFeed, { path, cookie: '', params: { token: path.split('/').at(-1) ?? '' } });
}

async function plannedMeetings(w: MeetingWorld, db: Parameters<typeof createMeetingWorld>[0]) {
  return db
    .selectFrom('meetings')
    .select(['id', 'scheduled_at'])
    .where('forum_id', '=', w.forum.id)
    .where('state', '=', 'planned')
    .orderBy('scheduled_at')
    .execute();
}

describe('the forum’s feed', () => {
  test('skipped meetings are cancelled, moves keep the UID and raise SEQUENCE, events link to the meeting page', async ({
    db,
  }) => {
    const w = await createMeetingWorld(db, { comingIn: 3 * DAY_MS });
    const feed = async () =>
      events(
        await (
          await callRoute(forumFeed, {
            path: `/forums/${w.forum.slug}/meetings.ics`,
            cookie: w.users.ava.cookie,
            params: { slug: w.forum.slug },
          })
        ).text(),
      );
    const before = await feed();
    const coming = before.find((e) => e.uid === `meeting-${w.coming.id}@inspection-forum`);
    // iCalendar times are to the second.
    expect(coming?.start.getTime()).toBe(Math.floor(w.coming.scheduled_at.getTime() / 1000) * 1000);
    expect(coming).toMatchObject({
      uid: `meeting-${w.coming.id}@inspection-forum`,
      status: 'CONFIRMED',
      url: { val: `${appUrl()}/forums/${w.forum.slug}/meetings/${w.coming.id}` },
    });
    expect(Number(coming?.sequence ?? 0)).toBe(0);

    const date = new Date(w.coming.scheduled_at.getTime() + DAY_MS).toISOString().slice(0, 10);
    expect((await chairPost(w, w.coming.id, { intent: 'move', date, time: '16:00' })).status).toBe(303);
    const moved = (await feed()).find((e) => e.uid === `meeting-${w.coming.id}@inspection-forum`);
    expect(moved?.start.toISOString()).toBe(`${date}T16:00:00.000Z`);
    expect(Number(moved?.sequence)).toBe(1);

    expect((await chairPost(w, w.coming.id, { intent: 'skip', reason: 'Holiday, again' })).status).toBe(303);
    const skipped = (await feed()).find((e) => e.uid === `meeting-${w.coming.id}@inspection-forum`);
    expect(skipped?.status).toBe('CANCELLED');
    expect(String(skipped?.description)).toContain('Skipped — Holiday, again');
    // The cookie is still required for the forum's own feed.
    expect(
      (
        await callRoute(forumFeed, {
          path: `/forums/${w.forum.slug}/meetings.ics`,
          cookie: '',
          params: { slug: w.forum.slug },
        })
      ).status,
    ).toBe(302);
  });
});

describe('the personal feed behind a secret link', () => {
  test('works without a cookie; a new link ends the old one at once; turning it off ends it', async ({ db }) => {
    const w = await createMeetingWorld(db, { comingIn: 3 * DAY_MS });
    const first = await newCalendarLink(w, 'ava');
    expect(first.calendarUrl).toMatch(new RegExp(`^${appUrl()}/calendar/[A-Za-z0-9_-]{43}\\.ics$`));
    const response = await fetchFeed(first.calendarUrl ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/calendar; charset=utf-8');
    const parsed = events(await response.text());
    expect(parsed.map((e) => e.uid)).toContain(`meeting-${w.coming.id}@inspection-forum`);
    // Only a hash is stored.
    const stored = await db
      .selectFrom('calendar_tokens')
      .select('token_hash')
      .where('user_id', '=', w.users.ava.id)
      .executeTakeFirstOrThrow();
    expect(first.calendarUrl).not.toContain(stored.token_hash);

    const second = await newCalendarLink(w, 'ava');
    expect(second.calendarUrl).not.toBe(first.calendarUrl);
    expect((await fetchFeed(first.calendarUrl ?? '')).status).toBe(404);
    expect((await fetchFeed(second.calendarUrl ?? '')).status).toBe(200);

    expect((await newCalendarLink(w, 'ava', 'calendar-revoke')).ok).toBe(true);
    expect((await fetchFeed(second.calendarUrl ?? '')).status).toBe(404);
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('user_id', '=', w.users.ava.id)
      .where('action', 'like', 'calendar.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'calendar.token_issue',
      'calendar.token_issue',
      'calendar.token_revoke',
    ]);
  });

  test('a deactivated user’s link stops working; bad links are 404s; other people’s forums stay out', async ({
    db,
  }) => {
    const w = await createMeetingWorld(db, { comingIn: 3 * DAY_MS });
    const other = await createMeetingWorld(db, { comingIn: 2 * DAY_MS });
    const link = (await newCalendarLink(w, 'ben')).calendarUrl ?? '';
    const uids = events(await (await fetchFeed(link)).text()).map((e) => e.uid);
    expect(uids).not.toContain(`meeting-${other.coming.id}@inspection-forum`);
    expect((await plannedMeetings(w, db)).length).toBeGreaterThan(0);

    for (const bad of [
      'nope.ics',
      `${'a'.repeat(43)}.ics`,
      `${link.split('/').at(-1)?.replace('.ics', '')}`,
      `${'a'.repeat(43)}.ics.ics`,
    ]) {
      expect(
        (await callRoute(personalFeed, { path: `/calendar/${bad}`, cookie: '', params: { token: bad } })).status,
      ).toBe(404);
    }
    await db.updateTable('users').set({ deactivated_at: new Date() }).where('id', '=', w.users.ben.id).execute();
    expect((await fetchFeed(link)).status).toBe(404);
  });
});
