/**
 * Handing a written session to the game. If the copy the launcher started earlier is still running,
 * the join goes to it as one JSON line on its stdin (no second copy); otherwise the game is started
 * with the studio's argument template. Either way the join counts only once the game answers
 * `{"type":"joined"}` on stdout within the acknowledgement deadline: a game that exits, crashes or
 * stays silent is a `game-failed` the join machine turns into "leave the session".
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger';
import type { Invite } from '../../shared/invite';
import type { SessionDocument } from '../../shared/mpsd/session-document';
import { err, ok, type Result } from '../../shared/result';
import { stripUnsafePlayerText } from '../../shared/player-text';
import { expandGameArgs } from './game-args';
import type { GameFailure } from './game-failure';
import { resolveGameConnection } from './game-connection';
import type { GameMessage, LauncherMessage } from '../game/game-channel-protocol';
import { GameProcess, type GameExit, type GameProcessOptions } from './game-process';

/** The join was abandoned (cancelled or superseded) before the game confirmed it. */
export interface GameCancelled {
  readonly code: 'cancelled';
  readonly message: string;
}

export interface GameJoinRequest {
  readonly invite: Invite;
  /** The signed-in player who was written into the session. */
  readonly xuid: string;
  /** `Content-Location` of the session: the game's stable reference to it. */
  readonly sessionRef: string;
  /** The session document as the directory returned it. */
  readonly session: SessionDocument;
}

export interface GameJoined {
  readonly connection: string;
  /** True when an already running copy took the join over stdin. */
  readonly handedToRunningGame: boolean;
  readonly pid?: number;
}

/** What the join machine needs from "the game"; tests substitute their own. */
export interface GameHandOff {
  join(
    request: GameJoinRequest,
    options: { readonly signal: AbortSignal },
  ): Promise<Result<GameJoined, GameFailure | GameCancelled>>;
  /** True while a copy the launcher started is running. */
  isRunning(): boolean;
  /**
   * Called when a running copy that had confirmed a join exits (the player quit the game), so the
   * launcher can leave the session behind it. Returns the unsubscribe function.
   */
  onExit?(listener: (description: string) => void): () => void;
  /** Asks a running game to quit (and makes sure it does). */
  close(): Promise<void>;
}

/** Which title the game is, and where its hosted sessions live in the directory. */
export interface GameTitle {
  readonly titleId: string;
  readonly scid: string;
  readonly sessionTemplate: string;
}

/** Why Play could not start a copy. */
export interface PlayRefusal {
  readonly code: 'already-running';
  readonly message: string;
}

/** A copy of the game that ended, as Play reports it. */
export interface GameEnded {
  readonly exit: GameExit;
  /** The launcher asked it to quit (close), so its exit is no crash. */
  readonly byLauncher: boolean;
}

/**
 * The process-backed hand-off with what Play and the game channel add: start the game with no
 * session, hear every message of the running copy, talk back to it, and hear about joins and exits.
 */
export interface PlayableGame extends GameHandOff {
  /** Starts the game with the play template; refused while a copy runs (one game at a time). */
  play(): Result<{ readonly pid: number | undefined }, PlayRefusal>;
  /** Messages of whichever copy is running; returns the unsubscribe function. */
  onMessage(listener: (message: GameMessage) => void): () => void;
  /** Sends to the running copy; false when none runs or it cannot receive. */
  send(message: LauncherMessage): boolean;
  /** A join the game confirmed (whether started for it or handed to it). */
  onJoined(listener: (request: GameJoinRequest) => void): () => void;
  /** Every copy's end (not only those that joined). */
  onEnded(listener: (ended: GameEnded) => void): () => void;
  /** Process id of the running copy. */
  runningPid(): number | undefined;
  /** A copy started (by Play or for a join) is running: the OS reported it spawned. */
  onRunning(listener: (pid: number | undefined) => void): () => void;
}

export interface GameLaunchConfig {
  readonly executable: string;
  /** Argument template, already split into arguments (see game-args.ts). */
  readonly args: readonly string[];
  /** Argument template for Play (no session); only `{xuid}` is filled in. Default: none. */
  readonly playArgs?: readonly string[];
  /** The title whose sessions Play hosts and whose invites it sends. */
  readonly title?: GameTitle;
  /** How long the game has to answer `joined` after a join was sent or the game started. */
  readonly ackTimeoutMs: number;
  /** Title-defined `properties.custom` key holding a connection string, the last resort. */
  readonly connectionProperty?: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Time the game gets to quit on its own before it is terminated. */
  readonly quitGraceMs?: number;
}

export interface GameHandOffOptions {
  /** The game's own output (non-protocol lines), for logs or a console. */
  readonly onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Called when a copy of the game is started, with its process id. */
  readonly onStarted?: (pid: number | undefined) => void;
  /** The signed-in player, for the `hello` line a started copy receives first. */
  readonly identity?: { readonly xuid: string; readonly gamertag: string };
  /** Where the game channel logs the bad messages it answered. */
  readonly log?: Pick<Logger, 'info' | 'warn'>;
  /**
   * The game channel's message rate. One game copy answers one join at a time, which the default
   * allows many times over; only a copy that serves many players at once (a test harness, a
   * dedicated server) needs more.
   */
  readonly channelRate?: GameProcessOptions['channelRate'];
}

