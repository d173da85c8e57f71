/**
 * The account chip's picture over real loopback HTTP: a profile service names a picture URL, and
 * main downloads it only if it is small enough, of an image type the window shows, and served
 * without a redirect. Anything else is "no picture" with a log line, never an error.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { accountPicture, maxPictureBytes } from '../../../src/main/account/account-picture';
import type { TokenProvider } from '../../../src/main/join/token-provider';
import { closedLoopbackPort } from './closed-port';
import { Secret } from '../../../src/main/account/secret';

const xuid = '2533274812345678';
const tokens: TokenProvider = {
  getToken: async () => ({
    ok: true,
    value: { xuid, userHash: 'uhs', token: new Secret('xsts-token') },
  }),
};

/** What the picture path of the fake service answers. */
interface PictureAnswer {
  readonly status?: number;
  /** The content-type header; none at all when undefined. */
  readonly type: string | undefined;
  readonly body: Buffer;
  readonly location?: string;
  /** Answers this long after the request arrived. */
  readonly delayMs?: number;
  /** The picture URL the profile names instead of this service's `/picture`. */
  readonly pictureUrl?: string;
  /** The profile service names nobody. */
  readonly unknown?: boolean;
}

/** The picture requests the service saw (headers only). */
let pictureRequests: IncomingHttpHeaders[] = [];

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done) ?? done(undefined));
  server = undefined;
  pictureRequests = [];
});

