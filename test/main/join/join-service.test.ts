/**
 * The join service end to end on one machine: the real local directory on loopback, the real
 * directory client and dev tokens, and the real demo game as a child process. After each join the
 * test asks the directory itself who is in the session, so "no ghost member" is checked where it
 * matters.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../../src/directory/directory-options';
import {
  createDirectoryClient,
  type DirectoryClient,
} from '../../../src/main/join/directory-client';
import { createGameHandOff, type GameHandOff } from '../../../src/main/join/game-hand-off';
import {
  createJoinService,
  createLauncherJoin,
  type LauncherJoin,
} from '../../../src/main/join/join-service';
import type { LauncherConfig } from '../../../src/main/join/launcher-config';
import { createDevTokenProvider, type TokenProvider } from '../../../src/main/join/token-provider';
import type { Invite } from '../../../src/shared/invite';
import type { JoinView } from '../../../src/shared/join-view';
import { ok } from '../../../src/shared/result';
import {
  createSession,
  host,
  joinDirectly,
  launcherConfig,
  player,
  removeBuiltPrograms,
  testDirectory,
} from './join-service-fixture';
import { Secret } from '../../../src/main/account/secret';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(removeBuiltPrograms);

async function directory(options: Parameters<typeof testDirectory>[0] = {}) {
  const running: RunningDirectory = await testDirectory(options);
  cleanups.push(() => running.close());
  return running;
}

function launcher(config: LauncherConfig, gameLines: string[] = [], starts: number[] = []) {
  const built: LauncherJoin = createLauncherJoin(config, {
    onGameOutput: (_stream, line) => gameLines.push(line),
    onGameStarted: (pid) => starts.push(pid ?? -1),
  });
  cleanups.push(() => built.close());
  return built;
}

/** The same stack createLauncherJoin builds, with the client or tokens open to decoration. */
function customService(
  config: LauncherConfig,
  decorate: {
    client?: (client: DirectoryClient) => DirectoryClient;
    tokens?: (tokens: TokenProvider) => TokenProvider;
  },
) {
  const devTokens = createDevTokenProvider({ baseUrl: config.directoryUrl, ...config.identity });
  const tokens = decorate.tokens ? decorate.tokens(devTokens) : devTokens;
  const baseClient = createDirectoryClient({ baseUrl: config.directoryUrl, tokens });
  const client = decorate.client ? decorate.client(baseClient) : baseClient;
  const game: GameHandOff = createGameHandOff(config.game);
  const service = createJoinService({ client, tokens, game, deadlineMs: config.deadlineMs });
  cleanups.push(async () => {
    await service.stop();
    await game.close();
  });
  return service;
}

async function activate(service: LauncherJoin['service'], invite: Invite): Promise<JoinView> {
  service.submit(invite);
  return service.settled();
}

