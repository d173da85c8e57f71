/**
 * What two directory processes racing for the same sessions cost the database per join, counted by
 * the PostgreSQL stores themselves (exact, so load on the machine moves them far less than joins/s
 * or latencies): two stores with pools of their own in this process, on a durable embedded
 * PostgreSQL, 3 000 joins in the bench's pattern (15 into each session, in order) by 50 joiners
 * taking the next join as each finishes, alternately through one store and the other. Prints
 * statements, transactions, round trips, batches, lost races, locked writes and the writes folded
 * into a retry, per join (docs/directory-at-scale.md, "Measured").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/directory/store/embedded-postgres-server';
import { createPool } from '../src/directory/store/directory-backend';
import { migrate } from '../src/directory/store/postgres-migrations';
import {
  PostgresSessionStore,
  type StoreCounters,
} from '../src/directory/store/postgres-session-store';
import type { SessionRecord } from '../src/directory/session-record';
import type { Mutation } from '../src/directory/session-store';

const joins = Number(process.env.BENCH_RACE_JOINS ?? 3_000);
const seats = 16;
const joiners = 50;

/** A record that carries only the names seated (no members, so no timers). */
type Table = SessionRecord & { readonly seated: readonly string[] };

const seat =
  (name: string) =>
  (current: SessionRecord | undefined): Mutation<number | 'full'> => {
    const before = current as Table;
    if (before.seated.length >= seats) return { action: 'keep', result: 'full' };
    const record = { ...before, seated: [...before.seated, name] } as Table;
    return { action: 'store', record, result: before.seated.length };
  };

export default async function sessionRacesBench(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rallypoint-races-bench-'));
  const server = await startEmbeddedPostgres({ dataDir });
  const pools = [1, 2].map(() => createPool(server.url, 10, (text) => console.log(`  ${text}`)));
  try {
    await migrate(pools[0] as (typeof pools)[0]);
    const stores = pools.map((pool) => new PostgresSessionStore(pool, { notify: false }));
    const sessions = Math.ceil(joins / (seats - 1));
    const empty = { changeNumber: 0, members: [], seated: [] } as unknown as Table;
    // Each session is created through one store or the other, as a host's request would be.
    for (let s = 0; s < sessions; s += 1) {
      await stores[s % 2]?.update(`race~${s}`, () => ({
        action: 'store',
        record: empty,
        result: 0,
      }));
    }
    const before = stores.map((store) => ({ ...store.counters }));
    let next = 0;
    let full = 0;
    await Promise.all(
      Array.from({ length: joiners }, async (_, joiner) => {
        const store = stores[joiner % 2] as PostgresSessionStore;
        for (let k = next++; k < joins; k = next++) {
          const answer = await store.update(`race~${Math.floor(k / (seats - 1))}`, seat(`p${k}`));
          if (answer === 'full') full += 1;
        }
      }),
    );
    const per = (name: keyof StoreCounters) =>
      (
        stores.reduce((sum, store, i) => sum + store.counters[name] - (before[i]?.[name] ?? 0), 0) /
        joins
      ).toFixed(3);
    console.log(`two stores racing: ${joins} joins, 15 into each session, ${joiners} joiners`);
    console.log(
      `  per join: ${per('statements')} statements, ${per('transactions')} transactions, ${per('roundTrips')} round trips, ${per('batches')} batches, ${per('conflicts')} lost races, ${per('staleRows')} stale rows, ${per('lockedWrites')} locked writes, ${per('folded')} folded into a retry${full > 0 ? ` (${full} found the session full: a bug)` : ''}`,
    );
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
