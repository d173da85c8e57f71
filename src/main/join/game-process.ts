/**
 * One running copy of the game and the game channel to it (src/main/game/game-channel.ts): JSON
 * lines on its stdin (launcher → game) and on its stdout (game → launcher), checked and bounded.
 * Anything else the game prints (stdout lines that are not JSON objects, all of stderr) is passed
 * to `onOutput` so the launcher can log or show it. Started with `spawn` and an argument array: no
 * shell, so nothing in an argument is interpreted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { err, ok, type Result } from '../../shared/result';
import { BoundedLineReader } from '../game/bounded-line-reader';
import { GameChannel, type GameChannelOptions } from '../game/game-channel';
import {
  maxGameLineBytes,
  type GameMessage,
  type LauncherMessage,
} from '../game/game-channel-protocol';
import type { Logger } from '../logging/logger';
import type { GameFailure } from './game-failure';

export type { GameMessage } from '../game/game-channel-protocol';

export interface GameProcessOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Where the channel logs the bad messages it answered. */
  readonly log?: Pick<Logger, 'info' | 'warn'>;
  /** The channel's message rate (`defaultChannelRate` unless given). */
  readonly channelRate?: GameChannelOptions['rate'];
}

/**
 * How long an exited game's stdout may stay open before the exit counts anyway: a process the
 * game started can hold the pipe, and the launcher must not wait on it.
 */
const exitDrainMs = 2_000;

/** How the game process ended. */
export interface GameExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  readonly startError?: string;
}

export class GameProcess {
  /** The started process; undefined when the game never started. */
  readonly #child: ChildProcess | undefined;
  readonly #channel: GameChannel;
  readonly #listeners = new Set<(message: GameMessage) => void>();
  /** Waiters to tell when the process ends; a set (not `exited.then`) so finished waits let go. */
  readonly #exitWaiters = new Set<(exit: GameExit) => void>();
  #exit: GameExit | undefined;
  readonly exited: Promise<GameExit>;
  /** Resolves once the operating system reports the process running (never, if it fails to start). */
  readonly spawned: Promise<void>;

  private constructor(
    start: { readonly child: ChildProcess } | { readonly spawnError: NodeJS.ErrnoException },
    options: GameProcessOptions,
  ) {
    const child = 'child' in start ? start.child : undefined;
    // A child with no pid never started (Node reports that a tick later) and must never be
    // signalled: Node would send the signal to a pid it never set, 0 in a fresh process, which is
    // the launcher's own process group. So such a child is only listened to, never kept to kill.
    // Stryker disable next-line all: a mutant here signals that pid and kills the test runner itself; test/main/join/game-never-started.test.ts proves the rule in a process of its own
    this.#child = child?.pid === undefined ? undefined : child;
    this.spawned = new Promise((resolve) => child?.once('spawn', () => resolve()));
    this.exited = new Promise((resolve) => {
      if ('spawnError' in start) {
        // Reported a tick later, as Node reports the start failures it does not throw.
        process.nextTick(() => this.#ended(startFailure(start.spawnError), resolve));
        return;
      }
      const { child } = start;
      child.once('error', (error: NodeJS.ErrnoException) => {
        // 'error' without a pid means the process never started; 'exit' will not follow.
        // Stryker disable next-line ConditionalExpression: with no IPC channel, 'error' after a start comes only from a failed kill of the launcher's own child
        if (child.pid === undefined) this.#ended(startFailure(error), resolve);
      });
      // 'exit' can come before the game's last lines are read from its stdout, and a process the
      // game started may hold that pipe open long after: the exit counts once stdio has closed
      // ('close'), or `exitDrainMs` after it was reported, whichever is first.
      let drain: NodeJS.Timeout | undefined;
      child.once('exit', (code, signal) => {
        drain = setTimeout(() => this.#ended({ code, signal }, resolve), exitDrainMs);
      });
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(drain);
        this.#ended({ code, signal }, resolve);
      });
    });
    const onOutput = options.onOutput ?? (() => undefined);
    this.#channel = new GameChannel(child?.stdout, child?.stdin, {
      onMessage: (message) => {
        for (const listener of [...this.#listeners]) listener(message);
      },
      onOutput: (line) => onOutput('stdout', line),
      ...(options.log ? { log: options.log } : {}),
      ...(options.channelRate ? { rate: options.channelRate } : {}),
    });
    if (child?.stderr) {
      const stderr = new BoundedLineReader(maxGameLineBytes, {
        line: (line) => onOutput('stderr', line),
        overflow: (bytes) => onOutput('stderr', `[a line of more than ${bytes} bytes was cut off]`),
      });
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stderr.on('end', () => stderr.end());
    }
  }

