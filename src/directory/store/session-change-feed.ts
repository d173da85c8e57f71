/**
 * Session changes as a stream any part of the directory can follow (a presence WebSocket, a cache),
 * whichever process made the write. In one process the store wrapper below announces each write.
 * On PostgreSQL a process first says which sessions it follows (`watch`, which marks their rows);
 * a write of a marked session carries a `pg_notify` in its own statement, and each process
 * `LISTEN`s on one dedicated connection, so a subscriber in one worker sees the writes of every
 * worker. Writes nobody follows (nearly every join) do not notify: PostgreSQL commits notifying
 * transactions one at a time, each holding a cluster-wide lock until its commit is flushed.
 */
import pg from 'pg';
import type { Pool } from 'pg';
import { andThen, type Awaitable } from '../awaitable';
import type { SessionRecord } from '../session-record';
import type { HandleQuery, HandleRecord, Mutation, SessionStore } from '../session-store';
import { handleChangeChannel, sessionChangeChannel } from './postgres-session-store';

/** One committed change of a session: stored (created or updated) or deleted. */
export interface SessionChange {
  /** The store key (`sessionKey(ref)`): lower-case `scid~template~name`. */
  readonly key: string;
  readonly kind: 'stored' | 'deleted';
}

/** Follows committed session writes. Delivery is at most once, after the write committed. */
export interface SessionChangeFeed {
  /**
   * Calls `listener` for every change of a session this process watches from now on (the local
   * feed: of every session); returns the unsubscribe function.
   */
  subscribe(listener: (change: SessionChange) => void): () => void;
  /**
   * Follows one session (a store key): once it resolves, every write of that session that commits
   * afterwards, from any process, reaches the listeners, until the function it resolves to is
   * called. A subscriber watches before it reads the session's state, so no write falls between.
   */
  watch(key: string): Promise<() => void>;
  close(): Promise<void>;
}

/** Listeners and delivery, shared by both feeds; a throwing listener never stops the others. */
class Listeners {
  readonly #listeners = new Set<(change: SessionChange) => void>();

  add(listener: (change: SessionChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(change: SessionChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        process.stderr.write(`directory: a session change listener threw: ${String(error)}\n`);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}

/**
 * The feed of one process's own store: wraps the store so each write that stored or deleted a
 * session is announced once `update` finished. Answers stay synchronous for a synchronous store.
 */
export class LocalSessionChangeFeed implements SessionChangeFeed {
  readonly #listeners = new Listeners();

  /** `store` with every session write announced on this feed. */
  wrap(store: SessionStore): SessionStore {
    const emit = (change: SessionChange) => this.#listeners.emit(change);
    return {
      update<T>(
        key: string,
        mutate: (current: SessionRecord | undefined) => Mutation<T>,
      ): Awaitable<T> {
        let action: Mutation<T>['action'] = 'keep';
        const result = store.update(key, (current) => {
          const mutation = mutate(current);
          action = mutation.action;
          return mutation;
        });
        return andThen(result, (value) => {
          if (action !== 'keep') emit({ key, kind: action === 'store' ? 'stored' : 'deleted' });
          return value;
        });
      },
      getHandle: (id: string) => store.getHandle(id),
      putHandle: (handle: HandleRecord) => store.putHandle(handle),
      deleteHandle: (id: string) => store.deleteHandle(id),
      deleteHandlesOf: (owner: string, type: HandleRecord['type'], scid: string) =>
        store.deleteHandlesOf(owner, type, scid),
      queryHandles: (query: HandleQuery, limit: number) => store.queryHandles(query, limit),
      deleteExpiredHandles: (now: number) => store.deleteExpiredHandles(now),
      listSessionKeys: () => store.listSessionKeys(),
      ...(store.dueSessionKeys && {
        dueSessionKeys: (now: number) => store.dueSessionKeys?.(now) ?? [],
      }),
      ...(store.existingSessionKeys && {
        existingSessionKeys: (keys: readonly string[]) => store.existingSessionKeys?.(keys) ?? [],
      }),
    };
  }

  subscribe(listener: (change: SessionChange) => void): () => void {
    return this.#listeners.add(listener);
  }

  /** Every write of this process is announced anyway: nothing to mark. */
  async watch(): Promise<() => void> {
    return () => undefined;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}

/** What the PostgreSQL feed marks watched sessions with, and for how long. */
export interface SessionWatchOptions {
  /** The store's pool: marking a row waits for a write in flight on it (see `watch`). */
  readonly pool: Pick<Pool, 'query'>;
  /** How long a mark lasts unless renewed (default 120 s); renewed at half that while watched. */
  readonly leaseSeconds?: number;
}

/**
 * `LISTEN directory_session_changes` on a connection of its own, reconnecting after a lost
 * connection. Changes committed while it was away are not replayed, so a subscriber that must not
 * miss one re-reads the sessions it follows now and then.
 */
export class PostgresSessionChangeFeed implements SessionChangeFeed {
  readonly #url: string;
  readonly #listeners = new Listeners();
  readonly #log: (line: string) => void;
  readonly #handleGone: (id?: string) => void;
  readonly #watches: SessionWatchOptions;
  /** Watchers in this process by session key; their rows' marks are renewed while here. */
  readonly #watched = new Map<string, number>();
  #renewal: NodeJS.Timeout | undefined;
  #client: pg.Client | undefined;
  #closed = false;
  #everConnected = false;
  #retry: NodeJS.Timeout | undefined;

  private constructor(
    url: string,
    log: (line: string) => void,
    handleGone: (id?: string) => void,
    watches: SessionWatchOptions,
  ) {
    this.#url = url;
    this.#log = log;
    this.#handleGone = handleGone;
    this.#watches = watches;
  }

  /**
   * Connects and starts listening; resolves once `LISTEN` is in place. `handleGone` hears each
   * handle ID another process deleted, and `undefined` after a reconnection (some may have been
   * missed): the store's handle cache follows it. `watches` marks the sessions this process
   * follows.
   */
  static async open(
    url: string,
    log: (line: string) => void,
    handleGone: (id?: string) => void,
    watches: SessionWatchOptions,
  ): Promise<PostgresSessionChangeFeed> {
    const feed = new PostgresSessionChangeFeed(url, log, handleGone, watches);
    await feed.#connect();
    return feed;
  }

  /**
   * Marks the session's row as followed until the lease ends (renewed while any watcher of this
   * process remains). The mark is an `UPDATE` of the row, so it waits for a write in flight on
   * the row to commit: that write may have decided not to notify, but it is committed before the
   * watcher goes on to read the session. Every write that takes the row lock after the mark sees
   * it, and notifies. A row that does not exist yet is not marked (nobody can follow it).
   */
  async watch(key: string): Promise<() => void> {
    this.#watched.set(key, (this.#watched.get(key) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.#watched.get(key) ?? 1) - 1;
      if (left > 0) this.#watched.set(key, left);
      else this.#watched.delete(key);
      // The mark itself stays until its lease ends: another process may follow the session too.
    };
    try {
      await this.#mark([key]);
    } catch (error) {
      release();
      throw error;
    }
    this.#renewSoon();
    return release;
  }

  get #leaseSeconds(): number {
    return this.#watches.leaseSeconds ?? 120;
  }

  async #mark(keys: readonly string[]): Promise<void> {
    await this.#watches.pool.query({
      name: 'directory-session-watch',
      text: `UPDATE directory_sessions SET watched_until = now() + $2 * interval '1 second'
             WHERE session_key = ANY($1::text[])`,
      values: [keys, this.#leaseSeconds],
    });
  }

