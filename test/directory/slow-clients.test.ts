/**
 * Slow clients cannot starve players: raw sockets that dribble a request a byte at a time hold
 * every connection the directory allows, and a real player's join (the launcher's own directory
 * client) still succeeds at once, because a newcomer evicts the connection that has waited longest.
 * The dribblers themselves are cut off by the header and request timeouts.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { createDirectoryClient } from '../../src/main/join/directory-client';
import { createDevTokenProvider } from '../../src/main/join/token-provider';
import { call, joinBody, player, scid, sessionUrl } from './directory-test-client';

let directory: RunningDirectory;
const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];

beforeAll(async () => {
  directory = await startDirectory({
    rateLimits: false,
    connectionLimits: { maxConnections: 20, headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 },
  });
});
afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  for (const socket of sockets) socket.destroy();
  await directory.close();
});

/** A connection that sends `head` one byte every `everyMs`; resolves its close time. */
async function dribbler(head: string, everyMs = 100): Promise<{ closed: Promise<number> }> {
  const { port } = new URL(directory.url);
  const socket = connect(Number(port), '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let at = 0;
  const timer = setInterval(() => {
    if (at < head.length && !socket.destroyed) socket.write(head[at] ?? '');
    at += 1;
  }, everyMs);
  timers.push(timer);
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve(performance.now());
    }),
  );
  return { closed };
}

const slowHead = (port: string) =>
  `PUT ${sessionUrl('never')} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${'x-padding: a\r\n'.repeat(200)}\r\n`;

describe('slow clients', () => {
  it('a full house of dribbling connections does not keep a real join out', async () => {
    const { port } = new URL(directory.url);
    const host = await player(directory.url, 'Slow Host');
    await call(directory.url, 'PUT', sessionUrl('slow-game', 'game'), {
      as: host,
      body: joinBody(host),
    });
    const handle = await call(directory.url, 'POST', '/handles', {
      as: host,
      body: {
        version: 1,
        type: 'activity',
        sessionRef: { scid, templateName: 'game', name: 'slow-game' },
      },
    });
    expect(handle.status).toBe(201);
    const handleId = handle.json<{ id: string }>().id;

    for (let i = 0; i < 20; i += 1) await dribbler(slowHead(port));
    await new Promise((resolve) => setTimeout(resolve, 150));

    const xuid = '2533274800007001';
    const tokens = createDevTokenProvider({
      baseUrl: directory.url,
      xuid,
      gamertag: 'Real Player',
    });
    const client = createDirectoryClient({
      baseUrl: directory.url,
      tokens,
      attemptTimeoutMs: 3_000,
    });
    const started = performance.now();
    const joined = await client.joinByHandle(
      handleId,
      { xuid },
      { signal: new AbortController().signal },
    );
    expect(joined.ok, JSON.stringify(joined)).toBe(true);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(directory.stats().connections.evicted).toBeGreaterThan(0);
    expect(directory.stats().connections.open).toBeLessThanOrEqual(20);
  });

  it('ends a connection that takes longer than the header timeout to send its headers', async () => {
    const { port } = new URL(directory.url);
    const opened = performance.now();
    const { closed } = await dribbler(slowHead(port), 200);
    const lifetime = (await closed) - opened;
    // 1 s headers timeout, checked every second: well before Node's default of 60 s.
    expect(lifetime).toBeGreaterThan(900);
    expect(lifetime).toBeLessThan(5_000);
  });

  it('refuses a request head over 16 KB with 431, before any of it is kept', async () => {
    const { port } = new URL(directory.url);
    const socket = connect(Number(port), '127.0.0.1');
    sockets.push(socket);
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.write(
      `GET ${sessionUrl('big-head')} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('ends a connection whose body dribbles past the request timeout', async () => {
    const { port } = new URL(directory.url);
    const who = await player(directory.url, 'Slow Body');
    const head =
      `PUT ${sessionUrl('slow-body')} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n` +
      `authorization: ${who.authorization}\r\nx-xbl-contract-version: 107\r\n` +
      `content-type: application/json\r\ncontent-length: 500\r\n\r\n`;
    const opened = performance.now();
    const { closed } = await dribbler(head + '{'.repeat(500), 20);
    const lifetime = (await closed) - opened;
    expect(lifetime).toBeLessThan(6_000);
    expect((await call(directory.url, 'GET', sessionUrl('slow-body'), { as: who })).status).toBe(
      204,
    );
  });
});
