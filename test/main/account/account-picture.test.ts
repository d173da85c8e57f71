/**
 * The account chip's picture over real loopback HTTP: a profile service names a picture URL, and
 * main downloads it only if it is small enough, of an image type the window shows, and served
 * without a redirect. Anything else is "no picture" with a log line, never an error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { accountPicture, maxPictureBytes } from '../../../src/main/account/account-picture';
import type { TokenProvider } from '../../../src/main/join/token-provider';

const xuid = '2533274812345678';
const tokens: TokenProvider = {
  getToken: async () => ({ ok: true, value: { xuid, userHash: 'uhs', token: 'xsts-token' } }),
};

/** What the picture path of the fake service answers. */
interface PictureAnswer {
  readonly status?: number;
  readonly type: string;
  readonly body: Buffer;
  readonly location?: string;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((done) => server?.close(done) ?? done(undefined));
  server = undefined;
});

/** A profile service whose only player's picture is answered with `picture`; its base URL. */
async function profileService(picture: PictureAnswer): Promise<string> {
  server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/users/batch/profile/settings') {
      const base = `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          profileUsers: [
            {
              id: xuid,
              settings: [
                { id: 'Gamertag', value: 'Chip Owner' },
                { id: 'GameDisplayPicRaw', value: `${base}/picture` },
              ],
            },
          ],
        }),
      );
      return;
    }
    response.statusCode = picture.status ?? 200;
    response.setHeader('content-type', picture.type);
    if (picture.location) response.setHeader('location', picture.location);
    response.end(picture.body);
  });
  await new Promise<void>((listening) => server?.listen(0, '127.0.0.1', listening));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function pictureOf(picture: PictureAnswer): Promise<{ url?: string; lines: string[] }> {
  const base = await profileService(picture);
  const lines: string[] = [];
  const url = await accountPicture(xuid, {
    profileUrl: `${base}/users/batch/profile/settings`,
    tokens,
    log: (line) => lines.push(line),
  });
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
