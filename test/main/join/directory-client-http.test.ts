/**
 * The directory client against tiny node:http servers on loopback that answer exactly what each
 * test needs: captured headers and bodies, garbage, silence, redirects (directory-client-server.ts).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isSessionPath } from '../../../src/main/join/directory-client';
import type { TokenProvider } from '../../../src/main/join/token-provider';
import { err, ok } from '../../../src/shared/result';
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
  type Captured,
} from './directory-client-server';

const packageVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string })
  .version;

afterEach(closeServers);

describe('requests on the wire', () => {
  it('sends the MPSD headers and the join body exactly', async () => {
    const directory = await serve((_request, response) =>
      sendJson(response, 201, session(['2814'])),
    );
    const result = await client(directory.url).joinByHandle(
      handleId,
      { xuid: '2814', secureDeviceAddress: 'c2RhLTE=', connection: 'conn-1' },
      { signal: signal() },
    );
    expect(result.ok).toBe(true);
    const [request] = directory.requests;
    expect(request?.method).toBe('PUT');
    expect(request?.url).toBe(`/handles/${handleId}/session`);
    const { headers } = request!;
    expect(headers['x-xbl-contract-version']).toBe('107');
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    expect(headers['accept-language']).toBe('de-DE');
    expect(headers['user-agent']).toBe(`Rallypoint/${packageVersion}`);
    expect(headers['authorization']).toBe('XBL3.0 x=uh1;tok-1');
    expect(Object.keys(headers).sort()).toEqual(
      [
        'accept-encoding',
        'accept-language',
        'authorization',
        'connection',
        'content-length',
        'content-type',
        'host',
        'user-agent',
        'x-xbl-contract-version',
      ].sort(),
    );
    expect(JSON.parse(request!.body)).toEqual({
      members: {
        me: {
          constants: { system: { xuid: '2814', initialize: true } },
          properties: {
            system: { active: true, secureDeviceAddress: 'c2RhLTE=', connection: 'conn-1' },
          },
        },
      },
    });
  });

  it('omits secureDeviceAddress and connection when the game gives none', async () => {
    const directory = await serve((_request, response) =>
      sendJson(response, 200, session(['2814'])),
    );
    await client(directory.url).joinByHandle(handleId, { xuid: '2814' }, { signal: signal() });
    expect(JSON.parse(directory.requests[0]!.body)).toEqual({
      members: {
        me: {
          constants: { system: { xuid: '2814', initialize: true } },
          properties: { system: { active: true } },
        },
      },
    });
  });

  it('reads by handle with a GET carrying the same headers and no body', async () => {
    const directory = await serve((_request, response) =>
      sendJson(response, 200, session(['1', '2'])),
    );
    const result = await client(directory.url).readByHandle(handleId, { signal: signal() });
    expect(result.ok && result.value?.membersInfo.count).toBe(2);
    const [request] = directory.requests;
    expect(request?.method).toBe('GET');
    expect(request?.headers['x-xbl-contract-version']).toBe('107');
    expect(request?.headers['authorization']).toBe('XBL3.0 x=uh1;tok-1');
    expect(request?.body).toBe('');
  });

  it('leaves by writing "me": null to the session path', async () => {
    const directory = await serve((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    const result = await client(directory.url).leave(sessionLocation, { signal: signal() });
    expect(result).toEqual({ ok: true, value: undefined });
    expect(directory.requests[0]?.method).toBe('PUT');
    expect(directory.requests[0]?.url).toBe(sessionLocation);
    expect(JSON.parse(directory.requests[0]!.body)).toEqual({ members: { me: null } });
  });

  it('counts a leave as done when the session is updated, deleted or already gone (404)', async () => {
    for (const status of [200, 201, 204, 404]) {
      const directory = await serve((_request, response) => {
        if (status === 204) {
          response.writeHead(204);
          response.end();
        } else if (status === 404) {
          response.writeHead(404, { 'content-type': 'text/plain' });
          response.end('The session was not found.');
        } else sendJson(response, status, session(['2533']));
      });
      const result = await client(directory.url).leave(sessionLocation, { signal: signal() });
      expect(result, `leave answered ${status}`).toEqual({ ok: true, value: undefined });
      expect(directory.requests).toHaveLength(1);
    }
  });

  it('reports a leave the directory refuses, with the code of its status', async () => {
    for (const [status, code] of [
      [403, 'not-allowed'],
      [409, 'conflict'],
      [410, 'invite-expired'],
      [400, 'directory-unavailable'],
    ] as const) {
      const directory = await serve((_request, response) => {
        response.writeHead(status, { 'content-type': 'text/plain' });
        response.end('no');
      });
      const result = await client(directory.url).leave(sessionLocation, { signal: signal() });
      expect(!result.ok && result.error.code, `leave answered ${status}`).toBe(code);
    }
  });

  it('keeps a path prefix of the base URL', async () => {
    const directory = await serve((_request, response) =>
      sendJson(response, 200, session(['2814'])),
    );
    await client(`${directory.url}/mpsd/`).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(directory.requests[0]?.url).toBe(`/mpsd/handles/${handleId}/session`);
  });
});

describe('answers that cannot be trusted', () => {
  it.each([
    ['garbage text', 'not json at all <html>'],
    ['JSON that is not a session', JSON.stringify({ members: {} })],
    [
      'a session whose member chain is broken',
      JSON.stringify({ ...session(['2814']), membersInfo: { first: 0, next: 3 } }),
    ],
  ])('turns %s on a join into malformed-response (ambiguous)', async (_name, body) => {
    const directory = await serve((_request, response) => {
      response.writeHead(200, { 'content-location': sessionLocation });
      response.end(body);
    });
    const result = await client(directory.url).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('malformed-response');
      expect(result.error.ambiguous).toBe(true);
      expect(result.error.retryable).toBe(false);
    }
  });

  it('turns garbage on a read into malformed-response (not ambiguous)', async () => {
    const directory = await serve((_request, response) => {
      response.writeHead(200, { 'content-location': sessionLocation });
      response.end('\u0000\u0001garbage');
    });
    const result = await client(directory.url).readByHandle(handleId, { signal: signal() });
    expect(!result.ok && result.error).toMatchObject({
      code: 'malformed-response',
      ambiguous: false,
    });
  });

  it('stops reading an endless answer and reports malformed-response', async () => {
    let written = 0;
    const directory = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!response.destroyed && written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
        response.end();
      };
      pump();
    });
    const result = await client(directory.url).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({
      code: 'malformed-response',
      ambiguous: true,
    });
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a success that does not list the player', async () => {
    const directory = await serve((_request, response) =>
      sendJson(response, 200, session(['999'])),
    );
    const result = await client(directory.url).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(!result.ok && result.error.code).toBe('malformed-response');
  });

  it('refuses a Content-Location on another origin and never writes there', async () => {
    const elsewhere = await serve((_request, response) => sendJson(response, 200, {}));
    const directory = await serve((_request, response) =>
      sendJson(response, 200, session(['2814']), {
        'content-location': `${elsewhere.url}${sessionLocation}`,
      }),
    );
    const result = await client(directory.url).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(!result.ok && result.error.code).toBe('malformed-response');
    const left = await client(directory.url).leave(`${elsewhere.url}${sessionLocation}`, {
      signal: signal(),
    });
    expect(!left.ok && left.error.code).toBe('malformed-response');
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('builds the session path from the handle when Content-Location is missing', async () => {
    const directory = await serve((request, response) => {
      if (request.url === `/handles/${handleId}`) {
        sendJson(response, 200, {
          id: handleId,
          type: 'invite',
          version: 1,
          sessionRef: { scid: 'scid-9', templateName: 'game', name: 'n 1' },
        });
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(session(['2814'])));
    });
    const result = await client(directory.url).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(result.ok && result.value.contentLocation).toBe(
      '/serviceconfigs/scid-9/sessionTemplates/game/sessions/n%201',
    );
  });

  it('does not follow redirects (they could carry the token elsewhere)', async () => {
    const elsewhere = await serve((_request, response) =>
      sendJson(response, 200, session(['2814'])),
    );
    const directory = await serve((_request, response) => {
      response.writeHead(307, { location: `${elsewhere.url}/handles/${handleId}/session` });
      response.end();
    });
    const result = await client(directory.url).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({
      code: 'directory-unavailable',
      status: 307,
      retryable: false,
    });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it.each(['../../dev/tokens', '', 'not-a-guid', `${handleId}/../x`])(
    'refuses handle id %j without sending anything',
    async (bad) => {
      const directory = await serve((_request, response) => sendJson(response, 200, {}));
      const result = await client(directory.url).joinByHandle(
        bad,
        { xuid: '2814' },
        { signal: signal() },
      );
      expect(!result.ok && result.error.code).toBe('invite-expired');
      expect(directory.requests).toHaveLength(0);
    },
  );

  it('accepts only session paths for leave', () => {
    expect(isSessionPath(sessionLocation)).toBe(true);
    expect(isSessionPath('/serviceconfigs/a/sessiontemplates/b/sessions/c')).toBe(true);
    expect(isSessionPath('/serviceconfigs/a/sessionTemplates/%2e%2e/sessions/c')).toBe(false);
    expect(isSessionPath('/dev/tokens')).toBe(false);
    expect(isSessionPath(`${sessionLocation}/members/me`)).toBe(false);
  });
});

describe('timeouts, cancellation and tokens', () => {
  it('gives up an attempt that gets no answer: directory-unavailable, ambiguous', async () => {
    const directory = await serve(() => {
      // Never answers.
    });
    const result = await client(directory.url, { attemptTimeoutMs: 300 }).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({
      code: 'directory-unavailable',
      ambiguous: true,
      retryable: true,
    });
  });

  it('cancels an in-flight request when the signal fires', async () => {
    let answered = false;
    const directory = await serve((_request, response) => {
      setTimeout(() => {
        answered = true;
        sendJson(response, 200, session(['2814']));
      }, 20_000).unref();
    });
    const controller = new AbortController();
    const pending = client(directory.url).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: controller.signal },
    );
    while (directory.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const result = await pending;
    expect(!result.ok && result.error).toMatchObject({ code: 'cancelled', retryable: false });
    expect(answered).toBe(false);
  });

  it('cancels before sending when the signal has already fired', async () => {
    const directory = await serve((_request, response) => sendJson(response, 200, {}));
    const controller = new AbortController();
    controller.abort();
    const result = await client(directory.url).readByHandle(handleId, {
      signal: controller.signal,
    });
    expect(!result.ok && result.error.code).toBe('cancelled');
    expect(directory.requests).toHaveLength(0);
  });

  it('refreshes a refused token once and never logs a token', async () => {
    const lines: unknown[][] = [];
    const log = {
      info: (...args: unknown[]) => lines.push(args),
      warn: (...args: unknown[]) => lines.push(args),
    };
    const directory = await serve((request, response) => {
      if (request.headers.authorization !== 'XBL3.0 x=uh1;fresh-secret-2') {
        response.writeHead(401);
        response.end();
        return;
      }
      sendJson(response, 201, session(['2814']));
    });
    const tokens = scriptedTokens(['stale-secret-1', 'fresh-secret-2']);
    const result = await client(directory.url, { tokens, log }).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(result.ok && result.value.joined).toBe(true);
    expect(tokens.calls).toEqual([false, true]);
    expect(directory.requests).toHaveLength(2);
    const logged = JSON.stringify(lines);
    expect(logged).toContain('401');
    expect(logged).not.toMatch(/secret|XBL3\.0|uh1/);
  });

  it.each([
    [
      'the Authorization header',
      (request: Captured) => `bad header: ${request.headers.authorization}`,
    ],
    ['the bare token', () => 'token tok-secret-123456 is not valid here'],
  ])('never puts %s echoed in an error body into the message', async (_name, echo) => {
    const directory = await serve((request, response) => {
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end(echo(request));
    });
    const tokens = scriptedTokens(['tok-secret-123456']);
    const result = await client(directory.url, { tokens }).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain('400');
      expect(result.error.message).not.toContain('tok-secret');
      expect(result.error.message).not.toContain('uh1');
    }
  });

  it('reports unauthorized after the refreshed token is refused too', async () => {
    const directory = await serve((_request, response) => {
      response.writeHead(401);
      response.end();
    });
    const tokens = scriptedTokens(['a', 'b', 'c']);
    const result = await client(directory.url, { tokens }).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({ code: 'unauthorized', retryable: false });
    expect(tokens.calls).toEqual([false, true]);
    expect(directory.requests).toHaveLength(2);
  });

  it('passes a token provider failure through with its code', async () => {
    const directory = await serve((_request, response) => sendJson(response, 200, {}));
    const tokens: TokenProvider = {
      getToken: () =>
        Promise.resolve(
          err({ code: 'directory-unavailable', message: 'sts down', retryable: true }),
        ),
    };
    const result = await client(directory.url, { tokens }).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({
      code: 'directory-unavailable',
      retryable: true,
    });
    expect(directory.requests).toHaveLength(0);
  });
});

describe('how answers map to error codes', () => {
  const full = session(['1', '2'], 2);
  it.each([
    [404, 'The handle was not found.', {}, { code: 'invite-expired', retryable: false }],
    [410, '', {}, { code: 'invite-expired' }],
    [400, 'The request URI contains an invalid handle ID.', {}, { code: 'invite-expired' }],
    [403, 'The session is full: all 4 of its 4 seats are taken.', {}, { code: 'session-full' }],
    [403, JSON.stringify(full), { 'content-type': 'application/json' }, { code: 'session-full' }],
    [403, 'The session is closed to new members.', {}, { code: 'not-allowed' }],
    [
      409,
      'The constant maxMembersCount conflicts with session template game.',
      {},
      { code: 'conflict', retryable: false },
    ],
    [408, '', {}, { code: 'directory-unavailable', retryable: true, ambiguous: false }],
    [
      429,
      '{}',
      { 'retry-after': '7' },
      { code: 'rate-limited', retryable: true, retryAfterMs: 7000 },
    ],
    [500, '', {}, { code: 'directory-unavailable', retryable: true, ambiguous: true }],
    [502, '', {}, { code: 'directory-unavailable', retryable: true, ambiguous: true }],
    [
      503,
      '',
      { 'retry-after': 'Thu, 01 Jan 2099 00:00:00 GMT' },
      { code: 'directory-unavailable', retryable: true, retryAfterMs: 86_400_000 },
    ],
    [504, '', {}, { code: 'directory-unavailable', retryable: true }],
    [501, '', {}, { code: 'directory-unavailable', retryable: false }],
    [405, 'Use PUT.', {}, { code: 'directory-unavailable', retryable: false }],
  ] as const)('%i %s', async (status, body, headers, expected) => {
    const directory = await serve((_request, response) => {
      response.writeHead(status, { 'content-type': 'text/plain', ...headers });
      response.end(body);
    });
    const result = await client(directory.url).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({ status, ...expected });
  });

  it('treats a 204 on a read as "no session" and on a join as invite-expired', async () => {
    const directory = await serve((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    expect(await client(directory.url).readByHandle(handleId, { signal: signal() })).toEqual(
      ok(undefined),
    );
    const joined = await client(directory.url).joinByHandle(
      handleId,
      { xuid: '2814' },
      { signal: signal() },
    );
    expect(!joined.ok && joined.error.code).toBe('invite-expired');
  });

  it('reports a refused connection as retryable but not ambiguous', async () => {
    const directory = await serve(() => undefined);
    const url = directory.url;
    await closeServers();
    const result = await client(url).joinByHandle(handleId, { xuid: '2814' }, { signal: signal() });
    expect(!result.ok && result.error).toMatchObject({
      code: 'directory-unavailable',
      retryable: true,
      ambiguous: false,
    });
  });
});

describe('any answer at all', () => {
  it('always comes back as a typed Result, never a throw', async () => {
    let next: { status: number; body: string; headers: Record<string, string> } = {
      status: 200,
      body: '',
      headers: {},
    };
    const directory = await serve((_request, response) => {
      response.writeHead(next.status, next.headers);
      response.end(next.body);
    });
    const codes = new Set<string>([
      'invite-expired',
      'session-full',
      'not-allowed',
      'conflict',
      'unauthorized',
      'directory-unavailable',
      'rate-limited',
      'malformed-response',
      'cancelled',
    ]);
    const answer = fc.record({
      status: fc.integer({ min: 200, max: 599 }),
      body: fc.oneof(
        fc.string(),
        fc.jsonValue().map((value) => JSON.stringify(value)),
        fc.constant(JSON.stringify(session(['2814']))),
      ),
      headers: fc.record(
        {
          'content-location': fc.oneof(fc.constant(sessionLocation), fc.webUrl(), fc.string()),
          'retry-after': fc.oneof(
            fc.nat().map(String),
            fc.date().map((d) => d.toUTCString()),
            fc.string(),
          ),
          etag: fc.string(),
        },
        { requiredKeys: [] },
      ),
    });
    await fc.assert(
      fc.asyncProperty(answer, async (generated) => {
        // Header values must be sendable by node:http; anything else is the transport's business.
        const headers = Object.fromEntries(
          Object.entries(generated.headers).filter(([, value]) => /^[\x20-\x7e]*$/.test(value)),
        );
        next = { ...generated, headers };
        const result = await client(directory.url).joinByHandle(
          handleId,
          { xuid: '2814' },
          { signal: signal() },
        );
        if (result.ok) {
          expect(result.value.session.membersInfo).toBeDefined();
          expect(isSessionPath(result.value.contentLocation)).toBe(true);
        } else {
          expect(codes.has(result.error.code)).toBe(true);
          expect(typeof result.error.message).toBe('string');
          expect(typeof result.error.retryable).toBe('boolean');
        }
      }),
      { numRuns: 60 },
    );
  });
});
