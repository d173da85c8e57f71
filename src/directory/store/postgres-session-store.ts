/**
 * The directory's sessions and handles in PostgreSQL, so any number of directory processes on any
 * number of machines serve one consistent set of sessions and a process can die without losing any.
 *
 * Each process queues the writes of one session and writes the queue as one batch. A write is
 * optimistic: run the mutator on the row as this process last read or wrote it, and write only if
 * the row still has that revision (`UPDATE … WHERE revision = $seen`), one statement and no lock
 * held between statements. A write that finds another revision gets the current row back from the
 * same statement and runs again on it, with the writes queued meanwhile taken in; after three lost
 * races it waits for the row lock (`SELECT … FOR UPDATE` in a transaction, sent with its `BEGIN`;
 * the write sent with its `COMMIT`), so a session written from many processes at once still makes
 * progress. A mutator that only reads (`keep`) answers from a row read by that request's batch,
 * never from the remembered one: that row was the session's committed state at that moment, which
 * is where such a request takes effect.
 */
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { SessionRecord } from '../session-record';
import { jsonText, parseExactJson } from '../json-numbers';
import type { HandleQuery, HandleRecord, Mutation, SessionStore } from '../session-store';
import { nextTimer } from '../session-timers';

/** The NOTIFY channel session writes are announced on (see `session-change-feed.ts`). */
export const sessionChangeChannel = 'directory_session_changes';

/** The NOTIFY channel deleted handle IDs are announced on, so other processes drop their copies. */
export const handleChangeChannel = 'directory_handle_changes';

/** How long a cached handle is trusted without a notification (a net under a lost one). */
const handleCacheMs = 5_000;
/** Cached handles at most; the cache starts over past this. */
const handleCacheSize = 100_000;

/** Per-store counters, for tests, the bench and sizing. */
export interface StoreCounters {
  /** Waits for the database the session writes made (statements sent together count once). */
  roundTrips: number;
  /** Statements the session writes sent, and the transactions they made (a locked write is one). */
  statements: number;
  transactions: number;
  /** Writes whose first attempt ran on the row this process remembered, not on a read. */
  rowCacheHits: number;
  /** Attempts run again because the remembered row was stale or the batch only read. */
  staleRows: number;
  optimisticWrites: number;
  conflicts: number;
  lockedWrites: number;
  /** Batches written, and the mutators they carried (`batchedUpdates / batches` per write). */
  batches: number;
  batchedUpdates: number;
  /** Mutators taken into a batch's retry after a lost race, rather than into a batch of their own. */
  folded: number;
  /** Handle reads answered from this process's cache, and those that went to the database. */
  handleCacheHits: number;
  handleReads: number;
}

const ownerKey = (ownerXuid: string, type: HandleRecord['type'], scid: string) =>
  `${type}|${ownerXuid}|${scid.toLowerCase()}`;

/** Whom a handle is for, as `POST /handles/query` asks: an activity's owner, an invite's invitee. */
const partyKey = (type: 'activity' | 'invite', xuid: string) => `${type}|${xuid}`;

function partyOf(handle: HandleRecord): string | null {
  if (handle.type === 'activity' && handle.ownerXuid !== undefined)
    return partyKey('activity', handle.ownerXuid);
  if (handle.type === 'invite' && handle.invitedXuid !== undefined)
    return partyKey('invite', handle.invitedXuid);
  return null;
}

interface SessionRow {
  readonly revision: string;
  readonly record: string;
  /** When the session's next timer fires (`nextTimer`), epoch ms as text; null for none. */
  readonly due_at: string | null;
}

/** The `due_at` a record is stored with: its next timer, or null when it has none. */
const dueOf = (record: SessionRecord): number | null => nextTimer(record) ?? null;

/** What one queued mutator came to: its result, or what it threw. */
type Outcome =
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: unknown };

/** A mutator waiting for its session's batch. */
interface Waiting {
  readonly mutate: (current: SessionRecord | undefined) => Mutation<unknown>;
  settle(outcome: Outcome): void;
}

