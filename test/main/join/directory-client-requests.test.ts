/**
 * Every request the directory client makes and every answer it maps, pinned exactly: method, path,
 * headers and body on the wire (a node:http server on 127.0.0.1), and the whole Result that comes
 * back, error messages and absent fields included. Fast by design: no directory is started and no
 * test waits for more than a tenth of a second, so mutation runs can use it per mutant.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDirectoryClient,
  isSessionPath,
  parseJson,
} from '../../../src/main/join/directory-client';
import { systemLocale } from '../../../src/main/join/system-locale';
import type { TokenError, TokenProvider } from '../../../src/main/join/token-provider';
import { err, ok } from '../../../src/shared/result';
import { recordingLogger } from '../../fakes/recording-logger';
import {
  client,
  closeServers,
  handleId,
  scriptedTokens,
  sendJson,
  serve,
  session,
  sessionLocation,
  signal,
} from './directory-client-server';
import { Secret } from '../../../src/main/account/secret';

afterEach(closeServers);

const joinPath = `/handles/${handleId}/session`;
const me = { xuid: '2814' };

/** A URL on loopback where nothing listens any more. */
async function closedPort(): Promise<string> {
  const directory = await serve(() => undefined);
  await closeServers();
  return directory.url;
}

/** Answers `status` with `body` as plain text and only the headers given. */
function plain(status: number, body = '', headers: Record<string, string> = {}) {
  return serve((_request, response) => {
    response.writeHead(status, headers);
    response.end(body);
  });
}

/** A token provider that always fails with `error`. */
function failingTokens(error: TokenError): TokenProvider {
  return { getToken: () => Promise.resolve(err(error)) };
}

describe('the directory URL', () => {
  it.each(['ftp://127.0.0.1/mpsd', 'not a url at all'])(
    'fails every call on %j with a non-retryable directory-unavailable, sending nothing',
    async (baseUrl) => {
      const expected = err({
        code: 'directory-unavailable',
        message: `directory URL is not http(s): ${baseUrl}`,
        retryable: false,
        ambiguous: false,
      });
      const directory = client(baseUrl);
      expect(await directory.joinByHandle(handleId, me, { signal: signal() })).toStrictEqual(
        expected,
      );
      expect(await directory.readByHandle(handleId, { signal: signal() })).toStrictEqual(expected);
      expect(await directory.leave(sessionLocation, { signal: signal() })).toStrictEqual(expected);
      expect(await directory.call('GET', '/people', undefined, { signal: signal() })).toStrictEqual(
        expected,
      );
    },
  );

  it('takes an https URL as a directory (a refused connection is retryable, not a setting error)', async () => {
    const url = (await closedPort()).replace('http:', 'https:');
    const result = await client(url).readByHandle(handleId, { signal: signal() });
    expect(!result.ok && result.error).toMatchObject({
      code: 'directory-unavailable',
      retryable: true,
      ambiguous: false,
    });
    expect(!result.ok && result.error.message).toMatch(/^network error ECONNREFUSED: /);
  });

  it('drops every trailing slash of the base URL and keeps its path', async () => {
    const directory = await serve((_request, response) => sendJson(response, 200, session(['1'])));
    await client(`${directory.url}/mpsd///`).readByHandle(handleId, { signal: signal() });
    await client(`${directory.url}/`).readByHandle(handleId, { signal: signal() });
    expect(directory.requests.map((request) => request.url)).toEqual([
      `/mpsd/handles/${handleId}/session`,
      `/handles/${handleId}/session`,
    ]);
  });
});

