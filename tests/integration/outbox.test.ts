import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createPostgresDatabase, type DatabaseHandle } from '../../db/client';
import { Dispatcher, smtpTransport, type DispatcherLog } from '../../app/modules/mail/dispatcher.server';
import { enqueueEmail } from '../../app/modules/mail/outbox.server';
import { renderEmail } from '../../app/modules/mail/render.server';
import { backend, openFreshDatabase, serverUrl } from '../setup/test-db';
import { withDatabase } from '../setup/server-db';
import { TestSmtp, until } from '../setup/smtp';

// The outbox against a real SMTP server in this process (issue #16): delivery, an outage, a restart, two instances.

const logLines: { level: string; message: string; obj: object }[] = [];
const log: DispatcherLog = {
  info: (obj, message) => logLines.push({ level: 'info', message, obj }),
  warn: (obj, message) => logLines.push({ level: 'warn', message, obj }),
  error: (obj, message) => logLines.push({ level: 'error', message, obj }),
};

let handle: DatabaseHandle;
const smtp = new TestSmtp();
const dispatchers: Dispatcher[] = [];

function dispatcher(options: Partial<ConstructorParameters<typeof Dispatcher>[0]> = {}) {
  const d = new Dispatcher({
    db: handle.db,
    transport: smtpTransport(smtp.url),
    from: 'Inspection Forum <no-reply@forum.test>',
    log,
    pollMs: 10,
    backoffMs: 10,
    maxBackoffMs: 50,
    ...options,
  });
  dispatchers.push(d);
  return d;
}

async function enqueue(n: number, prefix = 'm') {
  const ids: number[] = [];
  await handle.db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i++) {
      const mail = renderEmail({
        forumName: 'Demo',
        subject: `Message ${prefix}${i}`,
        greeting: 'Hello,',
        paragraphs: ['A test.'],
        link: { href: 'http://localhost/x', label: 'Open' },
      });
      expect(
        await enqueueEmail(trx, {
          kind: 'password-link',
          subjectKey: `${prefix}${i}`,
          to: `person${i}@example.test`,
          ...mail,
        }),
      ).toBe(true);
    }
  });
  for (const r of await handle.db.selectFrom('outbox').select('id').where('sent_at', 'is', null).execute())
    ids.push(r.id);
  return ids;
}

const pending = async () =>
  Number(
    (
      await handle.db
        .selectFrom('outbox')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('sent_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Every row sent, each received exactly once. */
async function expectEachDeliveredOnce() {
  const rows = await handle.db.selectFrom('outbox').select(['id', 'sent_at', 'to_address']).orderBy('id').execute();
  expect(rows.every((r) => r.sent_at !== null)).toBe(true);
  const receivedIds = smtp.received.map((m) => m.outboxId).sort((a, b) => a - b);
  expect(receivedIds).toEqual(rows.map((r) => r.id));
  for (const r of rows) expect(smtp.received.find((m) => m.outboxId === r.id)!.to).toEqual([r.to_address]);
}

beforeAll(async () => {
  handle = await openFreshDatabase();
  await smtp.start();
});
afterAll(async () => {
  await smtp.stop();
  await handle.close();
});
beforeEach(async () => {
  await sql`truncate outbox`.execute(handle.db);
  smtp.received.length = 0;
  logLines.length = 0;
});
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
});

test('an email is delivered with a text and an HTML part, and marked sent', async () => {
  const [id] = await enqueue(1);
  const result = await dispatcher().tick();
  expect(result).toEqual({ sent: 1, retried: 0, failed: 0, logged: 0 });
  expect(smtp.received).toHaveLength(1);
  const mail = smtp.received[0];
  expect(mail.outboxId).toBe(id);
  expect(mail.subject).toBe('[Demo] Message m0');
  expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/i);
  expect(mail.raw).toMatch(/Content-Type: text\/plain/i);
  expect(mail.raw).toMatch(/Content-Type: text\/html/i);
  const row = await handle.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  expect(row.sent_at).not.toBeNull();
  expect(row.attempts).toBe(1);
  expect(row.last_error).toBeNull();
  // Nothing left: another tick sends nothing.
  expect((await dispatcher().tick()).sent).toBe(0);
  expect(smtp.received).toHaveLength(1);
});

test('the same email (kind, subject, recipient) written twice is one row', async () => {
  const mail = {
    kind: 'password-link' as const,
    subjectKey: 'meeting:1',
    to: 'Ann@Example.test',
    subject: 's',
    text: 't',
    html: '<p>t</p>',
  };
  expect(await enqueueEmail(handle.db, mail)).toBe(true);
  expect(await enqueueEmail(handle.db, { ...mail, to: 'ann@example.test' })).toBe(false);
  expect(await enqueueEmail(handle.db, { ...mail, subjectKey: 'meeting:2' })).toBe(true);
  expect(await pending()).toBe(2);
});

test('an email is written only if the change that causes it commits', async () => {
  await handle.db
    .transaction()
    .execute(async (trx) => {
      await enqueueEmail(trx, {
        kind: 'password-link',
        subjectKey: 'x',
        to: 'a@example.test',
        subject: 's',
        text: 't',
        html: 'h',
      });
      throw new Error('the change failed');
    })
    .catch(() => {});
  expect(await pending()).toBe(0);
});