/** Most mutators written as one batch; a longer queue goes in several. */
const maxBatch = 100;

const lost = new Error('a batched session write lost its result');

/**
 * How a write attempt ended: done with the mutator's result, or lost a race. `committed`: the
 * statement that ends the attempt's transaction went out behind its write (the locked path).
 */
type Attempt<T> = (
  | { readonly done: true; readonly result: T }
  | { readonly done: false; readonly current?: KnownRow }
) & { readonly committed?: boolean };

/** A row as some statement saw it; `row` undefined: the session did not exist. */
interface KnownRow {
  readonly row: SessionRow | undefined;
}

/** What a conditional write answers: `written`, or the row the statement saw instead. */
interface WriteRow {
  readonly written: boolean;
  readonly revision: string | null;
  readonly record: string | null;
  readonly due_at: string | null;
}

/** Sessions whose last row a process remembers at most; the oldest is forgotten past this. */
const rowCacheSize = 10_000;

/** Lost races a write runs again optimistically before it waits for the row lock. */
const optimisticRounds = 3;

/** Anything that runs a query: the pool (one statement, autocommit) or a client in a transaction. */
type Queryable = Pick<Pool, 'query'> | PoolClient;

/** A statement as `query` takes it: text, values and, for a prepared one, its name. */
type Statement = QueryConfig<unknown[]>;

/** Options of the store. */
export interface PostgresStoreOptions {
  /**
   * Announce writes of followed sessions with `pg_notify` in the same statement, so other
   * processes' `LISTEN` sees them. Off on engines without LISTEN/NOTIFY (CockroachDB).
   */
  readonly notify?: boolean;
  /**
   * Keep handles this process read or wrote in memory (a join reads its handle every time). Only
   * safe where every process hears the others' handle deletions (`notify` on and the change feed
   * calling `forgetHandle`); default: as `notify`.
   */
  readonly handleCache?: boolean;
  /**
   * Lost races a batch runs again optimistically before it waits for the row lock (default 3; 0
   * takes the lock at once, which tests use to reach the locked path).
   */
  readonly optimisticRounds?: number;
}

/** Sessions and handles in PostgreSQL tables created by `postgres-migrations.ts`. */
export class PostgresSessionStore implements SessionStore {
  readonly #pool: Pool;
  readonly #notify: boolean;
  readonly counters: StoreCounters = {
    roundTrips: 0,
    statements: 0,
    transactions: 0,
    rowCacheHits: 0,
    staleRows: 0,
    optimisticWrites: 0,
    conflicts: 0,
    lockedWrites: 0,
    batches: 0,
    batchedUpdates: 0,
    folded: 0,
    handleCacheHits: 0,
    handleReads: 0,
  };
  /** Handles by ID with the time they were read, while `handleCache` is on. */
  readonly #handles:
    Map<string, { readonly handle: HandleRecord; readonly at: number }> | undefined;
  /** Handle reads in flight by ID: a join arriving while its handle is being read shares the read. */
  readonly #handleReads = new Map<string, Promise<HandleRecord | undefined>>();
  /** Mutators waiting per session key; a key is present while its batch is being written. */
  readonly #queues = new Map<string, Waiting[]>();
  /**
   * The row this process last read or wrote of each session, the next write's first guess. Never
   * trusted for an answer: a write on it lands only if the row still has that revision.
   */
  readonly #rows = new Map<string, KnownRow>();
  /** Names the prepared write statements, whose text depends on `notify`. */
  readonly #statementSuffix: string;
  readonly #optimisticRounds: number;

  constructor(pool: Pool, options: PostgresStoreOptions = {}) {
    this.#pool = pool;
    this.#notify = options.notify ?? true;
    this.#statementSuffix = this.#notify ? '-notify' : '';
    this.#handles = (options.handleCache ?? this.#notify) ? new Map() : undefined;
    this.#optimisticRounds = options.optimisticRounds ?? optimisticRounds;
  }

