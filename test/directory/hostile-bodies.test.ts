/**
 * Bodies built to hurt: deep nesting that would overflow rendering, prototype keys, and odd but
 * valid JSON. Each gets a typed answer and leaves the session readable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import {
  call,
  expectSessionDocument,
  joinBody,
  player,
  sessionUrl,
  type Player,
} from './directory-test-client';

let directory: RunningDirectory;
let someone: Player;

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false });
  someone = await player(directory.url, 'Hostile');
});
afterAll(() => directory.close());

describe('hostile bodies', () => {
  it('refuses nesting deeper than 32 levels, and the session stays readable', async () => {
    const path = sessionUrl('deep');
    expect(
      (await call(directory.url, 'PUT', path, { as: someone, body: joinBody(someone) })).status,
    ).toBe(201);
    const depth = 20_000;
    const rawBody = `{"properties":{"custom":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
    const deep = await call(directory.url, 'PUT', path, { as: someone, rawBody });
    expect(deep.status).toBe(400);
    expect(deep.text).toMatch(/32 levels/);
    const nested = (levels: number): unknown => (levels === 0 ? 1 : { n: nested(levels - 1) });
    const fine = await call(directory.url, 'PUT', path, {
      as: someone,
      body: { properties: { custom: { a: nested(28) } } },
    });
    expect(fine.status).toBe(200);
    expectSessionDocument(await call(directory.url, 'GET', path, { as: someone }));
  });

  it('keeps "__proto__" and "constructor" as ordinary custom keys without touching prototypes', async () => {
    const path = sessionUrl('proto');
    await call(directory.url, 'PUT', path, { as: someone, body: joinBody(someone) });
    const rawBody =
      '{"properties":{"custom":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}}}';
    const answer = await call(directory.url, 'PUT', path, { as: someone, rawBody });
    expect(answer.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const read = await call(directory.url, 'GET', path, { as: someone });
    expectSessionDocument(read);
    const custom = JSON.parse(read.text).properties.custom as Record<string, unknown>;
    expect(Object.hasOwn(custom, '__proto__')).toBe(true);
    expect(Object.hasOwn(custom, 'constructor')).toBe(true);
  });

  it('caps a session document at 512 KB, however many writes add to it', async () => {
    const path = sessionUrl('growing');
    await call(directory.url, 'PUT', path, { as: someone, body: joinBody(someone) });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const body = { properties: { custom: { [`blob${i}`]: 'x'.repeat(60 * 1024) } } };
      statuses.push((await call(directory.url, 'PUT', path, { as: someone, body })).status);
    }
    expect(statuses.slice(0, 8)).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    expect(statuses.slice(8)).toEqual([413, 413]);
    const read = await call(directory.url, 'GET', path, { as: someone });
    expect(read.text.length).toBeLessThanOrEqual(512 * 1024);
    expectSessionDocument(read);
    const shrink = await call(directory.url, 'PUT', path, {
      as: someone,
      body: { properties: { custom: { blob0: null } } },
    });
    expect(shrink.status).toBe(200);
  });

  it('answers a JSON array, string or number body with 400', async () => {
    for (const rawBody of ['[]', '"text"', '42', 'null', 'true']) {
      const answer = await call(directory.url, 'PUT', sessionUrl('scalar'), {
        as: someone,
        rawBody,
      });
      expect(answer.status, rawBody).toBe(400);
    }
  });
});
