/**
 * What a web page (or anything pretending to be one) gets from the directory: a Host that is not
 * the directory's own address is refused (DNS rebinding), an Origin not allowed is refused, and a
 * body not declared JSON is never applied. Real HTTP on loopback with `node:http`, which lets a
 * test set the Host and Origin headers a browser would.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { call, joinBody, player, sessionUrl, type Player } from './directory-test-client';

let directory: RunningDirectory;
let allowing: RunningDirectory;
let host: Player;

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false });
  allowing = await startDirectory({
    rateLimits: false,
    allowedOrigins: ['http://127.0.0.1:5173'],
    allowedHosts: ['studio-tool.test:8080'],
  });
  host = await player(directory.url, 'Web Host');
});
afterAll(async () => {
  await directory.close();
  await allowing.close();
});

function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: Number(port), method, path, headers, setHost: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const tokenBody = (xuid: string) => JSON.stringify({ xuid, gamertag: 'Page' });

describe('requests from web pages', () => {
  it('answers its own loopback names only: another Host (DNS rebinding) gets 421', async () => {
    const { port } = new URL(directory.url);
    const json = { 'content-type': 'application/json' };
    for (const name of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `[::1]:${port}`,
    ]) {
      const answer = await raw(
        directory.url,
        'POST',
        '/dev/tokens',
        { ...json, host: name },
        tokenBody('2533274800006001'),
      );
      expect(answer.status, name).toBe(201);
    }
    const before = directory.stats().devIdentities;
    for (const name of [
      `attacker.example:${port}`,
      'localhost',
      `127.0.0.1:${Number(port) + 1}`,
      `127.0.0.1.nip.io:${port}`,
    ]) {
      const answer = await raw(
        directory.url,
        'POST',
        '/dev/tokens',
        { ...json, host: name },
        tokenBody('2533274800006002'),
      );
      expect(answer.status, name).toBe(421);
      const read = await raw(directory.url, 'GET', sessionUrl('web-any'), {
        host: name,
        authorization: host.authorization,
        'x-xbl-contract-version': '107',
      });
      expect(read.status, name).toBe(421);
    }
    expect(directory.stats().devIdentities).toBe(before);
  });

  it('refuses any Origin by default, and only the allowed ones with --allow-origin', async () => {
    const path = sessionUrl('web-origin');
    const write = (base: string, as: Player, origin: string) =>
      call(base, 'PUT', path, { as, body: joinBody(as), headers: { origin } });
    for (const origin of [
      'http://127.0.0.1:5173',
      'null',
      'https://evil.example',
      'chrome-extension://abc',
    ]) {
      const answer = await write(directory.url, host, origin);
      expect(answer.status, origin).toBe(403);
      expect((await call(directory.url, 'GET', path, { as: host })).status).toBe(204);
      const minted = await call(directory.url, 'POST', '/dev/tokens', {
        body: { xuid: '2533274800006003', gamertag: 'Page' },
        headers: { origin },
      });
      expect(minted.status, origin).toBe(403);
    }
    const studio = await player(allowing.url, 'Studio Tool');
    expect((await write(allowing.url, studio, 'http://127.0.0.1:5173')).status).toBe(201);
    expect((await write(allowing.url, studio, 'http://127.0.0.1:5174')).status).toBe(403);
    const extraHost = await raw(allowing.url, 'GET', path, {
      host: 'studio-tool.test:8080',
      authorization: studio.authorization,
      'x-xbl-contract-version': '107',
    });
    expect(extraHost.status).toBe(200);
  });

  it('never applies a body that is not declared application/json (a form post)', async () => {
    const { port } = new URL(directory.url);
    const before = directory.stats().devIdentities;
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonp',
      undefined,
    ]) {
      const headers: Record<string, string> = { host: `127.0.0.1:${port}` };
      if (type !== undefined) headers['content-type'] = type;
      const minted = await raw(
        directory.url,
        'POST',
        '/dev/tokens',
        headers,
        tokenBody('2533274800006004'),
      );
      expect(minted.status, type).toBe(415);
      const written = await raw(
        directory.url,
        'PUT',
        sessionUrl('web-form'),
        { ...headers, authorization: host.authorization, 'x-xbl-contract-version': '107' },
        JSON.stringify(joinBody(host)),
      );
      expect(written.status, type).toBe(415);
    }
    expect(directory.stats().devIdentities).toBe(before);
    expect((await call(directory.url, 'GET', sessionUrl('web-form'), { as: host })).status).toBe(
      204,
    );
    const declared = await raw(
      directory.url,
      'POST',
      '/dev/tokens',
      { host: `127.0.0.1:${port}`, 'content-type': 'Application/JSON; charset=utf-8' },
      tokenBody('2533274800006005'),
    );
    expect(declared.status).toBe(201);
  });
});
