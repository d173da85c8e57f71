/**
 * Two variants of the directory side by side on a workload of directory-bench.ts, to tell apart
 * changes of a few per cent that its ratio against a bare server cannot resolve (its rounds range
 * over a third, and the machine's speed drifts within a run). A variant is a built
 * `directory/cli.js` and extra Node flags:
 *
 *   BENCH_B_FLAGS="--max-semi-space-size=16" npm run bench:compare
 *   BENCH_B_CLI=../other-worktree/dist/directory/cli.js BENCH_WORKLOAD=reput npm run bench:compare
 *
 * Both run at once, each in its own process, set up in turn batch by batch so neither waits idle
 * while the other is prepared. Their rounds then alternate A B, B A, … so a drift of the machine
 * hits both alike, and each pair gives B's requests/s over A's and A's CPU per request over B's
 * (above 1: B is faster). Two processes of one build differ too (see docs/benchmarks.md), so
 * compare a change with its own A/A run before trusting a difference smaller than that.
 */
import { resolve } from 'node:path';
import {
  benchShape,
  hostSession,
  joinRequest,
  line,
  load,
  median,
  reputRequests,
  reputSessions,
  seats,
  startDirectoryProcess,
  tokens,
  type BenchPlayer,
  type LoadResult,
  type ServerProcess,
} from './directory-bench';

interface Variant {
  readonly name: 'A' | 'B';
  readonly cli: string;
  readonly flags: readonly string[];
}

const variant = (name: 'A' | 'B'): Variant => ({
  name,
  cli: resolve(process.env[`BENCH_${name}_CLI`] ?? 'dist/directory/cli.js'),
  flags: (process.env[`BENCH_${name}_FLAGS`] ?? '').split(/\s+/).filter(Boolean),
});

/** `join`: distinct players joining through activity handles; `reput`: members re-writing. */
const workload = process.env.BENCH_WORKLOAD ?? 'join';
const pairs = Number(process.env.BENCH_PAIRS ?? 6);
/** Joins per round and re-PUT round length as directory-bench.ts takes them. */
const { rounds, joinsPerRound, seconds, warmupRounds } = benchShape();
/**
 * How many players have joined each directory before its re-PUT rounds: by default as many as
 * directory-bench.ts has joined when its re-PUT rounds start (its warm-up and rounds of joins). A
 * directory holding a few hundred members collects garbage differently from one holding 90 000.
 */
const reputPlayers = Number(
  process.env.BENCH_REPUT_PLAYERS ?? (warmupRounds + rounds) * joinsPerRound,
);
/** Identities are minted and sessions hosted in steps of this many, alternating the variants. */
const setupStep = 10;
/** Before re-PUT rounds, players join in steps of this many, alternating the variants. */
const reputJoinStep = 5_000;

/** A running variant: its server, and the players and sessions its rounds use. */
class RunningVariant {
  readonly handles: string[] = [];
  readonly joiners: BenchPlayer[] = [];
  #joined = 0;

  constructor(readonly server: ServerProcess) {}

  static async start(v: Variant): Promise<RunningVariant> {
    const server = await startDirectoryProcess({
      name: `directory ${v.name}`,
      cli: v.cli,
      flags: v.flags,
    });
    return new RunningVariant(server);
  }

  /** Mints `count` hosts with their sessions and `count × 15` joiners, names from `prefix`. */
  async prepare(count: number, prefix: string): Promise<void> {
    const { url } = this.server;
    const hosts = await tokens(url, count, `${prefix}0`);
    this.joiners.push(...(await tokens(url, count * (seats - 1), `${prefix}1`)));
    for (const host of hosts) {
      this.handles.push(await hostSession(url, host, `compare-${this.handles.length}`));
    }
  }

  /** The next `amount` players join, sessions filling one after another. */
  join(amount: number): Promise<LoadResult> {
    const requests = Array.from({ length: amount }, () =>
      joinRequest(this.handles, this.joiners, this.#joined++),
    );
    return load({ url: this.server.url, amount, requests }, this.server);
  }

  /** Every member of the first `reputSessions` sessions re-writes a custom property, for `seconds`. */
  reput(): Promise<LoadResult> {
    const requests = reputRequests(this.joiners, (i) => `compare-${i}`);
    return load({ url: this.server.url, duration: seconds, requests }, this.server);
  }

  /** One measured round of the workload. */
  round(): Promise<LoadResult> {
    return workload === 'reput' ? this.reput() : this.join(joinsPerRound);
  }
}

export default async function directoryCompare(): Promise<void> {
  if (workload !== 'join' && workload !== 'reput') {
    throw new Error(`BENCH_WORKLOAD is "join" or "reput", not "${workload}"`);
  }
  const a = variant('A');
  const b = variant('B');
  console.log(`A: ${a.cli} ${a.flags.join(' ')}\nB: ${b.cli} ${b.flags.join(' ')}`);
  const running = [await RunningVariant.start(a), await RunningVariant.start(b)] as const;
  try {
    // Joins: a warm-up round each, then `pairs` pairs, every join a new player. Re-PUTs: the
    // members of the first 50 full sessions, on a directory holding `reputPlayers` players.
    const sessions =
      workload === 'join'
        ? Math.ceil(((2 * pairs + 1) * joinsPerRound) / (seats - 1))
        : Math.max(reputSessions, Math.ceil(reputPlayers / (seats - 1)));
    const prefixes = ['25340', '25350'] as const;
    for (let first = 0; first < sessions; first += setupStep) {
      const step = String(first / setupStep).padStart(5, '0');
      for (const [i, state] of running.entries()) {
        await state.prepare(Math.min(setupStep, sessions - first), `${prefixes[i]}${step}`);
      }
    }
    if (workload === 'reput') {
      // The players join in turn too, a batch each, as the identities are minted: neither
      // directory waits idle while the other fills up (see docs/benchmarks.md).
      const players = sessions * (seats - 1);
      for (let joined = 0; joined < players; joined += reputJoinStep) {
        for (const state of running) await state.join(Math.min(reputJoinStep, players - joined));
      }
    }
    for (const state of running) await state.round();
    const [stateA, stateB] = running;
    const throughput: number[] = [];
    const cpu: number[] = [];
    const p99: Record<'A' | 'B', number[]> = { A: [], B: [] };
    for (let pair = 0; pair < pairs; pair += 1) {
      const ordered = pair % 2 === 0 ? [stateA, stateB] : [stateB, stateA];
      const results = new Map<RunningVariant, LoadResult>();
      for (const state of ordered) results.set(state, await state.round());
      const ra = results.get(stateA) as LoadResult;
      const rb = results.get(stateB) as LoadResult;
      console.log(line(`pair ${pair + 1} A`, ra));
      console.log(line(`pair ${pair + 1} B`, rb));
      throughput.push(rb.requestsPerSecond / ra.requestsPerSecond);
      cpu.push(ra.serverCpuUs / rb.serverCpuUs);
      p99.A.push(ra.p99);
      p99.B.push(rb.p99);
    }
    const list = (values: number[]) => values.map((v) => v.toFixed(2)).join(', ');
    const name = workload === 'join' ? 'join by handle' : 'members re-PUT properties';
    console.log(
      `${name}, B against A: requests/s ${median(throughput).toFixed(3)} (pairs ${list(throughput)}), ` +
        `CPU per request A/B ${median(cpu).toFixed(3)} (pairs ${list(cpu)}), ` +
        `p99 A ${median(p99.A).toFixed(1)} ms, B ${median(p99.B).toFixed(1)} ms`,
    );
  } finally {
    for (const state of running) await state.server.close();
  }
}

await directoryCompare();
