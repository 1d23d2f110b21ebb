import nodemailer, { type SendMailOptions } from 'nodemailer';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/database';

/** What the dispatcher writes to the server log (the pino logger, or anything with these methods). */
export interface DispatcherLog {
  info: (obj: object, message: string) => void;
  warn: (obj: object, message: string) => void;
  error: (obj: object, message: string) => void;
}

/** Something that sends a message: a nodemailer transport. */
export interface MailTransport {
  sendMail: (message: SendMailOptions) => Promise<unknown>;
  close?: () => void;
}

/** Work the dispatcher runs on every tick before sending: the scheduled emails (reminders) are enqueued here. */
export type ScheduledTask = { name: string; run: (db: Kysely<Database>, now: Date) => Promise<unknown> };

export interface DispatcherOptions {
  db: Kysely<Database>;
  /** Null: no SMTP server (the embedded default). Mail stays in the outbox and is printed to the log once. */
  transport: MailTransport | null;
  from: string;
  log: DispatcherLog;
  tasks?: ScheduledTask[];
  pollMs?: number;
  batchSize?: number;
  /** How long a claimed row is left to its claimer before another dispatcher may take it (a crash mid-send). */
  leaseMs?: number;
  /** The retry delay after the n-th failed attempt is min(backoffMs × 2^(n−1), maxBackoffMs). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** After this many failed attempts the row is marked failed and no longer retried. */
  maxAttempts?: number;
}

export interface TickResult {
  sent: number;
  retried: number;
  failed: number;
  logged: number;
}

/** The transport for SMTP_URL (e.g. smtp://user:pass@host:587, smtps://host:465). */
export function smtpTransport(url: string): MailTransport {
  return nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
}

/** The delay before the next attempt after `attempts` failed ones. */
export function backoffDelay(attempts: number, backoffMs: number, maxBackoffMs: number): number {
  return Math.min(backoffMs * 2 ** Math.max(0, attempts - 1), maxBackoffMs);
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 1000);

/**
 * The one background worker (STYLE.md): each tick runs the scheduled tasks, then claims due outbox rows with
 * `FOR UPDATE SKIP LOCKED` under a lease, sends each, and records the outcome. Several dispatchers (app instances)
 * on one database never claim the same row; a row whose claimer died is taken again once its lease has passed.
 */
export class Dispatcher {
  private readonly o: Required<Omit<DispatcherOptions, 'transport' | 'tasks'>> &
    Pick<DispatcherOptions, 'transport'> & { tasks: ScheduledTask[] };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(options: DispatcherOptions) {
    this.o = {
      pollMs: 5_000,
      batchSize: 20,
      leaseMs: 5 * 60_000,
      backoffMs: 30_000,
      maxBackoffMs: 3_600_000,
      maxAttempts: 12,
      tasks: [],
      ...options,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the loop and waits for a tick in progress; closes the transport. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
    this.o.transport?.close?.();
  }

  private schedule(delay: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const run = this.tick().then(
        (result) => this.schedule(result.sent + result.retried + result.logged >= this.o.batchSize ? 0 : this.o.pollMs),
        (err: unknown) => {
          this.o.log.error({ err }, 'the mail dispatcher failed');
          this.schedule(this.o.pollMs);
        },
      );
      this.running = run;
    }, delay);
    this.timer.unref();
  }

  /** One round: the scheduled tasks, then one batch of due emails. */
  async tick(now = new Date()): Promise<TickResult> {
    for (const task of this.o.tasks) {
      try {
        await task.run(this.o.db, now);
      } catch (err) {
        this.o.log.error({ err, task: task.name }, 'a scheduled mail task failed');
      }
    }
    return this.o.transport ? this.sendBatch(this.o.transport) : this.logBatch();
  }

  private async sendBatch(transport: MailTransport): Promise<TickResult> {
    const { db, batchSize, leaseMs, backoffMs, maxBackoffMs, maxAttempts, from } = this.o;
    const claimed = await db
      .updateTable('outbox')
      .set({
        locked_until: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval`,
        attempts: sql<number>`attempts + 1`,
      })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbox')
          .select('id')
          .where('sent_at', 'is', null)
          .where('failed_at', 'is', null)
          .where('next_attempt_at', '<=', sql<Date>`now()`)
          .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', sql<Date>`now()`)]))
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'kind', 'to_address', 'subject', 'text_body', 'html_body', 'unsubscribe_url', 'attempts'])
      .execute();
    const result: TickResult = { sent: 0, retried: 0, failed: 0, logged: 0 };
    const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
    for (const row of claimed) {
      try {
        await transport.sendMail({
          from,
          to: row.to_address,
          subject: row.subject,
          text: row.text_body,
          html: row.html_body,
          // The same id on every attempt: a receiver can tell a repeat.
          messageId: `<outbox-${row.id}@${domain}>`,
          headers: {
            'X-Outbox-Id': String(row.id),
            'X-Email-Kind': row.kind,
            // One-click unsubscribe (RFC 8058): the mail client POSTs to the link, which turns this kind off.
            ...(row.unsubscribe_url
              ? {
                  'List-Unsubscribe': `<${row.unsubscribe_url}>`,
                  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
                }
              : {}),
          },
        });
        await db
          .updateTable('outbox')
          .set({ sent_at: sql<Date>`now()`, locked_until: null, last_error: null })
          .where('id', '=', row.id)
          .execute();
        result.sent += 1;
      } catch (err) {
        const giveUp = row.attempts >= maxAttempts;
        const delay = backoffDelay(row.attempts, backoffMs, maxBackoffMs);
        await db
          .updateTable('outbox')
          .set({
            locked_until: null,
            last_error: errorText(err),
            next_attempt_at: sql<Date>`now() + ${`${delay} milliseconds`}::interval`,
            failed_at: giveUp ? sql<Date>`now()` : null,
          })
          .where('id', '=', row.id)
          .execute();
        if (giveUp) result.failed += 1;
        else result.retried += 1;
        this.o.log.warn(
          { outboxId: row.id, attempts: row.attempts, err: errorText(err), giveUp },
          giveUp ? 'email failed: giving up' : 'email failed: will retry',
        );
      }
    }
    return result;
  }

  /** Without SMTP: each new email is printed to the log once and stays in the outbox (readable at /admin/outbox). */
  private async logBatch(): Promise<TickResult> {
    const { db, batchSize } = this.o;
    const rows = await db
      .updateTable('outbox')
      .set({ logged_at: sql<Date>`now()` })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbox')
          .select('id')
          .where('logged_at', 'is', null)
          .where('sent_at', 'is', null)
          .orderBy('id')
          .limit(batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'kind', 'to_address', 'subject', 'text_body'])
      .execute();
    for (const row of rows) {
      this.o.log.info(
        { outboxId: row.id, kind: row.kind, to: row.to_address, subject: row.subject, text: row.text_body },
        'email kept in the outbox (no SMTP_URL set)',
      );
    }
    return { sent: 0, retried: 0, failed: 0, logged: rows.length };
  }
}
