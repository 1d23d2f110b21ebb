import { expect } from 'vitest';
import { sql } from 'kysely';
import { backend, dbTest as test, expectDbError } from '../setup/test-db';
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
