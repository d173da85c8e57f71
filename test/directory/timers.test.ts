/**
 * MPSD's removal timers, applied lazily on the next read or write, driven by an injected clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import { MemorySessionStore } from '../../src/directory/memory-session-store';
import type { RunningDirectory } from '../../src/directory/directory-options';
import {
  call,
  expectSessionDocument,
  joinBody,
  player,
  sessionUrl,
  type Player,
} from './directory-test-client';

const clock = { t: Date.parse('2026-03-01T10:00:00Z'), now: () => clock.t };
let directory: RunningDirectory;
let url: string;
let host: Player;
let guest: Player;

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false, clock });
  url = directory.url;
  host = await player(url, 'Timer Host');
  guest = await player(url, 'Timer Guest');
});
afterAll(() => directory.close());

const get = async (path: string) =>
  expectSessionDocument(await call(url, 'GET', path, { as: host }));

describe('lazy timers', () => {
  it('removes a reservation after reservedRemovalTimeout (30 s by default)', async () => {
    const path = sessionUrl('reserved-timeout');
    await call(url, 'PUT', path, { as: host, body: joinBody(host) });
    const reserved = await call(url, 'PUT', path, {
      as: host,
      body: { members: { reserve_0: { constants: { system: { xuid: guest.xuid } } } } },
    });
    const withReservation = expectSessionDocument(reserved);
    expect(withReservation.membersInfo?.count).toBe(2);
    expect(withReservation.nextTimer).toBe(new Date(clock.t + 30_000).toISOString());
    clock.t += 29_999;
    expect((await get(path)).membersInfo?.count).toBe(2);
    clock.t += 1;
    const after = await get(path);
    expect(after.membersInfo).toMatchObject({ count: 1, next: 2 });
    expect(after.changeNumber).toBe((withReservation.changeNumber ?? 0) + 1);
    expect(after.nextTimer).toBeUndefined();
  });

  it('removes an inactive member on the next evaluation (107 default 0), and a ready one after 180 s', async () => {
    const path = sessionUrl('inactive-timeout');
    await call(url, 'PUT', path, { as: host, body: joinBody(host) });
    await call(url, 'PUT', path, { as: guest, body: joinBody(guest) });
    const inactive = await call(url, 'PUT', path, {
      as: guest,
      body: { members: { me: { properties: { system: { active: false } } } } },
    });
    expect(expectSessionDocument(inactive).membersInfo?.count).toBe(2);
    expect((await get(path)).membersInfo?.count).toBe(1);

    await call(url, 'PUT', path, {
      as: guest,
      body: { members: { me: { properties: { system: { ready: true } } } } },
    });
    clock.t += 179_000;
    expect((await get(path)).membersInfo?.count).toBe(2);
    clock.t += 1_000;
    expect((await get(path)).membersInfo?.count).toBe(1);
  });

  it('keeps an empty session for sessionEmptyTimeout, then deletes it', async () => {
    const path = sessionUrl('empty-timeout', 'persistent');
    expect((await call(url, 'PUT', path, { as: host, body: joinBody(host) })).status).toBe(201);
    const left = await call(url, 'PUT', path, { as: host, body: { members: { me: null } } });
    expect(left.status).toBe(200);
    expect(expectSessionDocument(left).membersInfo).toMatchObject({ count: 0, first: 1, next: 1 });
    clock.t += 3_599_999;
    expect((await call(url, 'GET', path, { as: host })).status).toBe(200);
    clock.t += 1;
    expect((await call(url, 'GET', path, { as: host })).status).toBe(204);
  });

  it('drops properties.system.host when the host member is removed', async () => {
    const path = sessionUrl('host-leaves');
    const sda = Buffer.from('127.0.0.1:4000').toString('base64');
    const created = expectSessionDocument(
      await call(url, 'PUT', path, {
        as: host,
        body: joinBody(host, { secureDeviceAddress: sda }),
      }),
    );
    const token = created.members?.['0']?.deviceToken;
    expect(token).toBeTruthy();
    await call(url, 'PUT', path, { as: host, body: { properties: { system: { host: token } } } });
    await call(url, 'PUT', path, { as: guest, body: joinBody(guest) });
    expect((await get(path)).properties?.system?.host).toBe(token);
    const bogus = await call(url, 'PUT', path, {
      as: guest,
      body: { properties: { system: { host: 'feedface' } } },
    });
    expect(expectSessionDocument(bogus).properties?.system?.host).toBeUndefined();
    await call(url, 'PUT', path, { as: host, body: { properties: { system: { host: token } } } });
    const hostLeft = await call(url, 'PUT', path, { as: host, body: { members: { me: null } } });
    expect(expectSessionDocument(hostLeft).properties?.system?.host).toBeUndefined();
  });

  it('expires handles after handleLifetimeMs', async () => {
    const short = await startDirectory({ rateLimits: false, clock, handleLifetimeMs: 5_000 });
    try {
      const owner = await player(short.url, 'Owner');
      const name = 'handle-lifetime';
      await call(short.url, 'PUT', sessionUrl(name), { as: owner, body: joinBody(owner) });
      const handle = await call(short.url, 'POST', '/handles', {
        as: owner,
        body: {
          version: 1,
          type: 'activity',
          sessionRef: { scid: sessionUrl(name).split('/')[2], templateName: 'default', name },
        },
      });
      const { id, expiration } = handle.json<{ id: string; expiration: string }>();
      expect(expiration).toBe(new Date(clock.t + 5_000).toISOString());
      clock.t += 4_999;
      expect((await call(short.url, 'GET', `/handles/${id}`, { as: owner })).status).toBe(200);
      clock.t += 1;
      expect((await call(short.url, 'GET', `/handles/${id}`, { as: owner })).status).toBe(404);
    } finally {
      await short.close();
    }
  });

  it('sweeps expired handles and abandoned sessions once a minute, on the next request', async () => {
    const store = new MemorySessionStore();
    const swept = await startDirectory(
      { rateLimits: false, clock, handleLifetimeMs: 10_000 },
      store,
    );
    try {
      const owner = await player(swept.url, 'Abandoner');
      const name = 'abandoned';
      const path = sessionUrl(name);
      await call(swept.url, 'PUT', path, { as: owner, body: joinBody(owner) });
      await call(swept.url, 'POST', '/handles', {
        as: owner,
        body: {
          version: 1,
          type: 'activity',
          sessionRef: { scid: path.split('/')[2], templateName: 'default', name },
        },
      });
      // Going inactive empties the session on its next evaluation; nobody reads it again.
      await call(swept.url, 'PUT', path, {
        as: owner,
        body: { members: { me: { properties: { system: { active: false } } } } },
      });
      expect(store.size).toEqual({ sessions: 1, handles: 1 });
      clock.t += 60_000;
      await call(swept.url, 'GET', sessionUrl('unrelated'), { as: owner });
      await new Promise((resolve) => setImmediate(resolve));
      expect(store.size).toEqual({ sessions: 0, handles: 0 });
    } finally {
      await swept.close();
    }
  });
});
