/**
 * What signing in costs the first join after the launcher starts: a signed-in player's launcher
 * has only the cached refresh token it stored (its XSTS token is gone or about to be), so before
 * the first `PUT /handles/{id}/session` it reads the token cache and silently renews the chain
 * (refresh token → access token → user token → XSTS). Measured against the local directory's own
 * identity services on loopback, next to the same PUT alone with a token already in hand, in the
 * same run; iterations alternate so drift hits both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import got from 'got';
import { startDirectory } from '../src/directory/start-directory';
import { createAccountManager } from '../src/main/account/account-manager';
import { localSignInSettings } from '../src/main/account/sign-in-settings';
import { fileTokenStore } from '../src/main/account/token-cache';
import { authorizationHeader } from '../src/main/join/directory-client';
import type { AccessToken } from '../src/main/join/token-provider';
import { completeDeviceCode } from '../test/main/account/sign-in-fixture';
import { benchSession, median, ms, quantile } from './launcher-bench';

const iterations = 100;
const warmup = 10;

/** One join PUT with the body and headers the directory client sends; its time in ms. */
async function put(directoryUrl: string, handleId: string, who: AccessToken): Promise<number> {
  const started = performance.now();
  const answer = await got.put(`${directoryUrl}/handles/${handleId}/session`, {
    headers: {
      authorization: authorizationHeader(who),
      'x-xbl-contract-version': '107',
      'content-type': 'application/json; charset=utf-8',
    },
    body: JSON.stringify({
      members: {
        me: {
          constants: { system: { xuid: who.xuid, initialize: true } },
          properties: { system: { active: true } },
        },
      },
    }),
    retry: { limit: 0 },
    responseType: 'json',
    throwHttpErrors: false,
  });
  const took = performance.now() - started;
  if (answer.statusCode !== 200 && answer.statusCode !== 201) {
    throw new Error(`join PUT answered ${answer.statusCode}`);
  }
  return took;
}

/** Takes the player out of the session again, so every iteration joins afresh. */
async function leave(directoryUrl: string, path: string, who: AccessToken): Promise<void> {
  await got.put(`${directoryUrl}${path}`, {
    headers: {
      authorization: authorizationHeader(who),
      'x-xbl-contract-version': '107',
      'content-type': 'application/json; charset=utf-8',
    },
    body: JSON.stringify({ members: { me: null } }),
    retry: { limit: 0 },
    throwHttpErrors: false,
  });
}

export default async function signInBench(): Promise<void> {
  const [load1] = loadavg();
  console.log(`load average ${load1?.toFixed(1)} on ${availableParallelism()} cores`);
  const directory = await startDirectory({ port: 0, rateLimits: false });
  const folder = mkdtempSync(join(tmpdir(), 'rallypoint-sign-in-bench-'));
  const settings = localSignInSettings(directory.url);
  const store = fileTokenStore(join(folder, 'accounts.json'));
  try {
    // Once: a device-code sign-in with the real code, as `rallypoint sign-in` does.
    const first = createAccountManager({ settings, store });
    const pages: Promise<number>[] = [];
    const signedIn = await first.signInWithDeviceCode((prompt) => {
      pages.push(
        completeDeviceCode(prompt.verificationUri, prompt.userCode, { gamertag: 'Bench' }),
      );
    }, new AbortController().signal);
    await Promise.all(pages);
    if (!signedIn.ok) throw new Error(`sign-in failed: ${signedIn.error.code}`);
    const player = signedIn.value;
    const held = await first.tokenProvider().getToken({ forceRefresh: false });
    if (!held.ok) throw new Error(`no token: ${held.error.code}`);

    let session = await benchSession(directory.url);
    const alone: number[] = [];
    const withSignIn: number[] = [];
    const signInOnly: number[] = [];
    for (let i = 0; i < warmup + iterations; i += 1) {
      if (i % 40 === 39) session = await benchSession(directory.url);
      // Baseline: the PUT alone, the token already in hand.
      const bareHandle = await session.invite(player);
      const bare = await put(directory.url, bareHandle, held.value);
      await leave(directory.url, session.path, held.value);

      // Subject: a launcher that just started, with nothing but the cache file.
      const handleId = await session.invite(player);
      const started = performance.now();
      const accounts = createAccountManager({ settings, store });
      const renewed = await accounts.tokenProvider().getToken({ forceRefresh: true });
      if (!renewed.ok) throw new Error(`silent sign-in failed: ${renewed.error.code}`);
      const signedAt = performance.now();
      await put(directory.url, handleId, renewed.value);
      const done = performance.now();
      await leave(directory.url, session.path, renewed.value);
      if (i < warmup) continue;
      alone.push(bare);
      withSignIn.push(done - started);
      signInOnly.push(signedAt - started);
    }
    const bareMedian = median(alone);
    const subjectMedian = median(withSignIn);
    console.log(
      `PUT alone (token in hand):            median ${ms(bareMedian)}, p90 ${ms(quantile(alone, 0.9))}`,
    );
    console.log(
      `silent sign-in from the cache + PUT:  median ${ms(subjectMedian)}, p90 ${ms(quantile(withSignIn, 0.9))}`,
    );
    console.log(
      `  of which the sign-in (cache read, refresh, user token, XSTS, cache write): median ${ms(median(signInOnly))}`,
    );
    console.log(
      `ratio ${(subjectMedian / bareMedian).toFixed(1)}× over ${iterations} alternating iterations`,
    );
  } finally {
    await directory.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
