/**
 * The hand-off against scripted games: a few lines of JavaScript this Node runs with `-e`, which
 * report what they were given (arguments, environment, working directory, every stdin line) on
 * stderr and answer as each test scripts. Fast enough to run for every mutant of
 * `game-hand-off.ts` (no built programs, no directory); the demo game's suite is
 * `game-hand-off.test.ts`.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createGameHandOff,
  type GameEnded,
  type GameHandOffOptions,
  type GameJoinRequest,
  type GameLaunchConfig,
  type PlayableGame,
} from '../../../src/main/join/game-hand-off';
import type { GameMessage } from '../../../src/main/game/game-channel-protocol';
import { parseSessionDocument } from '../../../src/shared/mpsd/session-document';
import { recordingLogger } from '../../fakes/recording-logger';
import { gameJoinRequest as request } from './game-join-request';

const patience = { timeout: 20_000 } as const;
const signal = () => new AbortController().signal;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * What a scripted game does: `onStart` runs once (`send`, `say` and `listening = false` at hand),
 * `onLine` for each stdin line (`message`, parsed).
 */
interface Script {
  readonly onStart?: string;
  readonly onLine?: string;
}

/** Confirms every join: a started copy by `RALLYPOINT_JOIN_ID`, a running one by the message. */
const confirmsJoins: Script = {
  onStart: `if (process.env.RALLYPOINT_JOIN_ID) send({ type: 'joined', joinId: process.env.RALLYPOINT_JOIN_ID });`,
  onLine: `if (message.type === 'join') send({ type: 'joined', joinId: message.joinId });`,
};

/** `node -e <program> --`: the game's own arguments follow. */
function scripted(script: Script = {}): string[] {
  const program = [
    `const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');`,
    `const say = (t) => process.stderr.write(t + '\\n');`,
    `let listening = true;`,
    `say('started ' + JSON.stringify({ argv: process.argv.slice(1), joinId: process.env.RALLYPOINT_JOIN_ID ?? null, mark: process.env.RALLYPOINT_TEST_MARK ?? null, cwd: process.cwd() }));`,
    script.onStart ?? '',
    `if (listening) require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {`,
    `  say('got ' + line);`,
    `  const message = JSON.parse(line);`,
    `  ${script.onLine ?? ''}`,
    `});`,
  ].join('\n');
  return ['-e', program, '--'];
}

interface Started {
  readonly argv: string[];
  readonly joinId: string | null;
  readonly mark: string | null;
  readonly cwd: string;
}

/** A hand-off whose output, messages, joins and ends the test can read. */
function harness(config: Partial<GameLaunchConfig> = {}, options: GameHandOffOptions = {}) {
  const output: { stream: string; line: string }[] = [];
  const starts: (number | undefined)[] = [];
  const args = config.args ?? scripted(confirmsJoins);
  const game = createGameHandOff(
    { executable: process.execPath, args, playArgs: args, ackTimeoutMs: 20_000, ...config },
    {
      onOutput: (stream, line) => output.push({ stream, line }),
      onStarted: (pid) => starts.push(pid),
      ...options,
    },
  );
  handOffs.push(game);
  const lines = (prefix: string) =>
    output
      .filter(({ line }) => line.startsWith(prefix))
      .map(({ line }) => line.slice(prefix.length));
  return {
    game,
    output,
    starts,
    /** What each copy reported when it started, in order. */
    started: () => lines('started ').map((json) => JSON.parse(json) as Started),
    /** Every stdin line the games received, parsed. */
    received: () => lines('got ').map((json) => JSON.parse(json) as Record<string, unknown>),
    ended: collect<GameEnded>((listener) => game.onEnded(listener)),
  };
}

function collect<T>(subscribe: (listener: (value: T) => void) => () => void): T[] {
  const values: T[] = [];
  subscribe((value) => values.push(value));
  return values;
}

