/**
 * The directory's state behind one small interface, so a shared store can replace the in-memory
 * one when several directory processes serve the same sessions (see the README: a Redis store
 * would run `update` as WATCH/GET, the mutator, then MULTI/SET/EXEC, retrying on a lost race).
 */
import type { SessionRef } from './directory-options';
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
  readonly titleId: string;
  readonly inviteAttributes?: Readonly<Record<string, string>>;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly expiresAt: number;
}

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
  update<T>(key: string, mutate: (current: SessionRecord | undefined) => Mutation<T>): Promise<T>;
  getHandle(id: string): Promise<HandleRecord | undefined>;
  putHandle(handle: HandleRecord): Promise<void>;
  deleteHandle(id: string): Promise<boolean>;
  /** Deletes every handle `owner` holds of this type for this SCID (a new activity replaces the old). */
  deleteHandlesOf(ownerXuid: string, type: HandleRecord['type'], scid: string): Promise<void>;
  /** Deletes every handle that expired at or before `now`; returns how many. */
  deleteExpiredHandles(now: number): Promise<number>;
  /** Keys of every stored session, for the periodic timer sweep. */
  listSessionKeys(): Promise<string[]>;
}
