/**
 * Play, and the launcher's side of every request a running game makes over the game channel.
 * `play()` starts the configured game with no session (one copy at a time: while it runs, an
 * accepted invite goes to it through the join hand-off, never to a second copy) and the view moves
 * starting → playing → idle, keeping how a crashed game ended. While the game runs, this answers
 * its requests: host a session (created with the signed-in player as host), "I am hosting this
 * one", invite these players, open the invite dialog (the window's, when there is one), "I left";
 * and it tells the game who is in its session whenever that changes.
 */
import {
  idlePlayView,
  type PlayExit,
  type PlaySession,
  type PlayView,
} from '../../shared/play-view';
import { err, ok, type Result } from '../../shared/result';
import type { Logger } from '../logging/logger';
import type { DirectoryCalls } from '../join/directory-client';
import type { GameEnded, GameTitle, PlayableGame, PlayRefusal } from '../join/game-hand-off';
import { startFailureKind } from '../join/game-process';
import { sendInvites, type InviteOutcome } from '../invite/invite-sender';
import type { InviteFailure } from '../invite/invite-failure';
import type { GameMessage, SessionMemberInfo } from './game-channel-protocol';
import { hostSession, leaveHostedSession, readSession, sessionMembers } from './session-hosting';

/** How the window's invite dialog ended, for the game. */
export interface InviteDialogResult {
  readonly reason: 'closed' | 'sent';
  readonly invited: readonly string[];
}

export interface PlayControllerDeps {
  readonly game: PlayableGame;
  readonly calls: DirectoryCalls;
  readonly identity: { readonly xuid: string; readonly gamertag: string };
  readonly title: GameTitle;
  readonly log?: Pick<Logger, 'info' | 'warn'>;
  /** Opens the window's invite dialog; without one the game hears `unavailable`. */
  readonly openInviteDialog?: (sessionRef: string) => Promise<InviteDialogResult>;
  /** How often the session is read to tell the game who is in it. Default 2000 ms. */
  readonly membersPollMs?: number;
}

export interface PlayController {
  /** Starts the game with no session; refused while a copy runs. */
  play(): Result<{ readonly pid: number | undefined }, PlayRefusal>;
  view(): PlayView;
  /** Every changed view; returns the unsubscribe function. */
  subscribe(listener: (view: PlayView) => void): () => void;
  /** Invites into the game's current session (the window's dialog, the command line in-process). */
  invite(
    xuids: readonly string[],
    context?: string,
  ): Promise<Result<readonly InviteOutcome[], InviteFailure>>;
  /**
   * Stops answering and watching; leaves a session the launcher hosted. Safe to call again: every
   * call resolves once that leave is done.
   */
  stop(): Promise<void>;
}

/** How a game's end reads in the view. */
function describeEnd(ended: GameEnded): PlayExit {
  const { exit, byLauncher } = ended;
  if (exit.startError !== undefined) {
    const kind = startFailureKind(exit.startError);
    if (kind === 'not-found') {
      return {
        crashed: true,
        description: 'its program was not found',
        reason: { kind: 'not-found' },
      };
    }
    if (kind === 'not-executable') {
      return {
        crashed: true,
        description: 'its program is not executable',
        reason: { kind: 'not-executable' },
      };
    }
    return {
      crashed: true,
      description: `it could not be started (${exit.startError})`,
      reason: { kind: 'start-failed' },
    };
  }
  if (exit.signal) {
    return {
      crashed: !byLauncher,
      description: `stopped by ${exit.signal}`,
      reason: { kind: 'signal', signal: exit.signal },
    };
  }
  return {
    crashed: !byLauncher && exit.code !== 0,
    description: `exit code ${exit.code ?? '?'}`,
    reason: { kind: 'exit-code', code: exit.code ?? null },
  };
}

