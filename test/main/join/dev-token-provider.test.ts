/**
 * The development token provider against a scripted `/dev/tokens` endpoint (real HTTP on
 * 127.0.0.1): the request it sends, every answer mapped to the token vocabulary, the cache, the
 * shared and forced requests, cancellation, its timeout, and no token in any error. The suite
 * against the real local directory is token-provider.test.ts.
 */
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createDevTokenProvider, type TokenError } from '../../../src/main/join/token-provider';
import { answerJson, startStubServer, type StubServer } from '../../stub-http-server';

const player = { xuid: '2533274800000202', gamertag: 'Tokens' };
const issued = { ...player, userHash: 'uhs-202', token: 'dev-token-SECRET-1' };

const servers: StubServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** An endpoint that answers each request with the next answer of the list (the last repeats). */
/** The first, unforced token a fresh provider for `player` gets from `server`. */
function firstToken(server: StubServer) {
  return createDevTokenProvider({ baseUrl: server.url, ...player }).getToken({
    forceRefresh: false,
  });
}

async function endpoint(...answers: ((response: ServerResponse) => void)[]): Promise<StubServer> {
  let next = 0;
  const server = await startStubServer((_request, response) => {
    const answer = answers[Math.min(next, answers.length - 1)];
    next += 1;
    answer?.(response);
  });
  servers.push(server);
  return server;
}

const token =
  (body: unknown = issued, status = 201) =>
  (response: ServerResponse) =>
    answerJson(response, status, body);

const status =
  (code: number, body = '', headers: Record<string, string> = {}) =>
  (response: ServerResponse) => {
    response.writeHead(code, headers);
    response.end(body);
  };

/** Answers held by the test: each request waits until the test answers it. */
async function heldEndpoint(): Promise<{ server: StubServer; held: ServerResponse[] }> {
  const held: ServerResponse[] = [];
  const server = await startStubServer((_request, response) => held.push(response));
  servers.push(server);
  return { server, held };
}

/** Waits until `check` holds, or until all of `pending` settled without it (the test then fails on them). */
async function until(check: () => boolean, ...pending: Promise<unknown>[]): Promise<void> {
  let settled = false;
  void Promise.allSettled(pending).then(() => (settled = true));
  while (!check() && !settled) await new Promise((resolve) => setTimeout(resolve, 2));
}

function expectNoSecret(error: TokenError): void {
  expect(JSON.stringify(error)).not.toContain('SECRET');
}

