import { describe, expect } from 'vitest';
import { action as meetingAction, loader as meetingLoader } from '../../app/routes/forums.$slug.meetings.$id';
import { loader as minutesLoader } from '../../app/routes/forums.$slug.meetings.$id_.minutes[.]md';
import { writeAudit } from '../../app/modules/audit/audit.server';
import { createUser } from '../factories';
import { dbTest as test } from '../setup/test-db';
import { createMeetingWorld, type MeetingWorld } from './meetings-world';
import { callRoute } from './owners-world';

// Issue #16 item 2: the chair records who attended (stored; the audit-log guess only pre-ticks the form) and writes
// Markdown notes, rendered safely; both are in the minutes.

type Who = keyof MeetingWorld['users'];

function post(w: MeetingWorld, who: Who, form: Record<string, string> | URLSearchParams) {
  const request = new Request(`http://localhost/forums/${w.forum.slug}/meetings/${w.coming.id}`, {
    method: 'POST',
    headers: { Cookie: w.users[who].cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form instanceof URLSearchParams ? form : new URLSearchParams(form),
  });
  return meetingAction({
    request,
    params: { slug: w.forum.slug, id: String(w.coming.id) },
    context: { cspNonce: 'n' },
  }).catch((thrown: unknown) => {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  });
}

const attendanceForm = (ids: number[], extra: [string, string][] = []) =>
  new URLSearchParams([
    ['intent', 'attendance'],
    ...ids.map((id) => ['attendees', String(id)] as [string, string]),
    ...extra,
  ]);

async function page(w: MeetingWorld, who: Who = 'ava') {
  const response = await callRoute(meetingLoader, {
    path: `/forums/${w.forum.slug}/meetings/${w.coming.id}`,
    cookie: w.users[who].cookie,
    params: { slug: w.forum.slug, id: String(w.coming.id) },
  });
  return response.json();
}

async function minutes(w: MeetingWorld) {
  const response = await callRoute(minutesLoader, {
    path: `/forums/${w.forum.slug}/meetings/${w.coming.id}/minutes.md`,
    cookie: w.users.ava.cookie,
    params: { slug: w.forum.slug, id: String(w.coming.id) },
  });
  return response.text();
}

describe('attendance', () => {
  test('the form starts ticked with who acted in the meeting; the chair’s record replaces the guess everywhere', async ({
    db,
  }) => {
    const w = await createMeetingWorld(db);
    expect((await post(w, 'chair', Object.fromEntries(attendanceForm([w.users.chair.id])))).status).toBe(409); // not started yet
    expect((await post(w, 'leader', { intent: 'start' })).status).toBe(303);
    // Ava edits her status for this meeting (its audit row names the meeting): her work before it, not attendance.
    await writeAudit(db, {
      userId: w.users.ava.id,
      forumId: w.forum.id,
      action: 'status.update',
      target: `project:${w.projects.risky.id}`,
      detail: { meetingId: w.coming.id, health: 'at_risk', late: false },
    });
    const guessed = (await page(w, 'chair')).attendance;
    expect(guessed.recorded).toBe(false);
    expect(
      guessed.members.filter((m: { attended: boolean }) => m.attended).map((m: { name: string }) => m.name),
    ).toEqual(['Leader']);
    expect(guessed.members.map((m: { name: string }) => m.name)).toEqual(['Ava', 'Ben', 'Chair', 'Leader', 'Observer']);

    expect((await post(w, 'chair', attendanceForm([w.users.ava.id, w.users.chair.id, w.users.ava.id]))).status).toBe(
      303,
    );
    const stored = await db
      .selectFrom('meeting_attendance')
      .select('user_id')
      .where('meeting_id', '=', w.coming.id)
      .orderBy('user_id')
      .execute();
    expect(stored.map((r) => r.user_id)).toEqual([w.users.ava.id, w.users.chair.id].sort((a, b) => a - b));
    const recorded = (await page(w)).attendance;
    expect(recorded).toMatchObject({ recorded: true, attendees: [{ name: 'Ava' }, { name: 'Chair' }] });
    // The leader acted in the meeting, but the chair's record says who was there.
    expect(await minutes(w)).toContain('- Attendees: Ava, Chair\n');
    const audit = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'meeting.attendance')
      .execute();
    expect(audit).toHaveLength(1);

    // Unticking everyone is a record too.
    expect((await post(w, 'chair', attendanceForm([]))).status).toBe(303);
    expect((await page(w)).attendance).toMatchObject({ recorded: true, attendees: [] });
  });

  test('only members, only the chair, no extra fields', async ({ db }) => {
    const w = await createMeetingWorld(db);
    expect((await post(w, 'chair', { intent: 'start' })).status).toBe(303);
    const stranger = await createUser(db, { name: 'Stranger', passwordHash: 'unused' });
    const refused = await post(w, 'chair', attendanceForm([w.users.ava.id, stranger.id]));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      intent: 'attendance',
      fieldErrors: { attendees: ['Choose members of this forum.'] },
    });
    expect((await post(w, 'chair', attendanceForm([w.users.ava.id], [['attendees', 'x']]))).status).toBe(400);
    expect((await post(w, 'chair', attendanceForm([w.users.ava.id], [['meeting_id', '1']]))).status).toBe(400);
    expect((await post(w, 'leader', attendanceForm([w.users.ava.id]))).status).toBe(403);
    expect((await post(w, 'ava', attendanceForm([w.users.ava.id]))).status).toBe(403);
    expect(await db.selectFrom('meeting_attendance').select('user_id').execute()).toEqual([]);
  });
});

describe('notes', () => {
  test('Markdown is rendered; script tags, raw HTML and javascript: links are inert; the minutes carry the notes', async ({
    db,
  }) => {
    const w = await createMeetingWorld(db);
    const notes =
      '## Decisions\n\n- **Ship** it\n- <script>alert(1)</script>\n- <img src=x onerror=alert(2)>\n- [click](javascript:alert(3))';
    expect((await post(w, 'chair', { intent: 'notes', notes })).status).toBe(303);
    expect(
      (await db.selectFrom('meetings').select('notes').where('id', '=', w.coming.id).executeTakeFirstOrThrow()).notes,
    ).toBe(notes);
    const html: string = (await page(w, 'observer')).view.notesHtml;
    expect(html).toContain('<h2>Decisions</h2>');
    expect(html).toContain('<strong>Ship</strong>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script|<img|href="javascript/i);
    const text = await minutes(w);
    expect(text).toContain(`## Notes\n\n${notes}\n`);

    expect((await post(w, 'leader', { intent: 'notes', notes: 'mine' })).status).toBe(403);
    const long = await post(w, 'chair', { intent: 'notes', notes: 'x'.repeat(50_001) });
    expect(long.status).toBe(400);
    expect((await long.json()).fieldErrors.notes[0]).toMatch(/Keep the notes under/);
  });
});
