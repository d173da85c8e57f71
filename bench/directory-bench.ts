/**
 * Directory throughput next to a bare `node:http` server answering a JSON body of the same size, in
 * the same run on the same machine. Each server runs in a plain `node` process of its own with the
 * same flags — the directory as it ships (the built bundle, through its command line) — and the load
 * generator in a third. Two workloads, each with 50 concurrent connections:
 *
 * - join: distinct players joining 16-seat sessions through activity handles
 *   (`PUT /handles/{id}/session`), every request a new member;
 * - re-PUT: members of full 16-seat sessions re-writing their properties (every write changes the
 *   session, so it is stored, gets a new ETag and is rendered again).
 *
 * The bare server gets the same request bytes as the directory and answers a body of the same size
 * (the directory's mean answer minus its header bytes, measured on the wire). Each directory round
 * sits between two bare runs and is compared with their mean. Prints requests/s, p50 and p99 latency
 * and each server's CPU time per request, and the ratios directory / bare, the median of the rounds.
 * On a machine shared with other work the throughput ratio is noisy; the CPU-per-request ratio
 * depends less on that load.
 */
import { connect } from 'node:net';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const connections = 50;
const root = fileURLToPath(new URL('..', import.meta.url));
/** Seats of every session the directory benches fill: a host and 15 joiners. */
export const seats = 16;
export const scid = '4f1d2c3b-5a69-4788-9a0b-1c2d3e4f5a6b';
export const contract = { 'x-xbl-contract-version': '107', 'content-type': 'application/json' };

interface LoadPlan {
  readonly url: string;
  /** Fixed number of requests, or a duration in seconds. */
  readonly amount?: number;
  readonly duration?: number;
  /** One entry per request, cycled: method, path, headers, body. */
  readonly requests: ReadonlyArray<{
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: string;
  }>;
}

/**
 * Node flags of both server processes, read from the `directory` script in package.json (the
 * flags before `--import`), so the bench runs the directory the way `npm run directory` does. The
 * bare server gets the same flags so the two differ in nothing but what they do per request.
 */
const serverNodeFlags = ((): string[] => {
  // An experiment with other flags (`BENCH_NODE_FLAGS="--max-semi-space-size=16"`) gives them to
  // both servers instead.
  const override = process.env.BENCH_NODE_FLAGS;
  if (override !== undefined) return override.split(/\s+/).filter(Boolean);
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = (packageJson.scripts.directory ?? '').split(/\s+/);
  const flags = words.slice(words.indexOf('node') + 1, words.indexOf('--import'));
  if (words[0] !== 'node' || flags.some((flag) => !flag.startsWith('--'))) {
    throw new Error(
      `package.json's directory script is not "node <flags> --import …": ${words.join(' ')}`,
    );
  }
  return flags;
})();

/**
 * The bare baseline, plain JavaScript run by plain `node` as the built directory is: reads each
 * request's body, then answers one JSON body of `argv[1]` bytes.
 */
const bareServerSource = `
  const { createServer } = require('node:http');
  const bytes = Number(process.argv[1]);
  const body = JSON.stringify({ filler: 'x'.repeat(Math.max(0, bytes - '{"filler":""}'.length)) });
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log('bare listening on http://127.0.0.1:' + server.address().port));
  process.on('SIGINT', () => process.exit(0));
`;

/** A server of this bench in a process of its own. */
export interface ServerProcess {
  readonly url: string;
  /** The process's CPU time so far (user + system), in microseconds; NaN where unknown. */
  cpu(): number;
  close(): Promise<void>;
}

/**
 * CPU time of a process from /proc (Linux; clock ticks of 10 ms, the kernel's USER_HZ). Elsewhere
 * NaN, and the bench prints no CPU figures.
 */
function processCpuMicros(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return NaN;
  }
}

