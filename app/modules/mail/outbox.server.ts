import { sql } from 'kysely';
import type { Executor } from '~/utils/db.server';
import { NOTIFICATION_KIND_IDS } from './preferences';

/**
 * The outbox (decision 014): every email is a row written in the transaction of the change that causes it, so an
 * email exists exactly when its change committed. The dispatcher (dispatcher.server.ts) sends the rows.
 */
/** Account emails: always sent (nobody can turn off a password link they asked for). */
export const ACCOUNT_EMAIL_KINDS = ['password-link', 'forgot-password', 'invitation'] as const;
/** Notifications: each member can turn each kind off (on /account, or by the email's unsubscribe link). */
export const NOTIFICATION_KINDS = NOTIFICATION_KIND_IDS;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export type EmailKind = (typeof ACCOUNT_EMAIL_KINDS)[number] | NotificationKind;

export interface OutgoingEmail {
  kind: EmailKind;
  /**
   * What the email is about (e.g. `meeting:12`, or a link's own id for a one-off). With the kind and the recipient
   * it makes the row's unique key: writing the same email again is a no-op, so a scheduled email goes out once.
   */
  subjectKey: string;
  to: string;
  userId?: number | null;
  forumId?: number | null;
  subject: string;
  text: string;
  html: string;
  unsubscribeUrl?: string | null;
}

export const dedupeKey = (kind: string, subjectKey: string, to: string) => `${kind}|${subjectKey}|${to.toLowerCase()}`;

/** Writes an email to the outbox (in the caller's transaction). False when it was written before (same key). */
export async function enqueueEmail(db: Executor, email: OutgoingEmail): Promise<boolean> {
  const row = await db
    .insertInto('outbox')
    .values({
      kind: email.kind,
      dedupe_key: dedupeKey(email.kind, email.subjectKey, email.to),
      forum_id: email.forumId ?? null,
      user_id: email.userId ?? null,
      to_address: email.to,
      subject: email.subject,
      text_body: email.text,
      html_body: email.html,
      unsubscribe_url: email.unsubscribeUrl ?? null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export type OutboxState = 'pending' | 'sent' | 'failed';
export const OUTBOX_PAGE_SIZE = 50;

/** The admins' view of the outbox, newest first, by state. */
export async function listOutbox(db: Executor, { state, page }: { state?: OutboxState; page: number }) {
  let query = db
    .selectFrom('outbox as o')
    .leftJoin('forums as f', 'f.id', 'o.forum_id')
    .select([
      'o.id',
      'o.kind',
      'o.to_address as to',
      'o.subject',
      'o.text_body as text',
      'o.created_at as createdAt',
      'o.attempts',
      'o.last_error as lastError',
      'o.sent_at as sentAt',
      'o.failed_at as failedAt',
      'o.next_attempt_at as nextAttemptAt',
      'f.name as forumName',
    ]);
  if (state === 'sent') query = query.where('o.sent_at', 'is not', null);
  if (state === 'failed') query = query.where('o.failed_at', 'is not', null);
  if (state === 'pending') query = query.where('o.sent_at', 'is', null).where('o.failed_at', 'is', null);
  const rows = await query
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(OUTBOX_PAGE_SIZE + 1)
    .offset((page - 1) * OUTBOX_PAGE_SIZE)
    .execute();
  const counts = await db
    .selectFrom('outbox')
    .select([
      sql<number>`count(*) filter (where sent_at is null and failed_at is null)::int`.as('pending'),
      sql<number>`count(*) filter (where sent_at is not null)::int`.as('sent'),
      sql<number>`count(*) filter (where failed_at is not null)::int`.as('failed'),
    ])
    .executeTakeFirstOrThrow();
  return { rows: rows.slice(0, OUTBOX_PAGE_SIZE), hasMore: rows.length > OUTBOX_PAGE_SIZE, counts };
}
