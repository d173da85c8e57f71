/**
 * The in-memory store (src/directory/memory-session-store.ts) on its own: atomic session updates,
 * handles and the indexes behind handle queries, expiry and the replacement of an owner's
 * activity. The HTTP suites reach it through the whole directory; these pin each rule fast enough
 * for mutation testing (docs/quality.md).
 */
import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../src/directory/memory-session-store';
import type { SessionRecord } from '../../src/directory/session-record';
import type { HandleRecord } from '../../src/directory/session-store';
import { sessionRecordOf } from './session-record-fixture';

const scidA = '0b5f1c2a-3d4e-4f60-8a1b-2c3d4e5f6a7b';
const scidB = '1c6a2d3b-4e5f-4a71-9b2c-3d4e5f6a7b8c';

let counter = 0;

/** A handle of `type` with a fresh id; `fields` replace any field. */
function handleOf(type: HandleRecord['type'], fields: Partial<HandleRecord> = {}): HandleRecord {
  counter += 1;
  return {
    id: `h-${counter}`,
    type,
    version: 1,
    sessionRef: { scid: scidA, templateName: 'game', name: `s${counter}` },
    titleId: '1',
    createdAt: counter,
    expiresAt: 1_000_000,
    ...fields,
  };
}

const activity = (ownerXuid: string, fields: Partial<HandleRecord> = {}) =>
  handleOf('activity', { ownerXuid, ...fields });
const invite = (invitedXuid: string, fields: Partial<HandleRecord> = {}) =>
  handleOf('invite', { invitedXuid, senderXuid: '9', ...fields });

const ids = (handles: readonly HandleRecord[]) => handles.map((handle) => handle.id);

const sessionOf = (name: string) => sessionRecordOf({ scid: scidA, templateName: 'game', name });