/** Starts `node <flags> <args>` and resolves once it prints `… listening on http://…`. */
export async function startServer(name: string, args: readonly string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...serverNodeFlags, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then(() => reject(new Error(`${name} exited before listening: ${output}`)));
  });
  const pid = child.pid ?? -1;
  return {
    url,
    cpu: () => processCpuMicros(pid),
    close: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

/**
 * The directory as it ships: the built bundle, through its own command line. `cli` and `flags`
 * (Node flags after the `directory` script's, so they override them) let bench:compare start
 * another build or flag set the same way.
 */
export const startDirectoryProcess = ({
  name = 'directory',
  cli = join(root, 'dist/directory/cli.js'),
  flags = [],
}: { name?: string; cli?: string; flags?: readonly string[] } = {}) =>
  startServer(name, [
    ...flags,
    cli,
    '--port',
    '0',
    '--no-rate-limits',
    // The bench mints one identity per player it joins (about 96 000 with the defaults).
    '--dev-identities-max',
    '1000000',
  ]);

const startBareProcess = (bytes: number) =>
  startServer('bare server', ['-e', bareServerSource, String(bytes)]);

/** A directory somebody else started (BENCH_URL): no CPU figures. */
const externalServer = (url: string): ServerProcess => ({
  url,
  cpu: () => NaN,
  close: () => Promise.resolve(),
});

export interface LoadResult {
  readonly requestsPerSecond: number;
  /** How long the run took, in seconds. */
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly meanBytes: number;
  /** CPU time the server's process spent per answered request, in microseconds. */
  readonly serverCpuUs: number;
}

/**
 * Runs autocannon in a child process, so the load generator shares neither a process nor an event
 * loop with the server; the server's own CPU time is asked of its process before and after.
 */
export async function load(plan: LoadPlan, server: ServerProcess): Promise<LoadResult> {
  const source = `
    const autocannon = require(require.resolve('autocannon', { paths: [process.argv[1]] }));
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk));
    process.stdin.on('end', () => {
      const { plan, connections } = JSON.parse(input);
      let next = 0;
      const requests = [{
        setupRequest(request) {
          const entry = plan.requests[next++ % plan.requests.length];
          request.method = entry.method;
          request.path = entry.path;
          request.headers = entry.headers;
          request.body = entry.body;
          return request;
        },
      }];
      // autocannon notices that a run ended only on its sample tick (1 s by default): a fixed
      // amount of requests done in 1.1 s would be reported as taking 2 s. A 10 ms tick makes the
      // reported duration the real one, for the directory and the bare server alike.
      const options = { url: plan.url, connections, requests, sampleInt: 10 };
      if (plan.amount !== undefined) options.amount = plan.amount;
      else options.duration = plan.duration;
      autocannon(options, (error, result) => {
        if (error) return process.stdout.write(JSON.stringify({ error: String(error) }));
        process.stdout.write(JSON.stringify({
          requestsPerSecond: result.requests.total / result.duration,
          seconds: result.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          total: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          meanBytes: result.throughput.total / Math.max(1, result.requests.total),
        }));
      });
    });
  `;
  const child = spawn(process.execPath, ['-e', source, root], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const before = server.cpu();
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.stdin.end(JSON.stringify({ plan, connections }));
  const code = await exited;
  const used = server.cpu() - before;
  const message = JSON.parse(output || '{"error":"no output"}') as
    Omit<LoadResult, 'serverCpuUs'> | { error: string };
  if (code !== 0 || 'error' in message) throw new Error(`load generator failed: ${output}`);
  return { ...message, serverCpuUs: used / Math.max(1, message.total) };
}

type PlannedRequest = LoadPlan['requests'][number];

/**
 * Bytes of the status line and headers of one answer, read off the wire. The directory's answers
 * carry more headers (ETag, Content-Location, Cache-Control) than the bare server's, so the bare
 * body is sized from the directory's body, not from its whole answer.
 */
async function headerBytes(url: string, request: PlannedRequest): Promise<number> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `host: ${hostname}:${port}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`);
  const body = request.body ?? '';
  lines.push(`content-length: ${Buffer.byteLength(body)}`, 'connection: close');
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  let received = Buffer.alloc(0);
  for await (const chunk of socket) {
    received = Buffer.concat([received, chunk as Buffer]);
    const end = received.indexOf('\r\n\r\n');
    if (end >= 0) {
      socket.destroy();
      return end + 4;
    }
  }
  throw new Error(`no answer headers from ${url}${request.path}`);
}