/** The process-backed hand-off used by the launcher, the command line and the demo. */
export function createGameHandOff(
  config: GameLaunchConfig,
  options: GameHandOffOptions = {},
): PlayableGame {
  let current: GameProcess | undefined;
  const exitListeners = new Set<(description: string) => void>();
  const messageListeners = new Set<(message: GameMessage) => void>();
  const joinedListeners = new Set<(request: GameJoinRequest) => void>();
  const endedListeners = new Set<(ended: GameEnded) => void>();
  const runningListeners = new Set<(pid: number | undefined) => void>();
  /** Copies that confirmed at least one join: their exit means the player left the game. */
  const playing = new WeakSet<GameProcess>();
  /** Copies the launcher itself asked to quit. */
  const quitByLauncher = new WeakSet<GameProcess>();

  const start = (args: readonly string[], mode: 'play' | 'join', joinId?: string): GameProcess => {
    const game = GameProcess.start(config.executable, args, {
      cwd: config.cwd,
      env: {
        ...(config.env ?? process.env),
        ...(joinId === undefined ? {} : { RALLYPOINT_JOIN_ID: joinId }),
      },
      onOutput: options.onOutput,
      log: options.log,
      channelRate: options.channelRate,
    });
    game.onMessage((message) => {
      if (current !== game) return;
      for (const listener of [...messageListeners]) listener(message);
    });
    current = game;
    watch(game);
    void game.spawned.then(() => {
      for (const listener of [...runningListeners]) listener(game.pid);
    });
    options.onStarted?.(game.pid);
    if (options.identity) {
      game.send({ type: 'hello', protocol: 1, mode, ...options.identity });
    }
    return game;
  };

  const watch = (game: GameProcess) => {
    void game.exited.then((exit) => {
      // Stryker disable next-line ConditionalExpression: an exited copy is no longer running, which every reader of `current` checks first
      if (current === game) current = undefined;
      const ended = { exit, byLauncher: quitByLauncher.has(game) };
      for (const listener of [...endedListeners]) listener(ended);
      if (!playing.has(game)) return;
      // Stryker disable next-line StringLiteral: a process that exited has a code or a signal, and one that never started never joined
      const code = exit.code ?? '?';
      const description = exit.signal ? `stopped by ${exit.signal}` : `exit code ${code}`;
      for (const listener of [...exitListeners]) listener(description);
    });
  };

  const acknowledges = (joinId: string) => (message: GameMessage) =>
    (message.type === 'joined' || message.type === 'join-failed') &&
    (message.joinId === undefined || message.joinId === joinId);

  return {
    isRunning: () => current?.running === true,

    runningPid: () => (current?.running ? current.pid : undefined),

    play() {
      if (current?.running) {
        return err({
          code: 'already-running',
          message: 'The game is already running: only one copy plays at a time.',
        });
      }
      const args = expandGameArgs(config.playArgs ?? [], {
        handleId: '',
        sessionRef: '',
        connection: '',
        xuid: options.identity?.xuid ?? '',
        inviteKind: '',
        context: '',
      });
      const game = start(args, 'play');
      return ok({ pid: game.pid });
    },

    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },

    send: (message) => current?.send(message) === true,

    onJoined(listener) {
      joinedListeners.add(listener);
      return () => joinedListeners.delete(listener);
    },

    onRunning(listener) {
      runningListeners.add(listener);
      return () => runningListeners.delete(listener);
    },

    onEnded(listener) {
      endedListeners.add(listener);
      return () => endedListeners.delete(listener);
    },

    onExit(listener) {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },

    async join(request, { signal }) {
      const resolved = resolveGameConnection(request.session, config.connectionProperty);
      if (!resolved.ok) return resolved;
      // The player-text rule the arguments follow holds for the message too: a running copy gets
      // the same values a started one would (JSON escapes neither bidi controls nor C1 controls).
      const connection = stripUnsafePlayerText(resolved.value.connection);
      const { context } = request.invite;
      const joinId = randomUUID();
      const message: LauncherMessage = {
        type: 'join',
        joinId,
        handleId: stripUnsafePlayerText(request.invite.handleId),
        sessionRef: stripUnsafePlayerText(request.sessionRef),
        connection,
        xuid: stripUnsafePlayerText(request.xuid),
        inviteKind: request.invite.kind,
        // Stryker disable next-line ConditionalExpression: JSON leaves out a context of undefined, and the arguments read it with ?? ''
        ...(context === undefined ? {} : { context: stripUnsafePlayerText(context) }),
      };

      let game = current;
      let startedNow = false;
      if (!game?.running || !game.send(message)) {
        const args = expandGameArgs(config.args, {
          handleId: message.handleId,
          sessionRef: message.sessionRef,
          connection,
          xuid: message.xuid,
          inviteKind: message.inviteKind,
          context: message.context ?? '',
        });
        game = start(args, 'join', joinId);
        startedNow = true;
      }

      const answer = await game.waitFor(acknowledges(joinId), {
        timeoutMs: config.ackTimeoutMs,
        signal,
      });
      if (answer.ok && answer.value.type === 'joined') {
        playing.add(game);
        for (const listener of [...joinedListeners]) listener(request);
        return ok({ connection, handedToRunningGame: !startedNow, pid: game.pid });
      }
      // A copy started for this join that never confirmed it is of no use to the player.
      if (startedNow) {
        quitByLauncher.add(game);
        void game.quit(config.quitGraceMs ?? 2000);
      }
      if (!answer.ok) return answer;
      // Stryker disable next-line ConditionalExpression: only joined and join-failed are accepted, and joined returned above
      const reason = answer.value.type === 'join-failed' ? answer.value.reason : undefined;
      return err({
        code: 'game-failed',
        message: `The game refused the join${reason ? `: ${reason}` : '.'}`,
      });
    },

    async close() {
      const game = current;
      current = undefined;
      if (!game) return;
      // Closing is the launcher's own doing, not the player quitting: no exit notice.
      playing.delete(game);
      quitByLauncher.add(game);
      await game.quit(config.quitGraceMs ?? 2000);
    },
  };
}