describe('MemorySessionStore sessions', () => {
  it('stores, keeps and deletes a session as the mutator decides, answering its result', () => {
    const store = new MemorySessionStore();
    const first = sessionOf('a');
    const seen: (SessionRecord | undefined)[] = [];
    expect(
      store.update('k', (current) => {
        seen.push(current);
        return { action: 'store', record: first, result: 'stored' };
      }),
    ).toBe('stored');
    expect(
      store.update('k', (current) => {
        seen.push(current);
        return { action: 'keep', result: 7 };
      }),
    ).toBe(7);
    expect(store.update('k', (current) => ({ action: 'keep', result: current }))).toBe(first);
    expect(store.listSessionKeys()).toEqual(['k']);
    expect(store.size).toEqual({ sessions: 1, handles: 0 });
    expect(store.update('k', () => ({ action: 'delete', result: true }))).toBe(true);
    expect(store.update('k', (current) => ({ action: 'keep', result: current }))).toBeUndefined();
    expect(seen).toEqual([undefined, first]);
    expect(store.listSessionKeys()).toEqual([]);
    expect(store.size).toEqual({ sessions: 0, handles: 0 });
  });

  it('keeps a session as it was when the mutator throws', () => {
    const store = new MemorySessionStore();
    const record = sessionOf('a');
    store.update('k', () => ({ action: 'store', record, result: undefined }));
    expect(() =>
      store.update('k', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.update('k', (current) => ({ action: 'keep', result: current }))).toBe(record);
  });

  it('lists every session key', () => {
    const store = new MemorySessionStore();
    for (const key of ['a', 'b', 'c']) {
      store.update(key, () => ({ action: 'store', record: sessionOf(key), result: undefined }));
    }
    expect(store.listSessionKeys()).toEqual(['a', 'b', 'c']);
    expect(store.size.sessions).toBe(3);
  });
});

describe('MemorySessionStore handles', () => {
  it('gets, counts and deletes a handle by id', () => {
    const store = new MemorySessionStore();
    const handle = invite('1');
    store.putHandle(handle);
    expect(store.getHandle(handle.id)).toBe(handle);
    expect(store.size).toEqual({ sessions: 0, handles: 1 });
    expect(store.deleteHandle(handle.id)).toBe(true);
    expect(store.getHandle(handle.id)).toBeUndefined();
    expect(store.deleteHandle(handle.id)).toBe(false);
    expect(store.size.handles).toBe(0);
    expect(store.queryHandles({ type: 'invite', invitedXuid: '1' }, 10)).toEqual([]);
  });

  it('finds the invites sent to one player, oldest first, and none sent to others', () => {
    const store = new MemorySessionStore();
    const later = invite('1', { createdAt: 500 });
    const earlier = invite('1', { createdAt: 100 });
    const middle = invite('1', { createdAt: 300 });
    const other = invite('2');
    for (const handle of [later, earlier, other, middle]) store.putHandle(handle);
    expect(ids(store.queryHandles({ type: 'invite', invitedXuid: '1' }, 10))).toEqual(
      ids([earlier, middle, later]),
    );
    expect(ids(store.queryHandles({ type: 'invite', invitedXuid: '2' }, 10))).toEqual(ids([other]));
    expect(store.queryHandles({ type: 'invite', invitedXuid: '3' }, 10)).toEqual([]);
    // An invite is found by its invitee only, never as an activity of the same XUID.
    expect(store.queryHandles({ type: 'activity', ownerXuids: ['1'] }, 10)).toEqual([]);
  });

  it('finds the activities of every listed owner once, oldest first, at most `limit`', () => {
    const store = new MemorySessionStore();
    const a1 = activity('1', { createdAt: 30 });
    const b1 = activity('2', {
      createdAt: 10,
      sessionRef: { scid: scidB, templateName: 'g', name: 'n' },
    });
    const a2 = activity('1', {
      createdAt: 20,
      sessionRef: { scid: scidB, templateName: 'g', name: 'm' },
    });
    const c1 = activity('3', { createdAt: 5 });
    for (const handle of [a1, b1, a2, c1]) store.putHandle(handle);
    expect(ids(store.queryHandles({ type: 'activity', ownerXuids: ['1', '2', '1'] }, 10))).toEqual(
      ids([b1, a2, a1]),
    );
    expect(ids(store.queryHandles({ type: 'activity', ownerXuids: ['1', '2'] }, 2))).toEqual(
      ids([b1, a2]),
    );
    expect(store.queryHandles({ type: 'activity', ownerXuids: [] }, 10)).toEqual([]);
    // An activity is found by its owner only, never as an invite to the same XUID.
    expect(store.queryHandles({ type: 'invite', invitedXuid: '1' }, 10)).toEqual([]);
  });

  it('keeps only the handles of the SCID a query names, compared case-insensitively', () => {
    const store = new MemorySessionStore();
    const inA = invite('1');
    const inB = invite('1', {
      sessionRef: { scid: scidB.toUpperCase(), templateName: 'g', name: 'n' },
    });
    store.putHandle(inA);
    store.putHandle(inB);
    expect(ids(store.queryHandles({ type: 'invite', invitedXuid: '1', scid: scidB }, 10))).toEqual(
      ids([inB]),
    );
    expect(
      ids(store.queryHandles({ type: 'invite', invitedXuid: '1', scid: scidA.toUpperCase() }, 10)),
    ).toEqual(ids([inA]));
    expect(ids(store.queryHandles({ type: 'invite', invitedXuid: '1' }, 10))).toEqual(
      ids([inA, inB]),
    );
  });

  it('indexes an activity without an owner and an invite without an invitee under nobody', () => {
    const store = new MemorySessionStore();
    store.putHandle(handleOf('activity'));
    store.putHandle(handleOf('invite'));
    store.putHandle(handleOf('transfer', { ownerXuid: '1' }));
    store.putHandle(handleOf('invite', { ownerXuid: '2' }));
    for (const nobody of ['undefined', '1', '2']) {
      expect(store.queryHandles({ type: 'activity', ownerXuids: [nobody] }, 10)).toEqual([]);
      expect(store.queryHandles({ type: 'invite', invitedXuid: nobody }, 10)).toEqual([]);
    }
    expect(store.size.handles).toBe(4);
  });

  it('forgets a deleted handle in the query index, keeping the others of the same player', () => {
    const store = new MemorySessionStore();
    const first = activity('1');
    const second = activity('1');
    store.putHandle(first);
    store.putHandle(second);
    expect(store.deleteHandle(first.id)).toBe(true);
    expect(ids(store.queryHandles({ type: 'activity', ownerXuids: ['1'] }, 10))).toEqual(
      ids([second]),
    );
    expect(store.deleteHandle(second.id)).toBe(true);
    expect(store.queryHandles({ type: 'activity', ownerXuids: ['1'] }, 10)).toEqual([]);
    // The player's index starts afresh.
    const third = activity('1');
    store.putHandle(third);
    expect(ids(store.queryHandles({ type: 'activity', ownerXuids: ['1'] }, 10))).toEqual(
      ids([third]),
    );
  });

  it('deletes the handles that expired at or before now, and says how many', () => {
    const store = new MemorySessionStore();
    const gone = invite('1', { expiresAt: 100 });
    const due = invite('1', { expiresAt: 200 });
    const kept = invite('1', { expiresAt: 201 });
    for (const handle of [gone, due, kept]) store.putHandle(handle);
    expect(store.deleteExpiredHandles(199)).toBe(1);
    expect(store.deleteExpiredHandles(200)).toBe(1);
    expect(store.deleteExpiredHandles(200)).toBe(0);
    expect(store.getHandle(gone.id)).toBeUndefined();
    expect(store.getHandle(due.id)).toBeUndefined();
    expect(store.getHandle(kept.id)).toBe(kept);
    expect(ids(store.queryHandles({ type: 'invite', invitedXuid: '1' }, 10))).toEqual(ids([kept]));
  });
});

describe('MemorySessionStore ids used again', () => {
  // Handle ids are random GUIDs, but the indexes must not outlive the handle they were made for:
  // a stale entry would list a later handle with the same id under the wrong player.
  it("lists a deleted invite's id again only under its new invitee", () => {
    const store = new MemorySessionStore();
    const first = invite('1');
    store.putHandle(first);
    store.deleteHandle(first.id);
    const again = invite('2', { id: first.id });
    store.putHandle(again);
    expect(store.queryHandles({ type: 'invite', invitedXuid: '1' }, 10)).toEqual([]);
    expect(ids(store.queryHandles({ type: 'invite', invitedXuid: '2' }, 10))).toEqual([first.id]);
  });

  it("lists an id again only under its new owner once deleteHandlesOf removed the owner's handle", () => {
    const store = new MemorySessionStore();
    const first = activity('1');
    store.putHandle(first);
    store.deleteHandlesOf('1', 'activity', scidA);
    store.putHandle(activity('2', { id: first.id }));
    expect(store.queryHandles({ type: 'activity', ownerXuids: ['1'] }, 10)).toEqual([]);
    expect(ids(store.queryHandles({ type: 'activity', ownerXuids: ['2'] }, 10))).toEqual([
      first.id,
    ]);
  });

  it("does not delete a later handle with a deleted activity's id as that owner's", () => {
    const store = new MemorySessionStore();
    const first = activity('1');
    store.putHandle(first);
    store.deleteHandle(first.id);
    const again = invite('2', { id: first.id });
    store.putHandle(again);
    store.deleteHandlesOf('1', 'activity', scidA);
    expect(store.getHandle(first.id)).toBe(again);
    expect(ids(store.queryHandles({ type: 'invite', invitedXuid: '2' }, 10))).toEqual([first.id]);
  });
});

describe('MemorySessionStore deleteHandlesOf', () => {
  it("deletes one owner's handles of one type and SCID (any case), no one else's", () => {
    const store = new MemorySessionStore();
    const mineA1 = activity('1');
    const mineA2 = activity('1', {
      sessionRef: { scid: scidA.toUpperCase(), templateName: 'g', name: 'n' },
    });
    const mineB = activity('1', { sessionRef: { scid: scidB, templateName: 'g', name: 'n' } });
    const theirs = activity('2');
    const transfer = handleOf('transfer', { ownerXuid: '1' });
    for (const handle of [mineA1, mineA2, mineB, theirs, transfer]) store.putHandle(handle);

    store.deleteHandlesOf('1', 'activity', scidA);

    expect(store.getHandle(mineA1.id)).toBeUndefined();
    expect(store.getHandle(mineA2.id)).toBeUndefined();
    expect(store.getHandle(mineB.id)).toBe(mineB);
    expect(store.getHandle(theirs.id)).toBe(theirs);
    expect(store.getHandle(transfer.id)).toBe(transfer);
    expect(store.size.handles).toBe(3);
    expect(ids(store.queryHandles({ type: 'activity', ownerXuids: ['1', '2'] }, 10))).toEqual(
      ids([mineB, theirs]),
    );
  });

  it('indexes new handles of the owner again after deleting them', () => {
    const store = new MemorySessionStore();
    store.putHandle(activity('1'));
    store.deleteHandlesOf('1', 'activity', scidA);
    const fresh = activity('1');
    store.putHandle(fresh);
    expect(ids(store.queryHandles({ type: 'activity', ownerXuids: ['1'] }, 10))).toEqual(
      ids([fresh]),
    );
    store.deleteHandlesOf('1', 'activity', scidA);
    expect(store.getHandle(fresh.id)).toBeUndefined();
    expect(store.queryHandles({ type: 'activity', ownerXuids: ['1'] }, 10)).toEqual([]);
  });

  it('does nothing for an owner with no handles, and once a handle was deleted by id', () => {
    const store = new MemorySessionStore();
    const handle = activity('1');
    const other = activity('1');
    store.putHandle(handle);
    store.putHandle(other);
    store.deleteHandlesOf('5', 'activity', scidA);
    expect(store.size.handles).toBe(2);
    store.deleteHandle(handle.id);
    store.deleteHandlesOf('1', 'activity', scidA);
    expect(store.size.handles).toBe(0);
    expect(store.getHandle(other.id)).toBeUndefined();
  });
});