describe('headers', () => {
  it('sends the system locale without a configured one, and a configured User-Agent', async () => {
    const directory = await serve((_request, response) => sendJson(response, 200, session(['1'])));
    const plainClient = createDirectoryClient({
      baseUrl: directory.url,
      tokens: scriptedTokens(['tok-1']),
      userAgent: 'StudioLauncher/2.1',
    });
    await plainClient.readByHandle(handleId, { signal: signal() });
    expect(directory.requests[0]?.headers['accept-language']).toBe(systemLocale());
    expect(directory.requests[0]?.headers['user-agent']).toBe('StudioLauncher/2.1');
  });

  it('sends If-Match only when the join names an ETag', async () => {
    const directory = await serve((_request, response) =>
      sendJson(response, 200, session(['2814'])),
    );
    await client(directory.url).joinByHandle(handleId, me, { signal: signal(), ifMatch: '"e7"' });
    await client(directory.url).joinByHandle(handleId, me, { signal: signal() });
    expect(directory.requests[0]?.headers['if-match']).toBe('"e7"');
    expect(directory.requests[1]?.headers).not.toHaveProperty('if-match');
  });
});

describe('call(): any request with the player token', () => {
  it('sends the method, path, body and extra headers, and returns the whole answer', async () => {
    const directory = await serve((_request, response) => {
      response.writeHead(201, {
        etag: '"h1"',
        'content-location': '/handles/abc',
        'retry-after': '5',
      });
      response.end('{"id":"abc"}');
    });
    const answer = await client(directory.url).call(
      'POST',
      '/handles',
      { type: 'invite' },
      { signal: signal(), headers: { 'x-extra': 'yes', authorization: 'Bearer someone-else' } },
    );
    expect(answer).toStrictEqual(
      ok({
        status: 201,
        text: '{"id":"abc"}',
        etag: '"h1"',
        contentLocation: '/handles/abc',
        retryAfterMs: 5000,
      }),
    );
    const [request] = directory.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/handles');
    expect(request?.body).toBe('{"type":"invite"}');
    expect(request?.headers['x-extra']).toBe('yes');
    // Extra headers never replace the player's own credentials.
    expect(request?.headers['authorization']).toBe('XBL3.0 x=uh1;tok-1');
    expect(request?.headers['x-xbl-contract-version']).toBe('107');
  });

  it('sends no body without one, and leaves out the headers the answer lacks', async () => {
    const directory = await plain(204);
    const answer = await client(directory.url).call('DELETE', '/handles/abc', undefined, {
      signal: signal(),
    });
    expect(answer).toStrictEqual(ok({ status: 204, text: '' }));
    expect(directory.requests[0]?.method).toBe('DELETE');
    expect(directory.requests[0]?.body).toBe('');
    expect(directory.requests[0]?.headers).not.toHaveProperty('content-length');
  });

  it('cuts a token echoed in an answer of 300 or more, never in a success', async () => {
    const token = 'abcdefgh';
    for (const [status, text] of [
      [299, `echo ${token} echo`],
      [300, 'echo [redacted] echo'],
      [400, 'echo [redacted] echo'],
    ] as const) {
      const directory = await plain(status, `echo ${token} echo`);
      const answer = await client(directory.url, { tokens: scriptedTokens([token]) }).call(
        'GET',
        '/x',
        undefined,
        { signal: signal() },
      );
      expect(answer.ok && answer.value.text, `status ${status}`).toBe(text);
    }
  });

  it('cuts a token of 8 characters but leaves one too short to be one (7) alone', async () => {
    for (const [token, text] of [
      ['12345678', 'no [redacted]!'],
      ['1234567', 'no 1234567!'],
    ] as const) {
      const directory = await plain(400, `no ${token}!`);
      const answer = await client(directory.url, { tokens: scriptedTokens([token]) }).call(
        'GET',
        '/x',
        undefined,
        { signal: signal() },
      );
      expect(answer.ok && answer.value.text).toBe(text);
    }
  });

  it('times a GET out as not ambiguous, a POST as ambiguous', async () => {
    const directory = await serve(() => undefined);
    const quick = client(directory.url, { attemptTimeoutMs: 100 });
    for (const [method, ambiguous] of [
      ['GET', false],
      ['POST', true],
    ] as const) {
      expect(await quick.call(method, '/x', undefined, { signal: signal() })).toStrictEqual(
        err({
          code: 'directory-unavailable',
          message: 'no answer within the attempt timeout',
          retryable: true,
          ambiguous,
        }),
      );
    }
  });
});

