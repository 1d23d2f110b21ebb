import { afterAll, beforeAll, expect, test } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../db/client';
import { changePassword, endOtherSessions, endSession } from '../../app/modules/auth/account.server';
import { hashPassword } from '../../app/modules/auth/password.server';
import {
  commitSessionCookie,
  createSession,
  deleteSession,
  getSessionUser,
} from '../../app/modules/auth/session.server';
import { completeActionItem } from '../../app/modules/meetings/action-items.server';
import { createUser } from '../factories';
import { openFreshDatabase } from '../setup/test-db';
import { createMeetingWorld } from './meetings-world';

// Issue #18: a write and its audit row commit together. With real commits (not a test's rolled-back transaction),
// a trigger refuses the audit row of the action under test: the write must not be there either.

let handle: DatabaseHandle;
const PASSWORD = 'an old passphrase';
let hash: string;

beforeAll(async () => {
  handle = await openFreshDatabase();
  hash = await hashPassword(PASSWORD);
  await sql`create table test_refused_audit (action text primary key)`.execute(handle.db);
  await sql`create function test_refuse_audit() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from test_refused_audit where action = new.action) then raise exception 'audit refused: %', new.action; end if;
      return new;
    end $$`.execute(handle.db);
  await sql`create trigger test_refuse_audit before insert on audit_log for each row execute function test_refuse_audit()`.execute(
    handle.db,
  );
}, 120_000);
afterAll(async () => handle?.close());

async function refuseAudit(action: string) {
  await sql`delete from test_refused_audit`.execute(handle.db);
  await sql`insert into test_refused_audit values (${action})`.execute(handle.db);
}

async function signedIn(userId: number, userAgent: string) {
  const token = await createSession(handle.db, { userId, userAgent, ip: '10.0.0.1' });
  const cookie = (await commitSessionCookie(token)).split(';')[0];
  const request = new Request('http://localhost/', { headers: { Cookie: cookie } });
  return { request, user: (await getSessionUser(handle.db, request))! };
}

const sessionCount = async (userId: number) =>
  Number(
    (
      await handle.db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
    ).n,
  );

test('a password change, ending sessions and signing out leave nothing behind when their audit row fails', async () => {
  const me = await createUser(handle.db, { passwordHash: hash });
  const here = await signedIn(me.id, 'Browser A');
  const phone = await signedIn(me.id, 'Phone B');

  await refuseAudit('account.password_changed');
  await expect(
    changePassword(handle.db, {
      userId: me.id,
      currentPassword: PASSWORD,
      newPassword: 'a much better passphrase',
      keepSession: here.user.sessionHash,
    }),
  ).rejects.toThrow(/audit refused/);
  const stored = await handle.db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', me.id)
    .executeTakeFirstOrThrow();
  expect(stored.password_hash).toBe(hash);
  expect(await sessionCount(me.id)).toBe(2);

  await refuseAudit('account.other_sessions_ended');
  await expect(endOtherSessions(handle.db, { userId: me.id, keep: here.user.sessionHash })).rejects.toThrow(
    /audit refused/,
  );
  expect(await sessionCount(me.id)).toBe(2);

  await refuseAudit('account.session_ended');
  await expect(endSession(handle.db, { userId: me.id, sessionId: phone.user.sessionHash })).rejects.toThrow(
    /audit refused/,
  );
  expect(await sessionCount(me.id)).toBe(2);

  await refuseAudit('logout');
  await expect(deleteSession(handle.db, here.request)).rejects.toThrow(/audit refused/);
  expect(await sessionCount(me.id)).toBe(2);

  // With the audit accepted, each write goes through with its row.
  await refuseAudit('none');
  await deleteSession(handle.db, here.request);
  expect(await sessionCount(me.id)).toBe(1);
  const audit = await handle.db.selectFrom('audit_log').select('action').where('user_id', '=', me.id).execute();
  expect(audit.map((a) => a.action)).toEqual(['logout']);
});

test('marking an action item done is undone when its audit row fails', async () => {
  const w = await createMeetingWorld(handle.db);
  const meeting = await handle.db
    .selectFrom('meetings')
    .select('id')
    .where('forum_id', '=', w.forum.id)
    .orderBy('scheduled_at')
    .executeTakeFirstOrThrow();
  const item = await handle.db
    .insertInto('action_items')
    .values({
      meeting_id: meeting.id,
      project_id: w.projects.due.id,
      text: 'Share the plan',
      assignee_id: w.users.ava.id,
      due_date: '2030-01-15',
      created_by: w.users.chair.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await refuseAudit('action_item.done');
  await expect(
    completeActionItem(handle.db, { forumId: w.forum.id, itemId: item.id, userId: w.users.ava.id, mayManage: false }),
  ).rejects.toThrow(/audit refused/);
  const stored = await handle.db
    .selectFrom('action_items')
    .select('done_at')
    .where('id', '=', item.id)
    .executeTakeFirstOrThrow();
  expect(stored.done_at).toBeNull();
});
