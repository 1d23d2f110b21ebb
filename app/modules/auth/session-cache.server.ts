import type { Executor } from '~/utils/db.server';
import { currentDatabase, databaseStore } from '~/utils/db.server';
import type { MyForum, SessionUser } from './session-user';
import { layerOff } from '~/utils/cache-stats.server';

/** What a session read brings: the user, their forums and the session's times. */
export interface SessionRecord {
  user: { id: number; email: string; name: string; isAdmin: boolean };
  forums: MyForum[];
  expiresAt: number;
  lastSeenAt: number;
}

export interface SessionTimes {
  /** A session's last-seen time is written at most this often; a cached session is served only within it. */
  touchEveryMs: number;
}

interface Entry {
  user: SessionRecord['user'];
  forums: Omit<MyForum, 'dataVersion'>[];
  expiresAt: number;
  lastSeenAt: number;
  /** The user wrote since this was read: their next page reads the session (and forum versions) again. */
  dirty: boolean;
}

/** A snapshot taken before a session read: what the read returns is kept only if nothing changed meanwhile. */
export interface ReadTicket {
  generation: number;
  writes: number;
}

const MAX_ENTRIES = 10_000;
const SESSION_OFF = layerOff('session');

/**
 * Signed-in sessions and forum data versions, kept in memory (issue #8): a page view then costs no query at all
 * when its forum has not changed. Correct because it is told of every change, by the database (migration T1800's
 * notifications, on commit) — a session ended, a user's name or memberships changed, a forum's version moved:
 *  - it serves only while the notifications flow ("live"); when the listening connection fails everything is
 *    forgotten and sessions are read from the database until it listens again;
 *  - a read that overlapped a change is not kept (the generation moved);
 *  - a user's own writes are visible on their next page without waiting for the notification: a write request
 *    (any method but GET and HEAD) marks the session, and the next page after it reads the database again;
 *  - an entry is served for at most a minute after the session's last-seen time, when the read that records
 *    activity is due anyway; expiry is checked on every use.
 */
export class SessionCache {
  private entries = new Map<string, Entry>();
  private versions = new Map<number, number>();
  private pending = new Map<string, number>();
  private writers = new Map<string, string>();
  private generation = 0;
  private writes = 0;
  private live = false;

  constructor(private readonly times: SessionTimes) {}

  // ---- notifications ----

  setLive(live: boolean) {
    this.live = live;
    this.forgetAll();
  }

  message(payload: string) {
    const [kind, id, version, detail] = payload.split(':');
    if (kind === 's') {
      this.forget(id);
    } else if (kind === 'u') {
      const userId = Number(id);
      for (const [hash, e] of this.entries) if (e.user.id === userId) this.entries.delete(hash);
      this.generation += 1;
    } else if (kind === 'f') {
      const forumId = Number(id);
      const v = Number(version);
      if (v < 0) this.versions.delete(forumId);
      else this.versions.set(forumId, Math.max(v, this.versions.get(forumId) ?? -1));
      if (detail === '1') {
        this.entries.clear(); // a forum's name, slug, time zone or cadence: sessions list their forums with these
        this.generation += 1;
      }
    }
  }

  private forgetAll() {
    this.entries.clear();
    this.versions.clear();
    this.generation += 1;
  }

  /** A session ended (here, or on another server process's notification). */
  forget(idHash: string) {
    this.entries.delete(idHash);
    this.generation += 1;
  }

  // ---- reads ----

  get(idHash: string, now: number, write: boolean): SessionUser | null {
    if (!this.live) return null;
    const e = this.entries.get(idHash);
    if (!e) return null;
    if (e.expiresAt <= now || now - e.lastSeenAt >= this.times.touchEveryMs) return null;
    // A page (not a write) after the user's own write reads the database: it must show what they wrote.
    if (!write && (e.dirty || this.pending.has(idHash))) return null;
    const forums: MyForum[] = [];
    for (const f of e.forums) {
      const dataVersion = this.versions.get(f.id);
      if (dataVersion === undefined) return null;
      forums.push({ ...f, dataVersion });
    }
    return { ...e.user, sessionHash: idHash, forums };
  }

  ticket(): ReadTicket {
    return { generation: this.generation, writes: this.writes };
  }

  /** A session read from the database. Its forum versions are the newest known (they only grow). */
  store(idHash: string, record: SessionRecord, ticket: ReadTicket): MyForum[] {
    const forums = record.forums.map((f) => {
      const known = this.versions.get(f.id);
      if (!this.live) return f;
      if (known === undefined || known < f.dataVersion) {
        this.versions.set(f.id, f.dataVersion);
        return f;
      }
      return { ...f, dataVersion: known };
    });
    if (this.live && ticket.generation === this.generation) {
      this.entries.delete(idHash);
      this.entries.set(idHash, {
        user: record.user,
        forums: record.forums.map(({ dataVersion: _, ...f }) => f),
        expiresAt: record.expiresAt,
        lastSeenAt: record.lastSeenAt,
        dirty: this.pending.has(idHash) || ticket.writes !== this.writes,
      });
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    }
    return forums;
  }

  // ---- a user's writes ----

  /** A write request of this session started (once per request id). */
  beginWrite(idHash: string, requestId: string) {
    if (this.writers.has(requestId)) return;
    this.writers.set(requestId, idHash);
    this.pending.set(idHash, (this.pending.get(idHash) ?? 0) + 1);
  }

  /** The write request answered: whatever it committed is in the database. */
  finishWrite(requestId: string) {
    const idHash = this.writers.get(requestId);
    if (idHash === undefined) return;
    this.writers.delete(requestId);
    const n = (this.pending.get(idHash) ?? 1) - 1;
    if (n > 0) this.pending.set(idHash, n);
    else this.pending.delete(idHash);
    this.writes += 1;
    const e = this.entries.get(idHash);
    if (e) e.dirty = true;
  }
}

/**
 * The session cache of the open database. Null when the database cannot notify, or when `db` is not the database
 * itself (a test's transaction, whose writes notify only if they commit).
 */
export function sessionCacheFor(db: Executor | null, times: SessionTimes): SessionCache | null {
  const handle = currentDatabase();
  const changes = handle?.changes;
  if (!handle || !changes || (db !== null && db !== handle.db) || SESSION_OFF) return null;
  return databaseStore('sessions', () => {
    const created = new SessionCache(times);
    changes.subscribe({ message: (p) => created.message(p), live: (live) => created.setLive(live) });
    return created;
  });
}

/** The session cache if one exists (for the server's end-of-request hook). */
export const existingSessionCache = () => databaseStore<SessionCache>('sessions');
