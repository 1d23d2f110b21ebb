import { beforeAll, describe, expect } from 'vitest';
import type { HealthValue } from '../../db/database';
import { loadVerdictConsequences } from '../../app/modules/meetings/consequences.server';
import { loader as homeLoader } from '../../app/routes/_index';
import { action as meetingAction, loader as meetingLoader } from '../../app/routes/forums.$slug.meetings.$id';
import { dbTest as test, fileDatabase } from '../setup/test-db';
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

// The file's database is migrated in the hook, not in the first test's time.
beforeAll(async () => {
  await fileDatabase();
});

describe('consequences before deciding (issue #21 item 9)', () => {
  test('the preview of each recorded verdict is what the close then does, spill-over included, and previewing writes nothing', async ({
    db,
  }) => {
    const w = await createMeetingWorld(db);
    const p = w.projects;
    expect((await meetingPage(w, 'chair', { intent: 'pull', projectId: String(p.light.id) })).status).toBe(303);
    expect((await meetingPage(w, 'chair', { intent: 'start' })).status).toBe(303);
    const verdicts: [number, HealthValue][] = [
      [p.missing.id, 'at_risk'], // no status: the missed status counts first
      [p.risky.id, 'at_risk'],
      [p.kickoff.id, 'on_track'],
      [p.due.id, 'off_track'], // self-reported on track: a hard miss, spilling over onto Ava's Trusted project
      [p.light.id, 'on_track'], // Ava's Light project: the spill-over restarts its streak
    ];
    for (const [id, verdict] of verdicts) {
      expect((await meetingPage(w, 'leader', { intent: 'review', projectId: String(id), verdict })).status).toBe(303);
    }

    const eventsBefore = await db
      .selectFrom('oversight_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const preview = await loadVerdictConsequences(db, { forumId: w.forum.id, meetingId: w.coming.id });
    // A page's preview (its items only, read with their owners' other projects) is the whole preview's, spill-over
    // included, and holds nothing for the items it does not show.
    for (const id of Object.keys(preview).map(Number)) {
      const one = await loadVerdictConsequences(db, { forumId: w.forum.id, meetingId: w.coming.id, only: [id] });
      expect(one).toEqual({ [id]: preview[id] });
    }
    expect(Object.keys(preview).length).toBeGreaterThanOrEqual(verdicts.length);
    // The page shows the same preview beside each verdict choice, to those who record verdicts only.
    const chairPage = await (await meetingPage(w, 'chair')).json();
    expect(chairPage.view.consequences[p.due.id]).toEqual(JSON.parse(JSON.stringify(preview[p.due.id])));
    expect((await (await meetingPage(w, 'observer')).json()).view.consequences).toEqual({});
    expect(
      await db
        .selectFrom('oversight_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual(eventsBefore);

    const chosen = (id: number, verdict: HealthValue) => preview[id].find((c) => c.verdict === verdict)!;
    const hard = chosen(p.due.id, 'off_track');
    expect(hard).toMatchObject({
      from: 'standard',
      to: 'tight',
      spillover: [{ projectId: p.trusted.id, project: 'Trusted one', from: 'trusted', to: 'light' }],
    });
    expect(hard.text).toBe(
      "Off track against the owner's on track: Standard → Tight: found off track after the owner reported on track (a hard miss): one level down, and at most Standard; and Ava's other Trusted project Trusted one → Light",
    );
    // Another choice for the same item would not spill over.
    expect(chosen(p.due.id, 'at_risk').spillover).toEqual([]);
    expect(chosen(p.missing.id, 'at_risk').text).toMatch(
      /^At risk against the owner's on track \(with the status not posted counted first\): /,
    );
    for (const c of Object.values(preview).flat()) expect(c.text).not.toMatch(/\bpoints?\b|\w_\w/);

    expect((await meetingPage(w, 'chair', { intent: 'close', confirm: 'yes' })).status).toBe(303);
    const after = new Map(
      (
        await db.selectFrom('projects').select(['id', 'oversight_level']).where('forum_id', '=', w.forum.id).execute()
      ).map((r) => [r.id, r.oversight_level]),
    );
    for (const [id, verdict] of verdicts) {
      const c = chosen(id, verdict);
      expect(after.get(id), `project ${id}`).toBe(c.to);
      for (const s of c.spillover) expect(after.get(s.projectId)).toBe(s.to);
    }
    expect(after.get(p.trusted.id)).toBe('light');
    // The spill-over's explanation names the project and the verdict that caused it.
    const spill = await db
      .selectFrom('oversight_events')
      .select('explanation')
      .where('project_id', '=', p.trusted.id)
      .where('type', '=', 'spillover')
      .executeTakeFirstOrThrow();
    expect(spill.explanation).toBe(
      "Trusted → Light: spill-over from the owner's hard miss on Due by cadence (judged off track after the owner reported on track)",
    );

    // After the close, the owner's home page says which of their projects changed level, and why.
    const home = await (await callRoute(homeLoader, { path: '/', cookie: w.users.ava.cookie, params: {} })).json();
    expect(
      home.levelChanges.map((c: { project: string; from: string; to: string; explanation: string }) => [
        c.project,
        c.from,
        c.to,
        c.explanation,
      ]),
    ).toEqual([
      [
        'Due by cadence',
        'standard',
        'tight',
        'Standard → Tight: found off track after the owner reported on track (a hard miss): one level down, and at most Standard',
      ],
      ['Trusted one', 'trusted', 'light', spill.explanation],
    ]);
    const benHome = await (await callRoute(homeLoader, { path: '/', cookie: w.users.ben.cookie, params: {} })).json();
    expect(
      benHome.levelChanges.every((c: { project: string }) =>
        ['Escalated', 'Kickoff', 'Missing status'].includes(c.project),
      ),
    ).toBe(true);
  });

  test('a pulled consent item can be put back; an escalated project can be overridden with a reason in meeting mode', async ({
    db,
  }) => {
    const w = await createMeetingWorld(db);
    const p = w.projects;
    const discussedIds = async () =>
      ((await (await meetingPage(w, 'chair')).json()).view.discussed.items as { projectId: number }[]).map(
        (i) => i.projectId,
      );
    // Before the meeting.
    await meetingPage(w, 'chair', { intent: 'pull', projectId: String(p.light.id) });
    expect(await discussedIds()).toContain(p.light.id);
    expect((await meetingPage(w, 'leader', { intent: 'put-back', projectId: String(p.light.id) })).status).toBe(303);
    expect(await discussedIds()).not.toContain(p.light.id);
    expect((await meetingPage(w, 'leader', { intent: 'put-back', projectId: String(p.light.id) })).status).toBe(400);
    // During it; once a verdict is recorded, the item stays in discussion.
    await meetingPage(w, 'chair', { intent: 'pull', projectId: String(p.trusted.id) });
    await meetingPage(w, 'chair', { intent: 'pull', projectId: String(p.light.id) });
    await meetingPage(w, 'chair', { intent: 'start' });
    expect((await meetingPage(w, 'chair', { intent: 'put-back', projectId: String(p.trusted.id) })).status).toBe(303);
    await meetingPage(w, 'chair', { intent: 'review', projectId: String(p.light.id), verdict: 'on_track' });
    expect((await meetingPage(w, 'chair', { intent: 'put-back', projectId: String(p.light.id) })).status).toBe(409);
    expect(await discussedIds()).toEqual(expect.arrayContaining([p.light.id]));
    expect(await discussedIds()).not.toContain(p.trusted.id);
    expect((await meetingPage(w, 'observer', { intent: 'put-back', projectId: String(p.light.id) })).status).toBe(403);

    const blank = await meetingPage(w, 'leader', {
      intent: 'override',
      projectId: String(p.escalated.id),
      level: 'tight',
      reason: '  ',
    });
    expect(blank.status).toBe(400);
    expect((await blank.json()).fieldErrors.reason).toEqual(['Give a reason for the override']);
    const done = await meetingPage(w, 'leader', {
      intent: 'override',
      projectId: String(p.escalated.id),
      level: 'tight',
      reason: 'Recovery plan agreed',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('Location')).toBe(
      `/forums/${w.forum.slug}/meetings/${w.coming.id}?item=${p.escalated.id}#item-${p.escalated.id}`,
    );
    expect(
      await db
        .selectFrom('projects')
        .select(['oversight_level', 'oversight_escalated'])
        .where('id', '=', p.escalated.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      oversight_level: 'tight',
      oversight_escalated: false,
    });
    const event = await db
      .selectFrom('oversight_events')
      .select(['type', 'meeting_id', 'actor_id'])
      .where('project_id', '=', p.escalated.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(event).toEqual({ type: 'override', meeting_id: w.coming.id, actor_id: w.users.leader.id });
    expect(
      await db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'in', ['oversight.override', 'agenda.put_back'])
        .where('denied', '=', false)
        .orderBy('id')
        .execute(),
    ).toEqual([{ action: 'agenda.put_back' }, { action: 'agenda.put_back' }, { action: 'oversight.override' }]);
  });
});