const handOffs: PlayableGame[] = [];
const strays: number[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(handOffs.splice(0).map((handOff) => handOff.close()));
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** The process hand-off always hears exits (the interface leaves it optional for stand-ins). */
function onExit(game: PlayableGame): NonNullable<PlayableGame['onExit']> {
  if (!game.onExit) throw new Error('the process hand-off hears exits');
  return game.onExit.bind(game);
}

const identity = { xuid: '2533274800000002', gamertag: 'Player Two' };

describe('a copy started for a join', () => {
  it('gets the template filled in, its join id in the environment, the configured environment only, and hello first', async () => {
    vi.stubEnv('RALLYPOINT_TEST_MARK', 'the launcher');
    const cwd = tmpdir();
    const { game, starts, started, received } = harness(
      {
        args: [
          ...scripted(confirmsJoins),
          '--handle={handleId}',
          '{sessionRef}',
          '{connection}',
          '{xuid}',
          '{inviteKind}',
          'c={context}',
          '{unknown}',
        ],
        env: { RALLYPOINT_TEST_MARK: 'the studio', RALLYPOINT_JOIN_ID: 'forged' },
        cwd,
      },
      { identity },
    );
    const joined = await game.join(request('10.0.0.1:3074', { context: 'squad up' }), {
      signal: signal(),
    });
    expect(joined).toEqual({
      ok: true,
      value: { connection: '10.0.0.1:3074', handedToRunningGame: false, pid: starts[0] },
    });
    expect(starts).toHaveLength(1);
    expect(typeof starts[0]).toBe('number');
    await expect.poll(() => started().length, patience).toBe(1);
    const [copy] = started();
    expect(copy?.argv).toEqual([
      '--handle=6b1d1a52-3c0e-4a8f-9b7d-2e4f6a8c0d13',
      '/serviceconfigs/s/sessionTemplates/t/sessions/one',
      '10.0.0.1:3074',
      '2533274800000002',
      'invite',
      'c=squad up',
      '{unknown}',
    ]);
    expect(copy?.joinId).toMatch(uuid);
    expect(copy?.mark).toBe('the studio');
    expect(copy?.cwd).toBe(cwd);
    await expect.poll(() => received().length, patience).toBe(1);
    expect(received()).toEqual([{ v: 1, type: 'hello', protocol: 1, mode: 'join', ...identity }]);
  });

  it('gets an empty context argument for an invite without one', async () => {
    const { game, started } = harness({ args: [...scripted(confirmsJoins), 'c={context}'] });
    expect((await game.join(request(), { signal: signal() })).ok).toBe(true);
    await expect.poll(() => started().length, patience).toBe(1);
    expect(started()[0]?.argv).toEqual(['c=']);
  });

  it("gets the launcher's environment when the studio configured none", async () => {
    vi.stubEnv('RALLYPOINT_TEST_MARK', 'the launcher');
    const { game, started, received } = harness();
    const joined = await game.join(request(), { signal: signal() });
    expect(joined.ok).toBe(true);
    await expect.poll(() => started().length, patience).toBe(1);
    expect(started()[0]?.mark).toBe('the launcher');
    // Without a signed-in identity there is no hello: the first line it gets is the next one.
    expect(game.send({ type: 'left-noted' })).toBe(true);
    await expect.poll(() => received().length, patience).toBe(1);
    expect(received()).toEqual([{ v: 1, type: 'left-noted' }]);
  });

  it('is stopped after refusing: asked to quit, given the default grace to do so', async () => {
    const { game, ended } = harness({
      args: scripted({
        onStart: `send({ type: 'join-failed', joinId: process.env.RALLYPOINT_JOIN_ID, reason: 'full' });`,
        // Quits on its own a moment after being asked; within the default grace, no signal.
        onLine: `if (message.type === 'quit') setTimeout(() => process.exit(0), 100);`,
      }),
    });
    expect(await game.join(request(), { signal: signal() })).toEqual({
      ok: false,
      error: { code: 'game-failed', message: 'The game refused the join: full' },
    });
    await expect.poll(() => ended.length, patience).toBe(1);
    expect(ended).toEqual([{ exit: { code: 0, signal: null }, byLauncher: true }]);
    expect(game.isRunning()).toBe(false);
  });

  it('a confirmation still in its output when the exit is reported counts', async () => {
    // The copy hands its stdout to a process of its own and exits at once; that process writes
    // the confirmation a moment later. The launcher hears the exit first and the line after it,
    // as it can when a game writes its last line and exits.
    const line = JSON.stringify({ type: 'joined', joinId: '$RALLYPOINT_JOIN_ID' });
    const { game } = harness({
      args: scripted({
        onStart: [
          `require('node:child_process').spawn('/bin/sh', ['-c', ${JSON.stringify(
            `sleep 0.2; printf '%s\\n' "${line.replaceAll('"', '\\"')}"`,
          )}], { stdio: ['ignore', 'inherit', 'ignore'] });`,
          `process.exit(0);`,
        ].join('\n'),
      }),
    });
    expect(await game.join(request(), { signal: signal() })).toMatchObject({ ok: true });
  });

  it('a process the copy started that keeps its output open does not hold up its exit', async () => {
    const { game, output } = harness({
      args: scripted({
        ...confirmsJoins,
        onLine: [
          confirmsJoins.onLine,
          `if (message.type === 'left-noted') {`,
          `  const stray = require('node:child_process').spawn('sleep', ['30'], { stdio: ['ignore', 'inherit', 'ignore'] });`,
          `  say('stray ' + stray.pid);`,
          `  process.exit(5);`,
          `}`,
        ].join('\n'),
      }),
    });
    const exits = collect<string>((listener) => onExit(game)(listener));
    expect((await game.join(request(), { signal: signal() })).ok).toBe(true);
    game.send({ type: 'left-noted' });
    const stray = () => output.find(({ line }) => line.startsWith('stray '))?.line.slice(6);
    await expect.poll(stray, patience).toMatch(/^\d+$/);
    strays.push(Number(stray()));
    // Heard once the drain wait is over, long before the stray process ends (30 s).
    await expect.poll(() => exits, patience).toEqual(['exit code 5']);
  });

  it('is stopped when it misses the deadline, and the failure says so', async () => {
    const { game, ended } = harness({ args: scripted(), ackTimeoutMs: 300, quitGraceMs: 100 });
    expect(await game.join(request(), { signal: signal() })).toEqual({
      ok: false,
      error: { code: 'game-failed', message: 'The game did not confirm the join within 0.3 s.' },
    });
    await expect.poll(() => ended.length, patience).toBe(1);
    expect(ended[0]?.byLauncher).toBe(true);
  });

  it('is stopped when the join is cancelled, and the failure says so', async () => {
    const { game, ended, started } = harness({ args: scripted(), quitGraceMs: 100 });
    const controller = new AbortController();
    const pending = game.join(request(), { signal: controller.signal });
    await expect.poll(() => started().length, patience).toBe(1);
    controller.abort();
    expect(await pending).toEqual({
      ok: false,
      error: { code: 'cancelled', message: 'The join was cancelled.' },
    });
    await expect.poll(() => ended.length, patience).toBe(1);
    expect(ended[0]?.byLauncher).toBe(true);
  });

  it('a session with nowhere to connect starts nothing', async () => {
    const { game, starts } = harness();
    const bare = parseSessionDocument({ membersInfo: { first: 0, next: 0 } });
    if (!bare.ok) throw new Error(bare.error.message);
    const result = await game.join({ ...request(), session: bare.value }, { signal: signal() });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'game-failed',
        message:
          'The session does not say where to connect: no host is set, no server connection candidates, no custom connection property configured.',
      },
    });
    expect(starts).toEqual([]);
    expect(game.isRunning()).toBe(false);
  });
});

