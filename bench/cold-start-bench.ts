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
 * the three commands so drift on a shared machine hits all of them alike.
 *
 * It also reports the launcher's side, which is a size rather than a time (the Electron binary is
 * not on every machine): the bytes of dist/main/main.cjs, all the code main evaluates before the
 * first window, against the 300 KB budget; the lazily required bundles are listed beside it.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

/** Start → exit of one process, in milliseconds; throws on a non-zero exit. */
function timeToExit(args: readonly string[]): Promise<number> {
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(process.execPath, [...args], { stdio: 'ignore' });
    child.once('error', fail);
    child.once('exit', (code) => {
      const elapsed = performance.now() - start;
      if (code === 0) done(elapsed);
      else fail(new Error(`${args.join(' ')} exited ${code}`));
    });
  });
}

/** Start → first join PUT at the loopback directory; the child is killed once it arrived. */
async function timeToFirstPut(
  cli: string,
  directory: Awaited<ReturnType<typeof startRecordingDirectory>>,
): Promise<number> {
  const put = directory.nextPut();
  const start = performance.now();
  const child = spawn(
    process.execPath,
    [cli, 'activate', link, '--directory', directory.url, '--json'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const outcome = await Promise.race([
    put,
    exited.then(() => undefined),
    new Promise<undefined>((done) => setTimeout(() => done(undefined), 30_000).unref()),
  ]);
  child.kill('SIGKILL');
  await exited;
  if (outcome === undefined) throw new Error('activate never sent its join PUT');
  return outcome - start;
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
  const bare: number[] = [];
  const help: number[] = [];
  const activate: number[] = [];
  try {
    for (let i = 0; i < warmup + runs; i += 1) {
      const b = await timeToExit(['-e', '0']);
      const h = await timeToExit([cli, 'help']);
      const a = await timeToFirstPut(cli, directory);
      if (i < warmup) continue;
      bare.push(b);
      help.push(h);
      activate.push(a);
    }
  } finally {
    await directory.close();
  }
  const base = median(bare);
  const ratio = (values: readonly number[]) => median(values) / base;
  console.log(`cold start, ${runs} runs each (after ${warmup} warm-up), medians`);
  console.log(`  node -e 0                               ${ms(base)}`);
  console.log(
    `  rallypoint help                         ${ms(median(help))}   ratio ${ratio(help).toFixed(2)}× node -e 0`,
  );
  console.log(
    `  rallypoint activate → first PUT         ${ms(median(activate))}   ratio ${ratio(activate).toFixed(2)}× node -e 0   goal ≤ 2×: ${ratio(activate) <= 2 ? 'met' : 'NOT met'}`,
  );
  reportMainBundle();
}
