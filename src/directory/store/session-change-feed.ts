/**
 * Session changes as a stream any part of the directory can follow (a presence WebSocket, a cache),
 * whichever process made the write. In one process the store wrapper below announces each write;
 * on PostgreSQL every write carries a `pg_notify` in its own statement and each process `LISTEN`s
 * on one dedicated connection, so a subscriber in one worker sees the writes of every worker.
 */
import pg from 'pg';
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
  /** Calls `listener` for every change from now on; returns the unsubscribe function. */
  subscribe(listener: (change: SessionChange) => void): () => void;
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

  async close(): Promise<void> {
    this.#listeners.clear();
  }
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
  #client: pg.Client | undefined;
  #closed = false;
  #everConnected = false;
  #retry: NodeJS.Timeout | undefined;

  private constructor(url: string, log: (line: string) => void, handleGone: (id?: string) => void) {
    this.#url = url;
    this.#log = log;
    this.#handleGone = handleGone;
  }

  /**
   * Connects and starts listening; resolves once `LISTEN` is in place. `handleGone` hears each
   * handle ID another process deleted, and `undefined` after a reconnection (some may have been
   * missed): the store's handle cache follows it.
   */
  static async open(
    url: string,
    log: (line: string) => void,
    handleGone: (id?: string) => void = () => undefined,
  ): Promise<PostgresSessionChangeFeed> {
    const feed = new PostgresSessionChangeFeed(url, log, handleGone);
    await feed.#connect();
    return feed;
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
    this.#listeners.clear();
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}
