import pg from 'pg';
import { expect, test as serverTest } from 'vitest';
import { createPostgresDatabase } from '../../db/client';
import { sql } from 'kysely';
import { backend, dbTest as test, expectDbError, serverUrl } from '../setup/test-db';
import { createForum, createProject, createUser } from '../factories';

test(`64-bit integers, numerics, dates and timestamps come back the same on ${backend}`, async ({ db }) => {
  const { rows } = await sql<{ big: number; num: number; day: string; at: Date; n: number; ident: number }>`
    select 9007199254740991::int8 as big, 1234.5678::numeric as num, '2026-03-29'::date as day,
           '2026-03-29T01:30:00Z'::timestamptz as at, count(*) as n, 42::int8 as ident`.execute(db);
  expect(rows[0]).toEqual({
    big: 9007199254740991,
    num: 1234.5678,
    day: '2026-03-29',
    at: new Date('2026-03-29T01:30:00Z'),
    n: 1,
    ident: 42,
  });
  expect(typeof rows[0].big).toBe('number');
});

test('a 64-bit integer outside the safe range is refused rather than rounded', async ({ db }) => {
  await expectDbError(db, () => sql`select 9007199254740993::int8 as big`.execute(db), /safe range/);
});

test('ids are numbers and timestamps are Dates through Kysely', async ({ db }) => {
  const user = await createUser(db, { passwordHash: 'x' });
  const row = await db
    .selectFrom('users')
    .select(['id', 'created_at'])
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow();
  expect(typeof row.id).toBe('number');
  expect(row.created_at).toBeInstanceOf(Date);
});

test('emails are unique case-insensitively', async ({ db }) => {
  await createUser(db, { email: 'Case@Example.test', passwordHash: 'x' });
  await expectDbError(db, () => createUser(db, { email: 'case@example.TEST', passwordHash: 'x' }), /unique|duplicate/i);
});

test('CHECK constraints refuse values outside every enum', async ({ db }) => {
  const forum = await createForum(db);
  const owner = await createUser(db, { passwordHash: 'x' });
  await expectDbError(
    db,
    () =>
      db
        .insertInto('memberships')
        .values({ forum_id: forum.id, user_id: owner.id, role: 'admin' as never })
        .execute(),
    /check/i,
  );
  await expectDbError(
    db,
    () => createProject(db, { forumId: forum.id, ownerId: owner.id, level: 'lax' as never }),
    /check/i,
  );
  await expectDbError(
    db,
    () => db.insertInto('forums').values({ slug: 'Bad Slug!', name: 'x', policy: '{}' }).execute(),
    /check/i,
  );
});

test('foreign keys hold: a project needs a real owner', async ({ db }) => {
  const forum = await createForum(db);
  await expectDbError(db, () => createProject(db, { forumId: forum.id, ownerId: 999_999 }), /foreign key/i);
});

// The PostgreSQL server's connections (the CI's second run): kept while idle, since a page on new connections costs
// several times one on kept ones (decision 029), and replaced when the server ends one.
if (serverUrl)
  serverTest(
    'idle connections are kept; one the server ends is dropped and the next query gets a new one',
    async () => {
      const handle = createPostgresDatabase(serverUrl!, { max: 1 });
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      try {
        const backendPid = async () =>
          (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db)).rows[0].pid;
        const first = await backendPid();
        // No idle timeout closes it between one page and the next, minutes later.
        expect((handle.pool as unknown as { options: { idleTimeoutMillis?: number } }).options.idleTimeoutMillis).toBe(
          0,
        );
        expect(handle.pool!.idleCount).toBe(1);
        expect(await backendPid()).toBe(first);
        // The server ends it (a restart, an administrator, an idle limit of its own): the pool drops it at once...
        await admin.query('select pg_terminate_backend($1)', [first]);
        await expect.poll(() => handle.pool!.totalCount, { timeout: 5_000, interval: 20 }).toBe(0);
        // ...and the next query runs on a new connection, without an error.
        const second = await backendPid();
        expect(second).not.toBe(first);
      } finally {
        await admin.end();
        await handle.close();
      }
    },
  );