  /** Renews the marks of every watched session at half the lease, while there are any. */
  #renewSoon(): void {
    if (this.#renewal || this.#closed) return;
    this.#renewal = setInterval(
      () => {
        if (this.#watched.size === 0) {
          clearInterval(this.#renewal);
          this.#renewal = undefined;
          return;
        }
        this.#mark([...this.#watched.keys()]).catch((error: unknown) => {
          this.#log(
            `session change feed: renewing ${this.#watched.size} watches failed (${String(error)})`,
          );
        });
      },
      (this.#leaseSeconds * 1000) / 2,
    );
    this.#renewal.unref();
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url });
    client.on('notification', (message) => {
      if (message.payload === undefined) return;
      if (message.channel === handleChangeChannel) return this.#handleGone(message.payload);
      if (message.channel !== sessionChangeChannel) return;
      const space = message.payload.lastIndexOf(' ');
      const kind = message.payload.slice(space + 1);
      if (space <= 0 || (kind !== 'stored' && kind !== 'deleted')) return;
      this.#listeners.emit({ key: message.payload.slice(0, space), kind });
    });
    client.on('error', (error) => {
      this.#log(`session change feed: connection lost (${error.message}); reconnecting`);
      this.#reconnectSoon(client);
    });
    client.on('end', () => this.#reconnectSoon(client));
    await client.connect();
    await client.query(`LISTEN ${sessionChangeChannel}; LISTEN ${handleChangeChannel}`);
    // Deletions announced while no connection listened are unknown: forget every cached handle.
    if (this.#client === undefined && this.#everConnected) this.#handleGone(undefined);
    this.#everConnected = true;
    this.#client = client;
  }

  #reconnectSoon(client: pg.Client): void {
    if (this.#closed || this.#client !== client || this.#retry) return;
    this.#client = undefined;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (this.#closed) return;
      this.#connect().catch((error: unknown) => {
        this.#log(`session change feed: reconnect failed (${String(error)})`);
        this.#client = client;
        this.#reconnectSoon(client);
      });
    }, 500);
    this.#retry.unref();
  }

  subscribe(listener: (change: SessionChange) => void): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#renewal) clearInterval(this.#renewal);
    this.#watched.clear();
    this.#listeners.clear();
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}