export async function post(
  url: string,
  path: string,
  body: unknown,
  authorization?: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(url + path, {
    method: path === '/handles' || path === '/dev/tokens' ? 'POST' : 'PUT',
    headers: { ...contract, ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  if (response.status >= 300)
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/**
 * Mints one development identity, trying again when the connection drops before an answer: on a
 * loaded machine fetch can reuse a keep-alive socket the directory is closing at that moment, and
 * fetch never retries a POST itself. Minting the same XUID again only issues a fresh token.
 */
async function mintOnce(
  url: string,
  identity: { xuid: string; gamertag: string },
): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await post(url, '/dev/tokens', identity);
    } catch (error) {
      const dropped = error instanceof TypeError && error.message === 'fetch failed';
      if (!dropped || attempt === 3) throw error;
    }
  }
}

export async function tokens(
  url: string,
  count: number,
  prefix: string,
): Promise<Array<{ xuid: string; authorization: string }>> {
  const out: Array<{ xuid: string; authorization: string }> = [];
  const batch = 100;
  for (let start = 0; start < count; start += batch) {
    const minted = await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, (_, i) =>
        mintOnce(url, {
          xuid: `${prefix}${String(start + i).padStart(7, '0')}`,
          gamertag: `Bench ${start + i}`,
        }),
      ),
    );
    out.push(
      ...minted.map((t) => ({ xuid: String(t.xuid), authorization: String(t.authorization) })),
    );
  }
  return out;
}

/**
 * `host` creates the 16-seat session `name` (as a member) and an activity handle to it; returns the
 * handle's id, which the join workloads put their players through.
 */
export async function hostSession(
  url: string,
  host: { xuid: string; authorization: string },
  name: string,
): Promise<string> {
  await post(
    url,
    `/serviceconfigs/${scid}/sessionTemplates/game/sessions/${name}`,
    JSON.parse(joinBody(host.xuid)),
    host.authorization,
  );
  const handle = await post(
    url,
    '/handles',
    { version: 1, type: 'activity', sessionRef: { scid, templateName: 'game', name } },
    host.authorization,
  );
  return String(handle.id);
}

/** Where joiner `k` joins: sessions fill one after another, 15 joiners each, through their handles. */
export const joinPath = (handles: readonly string[], k: number) =>
  `/handles/${handles[Math.floor(k / (seats - 1))]}/session`;

export const joinBody = (xuid: string) =>
  JSON.stringify({
    members: {
      me: {
        constants: { system: { xuid, initialize: true } },
        properties: {
          system: { active: true, connection: '0f5e3c2a-1b4d-4e6f-8a9b-0c1d2e3f4a5b' },
        },
      },
    },
  });

/** A player of the benches: a minted development identity. */
export interface BenchPlayer {
  readonly xuid: string;
  readonly authorization: string;
}

/**
 * Player `k` of `joiners` joining through `handles` (see {@link joinPath}). Each request is a new
 * player; sessions fill one after another, so documents grow from 2 to 16 members as real joins
 * make them.
 */
export function joinRequest(
  handles: readonly string[],
  joiners: readonly BenchPlayer[],
  k: number,
) {
  const joiner = joiners[k];
  if (!joiner) throw new Error('missing joiner');
  return {
    method: 'PUT',
    path: joinPath(handles, k),
    headers: { ...contract, authorization: joiner.authorization },
    body: joinBody(joiner.xuid),
  };
}

/** How many full sessions the re-PUT workload's members belong to. */
export const reputSessions = 50;

/**
 * The re-PUT workload: the members of the first {@link reputSessions} sessions, joined by
 * {@link joinRequest}, with session `i` named `sessionName(i)`, re-writing a custom property; every
 * write is a change.
 */
