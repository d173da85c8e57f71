/**
 * The join flow as the rest of the launcher uses it: the Electron main process, the command line
 * and the window's test host all drive the same machine through these few calls and watch the same
 * JoinView stream. The xstate actor stays inside; nothing outside needs to know it exists.
 */
import { createActor, waitFor } from 'xstate';
import type { Invite } from '../../shared/invite';
import { idleJoinView, type JoinView } from '../../shared/join-view';
import type { RosterView } from '../../shared/roster-view';
import {
  createDirectoryClient,
  type DirectoryCalls,
  type DirectoryClient,
} from './directory-client';
import {
  createGameHandOff,
  type GameHandOff,
  type GameTitle,
  type PlayableGame,
} from './game-hand-off';
import type { Logger } from '../logging/logger';
import { provideJoinActors, type JoinActorDeps } from './join-actors';
import { withPresence } from './presence-connection';
import { createSessionRoster } from './session-roster';
import { toJoinView, type JoinSnapshot } from './join-view-mapper';
import type { JoinClock } from './leave-session';
import { nextRetryDelay, type RetryPolicyOptions } from './retry-policy';
import type { RetryPolicy } from './retry-delay';
import type { LauncherConfig } from './launcher-config';
import { createDevTokenProvider, type TokenProvider } from './token-provider';
import { lookupProfiles } from '../account/profile-lookup';
import { createSenderProfiles, type LookUpSender } from './sender-profiles';

export interface JoinService {
  /** A validated invite arrived: it supersedes the current one (leaving its session if written). */
  submit(invite: Invite): void;
  cancel(): void;
  /** From a retryable failure: try again now. During a countdown: skip the wait. */
  retry(): void;
  /** A finished or failed join goes back to idle (a joined session stays joined). */
  dismiss(): void;
  view(): JoinView;
  /** The handle whose join is running (not finished), for de-duplicating repeated clicks. */
  inFlightHandleId(): string | undefined;
  /** Called with every changed view; returns the unsubscribe function. */
  subscribe(listener: (view: JoinView) => void): () => void;
  /**
   * The session the player joined and is playing in (phase `joined`), with the XUID written into
   * it; undefined otherwise. The invite dialog invites into it.
   */
  joinedSession(): JoinedSession | undefined;
  /**
   * Resolves once the machine rests (joined, failed or idle) with nothing left to leave: the
   * command line and tests wait on it before reading the directory's own view.
   */
  settled(): Promise<JoinView>;
  /** Leaves any written session, then stops the machine. Safe to call twice. */
  stop(): Promise<void>;
}

/** Where the player is playing after an invite: the session path and the seat's XUID. */
export interface JoinedSession {
  readonly sessionRef: string;
  readonly xuid: string;
}

export interface JoinServiceDeps {
  readonly client: DirectoryClient;
  readonly tokens: TokenProvider;
  readonly game: GameHandOff;
  /** Defaults to the system clock; tests pass xstate's SimulatedClock or use fake timers. */
  readonly clock?: JoinClock;
  /** Overall budget from the first write attempt. Default 20 000 ms (XSAPI's retry window). */
  readonly deadlineMs?: number;
  /** Upper bound on leaving a session. Default 5000 ms. */
  readonly leaveTimeoutMs?: number;
  /** Backoff tuning for the default policy (tests shorten it). */
  readonly retry?: RetryPolicyOptions;
  /** Replaces the retry policy entirely. */
  readonly retryPolicy?: RetryPolicy;
  /** Jitter source for the default policy. Default Math.random. */
  readonly random?: () => number;
  readonly member?: JoinActorDeps['member'];
  readonly log?: Pick<Logger, 'info' | 'warn'>;
  /**
   * Names an invite's sender (gamertag, picture) beside the session write; without it the sender
   * is named only once the session is read. `serviceOrigin`: the only plain-http picture origin.
   */
  readonly senders?: { readonly lookUp: LookUpSender; readonly serviceOrigin?: string };
}

