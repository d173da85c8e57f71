/**
 * `createLauncherJoin`, the whole join stack from a launcher configuration, against the real local
 * directory on loopback with a scripted game (no child process): which tokens sign in, where the
 * sender is looked up, whether presence and the roster are wired, what `close()` ends. The
 * directory's own request log and member list are the evidence.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry, RunningDirectory } from '../../../src/directory/directory-options';
import {
  createLauncherJoin,
  type LauncherJoin,
  type LauncherJoinOptions,
} from '../../../src/main/join/join-service';
import { resolveLauncherConfig, type LauncherConfig } from '../../../src/main/join/launcher-config';
import type { RosterView } from '../../../src/shared/roster-view';
import { FakeGame, FakeTokens, MemoryLog } from './join-machine-fakes';
import { createSession, player, testDirectory, type Identity } from './join-service-fixture';

const profilePath = '/users/batch/profile/settings';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function directory() {
  const requests: RequestLogEntry[] = [];
  const running: RunningDirectory = await testDirectory({
    onRequest: (entry) => requests.push(entry),
  });
  cleanups.push(() => running.close());
  return { url: running.url, requests };
}

function config(url: string, who: Identity): LauncherConfig {
  const resolved = resolveLauncherConfig({
    directoryUrl: url,
    identity: who,
    game: { executable: '/opt/never-started/game', titleId: '42' },
    attemptTimeoutMs: 3_000,
  });
  if (!resolved.ok) throw new Error(resolved.error.message);
  return resolved.value;
}

function launcher(cfg: LauncherConfig, options: LauncherJoinOptions) {
  const built: LauncherJoin = createLauncherJoin(cfg, options);
  cleanups.push(() => built.close());
  return built;
}

describe('createLauncherJoin', () => {
  it('by default: development tokens, the directory names the sender, presence and roster are held', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(31);
    const game = new FakeGame();
    const log = new MemoryLog();
    const rosters: RosterView[] = [];
    const built = launcher(config(dir.url, me), {
      game,
      log,
      onRoster: (view) => rosters.push(view),
    });

    expect(built.playable).toBeUndefined();
    expect(built.game).not.toBe(game);
    expect(built.title).toMatchObject({ titleId: '42' });
    built.service.submit(await session.invite(me));
    const view = await built.service.settled();

    expect(view).toMatchObject({ phase: 'joined', invite: { from: 'TestHost' } });
    expect(await session.memberXuids()).toContain(me.xuid);
    expect(dir.requests.some((r) => r.method === 'POST' && r.path === profilePath)).toBe(true);
    expect(log.lines).toContain('info presence connection open');
    while (!rosters.some((roster) => roster.state === 'live')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    const closing = built.close();
    expect(built.close()).toBe(closing);
    await closing;
    expect(await session.memberXuids()).not.toContain(me.xuid);
    expect(game.closed).toBe(0);
    expect(log.lines).toContain('info presence connection closed: the launcher closed');
  });

  it('without presence: the game is used as given, no connection, no roster', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(32);
    const game = new FakeGame();
    const log = new MemoryLog();
    const rosters: RosterView[] = [];
    const built = launcher(config(dir.url, me), {
      game,
      log,
      presence: false,
      onRoster: (view) => rosters.push(view),
    });

    expect(built.game).toBe(game);
    built.service.submit(await session.invite(me));
    expect(await built.service.settled()).toMatchObject({ phase: 'joined' });
    await built.close();

    expect(log.lines.some((line) => line.includes('presence'))).toBe(false);
    expect(rosters).toEqual([]);
    expect(game.closed).toBe(0);
    expect(await session.memberXuids()).not.toContain(me.xuid);
  });

  it('a caller’s own tokens without a profile URL: no sender lookup', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(33);
    const built = launcher(config(dir.url, me), {
      game: new FakeGame(),
      presence: false,
      tokens: new FakeTokens(me.xuid),
    });

    built.service.submit(await session.invite(me));
    await built.service.settled();

    expect(dir.requests.some((r) => r.path === profilePath)).toBe(false);
  });

  it('`profileUrl: false` turns the lookup off even with the development tokens', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(34);
    const built = launcher(config(dir.url, me), {
      game: new FakeGame(),
      presence: false,
      profileUrl: false,
    });

    built.service.submit(await session.invite(me));
    expect(await built.service.settled()).toMatchObject({ phase: 'joined' });

    expect(dir.requests.some((r) => r.path === profilePath)).toBe(false);
  });

  it('a profile URL of its own is where the sender is looked up', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(35);
    const asked: (string | undefined)[] = [];
    const profiles: Server = createServer((request, response) => {
      asked.push(`${request.method} ${request.url}`);
      request.resume();
      response.writeHead(503).end();
    });
    profiles.listen(0, '127.0.0.1');
    await once(profiles, 'listening');
    cleanups.push(() => new Promise((resolve) => profiles.close(resolve)));
    const profileUrl = `http://127.0.0.1:${(profiles.address() as AddressInfo).port}/profiles`;
    const built = launcher(config(dir.url, me), {
      game: new FakeGame(),
      presence: false,
      profileUrl,
    });

    built.service.submit(await session.invite(me));
    expect(await built.service.settled()).toMatchObject({ phase: 'joined' });

    // The lookup runs beside the write and may answer after the join.
    while (asked.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(asked).toEqual(['POST /profiles']);
    expect(dir.requests.some((r) => r.path === profilePath)).toBe(false);
  });

  it('with no game given it builds its own, wrapped in presence unless that is off', async () => {
    const dir = await directory();
    const me = player(36);
    const wrapped = launcher(config(dir.url, me), {});
    const bare = launcher(config(dir.url, me), { presence: false });

    expect(wrapped.playable).toBeDefined();
    expect(wrapped.game).not.toBe(wrapped.playable);
    expect(bare.playable).toBeDefined();
    expect(bare.game).toBe(bare.playable);
    expect(wrapped.game.isRunning()).toBe(false);
    await Promise.all([wrapped.close(), bare.close()]);
  });
});