export function reputRequests(
  joiners: readonly BenchPlayer[],
  sessionName: (index: number) => string,
) {
  const members = reputSessions * (seats - 1);
  return Array.from({ length: members * 8 }, (_, n) => {
    const k = n % members;
    const joiner = joiners[k];
    if (!joiner) throw new Error('missing joiner');
    return {
      method: 'PUT',
      path: `/serviceconfigs/${scid}/sessionTemplates/game/sessions/${sessionName(Math.floor(k / (seats - 1)))}`,
      headers: { ...contract, authorization: joiner.authorization },
      body: JSON.stringify({
        members: { me: { properties: { custom: { score: n, ping: (n * 7) % 90 } } } },
      }),
    };
  });
}

export function line(name: string, result: LoadResult): string {
  return `  ${name.padEnd(30)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s   p50 ${result.p50.toFixed(1).padStart(5)} ms   p99 ${result.p99.toFixed(1).padStart(5)} ms   ${result.total} req, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.meanBytes.toFixed(0)} B/answer, ${result.serverCpuUs.toFixed(0)} µs server CPU/request`;
}

export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** What a bare run copies from the directory run it is compared with. */
type RunShape = Pick<LoadResult, 'meanBytes' | 'seconds'>;

const mean = (a: number, b: number) => (a + b) / 2;

/**
 * Brackets each directory round between two bare runs (bare, directory, bare, directory, …, bare)
 * and compares the round with the mean of the runs just before and after it. On a machine shared
 * with other work the throughput of both servers drifts by a third within a minute; a baseline
 * taken on both sides of the round cancels a drift that is steady over the round, where one taken
 * after it alone did not. The median over the rounds is reported.
 */
async function compare(
  name: string,
  rounds: number,
  directoryRound: (round: number) => Promise<LoadResult>,
  /** A request of the workload: the bare server gets the same bytes. */
  sample: PlannedRequest,
  /** Bytes of the status line and headers of the directory's answers (see {@link headerBytes}). */
  directoryHeaders: number,
  /** The warm-up run: sizes the first bare run, before any measured round. */
  warmup: RunShape,
): Promise<void> {
  console.log(`${name}: ${rounds} rounds, ${connections} connections`);
  /** A bare run shaped like `like`: the same body size, as long. */
  const bareRun = async (like: RunShape, label: string): Promise<LoadResult> => {
    // Same body size as the directory's answers (its mean answer minus its headers).
    const bare = await startBareProcess(Math.round(like.meanBytes) - directoryHeaders);
    try {
      // The directory's own request bytes; the bare server ignores them but reads them alike.
      // A fresh process each run, so each gets the same JIT warm-up.
      const plan = { url: bare.url, requests: [sample] };
      await load({ ...plan, duration: 1 }, bare);
      // As long as the directory's round: a 3 s bare round next to a 6 000-request directory
      // round (under a second) weighed the start of a run (50 new connections, the ramp-up) far
      // more on the directory.
      const result = await load({ ...plan, duration: like.seconds }, bare);
      console.log(line(label, result));
      return result;
    } finally {
      await bare.close();
    }
  };
  const ratios: number[] = [];
  const p99s: number[] = [];
  const bareP99s: number[] = [];
  const cpuRatios: number[] = [];
  let before = await bareRun(warmup, 'bare node:http, before round 1');
  bareP99s.push(before.p99);
  for (let round = 0; round < rounds; round += 1) {
    const measured = await directoryRound(round);
    console.log(line(`round ${round + 1} directory`, measured));
    const after = await bareRun(
      measured,
      round + 1 < rounds ? `bare node:http, after round ${round + 1}` : 'bare node:http, last',
    );
    ratios.push(
      measured.requestsPerSecond / mean(before.requestsPerSecond, after.requestsPerSecond),
    );
    p99s.push(measured.p99);
    bareP99s.push(after.p99);
    cpuRatios.push(mean(before.serverCpuUs, after.serverCpuUs) / measured.serverCpuUs);
    before = after;
  }
  const ratio = median(ratios);
  const p99 = median(p99s);
  console.log(
    `${name}: ratio ${ratio.toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(', ')}; goal >= 0.50), ` +
      `p99 ${p99.toFixed(1)} ms (bare ${median(bareP99s).toFixed(1)} ms; goal < 20 ms): ` +
      `${ratio >= 0.5 ? 'meets' : 'MISSES'} the ratio goal, ${p99 < 20 ? 'meets' : 'MISSES'} the p99 goal; ` +
      `CPU-per-request ratio bare/directory ${median(cpuRatios).toFixed(2)} (rounds ${cpuRatios.map((r) => r.toFixed(2)).join(', ')})\n`,
  );
}