describe('join service against the local directory', () => {
  it('joins: the player is in the session once and the demo game confirmed it', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(1);
    const invite = await session.invite(me);
    const lines: string[] = [];
    const { service } = launcher(launcherConfig(dir.url, me), lines);

    const view = await activate(service, invite);

    expect(view).toMatchObject({
      phase: 'joined',
      attempt: 1,
      invite: { kind: 'invite', handleId: invite.handleId, from: host.gamertag },
      session: { membersCount: 2, maxMembersCount: 16 },
    });
    expect(await session.memberXuids()).toEqual([host.xuid, me.xuid]);
    expect(lines.join('\n')).toContain(`joining session ${session.path}`);
    expect(lines.join('\n')).toContain('connecting to 127.0.0.1:30000');
  });

  it('hands the second join to the running game instead of starting a second copy', async () => {
    const dir = await directory();
    const first = await createSession(dir.url);
    const second = await createSession(dir.url);
    const me = player(2);
    const lines: string[] = [];
    const starts: number[] = [];
    const { service, game } = launcher(launcherConfig(dir.url, me), lines, starts);

    expect(await activate(service, await first.invite(me))).toMatchObject({ phase: 'joined' });
    const secondInvite = await second.invite(me);
    const view = await activate(service, secondInvite);

    expect(view).toMatchObject({ phase: 'joined', invite: { handleId: secondInvite.handleId } });
    expect(starts).toHaveLength(1);
    expect(game.isRunning()).toBe(true);
    expect(lines).toContain('the launcher handed over another join');
    expect(lines.join('\n')).toContain(`joining session ${second.path}`);
    // Superseded: the first session was left, the second joined.
    expect(await first.memberXuids()).toEqual([host.xuid]);
    expect(await second.memberXuids()).toEqual([host.xuid, me.xuid]);
  });

  it('when the player quits the game, the launcher leaves the session', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(4);
    const starts: number[] = [];
    const { service, game } = launcher(launcherConfig(dir.url, me), [], starts);
    service.submit(await session.invite(me));
    await service.settled();
    expect(await session.memberXuids()).toEqual([host.xuid, me.xuid]);
    const backHome = new Promise<JoinView>((resolve) =>
      service.subscribe((view) => view.phase === 'idle' && resolve(view)),
    );
    // The game goes away on its own: the player closed it.
    expect(starts).toHaveLength(1);
    process.kill(starts[0] ?? 0, 'SIGTERM');
    expect(await backHome).toEqual({ phase: 'idle', attempt: 0, canRetry: false });
    await service.settled();
    expect(game.isRunning()).toBe(false);
    expect(await session.memberXuids()).toEqual([host.xuid]);
  });

  it('stop() leaves the session and close() ends the game', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(3);
    const built = launcher(launcherConfig(dir.url, me));
    await activate(built.service, await session.invite(me));
    expect(built.game.isRunning()).toBe(true);
    await built.close();
    expect(await session.memberXuids()).toEqual([host.xuid]);
    expect(built.game.isRunning()).toBe(false);
  });
});