/** The default budget for one join, matching XSAPI's 20 s retry window. */
const defaultJoinDeadlineMs = 20_000;
const defaultLeaveTimeoutMs = 5_000;

/** The wall clock, as the machine wants it. */
const systemClock: JoinClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
};

/** Starts a join machine and wraps it in the JoinService calls. */
export function createJoinService(deps: JoinServiceDeps): JoinService {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const retryPolicy: RetryPolicy =
    deps.retryPolicy ??
    ((input) =>
      nextRetryDelay({ ...input, random, ...(deps.retry ? { policy: deps.retry } : {}) }));
  const leaveTimeoutMs = deps.leaveTimeoutMs ?? defaultLeaveTimeoutMs;
  const log = guardedLog(deps.log);
  const machine = provideJoinActors({
    client: deps.client,
    tokens: deps.tokens,
    game: deps.game,
    retryPolicy,
    clock,
    ...(deps.member ? { member: deps.member } : {}),
    log,
  });
  const actor = createActor(machine, {
    clock,
    input: { deadlineMs: deps.deadlineMs ?? defaultJoinDeadlineMs, leaveTimeoutMs },
  });
  const listeners = new Set<(view: JoinView) => void>();
  let current: JoinView = idleJoinView;
  let currentJson = JSON.stringify(current);
  let stopping: Promise<void> | undefined;

  // A sender's profile redraws the current view when it arrives; the join never waits for it.
  const senders = deps.senders
    ? createSenderProfiles({
        ...deps.senders,
        onNamed: () => {
          // Stryker disable next-line ConditionalExpression: from stop() on the view is idle, naming no invite, so a name changes no view and nothing is published
          if (!stopping) publish(actor.getSnapshot());
        },
        log: (line: string) => log.info(line),
      })
    : undefined;

  const publish = (snapshot: JoinSnapshot) => {
    const view = toJoinView(snapshot, senders?.known);
    const json = JSON.stringify(view);
    if (json === currentJson) return;
    current = view;
    currentJson = json;
    for (const listener of [...listeners]) {
      try {
        listener(view);
      } catch (error) {
        log.warn(`a join view listener failed: ${String(error)}`);
      }
    }
  };

  // Whatever these handlers throw, xstate rethrows on a later tick: the log they write is guarded.
  actor.on('log', (line) => log[line.level](line.message));
  actor.subscribe({
    next: publish,
    // Without an error observer xstate rethrows asynchronously, which in Electron main is a crash dialog.
    error: (error) => log.warn(`join machine stopped on an error: ${String(error)}`),
  });
  actor.start();
  const stopWatchingGame = deps.game.onExit?.((description) =>
    actor.send({ type: 'GAME_EXITED', description }),
  );

  const send = (event: Parameters<typeof actor.send>[0]) => {
    // Stryker disable next-line ConditionalExpression: while stop() leaves, the machine takes no CANCEL, RETRY or DISMISS (leaving to stop), and a stopped actor takes no event
    if (!stopping) actor.send(event);
  };

  return {
    submit(invite) {
      if (stopping) return;
      // The write goes first; the sender lookup only starts beside it.
      actor.send({ type: 'INVITE', invite });
      senders?.request(invite.remoteXuid);
    },
    cancel: () => send({ type: 'CANCEL' }),
    retry: () => send({ type: 'RETRY' }),
    dismiss: () => send({ type: 'DISMISS' }),
    view: () => current,
    inFlightHandleId() {
      const snapshot = actor.getSnapshot();
      if (snapshot.hasTag('running')) {
        const { target } = snapshot.context;
        // Stryker disable next-line ConditionalExpression,StringLiteral: a running machine always has a target (startInvite sets it before any running state)
        return target.kind === 'none' ? undefined : target.invite.handleId;
      }
      if (snapshot.hasTag('leaving') && snapshot.context.afterLeave === 'activate') {
        // Stryker disable next-line OptionalChaining: leaving to activate always has the invite waiting (startInvite, retryAfterLeaving)
        return snapshot.context.pendingInvite?.handleId;
      }
      return undefined;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    joinedSession() {
      const { membership } = actor.getSnapshot().context;
      // Stryker disable next-line ConditionalExpression: a joined machine always holds its membership (the write recorded it)
      if (current.phase !== 'joined' || membership === undefined) return undefined;
      return { sessionRef: membership.contentLocation, xuid: membership.seat.xuid };
    },
    async settled() {
      const snapshot = await waitFor(actor, (next) => next.hasTag('resting'));
      return toJoinView(snapshot, senders?.known);
    },
    stop() {
      stopping ??= (async () => {
        actor.send({ type: 'SHUTDOWN' });
        try {
          await waitFor(actor, (snapshot) => snapshot.status === 'done', {
            timeout: leaveTimeoutMs + 1000,
          });
        } catch {
          log.warn('the join machine did not finish leaving in time; stopping anyway');
        }
        stopWatchingGame?.();
        actor.stop();
        listeners.clear();
      })();
      return stopping;
    },
  };
}

/** The whole join stack for one signed-in player, built from the launcher's settings. */
export interface LauncherJoin {
  readonly service: JoinService;
  readonly game: GameHandOff;
  /** The game process itself, for Play and the game channel; absent when `options.game` was given. */
  readonly playable?: PlayableGame;
  /** Authorized directory calls as the signed-in player (hosting, invites, friends). */
  readonly calls: DirectoryCalls;
  /** The title whose sessions Play hosts and whose invites it sends (resolved configs have one). */
  readonly title: GameTitle | undefined;
  /** Leaves any written session, stops the machine, then asks the game it started to quit. */
  close(): Promise<void>;
}

export interface LauncherJoinOptions {
  readonly log?: Pick<Logger, 'info' | 'warn'>;
  /**
   * Signs the player in: the signed-in account's tokens (src/main/account); default the local
   * directory's development tokens for the configured identity.
   */
  readonly tokens?: TokenProvider;
  /** The game's own output lines (not its protocol lines). */
  readonly onGameOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
  readonly onGameStarted?: (pid: number | undefined) => void;
  /** Shares one game between several launchers (the fault-injection suite does). */
  readonly game?: GameHandOff;
  readonly clock?: JoinClock;
  readonly random?: () => number;
  /** Hold a presence connection while the game runs (default true). */
  readonly presence?: boolean;
  /**
   * The profile service that names an invite's sender (`SignInSettings.profileUrl`). Default: the
   * local directory's own when the development tokens are used (nothing else accepts them);
   * `false`, or a caller's own `tokens` without a `profileUrl`: no lookup, the session names them.
   */
  readonly profileUrl?: string | false;
  /** Upper bound on the sender lookup (default 3000 ms); then the sender stays "a friend". */
  readonly profileTimeoutMs?: number;
  /**
   * Hears the live roster of the joined session (session-roster.ts), followed on the presence
   * connection; without it no roster is kept, and with `presence: false` none is ever heard.
   */
  readonly onRoster?: (view: RosterView) => void;
}

/**
 * Builds client, token provider (the development one unless `options.tokens` is given), game
 * hand-off and join service from a resolved configuration: what the Electron main process, the
 * command line and the window's test host use.
 */
export function createLauncherJoin(
  config: LauncherConfig,
  options: LauncherJoinOptions = {},
): LauncherJoin {
  // Every part of the stack logs through this one guarded logger: none of them can fail on it.
  const log = guardedLog(options.log);
  const tokens =
    options.tokens ??
    createDevTokenProvider({
      baseUrl: config.directoryUrl,
      xuid: config.identity.xuid,
      gamertag: config.identity.gamertag,
      ...(config.identity.follows ? { follows: config.identity.follows } : {}),
      attemptTimeoutMs: config.attemptTimeoutMs,
    });
  const client = createDirectoryClient({
    baseUrl: config.directoryUrl,
    tokens,
    attemptTimeoutMs: config.attemptTimeoutMs,
    ...(config.locale ? { locale: config.locale } : {}),
    log,
  });
  const ownsGame = options.game === undefined;
  const playable = ownsGame
    ? createGameHandOff(config.game, {
        identity: { xuid: config.identity.xuid, gamertag: config.identity.gamertag },
        ...(options.onGameOutput ? { onOutput: options.onGameOutput } : {}),
        ...(options.onGameStarted ? { onStarted: options.onGameStarted } : {}),
        log,
      })
    : undefined;
  const handOff: GameHandOff = options.game ?? (playable as PlayableGame);
  const profileUrl =
    options.profileUrl === undefined
      ? options.tokens === undefined
        ? `${config.directoryUrl}/users/batch/profile/settings`
        : undefined
      : options.profileUrl || undefined;
  // The one profile service that names the invite's sender and the roster's members.
  const profiles = profileUrl
    ? {
        origin: originOf(profileUrl),
        lookUp: (xuids: readonly string[]) =>
          lookupProfiles(xuids, {
            profileUrl,
            tokens,
            ...(options.profileTimeoutMs ? { timeoutMs: options.profileTimeoutMs } : {}),
            log: (line: string) => log.info(line),
          }),
      }
    : undefined;
  // Fed only by the presence connection: with `presence: false` it stays empty.
  const roster = options.onRoster
    ? createSessionRoster({
        calls: client,
        selfXuid: config.identity.xuid,
        publish: options.onRoster,
        ...(profiles ? { ...profiles.origin, profiles: profiles.lookUp } : {}),
        log: (line: string) => log.info(line),
      })
    : undefined;
  // The player holds a presence connection while the game runs (presence-connection.ts); the
  // roster follows the joined session on that same connection.
  const game =
    options.presence === false
      ? handOff
      : withPresence(handOff, {
          baseUrl: config.directoryUrl,
          tokens,
          closesGame: ownsGame,
          ...(roster ? { watcher: roster } : {}),
          log,
        });
  const senders = profiles
    ? {
        ...profiles.origin,
        lookUp: async (xuid: string) => (await profiles.lookUp([xuid])).get(xuid),
      }
    : undefined;
  const service = createJoinService({
    client,
    tokens,
    game,
    ...(senders ? { senders } : {}),
    deadlineMs: config.deadlineMs,
    leaveTimeoutMs: config.leaveTimeoutMs,
    ...(config.retry ? { retry: config.retry } : {}),
    log,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  let closing: Promise<void> | undefined;
  return {
    service,
    game,
    ...(playable ? { playable } : {}),
    calls: client,
    title: config.game.title,
    close() {
      closing ??= (async () => {
        roster?.close();
        await service.stop();
        if (ownsGame || game !== handOff) await game.close();
      })();
      return closing;
    },
  };
}

// Stryker disable next-line ObjectLiteral: guardedLog drops what a log without info or warn throws, so an empty default is silent as well
const silentLog: Pick<Logger, 'info' | 'warn'> = { info: () => undefined, warn: () => undefined };

/**
 * `log` (or no log) behind calls that never throw. A logger or log hook that fails (a full disk, a
 * hook with a bug) must not fail a join, and thrown inside an xstate handler or observer it would
 * surface as an unhandled error in Electron main. The line it could not write has nowhere else to
 * go, so it is dropped.
 */
function guardedLog(log: Pick<Logger, 'info' | 'warn'> = silentLog): Pick<Logger, 'info' | 'warn'> {
  return {
    info: (...data) => {
      try {
        log.info(...data);
      } catch {
        // Dropped: see above.
      }
    },
    warn: (...data) => {
      try {
        log.warn(...data);
      } catch {
        // Dropped: see above.
      }
    },
  };
}

/** `{ serviceOrigin }` of a URL, or nothing when it does not parse. */
function originOf(url: string): { serviceOrigin?: string } {
  return URL.canParse(url) ? { serviceOrigin: new URL(url).origin } : {};
}
