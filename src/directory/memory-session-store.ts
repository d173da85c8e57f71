/**
 * The in-memory store, the directory's default. Node runs one mutator at a time and `update` runs it
 * synchronously between reading and writing the map, so no two updates of a session interleave.
 */
import type { SessionRecord } from './session-record';
import type { HandleRecord, Mutation, SessionStore } from './session-store';

const ownerKey = (ownerXuid: string, type: HandleRecord['type'], scid: string) =>
  `${type}|${ownerXuid}|${scid.toLowerCase()}`;

/** Sessions and handles in maps of this process; lost when the directory stops. */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #handles = new Map<string, HandleRecord>();
  /** Handle ids by owner, type and SCID, so replacing an activity never scans every handle. */
  readonly #byOwner = new Map<string, Set<string>>();

  update<T>(key: string, mutate: (current: SessionRecord | undefined) => Mutation<T>): Promise<T> {
    try {
      const mutation = mutate(this.#sessions.get(key));
      if (mutation.action === 'store') this.#sessions.set(key, mutation.record);
      else if (mutation.action === 'delete') this.#sessions.delete(key);
      return Promise.resolve(mutation.result);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  getHandle(id: string): Promise<HandleRecord | undefined> {
    return Promise.resolve(this.#handles.get(id));
  }

  putHandle(handle: HandleRecord): Promise<void> {
    this.#handles.set(handle.id, handle);
    if (handle.ownerXuid !== undefined) {
      const key = ownerKey(handle.ownerXuid, handle.type, handle.sessionRef.scid);
      let ids = this.#byOwner.get(key);
      if (!ids) {
        ids = new Set();
        this.#byOwner.set(key, ids);
      }
      ids.add(handle.id);
    }
    return Promise.resolve();
  }

  deleteHandle(id: string): Promise<boolean> {
    const handle = this.#handles.get(id);
    if (!handle) return Promise.resolve(false);
    this.#handles.delete(id);
    if (handle.ownerXuid !== undefined) {
      const key = ownerKey(handle.ownerXuid, handle.type, handle.sessionRef.scid);
      const ids = this.#byOwner.get(key);
      ids?.delete(id);
      if (ids?.size === 0) this.#byOwner.delete(key);
    }
    return Promise.resolve(true);
  }

  deleteExpiredHandles(now: number): Promise<number> {
    const expired = [...this.#handles.values()].filter((handle) => now >= handle.expiresAt);
    for (const handle of expired) void this.deleteHandle(handle.id);
    return Promise.resolve(expired.length);
  }

  listSessionKeys(): Promise<string[]> {
    return Promise.resolve([...this.#sessions.keys()]);
  }

  /** How much this store holds, for tests and diagnostics. */
  get size(): { readonly sessions: number; readonly handles: number } {
    return { sessions: this.#sessions.size, handles: this.#handles.size };
  }

  deleteHandlesOf(ownerXuid: string, type: HandleRecord['type'], scid: string): Promise<void> {
    const key = ownerKey(ownerXuid, type, scid);
    for (const id of this.#byOwner.get(key) ?? []) this.#handles.delete(id);
    this.#byOwner.delete(key);
    return Promise.resolve();
  }
}
