import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/database';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DatabaseHandle } from '../../db/client';
import type { ChangeFeed, ChangeSubscriber, PostgresChangeFeed } from '../../db/changes';
import { setDatabase } from '../../app/utils/db.server';
import { REQUEST_ID_HEADER } from '../../app/utils/http.server';
import { getSessionUser, hashToken, readSessionToken } from '../../app/modules/auth/session.server';
import { endOtherSessions } from '../../app/modules/auth/account.server';
import { existingSessionCache } from '../../app/modules/auth/session-cache.server';
import { runUserAction } from '../../app/modules/admin/users.server';
import { backend, openFreshDatabase } from '../setup/test-db';
import { createForum, addMember } from '../factories';
import { createOwnersWorld, signedInCookie, type OwnersWorld } from './owners-world';

// The in-memory session cache (app/modules/auth/session-cache.server.ts) against real commits and the database's
// real notifications (migration T1800), and with notifications held back, to show what does not depend on them.
let handle: DatabaseHandle;
let w: OwnersWorld;

beforeAll(async () => {
  handle = await openFreshDatabase();
  w = await createOwnersWorld(handle.db);
});
afterAll(async () => {
  setDatabase(undefined);
  await handle.close();
});

let requests = 0;
const request = (cookie: string, method = 'GET') =>
  new Request('http://localhost/', {
    method,
    headers: { Cookie: cookie, [REQUEST_ID_HEADER]: `test-${++requests}` },
  });
const read = (cookie: string, method = 'GET') => getSessionUser(handle.db, request(cookie, method));
const tokenHash = async (cookie: string) => hashToken((await readSessionToken(request(cookie)))!);

/** Runs a write the triggers do not see (no version bump, no notification): only a database read would notice it. */
const behindTheCache = (run: (trx: Transaction<Database>) => Promise<unknown>) =>
  handle.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await run(trx);
  });

/** The database's notifications, delivered only when the test says. */
class HeldFeed implements ChangeFeed {
  live = true;
  held: string[] = [];
  private subscriber: ChangeSubscriber | null = null;
  constructor(real: ChangeFeed) {
    real.subscribe({ message: (p) => this.held.push(p), live: () => {} });
  }
  subscribe(subscriber: ChangeSubscriber) {
    this.subscriber = subscriber;
    subscriber.live(this.live);
    return () => {};
  }
  setLive(live: boolean) {
    this.live = live;
    this.subscriber?.live(live);
  }
  release() {
    for (const p of this.held.splice(0)) this.subscriber?.message(p);
  }
  async close() {}
}

describe('with the database’s notifications', () => {
  beforeAll(() => setDatabase(handle));

  test('a session is read once, then served from memory; ending it anywhere ends it here', async () => {
    const cookie = w.users.leader.cookie;
    await read(cookie);
    await expect.poll(() => handle.changes!.live).toBe(true); // listening: from now on sessions are kept
    expect((await read(cookie))?.id).toBe(w.users.leader.id);
    // Renamed behind the cache: the cached session still answers, so it was not read again.
    await behindTheCache((trx) =>
      trx.updateTable('users').set({ name: 'Renamed quietly' }).where('id', '=', w.users.leader.id).execute(),
    );
    expect((await read(cookie))?.name).not.toBe('Renamed quietly');
    // Ended by "sign out other sessions" (from another session of the same user): at once in this process.
    await endOtherSessions(handle.db, {
      userId: w.users.leader.id,
      keep: 'none',
    });
    expect(await read(cookie)).toBeNull();
  });

  test('a deletion committed elsewhere ends the cached session when its notification arrives', async () => {
    const cookie = w.users.observer.cookie;
    expect(await read(cookie)).not.toBeNull();
    await sql`delete from sessions where id_hash = ${await tokenHash(cookie)}`.execute(handle.db);
    await expect.poll(async () => read(cookie), { timeout: 5_000, interval: 20 }).toBeNull();
  });

  test('memberships, names and forum settings changed elsewhere reach cached sessions', async () => {
    const cookie = w.users.owner.cookie;
    const before = await read(cookie);
    expect(before?.forums.map((f) => f.slug)).toContain(w.forum.slug);
    const extra = await createForum(handle.db, { name: 'Zeta review' });
    await addMember(handle.db, {
      forumId: extra.id,
      userId: w.users.owner.id,
      role: 'leader',
    });
    await expect
      .poll(async () => (await read(cookie))?.forums.map((f) => f.slug), {
        timeout: 5_000,
        interval: 20,
      })
      .toContain(extra.slug);
    await handle.db
      .updateTable('memberships')
      .set({ role: 'observer' })
      .where('forum_id', '=', extra.id)
      .where('user_id', '=', w.users.owner.id)
      .execute();
    await expect
      .poll(async () => (await read(cookie))?.forums.find((f) => f.id === extra.id)?.role, {
        timeout: 5_000,
        interval: 20,
      })
      .toBe('observer');
    await handle.db.updateTable('forums').set({ name: 'Zeta weekly review' }).where('id', '=', extra.id).execute();
    await expect
      .poll(async () => (await read(cookie))?.forums.find((f) => f.id === extra.id)?.name, {
        timeout: 5_000,
        interval: 20,
      })
      .toBe('Zeta weekly review');
    await handle.db.updateTable('users').set({ name: 'Owner, renamed' }).where('id', '=', w.users.owner.id).execute();
    await expect
      .poll(async () => (await read(cookie))?.name, {
        timeout: 5_000,
        interval: 20,
      })
      .toBe('Owner, renamed');
    const version = (
      await handle.db.selectFrom('forums').select('data_version').where('id', '=', w.forum.id).executeTakeFirstOrThrow()
    ).data_version;
    await expect
      .poll(async () => (await read(cookie))?.forums.find((f) => f.id === w.forum.id)?.dataVersion, {
        timeout: 5_000,
        interval: 20,
      })
      .toBe(version);
  });

  test('a user deactivated elsewhere (the sessions left behind) is signed out when the notification arrives', async () => {
    const cookie = w.users.otherOwner.cookie;
    expect(await read(cookie)).not.toBeNull();
    expect(await read(cookie)).not.toBeNull(); // cached
    // Only the flag, as another process's transaction might leave it: the users trigger tells this process.
    await handle.db
      .updateTable('users')
      .set({ deactivated_at: new Date() })
      .where('id', '=', w.users.otherOwner.id)
      .execute();
    await expect.poll(async () => read(cookie), { timeout: 5_000, interval: 20 }).toBeNull();
    await handle.db
      .updateTable('users')
      .set({ deactivated_at: null })
      .where('id', '=', w.users.otherOwner.id)
      .execute();
    await expect.poll(async () => read(cookie), { timeout: 5_000, interval: 20 }).not.toBeNull();
  });

  // Each backend's own failure story: PostgreSQL's listening connection can drop; PGlite runs in this process.
  const onPostgres = backend === 'postgres';
  if (onPostgres)
    test('when the listening connection drops, sessions are read from the database until it listens again', async () => {
      const feed = handle.changes as PostgresChangeFeed;
      const cookie = w.users.chair.cookie;
      await read(cookie);
      await expect.poll(() => feed.live).toBe(true);
      const pid = await feed.backendPid();
      await sql`select pg_terminate_backend(${pid})`.execute(handle.db);
      // While it is down (or once it is back, with everything learnt before forgotten) a change made behind the
      // cache is seen: the session is read again.
      await behindTheCache((trx) =>
        trx
          .updateTable('users')
          .set({ name: 'Chair, renamed while deaf' })
          .where('id', '=', w.users.chair.id)
          .execute(),
      );
      await expect
        .poll(async () => (await read(cookie))?.name, {
          timeout: 5_000,
          interval: 20,
        })
        .toBe('Chair, renamed while deaf');
      await expect.poll(() => feed.live, { timeout: 10_000, interval: 50 }).toBe(true);
      expect(await feed.backendPid()).not.toBe(pid);
    });
  else
    test('the embedded database’s notifications come from this process: its feed is live once listening', async () => {
      await read(w.users.chair.cookie);
      expect(handle.changes!.live).toBe(true);
    });
});