describe('a game path the player got wrong', () => {
  // Node throws from spawn for a path through a file (ENOTDIR); the hand-off must still answer.
  const throughAFile = join(process.execPath, 'game');

  it('fails the join in words a player understands', async () => {
    const { game, ended } = harness({ executable: throughAFile });
    const result = await game.join(request(), { signal: signal() });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'game-failed',
        message: 'The game could not be started: its program was not found.',
      },
    });
    expect(ended).toEqual([
      { exit: { code: null, signal: null, startError: 'ENOTDIR' }, byLauncher: false },
    ]);
    expect(game.isRunning()).toBe(false);
  });

  it('Play answers, and the start failure is heard as the copy ending', async () => {
    const { game, ended } = harness({ executable: throughAFile });
    expect(game.play()).toEqual({ ok: true, value: { pid: undefined } });
    await expect
      .poll(() => ended, patience)
      .toEqual([{ exit: { code: null, signal: null, startError: 'ENOTDIR' }, byLauncher: false }]);
    expect(game.isRunning()).toBe(false);
  });
});

describe('a hand-off with no options', () => {
  it('starts, joins and closes all the same; closing with nothing running is no error', async () => {
    const game = createGameHandOff({
      executable: process.execPath,
      args: scripted(confirmsJoins),
      ackTimeoutMs: 20_000,
    });
    handOffs.push(game);
    await expect(game.close()).resolves.toBeUndefined();
    const joined = await game.join(request(), { signal: signal() });
    expect(joined).toMatchObject({ ok: true, value: { handedToRunningGame: false } });
    expect(game.isRunning()).toBe(true);
    await game.close();
    expect(game.isRunning()).toBe(false);
    await expect(game.close()).resolves.toBeUndefined();
  });
});

