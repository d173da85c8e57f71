/**
 * MPSD's fine-grained rate limits per user and title: the 31st request inside 15 s answers 429
 * with MPSD's JSON body and Retry-After; other users are unaffected; the window slides.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { call, joinBody, player, sessionUrl } from './directory-test-client';

let directory: RunningDirectory | undefined;
afterEach(() => directory?.close());

describe('rate limits', () => {
  it('answers 429 with the MPSD body and Retry-After past 30 requests per 15 s', async () => {
    const clock = { t: 1_000_000, now: () => clock.t };
    directory = await startDirectory({ clock });
    const { url } = directory;
    const busy = await player(url, 'Busy');
    const calm = await player(url, 'Calm');
    const path = sessionUrl('rate-limited');
    expect((await call(url, 'PUT', path, { as: busy, body: joinBody(busy) })).status).toBe(201);
    for (let i = 1; i < 30; i += 1) {
      clock.t += 100;
      expect((await call(url, 'GET', path, { as: busy })).status).toBe(200);
    }
    const limited = await call(url, 'GET', path, { as: busy });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    expect(limited.json()).toEqual({
      version: 1,
      currentRequests: 31,
      maxRequests: 30,
      periodInSeconds: 15,
      limitType: 'Rate',
    });
    // The first request was 2.9 s ago: it leaves the window in 12.1 s.
    expect(limited.headers.get('retry-after')).toBe('13');
    expect((await call(url, 'GET', path, { as: calm })).status).toBe(200);
    clock.t += 12_200;
    expect((await call(url, 'GET', path, { as: busy })).status).toBe(200);
  });

  it('applies the sustained window of 300 per 300 s, and can be configured or turned off', async () => {
    const clock = { t: 5_000_000, now: () => clock.t };
    directory = await startDirectory({
      clock,
      rateLimits: { sustainedRequests: 5, burstRequests: 100 },
    });
    const { url } = directory;
    const someone = await player(url, 'Sustained');
    const path = sessionUrl('sustained');
    for (let i = 0; i < 5; i += 1) {
      clock.t += 20_000;
      expect((await call(url, 'GET', path, { as: someone })).status).toBe(204);
    }
    const limited = await call(url, 'GET', path, { as: someone });
    expect(limited.status).toBe(429);
    expect(limited.json()).toMatchObject({ maxRequests: 5, periodInSeconds: 300 });
    await directory.close();

    directory = await startDirectory({ clock, rateLimits: false });
    const free = await player(directory.url, 'Free');
    for (let i = 0; i < 40; i += 1) {
      expect((await call(directory.url, 'GET', path, { as: free })).status).toBe(204);
    }
  });

  it('counts per title: the same user in another title has its own budget', async () => {
    const clock = { t: 9_000_000, now: () => clock.t };
    directory = await startDirectory({ clock, rateLimits: { burstRequests: 2 } });
    const { url } = directory;
    const inTitleA = await player(url, 'Two Titles', { titleId: '100' });
    const inTitleB = await player(url, 'Two Titles', { xuid: inTitleA.xuid, titleId: '200' });
    const path = sessionUrl('titles');
    expect((await call(url, 'GET', path, { as: inTitleA })).status).toBe(204);
    expect((await call(url, 'GET', path, { as: inTitleA })).status).toBe(204);
    expect((await call(url, 'GET', path, { as: inTitleA })).status).toBe(429);
    expect((await call(url, 'GET', path, { as: inTitleB })).status).toBe(204);
  });
});