describe('the request', () => {
  it('posts the player as JSON to <base>/dev/tokens with the launcher user agent', async () => {
    const server = await endpoint(token());
    const result = await firstToken(server);
    expect(result.ok && { ...result.value, token: result.value.token.reveal() }).toStrictEqual({
      xuid: issued.xuid,
      userHash: issued.userHash,
      token: issued.token,
    });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/dev/tokens');
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request?.headers['user-agent']).toMatch(/^Rallypoint\/\S+$/);
    expect(JSON.parse(request?.body ?? '')).toStrictEqual(player);
  });

  it('keeps a path prefix and drops trailing slashes of the base URL', async () => {
    const server = await endpoint(token());
    const tokens = createDevTokenProvider({ baseUrl: `${server.url}/directory//`, ...player });
    expect((await tokens.getToken({ forceRefresh: false })).ok).toBe(true);
    expect(server.requests[0]?.url).toBe('/directory/dev/tokens');
  });

  it('names the followed players when there are some, and leaves an empty list out', async () => {
    const server = await endpoint(token());
    const follows = ['2533274800000303', '2533274800000404'];
    await createDevTokenProvider({ baseUrl: server.url, ...player, follows }).getToken({
      forceRefresh: false,
    });
    await createDevTokenProvider({ baseUrl: server.url, ...player, follows: [] }).getToken({
      forceRefresh: false,
    });
    expect(server.requests.map((request) => JSON.parse(request.body) as unknown)).toStrictEqual([
      { ...player, follows },
      player,
    ]);
  });

  it('hands the token out as a Secret, so logging the answer never prints it', async () => {
    const server = await endpoint(token());
    const result = await firstToken(server);
    for (const printed of [
      inspect(result, { depth: 5 }),
      JSON.stringify(result),
      `${String(result.ok && result.value.token)}`,
    ]) {
      expect(printed).not.toContain(issued.token);
    }
    expect(inspect(result, { depth: 5 })).toContain('[redacted]');
    expect(result.ok && result.value.token.reveal()).toBe(issued.token);
  });

  it('accepts a 200 as well as a 201', async () => {
    const server = await endpoint(token(issued, 200));
    const result = await firstToken(server);
    expect(result.ok && result.value.token.reveal()).toBe(issued.token);
  });

  it('does not follow a redirect (the answer could come from elsewhere)', async () => {
    const server = await endpoint(status(302, '', { location: '/elsewhere' }), token());
    const result = await firstToken(server);
    expect(result).toStrictEqual({
      ok: false,
      error: {
        code: 'directory-unavailable',
        message: 'unexpected answer: directory answered 302',
        retryable: false,
        status: 302,
      },
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe('answers that are not a token', () => {
  it.each([
    [400, 'bad gamertag', 'unexpected answer: directory answered 400: bad gamertag'],
    [403, 'not allowed', 'directory answered 403: not allowed'],
    [404, '', 'directory answered 404'],
    [409, 'taken', 'directory answered 409: taken'],
    [499, '', 'unexpected answer: directory answered 499'],
  ])('maps a refusal (%i) to unauthorized, not retryable', async (code, body, message) => {
    const server = await endpoint(status(code, body));
    const result = await firstToken(server);
    expect(result).toStrictEqual({
      ok: false,
      error: {
        code: 'unauthorized',
        message,
        retryable: false,
        status: code,
      },
    });
  });

  it('maps a 401 to unauthorized', async () => {
    const server = await endpoint(status(401));
    const result = await firstToken(server);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'unauthorized',
      message: 'directory answered 401',
      retryable: false,
      status: 401,
    });
  });

  it.each([500, 503])('maps a %i to directory-unavailable, retryable', async (code) => {
    const server = await endpoint(status(code, 'boom'));
    const result = await firstToken(server);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'directory-unavailable',
      message: `directory answered ${code}: boom`,
      retryable: true,
      status: code,
    });
    // One attempt: retrying is the join machine's decision.
    expect(server.requests).toHaveLength(1);
  });

  it('maps a 501 to directory-unavailable, not retryable and not a refusal', async () => {
    const server = await endpoint(status(501));
    const result = await firstToken(server);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'directory-unavailable',
      message: 'directory answered 501',
      retryable: false,
      status: 501,
    });
  });

  it('maps a 408 to directory-unavailable, retryable (a 4xx that is no refusal)', async () => {
    const server = await endpoint(status(408));
    const result = await firstToken(server);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'directory-unavailable',
      message: 'directory answered 408',
      retryable: true,
      status: 408,
    });
  });

  it('maps a 429 to rate-limited with its Retry-After', async () => {
    const server = await endpoint(status(429, '', { 'retry-after': '7' }));
    const result = await firstToken(server);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'rate-limited',
      message: 'directory answered 429',
      retryable: true,
      status: 429,
      retryAfterMs: 7000,
    });
  });

  it('maps a 429 without Retry-After to rate-limited without a delay', async () => {
    const server = await endpoint(status(429));
    const result = await firstToken(server);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'rate-limited',
      message: 'directory answered 429',
      retryable: true,
      status: 429,
    });
  });

  it.each([
    ['not JSON', 'dev-token-SECRET-1', 'dev token answer is not JSON'],
    ['the wrong shape', JSON.stringify({ token: 'dev-token-SECRET-1' }), 'has the wrong shape'],
    [
      'another player',
      JSON.stringify({ ...issued, xuid: '2533274800000999' }),
      'has the wrong shape',
    ],
    ['an XUID that is no number', JSON.stringify({ ...issued, xuid: 'x' }), 'has the wrong shape'],
  ])('maps an answer that is %s to malformed-response', async (_name, body, message) => {
    const server = await endpoint(status(201, body));
    const result = await firstToken(server);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'malformed-response',
      message: message === 'has the wrong shape' ? 'dev token answer has the wrong shape' : message,
      retryable: false,
    });
    if (!result.ok) expectNoSecret(result.error);
  });

  it.each(['x2533274800000202', '2533274800000202x'])(
    'refuses an answer whose XUID is %s, digits with more around them, even when it is the one asked for',
    async (xuid) => {
      const server = await endpoint(status(201, JSON.stringify({ ...issued, xuid })));
      const result = await createDevTokenProvider({
        baseUrl: server.url,
        ...player,
        xuid,
      }).getToken({ forceRefresh: false });
      expect(!result.ok && result.error).toStrictEqual({
        code: 'malformed-response',
        message: 'dev token answer has the wrong shape',
        retryable: false,
      });
    },
  );

  it('cuts an Authorization header a directory echoes out of the message', async () => {
    const server = await endpoint(status(400, 'no: XBL3.0 x=uhs;dev-token-SECRET-1 here'));
    const result = await firstToken(server);
    expect(!result.ok && result.error.code).toBe('unauthorized');
    if (!result.ok) expectNoSecret(result.error);
  });
});

