/**
 * The directory client against the real local directory (src/directory) over loopback HTTP: every
 * error code is produced by the condition that causes it in the directory, not by a canned answer.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createDirectoryClient } from '../../../src/main/join/directory-client';
import type { Logger } from '../../../src/main/logging/logger';
import {
  createDevTokenProvider,
  type AccessToken,
  type TokenProvider,
} from '../../../src/main/join/token-provider';
import { nextRetryDelay } from '../../../src/main/join/retry-policy';
import {
  findMemberByXuid,
  hostMember,
  memberEntries,
  type SessionDocument,
} from '../../../src/shared/mpsd/session-document';
import { ok } from '../../../src/shared/result';
import { startDirectory } from '../../../src/directory/start-directory';
import { MemorySessionStore } from '../../../src/directory/memory-session-store';
import type { DirectoryOptions, RunningDirectory } from '../../../src/directory/directory-options';
import { Secret } from '../../../src/main/account/secret';

const scid = '6f3a1e2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const host = { xuid: '2533274800000101', gamertag: 'Host' };
const player = { xuid: '2533274800000102', gamertag: 'Player' };
const other = { xuid: '2533274800000103', gamertag: 'Other' };

const running: RunningDirectory[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((directory) => directory.close()));
});

async function start(
  options: DirectoryOptions = {},
  store?: MemorySessionStore,
): Promise<RunningDirectory> {
  const directory = await startDirectory({ rateLimits: false, ...options }, store);
  running.push(directory);
  return directory;
}

/** A raw MPSD call as another player (the host) makes it. */
async function call(
  directory: RunningDirectory,
  authorization: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${directory.url}${path}`, {
    method,
    headers: {
      authorization,
      'x-xbl-contract-version': '107',
      'content-type': 'application/json; charset=utf-8',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

async function authorizationFor(
  directory: RunningDirectory,
  who: { xuid: string; gamertag: string },
): Promise<string> {
  const response = await fetch(`${directory.url}/dev/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(who),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { authorization: string }).authorization;
}

interface Scenario {
  readonly handleId: string;
  readonly path: string;
  readonly hostAuthorization: string;
}

/** The host creates a session and invites `invited`. */
async function hostSession(
  directory: RunningDirectory,
  options: {
    template?: string;
    maxMembersCount?: number;
    properties?: Record<string, unknown>;
    invited?: string;
  } = {},
): Promise<Scenario> {
  const hostAuthorization = await authorizationFor(directory, host);
  const template = options.template ?? 'default';
  const sessionRef = { scid, templateName: template, name: `s-${randomUUID()}` };
  const path = `/serviceconfigs/${scid}/sessionTemplates/${template}/sessions/${sessionRef.name}`;
  const created = await call(directory, hostAuthorization, 'PUT', path, {
    ...(options.maxMembersCount === undefined
      ? {}
      : { constants: { system: { maxMembersCount: options.maxMembersCount } } }),
    properties: { system: { joinRestriction: 'none', ...options.properties } },
    members: {
      me: {
        constants: { system: { xuid: host.xuid, initialize: true } },
        properties: { system: { active: true, secureDeviceAddress: 'aG9zdA==' } },
      },
    },
  });
  expect(created.status).toBe(201);
  const handle = await call(directory, hostAuthorization, 'POST', '/handles', {
    version: 1,
    type: 'invite',
    sessionRef,
    invitedXuid: options.invited ?? player.xuid,
    inviteAttributes: { titleId: '1717113201' },
  });
  expect(handle.status).toBe(201);
  return { handleId: (handle.json as { id: string }).id, path, hostAuthorization };
}

function clientFor(
  directory: RunningDirectory,
  who = player,
  extra: {
    tokens?: TokenProvider;
    attemptTimeoutMs?: number;
    log?: Pick<Logger, 'info' | 'warn'>;
  } = {},
) {
  return createDirectoryClient({
    baseUrl: directory.url,
    tokens: extra.tokens ?? createDevTokenProvider({ baseUrl: directory.url, ...who }),
    locale: 'en-GB',
    ...(extra.attemptTimeoutMs === undefined ? {} : { attemptTimeoutMs: extra.attemptTimeoutMs }),
    ...(extra.log === undefined ? {} : { log: extra.log }),
  });
}

