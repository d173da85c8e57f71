/**
 * The join flow as one xstate machine: everything between "an invite link arrived" and "the game
 * says the player is in", including retries with a visible countdown, an overall deadline,
 * cancellation, supersession by a newer link, and cleaning up after itself.
 *
 * Invariants the states below keep:
 * - Retries live here and only here (the HTTP client never retries on its own), so every attempt
 *   is visible as `attempt` and every wait as `nextRetryAt`.
 * - Once an attempt may have reached the directory without an answer (`ambiguous`), every later
 *   attempt asks "am I already a member?" first: one player, one membership.
 * - Whatever the way out (cancel, newer invite, game failure, shutdown, deadline), a session the
 *   player may have been written into is left in the `leaving` state before the machine moves on,
 *   so no ghost member stays behind. A failed leave is logged; it never changes the outcome shown.
 */
import { assign, fromPromise, setup } from 'xstate';
import type { Invite } from '../../shared/invite';
import type { JoinErrorCode } from '../../shared/join-view';
import {
  findMemberByXuid,
  memberEntries,
  type SessionDocument,
} from '../../shared/mpsd/session-document';
import type { Result } from '../../shared/result';
import type { DirectoryClient, MemberJoin, SessionWrite } from './directory-client';
import type { DirectoryError } from './directory-error';
import type {
  GameCancelled,
  GameFailure,
  GameHandOff,
  GameJoined,
  GameJoinRequest,
} from './game-hand-off';
import type { RetryableFailure } from './retry-policy';
import type { AccessToken, TokenError, TokenProvider } from './token-provider';

/** What the view shows when a join fails: a closed code, a developer detail, and whether RETRY helps. */
export interface JoinFailure {
  readonly code: JoinErrorCode;
  readonly message: string;
  readonly retryable: boolean;
}

/**
 * When to try again after a failed write: milliseconds to wait, or undefined to give up (not
 * retryable, or the deadline would pass). `nextRetryDelay` (retry-policy.ts) is the production policy.
 */
export type RetryPolicy = (input: {
  readonly attempt: number;
  /** A directory or token failure (both say whether they are retryable, and Retry-After). */
  readonly error: RetryableFailure;
  readonly now: number;
  readonly deadline: number;
}) => number | undefined;

/** The launcher's log, narrowed to what the machine writes. Never handed tokens. */
export interface JoinLog {
  info(message: string): void;
  warn(message: string): void;
}

/** A clock the machine reads (`now`) and schedules on (xstate's `Clock`); tests pass a simulated one. */
export interface JoinClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface JoinMachineDeps {
  readonly client: Pick<DirectoryClient, 'joinByHandle' | 'readByHandle' | 'leave'>;
  readonly tokens: TokenProvider;
  readonly game: GameHandOff;
  readonly retryPolicy: RetryPolicy;
  readonly clock: JoinClock;
  /** Overall budget from the first write attempt; past it the join fails (default 20 s). */
  readonly deadlineMs: number;
  /** Upper bound on the leaving step, so a dead directory cannot hold the machine. */
  readonly leaveTimeoutMs: number;
  /** Extra member fields to write (secure device address, RTA connection). */
  readonly member?: Omit<MemberJoin, 'xuid'>;
  readonly log?: JoinLog;
}

/** A session the player was written into and must eventually leave. */
export interface Membership {
  readonly handleId: string;
  readonly xuid: string;
  readonly contentLocation: string;
}

/** A write that may have landed without the launcher hearing back. */
export interface UnsureWrite {
  readonly handleId: string;
  readonly xuid: string;
}

/** One attempt's result, with the wait before the next one when there may be one. */
interface AttemptOutcome<T, E extends RetryableFailure> {
  readonly result: Result<T, E>;
  readonly retryDelayMs?: number;
}

/** One write attempt's result. */
type WriteOutcome = AttemptOutcome<SessionWrite, DirectoryError>;

/** One sign-in attempt's result. */
type SignInOutcome = AttemptOutcome<AccessToken, TokenError>;

/** Where the machine goes once the leaving step is over. */
export type AfterLeave = 'failed' | 'idle' | 'activate' | 'stopped';