describe('the attempt timeout', () => {
  /** A directory whose answer comes after two seconds: later than 100 ms, well within 5 s. */
  function late() {
    return serve((_request, response) => {
      setTimeout(() => {
        if (!response.destroyed) sendJson(response, 200, session(['2814']));
      }, 2000).unref();
    });
  }

  it('is the configured one for a join (ambiguous) and a read (not)', async () => {
    const directory = await late();
    const quick = client(directory.url, { attemptTimeoutMs: 100 });
    const failure = (ambiguous: boolean) =>
      err({
        code: 'directory-unavailable',
        message: 'no answer within the attempt timeout',
        retryable: true,
        ambiguous,
      });
    expect(await quick.joinByHandle(handleId, me, { signal: signal() })).toStrictEqual(
      failure(true),
    );
    expect(await quick.readByHandle(handleId, { signal: signal() })).toStrictEqual(failure(false));
  });

  it('covers getting the token: no token in time is directory-unavailable', async () => {
    const directory = await serve((_request, response) => sendJson(response, 200, session([])));
    const tokens: TokenProvider = {
      getToken: ({ signal: attempt }) =>
        new Promise((resolve) => {
          attempt?.addEventListener('abort', () =>
            resolve(err({ code: 'cancelled', message: 'gave up', retryable: false })),
          );
        }),
    };
    const result = await client(directory.url, { tokens, attemptTimeoutMs: 50 }).readByHandle(
      handleId,
      { signal: signal() },
    );
    expect(result).toStrictEqual(
      err({
        code: 'directory-unavailable',
        message: 'no token within the attempt timeout',
        retryable: true,
        ambiguous: false,
      }),
    );
    expect(directory.requests).toHaveLength(0);
  });
});

describe('tokens', () => {
  it('reports a cancel while getting the token as cancelled', async () => {
    const controller = new AbortController();
    const tokens: TokenProvider = {
      getToken: () => {
        controller.abort();
        return Promise.resolve(err({ code: 'cancelled', message: 'stopped', retryable: false }));
      },
    };
    const directory = await serve((_request, response) => sendJson(response, 200, session([])));
    expect(
      await client(directory.url, { tokens }).joinByHandle(handleId, me, {
        signal: controller.signal,
      }),
    ).toStrictEqual(
      err({
        code: 'cancelled',
        message: 'aborted while getting a token',
        retryable: false,
        ambiguous: false,
      }),
    );
    expect(directory.requests).toHaveLength(0);
  });

  it('passes a provider failure through whole: code, retryable, status and Retry-After', async () => {
    const directory = await plain(200);
    const busy = client(directory.url, {
      tokens: failingTokens({
        code: 'rate-limited',
        message: 'sts busy',
        retryable: false,
        status: 429,
        retryAfterMs: 3000,
      }),
    });
    expect(await busy.readByHandle(handleId, { signal: signal() })).toStrictEqual(
      err({
        code: 'rate-limited',
        message: 'token: sts busy',
        retryable: false,
        ambiguous: false,
        status: 429,
        retryAfterMs: 3000,
      }),
    );
    const refused = client(directory.url, {
      tokens: failingTokens({ code: 'unauthorized', message: 'who?', retryable: true }),
    });
    expect(await refused.readByHandle(handleId, { signal: signal() })).toStrictEqual(
      err({ code: 'unauthorized', message: 'token: who?', retryable: true, ambiguous: false }),
    );
    expect(directory.requests).toHaveLength(0);
  });

  it('resends a 401 once with a forced-fresh token, and reports a failed refresh', async () => {
    const directory = await plain(401);
    let calls = 0;
    const tokens: TokenProvider = {
      getToken: ({ forceRefresh }) => {
        calls += 1;
        return Promise.resolve(
          forceRefresh
            ? err({ code: 'unauthorized', message: 'account locked', retryable: false })
            : ok({ xuid: '2814', userHash: 'uh1', token: new Secret('tok-1') }),
        );
      },
    };
    expect(
      await client(directory.url, { tokens }).joinByHandle(handleId, me, { signal: signal() }),
    ).toStrictEqual(
      err({
        code: 'unauthorized',
        message: 'token: account locked',
        retryable: false,
        ambiguous: false,
      }),
    );
    expect(calls).toBe(2);
    expect(directory.requests).toHaveLength(1);
  });

  it('sends the fresh token on the resend and gives up on a second 401', async () => {
    const directory = await plain(401);
    const tokens = scriptedTokens(['tok-1', 'tok-2', 'tok-3']);
    expect(
      await client(directory.url, { tokens }).leave(sessionLocation, { signal: signal() }),
    ).toStrictEqual(
      err({
        code: 'unauthorized',
        message: 'directory refused a freshly issued token (401)',
        retryable: false,
        ambiguous: false,
        status: 401,
      }),
    );
    expect(tokens.calls).toEqual([false, true]);
    expect(directory.requests.map((request) => request.headers.authorization)).toEqual([
      'XBL3.0 x=uh1;tok-1',
      'XBL3.0 x=uh1;tok-2',
    ]);
  });
});

