/**
 * Handing a written session to the game. If the copy the launcher started earlier is still running,
 * the join goes to it as one JSON line on its stdin (no second copy); otherwise the game is started
 * with the studio's argument template. Either way the join counts only once the game answers
 * `{"type":"joined"}` on stdout within the acknowledgement deadline: a game that exits, crashes or
 * stays silent is a `game-failed` the join machine turns into "leave the session".
 */
import { randomUUID } from 'node:crypto';
import type { Invite } from '../../shared/invite';
import type { SessionDocument } from '../../shared/mpsd/session-document';
import { err, ok, type Result } from '../../shared/result';
import { expandGameArgs } from './game-args';
import { resolveGameConnection } from './game-connection';
import { GameProcess, type GameMessage } from './game-process';

/** The hand-off's only failure: the renderer explains it as "the game could not join". */
export interface GameFailure {
  readonly code: 'game-failed';
  readonly message: string;
}

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

export interface GameLaunchConfig {
  readonly executable: string;
  /** Argument template, already split into arguments (see game-args.ts). */
  readonly args: readonly string[];
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
}

/** The process-backed hand-off used by the launcher, the command line and the demo. */
export function createGameHandOff(
  config: GameLaunchConfig,
  options: GameHandOffOptions = {},
): GameHandOff {
  let current: GameProcess | undefined;
  const exitListeners = new Set<(description: string) => void>();
  /** Copies that confirmed at least one join: their exit means the player left the game. */
  const playing = new WeakSet<GameProcess>();

  const watch = (game: GameProcess) => {
    void game.exited.then((exit) => {
      if (current === game) current = undefined;
      if (!playing.has(game)) return;
      const description = exit.signal
        ? `stopped by ${exit.signal}`
        : `exit code ${exit.code ?? '?'}`;
      for (const listener of [...exitListeners]) listener(description);
    });
  };

  const acknowledges = (joinId: string) => (message: GameMessage) =>
    (message.type === 'joined' || message.type === 'join-failed') &&
    (message['joinId'] === undefined || message['joinId'] === joinId);

  return {
    isRunning: () => current?.running === true,

    onExit(listener) {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },

    async join(request, { signal }) {
      const resolved = resolveGameConnection(request.session, config.connectionProperty);
      if (!resolved.ok) return resolved;
      const { connection } = resolved.value;
      const joinId = randomUUID();
      const message: GameMessage = {
        type: 'join',
        joinId,
        handleId: request.invite.handleId,
        sessionRef: request.sessionRef,
        connection,
        xuid: request.xuid,
        inviteKind: request.invite.kind,
        ...(request.invite.context === undefined ? {} : { context: request.invite.context }),
      };

      let game = current;
      let startedNow = false;
      if (!game?.running || !game.send(message)) {
        const args = expandGameArgs(config.args, {
          handleId: request.invite.handleId,
          sessionRef: request.sessionRef,
          connection,
          xuid: request.xuid,
          inviteKind: request.invite.kind,
          context: request.invite.context ?? '',
        });
        game = GameProcess.start(config.executable, args, {
          cwd: config.cwd,
          env: { ...(config.env ?? process.env), RALLYPOINT_JOIN_ID: joinId },
          onOutput: options.onOutput,
        });
        current = game;
        watch(game);
        startedNow = true;
        options.onStarted?.(game.pid);
      }

      const answer = await game.waitFor(acknowledges(joinId), {
        timeoutMs: config.ackTimeoutMs,
        signal,
      });
      if (answer.ok && answer.value.type === 'joined') {
        playing.add(game);
        return ok({ connection, handedToRunningGame: !startedNow, pid: game.pid });
      }
      // A copy started for this join that never confirmed it is of no use to the player.
      if (startedNow) void game.quit(config.quitGraceMs ?? 2000);
      if (!answer.ok) return answer;
      const reason = typeof answer.value['reason'] === 'string' ? answer.value['reason'] : '';
      return err({
        code: 'game-failed',
        message: `The game refused the join${reason ? `: ${reason}` : '.'}`,
      });
    },

    async close() {
      const game = current;
      current = undefined;
      // Closing is the launcher's own doing, not the player quitting: no exit notice.
      if (game) playing.delete(game);
      if (game) await game.quit(config.quitGraceMs ?? 2000);
    },
  };
}
