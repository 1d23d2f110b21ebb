import { sql } from 'kysely';
import { expect } from 'vitest';
import { dbTest as test } from '../setup/test-db';
import { createStatus, createUser } from '../factories';
import { callRoute, createOwnersWorld } from './owners-world';
import { inviteUser, runUserAction } from '../../app/modules/admin/users.server';
import { runMemberAction } from '../../app/modules/forums/members.server';
import { enqueueAgendas, enqueueStatusReminders } from '../../app/modules/mail/scheduled.server';
import { unsubscribeToken } from '../../app/modules/mail/notifications.server';
import { action as unsubscribeAction, loader as unsubscribeLoader } from '../../app/routes/unsubscribe.$token';
import { action as accountAction, loader as accountLoader } from '../../app/routes/account';
import { enqueueActionItemsDueTomorrow } from '../../app/modules/mail/meeting-emails.server';
import { action as meetingAction } from '../../app/routes/forums.$slug.meetings.$id';
import { action as itemAction } from '../../app/routes/forums.$slug.action-items.$id';
import type { Executor } from '../../app/utils/db.server';
import { createMeetingWorld } from './meetings-world';

// Issue #16 item 4: what is sent, to whom, exactly once, and how a member turns each kind off.
const HOUR = 3_600_000;
const mails = (db: Executor, kind: string) =>
  db.selectFrom('outbox').selectAll().where('kind', '=', kind).orderBy('id').execute();
const userEmail = async (db: Executor, id: number) =>
  (await db.selectFrom('users').select('email').where('id', '=', id).executeTakeFirstOrThrow()).email;

async function world(db: Executor) {
  const w = await createOwnersWorld(db);
  const f = await db
    .selectFrom('forums')
    .select(['status_deadline_hours', 'status_reminder_hours'])
    .where('id', '=', w.forum.id)
    .executeTakeFirstOrThrow();
  const deadline = new Date(new Date(w.meeting.scheduled_at).getTime() - f.status_deadline_hours * HOUR);
  return {
    ...w,
    deadline,
    remindAt: new Date(deadline.getTime() - f.status_reminder_hours * HOUR),
    reminderHours: f.status_reminder_hours,
  };
}

test('invitations and admin-issued password links are emailed once each, with their link', async ({ db }) => {
  const admin = await createUser(db, { name: 'Ada Admin', passwordHash: 'x', isAdmin: true });
  const invited = await inviteUser(db, {
    actorId: admin.id,
    email: 'newbie@example.test',
    name: 'Nell Newbie',
    isAdmin: false,
  });
  if (!invited.ok) throw new Error(invited.failure.message);
  let rows = await mails(db, 'password-link');
  expect(rows).toHaveLength(1);
  expect(rows[0].to_address).toBe('newbie@example.test');
  expect(rows[0].text_body).toContain(`/set-password/${invited.value.token}`);
  expect(rows[0].text_body).toMatch(/^Hello Nell Newbie,/);
  const reset = await runUserAction(db, {
    actorId: admin.id,
    action: { intent: 'reset-password', userId: invited.value.userId },
  });
  if (!reset.ok) throw new Error(reset.failure.message);
  rows = await mails(db, 'password-link');
  expect(rows).toHaveLength(2);
  expect(rows[1].text_body).toContain(`/set-password/${reset.value.token}`);

  const w = await createOwnersWorld(db);
  const invite = await runMemberAction(db, {
    forumId: w.forum.id,
    actorId: w.users.chair.id,
    action: { intent: 'invite', email: 'guest@example.test', role: 'observer' },
  });
  if (!invite.ok) throw new Error(invite.failure.message);
  const [invitation] = await mails(db, 'invitation');
  expect(invitation.to_address).toBe('guest@example.test');
  expect(invitation.subject).toBe(`[${w.forum.name}] You are invited to ${w.forum.name}`);
  expect(invitation.html_body).toContain(`/invitations/${invite.value.token}`);
  expect(invitation.forum_id).toBe(w.forum.id);
  expect(invitation.text_body).toContain(`join ${w.forum.name} on Inspection Forum as an observer.`);
  // The role's article follows its sound: "an owner", "a leader".
  for (const [email, role, phrase] of [
    ['owner-guest@example.test', 'owner', 'as an owner.'],
    ['leader-guest@example.test', 'leader', 'as a leader.'],
  ] as const) {
    const more = await runMemberAction(db, {
      forumId: w.forum.id,
      actorId: w.users.chair.id,
      action: { intent: 'invite', email, role },
    });
    if (!more.ok) throw new Error(more.failure.message);
    const sent = (await mails(db, 'invitation')).find((m) => m.to_address === email);
    expect(sent?.text_body).toContain(phrase);
  }
});