describe('the answer that counts', () => {
  it("only the join's own answer counts: another join id and other messages are passed over", async () => {
    const { game } = harness({
      args: scripted({
        onStart: [
          `send({ type: 'joined', joinId: 'some-other-join' });`,
          `send({ type: 'left', id: 'x' });`,
          `send({ type: 'join-failed', joinId: process.env.RALLYPOINT_JOIN_ID });`,
        ].join('\n'),
      }),
      quitGraceMs: 100,
    });
    expect(await game.join(request(), { signal: signal() })).toEqual({
      ok: false,
      error: { code: 'game-failed', message: 'The game refused the join.' },
    });
  });

  it('an answer without a join id counts', async () => {
    const { game } = harness({ args: scripted({ onStart: `send({ type: 'joined' });` }) });
    expect(await game.join(request(), { signal: signal() })).toMatchObject({ ok: true });
  });

  it('an unrelated message alone does not count', async () => {
    const { game } = harness({
      args: scripted({ onStart: `send({ type: 'left', id: 'x' });` }),
      ackTimeoutMs: 500,
      quitGraceMs: 100,
    });
    expect(await game.join(request(), { signal: signal() })).toEqual({
      ok: false,
      error: { code: 'game-failed', message: 'The game did not confirm the join within 0.5 s.' },
    });
  });
});