describe('the transport', () => {
  it('maps a refused connection to directory-unavailable, retryable, without a status', async () => {
    const server = await endpoint(token());
    await servers.pop()?.close();
    const result = await firstToken(server);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'directory-unavailable',
      message: expect.stringMatching(/^network error ECONNREFUSED: /) as unknown,
      retryable: true,
    });
  });

  it('maps an https base URL on a plain http server to a network error, not a misconfiguration', async () => {
    const server = await endpoint(token());
    const result = await createDevTokenProvider({
      baseUrl: server.url.replace('http:', 'https:'),
      ...player,
    }).getToken({ forceRefresh: false });
    expect(!result.ok && result.error).toMatchObject({
      code: 'directory-unavailable',
      message: expect.stringMatching(/^network error /) as unknown,
      retryable: true,
    });
  });

  it.each(['not a url', 'ftp://127.0.0.1/', 'file:///etc/passwd'])(
    'refuses the base URL %j without a request',
    async (baseUrl) => {
      const result = await createDevTokenProvider({ baseUrl, ...player }).getToken({
        forceRefresh: false,
      });
      expect(!result.ok && result.error).toStrictEqual({
        code: 'directory-unavailable',
        message: 'directory URL is not http(s)',
        retryable: false,
      });
    },
  );

  it('gives up on an answer slower than its attempt timeout', async () => {
    const server = await endpoint((response) => {
      setTimeout(() => token()(response), 1000);
    });
    const result = await createDevTokenProvider({
      baseUrl: server.url,
      ...player,
      attemptTimeoutMs: 100,
    }).getToken({ forceRefresh: false });
    expect(!result.ok && result.error).toStrictEqual({
      code: 'directory-unavailable',
      message: 'no answer within the attempt timeout',
      retryable: true,
    });
  });

  it('waits for a slow answer within the default timeout', async () => {
    const server = await endpoint((response) => {
      setTimeout(() => token()(response), 300);
    });
    const result = await firstToken(server);
    expect(result.ok).toBe(true);
  });

  it('answers cancelled, without a request, when the signal fired before', async () => {
    const server = await endpoint(token());
    const controller = new AbortController();
    controller.abort();
    const result = await createDevTokenProvider({ baseUrl: server.url, ...player }).getToken({
      forceRefresh: false,
      signal: controller.signal,
    });
    expect(!result.ok && result.error).toStrictEqual({
      code: 'cancelled',
      message: 'token request aborted',
      retryable: false,
    });
    expect(server.requests).toHaveLength(0);
  });

  it('answers cancelled when the signal fires during the request, and caches nothing', async () => {
    const { server, held } = await heldEndpoint();
    const tokens = createDevTokenProvider({ baseUrl: server.url, ...player });
    const controller = new AbortController();
    const pending = tokens.getToken({ forceRefresh: false, signal: controller.signal });
    await until(() => held.length === 1, pending);
    controller.abort();
    expect(!(await pending).ok && (await pending)).toStrictEqual({
      ok: false,
      error: { code: 'cancelled', message: 'request aborted by the caller', retryable: false },
    });
    const again = tokens.getToken({ forceRefresh: false });
    await until(() => held.length === 2, again);
    token()(held[1] as ServerResponse);
    expect((await again).ok).toBe(true);
  });
});

