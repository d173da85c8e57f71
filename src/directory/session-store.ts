/**
 * The directory's state behind one small interface, so a shared store can replace the in-memory
 * one when several directory processes serve the same sessions (docs/directory.md, "Design": a
 * Redis store would run `update` as WATCH/GET, the mutator, then MULTI/SET/EXEC, retrying on a lost race).
 * Each method answers with the value itself or a promise of it (`Awaitable`): the in-memory store
 * answers at once, so a request it serves never waits for the microtask queue.
 */
import type { Awaitable } from './awaitable';
import type { SessionRef } from './session-ref';
import type { SessionRecord } from './session-record';

/** A stored handle (invite, activity or transfer). */
export interface HandleRecord {
  readonly id: string;
  readonly type: 'invite' | 'activity' | 'transfer';
  readonly version: 1;
  readonly sessionRef: SessionRef;
  readonly originSessionRef?: SessionRef;
  readonly invitedXuid?: string;
  readonly senderXuid?: string;
  readonly ownerXuid?: string;
  /** Who created the handle: the only caller who may delete it (every type). */
  readonly creatorXuid?: string;
  readonly titleId: string;
  readonly inviteAttributes?: Readonly<Record<string, string>>;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly expiresAt: number;
}

/**
 * Which handles `POST /handles/query` asks for: the activity handles some users own, or the invite
 * handles sent to one user; optionally only those of one SCID (compared case-insensitively).
 */
export type HandleQuery =
  | {
      readonly type: 'activity';
      readonly ownerXuids: readonly string[];
      readonly scid?: string;
    }
  | { readonly type: 'invite'; readonly invitedXuid: string; readonly scid?: string };

/**
 * What a mutator decides: keep the record as it is, store a new one, or delete the session. The
 * mutator returns its own result too, which `update` hands back to the caller.
 */
export type Mutation<T> =
  | { readonly action: 'keep'; readonly result: T }
  | { readonly action: 'store'; readonly record: SessionRecord; readonly result: T }
  | { readonly action: 'delete'; readonly result: T };

export interface SessionStore {
  /**
   * Atomically reads one session, runs `mutate` on it and applies the mutation. No other update of
   * the same key may interleave. `mutate` must be pure: a store that detects a race re-runs it.
   */
  update<T>(key: string, mutate: (current: SessionRecord | undefined) => Mutation<T>): Awaitable<T>;
  getHandle(id: string): Awaitable<HandleRecord | undefined>;
  putHandle(handle: HandleRecord): Awaitable<void>;
  deleteHandle(id: string): Awaitable<boolean>;
  /** Deletes every handle `owner` holds of this type for this SCID (a new activity replaces the old). */
  deleteHandlesOf(ownerXuid: string, type: HandleRecord['type'], scid: string): Awaitable<void>;
  /**
   * The handles a query names, in creation order (oldest first), expired ones included (the caller
   * filters them by its clock). At most `limit` of them.
   */
  queryHandles(query: HandleQuery, limit: number): Awaitable<HandleRecord[]>;
  /** Deletes every handle that expired at or before `now`; returns how many. */
  deleteExpiredHandles(now: number): Awaitable<number>;
  /** Keys of every stored session, for the periodic timer sweep. */
  listSessionKeys(): Awaitable<string[]>;
  /**
   * Keys of the sessions whose next timer (`nextTimer`) is due at `now`, when the store indexes
   * it: then the sweep reads only those rather than every session. Optional: without it the sweep
   * reads `listSessionKeys()`.
   */
  dueSessionKeys?(now: number): Awaitable<string[]>;
  /**
   * Which of `keys` are still stored; with `dueSessionKeys`, how the sweep learns which sessions
   * it keeps a rendering of were deleted by another process.
   */
  existingSessionKeys?(keys: readonly string[]): Awaitable<string[]>;
}
