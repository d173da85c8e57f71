/**
 * The in-memory store, the directory's default. Node runs one mutator at a time and `update` runs it
 * synchronously between reading and writing the map, so no two updates of a session interleave.
 * Every method answers at once, with the value rather than a promise of it (see `Awaitable`).
 */
import type { SessionRecord } from './session-record';
import type { HandleQuery, HandleRecord, Mutation, SessionStore } from './session-store';

const ownerKey = (ownerXuid: string, type: HandleRecord['type'], scid: string) =>
  // Stryker disable next-line MethodExpression: upper case folds every spelling of a SCID into one key as well
  `${type}|${ownerXuid}|${scid.toLowerCase()}`;

/** Who a handle is about, for queries: an activity's owner, an invite's invitee. */
function partyKey(handle: HandleRecord): string | undefined {
  if (handle.type === 'activity' && handle.ownerXuid !== undefined) {
    return `activity|${handle.ownerXuid}`;
  }
  // Stryker disable next-line ConditionalExpression: only invite handles carry an invitedXuid
  if (handle.type === 'invite' && handle.invitedXuid !== undefined) {
    return `invite|${handle.invitedXuid}`;
  }
  return undefined;
}

/** Sessions and handles in maps of this process; lost when the directory stops. */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #handles = new Map<string, HandleRecord>();
  /** Handle ids by owner, type and SCID, so replacing an activity never scans every handle. */
  readonly #byOwner = new Map<string, Set<string>>();
  /** Handle ids by activity owner or invitee (see `partyKey`), so a query never scans them all. */
  readonly #byParty = new Map<string, Set<string>>();

  /** A mutator that throws leaves the session as it was; the error goes to the caller. */
  update<T>(key: string, mutate: (current: SessionRecord | undefined) => Mutation<T>): T {
    const mutation = mutate(this.#sessions.get(key));
    if (mutation.action === 'store') this.#sessions.set(key, mutation.record);
    else if (mutation.action === 'delete') this.#sessions.delete(key);
    return mutation.result;
  }

  getHandle(id: string): HandleRecord | undefined {
    return this.#handles.get(id);
  }

  putHandle(handle: HandleRecord): void {
    this.#handles.set(handle.id, handle);
    const party = partyKey(handle);
    // Stryker disable next-line ConditionalExpression: a set under the key undefined is never read, queries name string keys
    if (party !== undefined) {
      let ids = this.#byParty.get(party);
      if (!ids) {
        ids = new Set();
        this.#byParty.set(party, ids);
      }
      ids.add(handle.id);
    }
    // Stryker disable next-line ConditionalExpression: a handle without owner would be indexed under the owner "undefined", which no XUID is
    if (handle.ownerXuid !== undefined) {
      const key = ownerKey(handle.ownerXuid, handle.type, handle.sessionRef.scid);
      let ids = this.#byOwner.get(key);
      if (!ids) {
        ids = new Set();
        this.#byOwner.set(key, ids);
      }
      ids.add(handle.id);
    }
  }

  deleteHandle(id: string): boolean {
    const handle = this.#handles.get(id);
    if (!handle) return false;
    this.#handles.delete(id);
    this.#forgetParty(handle);
    // Stryker disable next-line ConditionalExpression: a handle without owner was never indexed by owner, so there is nothing to delete either way
    if (handle.ownerXuid !== undefined) {
      const key = ownerKey(handle.ownerXuid, handle.type, handle.sessionRef.scid);
      const ids = this.#byOwner.get(key);
      // Stryker disable next-line OptionalChaining: the owner index holds every stored handle that has an owner
      ids?.delete(id);
      // Stryker disable next-line ConditionalExpression,OptionalChaining: an empty set left behind lists nothing; it only costs memory
      if (ids?.size === 0) this.#byOwner.delete(key);
    }
    return true;
  }

  #forgetParty(handle: HandleRecord): void {
    const party = partyKey(handle);
    // Stryker disable next-line ConditionalExpression: no set is stored under the key undefined, so there is nothing to delete either way
    if (party === undefined) return;
    const ids = this.#byParty.get(party);
    // Stryker disable next-line OptionalChaining: the party index holds every stored handle that has a party
    ids?.delete(handle.id);
    // Stryker disable next-line ConditionalExpression,OptionalChaining: an empty set left behind lists nothing; it only costs memory
    if (ids?.size === 0) this.#byParty.delete(party);
  }

  queryHandles(query: HandleQuery, limit: number): HandleRecord[] {
    const parties =
      query.type === 'activity'
        ? query.ownerXuids.map((xuid) => `activity|${xuid}`)
        : [`invite|${query.invitedXuid}`];
    const scid = query.scid?.toLowerCase();
    const found: HandleRecord[] = [];
    for (const party of new Set(parties)) {
      // Stryker disable next-line ArrayDeclaration: a filler id names no stored handle (ids are GUIDs), and a missing handle is skipped
      for (const id of this.#byParty.get(party) ?? []) {
        const handle = this.#handles.get(id);
        if (handle && (scid === undefined || handle.sessionRef.scid.toLowerCase() === scid)) {
          found.push(handle);
        }
      }
    }
    return found.sort((a, b) => a.createdAt - b.createdAt).slice(0, limit);
  }

  deleteExpiredHandles(now: number): number {
    const expired = [...this.#handles.values()].filter((handle) => now >= handle.expiresAt);
    for (const handle of expired) this.deleteHandle(handle.id);
    return expired.length;
  }

  listSessionKeys(): string[] {
    return [...this.#sessions.keys()];
  }

  /** How much this store holds (`/statsz`'s `stored`). */
  get size(): { readonly sessions: number; readonly handles: number } {
    return { sessions: this.#sessions.size, handles: this.#handles.size };
  }

  deleteHandlesOf(ownerXuid: string, type: HandleRecord['type'], scid: string): void {
    const key = ownerKey(ownerXuid, type, scid);
    // Stryker disable next-line ArrayDeclaration: a filler id names no stored handle (ids are GUIDs)
    for (const id of this.#byOwner.get(key) ?? []) {
      const handle = this.#handles.get(id);
      // Stryker disable next-line ConditionalExpression: the owner index lists stored handles only, so the check is always true
      if (handle) this.#forgetParty(handle);
      this.#handles.delete(id);
    }
    this.#byOwner.delete(key);
  }
}
