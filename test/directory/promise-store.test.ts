/**
 * The directory over a store that answers by promise, as a shared store across the network would.
 * The in-memory store answers at once and the request path then runs without waiting; these tests
 * prove the other branch of every step: the same flows, the same seat counting under concurrent
 * joins, and a store that fails answering 500 without taking the directory down.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { andThen, isPending } from '../../src/directory/awaitable';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { MemorySessionStore } from '../../src/directory/memory-session-store';
import type { SessionRecord } from '../../src/directory/session-record';
import type {
  HandleQuery,
  HandleRecord,
  Mutation,
  SessionStore,
} from '../../src/directory/session-store';
import { startDirectory } from '../../src/directory/start-directory';
import {
  call,
  expectSessionDocument,
  joinBody,
  player,
  scid,
  sessionUrl,
  type Player,
} from './directory-test-client';

/** The in-memory store's answers, each handed over a turn of the event loop later. */
class PromiseStore implements SessionStore {
  readonly #inner = new MemorySessionStore();
  /** How many calls answered by promise; a test that expects the slow path checks it moved. */
  calls = 0;
  /** Set to make the next calls of that method fail. */
  failing: { method: keyof SessionStore; how: 'reject' | 'throw' } | undefined;

  async #later<T>(method: keyof SessionStore, answer: () => T): Promise<T> {
    this.calls += 1;
    await nextTurn();
    if (this.failing?.method === method) throw new Error(`store unreachable (${method})`);
    return answer();
  }

  #call<T>(method: keyof SessionStore, answer: () => T): Promise<T> {
    if (this.failing?.method === method && this.failing.how === 'throw') {
      throw new Error(`store refused synchronously (${method})`);
    }
    return this.#later(method, answer);
  }

  update<T>(key: string, mutate: (current: SessionRecord | undefined) => Mutation<T>): Promise<T> {
    return this.#call('update', () => this.#inner.update(key, mutate));
  }
  getHandle(id: string) {
    return this.#call('getHandle', () => this.#inner.getHandle(id));
  }
  putHandle(handle: HandleRecord) {
    return this.#call('putHandle', () => this.#inner.putHandle(handle));
  }
  deleteHandle(id: string) {
    return this.#call('deleteHandle', () => this.#inner.deleteHandle(id));
  }
  deleteHandlesOf(ownerXuid: string, type: HandleRecord['type'], scid: string) {
    return this.#call('deleteHandlesOf', () => this.#inner.deleteHandlesOf(ownerXuid, type, scid));
  }
  deleteExpiredHandles(now: number) {
    return this.#call('deleteExpiredHandles', () => this.#inner.deleteExpiredHandles(now));
  }
  listSessionKeys() {
    return this.#call('listSessionKeys', () => this.#inner.listSessionKeys());
  }
  queryHandles(query: HandleQuery, limit: number) {
    return this.#call('queryHandles', () => this.#inner.queryHandles(query, limit));
  }
}

const running: RunningDirectory[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(running.splice(0).map((directory) => directory.close()));
});

async function directoryOver(store: SessionStore, clock?: { now(): number }) {
  const directory = await startDirectory(
    { rateLimits: false, handleLifetimeMs: 60_000, ...(clock ? { clock } : {}) },
    store,
  );
  running.push(directory);
  return directory.url;
}

/** Silences stderr for the test (restored by `vi.restoreAllMocks`) and keeps what was written. */
function captureStderr(): { text(): string } {
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return { text: () => spy.mock.calls.map(([line]) => String(line)).join('') };
}

/** A host in a `game` session with an activity handle to it. */
async function hostedGame(url: string, name: string): Promise<{ host: Player; handleId: string }> {
  const host = await player(url, `Host ${name}`);
  const created = await call(url, 'PUT', sessionUrl(name, 'game'), {
    as: host,
    body: joinBody(host),
  });
  expect(created.status, created.text).toBe(201);
  const handle = await call(url, 'POST', '/handles', {
    as: host,
    body: { version: 1, type: 'activity', sessionRef: { scid, templateName: 'game', name } },
  });
  expect(handle.status, handle.text).toBe(201);
  return { host, handleId: handle.json<{ id: string }>().id };
}