describe('the cache', () => {
  it('answers from the cache until a forced refresh replaces the token', async () => {
    const second = { ...issued, token: 'dev-token-SECRET-2' };
    const server = await endpoint(token(), token(second));
    const tokens = createDevTokenProvider({ baseUrl: server.url, ...player });
    const first = await tokens.getToken({ forceRefresh: false });
    const cached = await tokens.getToken({ forceRefresh: false });
    expect(first.ok && cached.ok && cached.value).toBe(first.ok && first.value);
    expect(server.requests).toHaveLength(1);
    const forced = await tokens.getToken({ forceRefresh: true });
    expect(forced.ok && forced.value.token.reveal()).toBe('dev-token-SECRET-2');
    const later = await tokens.getToken({ forceRefresh: false });
    expect(later.ok && later.value.token.reveal()).toBe('dev-token-SECRET-2');
    expect(server.requests).toHaveLength(2);
  });

  it('keeps no failure: the next call asks again', async () => {
    const server = await endpoint(status(503), token());
    const tokens = createDevTokenProvider({ baseUrl: server.url, ...player });
    expect((await tokens.getToken({ forceRefresh: false })).ok).toBe(false);
    expect((await tokens.getToken({ forceRefresh: false })).ok).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it('drops the refused token when the forced refresh fails, rather than handing it back', async () => {
    const server = await endpoint(token(), status(503));
    const tokens = createDevTokenProvider({ baseUrl: server.url, ...player });
    expect((await tokens.getToken({ forceRefresh: false })).ok).toBe(true);
    expect((await tokens.getToken({ forceRefresh: true })).ok).toBe(false);
    expect((await tokens.getToken({ forceRefresh: false })).ok).toBe(false);
    expect(server.requests).toHaveLength(3);
  });

  it('shares one unforced request between callers at the same moment', async () => {
    const { server, held } = await heldEndpoint();
    const tokens = createDevTokenProvider({ baseUrl: server.url, ...player });
    const join = tokens.getToken({ forceRefresh: false });
    const lookup = tokens.getToken({ forceRefresh: false });
    await until(() => held.length === 1, join, lookup);
    token()(held[0] as ServerResponse);
    expect(await join).toStrictEqual(await lookup);
    expect(server.requests).toHaveLength(1);
  });

  /** A forced request, then an unforced one while it runs: two requests, held in that order. */
  async function forcedThenPlain() {
    const { server, held } = await heldEndpoint();
    const tokens = createDevTokenProvider({ baseUrl: server.url, ...player });
    const forced = tokens.getToken({ forceRefresh: true });
    await until(() => held.length === 1, forced);
    const plain = tokens.getToken({ forceRefresh: false });
    await until(() => held.length === 2, plain);
    return { server, held, tokens, forced, plain };
  }

  it('never lets an unforced caller ride on a forced request', async () => {
    const { held, forced, plain } = await forcedThenPlain();
    token()(held[0] as ServerResponse);
    token({ ...issued, token: 'dev-token-SECRET-2' })(held[1] as ServerResponse);
    const [first, second] = [await forced, await plain];
    expect(first.ok && first.value.token.reveal()).toBe(issued.token);
    expect(second.ok && second.value.token.reveal()).toBe('dev-token-SECRET-2');
  });

  it('keeps the token a forced refresh got when a request running beside it fails', async () => {
    const { server, held, tokens, forced, plain } = await forcedThenPlain();
    token()(held[0] as ServerResponse);
    expect((await forced).ok).toBe(true);
    status(503)(held[1] as ServerResponse);
    expect((await plain).ok).toBe(false);
    const after = await tokens.getToken({ forceRefresh: false });
    expect(after.ok && after.value.token.reveal()).toBe(issued.token);
    expect(server.requests).toHaveLength(2);
  });
});