describe('what the client logs', () => {
  it('each answer with its status and time, and each decision in words', async () => {
    const log = recordingLogger();
    let refused = false;
    const directory = await serve((request, response) => {
      if (!refused) {
        refused = true;
        response.writeHead(401);
        response.end();
      } else if (request.method === 'GET') sendJson(response, 200, session(['2814']));
      else sendJson(response, 412, session(['2814']));
    });
    const logged = client(directory.url, { log });
    const before = Date.now();
    await logged.joinByHandle(handleId, me, { signal: signal() });
    await logged.joinByHandle(handleId, me, { signal: signal(), checkMembershipFirst: true });
    const elapsed = Date.now() - before;
    const lines = log.entries.map((entry) => `${entry.level} ${entry.text}`);
    const timed = /^(info directory \S+ \S+ → \d+) in (\d+) ms$/;
    expect(lines.map((line) => line.replace(timed, '$1'))).toEqual([
      `info directory PUT ${joinPath} → 401`,
      `warn directory refused the token for PUT ${joinPath} (401); refreshing it once`,
      `info directory PUT ${joinPath} → 412`,
      `info 412 on handle ${handleId}: adopted the current session, already a member`,
      `info directory GET ${joinPath} → 200`,
      `info already a member of the session behind handle ${handleId}; not writing again`,
    ]);
    for (const line of lines) {
      const ms = timed.exec(line)?.[2];
      if (ms !== undefined) expect(Number(ms)).toBeLessThanOrEqual(elapsed);
    }
  });

  it('a failed request with its method, path, time, code and reason', async () => {
    const log = recordingLogger();
    const url = await closedPort();
    const before = Date.now();
    await client(url, { log }).leave(sessionLocation, { signal: signal() });
    const elapsed = Date.now() - before;
    expect(log.entries).toHaveLength(1);
    const match =
      /^directory PUT (\S+) failed after (\d+) ms: directory-unavailable \(network error ECONNREFUSED: .+\)$/.exec(
        log.lines('warn')[0] ?? '',
      );
    expect(match?.[1]).toBe(sessionLocation);
    expect(Number(match?.[2])).toBeLessThanOrEqual(elapsed);
  });
});