  /**
   * Drops a handle from this process's cache: another process deleted it (the change feed calls
   * this for each ID announced on `handleChangeChannel`), or `undefined` to drop every handle (the
   * feed's connection was lost, so announcements may have been missed).
   */
  forgetHandle(id?: string): void {
    if (id === undefined) {
      this.#handles?.clear();
      this.#handleReads.clear();
    } else {
      this.#handles?.delete(id);
      this.#handleReads.delete(id);
    }
  }

  #rememberHandle(handle: HandleRecord): void {
    if (!this.#handles) return;
    if (this.#handles.size >= handleCacheSize) this.#handles.clear();
    this.#handles.set(handle.id, { handle, at: Date.now() });
  }

  /** `DELETE … RETURNING handle_id`, announcing each deleted ID when notifications are on. */
  #announceDeleted(deleteSql: string): string {
    return this.#notify
      ? `WITH gone AS (${deleteSql} RETURNING handle_id)
         SELECT handle_id, pg_notify('${handleChangeChannel}', handle_id) FROM gone`
      : `${deleteSql} RETURNING handle_id`;
  }

  /**
   * Queues the mutator behind the others of this process for the same session; the queue is
   * written as one batch (see `#drain`), so a process never races itself for a row.
   */
  update<T>(key: string, mutate: (current: SessionRecord | undefined) => Mutation<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiting: Waiting = {
        mutate,
        settle: (outcome) =>
          outcome.ok ? resolve(outcome.result as T) : reject(outcome.error as Error),
      };
      const queue = this.#queues.get(key);
      if (queue) return void queue.push(waiting);
      this.#queues.set(key, [waiting]);
      void this.#drain(key);
    });
  }

  /**
   * Writes the queued mutators of one session, in order, as one read and one write: each mutator
   * sees the record the one before it left, and all of their changes commit together or, after a
   * lost race, are all run again on the newer row. Fifteen players joining one session through
   * one process cost one row write instead of fifteen racing ones. A batch that lost a race takes
   * the mutators queued behind it into its retry (`fold`): they would otherwise wait for it to land
   * and then race for the row again in a batch of their own. A mutator that throws gets its error
   * and leaves the record as it found it; the others go on.
   */
  async #drain(key: string): Promise<void> {
    for (;;) {
      const queue = this.#queues.get(key) ?? [];
      const batch = queue.splice(0, maxBatch);
      if (batch.length === 0) {
        this.#queues.delete(key);
        return;
      }
      this.counters.batches += 1;
      this.counters.batchedUpdates += batch.length;
      // After a lost race the batch runs again anyway: the mutators queued meanwhile ride along
      // instead of waiting for this batch to land and then racing for the row once more.
      const fold = () => {
        const more = queue.splice(0, maxBatch - batch.length);
        if (more.length === 0) return;
        batch.push(...more);
        this.counters.folded += more.length;
        this.counters.batchedUpdates += more.length;
      };
      try {
        const outcomes = await this.#write(key, fold, (current) => {
          let state = current;
          let dirty = false;
          const results: Outcome[] = [];
          for (const { mutate } of batch) {
            try {
              const mutation = mutate(state);
              results.push({ ok: true, result: mutation.result });
              if (mutation.action === 'store') state = mutation.record;
              if (mutation.action === 'delete') state = undefined;
              if (mutation.action !== 'keep') dirty = true;
            } catch (error) {
              results.push({ ok: false, error });
            }
          }
          if (!dirty) return { action: 'keep', result: results };
          return state
            ? { action: 'store', record: state, result: results }
            : { action: 'delete', result: results };
        });
        batch.forEach((waiting, i) => waiting.settle(outcomes[i] ?? { ok: false, error: lost }));
      } catch (error) {
        for (const waiting of batch) waiting.settle({ ok: false, error });
      }
    }
  }

  /**
   * One read-mutate-write of a row. The first attempt runs on the row this process last read or
   * wrote, when it has one, so a write that wins costs one round trip; a write that loses gets the
   * current row back from the same statement and runs again on it. After `optimisticRounds` lost
   * races the write waits for the row lock instead, so a session written from many processes
   * still makes progress.
   */
  async #write<T>(
    key: string,
    beforeRetry: () => void,
    mutate: (current: SessionRecord | undefined) => Mutation<T>,
  ): Promise<T> {
    let row: KnownRow | undefined = this.#rows.get(key);
    let trusted = false;
    if (row) this.counters.rowCacheHits += 1;
    for (let round = 0; round < this.#optimisticRounds;) {
      if (!row) {
        row = { row: await this.#read(key) };
        trusted = true;
      }
      const attempt: Attempt<T> = await this.#apply(this.#pool, key, row.row, trusted, mutate);
      if (attempt.done) {
        this.counters.optimisticWrites += 1;
        return attempt.result;
      }
      // A guess that turned out stale is not a lost race: the write goes on with what it learned.
      if (trusted) {
        round += 1;
        this.counters.conflicts += 1;
      } else {
        this.counters.staleRows += 1;
      }
      row = attempt.current;
      trusted = row !== undefined;
      beforeRetry();
    }
    // Lost every race: from here the row lock orders this write after the ones it raced with. A
    // row that did not exist cannot be locked, so a lost race to create it goes round once more.
    for (let round = 0; ; round += 1) {
      const locked = await this.#lockedUpdate(key, mutate);
      if (locked.done) {
        this.counters.lockedWrites += 1;
        return locked.result;
      }
      if (round >= 100) throw new Error(`session ${key}: gave up after 100 lost creation races`);
      beforeRetry();
    }
  }

  /** The row as committed now; undefined where there is none. Remembered for the next write. */
  async #read(key: string): Promise<SessionRow | undefined> {
    this.counters.roundTrips += 1;
    this.counters.statements += 1;
    this.counters.transactions += 1;
    const read = await this.#pool.query<SessionRow>({
      name: 'directory-session-read',
      text: 'SELECT revision, record, due_at FROM directory_sessions WHERE session_key = $1',
      values: [key],
    });
    const row = read.rows[0];
    this.#remember(key, row);
    return row;
  }

  /** Keeps the row this process last saw of a session (the next write's guess), or forgets it. */
  #remember(key: string, row: SessionRow | undefined): void {
    this.#rows.delete(key);
    if (!row) return;
    if (this.#rows.size >= rowCacheSize) {
      const oldest = this.#rows.keys().next();
      if (!oldest.done) this.#rows.delete(oldest.value);
    }
    this.#rows.set(key, { row });
  }

  /**
   * One read-mutate-write under the row lock, in two round trips when the pool pipelines (`pg`'s
   * `pipeline` option, set by `createPool`): `BEGIN` goes out with the locking `SELECT`, and
   * `COMMIT` right behind the write, so the lock is held for one round trip and the mutators, not
   * three. Without pipelining each statement waits for the one before (four round trips).
   */
  async #lockedUpdate<T>(
    key: string,
    mutate: (current: SessionRecord | undefined) => Mutation<T>,
  ): Promise<Attempt<T>> {
    const client = await this.#pool.connect();
    this.counters.transactions += 1;
    try {
      const read = await this.#send<SessionRow>(client, 'BEGIN', {
        name: 'directory-session-lock',
        text: 'SELECT revision, record, due_at FROM directory_sessions WHERE session_key = $1 FOR UPDATE',
        values: [key],
      });
      const attempt = await this.#apply(client, key, read.rows[0], true, mutate, 'COMMIT');
      // Nothing written (a read, or a lost race to create the row): the transaction ends empty.
      if (!attempt.committed) await this.#send(client, undefined, 'COMMIT');
      return attempt;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      this.#rows.delete(key);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Sends `statement` in one round trip, with `before` ahead of it and `after` behind it when given
   * (`BEGIN`, `COMMIT`): on a pipelining client all of them go out at once and one wait covers them;
   * otherwise one after another. Answers the main statement's result; any failure rejects.
   */
  async #send<R extends QueryResultRow>(
    db: Queryable,
    before: string | undefined,
    statement: Statement | string,
    after?: string,
  ): Promise<QueryResult<R>> {
    this.counters.roundTrips += 1;
    const sent = [before, statement, after].filter((one) => one !== undefined);
    this.counters.statements += sent.length;
    // Outside a transaction (the pool) each statement commits on its own.
    if (!('release' in db)) this.counters.transactions += sent.length;
    const pipelined = 'pipeline' in db && db.pipeline;
    if (!pipelined) {
      if (before !== undefined) await db.query(before);
      const answer = await db.query<R>(statement);
      if (after !== undefined) await db.query(after);
      return answer;
    }
    const answers = await Promise.all(
      [before, statement, after].map((one) => (one === undefined ? undefined : db.query<R>(one))),
    );
    return answers[1] as QueryResult<R>;
  }

  /**
   * Runs the mutator on a row and writes the outcome if the row is still that one. `trusted`: the
   * row was read just now, so a mutator that only reads may answer from it; a remembered row is
   * only a guess, and such a mutator is run again on a fresh read. A write that finds another
   * revision answers with the row it found, when the statement could see it. `after` (`COMMIT`)
   * goes out right behind a write, when the attempt runs in a transaction.
   */
  async #apply<T>(
    db: Queryable,
    key: string,
    row: SessionRow | undefined,
    trusted: boolean,
    mutate: (current: SessionRecord | undefined) => Mutation<T>,
    after?: string,
  ): Promise<Attempt<T>> {
    // Custom properties may hold numbers JSON.parse would round (json-numbers.ts): read them exactly.
    const current = row ? (parseExactJson(row.record) as SessionRecord) : undefined;
    const mutation = mutate(current);
    if (mutation.action === 'keep') {
      if (!trusted) return { done: false, current: undefined };
      // A row stored before due times existed (migration 4 gives it 0) gets its own now, so the
      // sweep stops visiting it. No revision change: the record is the same.
      const due = current ? dueOf(current) : null;
      if (row && current && (row.due_at === null ? null : Number(row.due_at)) !== due) {
        await this.#send(
          db,
          undefined,
          {
            text: 'UPDATE directory_sessions SET due_at = $2 WHERE session_key = $1 AND revision = $3',
            values: [key, due, row.revision],
          },
          after,
        );
        this.#rows.delete(key);
        return { done: true, result: mutation.result, committed: after !== undefined };
      }
      return { done: true, result: mutation.result };
    }
    if (mutation.action === 'delete' && !row) return { done: true, result: mutation.result };
    const committed = after !== undefined;
    const revision = randomUUID();
    const stored =
      mutation.action === 'delete'
        ? undefined
        : { revision, record: jsonText(mutation.record), due_at: dueOf(mutation.record) };
    let answer: { rows: WriteRow[] };
    if (!row) {
      // `stored` is set: a delete of no row returned above.
      const created = stored as { revision: string; record: string; due_at: number | null };
      answer = await this.#send<WriteRow>(
        db,
        undefined,
        {
          name: `directory-session-insert${this.#statementSuffix}`,
          text: this.#conditional(
            `INSERT INTO directory_sessions (session_key, revision, record, due_at)
           VALUES ($1, $3, $4, $5)
           ON CONFLICT (session_key) DO NOTHING RETURNING session_key, watched_until`,
          ),
          values: [key, 'stored', created.revision, created.record, created.due_at],
        },
        after,
      );
    } else if (!stored) {
      answer = await this.#send<WriteRow>(
        db,
        undefined,
        {
          name: `directory-session-delete${this.#statementSuffix}`,
          text: this.#conditional(
            'DELETE FROM directory_sessions WHERE session_key = $1 AND revision = $3 RETURNING session_key, watched_until',
          ),
          values: [key, 'deleted', row.revision],
        },
        after,
      );
    } else {
      answer = await this.#send<WriteRow>(
        db,
        undefined,
        {
          name: `directory-session-update${this.#statementSuffix}`,
          text: this.#conditional(
            `UPDATE directory_sessions SET revision = $3, record = $4, due_at = $6
           WHERE session_key = $1 AND revision = $5 RETURNING session_key, watched_until`,
          ),
          values: [key, 'stored', stored.revision, stored.record, row.revision, stored.due_at],
        },
        after,
      );
    }
    const first = answer.rows[0];
    if (first?.written) {
      this.#remember(
        key,
        stored && { revision, record: stored.record, due_at: stored.due_at?.toString() ?? null },
      );
      return { done: true, result: mutation.result, committed };
    }
    // Lost. The row the statement saw, unless it is the very row this write tried to replace: a
    // write that waited for another to commit sees the row as it was before that one.
    this.#rows.delete(key);
    if (first && first.revision === row?.revision) {
      return { done: false, current: undefined, committed };
    }
    const seen: SessionRow | undefined =
      first && first.revision !== null && first.record !== null
        ? { revision: first.revision, record: first.record, due_at: first.due_at }
        : undefined;
    this.#remember(key, seen);
    return { done: false, current: { row: seen }, committed };
  }

  /**
   * One statement around a conditional write (`$1` the key, `$2` the kind of change): its result
   * is one row with `written` true when it wrote, otherwise the row as the statement saw it (or no
   * row when there is none). When notifications are on, a write of a session some process
   * follows (`watched_until` ahead, set by `PostgresSessionChangeFeed.watch`) is announced with
   * `pg_notify` in the same statement (NOTIFY is transactional: listeners hear of it once it
   * commits). Other writes do not notify: a transaction that notifies holds one cluster-wide lock
   * from its commit until the commit is flushed (PostgreSQL's async.c), so announcing every join
   * would commit the joins of all workers one flush at a time.
   */
  #conditional(write: string): string {
    const announce = this.#notify
      ? `, announced AS (SELECT pg_notify('${sessionChangeChannel}', session_key || ' ' || $2) FROM written WHERE watched_until > now())`
      : '';
    const written = this.#notify ? '(SELECT count(*) FROM announced) >= 0' : '$2::text IS NOT NULL';
    return `WITH written AS (${write})${announce}
      SELECT ${written} AS written, NULL::text AS revision, NULL::text AS record, NULL::bigint AS due_at
      FROM written
      UNION ALL
      SELECT false, revision, record, due_at FROM directory_sessions
      WHERE session_key = $1 AND NOT EXISTS (SELECT 1 FROM written)`;
  }

  async getHandle(id: string): Promise<HandleRecord | undefined> {
    const cached = this.#handles?.get(id);
    if (cached && Date.now() - cached.at < handleCacheMs) {
      this.counters.handleCacheHits += 1;
      return cached.handle;
    }
    if (!this.#handles) return this.#readHandle(id);
    // Joins into one session arrive together: the first reads the handle, the others wait for it.
    const pending = this.#handleReads.get(id);
    if (pending) {
      this.counters.handleCacheHits += 1;
      return pending;
    }
    const read = this.#readHandle(id).then((handle) => {
      // Deleted or forgotten while the read was in flight: answer it, but keep no copy.
      if (this.#handleReads.get(id) !== read) return handle;
      this.#handleReads.delete(id);
      if (handle) this.#rememberHandle(handle);
      else this.#handles?.delete(id);
      return handle;
    });
    this.#handleReads.set(id, read);
    // A failed read is not shared with later callers.
    read.catch(() => {
      if (this.#handleReads.get(id) === read) this.#handleReads.delete(id);
    });
    return read;
  }

  async #readHandle(id: string): Promise<HandleRecord | undefined> {
    this.counters.handleReads += 1;
    const found = await this.#pool.query<{ record: string }>({
      name: 'directory-handle-read',
      text: 'SELECT record FROM directory_handles WHERE handle_id = $1',
      values: [id],
    });
    const row = found.rows[0];
    return row ? (JSON.parse(row.record) as HandleRecord) : undefined;
  }

  async putHandle(handle: HandleRecord): Promise<void> {
    const owner =
      handle.ownerXuid === undefined
        ? null
        : ownerKey(handle.ownerXuid, handle.type, handle.sessionRef.scid);
    await this.#pool.query(
      `INSERT INTO directory_handles (handle_id, owner_key, expires_at, record, party_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (handle_id) DO UPDATE
         SET owner_key = $2, expires_at = $3, record = $4, party_key = $5, created_at = $6`,
      [
        handle.id,
        owner,
        handle.expiresAt,
        JSON.stringify(handle),
        partyOf(handle),
        handle.createdAt,
      ],
    );
    // IDs are fresh UUIDs, so no other process holds a copy of a handle being created.
    this.#rememberHandle(handle);
  }

  async deleteHandle(id: string): Promise<boolean> {
    this.forgetHandle(id);
    const deleted = await this.#pool.query(
      this.#announceDeleted('DELETE FROM directory_handles WHERE handle_id = $1'),
      [id],
    );
    // A read that began before the delete committed may have cached it meanwhile.
    this.forgetHandle(id);
    return (deleted.rowCount ?? 0) > 0;
  }

  async deleteHandlesOf(
    ownerXuid: string,
    type: HandleRecord['type'],
    scid: string,
  ): Promise<void> {
    const deleted = await this.#pool.query<{ handle_id: string }>(
      this.#announceDeleted('DELETE FROM directory_handles WHERE owner_key = $1'),
      [ownerKey(ownerXuid, type, scid)],
    );
    for (const row of deleted.rows) this.forgetHandle(row.handle_id);
  }

  async queryHandles(query: HandleQuery, limit: number): Promise<HandleRecord[]> {
    const parties =
      query.type === 'activity'
        ? query.ownerXuids.map((xuid) => partyKey('activity', xuid))
        : [partyKey('invite', query.invitedXuid)];
    const found = await this.#pool.query<{ record: string }>(
      `SELECT record FROM directory_handles
       WHERE party_key = ANY($1::text[])
         AND ($3::text IS NULL OR lower((record::jsonb) -> 'sessionRef' ->> 'scid') = $3)
       ORDER BY created_at, handle_id LIMIT $2`,
      [[...new Set(parties)], limit, query.scid?.toLowerCase() ?? null],
    );
    return found.rows.map((row) => JSON.parse(row.record) as HandleRecord);
  }

  /**
   * Not announced: a cached handle carries its expiry, which every read checks (an expired one is
   * answered 404 and deleted), so no process can use one the sweep removed.
   */
  async deleteExpiredHandles(now: number): Promise<number> {
    for (const [id, cached] of this.#handles ?? []) {
      if (cached.handle.expiresAt <= now) this.#handles?.delete(id);
    }
    const deleted = await this.#pool.query('DELETE FROM directory_handles WHERE expires_at <= $1', [
      now,
    ]);
    return deleted.rowCount ?? 0;
  }

  /** Through the `due_at` index: the sweep reads the sessions with a timer to apply, no others. */
  async dueSessionKeys(now: number): Promise<string[]> {
    const due = await this.#pool.query<{ session_key: string }>(
      'SELECT session_key FROM directory_sessions WHERE due_at <= $1 ORDER BY due_at',
      [now],
    );
    return due.rows.map((row) => row.session_key);
  }

  async existingSessionKeys(keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const found = await this.#pool.query<{ session_key: string }>(
      'SELECT session_key FROM directory_sessions WHERE session_key = ANY($1::text[])',
      [[...keys]],
    );
    return found.rows.map((row) => row.session_key);
  }

  async listSessionKeys(): Promise<string[]> {
    const keys = await this.#pool.query<{ session_key: string }>(
      'SELECT session_key FROM directory_sessions',
    );
    return keys.rows.map((row) => row.session_key);
  }
}
