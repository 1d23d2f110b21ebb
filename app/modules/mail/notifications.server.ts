import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '~/utils/db.server';
import { appUrl } from '~/utils/env.server';
import { enqueueEmail, NOTIFICATION_KINDS, type NotificationKind } from './outbox.server';
import { renderEmail, type EmailParts } from './render.server';

/** How /account names each kind of notification. */
export const NOTIFICATION_LABELS: Record<NotificationKind, string> = {
  'status-due': 'A reminder before a status I owe is due',
  'status-overdue': 'A notice when the status deadline passes and mine is missing',
  agenda: 'The agenda, when the status deadline passes',
  digest: 'The digest after each meeting closes (verdicts, level changes, action items)',
  'action-item-assigned': 'An action item is assigned to me',
  'action-item-due': 'An action item of mine is due tomorrow',
};

export const isNotificationKind = (kind: string): kind is NotificationKind =>
  (NOTIFICATION_KINDS as readonly string[]).includes(kind);

/** The instance's key for unsubscribe links: made once, stored in the database, so every app instance agrees. */
async function signingKey(db: Executor): Promise<string> {
  await db
    .insertInto('instance_secrets')
    .values({ name: 'unsubscribe', value: crypto.randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (
    await db.selectFrom('instance_secrets').select('value').where('name', '=', 'unsubscribe').executeTakeFirstOrThrow()
  ).value;
}

const sign = (key: string, payload: string) => crypto.createHmac('sha256', key).update(payload).digest('base64url');

/** A signed token for "turn this kind off for this user": `<userId>.<kind>.<signature>`; it never expires. */
export async function unsubscribeToken(
  db: Executor,
  { userId, kind }: { userId: number; kind: NotificationKind },
): Promise<string> {
  const payload = `${userId}.${kind}`;
  return `${payload}.${sign(await signingKey(db), payload)}`;
}

export const unsubscribeUrl = (token: string) => `${appUrl()}/unsubscribe/${token}`;

/** The user and kind a token names, or null when it is not one of ours. */
export async function readUnsubscribeToken(
  db: Executor,
  token: string,
): Promise<{ userId: number; kind: NotificationKind } | null> {
  const m = /^(\d{1,15})\.([a-z-]{1,40})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || !isNotificationKind(m[2])) return null;
  const expected = Buffer.from(sign(await signingKey(db), `${m[1]}.${m[2]}`));
  const given = Buffer.from(m[3]);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
  return { userId: Number(m[1]), kind: m[2] };
}

/** The person an unsubscribe link names, with their address (null when the link is not valid or they are gone). */
export async function readUnsubscribeTarget(
  db: Executor,
  token: string,
): Promise<{ userId: number; kind: NotificationKind; email: string } | null> {
  const target = await readUnsubscribeToken(db, token);
  if (!target) return null;
  const user = await db.selectFrom('users').select(['email']).where('id', '=', target.userId).executeTakeFirst();
  return user ? { ...target, email: user.email } : null;
}

/** The kinds this user turned off. */
export async function optedOutKinds(db: Executor, userId: number): Promise<Set<string>> {
  const rows = await db.selectFrom('email_opt_outs').select('kind').where('user_id', '=', userId).execute();
  return new Set(rows.map((r) => r.kind));
}

export async function setOptOut(
  db: Executor,
  { userId, kind, off }: { userId: number; kind: NotificationKind; off: boolean },
): Promise<void> {
  if (off)
    await db
      .insertInto('email_opt_outs')
      .values({ user_id: userId, kind })
      .onConflict((oc) => oc.columns(['user_id', 'kind']).doNothing())
      .execute();
  else await db.deleteFrom('email_opt_outs').where('user_id', '=', userId).where('kind', '=', kind).execute();
}

/** Every member's choice at once (the /account form): the kinds not listed in `on` are turned off. */
export async function savePreferences(
  db: Executor,
  { userId, on }: { userId: number; on: NotificationKind[] },
): Promise<void> {
  for (const kind of NOTIFICATION_KINDS) await setOptOut(db, { userId, kind, off: !on.includes(kind) });
}

/**
 * A notification to one member, written to the outbox in the caller's transaction: naming the forum, with the
 * unsubscribe link of its kind. Nothing when the member turned the kind off, is deactivated, or it was written
 * before (same kind, subject and recipient). True when a row was written.
 */
export async function enqueueNotification(
  db: Executor,
  {
    kind,
    subjectKey,
    userId,
    forum,
    parts,
  }: {
    kind: NotificationKind;
    subjectKey: string;
    userId: number;
    forum: { id: number; name: string };
    parts: Omit<EmailParts, 'forumName' | 'unsubscribe' | 'greeting'>;
  },
): Promise<boolean> {
  const user = await db
    .selectFrom('users')
    .select([
      'id',
      'name',
      'email',
      'deactivated_at',
      sql<boolean>`exists (select 1 from email_opt_outs o where o.user_id = users.id and o.kind = ${kind})`.as('off'),
    ])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || user.deactivated_at || user.off) return false;
  const unsubscribe = unsubscribeUrl(await unsubscribeToken(db, { userId, kind }));
  const mail = renderEmail({ ...parts, forumName: forum.name, greeting: `Hello ${user.name},`, unsubscribe });
  return enqueueEmail(db, {
    kind,
    subjectKey,
    to: user.email,
    userId,
    forumId: forum.id,
    unsubscribeUrl: unsubscribe,
    ...mail,
  });
}