describe('joining', () => {
  it('returns the written session, where it lives and its ETag; no ETag, no field', async () => {
    for (const [status, etag] of [
      [201, '"e9"'],
      [200, undefined],
    ] as const) {
      const body = session(['1', '2814']);
      const directory = await serve((_request, response) => {
        response.writeHead(status, {
          'content-location': sessionLocation,
          ...(etag === undefined ? {} : { etag }),
        });
        response.end(JSON.stringify(body));
      });
      const result = await client(directory.url).joinByHandle(handleId, me, { signal: signal() });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value).toStrictEqual({
        session: result.value.session,
        contentLocation: sessionLocation,
        ...(etag === undefined ? {} : { etag }),
        joined: true,
      });
      expect(result.value.session.membersInfo).toEqual(body.membersInfo);
      expect(directory.requests).toHaveLength(1);
    }
  });

  it('follows an absolute Content-Location on the directory origin to its path', async () => {
    const directory = await serve((request, response) =>
      sendJson(response, 200, session(['2814']), {
        'content-location': `http://${request.headers.host}${sessionLocation}?view=full`,
      }),
    );
    const result = await client(directory.url).joinByHandle(handleId, me, { signal: signal() });
    expect(result.ok && result.value.contentLocation).toBe(sessionLocation);
  });

  it.each([
    ['a relative path', 'sessions/s1'],
    ['a path that is not a session', '/handles/abc'],
    [
      'a session path under another path',
      '/handles/abc/serviceconfigs/a/sessionTemplates/b/sessions/c',
    ],
  ])('refuses %s as Content-Location (ambiguous: the write may have happened)', async (_n, at) => {
    const directory = await serve((_request, response) =>
      sendJson(response, 201, session(['2814']), { 'content-location': at }),
    );
    expect(await client(directory.url).joinByHandle(handleId, me, { signal: signal() })).toEqual(
      err({
        code: 'malformed-response',
        message: `Content-Location is not a session path: ${at}`,
        retryable: false,
        ambiguous: true,
      }),
    );
    expect(directory.requests).toHaveLength(1);
  });

  it('asks the handle where the session lives without Content-Location, and reports its failure', async () => {
    const directory = await serve((request, response) => {
      if (request.url === `/handles/${handleId}`) {
        response.writeHead(404);
        response.end('The handle was not found.');
        return;
      }
      response.writeHead(200);
      response.end(JSON.stringify(session(['2814'])));
    });
    expect(
      await client(directory.url).joinByHandle(handleId, me, { signal: signal() }),
    ).toStrictEqual(
      err({
        code: 'invite-expired',
        message: 'directory answered 404: The handle was not found.',
        retryable: false,
        ambiguous: true,
        status: 404,
      }),
    );
    expect(directory.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `PUT ${joinPath}`,
      `GET /handles/${handleId}`,
    ]);
    const read = await client(directory.url).readByHandle(handleId, { signal: signal() });
    expect(!read.ok && read.error).toMatchObject({ code: 'invite-expired', ambiguous: false });
  });

  it('reads a 5xx of the handle lookup as a read: ambiguous only for a join', async () => {
    const directory = await serve((request, response) => {
      if (request.url === `/handles/${handleId}`) {
        response.writeHead(500);
        response.end();
        return;
      }
      response.writeHead(200);
      response.end(JSON.stringify(session(['2814'])));
    });
    const failure = (ambiguous: boolean) =>
      err({
        code: 'directory-unavailable',
        message: 'directory answered 500',
        retryable: true,
        ambiguous,
        status: 500,
      });
    expect(await client(directory.url).readByHandle(handleId, { signal: signal() })).toStrictEqual(
      failure(false),
    );
    expect(
      await client(directory.url).joinByHandle(handleId, me, { signal: signal() }),
    ).toStrictEqual(failure(true));
  });

  it('reports a handle lookup whose connection drops as a network error', async () => {
    const directory = await serve((request, response) => {
      if (request.url === `/handles/${handleId}`) {
        response.socket?.destroy();
        return;
      }
      response.writeHead(200);
      response.end(JSON.stringify(session(['2814'])));
    });
    const read = await client(directory.url).readByHandle(handleId, { signal: signal() });
    expect(!read.ok && read.error).toMatchObject({
      code: 'directory-unavailable',
      retryable: true,
      ambiguous: false,
    });
    expect(!read.ok && read.error.message).toMatch(/^network error /);
    const joined = await client(directory.url).joinByHandle(handleId, me, { signal: signal() });
    expect(!joined.ok && joined.error).toMatchObject({
      code: 'directory-unavailable',
      ambiguous: true,
    });
  });

  it('reports a handle that is not a handle document as malformed', async () => {
    const directory = await serve((request, response) => {
      response.writeHead(200);
      response.end(
        request.url === `/handles/${handleId}` ? '{"id":1}' : JSON.stringify(session(['2814'])),
      );
    });
    const result = await client(directory.url).joinByHandle(handleId, me, { signal: signal() });
    expect(!result.ok && result.error).toMatchObject({
      code: 'malformed-response',
      ambiguous: true,
    });
    expect(!result.ok && result.error.message).toMatch(/^handle: ./);
  });

  it.each([
    ['not JSON', '<html>', 'session answer is not JSON'],
    ['JSON null', 'null', /^session answer: ./],
  ])('reports a session answer that is %s with its status', async (_name, body, message) => {
    const directory = await serve((_request, response) => {
      response.writeHead(201, { 'content-location': sessionLocation });
      response.end(body);
    });
    const result = await client(directory.url).joinByHandle(handleId, me, { signal: signal() });
    expect(!result.ok && result.error).toMatchObject({
      code: 'malformed-response',
      status: 201,
      ambiguous: true,
      retryable: false,
    });
    expect(!result.ok && result.error.message).toMatch(message);
  });

  it('refuses a written session that does not list the player', async () => {
    const directory = await serve((_request, response) => sendJson(response, 201, session(['1'])));
    expect(
      await client(directory.url).joinByHandle(handleId, me, { signal: signal() }),
    ).toStrictEqual(
      err({
        code: 'malformed-response',
        message: 'the written session does not list the player',
        retryable: false,
        ambiguous: true,
        status: 201,
      }),
    );
  });

  it('reports a 204 (the session is gone) as invite-expired', async () => {
    const directory = await plain(204);
    expect(
      await client(directory.url).joinByHandle(handleId, me, { signal: signal() }),
    ).toStrictEqual(
      err({
        code: 'invite-expired',
        message: 'the session behind the handle is gone (204)',
        retryable: false,
        ambiguous: false,
        status: 204,
      }),
    );
  });

  it('reports a 403 carrying a session with a free seat as not-allowed', async () => {
    const directory = await serve((_request, response) =>
      sendJson(response, 403, session(['1'], 4)),
    );
    const result = await client(directory.url).joinByHandle(handleId, me, { signal: signal() });
    expect(!result.ok && result.error).toMatchObject({ code: 'not-allowed', status: 403 });
  });

  it('reads a 5xx of a join as ambiguous and sends it once (no transport retry)', async () => {
    const directory = await plain(500, 'boom');
    expect(
      await client(directory.url).joinByHandle(handleId, me, { signal: signal() }),
    ).toStrictEqual(
      err({
        code: 'directory-unavailable',
        message: 'directory answered 500: boom',
        retryable: true,
        ambiguous: true,
        status: 500,
      }),
    );
    expect(directory.requests).toHaveLength(1);
  });
});