export function createPlayController(deps: PlayControllerDeps): PlayController {
  const { game, calls, log } = deps;
  const pollMs = deps.membersPollMs ?? 2000;
  const listeners = new Set<(view: PlayView) => void>();
  const stopping = new AbortController();
  let view: PlayView = idlePlayView;
  let session: PlaySession | undefined;
  /** Sessions the launcher created for the game: it leaves them when the game is done with them. */
  const launcherHosted = new Set<string>();
  /** Leaves of hosted sessions the game moved away from (one per session); `stop()` waits for them. */
  // Stryker disable next-line ArrayDeclaration: Promise.all takes a plain value as settled, so a seeded entry changes nothing
  const leaving: Promise<void>[] = [];
  /** Hosting under way; `stop()` waits for it, so a session it made is left before Play ends. */
  const hosting = new Set<Promise<void>>();
  let watch: AbortController | undefined;
  let stopped: Promise<void> | undefined;

  const publish = (next: PlayView) => {
    view = next;
    for (const listener of [...listeners]) listener(view);
  };
  const setSession = (next: PlaySession | undefined) => {
    session = next;
    if (view.phase === 'idle') return;
    const { session: _old, ...rest } = view;
    publish(next === undefined ? rest : { ...rest, session: next });
  };

  const tellMembers = (sessionRef: string, members: readonly SessionMemberInfo[]) => {
    // Stryker disable next-line ConditionalExpression,OptionalChaining: unreachable: a watch is aborted before its session changes, and a tick checks that after its read
    if (session?.sessionRef !== sessionRef) return;
    setSession({ ...session, members });
    game.send({ type: 'members', sessionRef, members });
  };

  /** Reads the session now and every `pollMs` while the game is in it; tells the game on change. */
  const watchMembers = (sessionRef: string, known: readonly SessionMemberInfo[]) => {
    watch?.abort();
    const controller = new AbortController();
    watch = controller;
    const signal = AbortSignal.any([controller.signal, stopping.signal]);
    // Stryker disable next-line StringLiteral: a members key is JSON text starting with '[', equal neither to '' nor to the mutant's text
    let last = known.length > 0 ? JSON.stringify(known) : '';
    let timer: NodeJS.Timeout | undefined;
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: an AbortSignal fires its abort event once either way
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    const tick = async () => {
      // Stryker disable next-line ConditionalExpression: a tick starts with a fresh watch, or from a timer its abort clears; the check after the read catches the rest
      if (signal.aborted) return;
      const read = await readSession(calls, sessionRef, signal);
      if (signal.aborted) return;
      if (read) {
        const members = sessionMembers(read);
        const key = JSON.stringify(members);
        if (key !== last) {
          last = key;
          log?.info(`play: ${members.length} player(s) in the game's session`);
          tellMembers(sessionRef, members);
        }
      }
      timer = setTimeout(() => void tick(), pollMs);
    };
    void tick();
  };

  const enterSession = (
    sessionRef: string,
    role: 'host' | 'member',
    members: SessionMemberInfo[],
  ) => {
    setSession({ sessionRef, role, members });
    if (members.length > 0) game.send({ type: 'members', sessionRef, members });
    watchMembers(sessionRef, members);
  };

  const leave = async (sessionRef: string) => {
    const left = await leaveHostedSession(calls, sessionRef);
    if (left.ok && [200, 201, 204, 404].includes(left.value.status)) {
      log?.info('play: left the session the launcher hosted for the game');
    } else {
      log?.warn(
        `play: could not leave the hosted session (${left.ok ? left.value.status : left.error.code})`,
      );
    }
  };

  const leaveCurrent = async () => {
    watch?.abort();
    const current = session;
    if (current === undefined) return;
    setSession(undefined);
    if (launcherHosted.delete(current.sessionRef)) await leave(current.sessionRef);
  };

  const invite = async (
    xuids: readonly string[],
    context?: string,
  ): Promise<Result<readonly InviteOutcome[], InviteFailure>> => {
    if (!session) return err({ code: 'not-in-session', message: 'the game is in no session' });
    return sendInvites(
      { calls, senderXuid: deps.identity.xuid, title: deps.title, ...(log ? { log } : {}) },
      // Stryker disable next-line ConditionalExpression: sendInvites leaves out a context of undefined as well
      { sessionRef: session.sessionRef, xuids, ...(context === undefined ? {} : { context }) },
      stopping.signal,
    );
  };

  /** Hosts a session for the game (`host-session`) and answers it with the session or the failure. */
  const hostForGame = async (message: Extract<GameMessage, { type: 'host-session' }>) => {
    log?.info(`play: the game asks for a session with ${message.seats} seat(s)`);
    await leaveCurrent();
    const hosted = await hostSession(
      calls,
      deps.title,
      {
        xuid: deps.identity.xuid,
        seats: message.seats,
        joinRestriction: message.joinRestriction,
        connection: message.connection,
      },
      stopping.signal,
    );
    const id = message.id === undefined ? {} : { id: message.id };
    if (!hosted.ok) {
      log?.warn(`play: hosting failed: ${hosted.error.code} (${hosted.error.message})`);
      game.send({
        type: 'host-failed',
        ...id,
        code: hosted.error.code,
        message: hosted.error.message,
      });
      return;
    }
    if (stopping.signal.aborted) {
      // Play ended while the directory was answering: the game will not use this session.
      await leave(hosted.value.sessionRef);
      return;
    }
    launcherHosted.add(hosted.value.sessionRef);
    log?.info('play: hosting a session for the game');
    game.send({ type: 'session-hosted', ...id, sessionRef: hosted.value.sessionRef });
    enterSession(hosted.value.sessionRef, 'host', sessionMembers(hosted.value.session));
  };

  const answer = async (message: GameMessage): Promise<void> => {
    switch (message.type) {
      // Stryker disable StringLiteral: a message no case names is ignored the same way
      case 'joined':
      case 'join-failed':
        return; // the join hand-off waits for these
      // Stryker restore StringLiteral
      case 'hosting':
        log?.info('play: the game hosts its own session');
        enterSession(message.sessionRef, 'host', []);
        return;
      case 'host-session': {
        const done = hostForGame(message);
        hosting.add(done);
        await done;
        hosting.delete(done);
        return;
      }
      case 'invite-players': {
        const id = message.id === undefined ? {} : { id: message.id };
        const sent = await invite(message.xuids, message.context);
        const outcomes: readonly InviteOutcome[] = sent.ok
          ? sent.value
          : message.xuids.map((xuid) => ({ xuid, ok: false as const, failure: sent.error }));
        for (const outcome of outcomes) {
          game.send(
            outcome.ok
              ? { type: 'invite-sent', ...id, xuid: outcome.xuid, handleId: outcome.handleId }
              : {
                  type: 'invite-failed',
                  ...id,
                  xuid: outcome.xuid,
                  code: outcome.failure.code,
                  message: outcome.failure.message,
                },
          );
        }
        return;
      }
      case 'open-invite-dialog': {
        const id = message.id === undefined ? {} : { id: message.id };
        if (!session || !deps.openInviteDialog) {
          log?.info('play: the game asked for the invite dialog; none is available');
          game.send({ type: 'invite-dialog-closed', ...id, reason: 'unavailable', invited: [] });
          return;
        }
        const result = await deps.openInviteDialog(session.sessionRef);
        game.send({ type: 'invite-dialog-closed', ...id, ...result });
        return;
      }
      case 'left': {
        log?.info('play: the game left its session');
        const sessionRef = session?.sessionRef;
        await leaveCurrent();
        game.send({
          type: 'left-noted',
          ...(message.id === undefined ? {} : { id: message.id }),
          ...(sessionRef === undefined ? {} : { sessionRef }),
        });
        return;
      }
    }
  };

  const unsubscribers = [
    game.onMessage((message) => {
      answer(message).catch((error: unknown) =>
        log?.warn(`play: answering the game failed: ${String(error)}`),
      );
    }),
    game.onJoined((request) => {
      log?.info('play: the game joined a session through an invite');
      // The game is in another session now: a session the launcher hosted for it would keep the
      // player as a member nobody plays as, so it is left.
      const abandoned = [...launcherHosted].filter((ref) => ref !== request.sessionRef);
      launcherHosted.clear();
      enterSession(request.sessionRef, 'member', sessionMembers(request.session));
      for (const sessionRef of abandoned) leaving.push(leave(sessionRef));
    }),
    game.onRunning((pid) => {
      log?.info(`play: the game is running (pid ${pid ?? '?'})`);
      publish({
        phase: 'playing',
        ...(pid === undefined ? {} : { pid }),
        ...(session ? { session } : {}),
      });
    }),
    game.onEnded((ended) => {
      const exit = describeEnd(ended);
      log?.info(`play: the game ended (${exit.description}${exit.crashed ? ', crashed' : ''})`);
      // Idle first: the session it leaves then changes no view the window has not seen.
      publish({ phase: 'idle', ...(exit.crashed ? { lastExit: exit } : {}) });
      void leaveCurrent();
    }),
  ];

  return {
    play() {
      const started = game.play();
      if (!started.ok) {
        log?.info(`play: refused: ${started.error.message}`);
        return started;
      }
      log?.info('play: starting the game');
      publish({
        phase: 'starting',
        ...(started.value.pid === undefined ? {} : { pid: started.value.pid }),
      });
      return ok(started.value);
    },
    view: () => view,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    invite,
    stop() {
      stopped ??= (async () => {
        for (const unsubscribe of unsubscribers) unsubscribe();
        // Cancel first: hosting under way then either takes back what it wrote or ends with its
        // session current, and the leave below takes that one too.
        stopping.abort();
        await Promise.all(hosting);
        await leaveCurrent();
        await Promise.all(leaving);
      })();
      return stopped;
    },
  };
}
