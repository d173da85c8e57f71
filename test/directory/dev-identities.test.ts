/**
 * `POST /dev/tokens` is bounded: identities expire, there are at most `max` of them, issuing is
 * rate limited, XUIDs follow the invite parser's rule, and the endpoint can be turned off. Real HTTP
 * on loopback with an injected clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { DirectoryOptions, RunningDirectory } from '../../src/directory/directory-options';
import { devIdentitiesEnabled, bindingWarnings } from '../../src/directory/binding-policy';
import { call, joinBody, sessionUrl } from './directory-test-client';

let directory: RunningDirectory | undefined;
afterEach(async () => {
  await directory?.close();
  directory = undefined;
});

const clock = { t: Date.parse('2026-05-01T12:00:00Z'), now: () => clock.t };

async function start(options: DirectoryOptions): Promise<string> {
  directory = await startDirectory({ clock, ...options });
  return directory.url;
}

const mint = (url: string, xuid: string, extra: Record<string, unknown> = {}) =>
  call(url, 'POST', '/dev/tokens', {
    body: { xuid, gamertag: 'Someone', ...extra },
    noContract: true,
  });

describe('development identities', () => {
  it('expire after their lifetime: the token then answers 401 and a new one works', async () => {
    const url = await start({ rateLimits: false, devIdentities: { lifetimeMs: 60_000 } });
    const issued = await mint(url, '2533274800001001');
    expect(issued.status).toBe(201);
    const { authorization, expiration } = issued.json<{
      authorization: string;
      expiration: string;
    }>();
    expect(Date.parse(expiration)).toBe(clock.t + 60_000);
    const as = { xuid: '2533274800001001', gamertag: 'Someone', authorization };
    expect((await call(url, 'PUT', sessionUrl('expiry'), { as, body: joinBody(as) })).status).toBe(
      201,
    );
    clock.t += 60_000;
    const late = await call(url, 'GET', sessionUrl('expiry'), { as });
    expect(late.status).toBe(401);
    expect(late.text).toMatch(/expired/);
    const again = await mint(url, '2533274800001001');
    expect(again.status).toBe(201);
    const fresh = { ...as, authorization: again.json<{ authorization: string }>().authorization };
    expect((await call(url, 'GET', sessionUrl('expiry'), { as: fresh })).status).toBe(200);
  });

  it('are capped: past the maximum the directory answers 429 until the oldest expires', async () => {
    const url = await start({ rateLimits: false, devIdentities: { max: 3, lifetimeMs: 30_000 } });
    for (const n of [1, 2, 3]) {
      expect((await mint(url, `253327480000200${n}`)).status).toBe(201);
      clock.t += 1_000;
    }
    const full = await mint(url, '2533274800002004');
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('27');
    expect(directory?.stats().devIdentities).toBe(3);
    clock.t += 27_000;
    expect((await mint(url, '2533274800002004')).status).toBe(201);
    expect(directory?.stats().devIdentities).toBe(3);
  });

  it('are rate limited per client address (60 per 10 s by default)', async () => {
    const url = await start({});
    const statuses: number[] = [];
    for (let n = 0; n < 61; n += 1)
      statuses.push((await mint(url, String(2533274800003000 + n))).status);
    expect(statuses.slice(0, 60).every((status) => status === 201)).toBe(true);
    expect(statuses[60]).toBe(429);
    clock.t += 10_000;
    expect((await mint(url, '2533274800003999')).status).toBe(201);
  });

  it('take XUIDs from 1 to 2^64 - 1 only, leading zeros dropped, follows included', async () => {
    const url = await start({ rateLimits: false });
    expect((await mint(url, '0')).status).toBe(400);
    expect((await mint(url, '18446744073709551616')).status).toBe(400);
    expect((await mint(url, '2533274800004000', { follows: ['0'] })).status).toBe(400);
    const max = await mint(url, '18446744073709551615');
    expect(max.status).toBe(201);
    const padded = await mint(url, '000000000000000042', { follows: ['007'] });
    expect(padded.status).toBe(201);
    expect(padded.json<{ xuid: string }>().xuid).toBe('42');
  });

  it('can be turned off on loopback too: POST /dev/tokens then answers 403', async () => {
    const url = await start({ devIdentities: { enabled: false } });
    const refused = await mint(url, '2533274800005000');
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/--dev-identities/);
  });

  it('are on by default only on loopback addresses, with a warning elsewhere', () => {
    expect(devIdentitiesEnabled('127.0.0.1', undefined)).toBe(true);
    expect(devIdentitiesEnabled('::1', undefined)).toBe(true);
    expect(devIdentitiesEnabled('localhost', undefined)).toBe(true);
    expect(devIdentitiesEnabled('0.0.0.0', undefined)).toBe(false);
    expect(devIdentitiesEnabled('192.168.1.20', undefined)).toBe(false);
    expect(devIdentitiesEnabled('0.0.0.0', true)).toBe(true);
    expect(bindingWarnings('127.0.0.1', undefined)).toEqual([]);
    expect(bindingWarnings('0.0.0.0', undefined)[0]).toMatch(
      /development identities .* are off; start with --dev-identities/,
    );
    expect(bindingWarnings('0.0.0.0', true)[0]).toMatch(/anyone who can reach this port/);
  });
});
