/**
 * What the launcher costs on top of the session directory, measured next to baselines in the same
 * run so the ratios hold on any machine:
 *
 * 1. In process, against the local directory on loopback: link received → PUT issued, link →
 *    session written, and link → joined (the running demo game confirmed over stdin), next to a
 *    bare got PUT of the same join body. Iterations alternate launcher and bare so drift hits both.
 * 2. Whole process: `node dist/cli/rallypoint.js activate <link>` (start, sign in, join, start the
 *    demo game, leave, exit) next to `node -e 0`.
 *
 * Goal: the launcher adds under 5 ms to the bare PUT at the median.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import got from 'got';
import { startDirectory } from '../src/directory/start-directory';
import { createDirectoryClient, type DirectoryClient } from '../src/main/join/directory-client';
import { createGameHandOff } from '../src/main/join/game-hand-off';
import { createJoinService } from '../src/main/join/join-service';
import { createDevTokenProvider } from '../src/main/join/token-provider';
import { defaultInviteLinkConfig, parseInviteLink } from '../src/shared/invite-link';
import type { JoinView } from '../src/shared/join-view';
import { call } from '../test/directory/directory-test-client';

const iterations = 300;
const warmup = 20;
const processRuns = 8;
const scid = '0b8f9c2e-1d3a-4e5f-8a7b-6c5d4e3f2a1b';

export interface Identity {
  readonly xuid: string;
  readonly gamertag: string;
}

export const median = (values: readonly number[]) => quantile(values, 0.5);
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
export const ms = (value: number) => `${value.toFixed(2)} ms`;

/** One plain request to the directory, for set-up; the measured paths never go through here. */
async function http(
  base: string,
  method: string,
  path: string,
  authorization: string | undefined,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const answer = await call(base, method, path, {
    headers: authorization ? { authorization } : {},
    body,
  });
  return { status: answer.status, json: answer.text === '' ? undefined : answer.json() };
}

async function token(base: string, who: Identity): Promise<string> {
  return (
    (await http(base, 'POST', '/dev/tokens', undefined, who)).json as { authorization: string }
  ).authorization;
}

/** A session with room for everyone, and a way to invite players into it. */
export async function benchSession(base: string) {
  const host: Identity = { xuid: '2533274811111111', gamertag: 'BenchHost' };
  const hostAuth = await token(base, host);
  const name = `bench-${Date.now()}`;
  const path = `/serviceconfigs/${scid}/sessionTemplates/default/sessions/${name}`;
  await http(base, 'PUT', path, hostAuth, {
    constants: { system: { maxMembersCount: 100, visibility: 'open' } },
    properties: { system: { serverConnectionStringCandidates: ['127.0.0.1:30000'] } },
    members: {
      me: {
        constants: { system: { xuid: host.xuid, initialize: true } },
        properties: { system: { active: true } },
      },
    },
  });
  return {
    path,
    host,
    async invite(to: Identity): Promise<string> {
      const answer = await http(base, 'POST', '/handles', hostAuth, {
        version: 1,
        type: 'invite',
        sessionRef: { scid, templateName: 'default', name },
        invitedXuid: to.xuid,
        inviteAttributes: { titleId: '1717113201' },
      });
      return (answer.json as { id: string }).id;
    },
    link(handleId: string, to: Identity) {
      return `rallypoint://inviteHandleAccept/?handle=${handleId}&invitedXuid=${to.xuid}&senderXuid=${host.xuid}`;
    },
  };
}

const player = (n: number): Identity => ({
  xuid: String(2533274900000000 + n),
  gamertag: `Bench${n}`,
});

function phaseReached(
  subscribe: (listener: (view: JoinView) => void) => () => void,
  phase: JoinView['phase'],
): Promise<number> {
  return new Promise((resolvePhase, reject) => {
    const stop = subscribe((view) => {
      if (view.phase === phase) {
        stop();
        resolvePhase(performance.now());
      } else if (view.phase === 'failed') {
        stop();
        reject(new Error(`join failed: ${view.error?.code} ${view.error?.message}`));
      }
    });
  });
}