  /** Every message the game sends, validated; returns the unsubscribe function. */
  onMessage(listener: (message: GameMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #ended(exit: GameExit, resolve: (exit: GameExit) => void): void {
    if (this.#exit) return;
    this.#exit = exit;
    resolve(exit);
    for (const waiter of [...this.#exitWaiters]) waiter(exit);
    this.#exitWaiters.clear();
  }

  /**
   * Starts the game without a shell. Start failures surface through `exited`, never as a throw:
   * Node emits only some of them as an `error` event (ENOENT, EACCES, EAGAIN, EMFILE, ENFILE) and
   * throws the rest from `spawn` (a path through a file, ENOTDIR; a loop of links, ELOOP; an
   * argument or environment value holding a NUL byte), and a game's path and arguments come from
   * settings a player can get wrong.
   */
  static start(executable: string, args: readonly string[], options: GameProcessOptions = {}) {
    let child: ChildProcess;
    try {
      child = spawn(executable, [...args], {
        shell: false,
        // Stryker disable next-line ArrayDeclaration: an empty list gives the default, three pipes
        stdio: ['pipe', 'pipe', 'pipe'],
        // Stryker disable next-line BooleanLiteral: Windows only (whether the game's console is hidden)
        windowsHide: false,
        env: options.env ?? process.env,
        cwd: options.cwd,
      });
    } catch (error) {
      return new GameProcess({ spawnError: error as NodeJS.ErrnoException }, options);
    }
    return new GameProcess({ child }, options);
  }

  /** How the process ended, once it has. */
  get exit(): GameExit | undefined {
    return this.#exit;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** True until the process exits (or fails to start). */
  get running(): boolean {
    return this.#exit === undefined;
  }

  /**
   * Sends one JSON line; false when the game can no longer receive. That includes every game that
   * has exited, even one whose input a process it left behind still holds: Node destroys a child's
   * stdin when it exits, and a game that never started has none.
   */
  send(message: LauncherMessage): boolean {
    return this.#channel.send(message);
  }

  /**
   * Waits for the first message that satisfies `accept`. Ends early, as a typed failure, when the
   * game exits, the time is up or the signal aborts.
   */
  waitFor(
    accept: (message: GameMessage) => boolean,
    options: { readonly timeoutMs: number; readonly signal: AbortSignal },
  ): Promise<Result<GameMessage, GameFailure | { readonly code: 'cancelled'; message: string }>> {
    return new Promise((resolve) => {
      const finish = (
        result: Result<GameMessage, GameFailure | { readonly code: 'cancelled'; message: string }>,
      ) => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
        this.#exitWaiters.delete(onExit);
        options.signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const listener = (message: GameMessage) => {
        if (accept(message)) finish(ok(message));
      };
      const onAbort = () => finish(err({ code: 'cancelled', message: 'The join was cancelled.' }));
      const onExit = (exit: GameExit) =>
        finish(err({ code: 'game-failed', message: describeExit(exit) }));
      const timer = setTimeout(
        () =>
          finish(
            err({
              code: 'game-failed',
              message: `The game did not confirm the join within ${formatSeconds(options.timeoutMs)}.`,
            }),
          ),
        options.timeoutMs,
      );
      if (options.signal.aborted) return onAbort();
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: finish removes the listener either way
      options.signal.addEventListener('abort', onAbort, { once: true });
      if (this.#exit) return onExit(this.#exit);
      this.#listeners.add(listener);
      this.#exitWaiters.add(onExit);
    });
  }

  /** Asks the game to quit, then insists: SIGTERM after `graceMs`, SIGKILL after as long again. */
  async quit(graceMs: number): Promise<GameExit> {
    const child = this.#child;
    // A game that never started has nothing to ask or signal: its exit is already on its way.
    if (child === undefined) return this.exited;
    // Stryker disable next-line ConditionalExpression: an exited game's quit is sent nowhere and its exit has settled, so the steps end at once
    if (this.#exit) return this.#exit;
    this.send({ type: 'quit' });
    // Stryker disable next-line OptionalChaining: started with three pipes, a child always has stdin
    child.stdin?.end();
    if (await settlesWithin(this.exited, graceMs)) return this.exited;
    child.kill('SIGTERM');
    if (await settlesWithin(this.exited, graceMs)) return this.exited;
    child.kill('SIGKILL');
    return this.exited;
  }

  /** Ends the process at once (a join was cancelled before the game confirmed it). */
  kill(): void {
    // Stryker disable next-line ConditionalExpression: Node's kill of a child that has exited sends nothing
    if (this.running) this.#child?.kill('SIGKILL');
  }
}

/** How a game that never started ended: the error's code (ENOENT), or its message if it has none. */
function startFailure(error: NodeJS.ErrnoException): GameExit {
  return { code: null, signal: null, startError: error.code ?? error.message };
}

/**
 * What a start failure means to a player, for the join's words and Play's: a program that is not
 * there (ENOENT, or ENOTDIR for a path that runs through a file), one that may not run (EACCES),
 * or any other failed start.
 */
export function startFailureKind(startError: string): 'not-found' | 'not-executable' | undefined {
  if (startError === 'ENOENT' || startError === 'ENOTDIR') return 'not-found';
  if (startError === 'EACCES') return 'not-executable';
  return undefined;
}

/** A player-readable sentence for how the game ended before confirming. */
function describeExit(exit: GameExit): string {
  if (exit.startError !== undefined) {
    const kind = startFailureKind(exit.startError);
    if (kind === 'not-found') return 'The game could not be started: its program was not found.';
    if (kind === 'not-executable')
      return 'The game could not be started: its program is not executable.';
    return `The game could not be started (${exit.startError}).`;
  }
  if (exit.signal) return `The game closed before joining (stopped by ${exit.signal}).`;
  // Stryker disable next-line StringLiteral: a process that exited has a code or a signal
  return `The game closed before joining (exit code ${exit.code ?? 'unknown'}).`;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  // Stryker disable next-line ArrowFunction: once the game has exited, the kills that follow send nothing
  const settled = await Promise.race([promise.then(() => true as const), timeout]);
  clearTimeout(timer);
  return settled;
}