const signal = () => new AbortController().signal;

function membershipsOf(session: SessionDocument, xuid: string): number {
  return memberEntries(session).filter((entry) => entry.member.constants.system.xuid === xuid)
    .length;
}

describe('joining through a handle', () => {
  it('joins the demo session, reads it back and leaves it', async () => {
    const directory = await start({ seed: 'demo' });
    const demo = directory.demo!;
    const client = clientFor(directory, demo.player);
    const joined = await client.joinByHandle(
      demo.handleId,
      { xuid: demo.player.xuid, secureDeviceAddress: 'cGxheWVy' },
      { signal: signal() },
    );
    if (!joined.ok) throw new Error(joined.error.message);
    const { session, contentLocation, etag, joined: madeMember } = joined.value;
    expect(madeMember).toBe(true);
    expect(contentLocation).toMatch(/^\/serviceconfigs\/.+\/sessionTemplates\/.+\/sessions\/.+$/);
    expect(etag).toBeTruthy();
    const me = findMemberByXuid(session, demo.player.xuid);
    expect(me?.member.gamertag).toBe(demo.player.gamertag);
    expect(me?.member.properties?.system?.active).toBe(true);
    expect(me?.member.properties?.system?.secureDeviceAddress).toBe('cGxheWVy');
    expect(hostMember(session)?.member.gamertag).toBe(demo.host.gamertag);

    const read = await client.readByHandle(demo.handleId, { signal: signal() });
    expect(read.ok && read.value && findMemberByXuid(read.value, demo.player.xuid)).toBeTruthy();

    expect(await client.leave(contentLocation, { signal: signal() })).toEqual(ok(undefined));
    const after = await client.readByHandle(demo.handleId, { signal: signal() });
    expect(after.ok && after.value && findMemberByXuid(after.value, demo.player.xuid)).toBe(
      undefined,
    );
  });

  it('reports an unknown handle as invite-expired', async () => {
    const directory = await start();
    const result = await clientFor(directory).joinByHandle(
      randomUUID(),
      { xuid: player.xuid },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({
      code: 'invite-expired',
      status: 404,
      retryable: false,
      ambiguous: false,
    });
  });

  it('reports an expired handle as invite-expired', async () => {
    let now = Date.parse('2026-11-27T09:00:00Z');
    const directory = await start({ handleLifetimeMs: 60_000, clock: { now: () => now } });
    const { handleId } = await hostSession(directory);
    now += 61_000;
    const result = await clientFor(directory).joinByHandle(
      handleId,
      { xuid: player.xuid },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({ code: 'invite-expired', status: 404 });
  });

  it('reports a full session as session-full', async () => {
    const directory = await start();
    const { handleId, path } = await hostSession(directory, {
      maxMembersCount: 2,
    });
    const otherAuthorization = await authorizationFor(directory, other);
    const filled = await call(directory, otherAuthorization, 'PUT', path, {
      members: {
        me: {
          constants: { system: { xuid: other.xuid } },
          properties: { system: { active: true } },
        },
      },
    });
    expect(filled.status).toBe(200);
    const result = await clientFor(directory).joinByHandle(
      handleId,
      { xuid: player.xuid },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({
      code: 'session-full',
      status: 403,
      retryable: false,
    });
  });

  it('reports a closed session as not-allowed', async () => {
    const directory = await start();
    const { handleId } = await hostSession(directory, { properties: { closed: true } });
    const result = await clientFor(directory).joinByHandle(
      handleId,
      { xuid: player.xuid },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({ code: 'not-allowed', status: 403 });
  });

  it('reports a private session without a reservation as not-allowed', async () => {
    const directory = await start();
    const { handleId } = await hostSession(directory, { template: 'lobby' });
    const result = await clientFor(directory).joinByHandle(
      handleId,
      { xuid: player.xuid },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({ code: 'not-allowed', status: 403 });
  });
});

describe('preconditions (412)', () => {
  it('adopts the session in a 412 that already lists the player', async () => {
    const directory = await start();
    const { handleId } = await hostSession(directory);
    const client = clientFor(directory);
    const first = await client.joinByHandle(handleId, { xuid: player.xuid }, { signal: signal() });
    expect(first.ok).toBe(true);
    const again = await client.joinByHandle(
      handleId,
      { xuid: player.xuid },
      { signal: signal(), ifMatch: '"stale-etag"' },
    );
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.joined).toBe(false);
    expect(membershipsOf(again.value.session, player.xuid)).toBe(1);
    expect(again.value.etag).toBe(first.ok ? first.value.etag : undefined);
  });

  it('reports a 412 whose session does not list the player as conflict', async () => {
    const directory = await start();
    const { handleId } = await hostSession(directory);
    const result = await clientFor(directory).joinByHandle(
      handleId,
      { xuid: player.xuid },
      { signal: signal(), ifMatch: '"stale-etag"' },
    );
    expect(!result.ok && result.error).toMatchObject({
      code: 'conflict',
      status: 412,
      retryable: false,
    });
  });
});

describe('credentials', () => {
  /** First a token the directory never issued, then (on refresh) real dev tokens. */
  function staleThenReal(directory: RunningDirectory, alwaysStale = false) {
    const real = createDevTokenProvider({ baseUrl: directory.url, ...player });
    const calls: boolean[] = [];
    const handed: string[] = [];
    const tokens: TokenProvider = {
      async getToken(options) {
        calls.push(options.forceRefresh);
        if (!options.forceRefresh || alwaysStale) {
          const stale: AccessToken = {
            xuid: player.xuid,
            userHash: 'stalehash',
            token: new Secret(`stale-${calls.length}-${randomUUID()}`),
          };
          handed.push(stale.token.reveal());
          return ok(stale);
        }
        const fresh = await real.getToken(options);
        if (fresh.ok) handed.push(fresh.value.token.reveal(), fresh.value.userHash);
        return fresh;
      },
    };
    return { tokens, calls, handed };
  }

  it('refreshes a refused token once, succeeds, and never logs a token', async () => {
    const directory = await start();
    const { handleId } = await hostSession(directory);
    const lines: string[] = [];
    const log: Pick<Logger, 'info' | 'warn'> = {
      info: (...args) => lines.push(args.map(String).join(' ')),
      warn: (...args) => lines.push(args.map(String).join(' ')),
    };
    const { tokens, calls, handed } = staleThenReal(directory);
    const result = await clientFor(directory, player, { tokens, log }).joinByHandle(
      handleId,
      { xuid: player.xuid },
      { signal: signal() },
    );
    expect(result.ok && result.value.joined).toBe(true);
    expect(calls).toEqual([false, true]);
    expect(lines.join('\n')).toMatch(/401/);
    for (const secret of handed) expect(lines.join('\n')).not.toContain(secret);
    expect(lines.join('\n')).not.toContain('XBL3.0');
  });

  it('reports unauthorized when the refreshed token is refused too', async () => {
    const directory = await start();
    const { handleId } = await hostSession(directory);
    const { tokens, calls } = staleThenReal(directory, true);
    const result = await clientFor(directory, player, { tokens }).joinByHandle(
      handleId,
      { xuid: player.xuid },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({
      code: 'unauthorized',
      status: 401,
      retryable: false,
    });
    expect(calls).toEqual([false, true]);
  });
});

describe('throttling and outages', () => {
  it('reports 429 as rate-limited with its Retry-After', async () => {
    const directory = await start({ faults: { fraction429: 1, retryAfterSeconds: 2 } });
    const handleId = randomUUID();
    const result = await clientFor(directory).joinByHandle(
      handleId,
      { xuid: player.xuid },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({
      code: 'rate-limited',
      status: 429,
      retryable: true,
      retryAfterMs: 2000,
    });
    expect(directory.faultLog.count('429')).toBe(1);
  });

  it('reports the real rate limiter as rate-limited, and the policy waits it out', async () => {
    const directory = await start({
      rateLimits: { burstRequests: 1, burstPeriodMs: 15_000 },
    });
    const client = clientFor(directory);
    await client.readByHandle(randomUUID(), { signal: signal() });
    const result = await client.readByHandle(randomUUID(), { signal: signal() });
    if (result.ok) throw new Error('expected a 429');
    expect(result.error).toMatchObject({ code: 'rate-limited', status: 429 });
    expect(result.error.retryAfterMs).toBeGreaterThan(0);
    const now = Date.now();
    const delay = nextRetryDelay({ attempt: 1, error: result.error, now, deadline: now + 60_000 });
    expect(delay).toBeGreaterThanOrEqual(result.error.retryAfterMs!);
  });

  it('reports 503 as directory-unavailable with its Retry-After, ambiguous for a write', async () => {
    const directory = await start({ faults: { fraction503: 1, retryAfterSeconds: 3 } });
    const result = await clientFor(directory).joinByHandle(
      randomUUID(),
      { xuid: player.xuid },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({
      code: 'directory-unavailable',
      status: 503,
      retryable: true,
      retryAfterMs: 3000,
      ambiguous: true,
    });
  });

  it('gives up an attempt that outlasts its timeout: directory-unavailable, ambiguous', async () => {
    const store = new MemorySessionStore();
    const { handleId } = await hostSession(await start({}, store));
    const directory = await start({ faults: { latencyMs: 3000 } }, store);
    const result = await clientFor(directory, player, { attemptTimeoutMs: 300 }).joinByHandle(
      handleId,
      { xuid: player.xuid },
      { signal: signal() },
    );
    expect(!result.ok && result.error).toMatchObject({
      code: 'directory-unavailable',
      retryable: true,
      ambiguous: true,
    });
  });

  it('cancels a slow request as soon as the signal fires', async () => {
    const latencyMs = 10_000;
    const directory = await start({ faults: { latencyMs } });
    const controller = new AbortController();
    const client = clientFor(directory);
    const started = Date.now();
    const pending = client.joinByHandle(
      randomUUID(),
      { xuid: player.xuid },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 100);
    const result = await pending;
    expect(!result.ok && result.error).toMatchObject({ code: 'cancelled', retryable: false });
    // Not a speed check: the answer would only exist after the injected latency.
    expect(Date.now() - started).toBeLessThan(latencyMs);
  });
});

describe('a lost answer never makes two memberships', () => {
  /** Two directories over one store: one drops connections, the other is healthy. */
  async function pair(fault: 'fractionResetBeforeApply' | 'fractionResetAfterApply') {
    const store = new MemorySessionStore();
    const healthy = await start({}, store);
    const faulty = await start({ faults: { [fault]: 1 } }, store);
    const scenario = await hostSession(healthy);
    return { healthy, faulty, scenario };
  }

  it.each([
    ['fractionResetAfterApply', 'reset-after-apply', false],
    ['fractionResetBeforeApply', 'reset-before-apply', true],
  ] as const)(
    '%s: ambiguous, then checkMembershipFirst settles it',
    async (fault, kind, writes) => {
      const { healthy, faulty, scenario } = await pair(fault);
      const lost = await clientFor(faulty).joinByHandle(
        scenario.handleId,
        { xuid: player.xuid },
        { signal: signal() },
      );
      expect(!lost.ok && lost.error).toMatchObject({
        code: 'directory-unavailable',
        ambiguous: true,
        retryable: true,
      });
      expect(faulty.faultLog.count(kind)).toBe(1);

      const settled = await clientFor(healthy).joinByHandle(
        scenario.handleId,
        { xuid: player.xuid },
        { signal: signal(), checkMembershipFirst: true },
      );
      if (!settled.ok) throw new Error(settled.error.message);
      // After a committed write the client finds the membership and does not write again.
      expect(settled.value.joined).toBe(writes);
      expect(membershipsOf(settled.value.session, player.xuid)).toBe(1);

      const read = await clientFor(healthy).readByHandle(scenario.handleId, { signal: signal() });
      expect(read.ok && read.value && membershipsOf(read.value, player.xuid)).toBe(1);
    },
  );
});