export interface JoinContext {
  readonly invite?: Invite;
  /** The signed-in player, once the token said who that is. */
  readonly xuid?: string;
  readonly attempt: number;
  /** Sign-in attempts of this run (a token failure is retried like a write). */
  readonly signInAttempt: number;
  readonly signInDeadlineAt?: number;
  readonly checkMembershipFirst: boolean;
  readonly deadlineAt?: number;
  readonly nextRetryAt?: number;
  readonly retryDelayMs: number;
  readonly lastError?: DirectoryError;
  readonly error?: JoinFailure;
  /** The latest session document seen for the current invite. */
  readonly session?: SessionDocument;
  readonly membership?: Membership;
  readonly unsure?: UnsureWrite;
  readonly afterLeave?: AfterLeave;
  /** The invite to activate after leaving (supersession, or RETRY while leaving). */
  readonly pendingInvite?: Invite;
}

export type JoinEvent =
  | { readonly type: 'INVITE'; readonly invite: Invite }
  | { readonly type: 'CANCEL' }
  | { readonly type: 'RETRY' }
  | { readonly type: 'DISMISS' }
  /** Leave whatever was written and stop (the service's `stop()`). */
  | { readonly type: 'SHUTDOWN' }
  /** The game that confirmed the join has exited: the player is no longer playing. */
  | { readonly type: 'GAME_EXITED'; readonly description: string };

const cancelledFailure: JoinFailure = {
  code: 'cancelled',
  message: 'The join was cancelled.',
  retryable: true,
};

/**
 * How logs and messages name a handle and a player: enough to correlate, not the whole value. An
 * invite handle id grants access to its session, and XUIDs identify people.
 */
/**
 * Once a write may have happened (writing, counting down, handing off), cancelling or a new invite
 * must first leave the session: both go through `leaving`, never straight to the next state.
 */
const leaveOnCancelOrNewInvite = {
  CANCEL: { target: 'leaving', actions: 'cancelRun' },
  INVITE: { guard: 'isNewHandle', target: 'leaving', actions: 'startInvite' },
} as const;

function label(handleId: string | undefined): string {
  return handleId === undefined ? 'no handle' : `handle=${handleId.slice(0, 8)}…`;
}

function xuidLabel(xuid: string | undefined): string {
  return xuid === undefined ? 'an unknown player' : `xuid …${xuid.slice(-4)}`;
}

/** A directory error as the view shows it (every directory code is also a join code). */
export function failureFromDirectory(error: DirectoryError): JoinFailure {
  return { code: error.code, message: error.message, retryable: error.retryable };
}

/** Token codes are a subset of the join codes. */
function failureFromToken(error: TokenError): JoinFailure {
  return { code: error.code, message: error.message, retryable: error.retryable };
}

/** The failure shown once the deadline or the policy ends a run of retryable errors. */
function gaveUp(error: DirectoryError, attempts: number, budgetMs: number): JoinFailure {
  const code: JoinErrorCode =
    error.code === 'rate-limited' ? 'rate-limited' : 'directory-unavailable';
  const plural = attempts === 1 ? 'attempt' : 'attempts';
  return {
    code,
    message: `Gave up after ${attempts} ${plural} in ${Math.round(budgetMs / 1000)} s: ${error.message}`,
    retryable: true,
  };
}

