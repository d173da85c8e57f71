/**
 * Play in the launcher window: the glue between Electron's main process and the Play controller
 * (play-controller.ts). Main builds a join stack per signed-in identity and replaces it on an
 * account switch; each stack owns the one game process, so each gets its own controller over that
 * stack's game and directory calls, and the window sees one steady stream of PlayViews across the
 * switch. Because the controller and the join hand-off share the stack's game, an invite accepted
 * while the game runs goes to the running copy as a `join` line, never to a second copy.
 */
import { idlePlayView, type PlayView } from '../../shared/play-view';
import type { DirectoryCalls } from '../join/directory-client';
import type { GameTitle, PlayableGame } from '../join/game-hand-off';
import { defaultGameTitle } from '../join/launcher-config';
import type { Logger } from '../logging/logger';
import {
  createPlayController,
  type InviteDialogResult,
  type PlayController,
} from './play-controller';

/** What Play needs from a join stack: its game process, its directory calls and its title. */
export interface PlayableStack {
  /** Absent when the stack shares a game it does not own (tests); Play is then refused. */
  readonly playable?: PlayableGame;
  readonly calls: DirectoryCalls;
  /** Default: the demo's title (what a resolved configuration falls back to). */
  readonly title: GameTitle | undefined;
}

/** Who plays: read whenever the game hosts a session or invites, so it follows sign-in. */
export interface PlayerIdentity {
  readonly xuid: string;
  readonly gamertag: string;
}

/** The game's session as the invite dialog needs it: which session, who invites, with what calls. */
export interface PlaySessionForInvites {
  readonly sessionRef: string;
  readonly playerXuid: string;
  readonly calls: DirectoryCalls;
}

export interface LauncherPlayDeps {
  readonly player: () => PlayerIdentity;
  readonly log: Pick<Logger, 'info' | 'warn'>;
  /**
   * The window's invite dialog, for a game that asks for it (`open-invite-dialog`); without it
   * the game hears `unavailable`.
   */
  readonly openInviteDialog?: (session: PlaySessionForInvites) => Promise<InviteDialogResult>;
  /** How often the game's session is read for its members (the controller's default otherwise). */
  readonly membersPollMs?: number;
}

/** Why the window's Play did not start a game. */
export type PlayStartOutcome =
  | { readonly started: true; readonly pid: number | undefined }
  | { readonly started: false; readonly reason: 'already-running' | 'no-game' };

export interface LauncherPlay {
  /** Puts a controller on a newly built stack (stopping the previous one); returns the stack. */
  track<S extends PlayableStack>(stack: S): S;
  /** The window's Play: starts the game with no session, one copy at a time. */
  play(): PlayStartOutcome;
  view(): PlayView;
  /** The session the running game is in (hosted or joined), for the invite dialog; else undefined. */
  session(): PlaySessionForInvites | undefined;
  /** Every changed view; returns the unsubscribe function. */
  subscribe(listener: (view: PlayView) => void): () => void;
  /** Stops answering the game and leaves a session the launcher hosted for it. */
  close(): Promise<void>;
}

/** Play for the launcher's composition root (src/main/electron/main.ts). */
export function createLauncherPlay(deps: LauncherPlayDeps): LauncherPlay {
  const { log, openInviteDialog } = deps;
  const listeners = new Set<(view: PlayView) => void>();
  let view: PlayView = idlePlayView;
  let controller: PlayController | undefined;
  let calls: DirectoryCalls | undefined;
  let unsubscribe: (() => void) | undefined;

  const publish = (next: PlayView) => {
    view = next;
    for (const listener of [...listeners]) listener(next);
  };
  // A live identity: the controller reads it at the moment it hosts or invites.
  const identity: PlayerIdentity = {
    get xuid() {
      return deps.player().xuid;
    },
    // Stryker disable next-line BlockStatement: the Play controller reads only the XUID of its identity
    get gamertag() {
      return deps.player().gamertag;
    },
  };

  const retire = () => {
    const previous = controller;
    unsubscribe?.();
    unsubscribe = undefined;
    controller = undefined;
    calls = undefined;
    return previous;
  };

  return {
    track(stack) {
      const previous = retire();
      previous
        ?.stop()
        .catch((error: unknown) => log.warn(`play: stopping failed: ${String(error)}`));
      if (stack.playable === undefined) {
        log.info('play: this join stack has no game of its own; Play is unavailable');
        if (view.phase !== 'idle') publish(idlePlayView);
        return stack;
      }
      const next = createPlayController({
        game: stack.playable,
        calls: stack.calls,
        identity,
        title: stack.title ?? defaultGameTitle,
        log,
        ...(openInviteDialog
          ? {
              openInviteDialog: (sessionRef: string) =>
                openInviteDialog({ sessionRef, playerXuid: identity.xuid, calls: stack.calls }),
            }
          : {}),
        // Stryker disable next-line ConditionalExpression: a membersPollMs of undefined is the controller's default too (`??`)
        ...(deps.membersPollMs === undefined ? {} : { membersPollMs: deps.membersPollMs }),
      });
      controller = next;
      calls = stack.calls;
      unsubscribe = next.subscribe(publish);
      // A new stack starts with no game running: the old stack's copy was asked to quit.
      if (view.phase !== 'idle') publish(idlePlayView);
      return stack;
    },
    play() {
      if (controller === undefined) {
        log.warn('play: refused, no game is configured yet');
        return { started: false, reason: 'no-game' };
      }
      const started = controller.play();
      if (!started.ok) return { started: false, reason: started.error.code };
      return { started: true, pid: started.value.pid };
    },
    view: () => view,
    session() {
      if (view.phase !== 'playing' || view.session === undefined || calls === undefined) {
        return undefined;
      }
      return { sessionRef: view.session.sessionRef, playerXuid: identity.xuid, calls };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await retire()?.stop();
      listeners.clear();
    },
  };
}
