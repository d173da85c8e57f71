/**
 * `createLauncherJoin`, the whole join stack from a launcher configuration, against the real local
 * directory on loopback with a scripted game (no child process): which tokens sign in, where the
 * sender is looked up, whether presence and the roster are wired, what `close()` ends. The
 * directory's own request log and member list are the evidence.
 */
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestLogEntry, RunningDirectory } from '../../../src/directory/directory-options';
import {
  createLauncherJoin,
  type LauncherJoin,
  type LauncherJoinOptions,
} from '../../../src/main/join/join-service';
import {
  resolveLauncherConfig,
  type LauncherConfig,
  type LauncherConfigInput,
} from '../../../src/main/join/launcher-config';
import type { JoinClock } from '../../../src/main/join/leave-session';
import { directoryError } from '../../../src/main/join/directory-error';
import { nextRetryDelay } from '../../../src/main/join/retry-policy';
import type { JoinView } from '../../../src/shared/join-view';
import type { RosterView } from '../../../src/shared/roster-view';
import { answerJson, startStubServer, type StubServer } from '../../stub-http-server';
import { FakeGame, FakeTokens, MemoryLog } from './join-machine-fakes';
import { createSession, host, player, testDirectory, type Identity } from './join-service-fixture';

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

function config(
  url: string,
  who: Identity,
  overrides: Partial<LauncherConfigInput> = {},
): LauncherConfig {
  const resolved = resolveLauncherConfig({
    directoryUrl: url,
    identity: who,
    game: { executable: '/opt/never-started/game', titleId: '42' },
    attemptTimeoutMs: 3_000,
    ...overrides,
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
    // The directory's own profile service names the sender and the roster's members, pictures
    // included: a plain-http picture is kept because it comes from that service's own origin.
    const hostPicture = `${dir.url}/people/pictures/${host.xuid}.svg`;
    const rosterPicture = () =>
      rosters.some(
        (roster) =>
          roster.state === 'live' &&
          roster.members.some(
            (member) => member.gamertag === 'TestHost' && member.pictureUrl === hostPicture,
          ),
      );
    while (built.service.view().invite?.pictureUrl === undefined || !rosterPicture()) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(built.service.view().invite).toMatchObject({
      from: 'TestHost',
      pictureUrl: hostPicture,
    });
    // Every part of the stack logs to the logger given: the client, the sender and roster
    // lookups, the roster.
    expect(log.lines.some((line) => line.startsWith('info directory PUT /handles/'))).toBe(true);
    expect(log.lines).toContain('info profile lookup: 1 of 1 player(s) named');
    expect(log.lines).toContain(
      'info roster: following the joined session on the presence connection',
    );
    expect(log.lines.some((line) => line.startsWith('info roster: looking up'))).toBe(true);

    const closing = built.close();
    expect(built.close()).toBe(closing);
    await closing;
    expect(await session.memberXuids()).not.toContain(me.xuid);
    expect(game.closed).toBe(0);
    expect(log.lines).toContain('info presence connection closed: the launcher closed');
    expect(log.lines.some((line) => line.startsWith('info left the session of handle='))).toBe(
      true,
    );
  });

  it('without a roster listener no roster is kept, presence or not', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(40);
    const log = new MemoryLog();
    const built = launcher(config(dir.url, me), { game: new FakeGame(), log });

    built.service.submit(await session.invite(me));
    expect(await built.service.settled()).toMatchObject({ phase: 'joined' });
    await built.close();

    expect(log.lines).toContain('info presence connection open');
    expect(log.lines.filter((line) => line.includes('roster'))).toEqual([]);
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

  it('its own game reports its start and its output lines to the caller', async () => {
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(37);
    // A "game" that prints a line on each stream, repeats the first line the launcher sends it
    // (its hello), and quits without confirming the join.
    const script = [
      "console.log('loading maps'); console.error('no sound card');",
      "process.stdin.once('data', (d) => { console.log('heard ' + String(d).split('\\n')[0]); process.exit(0); });",
    ].join(' ');
    const cfg = config(dir.url, me, {
      game: { executable: process.execPath, args: ['-e', script], ackTimeoutMs: 10_000 },
    });
    const started: (number | undefined)[] = [];
    const output: string[] = [];
    const built = launcher(cfg, {
      presence: false,
      onGameStarted: (pid) => started.push(pid),
      onGameOutput: (stream, line) => output.push(`${stream} ${line}`),
    });

    built.service.submit(await session.invite(me));
    expect(await built.service.settled()).toMatchObject({ phase: 'failed' });

    expect(started).toHaveLength(1);
    expect(started[0]).toBeGreaterThan(0);
    const heard = output.find((line) => line.startsWith('stdout heard '));
    expect(JSON.parse(heard?.slice('stdout heard '.length) ?? '')).toMatchObject({
      type: 'hello',
      mode: 'join',
      xuid: me.xuid,
      gamertag: me.gamertag,
    });
    expect(output.filter((line) => line !== heard).sort()).toEqual([
      'stderr no sound card',
      'stdout loading maps',
    ]);
  });

  it('a logger that throws fails no part of the stack and raises no unhandled error', async () => {
    const unhandled: unknown[] = [];
    const record = (error: unknown) => unhandled.push(error);
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
    cleanups.push(async () => {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    });
    const dir = await directory();
    const session = await createSession(dir.url);
    const me = player(38);
    let lines = 0;
    const fail = () => {
      lines += 1;
      throw new Error('log sink gone');
    };
    const rosters: RosterView[] = [];
    const built = launcher(config(dir.url, me), {
      game: new FakeGame(),
      log: { info: fail, warn: fail },
      onRoster: (view) => rosters.push(view),
    });

    built.service.submit(await session.invite(me));
    expect(await built.service.settled()).toMatchObject({ phase: 'joined' });
    expect(await session.memberXuids()).toContain(me.xuid);
    while (!rosters.some((roster) => roster.state === 'live')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await built.close();
    expect(await session.memberXuids()).not.toContain(me.xuid);
    // Let any error deferred to a later tick arrive.
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(lines).toBeGreaterThan(0);
    expect(unhandled).toEqual([]);
  });
});

describe('createLauncherJoin against a scripted directory', () => {
  const me = player(39);
  const handleId = '3f2b6d1e-8a4c-4e7f-9b0a-1c2d3e4f5a6b';
  const inviteFor = () => ({
    kind: 'invite' as const,
    handleId,
    localXuid: me.xuid,
    remoteXuid: host.xuid,
  });

  /** Dev tokens for `me`; the invite's handle is gone (404, or `write`); profile lookups are held. */
  async function scriptedDirectory(options: { write?: number } = {}) {
    const heldProfiles: ServerResponse[] = [];
    let profileAsked: () => void = () => undefined;
    const profileRequest = new Promise<void>((resolve) => (profileAsked = resolve));
    const stub: StubServer = await startStubServer((request, response) => {
      if (request.url === '/dev/tokens') {
        answerJson(response, 200, { ...me, userHash: 'uhs', token: 'dev-token' });
      } else if (request.url === profilePath) {
        heldProfiles.push(response);
        profileAsked();
      } else {
        const status = options.write ?? 404;
        answerJson(response, status, { code: status });
      }
    });
    cleanups.push(() => stub.close());
    return { stub, heldProfiles, profileRequest };
  }

  it('asks in the configured locale and signs in following the configured players', async () => {
    const { stub } = await scriptedDirectory();
    const follows = ['2533274900000077', '2533274900000078'];
    const cfg = config(stub.url, me, { identity: { ...me, follows }, locale: 'fr-CA' });
    const built = launcher(cfg, { game: new FakeGame(), presence: false, profileUrl: false });

    built.service.submit(inviteFor());
    expect(await built.service.settled()).toMatchObject({ phase: 'failed' });

    const signIn = stub.requests.find((request) => request.url === '/dev/tokens');
    expect(JSON.parse(signIn?.body ?? '')).toEqual({ ...me, follows });
    const write = stub.requests.find((request) => request.method === 'PUT');
    expect(write?.url).toBe(`/handles/${handleId}/session`);
    expect(write?.headers['accept-language']).toBe('fr-CA');
  });

  it('retries on the configured policy, clock and jitter', async () => {
    const { stub } = await scriptedDirectory({ write: 503 });
    const retry = { baseDelayMs: 40_000, maxDelayMs: 40_000 };
    const random = () => 0.25;
    // An hour ahead of the wall clock, so the retry time shows which clock counted it.
    const clock: JoinClock = {
      now: () => Date.now() + 3_600_000,
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
    };
    const built = launcher(config(stub.url, me, { retry }), {
      game: new FakeGame(),
      presence: false,
      profileUrl: false,
      clock,
      random,
    });
    const retrying = new Promise<JoinView>((resolve) =>
      built.service.subscribe((view) => {
        if (view.phase === 'retrying') resolve(view);
      }),
    );

    const before = clock.now();
    built.service.submit(inviteFor());
    const view = await retrying;
    const after = clock.now();

    const delay = (policy?: typeof retry, jitter = random) =>
      nextRetryDelay({
        attempt: 1,
        error: directoryError('directory-unavailable', 'directory answered 503', { status: 503 }),
        now: 0,
        deadline: 20_000_000,
        random: jitter,
        ...(policy ? { policy } : {}),
      }) ?? 0;
    expect(delay(retry)).not.toBe(delay());
    expect(delay(retry)).not.toBe(delay(retry, () => 0.75));
    expect(view.nextRetryAt).toBeGreaterThanOrEqual(before + delay(retry));
    expect(view.nextRetryAt).toBeLessThanOrEqual(after + delay(retry));
    expect(stub.requests.filter((request) => request.method === 'PUT')).toHaveLength(1);
  });

  it('a profile URL that does not parse names no sender and breaks nothing', async () => {
    const { stub } = await scriptedDirectory();
    const log = new MemoryLog();
    const built = launcher(config(stub.url, me), {
      game: new FakeGame(),
      presence: false,
      log,
      profileUrl: 'not a url',
    });

    built.service.submit(inviteFor());
    expect(await built.service.settled()).toMatchObject({ phase: 'failed' });
    expect(built.service.view().invite?.from).toBeUndefined();
    expect(stub.requests.some((request) => request.url === profilePath)).toBe(false);
  });

  it('gives the sender lookup the profile timeout it is given, not the default 3 s', async () => {
    const { stub, heldProfiles, profileRequest } = await scriptedDirectory();
    const log = new MemoryLog();
    let lookupEnded: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (lookupEnded = resolve));
    const logged = {
      info: (line: string) => {
        log.info(line);
        if (line.startsWith('profile lookup')) lookupEnded();
      },
      warn: (line: string) => log.warn(line),
    };
    // got's request timeout runs on setTimeout: fake it alone, so the sockets still run.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const built = launcher(config(stub.url, me), {
        game: new FakeGame(),
        presence: false,
        log: logged,
        profileTimeoutMs: 10_000,
      });
      built.service.submit(inviteFor());
      await profileRequest;
      // Past the default timeout, within the one given: the lookup still waits for its answer.
      await vi.advanceTimersByTimeAsync(5_000);
      answerJson(heldProfiles[0]!, 200, {
        profileUsers: [{ id: host.xuid, settings: [{ id: 'Gamertag', value: 'Slow Host' }] }],
      });
      await ended;
      await new Promise((resolve) => setImmediate(resolve));
      expect(log.lines).toContain('info profile lookup: 1 of 1 player(s) named');
      expect(built.service.view().invite?.from).toBe('Slow Host');
    } finally {
      vi.useRealTimers();
    }
  });
});
