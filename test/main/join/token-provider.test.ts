import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  createDirectoryClient,
} from '../../../src/main/join/directory-client';
import { ok } from '../../../src/shared/result';
import { createDevTokenProvider } from '../../../src/main/join/token-provider';
import { startDirectory } from '../../../src/directory/start-directory';
import type { RunningDirectory } from '../../../src/directory/directory-options';
import { Secret } from '../../../src/main/account/secret';

const player = { xuid: '2533274800000202', gamertag: 'Tokens' };
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function directory(): Promise<RunningDirectory> {
  const running = await startDirectory({ rateLimits: false });
  closers.push(() => running.close());
  return running;
}

async function stub(
  answer: (response: ServerResponse) => void,
): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server: Server = createServer((_request, response) => {
    hits += 1;
    answer(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

describe('createDevTokenProvider against the local directory', () => {
  it('issues a token the directory accepts, caches it, and replaces it on forceRefresh', async () => {
    const running = await directory();
    const tokens = createDevTokenProvider({ baseUrl: running.url, ...player });
    const first = await tokens.getToken({ forceRefresh: false });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.xuid).toBe(player.xuid);

    const cached = await tokens.getToken({ forceRefresh: false });
    expect(cached.ok && cached.value).toBe(first.value);

    const refreshed = await tokens.getToken({ forceRefresh: true });
    expect(refreshed.ok && refreshed.value.token.reveal()).not.toBe(first.value.token.reveal());

    // The directory recognises the issued credentials (an unknown token would be 401).
    const response = await fetch(`${running.url}/handles/${crypto.randomUUID()}/session`, {
      headers: {
        authorization: authorizationHeader(refreshed.ok ? refreshed.value : first.value),
        'x-xbl-contract-version': '107',
      },
    });
    expect(response.status).toBe(404);
  });
});

describe('createDevTokenProvider callers at the same moment', () => {
  it('share one request: the join and the sender lookup ask together, the directory issues once', async () => {
    const running = await startDirectory({
      rateLimits: false,
      onRequest: (entry) => seen.push(entry.path),
    });
    closers.push(() => running.close());
    const seen: string[] = [];
    const tokens = createDevTokenProvider({ baseUrl: running.url, ...player });
    const [join, lookup] = await Promise.all([
      tokens.getToken({ forceRefresh: false }),
      tokens.getToken({ forceRefresh: false }),
    ]);
    expect(join.ok && lookup.ok && join.value.token === lookup.value.token).toBe(true);
    expect(seen.filter((path) => path === '/dev/tokens')).toHaveLength(1);
    // A forced renewal is never folded into another request.
    const [again, forced] = await Promise.all([
      tokens.getToken({ forceRefresh: false }),
      tokens.getToken({ forceRefresh: true }),
    ]);
    expect(again.ok && forced.ok).toBe(true);
    expect(seen.filter((path) => path === '/dev/tokens')).toHaveLength(2);
  });
});

describe('createDevTokenProvider failures', () => {
  it('reports a directory that is not there as directory-unavailable', async () => {
    const gone = await stub((response) => response.end());
    await closers.pop()?.();
    const result = await createDevTokenProvider({ baseUrl: gone.url, ...player }).getToken({
      forceRefresh: false,
    });
    expect(!result.ok && result.error).toMatchObject({
      code: 'directory-unavailable',
      retryable: true,
    });
  });

  it('reports a 500 as directory-unavailable and a 400 as unauthorized', async () => {
    const failing = await stub((response) => {
      response.writeHead(500);
      response.end('boom');
    });
    const five = await createDevTokenProvider({ baseUrl: failing.url, ...player }).getToken({
      forceRefresh: false,
    });
    expect(!five.ok && five.error).toMatchObject({ code: 'directory-unavailable', status: 500 });

    const refusing = await stub((response) => {
      response.writeHead(400);
      response.end('bad gamertag');
    });
    const four = await createDevTokenProvider({ baseUrl: refusing.url, ...player }).getToken({
      forceRefresh: false,
    });
    expect(!four.ok && four.error).toMatchObject({ code: 'unauthorized', status: 400 });
  });

  it.each([
    ['not JSON', 'token please'],
    ['the wrong shape', JSON.stringify({ token: 'x' })],
    ['another player', JSON.stringify({ xuid: '1', gamertag: 'x', userHash: 'u', token: 't' })],
  ])('reports an answer that is %s as malformed-response', async (_name, body) => {
    const odd = await stub((response) => {
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(body);
    });
    const result = await createDevTokenProvider({ baseUrl: odd.url, ...player }).getToken({
      forceRefresh: false,
    });
    expect(!result.ok && result.error.code).toBe('malformed-response');
  });

  it('reports an aborted request as cancelled without caching anything', async () => {
    const silent = await stub(() => undefined);
    const tokens = createDevTokenProvider({ baseUrl: silent.url, ...player });
    const controller = new AbortController();
    const pending = tokens.getToken({ forceRefresh: false, signal: controller.signal });
    while (silent.hits() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const result = await pending;
    expect(!result.ok && result.error).toMatchObject({ code: 'cancelled', retryable: false });
  });

  it('gives up on a silent endpoint after its timeout', async () => {
    const silent = await stub(() => undefined);
    const result = await createDevTokenProvider({
      baseUrl: silent.url,
      ...player,
      attemptTimeoutMs: 200,
    }).getToken({ forceRefresh: false });
    expect(!result.ok && result.error).toMatchObject({
      code: 'directory-unavailable',
      retryable: true,
    });
  });
});

describe('misconfiguration', () => {
  it.each(['not a url', 'ftp://127.0.0.1/', 'file:///etc/passwd'])(
    'fails with a value, not a throw, for base URL %j',
    async (baseUrl) => {
      const tokens = createDevTokenProvider({ baseUrl, ...player });
      const token = await tokens.getToken({ forceRefresh: false });
      expect(!token.ok && token.error).toMatchObject({
        code: 'directory-unavailable',
        retryable: false,
      });
      const client = createDirectoryClient({
        baseUrl,
        tokens: {
          getToken: () =>
            Promise.resolve(ok({ xuid: player.xuid, userHash: 'u', token: new Secret('t') })),
        },
      });
      const joined = await client.joinByHandle(
        crypto.randomUUID(),
        { xuid: player.xuid },
        { signal: new AbortController().signal },
      );
      expect(!joined.ok && joined.error).toMatchObject({
        code: 'directory-unavailable',
        retryable: false,
      });
    },
  );
});