describe('join service: each error code from the real directory', () => {
  it('invite-expired: a handle the directory does not know', async () => {
    const dir = await directory();
    const me = player(10);
    const { service } = launcher(launcherConfig(dir.url, me));
    const view = await activate(service, {
      kind: 'invite',
      handleId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      localXuid: me.xuid,
      remoteXuid: host.xuid,
    });
    expect(view).toMatchObject({ canRetry: false, error: { code: 'invite-expired' } });
  });

  it('invite-expired: a handle past its lifetime', async () => {
    let now = Date.now();
    const dir = await directory({ handleLifetimeMs: 60_000, clock: { now: () => now } });
    const session = await createSession(dir.url);
    const me = player(11);
    const invite = await session.invite(me);
    now += 61_000;
    const { service } = launcher(launcherConfig(dir.url, me));
    expect((await activate(service, invite)).error?.code).toBe('invite-expired');
    expect(await session.memberXuids()).toEqual([host.xuid]);
  });

  it('session-full', async () => {
    const dir = await directory();
    const session = await createSession(dir.url, { maxMembersCount: 1 });
    const me = player(12);
    const { service } = launcher(launcherConfig(dir.url, me));
    const view = await activate(service, await session.invite(me));
    expect(view).toMatchObject({ canRetry: false, error: { code: 'session-full' } });
  });

  it('not-allowed: a closed session', async () => {
    const dir = await directory();
    const session = await createSession(dir.url, { closed: true });
    const me = player(13);
    const { service } = launcher(launcherConfig(dir.url, me));
    const view = await activate(service, await session.invite(me));
    expect(view).toMatchObject({ canRetry: false, error: { code: 'not-allowed' } });
  });

  it('wrong-account: signed in as someone else, nothing is written', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const invited = player(14);
    const { service } = launcher(launcherConfig(dir.url, player(15)));
    const view = await activate(service, await session.invite(invited));
    expect(view).toMatchObject({ canRetry: false, error: { code: 'wrong-account' } });
    expect(await session.memberXuids()).toEqual([host.xuid]);
  });

  it('unauthorized: the directory will not issue this identity a token', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = { xuid: player(16).xuid, gamertag: 'Not<Allowed>' };
    const { service } = launcher(launcherConfig(dir.url, me));
    const view = await activate(service, await session.invite(me));
    expect(view.error?.code).toBe('unauthorized');
  });

  it('directory-unavailable: every write answered 503 until the deadline', async () => {
    const dir = await directory({ faults: { fraction503: 1, retryAfterSeconds: 0 } });
    const me = player(17);
    const { service } = launcher(
      launcherConfig(dir.url, me, {
        deadlineMs: 1_500,
        retry: { baseDelayMs: 50, maxDelayMs: 200, minDelayMs: 10 },
      }),
    );
    const view = await activate(service, unknownInvite(me, 2));
    expect(view).toMatchObject({ canRetry: true, error: { code: 'directory-unavailable' } });
    expect(view.attempt).toBeGreaterThan(2);
    expect(dir.faultLog.count('503')).toBeGreaterThanOrEqual(view.attempt);
  });

  it('rate-limited: throttled (429 with Retry-After) past the deadline', async () => {
    const dir = await directory({ faults: { fraction429: 1, retryAfterSeconds: 1 } });
    const me = player(18);
    const { service } = launcher(
      launcherConfig(dir.url, me, { deadlineMs: 2_500, retry: { baseDelayMs: 50 } }),
    );
    const view = await activate(service, unknownInvite(me, 3));
    expect(view).toMatchObject({ canRetry: true, error: { code: 'rate-limited' } });
    // Retry-After (1 s) is honoured: no more than three attempts fit in 2.5 s.
    expect(view.attempt).toBeGreaterThanOrEqual(2);
    expect(view.attempt).toBeLessThanOrEqual(3);
  });

  it('malformed-response: a directory that answers a write with something that is not a session', async () => {
    const server = await garbageDirectory();
    const me = player(20);
    const { service } = launcher(launcherConfig(server, me));
    const view = await activate(service, {
      kind: 'invite',
      handleId: '3f2504e0-4f89-41d3-9a0c-0305e82c3303',
      localXuid: me.xuid,
      remoteXuid: host.xuid,
    });
    expect(view.error?.code).toBe('malformed-response');
  });

  it('conflict: a synchronized write against a session that has moved on', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(21);
    const service = customService(launcherConfig(dir.url, me), {
      client: (client) => withStaleIfMatch(client),
    });
    const view = await activate(service, await session.invite(me));
    expect(view).toMatchObject({ canRetry: true, error: { code: 'conflict' } });
    expect(await session.memberXuids()).toEqual([host.xuid]);
  });

  it('game-failed: the game crashes before confirming, and the player is taken out again', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(22);
    const config = launcherConfig(dir.url, me);
    const { service } = launcher({
      ...config,
      game: { ...config.game, args: [...config.game.args, '--mode', 'crash'] },
    });
    const view = await activate(service, await session.invite(me));
    expect(view).toMatchObject({ canRetry: true, error: { code: 'game-failed' } });
    expect(view.error?.message).toMatch(/exit code 3/);
    expect(await session.memberXuids()).toEqual([host.xuid]);
  });

  it('game-failed: the game never confirms within the acknowledgement deadline', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(23);
    const config = launcherConfig(dir.url, me);
    const { service, game } = launcher({
      ...config,
      game: { ...config.game, ackTimeoutMs: 500, args: [...config.game.args, '--mode', 'silent'] },
    });
    const view = await activate(service, await session.invite(me));
    expect(view.error?.code).toBe('game-failed');
    expect(view.error?.message).toMatch(/did not confirm/);
    expect(await session.memberXuids()).toEqual([host.xuid]);
    await expect.poll(() => game.isRunning()).toBe(false);
  });

  it('game-failed: the session says nowhere to connect', async () => {
    const dir = await directory();
    const session = await createSession(dir.url, { connection: null });
    const me = player(24);
    const { service } = launcher(launcherConfig(dir.url, me));
    const view = await activate(service, await session.invite(me));
    expect(view.error?.code).toBe('game-failed');
    expect(view.error?.message).toMatch(/does not say where to connect/);
    expect(await session.memberXuids()).toEqual([host.xuid]);
  });

  it('cancelled: CANCEL while the write is in flight leaves no member behind', async () => {
    const dir = await directory({ faults: { latencyMs: 400 } });
    const session = await createSession(dir.url);
    const me = player(25);
    const { service } = launcher(launcherConfig(dir.url, me));
    service.submit(await session.invite(me));
    await waitForPhase(service, 'writingSession');
    service.cancel();
    const view = await service.settled();
    expect(view.error).toMatchObject({ code: 'cancelled' });
    // The aborted PUT still reached the directory; the machine found it and left.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await session.memberXuids()).toEqual([host.xuid]);
  });
});

