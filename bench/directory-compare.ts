/**
 * Two variants of the directory side by side on the join workload of directory-bench.ts, to tell
 * apart changes of a few per cent that its ratio against a bare server cannot resolve (its rounds
 * range over a third, and the machine's speed drifts within a run). A variant is a built
 * `directory/cli.js` and extra Node flags:
 *
 *   BENCH_A_FLAGS="--max-semi-space-size=16" npm run bench:compare
 *   BENCH_B_CLI=../other-worktree/dist/directory/cli.js npm run bench:compare
 *
 * Both run at once, each in its own process, set up in turn batch by batch so neither waits idle
 * while the other is prepared. Their join rounds then alternate A B, B A, … so a drift of the
 * machine hits both alike, and each pair gives B's requests/s over A's and A's CPU per join over
 * B's (above 1: B is faster). Two processes of one build differ too (see docs/benchmarks.md), so
 * compare a change with its own A/A run before trusting a difference smaller than that.
 */
import { resolve } from 'node:path';
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

const pairs = Number(process.env.BENCH_PAIRS ?? 6);
const joinsPerRound = Number(process.env.BENCH_JOINS ?? 15_000);
/** Identities are minted and sessions hosted in steps of this many, alternating the variants. */
const setupStep = 10;

/** A running variant with its players minted and its sessions hosted. */
async function start(v: Variant) {
  // Flags after the package.json ones (startServer's) override them.
  const server = await startServer(`directory ${v.name}`, [
    ...v.flags,
    v.cli,
    '--port',
    '0',
    '--no-rate-limits',
    '--dev-identities-max',
    '1000000',
  ]);
  let joined = 0;
  const state = {
    server,
    handles: [] as string[],
    joiners: [] as Array<{ xuid: string; authorization: string }>,
    hosts: [] as Array<{ xuid: string; authorization: string }>,
    /** The next `joinsPerRound` distinct players join, sessions filling one after another. */
    round: (): Promise<LoadResult> => {
      const requests = Array.from({ length: joinsPerRound }, () => {
        const k = joined++;
        const joiner = state.joiners[k];
        if (!joiner) throw new Error('missing joiner');
        return {
          method: 'PUT',
          path: joinPath(state.handles, k),
          headers: { ...contract, authorization: joiner.authorization },
          body: joinBody(joiner.xuid),
        };
      });
      return load({ url: server.url, amount: requests.length, requests }, server);
    },
  };
  return state;
}

export default async function directoryCompare(): Promise<void> {
  const a = variant('A');
  const b = variant('B');
  console.log(`A: ${a.cli} ${a.flags.join(' ')}\nB: ${b.cli} ${b.flags.join(' ')}`);
  const running = [await start(a), await start(b)] as const;
  try {
    // One warm-up round each, then `pairs` pairs.
    const sessions = Math.ceil(((2 * pairs + 1) * joinsPerRound) / (seats - 1));
    const prefixes = ['25340', '25350'] as const;
    for (let first = 0; first < sessions; first += setupStep) {
      const count = Math.min(setupStep, sessions - first);
      for (const [i, state] of running.entries()) {
        const { url } = state.server;
        const prefix = `${prefixes[i]}${String(first / setupStep).padStart(5, '0')}`;
        const hosts = await tokens(url, count, `${prefix}0`);
        state.joiners.push(...(await tokens(url, count * (seats - 1), `${prefix}1`)));
        for (const [s, host] of hosts.entries()) {
          state.handles.push(await hostSession(url, host, `compare-${first + s}`));
        }
      }
    }
    for (const state of running) await state.round();
    const [stateA, stateB] = running;
    const throughput: number[] = [];
    const cpu: number[] = [];
    const p99: Record<'A' | 'B', number[]> = { A: [], B: [] };
    for (let pair = 0; pair < pairs; pair += 1) {
      const ordered = pair % 2 === 0 ? [stateA, stateB] : [stateB, stateA];
      const results = new Map<unknown, LoadResult>();
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
    console.log(
      `join by handle, B against A: requests/s ${median(throughput).toFixed(3)} (pairs ${list(throughput)}), ` +
        `CPU per join A/B ${median(cpu).toFixed(3)} (pairs ${list(cpu)}), ` +
        `p99 A ${median(p99.A).toFixed(1)} ms, B ${median(p99.B).toFixed(1)} ms`,
    );
  } finally {
    for (const state of running) await state.server.close();
  }
}

await directoryCompare();
