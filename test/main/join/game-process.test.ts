/**
 * The game's process on its own: start, the channel both ways, the exit and its sentence, the
 * quit steps and the wait for a confirmation. Every game here is a few lines of JavaScript this
 * Node runs with `-e`, so each test is a real child process and still fast enough to run for
 * every mutant of `game-process.ts`. The hand-off built on it is tested in
 * `game-hand-off-scripted-game.test.ts` and, with the demo game, `game-hand-off.test.ts`.
 */
import { getEventListeners } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { GameProcess, type GameProcessOptions } from '../../../src/main/join/game-process';
import type { GameMessage } from '../../../src/main/game/game-channel-protocol';
import { maxGameLineBytes } from '../../../src/main/game/game-channel-protocol';
import { recordingLogger } from '../../fakes/recording-logger';

const patience = { timeout: 20_000 } as const;
const started: GameProcess[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'rallypoint-game-process-'));

afterEach(() => {
  for (const game of started.splice(0)) game.kill();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A game that runs `program` (with `send` and `say` at hand) and keeps running until told. */
function game(program: string, options: GameProcessOptions = {}, args: string[] = []) {
  const output: { stream: 'stdout' | 'stderr'; line: string }[] = [];
  const source = [
    `const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');`,
    `const say = (t) => process.stderr.write(t + '\\n');`,
    program,
  ].join('\n');
  const running = GameProcess.start(process.execPath, ['-e', source, '--', ...args], {
    onOutput: (stream, line) => output.push({ stream, line }),
    ...options,
  });
  started.push(running);
  return { game: running, output, said: () => output.filter((o) => o.stream === 'stderr') };
}

/** Keeps a game alive until its stdin ends (Node exits once nothing is pending). */
const staysUp = `setInterval(() => undefined, 60_000);`;

/** Resolves once `check` holds, polled; a failing test ends at the test's timeout. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Whether `promise` has settled (either way) after the pending callbacks ran. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  const settle = () => (settled = true);
  void promise.then(settle, settle);
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

/**
 * Counts the timers set while it is on that have neither fired nor been cleared: a timer left
 * behind holds the event loop, and `rallypoint activate` would not exit until it fires.
 */
function pendingTimers() {
  const pending = new Set<unknown>();
  let fired = 0;
  const setTimer = globalThis.setTimeout;
  const clearTimer = globalThis.clearTimeout;
  const set = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
    callback: (...args: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) => {
    const timer = setTimer(() => {
      pending.delete(timer);
      fired += 1;
      callback(...args);
    }, ms);
    pending.add(timer);
    return timer;
  }) as typeof setTimeout);
  const clear = vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((timer) => {
    pending.delete(timer);
    clearTimer(timer);
  }) as typeof clearTimeout);
  const stop = () => {
    set.mockRestore();
    clear.mockRestore();
  };
  return {
    /** How many are still pending; stops counting. */
    get count() {
      stop();
      return pending.size;
    },
    /** How many have fired; stops counting. */
    get fired() {
      stop();
      return fired;
    },
  };
}