describe('join service: token refresh and 412 adoption', () => {
  it('a 401 gets one token refresh and the join goes through', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(30);
    let refreshes = 0;
    const service = customService(launcherConfig(dir.url, me), {
      tokens: (real) => ({
        async getToken(options) {
          if (options.forceRefresh) {
            refreshes += 1;
            return real.getToken(options);
          }
          // A token from an earlier run that this directory no longer knows.
          return ok({ xuid: me.xuid, userHash: 'stalehash', token: new Secret('stale-token') });
        },
      }),
    });
    const view = await activate(service, await session.invite(me));
    expect(view.phase).toBe('joined');
    expect(refreshes).toBe(1);
    expect(await session.memberXuids()).toEqual([host.xuid, me.xuid]);
  });

  it('a 412 whose session already lists the player is adopted: joined, once', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(31);
    const invite = await session.invite(me);
    // An earlier write landed (say its answer was lost).
    expect((await joinDirectly(dir.url, me, invite.handleId)).status).toBe(200);
    const service = customService(launcherConfig(dir.url, me), {
      client: (client) => withStaleIfMatch(client),
    });
    const view = await activate(service, invite);
    expect(view.phase).toBe('joined');
    expect(await session.memberXuids()).toEqual([host.xuid, me.xuid]);
  });
});

describe('join service: supersession', () => {
  it('a newer invite during a slow write: the old write is undone, the new one joined', async () => {
    const dir = await directory({ faults: { latencyMs: 300 } });
    const first = await createSession(dir.url);
    const second = await createSession(dir.url);
    const me = player(40);
    const { service } = launcher(launcherConfig(dir.url, me));
    service.submit(await first.invite(me));
    await waitForPhase(service, 'writingSession');
    const newer = await second.invite(me);
    service.submit(newer);
    expect(service.inFlightHandleId()).toBe(newer.handleId);
    const view = await service.settled();
    expect(view).toMatchObject({ phase: 'joined', invite: { handleId: newer.handleId } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await first.memberXuids()).toEqual([host.xuid]);
    expect(await second.memberXuids()).toEqual([host.xuid, me.xuid]);
  });
});

function waitForPhase(service: LauncherJoin['service'], phase: JoinView['phase']): Promise<void> {
  return new Promise((resolve) => {
    if (service.view().phase === phase) return resolve();
    const stop = service.subscribe((view) => {
      if (view.phase === phase) {
        stop();
        resolve();
      }
    });
  });
}

/** A client doing synchronized writes with an ETag the session no longer has. */
function withStaleIfMatch(client: DirectoryClient): DirectoryClient {
  return {
    joinByHandle: (handleId, member, options) =>
      client.joinByHandle(handleId, member, { ...options, ifMatch: '"stale-etag"' }),
    readByHandle: (handleId, options) => client.readByHandle(handleId, options),
    leave: (location, options) => client.leave(location, options),
  };
}

/** An invite for a handle no directory issued (the answer comes before the handle is looked up). */
function unknownInvite(me: { xuid: string }, n: number): Invite {
  return {
    kind: 'invite',
    handleId: `3f2504e0-4f89-41d3-9a0c-0305e82c33${String(n).padStart(2, '0')}`,
    localXuid: me.xuid,
    remoteXuid: host.xuid,
  };
}

/** Issues dev tokens like the real directory, then answers every write with broken JSON. */
async function garbageDirectory(): Promise<string> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url === '/dev/tokens') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            xuid: player(20).xuid,
            gamertag: 'Player20',
            userHash: 'abc',
            token: new Secret('tok'),
          }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"membersInfo": ');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