/** A run's shape, from the environment; bench:compare reads the same variables. */
export function benchShape() {
  return {
    rounds: Number(process.env.BENCH_ROUNDS ?? 5),
    // 15 000 joins take a second or two: long enough that a round's start (50 new connections,
    // the ramp-up) is a small part of it, for the directory and for the bare round as long as it.
    joinsPerRound: Number(process.env.BENCH_JOINS ?? 15_000),
    /** How long a re-PUT round lasts, in seconds. */
    seconds: Number(process.env.BENCH_SECONDS ?? 3),
    // At least one: the warm-up also sizes the first bare run.
    warmupRounds: Math.max(1, Number(process.env.BENCH_WARMUP ?? 1)),
  };
}

export default async function directoryBench(): Promise<void> {
  const { rounds, joinsPerRound, seconds, warmupRounds } = benchShape();
  const directory = process.env.BENCH_URL
    ? externalServer(process.env.BENCH_URL)
    : await startDirectoryProcess();
  try {
    const { url } = directory;
    // Join workload: one host per 16-seat session with an activity handle; 15 joiners per session.
    const sessions = Math.ceil(((rounds + warmupRounds) * joinsPerRound) / (seats - 1));
    const hosts = await tokens(url, sessions, '25330');
    const joiners = await tokens(url, sessions * (seats - 1), '25331');
    const handles: string[] = [];
    for (let s = 0; s < sessions; s += 1) {
      const host = hosts[s];
      if (!host) throw new Error('missing host');
      handles.push(await hostSession(url, host, `bench-join-${s}`));
    }
    const join = (k: number) => joinRequest(handles, joiners, k);
    const probeHost = hosts[0];
    if (!probeHost) throw new Error('missing host');
    // The answers' header bytes, read off the wire once with a GET of a session, before any
    // warm-up. A request of another kind than the workload's, sent after the warm-up, made V8
    // drop the code it had optimised for the workload (its objects have other shapes), so the
    // first measured round of each workload ran while the JIT compiled that code again.
    const directoryHeaders = await headerBytes(url, {
      method: 'GET',
      path: `/serviceconfigs/${scid}/sessionTemplates/game/sessions/bench-join-0`,
      headers: { ...contract, authorization: probeHost.authorization },
    });
    // The first round's worth of joins warms the JIT up; rounds 1..N are measured.
    const warmup = Array.from({ length: warmupRounds * joinsPerRound }, (_, k) => join(k));
    const joinWarmup = await load({ url, amount: warmup.length, requests: warmup }, directory);
    await compare(
      'join by handle',
      rounds,
      (round) => {
        const first = (round + warmupRounds) * joinsPerRound;
        const requests = Array.from({ length: joinsPerRound }, (_, k) => join(first + k));
        return load({ url, amount: requests.length, requests }, directory);
      },
      join(joinsPerRound),
      directoryHeaders,
      // Rounds are as long as the warm-up; the warm-up's answers are a few bytes shorter (its
      // sessions' names have fewer digits), which only sizes the first bare run.
      { meanBytes: joinWarmup.meanBytes, seconds: joinWarmup.seconds / warmupRounds },
    );

    // Re-PUT workload: members of 50 full sessions from above re-writing a custom property.
    const reput = reputRequests(joiners, (i) => `bench-join-${i}`);
    const reputWarmup = await load({ url, duration: 1, requests: reput }, directory);
    const reputSample = reput[0];
    if (!reputSample) throw new Error('missing re-PUT request');
    await compare(
      'members re-PUT properties',
      rounds,
      () => load({ url, duration: seconds, requests: reput }, directory),
      reputSample,
      directoryHeaders,
      { meanBytes: reputWarmup.meanBytes, seconds },
    );
  } finally {
    await directory.close();
  }
}