/** A profile service whose only player's picture is answered with `picture`; its base URL. */
async function profileService(picture: PictureAnswer): Promise<string> {
  server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/users/batch/profile/settings') {
      const base = `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          profileUsers: picture.unknown
            ? []
            : [
                {
                  id: xuid,
                  settings: [
                    { id: 'Gamertag', value: 'Chip Owner' },
                    { id: 'GameDisplayPicRaw', value: picture.pictureUrl ?? `${base}/picture` },
                  ],
                },
              ],
        }),
      );
      return;
    }
    pictureRequests.push(request.headers);
    const answer = () => {
      response.statusCode = picture.status ?? 200;
      if (picture.type !== undefined) response.setHeader('content-type', picture.type);
      if (picture.location) response.setHeader('location', picture.location);
      response.end(picture.body);
    };
    if (picture.delayMs === undefined) answer();
    else setTimeout(answer, picture.delayMs);
  });
  await new Promise<void>((listening) => server?.listen(0, '127.0.0.1', listening));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function pictureOf(
  picture: PictureAnswer,
  timeoutMs?: number,
): Promise<{ url?: string; lines: string[] }> {
  const base = await profileService(picture);
  const lines: string[] = [];
  const url = await accountPicture(xuid, {
    profileUrl: `${base}/users/batch/profile/settings`,
    tokens,
    log: (line) => lines.push(line),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  // The token goes to the profile service only, never into a log line.
  expect(lines.join('\n')).not.toContain('xsts-token');
  return { ...(url === undefined ? {} : { url }), lines };
}

it('hands the window a small PNG as a data URL of its own type', async () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const { url } = await pictureOf({ type: 'image/png; charset=binary', body: png });
  expect(url).toBe(`data:image/png;base64,${png.toString('base64')}`);
});

it('refuses a picture one byte over the cap, and takes one at the cap', async () => {
  const over = await pictureOf({ type: 'image/jpeg', body: Buffer.alloc(maxPictureBytes + 1, 7) });
  expect(over.url).toBeUndefined();
  expect(over.lines.join('\n')).toContain('larger than the cap');
  await new Promise((done) => server?.close(done));
  const at = await pictureOf({ type: 'image/jpeg', body: Buffer.alloc(maxPictureBytes, 7) });
  expect(at.url?.startsWith('data:image/jpeg;base64,')).toBe(true);
});

it('refuses a type the window does not show (HTML, missing type), and never follows a redirect', async () => {
  const html = await pictureOf({ type: 'text/html', body: Buffer.from('<script>x()</script>') });
  expect(html.url).toBeUndefined();
  expect(html.lines.join('\n')).toContain('not an image type the window shows');
  await new Promise((done) => server?.close(done));

  const untyped = await pictureOf({ type: '', body: Buffer.from('GIF89a') });
  expect(untyped.url).toBeUndefined();
  await new Promise((done) => server?.close(done));

  const moved = await pictureOf({
    status: 302,
    type: 'image/png',
    body: Buffer.alloc(0),
    location: 'http://127.0.0.1:9/elsewhere.png',
  });
  expect(moved.url).toBeUndefined();
  expect(moved.lines.join('\n')).toContain('answered 302');
  await new Promise((done) => server?.close(done));

  const missing = await pictureOf({ status: 404, type: 'image/png', body: Buffer.from('x') });
  expect(missing.url).toBeUndefined();
});

it('asks for the picture by its image types, and never sends the token to its host', async () => {
  const png = Buffer.from('png bytes');
  const { url, lines } = await pictureOf({ type: 'IMAGE/PNG ; charset=binary', body: png });
  expect(url).toBe(`data:image/png;base64,${png.toString('base64')}`);
  expect(pictureRequests).toHaveLength(1);
  expect(pictureRequests[0]?.accept).toBe(
    'image/png, image/jpeg, image/gif, image/webp, image/svg+xml',
  );
  expect(pictureRequests[0]?.authorization).toBeUndefined();
  expect(lines).toStrictEqual(['profile lookup: 1 of 1 player(s) named']);
});

it('takes every image type of its list', async () => {
  for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml']) {
    const { url } = await pictureOf({ type, body: Buffer.from('x') });
    expect(url).toBe(`data:${type};base64,eA==`);
    server?.closeAllConnections();
    await new Promise((done) => server?.close(done));
  }
});

it('without a content type, or with a 2xx other than 200, there is no picture', async () => {
  const untyped = await pictureOf({ type: undefined, body: Buffer.from('GIF89a') });
  expect(untyped.url).toBeUndefined();
  expect(untyped.lines).toContain('account picture refused: not an image type the window shows');
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));

  const partial = await pictureOf({ status: 206, type: 'image/png', body: Buffer.from('x') });
  expect(partial.url).toBeUndefined();
  expect(partial.lines).toContain('account picture refused: the picture URL answered 206');
});

it('a player the profile service does not know, or without a picture, is not fetched', async () => {
  const unknown = await pictureOf({ type: 'image/png', body: Buffer.from('x'), unknown: true });
  expect(unknown.url).toBeUndefined();
  expect(pictureRequests).toStrictEqual([]);
  expect(unknown.lines).toStrictEqual(['profile lookup: 0 of 1 player(s) named']);
});

it('a picture host that fails, is not there or is too slow gives no picture and is not retried', async () => {
  const failing = await pictureOf({ status: 500, type: 'image/png', body: Buffer.from('x') });
  expect(failing.url).toBeUndefined();
  expect(pictureRequests).toHaveLength(1);
  expect(failing.lines).toContain(
    'account picture could not be fetched (ERR_NON_2XX_3XX_RESPONSE)',
  );
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));

  const port = await closedLoopbackPort();
  const absent = await pictureOf({
    type: 'image/png',
    body: Buffer.alloc(0),
    pictureUrl: `http://127.0.0.1:${port}/picture.png`,
  });
  expect(absent.url).toBeUndefined();
  expect(absent.lines).toContain('account picture could not be fetched (ECONNREFUSED)');
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));

  const slow = await pictureOf({ type: 'image/png', body: Buffer.from('x'), delayMs: 1500 }, 100);
  expect(slow.url).toBeUndefined();
  expect(slow.lines).toContain('account picture could not be fetched (ETIMEDOUT)');
});

it('works without a log function', async () => {
  const base = await profileService({ type: 'text/html', body: Buffer.from('<p>') });
  await expect(
    accountPicture(xuid, { profileUrl: `${base}/users/batch/profile/settings`, tokens }),
  ).resolves.toBeUndefined();
});
