/**
 * Cold start of the command line, as ratios against `node -e 0` measured in the same run:
 *
 * - `rallypoint help`: start to exit. It should cost what Node itself costs (nothing but argument
 *   parsing loads).
 * - `rallypoint activate <link> --directory <loopback>`: start to the moment its first
 *   `PUT /handles/{id}/session` arrives at a small loopback server in this process (which also
 *   answers the development sign-in the command does first). The child is stopped there.
 *
 * Goal: activate reaches its first PUT in at most 2× `node -e 0` at the median. Runs interleave
 * the three commands so drift on a shared machine hits all of them alike. Next to wall time it
 * reports CPU time (user + system of the child, up to its exit or that PUT), which a loaded
 * machine disturbs far less: each child runs with bench/cpu-usage-preload.cjs, which reports it on
 * file descriptor 3 (not on Windows, which has no SIGUSR2 to ask with).
 *
 * `activate` runs with a fresh code cache folder, so its first warm-up run writes the cache
 * (src/cli/code-cache-loader.ts) and the measured runs use it, as a player's second and later
 * activations do.
 *
 * It also reports the launcher's side, which is a size rather than a time (the Electron binary is
 * not on every machine): the bytes of dist/main/main.cjs, all the code main evaluates before the
 * first window, against the 300 KB budget; the lazily required bundles are listed beside it.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';

const runs = 15;
const mainBudget = 300 * 1024;
const warmup = 2;
const handleId = '9f1c2b3a-4d5e-4f60-8a7b-1c2d3e4f5a6b';
const xuid = '2533274900000042';
const link = `rallypoint://inviteHandleAccept/?handle=${handleId}&invitedXuid=${xuid}&senderXuid=2533274811111111`;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
const ms = (value: number) => `${value.toFixed(1).padStart(6)} ms`;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => done(text));
    request.on('error', fail);
  });
}

/** The loopback directory: signs anyone in, and reports when the first join PUT arrives. */
async function startRecordingDirectory() {
  let onPut: ((at: number) => void) | undefined;
  const server = createServer((request, response) => {
    const at = performance.now();
    if (request.method === 'PUT' && request.url === `/handles/${handleId}/session`) {
      onPut?.(at);
      onPut = undefined;
      response.writeHead(503, { 'retry-after': '60' }).end();
      return;
    }
    if (request.method === 'POST' && request.url === '/dev/tokens') {
      void readBody(request).then((text) => {
        const who = JSON.parse(text) as { xuid: string; gamertag: string };
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            ...who,
            userHash: who.xuid,
            token: 'bench',
            authorization: `XBL3.0 x=${who.xuid};bench`,
          }),
        );
      });
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /** Resolves with the arrival time of the next join PUT. */
    nextPut: () => new Promise<number>((done) => (onPut = done)),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

const measuresCpu = process.platform !== 'win32';
const preload = resolve('bench/cpu-usage-preload.cjs');

/** Wall and CPU milliseconds of one run (CPU NaN where it cannot be measured). */
interface Run {
  readonly wall: number;
  readonly cpu: number;
}

/** Starts `node args` with the CPU preload; `cpuReports` yields each line it writes. */
function startChild(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, measuresCpu ? ['--require', preload, ...args] : [...args], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    env,
  });
  const reports: number[] = [];
  let waiting: (() => void) | undefined;
  (child.stdio[3] as Readable | null)?.setEncoding('utf8').on('data', (text: string) => {
    for (const line of text.split('\n').filter(Boolean)) reports.push(Number(line));
    waiting?.();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const closed = new Promise<void>((done) => child.once('close', () => done()));
  /** The next CPU report (after asking with SIGUSR2), or NaN if none comes within 2 s. */
  const cpuNow = () =>
    new Promise<number>((done) => {
      if (!measuresCpu) return done(NaN);
      const timer = setTimeout(() => done(NaN), 2000);
      waiting = () => {
        clearTimeout(timer);
        done(reports[0] ?? NaN);
      };
      child.kill('SIGUSR2');
    });
  return { child, exited, closed, reports, cpuNow };
}

/** Start → exit of one process; throws on a non-zero exit. */
async function timeToExit(args: readonly string[]): Promise<Run> {
  const start = performance.now();
  const { child, exited, closed, reports } = startChild(args);
  const failed = new Promise<never>((_, fail) => child.once('error', fail));
  const code = await Promise.race([exited, failed]);
  const wall = performance.now() - start;
  await closed;
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}`);
  return { wall, cpu: measuresCpu ? (reports[0] ?? NaN) : NaN };
}

/** Start → first join PUT at the loopback directory; the child is killed once it arrived. */
async function timeToFirstPut(
  cli: string,
  directory: Awaited<ReturnType<typeof startRecordingDirectory>>,
  cacheFolder: string,
): Promise<Run> {
  const put = directory.nextPut();
  const start = performance.now();
  const { child, exited, cpuNow } = startChild(
    [cli, 'activate', link, '--directory', directory.url, '--json'],
    { ...process.env, RALLYPOINT_CACHE_DIR: cacheFolder },
  );
  const outcome = await Promise.race([
    put,
    exited.then(() => undefined),
    new Promise<undefined>((done) => setTimeout(() => done(undefined), 30_000).unref()),
  ]);
  const cpu = outcome === undefined ? NaN : await cpuNow();
  child.kill('SIGKILL');
  await exited;
  if (outcome === undefined) throw new Error('activate never sent its join PUT');
  return { wall: outcome - start, cpu };
}

/** main.cjs against its budget, and the bundles main requires after the first window. */
function reportMainBundle(): void {
  const folder = resolve('dist/main');
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  const main = statSync(join(folder, 'main.cjs')).size;
  const lazy = readdirSync(folder)
    .filter((file) => file.endsWith('.cjs') && file !== 'main.cjs')
    .map((file) => `${file} ${kb(statSync(join(folder, file)).size)}`);
  console.log(
    `  main.cjs before the first window       ${kb(main).padStart(9)}   ratio ${(main / mainBudget).toFixed(2)}× the 300 KB budget   goal ≤ 1: ${main <= mainBudget ? 'met' : 'NOT met'}`,
  );
  console.log(`  required after the window: ${lazy.join(', ')}`);
}

export default async function coldStartBench(): Promise<void> {
  const cli = resolve('dist/cli/rallypoint.js');
  const directory = await startRecordingDirectory();
  const cacheFolder = mkdtempSync(join(tmpdir(), 'rallypoint-bench-cache-'));
  const bare: Run[] = [];
  const help: Run[] = [];
  const activate: Run[] = [];
  try {
    for (let i = 0; i < warmup + runs; i += 1) {
      const b = await timeToExit(['-e', '0']);
      const h = await timeToExit([cli, 'help']);
      const a = await timeToFirstPut(cli, directory, cacheFolder);
      if (i < warmup) continue;
      bare.push(b);
      help.push(h);
      activate.push(a);
    }
  } finally {
    await directory.close();
    rmSync(cacheFolder, { recursive: true, force: true });
  }
  const line = (label: string, values: readonly Run[], goal = '') => {
    const wall = median(values.map((run) => run.wall));
    const cpu = median(values.map((run) => run.cpu));
    const baseWall = median(bare.map((run) => run.wall));
    const baseCpu = median(bare.map((run) => run.cpu));
    const wallRatio = wall / baseWall;
    const cpuRatio = cpu / baseCpu;
    const met =
      goal &&
      `   goal ≤ 2×: wall ${wallRatio <= 2 ? 'met' : 'NOT met'}, CPU ${cpuRatio <= 2 ? 'met' : 'NOT met'}`;
    console.log(
      `  ${label.padEnd(34)} wall ${ms(wall)} ${wallRatio.toFixed(2)}×   CPU ${ms(cpu)} ${cpuRatio.toFixed(2)}×${met}`,
    );
  };
  console.log(
    `cold start, ${runs} runs each (after ${warmup} warm-up), medians, ratios to node -e 0`,
  );
  line('node -e 0', bare);
  line('rallypoint help', help);
  line('rallypoint activate → first PUT', activate, 'goal');
  reportMainBundle();
}