async function inProcess(): Promise<number> {
  const directory = await startDirectory({ port: 0, rateLimits: false });
  const game = createGameHandOff({
    executable: process.execPath,
    args: [
      resolve('dist/demo-game/demo-game.js'),
      '--join',
      '{sessionRef}',
      '--connect',
      '{connection}',
    ],
    ackTimeoutMs: 10_000,
    quitGraceMs: 500,
  });
  const bare: number[] = [];
  const toPut: number[] = [];
  const toWritten: number[] = [];
  const toJoined: number[] = [];
  const clientPut: number[] = [];
  const machineOwn: number[] = [];
  try {
    let session = await benchSession(directory.url);
    // The launcher is running and signed in when a link arrives: one client, one token, one game.
    const q = player(1);
    const qAuth = await token(directory.url, q);
    const p = player(2);
    const tokens = createDevTokenProvider({ baseUrl: directory.url, ...p });
    await tokens.getToken({ forceRefresh: false });
    const real = createDirectoryClient({ baseUrl: directory.url, tokens });
    let putAt = 0;
    let answeredAt = 0;
    const client: DirectoryClient = {
      joinByHandle: async (...args) => {
        putAt = performance.now();
        const result = await real.joinByHandle(...args);
        answeredAt = performance.now();
        return result;
      },
      readByHandle: (...args) => real.readByHandle(...args),
      leave: (...args) => real.leave(...args),
    };
    for (let i = 0; i < warmup + iterations; i += 1) {
      if (i % 40 === 39) session = await benchSession(directory.url);
      // Bare: one got PUT with the same join body and headers the client sends.
      const qHandle = await session.invite(q);
      const b0 = performance.now();
      const answer = await got.put(`${directory.url}/handles/${qHandle}/session`, {
        headers: {
          authorization: qAuth,
          'x-xbl-contract-version': '107',
          'content-type': 'application/json; charset=utf-8',
        },
        body: JSON.stringify({
          members: {
            me: {
              constants: { system: { xuid: q.xuid, initialize: true } },
              properties: { system: { active: true } },
            },
          },
        }),
        retry: { limit: 0 },
        responseType: 'json',
      });
      const b1 = performance.now();
      if (answer.statusCode !== 200 && answer.statusCode !== 201)
        throw new Error('bare PUT failed');
      await http(directory.url, 'PUT', session.path, qAuth, { members: { me: null } });

      // Launcher: a link arrives; parse, machine, client PUT, game hand-off over stdin.
      const handleId = await session.invite(p);
      const service = createJoinService({ client, tokens, game });
      const written = phaseReached(service.subscribe, 'joining');
      const joined = phaseReached(service.subscribe, 'joined');
      const link = session.link(handleId, p);
      const l0 = performance.now();
      const parsed = parseInviteLink(link, defaultInviteLinkConfig);
      if (!parsed.ok) throw new Error(parsed.error.message);
      service.submit(parsed.invite);
      const writtenAt = await written;
      const joinedAt = await joined;
      // Leaving happens after the measurement, as the player would play first.
      await service.stop();
      if (i >= warmup) {
        bare.push(b1 - b0);
        toPut.push(putAt - l0);
        toWritten.push(writtenAt - l0);
        toJoined.push(joinedAt - l0);
        clientPut.push(answeredAt - putAt);
        // Parsing + machine before the PUT, and machine + view after its answer.
        machineOwn.push(putAt - l0 + (writtenAt - answeredAt));
      }
    }
  } finally {
    await game.close();
    await directory.close();
  }
  const baseline = median(bare);
  const overhead = median(toWritten) - baseline;
  console.log(
    `in process, ${iterations} joins each (after ${warmup} warm-up), local directory on loopback`,
  );
  console.log(
    `  bare got PUT                 median ${ms(baseline)}   p95 ${ms(quantile(bare, 0.95))}`,
  );
  console.log(
    `  link → PUT issued            median ${ms(median(toPut))}   p95 ${ms(quantile(toPut, 0.95))}`,
  );
  console.log(
    `  link → session written       median ${ms(median(toWritten))}   p95 ${ms(quantile(toWritten, 0.95))}   ratio ${(median(toWritten) / baseline).toFixed(2)}× bare`,
  );
  console.log(
    `  link → joined (game acked)   median ${ms(median(toJoined))}   p95 ${ms(quantile(toJoined, 0.95))}   ratio ${(median(toJoined) / baseline).toFixed(2)}× bare`,
  );
  console.log(
    `  client PUT (inside the join)  median ${ms(median(clientPut))}   ratio ${(median(clientPut) / baseline).toFixed(2)}× bare`,
  );
  console.log(
    `  parse + machine + view, per join (excluding the PUT)  median ${ms(median(machineOwn))}   p95 ${ms(quantile(machineOwn, 0.95))}`,
  );
  console.log(
    `  launcher overhead on the PUT (written − bare, medians): ${ms(overhead)}  goal < 5 ms: ${overhead < 5 ? 'met' : 'NOT met'}`,
  );
  return overhead;
}

function run(command: string, args: readonly string[]): Promise<number | null> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, [...args], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => resolveRun(code));
  });
}

async function wholeProcess(): Promise<void> {
  const directory = await startDirectory({ port: 0, rateLimits: false });
  const cli = resolve('dist/cli/rallypoint.js');
  const activate: number[] = [];
  const bareNode: number[] = [];
  try {
    const session = await benchSession(directory.url);
    for (let i = 0; i < processRuns; i += 1) {
      const b0 = performance.now();
      await run(process.execPath, ['-e', '0']);
      bareNode.push(performance.now() - b0);
      const p = player(100_000 + i);
      const handleId = await session.invite(p);
      const a0 = performance.now();
      // Asynchronous on purpose: the directory answering the CLI lives in this process.
      const code = await run(process.execPath, [
        cli,
        'activate',
        session.link(handleId, p),
        '--directory',
        directory.url,
        '--json',
      ]);
      activate.push(performance.now() - a0);
      if (code !== 0) throw new Error(`activate exited ${code}`);
    }
  } finally {
    await directory.close();
  }
  console.log(
    `whole process, ${processRuns} runs each (includes starting and closing the demo game)`,
  );
  console.log(`  node -e 0                    median ${ms(median(bareNode))}`);
  console.log(
    `  rallypoint activate --json   median ${ms(median(activate))}   ratio ${(median(activate) / median(bareNode)).toFixed(2)}× node -e 0`,
  );
}

export default async function launcherBench(): Promise<void> {
  await inProcess();
  await wholeProcess();
}