describe('starting a game', () => {
  it('passes its arguments as they are, with no shell to read them', patience, async () => {
    const argument = `$HOME 'quoted' "double" ; echo injected && \`id\` *`;
    const { game: running, said } = game(`say(JSON.stringify(process.argv.slice(1)));`, {}, [
      argument,
      '',
    ]);
    await running.exited;
    expect(said().map((o) => o.line)).toEqual([JSON.stringify([argument, ''])]);
  });

  it('gives the game its environment and working directory', patience, async () => {
    const { game: running, said } = game(
      `say(JSON.stringify({ mark: process.env.RALLYPOINT_GAME_MARK ?? null, cwd: process.cwd() }));`,
      { env: { ...process.env, RALLYPOINT_GAME_MARK: 'marked' }, cwd: scratch },
    );
    await running.exited;
    expect(JSON.parse(said()[0]?.line ?? '{}')).toEqual({ mark: 'marked', cwd: scratch });
  });

  it('gives the game the launcher environment when none is given', patience, async () => {
    const { game: running, said } = game(`say(process.env.PATH ?? 'none');`, { env: undefined });
    await running.exited;
    expect(said()[0]?.line).toBe(process.env.PATH);
  });

  it('reports its pid and that it runs until it has exited', patience, async () => {
    const { game: running, said } = game(`say(String(process.pid)); ${staysUp}`);
    await running.spawned;
    expect(running.running).toBe(true);
    expect(running.exit).toBeUndefined();
    await until(() => said().length > 0);
    expect(running.pid).toBe(Number(said()[0]?.line));
    running.kill();
    const exit = await running.exited;
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(running.exit).toBe(exit);
    expect(running.running).toBe(false);
  });

  it.each([
    [
      'a program that does not exist',
      () => join(scratch, 'no-such-game'),
      'ENOENT',
      'its program was not found',
    ],
    [
      'a path through a file (thrown by spawn)',
      () => join(process.execPath, 'game'),
      'ENOTDIR',
      'its program was not found',
    ],
    ['a directory', () => scratch, 'EACCES', 'its program is not executable'],
    ['a loop of links (thrown by spawn)', loopOfLinks, 'ELOOP', '(ELOOP)'],
  ])('reports %s as a start failure, never a throw', patience, async (_, path, code, words) => {
    const failed = GameProcess.start(path(), []);
    expect(failed.running).toBe(true);
    expect(failed.pid).toBeUndefined();
    // Asked to quit and killed before the failure is reported: nothing to signal, no throw.
    const quitting = failed.quit(10_000);
    failed.kill();
    const exit = await failed.exited;
    expect(await quitting).toBe(exit);
    expect(exit).toEqual({ code: null, signal: null, startError: code });
    expect(failed.running).toBe(false);
    expect(failed.send({ type: 'quit' })).toBe(false);
    expect(await hasSettled(failed.spawned)).toBe(false);
    const waited = await failed.waitFor(() => true, {
      timeoutMs: 10_000,
      signal: new AbortController().signal,
    });
    expect(waited).toEqual({
      ok: false,
      error: { code: 'game-failed', message: expect.stringContaining(words) },
    });
    expect(await failed.quit(10_000)).toBe(exit);
    failed.kill();
    // Node closes a failed start's pipes after its error, with a code of its own (-2 for ENOENT):
    // the end stays the one reported.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(failed.exit).toBe(exit);
  });

  it('reports an argument holding a NUL byte as a start failure', patience, async () => {
    const failed = GameProcess.start(process.execPath, ['-e', '0', 'a\u0000b']);
    const exit = await failed.exited;
    expect(exit).toEqual({ code: null, signal: null, startError: 'ERR_INVALID_ARG_VALUE' });
    const waited = await failed.waitFor(() => true, {
      timeoutMs: 10_000,
      signal: new AbortController().signal,
    });
    expect(waited).toEqual({
      ok: false,
      error: {
        code: 'game-failed',
        message: 'The game could not be started (ERR_INVALID_ARG_VALUE).',
      },
    });
  });
});

function loopOfLinks(): string {
  const link = join(scratch, `loop-${Math.random().toString(16).slice(2)}`);
  symlinkSync(link, link);
  return link;
}

describe('the channel', () => {
  it('hands every validated message to each listener until it unsubscribes', patience, async () => {
    const { game: running } = game(
      `send({ type: 'joined', joinId: 'a' }); send({ type: 'joined', joinId: 'b' }); ${staysUp}`,
    );
    const first: GameMessage[] = [];
    const second: GameMessage[] = [];
    const stop = running.onMessage((message) => {
      first.push(message);
      stop();
    });
    running.onMessage((message) => second.push(message));
    await until(() => second.length === 2);
    expect(first).toEqual([{ type: 'joined', joinId: 'a' }]);
    expect(second.map((m) => m.type === 'joined' && m.joinId)).toEqual(['a', 'b']);
  });

  it('sends the game JSON lines while it runs, and nothing after', patience, async () => {
    const { game: running, said } = game(
      `require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => { say('got ' + line); if (JSON.parse(line).type === 'quit') process.exit(0); });`,
    );
    expect(running.send({ type: 'left-noted', id: 'n1' })).toBe(true);
    expect(running.send({ type: 'quit' })).toBe(true);
    await running.exited;
    expect(said().map((o) => JSON.parse(o.line.replace(/^got /, '')))).toEqual([
      { v: 1, type: 'left-noted', id: 'n1' },
      { v: 1, type: 'quit' },
    ]);
    expect(running.send({ type: 'quit' })).toBe(false);
  });

  it('needs no output handler: a game may print anything', patience, async () => {
    const quiet = GameProcess.start(process.execPath, [
      '-e',
      `console.log('plain'); process.stderr.write('x'.repeat(${maxGameLineBytes + 10}) + '\\nlast\\n');`,
    ]);
    started.push(quiet);
    expect(await quiet.exited).toEqual({ code: 0, signal: null });
  });

  it(
    'passes the game own output on, stdout and stderr, last unterminated line too',
    patience,
    async () => {
      const { game: running, output } = game(
        `process.stdout.write('loading level 1\\n'); process.stderr.write('warning: low disk\\nno newline at the end');`,
      );
      await running.exited;
      expect(output).toContainEqual({ stream: 'stdout', line: 'loading level 1' });
      expect(output.filter((o) => o.stream === 'stderr')).toEqual([
        { stream: 'stderr', line: 'warning: low disk' },
        { stream: 'stderr', line: 'no newline at the end' },
      ]);
    },
  );

  it('cuts an over-long stderr line off with a note and reads on', patience, async () => {
    const { game: running, said } = game(
      `process.stderr.write('x'.repeat(${maxGameLineBytes + 10}) + '\\nafter\\n');`,
    );
    await running.exited;
    const lines = said().map((o) => o.line);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[a line of more than \d+ bytes was cut off\]$/);
    expect(Number(/\d+/.exec(lines[0] ?? '')?.[0])).toBeGreaterThan(maxGameLineBytes);
    expect(lines[1]).toBe('after');
  });

  it('logs a bad message to the log it is given', patience, async () => {
    const log = recordingLogger();
    const { game: running } = game(`send({ type: 'no-such-message' });`, { log });
    await running.exited;
    expect(log.lines('warn').join('\n')).toMatch(/^game channel: /);
  });

  it('holds a flood to the rate it is given', patience, async () => {
    const log = recordingLogger();
    const received: GameMessage[] = [];
    const { game: running } = game(
      `for (let i = 0; i < 5; i++) send({ type: 'joined', joinId: 'j' + i });`,
      { log, channelRate: { capacity: 2, refillPerSecond: 0.001 } },
    );
    running.onMessage((message) => received.push(message));
    await running.exited;
    expect(received).toHaveLength(2);
    expect(log.lines('warn').join('\n')).toContain('rate-limited');
  });
});

