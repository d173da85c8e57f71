/**
 * A web page in a real browser (Debian Chromium) against the directory: a page served from another
 * loopback origin tries a form post, no-cors and CORS fetches and a WebSocket; a page whose own name
 * is rebound to the directory's address (DNS rebinding, emulated by a proxy that first serves the
 * page, then forwards its connections to the directory byte for byte) tries same-origin requests.
 * Nothing is applied: no identity is minted, no session written, no presence connection opened.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import {
  connect,
  createServer as createTcpServer,
  type Server as TcpServer,
  type Socket,
} from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry, RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import { launchChromium } from '../renderer/browser-kit';
import { call, player, sessionUrl, type Player } from './directory-test-client';

const page =
  '<!doctype html><html><head><title>not the launcher</title></head><body><iframe name="sink"></iframe></body></html>';

let browser: Browser;
let directory: RunningDirectory;
let someone: Player;
const requests: RequestLogEntry[] = [];
const servers: Array<Server | TcpServer> = [];

async function listen(server: Server | TcpServer): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  browser = await launchChromium();
  directory = await startDirectory({
    rateLimits: false,
    onRequest: (entry) => requests.push(entry),
  });
  someone = await player(directory.url, 'Browser Victim');
});
afterAll(async () => {
  await browser?.close();
  await directory?.close();
  for (const server of servers) server.close();
});

async function open(url: string): Promise<Page> {
  const tab = await browser.newPage();
  tab.setDefaultTimeout(10_000);
  await tab.goto(url);
  return tab;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('a web page against the directory, in Chromium', () => {
  it('from another loopback origin: form post, fetches and a WebSocket apply nothing', async () => {
    const attackerPort = await listen(
      createHttpServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(page);
      }),
    );
    const tab = await open(`http://127.0.0.1:${attackerPort}/`);
    const identities = directory.stats().devIdentities;
    const seen = requests.length;

    // A text/plain form post: the one cross-site POST a browser sends without asking.
    await tab.evaluate((target) => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = target;
      form.enctype = 'text/plain';
      form.target = 'sink';
      const field = document.createElement('input');
      field.name = '{"xuid":"2533274800009001","gamertag":"Form","follows":["1"],"x":"';
      field.value = '"}';
      form.appendChild(field);
      document.body.appendChild(form);
      form.submit();
    }, `${directory.url}/dev/tokens`);
    await expect.poll(() => requests.length, { timeout: 10_000 }).toBeGreaterThan(seen);

    const outcomes = await tab.evaluate(
      async ({ base, path, authorization }) => {
        const attempt = async (run: () => Promise<Response>) => {
          try {
            const response = await run();
            return response.type === 'opaque' ? 'opaque' : String(response.status);
          } catch {
            return 'blocked';
          }
        };
        const body = JSON.stringify({ xuid: '2533274800009002', gamertag: 'Fetch' });
        const noCors = await attempt(() =>
          fetch(`${base}/dev/tokens`, {
            method: 'POST',
            mode: 'no-cors',
            body,
            headers: { 'content-type': 'text/plain' },
          }),
        );
        const corsJson = await attempt(() =>
          fetch(`${base}/dev/tokens`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json' },
          }),
        );
        const write = await attempt(() =>
          fetch(`${base}${path}`, {
            method: 'PUT',
            headers: {
              authorization,
              'content-type': 'application/json',
              'x-xbl-contract-version': '107',
            },
            body: JSON.stringify({ members: { me: { properties: { system: { active: true } } } } }),
          }),
        );
        const socket = await new Promise<string>((resolve) => {
          const ws = new WebSocket(`${base.replace('http', 'ws')}/connect`);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        });
        return { noCors, corsJson, write, socket };
      },
      {
        base: directory.url,
        path: sessionUrl('browser-write'),
        authorization: someone.authorization,
      },
    );
    await settle();
    expect(outcomes).toEqual({
      noCors: 'opaque',
      corsJson: 'blocked',
      write: 'blocked',
      socket: 'refused',
    });
    expect(directory.stats().devIdentities).toBe(identities);
    expect(directory.stats().presenceConnections).toBe(0);
    expect(
      (await call(directory.url, 'GET', sessionUrl('browser-write'), { as: someone })).status,
    ).toBe(204);
    // What reached the directory was refused: the form post and the no-cors fetch by their
    // Origin (403), the CORS preflights for lack of an OPTIONS route.
    const statuses = requests.slice(seen).map((entry) => `${entry.method} ${entry.status}`);
    expect(statuses).toContain('POST 403');
    expect(statuses.some((status) => status.endsWith(' 201') || status.endsWith(' 200'))).toBe(
      false,
    );
    await tab.close();
  });

  it('a page whose name is rebound to the directory (DNS rebinding) is refused by its Host', async () => {
    const { port: directoryPort } = new URL(directory.url);
    let forwarding = false;
    const open_: Socket[] = [];
    const proxy = createTcpServer((socket) => {
      open_.push(socket);
      socket.on('error', () => undefined);
      if (!forwarding) {
        socket.once('data', () =>
          socket.end(
            `HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: ${Buffer.byteLength(page)}\r\nconnection: close\r\n\r\n${page}`,
          ),
        );
        return;
      }
      const upstream = connect(Number(directoryPort), '127.0.0.1');
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
    });
    const proxyPort = await listen(proxy);
    const tab = await open(`http://rebound.localhost:${proxyPort}/`);
    // "DNS now answers 127.0.0.1": the same name and port reach the directory.
    forwarding = true;
    for (const socket of open_.splice(0)) socket.destroy();
    const identities = directory.stats().devIdentities;
    const seen = requests.length;
    const outcomes = await tab.evaluate(
      async ({ path, authorization }) => {
        const status = async (run: () => Promise<Response>) => {
          try {
            return String((await run()).status);
          } catch {
            return 'blocked';
          }
        };
        return {
          mint: await status(() =>
            fetch('/dev/tokens', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ xuid: '2533274800009003', gamertag: 'Rebound' }),
            }),
          ),
          read: await status(() =>
            fetch(path, { headers: { authorization, 'x-xbl-contract-version': '107' } }),
          ),
        };
      },
      { path: sessionUrl('browser-write'), authorization: someone.authorization },
    );
    expect(outcomes).toEqual({ mint: '421', read: '421' });
    expect(directory.stats().devIdentities).toBe(identities);
    // Everything the page sent through the rebound name (its fetches, and whatever else Chromium
    // asks for, such as a favicon) was refused.
    const statuses = requests.slice(seen).map((entry) => entry.status);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(new Set(statuses)).toEqual(new Set([421]));
    await tab.close();
  });
});