describe('awaitable values', () => {
  it('andThen goes on in the same call for a value that is here, later for a promise', async () => {
    const order: string[] = [];
    const now = andThen(2, (value) => {
      order.push('now');
      return value * 2;
    });
    order.push('after now');
    expect(now).toBe(4);
    const later = andThen(Promise.resolve(3), (value) => {
      order.push('later');
      return value * 2;
    });
    order.push('after later');
    expect(isPending(later)).toBe(true);
    expect(await later).toBe(6);
    expect(order).toEqual(['now', 'after now', 'after later', 'later']);
  });

  it('adopts any thenable, and a throw in the step rejects only on the promise branch', async () => {
    // A promise of another library: only `then`, which calls back once.
    const thenable: PromiseLike<number> = {
      then: (onFulfilled) => Promise.resolve(onFulfilled ? onFulfilled(5) : 5) as never,
    };
    expect(await andThen(thenable, (value) => value + 1)).toBe(6);
    expect(isPending(undefined)).toBe(false);
    expect(isPending(null)).toBe(false);
    const boom = () => {
      throw new Error('boom');
    };
    expect(() => andThen(1, boom)).toThrow('boom');
    await expect(andThen(Promise.resolve(1), boom)).rejects.toThrow('boom');
  });
});

describe('a store that answers by promise', () => {
  it('answers handle queries', async () => {
    const store = new PromiseStore();
    const url = await directoryOver(store);
    const { host, handleId } = await hostedGame(url, 'queried');
    const seeker = await player(url, 'Seeker');
    const before = store.calls;
    const found = await call(url, 'POST', '/handles/query?include=relatedInfo', {
      as: seeker,
      body: { type: 'activity', scid, owners: { xuids: [host.xuid] } },
    });
    expect(found.status, found.text).toBe(200);
    expect(found.json<{ results: { id: string }[] }>().results.map((r) => r.id)).toEqual([
      handleId,
    ]);
    expect(store.calls).toBeGreaterThan(before);
  });

  it('serves joins by handle, reads, leaves and handle deletion as the in-memory store does', async () => {
    const store = new PromiseStore();
    const url = await directoryOver(store);
    const { host, handleId } = await hostedGame(url, 'promised');
    const guest = await player(url, 'Guest');
    const joined = await call(url, 'PUT', `/handles/${handleId}/session`, {
      as: guest,
      body: joinBody(guest),
    });
    expect(joined.status, joined.text).toBe(200);
    const doc = expectSessionDocument(joined);
    expect(Object.values(doc.members ?? {}).map((m) => m.constants?.system?.xuid)).toEqual([
      host.xuid,
      guest.xuid,
    ]);
    const byHandle = await call(url, 'GET', `/handles/${handleId}/session`, { as: guest });
    expect(byHandle.status).toBe(200);
    expect(byHandle.headers.get('etag')).toBe(joined.headers.get('etag'));
    expect((await call(url, 'GET', `/handles/${handleId}`, { as: guest })).status).toBe(200);
    expect(
      (await call(url, 'DELETE', `${sessionUrl('promised', 'game')}/members/me`, { as: guest }))
        .status,
    ).toBe(204);
    const after = expectSessionDocument(
      await call(url, 'GET', sessionUrl('promised', 'game'), { as: host }),
    );
    expect(Object.keys(after.members ?? {})).toHaveLength(1);
    expect((await call(url, 'DELETE', `/handles/${handleId}`, { as: guest })).status).toBe(403);
    expect((await call(url, 'DELETE', `/handles/${handleId}`, { as: host })).status).toBe(204);
    expect((await call(url, 'GET', `/handles/${handleId}`, { as: host })).status).toBe(404);
    expect((await call(url, 'GET', sessionUrl('never-made', 'game'), { as: host })).status).toBe(
      204,
    );
    expect(store.calls).toBeGreaterThan(10);
  });

  it('checks a transfer handle against the origin session it reads', async () => {
    const url = await directoryOver(new PromiseStore());
    const host = await player(url, 'Lobby host');
    const outsider = await player(url, 'Outsider');
    await call(url, 'PUT', sessionUrl('lobby-1', 'lobby'), { as: host, body: joinBody(host) });
    await call(url, 'PUT', sessionUrl('match-1', 'game'), { as: host, body: joinBody(host) });
    const made = await call(url, 'POST', '/handles', {
      as: host,
      body: {
        version: 1,
        type: 'transfer',
        sessionRef: { scid, templateName: 'game', name: 'match-1' },
        originSessionRef: { scid, templateName: 'lobby', name: 'lobby-1' },
      },
    });
    expect(made.status, made.text).toBe(201);
    const path = `/handles/${made.json<{ id: string }>().id}/session`;
    const refused = await call(url, 'PUT', path, { as: outsider, body: joinBody(outsider) });
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/origin session/);
    expect((await call(url, 'PUT', path, { as: host, body: joinBody(host) })).status).toBe(200);
  });

  it('deletes an expired handle and answers 404', async () => {
    const clock = { t: Date.now(), now: () => clock.t };
    const url = await directoryOver(new PromiseStore(), clock);
    const { handleId } = await hostedGame(url, 'short-lived');
    const guest = await player(url, 'Late guest');
    clock.t += 60_001;
    const late = await call(url, 'PUT', `/handles/${handleId}/session`, {
      as: guest,
      body: joinBody(guest),
    });
    expect(late.status).toBe(404);
    expect(late.text).toMatch(/expired/);
    // Deleted, not just refused: it is unknown from now on.
    const again = await call(url, 'GET', `/handles/${handleId}`, { as: guest });
    expect(again.text).toMatch(/never existed, was deleted, or has expired/);
  });

  it('never oversells seats: 40 parallel joins by handle into 16 seats', async () => {
    const url = await directoryOver(new PromiseStore());
    const { host, handleId } = await hostedGame(url, 'crowded');
    const joiners = await Promise.all(
      Array.from({ length: 40 }, (_, i) => player(url, `Crowd ${i}`)),
    );
    const answers = await Promise.all(
      joiners.map((p) =>
        call(url, 'PUT', `/handles/${handleId}/session`, { as: p, body: joinBody(p) }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(15);
    const full = answers.filter((a) => a.status === 403);
    expect(full).toHaveLength(25);
    for (const answer of full) expect(answer.text).toMatch(/session is full/);
    const final = expectSessionDocument(
      await call(url, 'GET', sessionUrl('crowded', 'game'), { as: host }),
    );
    expect(Object.keys(final.members ?? {}).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 16 }, (_, i) => String(i)),
    );
    expect(final.membersInfo).toMatchObject({ count: 16, accepted: 16, next: 16 });
  });

  it('a sweep whose store rejects goes to stderr, and the request that triggered it is answered', async () => {
    const stderr = captureStderr();
    const store = new PromiseStore();
    const clock = { t: Date.now(), now: () => clock.t };
    const url = await directoryOver(store, clock);
    const { host } = await hostedGame(url, 'sweep-fails');
    store.failing = { method: 'deleteExpiredHandles', how: 'reject' };
    clock.t += 60_001;
    // The first authenticated request after the sweep interval starts the sweep, which fails.
    const read = await call(url, 'GET', sessionUrl('sweep-fails', 'game'), { as: host });
    expect(Object.keys(expectSessionDocument(read).members ?? {})).toHaveLength(1);
    await vi.waitFor(() => {
      expect(stderr.text()).toContain('directory: sweep failed: Error: store unreachable');
    });
    expect(stderr.text()).not.toContain(host.authorization);
    // The directory keeps serving, and the next interval sweeps again (this time without failing).
    store.failing = undefined;
    const calls = store.calls;
    clock.t += 60_001;
    const again = await call(url, 'GET', sessionUrl('sweep-fails', 'game'), { as: host });
    expect(again.status).toBe(200);
    await vi.waitFor(() => expect(store.calls).toBeGreaterThanOrEqual(calls + 3));
  });

  it.each([
    ['update', 'reject'],
    ['update', 'throw'],
    ['getHandle', 'reject'],
    ['getHandle', 'throw'],
  ] as const)(
    'a store whose %s %ss answers 500 and the directory keeps serving',
    async (method, how) => {
      const stderr = captureStderr();
      const store = new PromiseStore();
      const url = await directoryOver(store);
      const { host, handleId } = await hostedGame(url, `failing-${method}-${how}`);
      const guest = await player(url, 'Unlucky');
      store.failing = { method, how };
      const failed = await call(url, 'PUT', `/handles/${handleId}/session`, {
        as: guest,
        body: joinBody(guest),
      });
      expect(failed.status).toBe(500);
      expect(failed.text).toBe('Internal server error.');
      const logged = stderr.text();
      expect(logged).toContain(`directory: internal error on PUT /handles/${handleId}/session`);
      expect(logged).toContain(`store `);
      expect(logged).not.toContain(guest.authorization);
      store.failing = undefined;
      const retried = await call(url, 'PUT', `/handles/${handleId}/session`, {
        as: guest,
        body: joinBody(guest),
      });
      expect(retried.status, retried.text).toBe(200);
      expect(
        Object.keys(
          expectSessionDocument(
            await call(url, 'GET', sessionUrl(`failing-${method}-${how}`, 'game'), { as: host }),
          ).members ?? {},
        ),
      ).toHaveLength(2);
    },
  );
});
