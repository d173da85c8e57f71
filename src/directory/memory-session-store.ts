/**
 * The in-memory store, the directory's default. Node runs one mutator at a time and `update` runs it
 * synchronously between reading and writing the map, so no two updates of a session interleave.
 */
import type { SessionRecord } from './session-record';
import type { HandleRecord, Mutation, SessionStore } from './session-store';

export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #handles = new Map<string, HandleRecord>();

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
    return Promise.resolve();
  }

  deleteHandle(id: string): Promise<boolean> {
    return Promise.resolve(this.#handles.delete(id));
  }

  deleteHandlesOf(ownerXuid: string, type: HandleRecord['type'], scid: string): Promise<void> {
    const wanted = scid.toLowerCase();
    for (const [id, handle] of this.#handles) {
      if (
        handle.type === type &&
        handle.ownerXuid === ownerXuid &&
        handle.sessionRef.scid.toLowerCase() === wanted
      ) {
        this.#handles.delete(id);
      }
    }
    return Promise.resolve();
  }
}