describe('the exit', () => {
  it.each([
    ['its exit code', `process.exit(3)`, { code: 3, signal: null }, '(exit code 3)'],
    [
      'the signal that stopped it',
      `process.kill(process.pid, 'SIGTERM')`,
      { code: null, signal: 'SIGTERM' },
      '(stopped by SIGTERM)',
    ],
  ])('describes %s when it closes before joining', patience, async (_, program, exit, words) => {
    const { game: running } = game(program);
    const abort = new AbortController();
    const waited = await running.waitFor(() => true, { timeoutMs: 20_000, signal: abort.signal });
    expect(running.exit).toEqual(exit);
    expect(waited).toEqual({
      ok: false,
      error: { code: 'game-failed', message: `The game closed before joining ${words}.` },
    });
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
  });

  it('counts once the game output is read to its end', patience, async () => {
    // The game's last line is written by a process it leaves behind, after it has exited.
    const { game: running } = game(
      `require('node:child_process').spawn('sh', ['-c', 'sleep 0.3; echo \\'{"type":"joined","joinId":"late"}\\''], { stdio: ['ignore', 'inherit', 'ignore'] }).unref(); process.exit(0);`,
    );
    const received: GameMessage[] = [];
    running.onMessage((message) => received.push(message));
    await running.exited;
    expect(received).toEqual([{ type: 'joined', joinId: 'late' }]);
  });

  it(
    'counts anyway when a process the game left behind holds its output open',
    patience,
    async () => {
      // The process left behind outlives the test's timeout, so only the exit can end the wait.
      const { game: running, said } = game(
        `const left = require('node:child_process').spawn('sleep', ['60'], { stdio: 'inherit' }); say('left ' + left.pid); process.exit(5);`,
      );
      try {
        expect(await running.exited).toEqual({ code: 5, signal: null });
        // Its input is still open (the process left behind holds it), but the game is gone.
        expect(running.send({ type: 'quit' })).toBe(false);
      } finally {
        // Only a real pid: kill(0) would signal the test's own process group.
        const left = Number(
          said()
            .find((o) => o.line.startsWith('left '))
            ?.line.slice(5),
        );
        if (Number.isInteger(left) && left > 0) {
          try {
            process.kill(left, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
    },
  );

  it('counts when its output ends, with no timer left behind or needed', patience, async () => {
    const timers = pendingTimers();
    const { game: running } = game(`process.exit(0)`);
    await running.exited;
    expect(timers.count).toBe(0);
    expect(timers.fired).toBe(0);
  });
});

describe('waiting for a confirmation', () => {
  it('resolves with the first message it accepts and stops listening', patience, async () => {
    const { game: running } = game(
      `send({ type: 'joined', joinId: 'other' }); send({ type: 'joined', joinId: 'mine' }); send({ type: 'joined', joinId: 'after' }); ${staysUp}`,
    );
    const seen: string[] = [];
    const all: GameMessage[] = [];
    running.onMessage((message) => all.push(message));
    const timers = pendingTimers();
    const abort = new AbortController();
    const waited = await running.waitFor(
      (message) => {
        if (message.type === 'joined') seen.push(message.joinId ?? '');
        return message.type === 'joined' && message.joinId === 'mine';
      },
      { timeoutMs: 20_000, signal: abort.signal },
    );
    expect(waited).toEqual({ ok: true, value: { type: 'joined', joinId: 'mine' } });
    await until(() => all.length === 3);
    expect(seen).toEqual(['other', 'mine']);
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
    expect(timers.count).toBe(0);
  });

  it.each([
    [1_000, '1 s'],
    [1_234, '1.2 s'],
  ])('gives up after %i ms, saying %s', patience, async (timeoutMs, words) => {
    const { game: running } = game(staysUp);
    const abort = new AbortController();
    const waited = await running.waitFor(() => true, { timeoutMs, signal: abort.signal });
    expect(waited).toEqual({
      ok: false,
      error: {
        code: 'game-failed',
        message: `The game did not confirm the join within ${words}.`,
      },
    });
    expect(running.running).toBe(true);
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
  });

  it('ends as cancelled when the signal aborts, before or during the wait', patience, async () => {
    const { game: running } = game(staysUp);
    const cancelled = {
      ok: false,
      error: { code: 'cancelled', message: 'The join was cancelled.' },
    };
    const timers = pendingTimers();
    expect(
      await running.waitFor(() => true, { timeoutMs: 20_000, signal: AbortSignal.abort() }),
    ).toEqual(cancelled);
    expect(timers.count).toBe(0);
    const timersDuring = pendingTimers();
    const abort = new AbortController();
    const waiting = running.waitFor(() => true, { timeoutMs: 20_000, signal: abort.signal });
    abort.abort();
    expect(await waiting).toEqual(cancelled);
    expect(timersDuring.count).toBe(0);
    expect(running.running).toBe(true);
  });

  it('answers at once for a game that has already exited', patience, async () => {
    const { game: running } = game(`process.exit(4)`);
    await running.exited;
    const timers = pendingTimers();
    const waited = await running.waitFor(() => true, {
      timeoutMs: 20_000,
      signal: new AbortController().signal,
    });
    expect(waited).toEqual({
      ok: false,
      error: { code: 'game-failed', message: 'The game closed before joining (exit code 4).' },
    });
    expect(timers.count).toBe(0);
  });
});

describe('quitting', () => {
  /** A game that says `ready` once its handlers are in place. */
  const ready = (program: string) => game(`${program}; say('ready'); ${staysUp}`);

  it('asks first: a game that quits on the message ends as it chooses', patience, async () => {
    const { game: running, said } = ready(
      `require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => { if (JSON.parse(line).type === 'quit') setTimeout(() => process.exit(7), 200); })`,
    );
    await until(() => said().length > 0);
    const timers = pendingTimers();
    expect(await running.quit(10_000)).toEqual({ code: 7, signal: null });
    expect(timers.count).toBe(0);
  });

  it(
    'ends its input: a game that quits when its input ends ends as it chooses',
    patience,
    async () => {
      const { game: running, said } = ready(
        `process.stdin.resume(); process.stdin.on('end', () => setTimeout(() => process.exit(8), 200))`,
      );
      await until(() => said().length > 0);
      expect(await running.quit(10_000)).toEqual({ code: 8, signal: null });
    },
  );

  it('then sends SIGTERM once the grace has passed', patience, async () => {
    const { game: running, said } = ready(
      `process.stdin.resume(); process.on('SIGTERM', () => { say('terminated'); setTimeout(() => process.exit(9), 200); })`,
    );
    await until(() => said().length > 0);
    expect(await running.quit(1_000)).toEqual({ code: 9, signal: null });
    expect(said().map((o) => o.line)).toEqual(['ready', 'terminated']);
  });

  it('then SIGKILL after as long again', patience, async () => {
    const { game: running, said } = ready(
      `process.stdin.resume(); process.on('SIGTERM', () => say('terminated, staying'))`,
    );
    await until(() => said().length > 0);
    expect(await running.quit(300)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(said().map((o) => o.line)).toEqual(['ready', 'terminated, staying']);
  });

  it('answers at once for a game that has already exited', patience, async () => {
    const { game: running } = game(`process.exit(2)`);
    const exit = await running.exited;
    expect(await running.quit(10_000)).toBe(exit);
  });
});