test('SMTP server down: mail queues with the error and backs off; back up: every message arrives exactly once', async () => {
  await smtp.stop();
  await enqueue(5);
  const d = dispatcher({ backoffMs: 60_000, maxBackoffMs: 3_600_000 });
  const first = await d.tick();
  expect(first).toEqual({ sent: 0, retried: 5, failed: 0, logged: 0 });
  const rows = await handle.db
    .selectFrom('outbox')
    .select([
      'attempts',
      'last_error',
      'sent_at',
      sql<boolean>`next_attempt_at > now() + interval '30 seconds'`.as('later'),
    ])
    .execute();
  for (const r of rows) {
    expect(r.attempts).toBe(1);
    expect(r.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(r.sent_at).toBeNull();
    expect(r.later).toBe(true); // backed off: not retried at once
  }
  expect((await d.tick()).retried).toBe(0);
  // Exponential: the second failure waits twice as long as the first.
  await sql`update outbox set next_attempt_at = now()`.execute(handle.db);
  await d.tick();
  const backoff = await handle.db
    .selectFrom('outbox')
    .select(sql<number>`extract(epoch from next_attempt_at - now())`.as('s'))
    .execute();
  for (const r of backoff) expect(Number(r.s)).toBeGreaterThan(90);
  await sql`update outbox set next_attempt_at = now()`.execute(handle.db);

  await smtp.start();
  dispatcher({ backoffMs: 10 }).start();
  await until(async () => (await pending()) === 0, 'the queued mail to be sent');
  await expectEachDeliveredOnce();
  expect(smtp.received).toHaveLength(5);
  const attempts = await handle.db.selectFrom('outbox').select('attempts').execute();
  for (const r of attempts) expect(r.attempts).toBe(3);
});

test('an email that keeps failing is given up after the last attempt, and says why', async () => {
  await smtp.stop();
  try {
    await enqueue(1);
    const d = dispatcher({ maxAttempts: 2, backoffMs: 0, maxBackoffMs: 0 });
    expect((await d.tick()).retried).toBe(1);
    expect((await d.tick()).failed).toBe(1);
    const row = await handle.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row.failed_at).not.toBeNull();
    expect(row.last_error).toBeTruthy();
    expect((await d.tick()).failed).toBe(0);
  } finally {
    await smtp.start();
  }
});

test('a new dispatcher (a restart) sends what is pending once, and takes over a dead one’s claim only when its lease ends', async () => {
  await enqueue(6);
  const before = dispatcher({ batchSize: 2 });
  expect((await before.tick()).sent).toBe(2);
  await before.stop();
  // A dispatcher that died mid-send left two rows claimed: one lease still running, one run out.
  const [live, expired] = await handle.db
    .selectFrom('outbox')
    .select('id')
    .where('sent_at', 'is', null)
    .orderBy('id')
    .limit(2)
    .execute();
  await sql`update outbox set locked_until = now() + interval '1 hour', attempts = 1 where id = ${live.id}`.execute(
    handle.db,
  );
  await sql`update outbox set locked_until = now() - interval '1 second', attempts = 1 where id = ${expired.id}`.execute(
    handle.db,
  );

  const after = dispatcher();
  expect((await after.tick()).sent).toBe(3);
  expect(smtp.received.map((m) => m.outboxId)).not.toContain(live.id);
  expect(smtp.received.map((m) => m.outboxId)).toContain(expired.id);
  await sql`update outbox set locked_until = now() - interval '1 second' where id = ${live.id}`.execute(handle.db);
  expect((await after.tick()).sent).toBe(1);
  await expectEachDeliveredOnce();
});

describe(`two app instances on one ${backend === 'postgres' ? 'PostgreSQL database' : 'embedded database'}`, () => {
  test('every message is sent exactly once', async () => {
    // On PostgreSQL the second instance has its own connection pool, as a second process would.
    let second: DatabaseHandle | undefined;
    if (serverUrl) {
      const name = (await sql<{ name: string }>`select current_database() as name`.execute(handle.db)).rows[0].name;
      second = createPostgresDatabase(withDatabase(serverUrl, name));
    }
    try {
      await enqueue(60);
      const a = dispatcher({ batchSize: 4 });
      const b = dispatcher({ batchSize: 4, db: second?.db ?? handle.db });
      a.start();
      b.start();
      // More mail while both run.
      await enqueue(20, 'n');
      await until(async () => (await pending()) === 0, 'all mail to be sent');
      await Promise.all([a.stop(), b.stop()]);
      await expectEachDeliveredOnce();
      expect(smtp.received).toHaveLength(80);
      const byInstance = await handle.db.selectFrom('outbox').select('attempts').execute();
      expect(byInstance.every((r) => r.attempts === 1)).toBe(true);
    } finally {
      await second?.close();
    }
  });
});

test('without SMTP, mail stays in the outbox and is printed to the log once', async () => {
  await enqueue(2);
  const d = dispatcher({ transport: null });
  expect(await d.tick()).toEqual({ sent: 0, retried: 0, failed: 0, logged: 2 });
  expect(await d.tick()).toEqual({ sent: 0, retried: 0, failed: 0, logged: 0 });
  expect(await pending()).toBe(2);
  const printed = logLines.filter((l) => l.message.includes('no SMTP_URL'));
  expect(printed).toHaveLength(2);
  expect(printed[0].obj).toMatchObject({ to: 'person0@example.test', subject: '[Demo] Message m0' });
  expect(JSON.stringify(printed[0].obj)).toContain('http://localhost/x');
  expect(smtp.received).toHaveLength(0);
});
