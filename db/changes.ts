import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';

/** The channel of migration T1800's notifications (sessions ended, users, memberships and forums changed). */
export const CHANGES_CHANNEL = 'inspection_changes';

export interface ChangeSubscriber {
  /** A notification's payload, in commit order. */
  message: (payload: string) => void;
  /**
   * Whether notifications are arriving. False from the moment the listening connection fails: what was learnt from
   * notifications must then be forgotten, since some may be missed. True again once listening resumed.
   */
  live: (live: boolean) => void;
}

/**
 * The database's change notifications, for the in-memory caches of a server process (issue #8). A subscriber
 * hears every notification committed while it is live; the feed listens only while someone subscribes.
 */
export interface ChangeFeed {
  readonly live: boolean;
  subscribe(subscriber: ChangeSubscriber): () => void;
  close(): Promise<void>;
}

abstract class BaseFeed implements ChangeFeed {
  protected subscribers = new Set<ChangeSubscriber>();
  protected closed = false;
  live = false;

  subscribe(subscriber: ChangeSubscriber): () => void {
    this.subscribers.add(subscriber);
    if (this.live) subscriber.live(true);
    this.start();
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  protected setLive(live: boolean) {
    if (this.live === live) return;
    this.live = live;
    for (const s of this.subscribers) s.live(live);
  }

  protected deliver(payload: string) {
    if (!this.live) return;
    for (const s of this.subscribers) s.message(payload);
  }

  protected abstract start(): void;
  abstract close(): Promise<void>;
}

/**
 * LISTEN on a connection of its own. When it fails (server restart, terminated backend, network) the feed is not
 * live until a new connection listens again: retried with a backoff of up to 5 s.
 */
export class PostgresChangeFeed extends BaseFeed {
  private client: pg.Client | null = null;
  private starting = false;
  private retry: NodeJS.Timeout | null = null;
  private delay = 100;

  constructor(private readonly connectionString: string) {
    super();
  }

  protected start() {
    if (this.client || this.starting || this.retry || this.closed) return;
    this.starting = true;
    const client = new pg.Client({
      connectionString: this.connectionString,
      connectionTimeoutMillis: 2_000,
      keepAlive: true,
    });
    let failed = false;
    const fail = (err?: Error) => {
      if (failed) return;
      failed = true;
      if (err && !this.closed) console.warn(`[db] change notifications interrupted: ${err.message}`);
      this.setLive(false);
      if (this.client === client) this.client = null;
      client.end().catch(() => {});
      this.starting = false;
      if (!this.closed && this.subscribers.size > 0) {
        this.retry = setTimeout(() => {
          this.retry = null;
          this.start();
        }, this.delay);
        this.retry.unref();
        this.delay = Math.min(this.delay * 2, 5_000);
      }
    };
    client.on('error', fail);
    client.on('end', () => fail(new Error('connection ended')));
    client.on('notification', (n) => {
      if (n.channel === CHANGES_CHANNEL && n.payload !== undefined) this.deliver(n.payload);
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${CHANGES_CHANNEL}`))
      .then(() => {
        this.starting = false;
        if (failed) return;
        if (this.closed) {
          client.end().catch(() => {});
          return;
        }
        this.client = client;
        this.delay = 100;
        this.setLive(true);
      })
      .catch((err: Error) => fail(err));
  }

  /** The listening connection's server process id, or null (for tests of the failure path). */
  async backendPid(): Promise<number | null> {
    if (!this.client) return null;
    return (await this.client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid ?? null;
  }

  async close() {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.setLive(false);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
  }
}

/** PGlite runs in this process: its notifications cannot be lost, the feed is live once it listens. */
export class PgliteChangeFeed extends BaseFeed {
  private unlisten: Promise<() => Promise<void>> | null = null;

  constructor(private readonly pglite: PGlite) {
    super();
  }

  protected start() {
    if (this.unlisten || this.closed) return;
    this.unlisten = this.pglite.listen(CHANGES_CHANNEL, (payload) => this.deliver(payload));
    this.unlisten.then(
      () => {
        if (!this.closed) this.setLive(true);
      },
      (err: Error) => {
        console.warn(`[db] change notifications unavailable: ${err.message}`);
        this.unlisten = null;
      },
    );
  }

  async close() {
    this.closed = true;
    this.setLive(false);
    const unlisten = await this.unlisten?.catch(() => null);
    if (unlisten && !this.pglite.closed) await unlisten().catch(() => {});
  }
}