/** Builds the machine around its dependencies; `createJoinService` is the usual way in. */
export function createJoinMachine(deps: JoinMachineDeps) {
  const { client, tokens, game, clock, log } = deps;

  /**
   * Attaches the wait before the next attempt to a retryable failure. Decided once, when the
   * attempt ends, so the guard and the countdown agree even with random jitter.
   */
  const withRetryDelay = <T, E extends RetryableFailure>(
    result: Result<T, E>,
    attempt: number,
    deadlineAt: number,
  ): AttemptOutcome<T, E> => {
    if (result.ok || !result.error.retryable) return { result };
    const retryDelayMs = deps.retryPolicy({
      attempt,
      error: result.error,
      now: clock.now(),
      deadline: deadlineAt,
    });
    return retryDelayMs === undefined ? { result } : { result, retryDelayMs };
  };

  /** Waits on the machine's clock; resolves early (false) when the signal aborts. */
  const pause = (ms: number, signal: AbortSignal) =>
    new Promise<boolean>((resolve) => {
      if (signal.aborted) return resolve(false);
      const onAbort = () => {
        clock.clearTimeout(timer);
        resolve(false);
      };
      const timer = clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });

  /**
   * Leaving is idempotent (`"me": null`), so a transient failure is retried with the same policy
   * as joining, inside the leave budget: a ghost member is worse than a second request.
   */
  const persistently = async <T>(
    step: () => Promise<Result<T, DirectoryError>>,
    signal: AbortSignal,
  ): Promise<Result<T, DirectoryError>> => {
    const deadline = clock.now() + deps.leaveTimeoutMs;
    for (let attempt = 1; ; attempt += 1) {
      const result = await step();
      if (result.ok || signal.aborted) return result;
      const delay = deps.retryPolicy({ attempt, error: result.error, now: clock.now(), deadline });
      if (delay === undefined || !(await pause(delay, signal))) return result;
    }
  };

  const leaveSession = async (
    input: { readonly membership?: Membership; readonly unsure?: UnsureWrite },
    signal: AbortSignal,
  ): Promise<void> => {
    if (input.membership) {
      const location = input.membership.contentLocation;
      const left = await persistently(() => client.leave(location, { signal }), signal);
      if (left.ok) log?.info(`left the session of ${label(input.membership.handleId)}`);
      else
        log?.warn(
          `could not leave the session of ${label(input.membership.handleId)}: ${left.error.code}`,
        );
    }
    const unsure = input.unsure;
    if (!unsure || unsure.handleId === input.membership?.handleId) return;
    // An unanswered write may have landed: look, and leave only if the player is really there.
    const read = await persistently(() => client.readByHandle(unsure.handleId, { signal }), signal);
    if (!read.ok) {
      log?.warn(`could not check membership for ${label(unsure.handleId)}: ${read.error.code}`);
      return;
    }
    const session = read.value;
    const present =
      session !== undefined &&
      (findMemberByXuid(session, unsure.xuid) !== undefined ||
        memberEntries(session).some((entry) => entry.key === 'me'));
    if (!present) return;
    // Membership-first finds the session's location without writing again.
    const found = await persistently(
      () =>
        client.joinByHandle(
          unsure.handleId,
          { xuid: unsure.xuid },
          { signal, checkMembershipFirst: true },
        ),
      signal,
    );
    if (!found.ok) {
      log?.warn(`could not locate the session of ${label(unsure.handleId)}: ${found.error.code}`);
      return;
    }
    const location = found.value.contentLocation;
    const left = await persistently(() => client.leave(location, { signal }), signal);
    if (left.ok)
      log?.info(`left the session of ${label(unsure.handleId)} after an unanswered write`);
    else log?.warn(`could not leave the session of ${label(unsure.handleId)}: ${left.error.code}`);
  };

  return setup({
    types: {} as { context: JoinContext; events: JoinEvent },
    actors: {
      identify: fromPromise(
        async ({
          input,
          signal,
        }: {
          input: { attempt: number; deadlineAt: number };
          signal: AbortSignal;
        }): Promise<SignInOutcome> => {
          const result = await tokens.getToken({ forceRefresh: false, signal });
          if (signal.aborted) return { result };
          return withRetryDelay(result, input.attempt, input.deadlineAt);
        },
      ),
      writeSession: fromPromise(
        async ({
          input,
          signal,
        }: {
          input: {
            handleId: string;
            member: MemberJoin;
            checkMembershipFirst: boolean;
            attempt: number;
            deadlineAt: number;
          };
          signal: AbortSignal;
        }): Promise<WriteOutcome> => {
          const result = await client.joinByHandle(input.handleId, input.member, {
            signal,
            checkMembershipFirst: input.checkMembershipFirst,
          });
          return withRetryDelay(result, input.attempt, input.deadlineAt);
        },
      ),
      handOff: fromPromise(
        ({
          input,
          signal,
        }: {
          input: GameJoinRequest;
          signal: AbortSignal;
        }): Promise<Result<GameJoined, GameFailure | GameCancelled>> =>
          game.join(input, { signal }),
      ),
      leaveSession: fromPromise(
        ({
          input,
          signal,
        }: {
          input: { membership?: Membership; unsure?: UnsureWrite };
          signal: AbortSignal;
        }) => leaveSession(input, signal),
      ),
    },
    delays: {
      retryDelay: ({ context }) => context.retryDelayMs,
      untilDeadline: ({ context }) =>
        Math.max(0, (context.deadlineAt ?? clock.now()) - clock.now()),
      leaveTimeout: deps.leaveTimeoutMs,
    },
    guards: {
      /** An INVITE for another handle supersedes the current one; the same handle again is a duplicate. */
      isNewHandle: ({ context, event }) =>
        event.type === 'INVITE' && event.invite.handleId !== context.invite?.handleId,
      /** A written (or possibly written) membership must be left before anything new starts. */
      mayHoldSession: ({ context }) =>
        context.membership !== undefined || context.unsure !== undefined,
    },
    actions: {
      startInvite: assign(({ event }) => {
        if (event.type !== 'INVITE') return {};
        return {
          invite: event.invite,
          pendingInvite: event.invite,
          afterLeave: 'activate' as const,
        };
      }),
      resetRun: assign({
        attempt: 0,
        signInAttempt: 0,
        signInDeadlineAt: undefined,
        checkMembershipFirst: false,
        deadlineAt: undefined,
        nextRetryAt: undefined,
        retryDelayMs: 0,
        lastError: undefined,
        error: undefined,
        session: undefined,
        xuid: undefined,
        pendingInvite: undefined,
        afterLeave: undefined,
      }),
      cancelRun: assign({ error: cancelledFailure, afterLeave: 'failed' as const }),
      logInvite: ({ context }) =>
        log?.info(
          `activating ${context.invite?.kind ?? 'invite'} for ${label(context.invite?.handleId)}`,
        ),
    },
  }).createMachine({
    id: 'join',
    context: { attempt: 0, signInAttempt: 0, checkMembershipFirst: false, retryDelayMs: 0 },
    initial: 'idle',
    on: {
      SHUTDOWN: { target: '.leaving', actions: assign({ afterLeave: 'stopped' as const }) },
    },
    states: {
      idle: {
        on: {
          GAME_EXITED: {
            guard: ({ context }) => context.membership !== undefined,
            target: 'leaving',
            actions: assign({ afterLeave: 'idle' as const }),
          },
          INVITE: [
            {
              guard: 'mayHoldSession',
              target: 'leaving',
              actions: 'startInvite',
            },
            { target: 'activating', actions: 'startInvite' },
          ],
        },
      },

      activating: {
        entry: ['resetRun', 'logInvite'],
        initial: 'signingIn',
        states: {
          signingIn: {
            entry: assign(({ context }) => ({
              signInAttempt: context.signInAttempt + 1,
              signInDeadlineAt: context.signInDeadlineAt ?? clock.now() + deps.deadlineMs,
              nextRetryAt: undefined,
            })),
            invoke: {
              src: 'identify',
              input: ({ context }) => ({
                attempt: context.signInAttempt,
                deadlineAt: context.signInDeadlineAt ?? clock.now(),
              }),
              onDone: [
                {
                  // The directory could not issue a token just now: count down and ask again.
                  guard: ({ event }) => event.output.retryDelayMs !== undefined,
                  target: 'waiting',
                  actions: assign(({ event }) => ({
                    retryDelayMs: event.output.retryDelayMs ?? 0,
                    nextRetryAt: clock.now() + (event.output.retryDelayMs ?? 0),
                  })),
                },
                {
                  guard: ({ event }) => !event.output.result.ok,
                  target: '#join.failed',
                  actions: assign(({ event }) => ({
                    error: event.output.result.ok
                      ? undefined
                      : failureFromToken(event.output.result.error),
                  })),
                },
                {
                  guard: ({ context, event }) =>
                    event.output.result.ok &&
                    event.output.result.value.xuid !== context.invite?.localXuid,
                  target: '#join.failed',
                  actions: assign(({ context, event }) => {
                    const xuid = event.output.result.ok
                      ? event.output.result.value.xuid
                      : undefined;
                    return {
                      xuid,
                      error: {
                        code: 'wrong-account' as const,
                        message: `The invite is for player ${xuidLabel(context.invite?.localXuid)}, but ${xuidLabel(xuid)} is signed in.`,
                        retryable: false,
                      },
                    };
                  }),
                },
                {
                  target: '#join.writingSession',
                  actions: assign(({ event }) => ({
                    xuid: event.output.result.ok ? event.output.result.value.xuid : undefined,
                  })),
                },
              ],
              onError: {
                target: '#join.failed',
                actions: assign(({ event }) => ({
                  error: {
                    code: 'unauthorized' as const,
                    message: `Could not get a sign-in token: ${String(event.error)}`,
                    retryable: true,
                  },
                })),
              },
            },
          },
          waiting: {
            after: { retryDelay: 'signingIn' },
            on: { RETRY: 'signingIn' },
          },
        },
        on: {
          INVITE: {
            guard: 'isNewHandle',
            target: 'activating',
            reenter: true,
            actions: assign(({ event }) => ({ invite: event.invite })),
          },
          CANCEL: { target: 'failed', actions: assign({ error: cancelledFailure }) },
        },
      },

      writingSession: {
        entry: assign(({ context }) => ({
          attempt: context.attempt + 1,
          deadlineAt: context.deadlineAt ?? clock.now() + deps.deadlineMs,
          nextRetryAt: undefined,
          unsure: { handleId: context.invite?.handleId ?? '', xuid: context.xuid ?? '' },
        })),
        invoke: {
          src: 'writeSession',
          input: ({ context }) => ({
            handleId: context.invite?.handleId ?? '',
            member: { ...deps.member, xuid: context.xuid ?? '' },
            checkMembershipFirst: context.checkMembershipFirst,
            attempt: context.attempt,
            deadlineAt: context.deadlineAt ?? clock.now(),
          }),
          onDone: [
            {
              guard: ({ event }) => event.output.result.ok,
              target: 'joining',
              actions: assign(({ context, event }) => {
                const { result } = event.output;
                if (!result.ok) return {};
                log?.info(`written into the session of ${label(context.invite?.handleId)}`);
                return {
                  session: result.value.session,
                  unsure: undefined,
                  lastError: undefined,
                  membership: {
                    handleId: context.invite?.handleId ?? '',
                    xuid: context.xuid ?? '',
                    contentLocation: result.value.contentLocation,
                  },
                };
              }),
            },
            {
              // A retryable failure with time left: count down, visibly, then try again.
              guard: ({ event }) => event.output.retryDelayMs !== undefined,
              target: 'retrying',
              actions: assign(({ context, event }) => {
                const { result } = event.output;
                if (result.ok) return {};
                const error = result.error;
                const delay = event.output.retryDelayMs ?? 0;
                log?.info(
                  `attempt ${context.attempt} failed (${error.code}${
                    error.status === undefined ? '' : ` ${error.status}`
                  }); retrying in ${delay} ms`,
                );
                const maybeWritten = context.checkMembershipFirst || error.ambiguous;
                return {
                  lastError: error,
                  retryDelayMs: delay,
                  nextRetryAt: clock.now() + delay,
                  checkMembershipFirst: maybeWritten,
                  unsure: maybeWritten ? context.unsure : undefined,
                };
              }),
            },
            {
              // Not retryable, or out of time: fail, leaving first if a write may have landed.
              target: 'leaving',
              actions: assign(({ context, event }) => {
                const { result } = event.output;
                if (result.ok) return {};
                const error = result.error;
                const maybeWritten = context.checkMembershipFirst || error.ambiguous;
                log?.warn(`attempt ${context.attempt} failed (${error.code}); giving up`);
                return {
                  lastError: error,
                  error: error.retryable
                    ? gaveUp(error, context.attempt, deps.deadlineMs)
                    : failureFromDirectory(error),
                  unsure: maybeWritten ? context.unsure : undefined,
                  afterLeave: 'failed' as const,
                };
              }),
            },
          ],
          onError: {
            target: 'leaving',
            actions: assign(({ event }) => ({
              error: {
                code: 'malformed-response' as const,
                message: `The directory client failed unexpectedly: ${String(event.error)}`,
                retryable: true,
              },
              afterLeave: 'failed' as const,
            })),
          },
        },
        after: {
          untilDeadline: {
            // The attempt in flight is abandoned (its request aborted); it may have landed.
            target: 'leaving',
            actions: assign(({ context }) => ({
              error: context.lastError
                ? gaveUp(context.lastError, context.attempt, deps.deadlineMs)
                : {
                    code: 'directory-unavailable' as const,
                    message: `The session directory did not answer within ${Math.round(deps.deadlineMs / 1000)} s.`,
                    retryable: true,
                  },
              afterLeave: 'failed' as const,
            })),
          },
        },
        on: leaveOnCancelOrNewInvite,
      },

      retrying: {
        after: { retryDelay: 'writingSession' },
        on: {
          RETRY: 'writingSession',
          ...leaveOnCancelOrNewInvite,
        },
      },

      joining: {
        invoke: {
          src: 'handOff',
          input: ({ context }) => ({
            invite: context.invite as Invite,
            xuid: context.xuid ?? '',
            sessionRef: context.membership?.contentLocation ?? '',
            session: context.session as SessionDocument,
          }),
          onDone: [
            {
              guard: ({ event }) => event.output.ok,
              target: 'joined',
              actions: () => log?.info('the game confirmed the join'),
            },
            {
              target: 'leaving',
              actions: assign(({ event }) => {
                const message = event.output.ok ? '' : event.output.error.message;
                log?.warn(`game hand-off failed: ${message}`);
                return {
                  error: { code: 'game-failed' as const, message, retryable: true },
                  afterLeave: 'failed' as const,
                };
              }),
            },
          ],
          onError: {
            target: 'leaving',
            actions: assign(({ event }) => ({
              error: {
                code: 'game-failed' as const,
                message: `The game hand-off failed unexpectedly: ${String(event.error)}`,
                retryable: true,
              },
              afterLeave: 'failed' as const,
            })),
          },
        },
        on: leaveOnCancelOrNewInvite,
      },

      joined: {
        on: {
          GAME_EXITED: {
            target: 'leaving',
            actions: [
              assign({ afterLeave: 'idle' as const }),
              ({ event }) =>
                log?.info(`the game exited (${event.description}); leaving the session`),
            ],
          },
          INVITE: {
            guard: 'isNewHandle',
            target: 'leaving',
            actions: 'startInvite',
          },
          DISMISS: 'idle',
        },
      },

      failed: {
        on: {
          RETRY: {
            guard: ({ context }) => context.error?.retryable === true,
            target: 'activating',
          },
          DISMISS: 'idle',
          INVITE: [
            {
              guard: 'mayHoldSession',
              target: 'leaving',
              actions: 'startInvite',
            },
            { target: 'activating', actions: 'startInvite' },
          ],
        },
      },

      leaving: {
        invoke: {
          src: 'leaveSession',
          input: ({ context }) => ({ membership: context.membership, unsure: context.unsure }),
          onDone: 'afterLeaving',
          onError: {
            target: 'afterLeaving',
            actions: ({ event }) => log?.warn(`leaving failed: ${String(event.error)}`),
          },
        },
        after: {
          leaveTimeout: {
            target: 'afterLeaving',
            actions: () => log?.warn('leaving the session took too long; moving on'),
          },
        },
        exit: assign({ membership: undefined, unsure: undefined }),
        on: {
          // A shutdown in progress is final: a late invite must not turn it back into a join.
          INVITE: {
            guard: ({ context }) => context.afterLeave !== 'stopped',
            actions: 'startInvite',
          },
          CANCEL: {
            guard: ({ context }) => context.afterLeave === 'activate',
            actions: assign(({ context }) => ({
              invite: context.pendingInvite,
              error: cancelledFailure,
              afterLeave: 'failed' as const,
            })),
          },
          RETRY: {
            guard: ({ context }) =>
              context.afterLeave === 'failed' && context.error?.retryable === true,
            actions: assign(({ context }) => ({
              pendingInvite: context.invite,
              afterLeave: 'activate' as const,
            })),
          },
          DISMISS: {
            guard: ({ context }) => context.afterLeave === 'failed',
            actions: assign({ afterLeave: 'idle' as const }),
          },
          SHUTDOWN: { actions: assign({ afterLeave: 'stopped' as const }) },
        },
      },

      afterLeaving: {
        always: [
          { guard: ({ context }) => context.afterLeave === 'stopped', target: 'stopped' },
          {
            guard: ({ context }) => context.afterLeave === 'activate',
            target: 'activating',
            actions: assign(({ context }) => ({ invite: context.pendingInvite })),
          },
          { guard: ({ context }) => context.afterLeave === 'failed', target: 'failed' },
          { target: 'idle' },
        ],
      },

      stopped: { type: 'final' },
    },
  });
}

export type JoinMachine = ReturnType<typeof createJoinMachine>;