describe('a 412 on a join', () => {
  it('adopts the session it carries when it lists the player', async () => {
    const directory = await serve((_request, response) =>
      sendJson(response, 412, session(['1', '2814']), { etag: '"now"' }),
    );
    const result = await client(directory.url).joinByHandle(handleId, me, {
      signal: signal(),
      ifMatch: '"then"',
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toStrictEqual({
      session: result.value.session,
      contentLocation: sessionLocation,
      etag: '"now"',
      joined: false,
    });
    expect(result.value.session.membersInfo.count).toBe(2);
    expect(directory.requests).toHaveLength(1);
  });

  it('reports where an adopted session lives when that cannot be found', async () => {
    const directory = await serve((request, response) => {
      if (request.method === 'GET') {
        response.writeHead(410);
        response.end();
        return;
      }
      response.writeHead(412);
      response.end(JSON.stringify(session(['2814'])));
    });
    expect(
      await client(directory.url).joinByHandle(handleId, me, { signal: signal() }),
    ).toStrictEqual(
      err({
        code: 'invite-expired',
        message: 'directory answered 410',
        retryable: false,
        ambiguous: true,
        status: 410,
      }),
    );
  });

  it.each([
    ['a session without the player', JSON.stringify(session(['1']))],
    ['no session', 'Precondition failed.'],
  ])('is a conflict with %s', async (_name, body) => {
    const directory = await plain(412, body);
    const result = await client(directory.url).joinByHandle(handleId, me, { signal: signal() });
    expect(!result.ok && result.error).toMatchObject({
      code: 'conflict',
      status: 412,
      retryable: false,
      ambiguous: false,
    });
    expect(directory.requests).toHaveLength(1);
  });
});

describe('checkMembershipFirst', () => {
  it('finds the player already in and does not write again', async () => {
    const directory = await serve((_request, response) =>
      sendJson(response, 200, session(['2814']), { etag: '"read"' }),
    );
    const result = await client(directory.url).joinByHandle(handleId, me, {
      signal: signal(),
      checkMembershipFirst: true,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({
      contentLocation: sessionLocation,
      etag: '"read"',
      joined: false,
    });
    expect(directory.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${joinPath}`,
    ]);
  });

  it.each([
    [
      'lists others',
      (response: Parameters<typeof sendJson>[0]) => sendJson(response, 200, session(['1'])),
    ],
    [
      'is gone (204)',
      (response: Parameters<typeof sendJson>[0]) => {
        response.writeHead(204);
        response.end();
      },
    ],
  ])('writes when the session %s', async (_name, answerRead) => {
    const directory = await serve((request, response) => {
      if (request.method === 'GET') answerRead(response);
      else sendJson(response, 201, session(['1', '2814']));
    });
    const result = await client(directory.url).joinByHandle(handleId, me, {
      signal: signal(),
      checkMembershipFirst: true,
    });
    expect(result.ok && result.value.joined).toBe(true);
    expect(directory.requests.map((request) => request.method)).toEqual(['GET', 'PUT']);
  });

  it('keeps a failed check ambiguous: the earlier write is still unaccounted for', async () => {
    const directory = await plain(404, 'The handle was not found.');
    expect(
      await client(directory.url).joinByHandle(handleId, me, {
        signal: signal(),
        checkMembershipFirst: true,
      }),
    ).toStrictEqual(
      err({
        code: 'invite-expired',
        message: 'directory answered 404: The handle was not found.',
        retryable: false,
        ambiguous: true,
        status: 404,
      }),
    );
    expect(directory.requests).toHaveLength(1);
  });

  it('is off by default: a join writes at once', async () => {
    const directory = await serve((_request, response) =>
      sendJson(response, 200, session(['2814'])),
    );
    await client(directory.url).joinByHandle(handleId, me, { signal: signal() });
    expect(directory.requests.map((request) => request.method)).toEqual(['PUT']);
  });
});

describe('reading', () => {
  it('returns the session', async () => {
    const directory = await serve((_request, response) =>
      sendJson(response, 200, session(['1', '2'])),
    );
    const result = await client(directory.url).readByHandle(handleId, { signal: signal() });
    expect(result.ok && result.value?.membersInfo).toEqual({ first: 0, next: 2, count: 2 });
    expect(directory.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${joinPath}`,
    ]);
  });

  it('refuses a handle id that is not a GUID without sending anything', async () => {
    const directory = await plain(200);
    expect(await client(directory.url).readByHandle('nope', { signal: signal() })).toStrictEqual(
      err({
        code: 'invite-expired',
        message: 'not a handle id: nope',
        retryable: false,
        ambiguous: false,
      }),
    );
    expect(directory.requests).toHaveLength(0);
  });

  it.each([
    ['a full session', JSON.stringify(session(['1', '2'], 2)), 'session-full'],
    ['a session with a free seat', JSON.stringify(session(['1'], 2)), 'not-allowed'],
    ['a closed-session message', 'The session is closed.', 'not-allowed'],
  ])('maps a 403 carrying %s', async (_name, body, code) => {
    const directory = await plain(403, body);
    const result = await client(directory.url).readByHandle(handleId, { signal: signal() });
    expect(!result.ok && result.error).toMatchObject({ code, status: 403, ambiguous: false });
  });

  it('reads a 5xx as not ambiguous', async () => {
    const directory = await plain(503, '', { 'retry-after': '2' });
    expect(await client(directory.url).readByHandle(handleId, { signal: signal() })).toStrictEqual(
      err({
        code: 'directory-unavailable',
        message: 'directory answered 503',
        retryable: true,
        ambiguous: false,
        status: 503,
        retryAfterMs: 2000,
      }),
    );
    expect(directory.requests).toHaveLength(1);
  });
});

describe('the 4 MiB answer cap', () => {
  const cap = 4 * 1024 * 1024;

  /** A session padded with spaces (still valid JSON) to exactly `bytes`. */
  function padded(bytes: number): string {
    const text = JSON.stringify(session(['2814']));
    return text + ' '.repeat(bytes - text.length);
  }

  function answering(text: string) {
    return serve((_request, response) => {
      response.writeHead(200, { 'content-location': sessionLocation });
      response.end(text);
    });
  }

  it('reads an answer of exactly 4 MiB', async () => {
    const directory = await answering(padded(cap));
    const result = await client(directory.url).readByHandle(handleId, { signal: signal() });
    expect(result.ok && result.value?.membersInfo.count).toBe(1);
  });

  it('refuses one byte more: ambiguous on a join, not on a read', async () => {
    const directory = await answering(padded(cap + 1));
    const refusal = (ambiguous: boolean) =>
      err({
        code: 'malformed-response',
        message: `answer larger than ${cap} bytes`,
        retryable: false,
        ambiguous,
      });
    expect(
      await client(directory.url).joinByHandle(handleId, me, { signal: signal() }),
    ).toStrictEqual(refusal(true));
    expect(await client(directory.url).readByHandle(handleId, { signal: signal() })).toStrictEqual(
      refusal(false),
    );
  });
});

describe('leaving', () => {
  it('writes to the path of an absolute Content-Location on the directory origin', async () => {
    const directory = await plain(200);
    const result = await client(directory.url).leave(`${directory.url}${sessionLocation}`, {
      signal: signal(),
    });
    expect(result).toStrictEqual(ok(undefined));
    expect(directory.requests[0]?.url).toBe(sessionLocation);
  });

  it('refuses anything but a session path, sending nothing', async () => {
    const directory = await plain(200);
    for (const location of ['http://[bad', 'relative/path', `${directory.url}/dev/tokens`]) {
      expect(await client(directory.url).leave(location, { signal: signal() })).toStrictEqual(
        err({
          code: 'malformed-response',
          message: 'leave() needs a session path',
          retryable: false,
          ambiguous: false,
        }),
      );
    }
    expect(directory.requests).toHaveLength(0);
  });

  it('reads a 5xx of a leave as ambiguous', async () => {
    const directory = await plain(502);
    const result = await client(directory.url).leave(sessionLocation, { signal: signal() });
    expect(!result.ok && result.error).toMatchObject({
      code: 'directory-unavailable',
      status: 502,
      ambiguous: true,
    });
  });
});

describe('session paths and JSON', () => {
  it.each([
    ['/serviceconfigs/a/SESSIONTEMPLATES/b/sessions/c', true],
    ['/serviceconfigs/a/sessionTemplates/b/sessions/%20c', true],
    ['/serviceconfigs/a/sessionTemplates/./sessions/c', false],
    ['/serviceconfigs/a/sessionTemplates/b/sessions/..', false],
    ['/serviceconfigs/%2E/sessionTemplates/b/sessions/c', false],
    ['/serviceconfigs/a%2Fb/sessionTemplates/b/sessions/c', false],
    ['/serviceconfigs/a/sessionTemplates/b/sessions/%E0%A4%A', false],
    ['/serviceconfigs/a/sessionTemplates/b/sessions/c?x=1', false],
    ['/handles/h/serviceconfigs/a/sessionTemplates/b/sessions/c', false],
  ])('%s is a session path: %s', (path, expected) => {
    expect(isSessionPath(path)).toBe(expected);
  });

  it('parses JSON and answers undefined for anything else', () => {
    expect(parseJson('{"a":[1]}')).toEqual({ a: [1] });
    expect(parseJson('{"a":')).toBeUndefined();
  });
});
