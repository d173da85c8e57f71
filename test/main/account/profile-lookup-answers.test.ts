/**
 * The profile lookup against a scripted profile service on loopback HTTP: what it asks (which
 * XUIDs, which settings, with which token), what it keeps of each answer (gamertag rules, only
 * pictures a window may load, only players it asked for), and how every failure (no token, no
 * service, a slow or redirecting one, a body of the wrong shape) is an empty answer with a log line
 * that never holds the token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lookupProfiles, type PlayerProfile } from '../../../src/main/account/profile-lookup';
import type { TokenProvider } from '../../../src/main/join/token-provider';
import { closedLoopbackPort } from './closed-port';
import { Secret } from '../../../src/main/account/secret';

const token = 'xsts-SECRET-token';
const sender = '2533274811111111';
const other = '2533274822222222';

/** A token provider that keeps what it was asked. */
function tokensOk(): TokenProvider & { asked: unknown[] } {
  const asked: unknown[] = [];
  return {
    asked,
    getToken: async (options) => {
      asked.push(options);
      return { ok: true, value: { xuid: sender, userHash: 'uhs-7', token: new Secret(token) } };
    },
  };
}

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done) ?? done(undefined));
  server = undefined;
});

/** A profile service answering every request with `answer`; its URL and the requests it saw. */
async function profileService(
  answer: (request: Seen, response: ServerResponse) => void,
): Promise<{ url: string; base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      };
      seen.push(entry);
      answer(entry, response);
    });
  });
  await new Promise<void>((listening) => server?.listen(0, '127.0.0.1', listening));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${base}/users/batch/profile/settings`, base, seen };
}

const json = (value: unknown) => (_request: Seen, response: ServerResponse) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(value));
};

const user = (id: string, settings: Record<string, string>) => ({
  id,
  settings: Object.entries(settings).map(([key, value]) => ({ id: key, value })),
});

async function lookUp(
  xuids: readonly string[],
  url: string,
  extra: { tokens?: TokenProvider; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ profiles: ReadonlyMap<string, PlayerProfile>; lines: string[] }> {
  const lines: string[] = [];
  const profiles = await lookupProfiles(xuids, {
    profileUrl: url,
    tokens: extra.tokens ?? tokensOk(),
    log: (line) => lines.push(line),
    ...(extra.timeoutMs === undefined ? {} : { timeoutMs: extra.timeoutMs }),
    ...(extra.signal === undefined ? {} : { signal: extra.signal }),
  });
  expect(lines.join('\n')).not.toContain(token);
  return { profiles, lines };
}

describe('the request', () => {
  it('posts the wanted XUIDs once each, both settings, contract 2 and the XBL3.0 header', async () => {
    const service = await profileService(json({ profileUsers: [] }));
    const tokens = tokensOk();
    await lookUp([sender, other, sender], service.url, { tokens });
    expect(service.seen).toHaveLength(1);
    const [request] = service.seen;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/users/batch/profile/settings');
    expect(JSON.parse(request?.body ?? '')).toStrictEqual({
      userIds: [sender, other],
      settings: ['Gamertag', 'GameDisplayPicRaw'],
    });
    expect(request?.headers.authorization).toBe(`XBL3.0 x=uhs-7;${token}`);
    expect(request?.headers['x-xbl-contract-version']).toBe('2');
    expect(request?.headers.accept).toBe('application/json');
    expect(tokens.asked).toStrictEqual([{ forceRefresh: false }]);
  });

  it('asks only for XUIDs (1 to 20 digits), at most 100 of them', async () => {
    const service = await profileService(json({ profileUsers: [] }));
    const twenty = '12345678901234567890';
    await lookUp(
      ['a1234', '1234a', '', '123456789012345678901', '12 34', twenty, '7'],
      service.url,
    );
    expect(JSON.parse(service.seen[0]?.body ?? '').userIds).toStrictEqual([twenty, '7']);

    const many = Array.from({ length: 120 }, (_, index) => String(1000 + index));
    await lookUp(many, service.url);
    expect(JSON.parse(service.seen[1]?.body ?? '').userIds).toStrictEqual(many.slice(0, 100));
  });

  it('with no XUID to ask for, asks neither for a token nor the service', async () => {
    const service = await profileService(json({ profileUsers: [] }));
    const tokens = tokensOk();
    const { profiles, lines } = await lookUp(['not-a-xuid'], service.url, { tokens });
    expect(profiles.size).toBe(0);
    expect(tokens.asked).toStrictEqual([]);
    expect(service.seen).toStrictEqual([]);
    expect(lines).toStrictEqual([]);
  });

  it('hands its abort signal to the token request', async () => {
    const service = await profileService(json({ profileUsers: [] }));
    const tokens = tokensOk();
    const signal = new AbortController().signal;
    await lookUp([sender], service.url, { tokens, signal });
    expect(tokens.asked).toStrictEqual([{ forceRefresh: false, signal }]);
  });

  it('works without a log function', async () => {
    const service = await profileService(json({ profileUsers: [] }));
    await expect(
      lookupProfiles([sender], { profileUrl: service.url, tokens: tokensOk() }),
    ).resolves.toStrictEqual(new Map());
    await expect(
      lookupProfiles([sender], { profileUrl: `${service.base}/nowhere`, tokens: tokensOk() }),
    ).resolves.toStrictEqual(new Map());
  });
});

describe('what it keeps of the answer', () => {
  it('names players by trimmed gamertag, with an https or loopback picture as a normalised URL', async () => {
    const service = await profileService(
      json({
        profileUsers: [
          user(sender, {
            GameDisplayPicRaw: 'HTTPS://Images.Example.com/pic one.png',
            Gamertag: '  Host Friend ',
          }),
          user(other, { Gamertag: 'Loopback', GameDisplayPicRaw: 'http://127.0.0.1:9/p.png' }),
        ],
      }),
    );
    const { profiles, lines } = await lookUp([sender, other], service.url);
    expect([...profiles.entries()]).toStrictEqual([
      [
        sender,
        {
          xuid: sender,
          gamertag: 'Host Friend',
          pictureUrl: 'https://images.example.com/pic%20one.png',
        },
      ],
      [other, { xuid: other, gamertag: 'Loopback', pictureUrl: 'http://127.0.0.1:9/p.png' }],
    ]);
    expect(lines).toStrictEqual(['profile lookup: 2 of 2 player(s) named']);
  });

  it('leaves out pictures a window may not load, and keeps the player', async () => {
    const pictures = [
      'http://images.example.com/p.png',
      'https://user@images.example.com/p.png',
      'https://:pass@images.example.com/p.png',
      'http://u:p@127.0.0.1/p.png',
      'javascript:alert(1)',
      'not a url',
    ];
    const ids = pictures.map((_, index) => String(100 + index));
    const service = await profileService(
      json({
        profileUsers: [
          ...pictures.map((picture, index) =>
            user(ids[index] ?? '', { Gamertag: `P${index}`, GameDisplayPicRaw: picture }),
          ),
          user('200', { Gamertag: 'No picture' }),
        ],
      }),
    );
    const { profiles } = await lookUp([...ids, '200'], service.url);
    expect([...profiles.values()]).toStrictEqual([
      ...ids.map((id, index) => ({ xuid: id, gamertag: `P${index}` })),
      { xuid: '200', gamertag: 'No picture' },
    ]);
  });

  it('skips players without a usable gamertag (none, blank, over 32 characters) and those not asked for', async () => {
    const service = await profileService(
      json({
        profileUsers: [
          user('1', { GameDisplayPicRaw: 'https://example.com/p.png' }),
          user('2', { Gamertag: '   ' }),
          user('3', { Gamertag: 'x'.repeat(33) }),
          user('4', { Gamertag: 'y'.repeat(32) }),
          user('5', { Gamertag: 'Stranger' }),
          user('6', { Gamertag: '' }),
        ],
      }),
    );
    const { profiles, lines } = await lookUp(['1', '2', '3', '4', '6'], service.url);
    expect([...profiles.values()]).toStrictEqual([{ xuid: '4', gamertag: 'y'.repeat(32) }]);
    expect(lines).toStrictEqual(['profile lookup: 1 of 5 player(s) named']);
  });
});

describe('the size limits of an answer', () => {
  const picture = (length: number) => {
    const start = 'https://example.com/';
    return start + 'a'.repeat(length - start.length);
  };
  const filler = (count: number) =>
    Array.from({ length: count }, (_, index) => ({ id: `Other${index}`, value: 'x' }));

  it('takes setting values up to 2048 characters, 20 settings a player and 100 players', async () => {
    const players = Array.from({ length: 100 }, (_, index) => ({
      id: String(1000 + index),
      settings: [
        { id: 'Gamertag', value: `P${index}` },
        { id: 'GameDisplayPicRaw', value: picture(2048) },
        ...filler(18),
      ],
    }));
    const service = await profileService(json({ profileUsers: players }));
    const { profiles } = await lookUp(
      players.map((player) => player.id),
      service.url,
    );
    expect(profiles.size).toBe(100);
    expect(profiles.get('1000')?.pictureUrl).toBe(picture(2048));
  });

  it.each([
    [
      'a value of 2049 characters',
      [user(sender, { Gamertag: 'G', GameDisplayPicRaw: picture(2049) })],
    ],
    ['21 settings', [{ id: sender, settings: [{ id: 'Gamertag', value: 'G' }, ...filler(20)] }]],
    [
      '101 players',
      Array.from({ length: 101 }, (_, index) => user(String(1000 + index), { Gamertag: 'G' })),
    ],
    ['a player id that is no string', [{ id: 7, settings: [{ id: 'Gamertag', value: 'G' }] }]],
    ['a setting id that is no string', [{ id: sender, settings: [{ id: 1, value: 'G' }] }]],
  ])('refuses the whole answer with %s', async (_name, profileUsers) => {
    const service = await profileService(json({ profileUsers }));
    const { profiles, lines } = await lookUp([sender, '1000'], service.url);
    expect(profiles.size).toBe(0);
    expect(lines).toStrictEqual([
      'profile lookup answer has the wrong shape; the sender is shown as a friend',
    ]);
  });
});

describe('failures are an empty answer with a log line', () => {
  it('no token: the service is not asked', async () => {
    const service = await profileService(json({ profileUsers: [] }));
    const noToken: TokenProvider = {
      getToken: async () => ({
        ok: false,
        error: { code: 'cancelled', message: 'no', retryable: false },
      }),
    };
    const { profiles, lines } = await lookUp([sender], service.url, { tokens: noToken });
    expect(profiles.size).toBe(0);
    expect(service.seen).toStrictEqual([]);
    expect(lines).toStrictEqual(['profile lookup skipped: no token (cancelled)']);
  });

  it('a service that cannot be reached, or answers an error status', async () => {
    const service = await profileService((_request, response) => {
      response.statusCode = 503;
      response.end('{"profileUsers":[]}');
    });
    const failed = await lookUp([sender], service.url);
    expect(failed.profiles.size).toBe(0);
    expect(failed.lines).toStrictEqual([
      'profile lookup failed (ERR_NON_2XX_3XX_RESPONSE); the sender is shown as a friend',
    ]);
    // The 503 is not retried.
    expect(service.seen).toHaveLength(1);

    const refused = await lookUp(
      [sender],
      `http://127.0.0.1:${await closedLoopbackPort()}/users/batch/profile/settings`,
    );
    expect(refused.lines).toStrictEqual([
      'profile lookup failed (ECONNREFUSED); the sender is shown as a friend',
    ]);
  });

  it('a redirect is not followed (the token would go with it)', async () => {
    const service = await profileService((request, response) => {
      if (request.url === '/elsewhere') {
        json({ profileUsers: [user(sender, { Gamertag: 'Followed' })] })(request, response);
        return;
      }
      response.statusCode = 307;
      response.setHeader('location', '/elsewhere');
      response.end();
    });
    const { profiles, lines } = await lookUp([sender], service.url);
    expect(profiles.size).toBe(0);
    expect(service.seen.map((request) => request.url)).toStrictEqual([
      '/users/batch/profile/settings',
    ]);
    expect(lines).toStrictEqual([
      'profile lookup answer has the wrong shape; the sender is shown as a friend',
    ]);
  });

  it('an answer slower than the timeout is not waited for', async () => {
    const service = await profileService((request, response) => {
      setTimeout(
        () => json({ profileUsers: [user(sender, { Gamertag: 'Late' })] })(request, response),
        1500,
      );
    });
    const { profiles, lines } = await lookUp([sender], service.url, { timeoutMs: 100 });
    expect(profiles.size).toBe(0);
    expect(lines).toStrictEqual([
      'profile lookup failed (ETIMEDOUT); the sender is shown as a friend',
    ]);
  });

  it('an abort stops a request the service never answers', async () => {
    const service = await profileService(() => undefined);
    const controller = new AbortController();
    const pending = lookUp([sender], service.url, {
      signal: controller.signal,
      timeoutMs: 600_000,
    });
    await expect.poll(() => service.seen.length).toBe(1);
    controller.abort();
    const { profiles, lines } = await pending;
    expect(profiles.size).toBe(0);
    expect(lines).toStrictEqual([
      'profile lookup failed (ERR_ABORTED); the sender is shown as a friend',
    ]);
  });

  it.each([
    ['not JSON', '<html>'],
    ['no profileUsers', '{}'],
    [
      'a setting that is no string',
      JSON.stringify({ profileUsers: [{ id: sender, settings: [{ id: 'Gamertag', value: 7 }] }] }),
    ],
  ])('a body of the wrong shape (%s)', async (_name, body) => {
    const service = await profileService((_request, response) => response.end(body));
    const { profiles, lines } = await lookUp([sender], service.url);
    expect(profiles.size).toBe(0);
    expect(lines).toStrictEqual([
      'profile lookup answer has the wrong shape; the sender is shown as a friend',
    ]);
  });
});
