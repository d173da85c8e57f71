/**
 * Bodies built to hurt: deep nesting that would overflow rendering, prototype keys, and odd but
 * valid JSON. Each gets a typed answer and leaves the session readable.
 */
import { describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import {
  call,
  expectCapAfterEightBlobs,
  expectSessionDocument,
  joinBody,
  directoryWithPlayer,
  player,
  rawConnection,
  requestHead,
  sessionUrl,
} from './directory-test-client';

const env = directoryWithPlayer('Hostile');

describe('hostile bodies', () => {
  it('refuses nesting deeper than 32 levels, and the session stays readable', async () => {
    const path = sessionUrl('deep');
    expect(
      (await call(env.url, 'PUT', path, { as: env.someone, body: joinBody(env.someone) })).status,
    ).toBe(201);
    const depth = 20_000;
    const rawBody = `{"properties":{"custom":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
    const deep = await call(env.url, 'PUT', path, { as: env.someone, rawBody });
    expect(deep.status).toBe(400);
    expect(deep.text).toMatch(/32 levels/);
    const nested = (levels: number): unknown => (levels === 0 ? 1 : { n: nested(levels - 1) });
    const fine = await call(env.url, 'PUT', path, {
      as: env.someone,
      body: { properties: { custom: { a: nested(28) } } },
    });
    expect(fine.status).toBe(200);
    expectSessionDocument(await call(env.url, 'GET', path, { as: env.someone }));
  });

  it('keeps "__proto__" and "constructor" as ordinary custom keys without touching prototypes', async () => {
    const path = sessionUrl('proto');
    await call(env.url, 'PUT', path, { as: env.someone, body: joinBody(env.someone) });
    const rawBody =
      '{"properties":{"custom":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}}}';
    const answer = await call(env.url, 'PUT', path, { as: env.someone, rawBody });
    expect(answer.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const read = await call(env.url, 'GET', path, { as: env.someone });
    expectSessionDocument(read);
    const custom = JSON.parse(read.text).properties.custom as Record<string, unknown>;
    expect(Object.hasOwn(custom, '__proto__')).toBe(true);
    expect(Object.hasOwn(custom, 'constructor')).toBe(true);
  });

  it('caps a session document at 512 KB, however many writes add to it', async () => {
    const path = sessionUrl('growing');
    await call(env.url, 'PUT', path, { as: env.someone, body: joinBody(env.someone) });
    await expectCapAfterEightBlobs(env.url, env.someone, path, 'x'.repeat(60 * 1024));
    const read = await call(env.url, 'GET', path, { as: env.someone });
    expect(read.text.length).toBeLessThanOrEqual(512 * 1024);
    expectSessionDocument(read);
    const shrink = await call(env.url, 'PUT', path, {
      as: env.someone,
      body: { properties: { custom: { blob0: null } } },
    });
    expect(shrink.status).toBe(200);
  });

  it('answers a JSON array, string or number body with 400', async () => {
    for (const rawBody of ['[]', '"text"', '42', 'null', 'true']) {
      const answer = await call(env.url, 'PUT', sessionUrl('scalar'), {
        as: env.someone,
        rawBody,
      });
      expect(answer.status, rawBody).toBe(400);
    }
  });

  it('drops a write whose body is cut off and keeps serving', async () => {
    const log: RequestLogEntry[] = [];
    const directory = await startDirectory({ rateLimits: false, onRequest: (e) => log.push(e) });
    try {
      const someone = await player(directory.url, 'CutOff');
      const path = sessionUrl('cut-off');
      await call(directory.url, 'PUT', path, { as: someone, body: joinBody(someone) });
      const { socket } = await rawConnection(directory.url);
      // The headers promise 200 bytes; 20 arrive, then the connection goes away.
      socket.write(`${requestHead(path, someone, 200)}{"properties":{"cus`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      await expect
        .poll(() => log.find((entry) => entry.path === path && entry.status === 'reset'))
        .toBeDefined();
      const read = await call(directory.url, 'GET', path, { as: someone });
      expectSessionDocument(read);
      expect(read.json<{ properties: { custom: unknown } }>().properties.custom).toEqual({});
    } finally {
      await directory.close();
    }
  });
});