describe('a copy that is already running', () => {
  it('gets the join as one message over stdin, not a second copy, and its answer counts', async () => {
    const { game, starts, received } = harness({}, { identity });
    const joins = collect<GameJoinRequest>((listener) => game.onJoined(listener));
    expect(game.play().ok).toBe(true);
    const second = request('10.0.0.2:2', { kind: 'join', context: 'squad up' });
    const joined = await game.join(second, { signal: signal() });
    expect(joined).toEqual({
      ok: true,
      value: { connection: '10.0.0.2:2', handedToRunningGame: true, pid: starts[0] },
    });
    expect(starts).toHaveLength(1);
    expect(joins).toEqual([second]);
    await expect.poll(() => received().length, patience).toBe(2);
    const [hello, join] = received();
    expect(hello).toEqual({ v: 1, type: 'hello', protocol: 1, mode: 'play', ...identity });
    expect(join).toEqual({
      v: 1,
      type: 'join',
      joinId: expect.stringMatching(uuid) as string,
      handleId: '6b1d1a52-3c0e-4a8f-9b7d-2e4f6a8c0d13',
      sessionRef: '/serviceconfigs/s/sessionTemplates/t/sessions/one',
      connection: '10.0.0.2:2',
      xuid: '2533274800000002',
      inviteKind: 'join',
      context: 'squad up',
    });
  });

  it('a join without a context carries none', async () => {
    const { game, received } = harness();
    expect(game.play().ok).toBe(true);
    expect((await game.join(request(), { signal: signal() })).ok).toBe(true);
    await expect.poll(() => received().length, patience).toBe(1);
    expect(Object.keys(received()[0] ?? {})).not.toContain('context');
  });

  it("gets the session's values after the player-text rule, as a started copy's arguments do", async () => {
    const { game, received } = harness();
    expect(game.play().ok).toBe(true);
    // Another player wrote the session: a right-to-left override, a C1 control (CSI), a zero-width
    // space and a line separator, none of which JSON escapes.
    const hostile = '10.0.0.1\u202E:3074\u009B31m\u200B\u2028';
    const withRef = { ...request(hostile), sessionRef: '/serviceconfigs/s\u200B/x' };
    const joined = await game.join(withRef, { signal: signal() });
    expect(joined).toMatchObject({ ok: true, value: { connection: '10.0.0.1:307431m' } });
    await expect.poll(() => received().length, patience).toBe(1);
    expect(received()[0]).toMatchObject({
      connection: '10.0.0.1:307431m',
      sessionRef: '/serviceconfigs/s/x',
    });
  });

  it('a refusal leaves the running copy running, not asked to quit', async () => {
    const { game, ended, received } = harness({
      args: scripted({
        onLine: `if (message.type === 'join') send({ type: 'join-failed', joinId: message.joinId, reason: 'in a match' });`,
      }),
    });
    expect(game.play().ok).toBe(true);
    expect(await game.join(request(), { signal: signal() })).toEqual({
      ok: false,
      error: { code: 'game-failed', message: 'The game refused the join: in a match' },
    });
    expect(game.isRunning()).toBe(true);
    // Still listening: it gets the next message, and it never got a `quit`.
    expect(game.send({ type: 'left-noted' })).toBe(true);
    await expect
      .poll(() => received().map(({ type }) => type), patience)
      .toEqual(['join', 'left-noted']);
    expect(ended).toEqual([]);
  });

  it('one that can no longer receive is replaced by a fresh copy, whose messages alone are heard', async () => {
    const { game, starts, output, ended } = harness({
      args: scripted({
        ...confirmsJoins,
        // The Play copy closes its stdin at once, then speaks once the test asks it (SIGUSR2).
        onStart: [
          confirmsJoins.onStart,
          `if (!process.env.RALLYPOINT_JOIN_ID) {`,
          `  listening = false;`,
          `  require('node:fs').closeSync(0);`,
          `  say('stdin closed');`,
          `  process.on('SIGUSR2', () => { send({ type: 'left', id: 'old copy' }); process.stdout.write('old copy spoke\\n'); });`,
          `  setInterval(() => undefined, 1000);`,
          `}`,
        ].join('\n'),
      }),
    });
    const messages = collect<GameMessage>((listener) => game.onMessage(listener));
    const played = game.play();
    const oldPid = played.ok ? played.value.pid : undefined;
    if (oldPid === undefined) throw new Error('Play started nothing');
    strays.push(oldPid);
    await expect
      .poll(() => output.some(({ line }) => line === 'stdin closed'), patience)
      .toBe(true);
    // The first write after the close fails (EPIPE); from then on the copy cannot receive.
    await expect.poll(() => game.send({ type: 'left-noted' }), patience).toBe(false);
    expect(game.isRunning()).toBe(true);

    const joined = await game.join(request(), { signal: signal() });
    expect(joined).toMatchObject({ ok: true, value: { handedToRunningGame: false } });
    expect(starts).toHaveLength(2);
    expect(game.runningPid()).toBe(starts[1]);
    process.kill(oldPid, 'SIGUSR2');
    await expect
      .poll(() => output.some(({ line }) => line === 'old copy spoke'), patience)
      .toBe(true);
    // The fresh copy's confirmation only; the old copy's `left` is not passed on.
    expect(messages.map((message) => message.type)).toEqual(['joined']);

    // The old copy ending does not end what the launcher knows of the fresh one.
    process.kill(oldPid, 'SIGKILL');
    await expect.poll(() => ended.length, patience).toBe(1);
    expect(ended[0]?.exit.signal).toBe('SIGKILL');
    expect(game.isRunning()).toBe(true);
    expect(game.runningPid()).toBe(starts[1]);
  });
});