test('"status due" goes to each owner who owes one at the lead time, once; "overdue" at the deadline to those still missing', async ({
  db,
}) => {
  const w = await world(db);
  expect(w.reminderHours).toBe(24); // the default lead time
  expect(await enqueueStatusReminders(db, new Date(w.remindAt.getTime() - 60_000))).toBe(0);
  const during = new Date(w.remindAt.getTime() + 60_000);
  expect(await enqueueStatusReminders(db, during)).toBe(2);
  expect(await enqueueStatusReminders(db, during)).toBe(0); // the next tick, or another instance: nothing more
  expect(await enqueueStatusReminders(db, new Date(w.deadline.getTime() - 60_000))).toBe(0);
  const due = await mails(db, 'status-due');
  expect(due.map((m) => m.user_id).sort()).toEqual([w.users.owner.id, w.users.otherOwner.id].sort());
  const mine = due.find((m) => m.user_id === w.users.owner.id)!;
  expect(mine.to_address).toBe(await userEmail(db, w.users.owner.id));
  expect(mine.subject).toContain(`[${w.forum.name}] Status for Latency work due`);
  expect(mine.text_body).toContain(`/forums/${w.forum.slug}/projects/${w.project.id}/status`);
  expect(mine.text_body).toMatch(/^Hello owner,/);
  expect(mine.html_body).toContain('<a href="http');
  expect(mine.unsubscribe_url).toMatch(/\/unsubscribe\/\d+\.status-due\./);
  expect(mine.text_body).toContain(mine.unsubscribe_url);

  // The owner posts; the other does not.
  await createStatus(db, { projectId: w.project.id, meetingId: w.meeting.id, authorId: w.users.owner.id });
  const after = new Date(w.deadline.getTime() + 60_000);
  expect(await enqueueStatusReminders(db, after)).toBe(1);
  expect(await enqueueStatusReminders(db, after)).toBe(0);
  const overdue = await mails(db, 'status-overdue');
  expect(overdue.map((m) => m.user_id)).toEqual([w.users.otherOwner.id]);
  expect(overdue[0].subject).toContain('Status for Other work is overdue');
  // After the meeting's time nothing more is sent for it.
  expect(await enqueueStatusReminders(db, new Date(new Date(w.meeting.scheduled_at).getTime() + 60_000))).toBe(0);
});

test('the lead time is the forum’s setting', async ({ db }) => {
  const w = await world(db);
  await db.updateTable('forums').set({ status_reminder_hours: 2 }).where('id', '=', w.forum.id).execute();
  expect(await enqueueStatusReminders(db, new Date(w.deadline.getTime() - 3 * HOUR))).toBe(0);
  expect(await enqueueStatusReminders(db, new Date(w.deadline.getTime() - 1 * HOUR))).toBe(2);
});