describe('with notifications held back', () => {
  let held: HeldFeed;
  beforeAll(() => {
    setDatabase(undefined);
    held = new HeldFeed(handle.changes!);
    setDatabase({
      db: handle.db,
      kind: handle.kind,
      close: async () => {},
      changes: held,
    }); // a cache of its own
  });
  afterAll(() => setDatabase(handle));

  test('a user sees their own write on their next page, before any notification', async () => {
    const cookie = w.users.owner.cookie;
    const versionOf = async () => (await read(cookie))?.forums.find((f) => f.id === w.forum.id)?.dataVersion;
    const before = await versionOf();
    expect(await versionOf()).toBe(before); // cached
    // Someone else's change: seen only when its notification arrives.
    await handle.db
      .updateTable('projects')
      .set({ description: 'changed by someone else' })
      .where('id', '=', w.project.id)
      .execute();
    expect(await versionOf()).toBe(before);
    // The user's own write request: their next page reads the database.
    const post = request(cookie, 'POST');
    expect(await getSessionUser(handle.db, post)).not.toBeNull();
    await handle.db
      .updateTable('projects')
      .set({ description: 'changed by the owner' })
      .where('id', '=', w.project.id)
      .execute();
    existingSessionCache()!.finishWrite(post.headers.get(REQUEST_ID_HEADER)!);
    const fresh = (
      await handle.db.selectFrom('forums').select('data_version').where('id', '=', w.forum.id).executeTakeFirstOrThrow()
    ).data_version;
    expect(fresh).toBeGreaterThanOrEqual(before! + 2);
    expect(await versionOf()).toBe(fresh);
    held.release();
    expect(await versionOf()).toBe(fresh);
  });

  test('deactivating a user ends their cached session at once, before any notification', async () => {
    const cookie = await signedInCookie(handle.db, w.users.leader.id);
    expect((await read(cookie))?.id).toBe(w.users.leader.id);
    expect((await read(cookie))?.id).toBe(w.users.leader.id); // now served from memory
    const result = await runUserAction(handle.db, {
      actorId: w.users.chair.id,
      action: { intent: 'deactivate', userId: w.users.leader.id },
    });
    expect(result.ok).toBe(true);
    expect(await read(cookie)).toBeNull();
    held.release();
    expect(await read(cookie)).toBeNull();
    await runUserAction(handle.db, {
      actorId: w.users.chair.id,
      action: { intent: 'reactivate', userId: w.users.leader.id },
    });
    expect(await read(cookie)).toBeNull(); // reactivation does not bring sessions back
  });

  test('without notifications nothing is cached', async () => {
    const cookie = w.users.otherOwner.cookie;
    held.setLive(false);
    try {
      expect((await read(cookie))?.id).toBe(w.users.otherOwner.id);
      const hash = await tokenHash(cookie);
      await behindTheCache((trx) => trx.deleteFrom('sessions').where('id_hash', '=', hash).execute());
      expect(await read(cookie)).toBeNull();
    } finally {
      held.setLive(true);
    }
  });
});