describe('Play', () => {
  it('fills in only {xuid} of the play template, hello says play, and a second Play is refused', async () => {
    const { game, starts, started, received } = harness(
      {
        playArgs: [
          ...scripted(),
          '{xuid}',
          'h={handleId}',
          's={sessionRef}',
          'c={connection}',
          'k={inviteKind}',
          'x={context}',
        ],
      },
      { identity },
    );
    const played = game.play();
    expect(played).toEqual({ ok: true, value: { pid: starts[0] } });
    expect(game.play()).toEqual({
      ok: false,
      error: {
        code: 'already-running',
        message: 'The game is already running: only one copy plays at a time.',
      },
    });
    expect(starts).toHaveLength(1);
    await expect.poll(() => started().length, patience).toBe(1);
    expect(started()[0]).toMatchObject({
      argv: ['2533274800000002', 'h=', 's=', 'c=', 'k=', 'x='],
      joinId: null,
    });
    await expect.poll(() => received().length, patience).toBe(1);
    expect(received()).toEqual([{ v: 1, type: 'hello', protocol: 1, mode: 'play', ...identity }]);
  });

  it("adds no join id: the studio's environment reaches the copy as configured", async () => {
    const { game, started } = harness({ env: { RALLYPOINT_JOIN_ID: 'the studio' } });
    expect(game.play().ok).toBe(true);
    await expect.poll(() => started().length, patience).toBe(1);
    expect(started()[0]?.joinId).toBe('the studio');
  });

  it('with no signed-in player, {xuid} is empty', async () => {
    const { game, started } = harness({ playArgs: [...scripted(), 'x={xuid}'] });
    expect(game.play().ok).toBe(true);
    await expect.poll(() => started().length, patience).toBe(1);
    expect(started()[0]?.argv).toEqual(['x=']);
  });

  it.skipIf(process.platform !== 'linux')(
    'with no play template, starts the program with no arguments',
    async () => {
      // Node with no arguments reads a program from stdin until it ends: it waits, and its
      // command line is just itself.
      const { game } = harness({ playArgs: undefined });
      const played = game.play();
      const pid = played.ok ? played.value.pid : undefined;
      expect(pid).toBeTypeOf('number');
      await expect
        .poll(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'), patience)
        .toEqual([process.execPath, '']);
    },
  );
});

describe('what the launcher hears', () => {
  it('pids, running state, the running notice and unsubscribing', async () => {
    const { game, starts, ended } = harness();
    expect(game.isRunning()).toBe(false);
    expect(game.runningPid()).toBeUndefined();
    expect(game.send({ type: 'quit' })).toBe(false);
    const running: (number | undefined)[] = [];
    const stopHearing = game.onRunning((pid) => running.push(pid));
    expect(game.play().ok).toBe(true);
    expect(game.isRunning()).toBe(true);
    expect(game.runningPid()).toBe(starts[0]);
    await expect.poll(() => running, patience).toEqual([starts[0]]);
    await game.close();
    expect(game.isRunning()).toBe(false);
    expect(game.runningPid()).toBeUndefined();
    expect(game.send({ type: 'quit' })).toBe(false);
    expect(ended).toEqual([{ exit: { code: 0, signal: null }, byLauncher: true }]);

    stopHearing();
    expect(game.play().ok).toBe(true);
    await expect.poll(() => ended.length, patience).toBe(1);
    await game.close();
    expect(starts).toHaveLength(2);
    expect(running).toEqual([starts[0]]);
  });

  it("every message of the running copy, until unsubscribed; the game's own lines as output", async () => {
    const { game, output } = harness({
      args: scripted({
        onLine: [
          `if (message.type === 'left-noted') {`,
          `  send({ type: 'left', id: message.id });`,
          `  process.stdout.write('said ' + message.id + '\\n');`,
          `}`,
        ].join('\n'),
      }),
    });
    const first = collect<GameMessage>((listener) => game.onMessage(listener));
    const second: GameMessage[] = [];
    const stop = game.onMessage((message) => second.push(message));
    expect(game.play().ok).toBe(true);
    game.send({ type: 'left-noted', id: 'a' });
    await expect.poll(() => first.length, patience).toBe(1);
    stop();
    game.send({ type: 'left-noted', id: 'b' });
    await expect
      .poll(
        () => output.some(({ stream, line }) => stream === 'stdout' && line === 'said b'),
        patience,
      )
      .toBe(true);
    expect(first).toEqual([
      { type: 'left', id: 'a' },
      { type: 'left', id: 'b' },
    ]);
    expect(second).toEqual([{ type: 'left', id: 'a' }]);
  });

  it('no message of a copy the launcher has closed', async () => {
    const { game, output } = harness({
      args: scripted({
        onLine: `if (message.type === 'quit') { send({ type: 'left', id: 'bye' }); process.stdout.write('spoke\\n'); }`,
      }),
    });
    const messages = collect<GameMessage>((listener) => game.onMessage(listener));
    expect(game.play().ok).toBe(true);
    await game.close();
    // Its stdout may still be read after its exit was reported.
    await expect.poll(() => output.some(({ line }) => line === 'spoke'), patience).toBe(true);
    expect(messages).toEqual([]);
  });

  it('bad lines are logged where the options say', async () => {
    const log = recordingLogger();
    const { game, output } = harness(
      {
        args: scripted({
          onStart: `process.stdout.write('{not json\\n'); process.stdout.write('done\\n');`,
        }),
      },
      { log },
    );
    expect(game.play().ok).toBe(true);
    await expect.poll(() => output.some(({ line }) => line === 'done'), patience).toBe(true);
    expect(log.lines('warn')).toEqual([
      expect.stringMatching(/^game channel: not-json: /) as string,
    ]);
  });

  it('the message rate the options raise', async () => {
    const { game } = harness(
      {
        args: scripted({
          onStart: `process.stdout.write(Array.from({ length: 80 }, (_, n) => JSON.stringify({ type: 'left', id: String(n) }) + '\\n').join(''));`,
        }),
      },
      { channelRate: { capacity: 100, refillPerSecond: 100 } },
    );
    const messages = collect<GameMessage>((listener) => game.onMessage(listener));
    expect(game.play().ok).toBe(true);
    await expect.poll(() => messages.length, patience).toBe(80);
  });

  it('the player leaving a game that joined: its exit code or signal; not for Play or a close', async () => {
    const leaves = (onLine: string) => {
      const h = harness({
        args: scripted({ ...confirmsJoins, onLine: `${confirmsJoins.onLine}\n${onLine}` }),
      });
      const exits = collect<string>((listener) => onExit(h.game)(listener));
      return { ...h, exits };
    };
    const byCode = leaves(`if (message.type === 'left-noted') process.exit(5);`);
    expect((await byCode.game.join(request(), { signal: signal() })).ok).toBe(true);
    byCode.game.send({ type: 'left-noted' });
    await expect.poll(() => byCode.exits, patience).toEqual(['exit code 5']);
    expect(byCode.ended).toEqual([{ exit: { code: 5, signal: null }, byLauncher: false }]);

    const bySignal = leaves(
      `if (message.type === 'left-noted') process.kill(process.pid, 'SIGTERM');`,
    );
    expect((await bySignal.game.join(request(), { signal: signal() })).ok).toBe(true);
    bySignal.game.send({ type: 'left-noted' });
    await expect.poll(() => bySignal.exits, patience).toEqual(['stopped by SIGTERM']);

    const played = leaves(`if (message.type === 'left-noted') process.exit(5);`);
    expect(played.game.play().ok).toBe(true);
    played.game.send({ type: 'left-noted' });
    await expect.poll(() => played.ended.length, patience).toBe(1);
    expect(played.exits).toEqual([]);

    const closed = leaves('');
    expect((await closed.game.join(request(), { signal: signal() })).ok).toBe(true);
    await closed.game.close();
    await expect.poll(() => closed.ended.length, patience).toBe(1);
    expect(closed.ended[0]?.byLauncher).toBe(true);
    expect(closed.exits).toEqual([]);
  });

  it('unsubscribed exit, end and join listeners hear nothing', async () => {
    const { game, ended } = harness({
      args: scripted({
        ...confirmsJoins,
        onLine: `${confirmsJoins.onLine}\nif (message.type === 'left-noted') process.exit(5);`,
      }),
    });
    const exits: string[] = [];
    const ends: GameEnded[] = [];
    const joins: GameJoinRequest[] = [];
    onExit(game)((description) => exits.push(description))();
    game.onEnded((end) => ends.push(end))();
    game.onJoined((join) => joins.push(join))();
    expect((await game.join(request(), { signal: signal() })).ok).toBe(true);
    game.send({ type: 'left-noted' });
    await expect.poll(() => ended.length, patience).toBe(1);
    expect({ exits, ends, joins }).toEqual({ exits: [], ends: [], joins: [] });
  });

  it('close gives a game the default grace to quit on its own', async () => {
    const { game, ended } = harness({
      args: scripted({
        onLine: `if (message.type === 'quit') setTimeout(() => process.exit(0), 100);`,
      }),
    });
    expect(game.play().ok).toBe(true);
    await game.close();
    expect(ended).toEqual([{ exit: { code: 0, signal: null }, byLauncher: true }]);
  });
});