test('the agenda goes to every member once, when the status deadline passes', async ({ db }) => {
  const w = await world(db);
  expect(await enqueueAgendas(db, new Date(w.deadline.getTime() - 60_000))).toBe(0);
  const after = new Date(w.deadline.getTime() + 60_000);
  expect(await enqueueAgendas(db, after)).toBe(5);
  expect(await enqueueAgendas(db, after)).toBe(0);
  const agendas = await mails(db, 'agenda');
  const members = [w.users.chair, w.users.leader, w.users.owner, w.users.otherOwner, w.users.observer]
    .map((u) => u.id)
    .sort();
  expect(agendas.map((m) => m.user_id).sort()).toEqual(members);
  expect(agendas[0].text_body).toContain('Latency work');
  expect(agendas[0].text_body).toContain(`/forums/${w.forum.slug}/meetings/${w.meeting.id}`);
  expect(agendas[0].text_body).toMatch(/Exceptions:|Due by cadence:|Consent agenda:/);
});

test('a member turns a kind off with the email’s link, without signing in, and on /account', async ({ db }) => {
  const w = await world(db);
  const token = await unsubscribeToken(db, { userId: w.users.owner.id, kind: 'status-due' });
  const page = await callRoute(unsubscribeLoader, { path: `/unsubscribe/${token}`, cookie: '', params: { token } });
  expect(page.status).toBe(200);
  // A tampered token (another user, another kind) is refused.
  for (const bad of [
    token.replace(`${w.users.owner.id}.`, `${w.users.otherOwner.id}.`),
    token.replace('status-due', 'agenda'),
    'garbage',
  ]) {
    expect(
      (
        await callRoute(unsubscribeAction, {
          path: `/unsubscribe/${bad}`,
          cookie: '',
          params: { token: bad },
          form: {},
        })
      ).status,
    ).toBe(404);
  }
  // The mail client's one-click POST (RFC 8058).
  const done = await callRoute(unsubscribeAction, {
    path: `/unsubscribe/${token}`,
    cookie: '',
    params: { token },
    form: { 'List-Unsubscribe': 'One-Click' },
  });
  expect(done.status).toBe(200);
  await enqueueStatusReminders(db, new Date(w.remindAt.getTime() + 60_000));
  expect((await mails(db, 'status-due')).map((m) => m.user_id)).toEqual([w.users.otherOwner.id]);

  // /account shows it off; the other owner turns the agenda off there.
  const account = (await (
    await callRoute(accountLoader, { path: '/account', cookie: w.users.owner.cookie, params: {} })
  ).json()) as { emails: { kind: string; on: boolean }[] };
  expect(account.emails.find((e) => e.kind === 'status-due')?.on).toBe(false);
  expect(account.emails.find((e) => e.kind === 'agenda')?.on).toBe(true);
  const all = {
    'status-due': 'on',
    'status-overdue': 'on',
    digest: 'on',
    'action-item-assigned': 'on',
    'action-item-due': 'on',
  };
  const saved = await callRoute(accountAction, {
    path: '/account',
    cookie: w.users.otherOwner.cookie,
    params: {},
    form: { intent: 'email-preferences', ...all },
  });
  expect(saved.status).toBe(200);
  expect(
    (
      await callRoute(accountAction, {
        path: '/account',
        cookie: w.users.otherOwner.cookie,
        params: {},
        form: { intent: 'email-preferences', agenda: 'yes' },
      })
    ).status,
  ).toBe(400);
  await enqueueAgendas(db, new Date(w.deadline.getTime() + 60_000));
  const agendaTo = (await mails(db, 'agenda')).map((m) => m.user_id);
  expect(agendaTo).toHaveLength(4);
  expect(agendaTo).not.toContain(w.users.otherOwner.id);
  expect(
    Number(
      (
        await db
          .selectFrom('email_opt_outs')
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  ).toBe(2);
});

test('action items: "assigned" to the assignee (again on reassignment), "due tomorrow" once; the digest to every member with the close', async ({
  db,
}) => {
  const w = await createMeetingWorld(db);
  const params = { slug: w.forum.slug, id: String(w.coming.id) };
  const meeting = (form: Record<string, string>) =>
    callRoute(meetingAction, {
      path: `/forums/${w.forum.slug}/meetings/${w.coming.id}`,
      cookie: w.users.chair.cookie,
      params,
      form,
    });
  expect((await meeting({ intent: 'start' })).status).toBeLessThan(400);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  expect(
    (
      await meeting({
        intent: 'action-item',
        projectId: String(w.projects.due.id),
        text: 'Bring a recovery plan',
        assigneeId: String(w.users.ava.id),
        dueDate: tomorrow,
      })
    ).status,
  ).toBe(303);
  const [assigned] = await mails(db, 'action-item-assigned');
  expect(assigned.user_id).toBe(w.users.ava.id);
  expect(assigned.subject).toBe(`[${w.forum.name}] Action item for ${w.projects.due.name}: Bring a recovery plan`);
  expect(assigned.text_body).toContain('Chair assigned you an action item');
  const { id } = await db
    .selectFrom('action_items')
    .select('id')
    .where('project_id', '=', w.projects.due.id)
    .executeTakeFirstOrThrow();
  expect(assigned.text_body).toContain(`/forums/${w.forum.slug}/action-items/${id}`);
  // The chair adding one for themselves: no email.
  expect(
    (
      await meeting({
        intent: 'action-item',
        projectId: String(w.projects.due.id),
        text: 'Chair’s own',
        assigneeId: String(w.users.chair.id),
        dueDate: '',
      })
    ).status,
  ).toBe(303);
  expect(await mails(db, 'action-item-assigned')).toHaveLength(1);
  // Reassigned to Ben: Ben is told.
  const edit = await callRoute(itemAction, {
    path: `/forums/${w.forum.slug}/action-items/${id}`,
    cookie: w.users.chair.cookie,
    params: { slug: w.forum.slug, id: String(id) },
    form: { intent: 'edit', text: 'Bring a recovery plan', assigneeId: String(w.users.ben.id), dueDate: tomorrow },
  });
  expect(edit.status).toBe(303);
  expect((await mails(db, 'action-item-assigned')).map((m) => m.user_id)).toEqual([w.users.ava.id, w.users.ben.id]);

  // Due tomorrow (the forum's time zone is UTC): once, to the assignee.
  const now = new Date();
  expect(await enqueueActionItemsDueTomorrow(db, now)).toBe(1);
  expect(await enqueueActionItemsDueTomorrow(db, now)).toBe(0);
  expect((await mails(db, 'action-item-due')).map((m) => m.user_id)).toEqual([w.users.ben.id]);
  expect(await enqueueActionItemsDueTomorrow(db, new Date(now.getTime() - 86_400_000))).toBe(0); // two days ahead: not yet

  // The close writes the digest, to every member, once.
  expect(
    (
      await meeting({
        intent: 'review',
        projectId: String(w.projects.due.id),
        verdict: 'off_track',
        feedback: 'Behind plan',
      })
    ).status,
  ).toBeLessThan(400);
  expect((await meeting({ intent: 'close', confirm: 'yes' })).status).toBe(303);
  const digests = await mails(db, 'digest');
  expect(digests.map((m) => m.user_id).sort()).toEqual(
    [w.users.chair, w.users.leader, w.users.ava, w.users.ben, w.users.observer].map((u) => u.id).sort(),
  );
  const text = digests[0].text_body;
  expect(text).toContain(`${w.projects.due.name}: off track`);
  expect(text).toContain('Oversight level changes:');
  expect(text).toMatch(/→/);
  expect(text).toContain('Bring a recovery plan (Ben');
  expect(text).toContain(`/forums/${w.forum.slug}/meetings/${w.coming.id}`);
  expect((await meeting({ intent: 'close', confirm: 'yes' })).status).toBe(303);
  expect(await mails(db, 'digest')).toHaveLength(5);
});
