/**
 * The join flow as one xstate machine, defined once: everything between "an invite link arrived"
 * and "the game says the player is in", including retries with a visible countdown, an overall
 * deadline, cancellation, supersession by a newer link, and cleaning up after itself. Its actors
 * (sign-in, session write, game hand-off, leaving) are placeholders here; `join-actors.ts`
 * provides the real ones with `joinMachine.provide()`, and tests provide their own the same way.
 *
 * Invariants the states below keep:
 * - Retries live here and only here (the HTTP client never retries on its own), so every attempt
 *   is visible as `attempt` and every wait as `nextRetryAt`.
 * - Once an attempt may have reached the directory without an answer (`ambiguous`), every later
 *   attempt asks "am I already a member?" first: one player, one membership.
 * - Whatever the way out (cancel, newer invite, game failure, shutdown, deadline), a session the
 *   player may have been written into is left in the `leaving` state before the machine moves on,
 *   so no ghost member stays behind.
 * - RETRY after a failure is accepted exactly when `mayTryAgain` allows it; the view mapper asks
 *   the machine (`snapshot.can`), so the window offers Try again exactly then.
 * - Tags, not state names, tell the view mapper and the service what a state means.
 */
import { assign, emit, fromPromise, setup } from 'xstate';
import type { Invite } from '../../shared/invite';
import type { SessionDocument } from '../../shared/mpsd/session-document';
import type { Result } from '../../shared/result';
import { handleLogLabel } from '../logging/log-labels';
import type { SessionWrite } from './directory-client';
import type { DirectoryError } from './directory-error';
import type { GameFailure } from './game-failure';
import type { GameCancelled, GameJoined } from './game-hand-off';
import {
  cancelledFailure,
  failureFrom,
  gaveUp,
  mayTryAgain,
  noAnswerWithin,
  wrongAccount,
  type JoinFailure,
} from './join-failure';
import type { LeaveInput, Membership, Seat } from './leave-session';
import {
  invitedTo,
  noTarget,
  targetInvite,
  targetSeat,
  unseated,
  type JoinTarget,
} from './join-target';
import type { AttemptOutcome } from './retry-delay';
import type { AccessToken, TokenError } from './token-provider';

/** The budgets of one machine, fixed when the actor starts (its `input`). */
export interface JoinBudget {
  /** Overall budget of a run's writes (and of its sign-in), from the first attempt. */
  readonly deadlineMs: number;
  /** Upper bound on the leaving step, so a dead directory cannot hold the machine. */
  readonly leaveTimeoutMs: number;
}

/** Where the machine goes once the leaving step is over. */
export type AfterLeave = 'failed' | 'idle' | 'activate' | 'stopped';

export interface JoinContext {
  readonly budget: JoinBudget;
  /**
   * The invite of the current run, shown from the moment it arrives, and (`seated`) the signed-in
   * player once sign-in confirmed they match: what writes use.
   */
  readonly target: JoinTarget;
  /** 1-based number of the current write attempt; 0 before the first. */
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
  /** A write that may have landed without the launcher hearing back. */
  readonly unsure?: Seat;
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

/**
 * What a state means to the outside. The phase tags name the JoinView phase shown (a state with
 * none, idle or stopped, shows idle); `leaving` shows where the machine is heading; `running`
 * marks a join in flight (de-duplicating clicks) and `resting` a machine with nothing left to do
 * (what `settled()` waits for).
 */
export type JoinTag =
  | 'activating'
  | 'writingSession'
  | 'retrying'
  | 'joining'
  | 'joined'
  | 'failed'
  | 'leaving'
  | 'running'
  | 'resting';

/** A decision the machine logs; the service forwards it to the launcher's log. */
export interface JoinLogLine {
  readonly type: 'log';
  readonly level: 'info' | 'warn';
  readonly message: string;
}

/** Input of one sign-in attempt. */
export interface SignInInput {
  readonly attempt: number;
  readonly budgetMs: number;
  /** Undefined on a run's first attempt: the actor starts the sign-in budget then. */
  readonly deadlineAt: number | undefined;
}

/** Input of one session write attempt. */
export interface WriteInput {
  readonly seat: Seat | undefined;
  readonly checkMembershipFirst: boolean;
  readonly attempt: number;
  readonly budgetMs: number;
  /** Undefined on a run's first attempt: the actor starts the write budget then. */
  readonly deadlineAt: number | undefined;
}

/** Input of the game hand-off. */
export interface HandOffInput {
  readonly membership: Membership | undefined;
}

export type SignInOutcome = AttemptOutcome<AccessToken, TokenError>;
export type WriteOutcome = AttemptOutcome<SessionWrite, DirectoryError>;
export type HandOffResult = Result<GameJoined, GameFailure | GameCancelled>;

/** An actor that rejected instead of answering with a typed result (a bug, never an expected path). */
interface Thrown {
  readonly error: unknown;
}

/** The placeholder for an actor that only `.provide()` can supply. */
function notProvided(name: string): never {
  throw new Error(`the join machine's ${name} actor was not provided`);
}

/**
 * Remaining write budget. The default reads the system clock; `join-actors.ts` provides the same
 * delay on the injected clock.
 */
export function remainingBudget(context: JoinContext, now: number): number {
  if (context.deadlineAt === undefined) return context.budget.deadlineMs;
  return Math.max(0, context.deadlineAt - now);
}

/** The machine's implementations, named; `.provide()` replaces actors and the deadline delay. */
const joinSetup = setup({
  types: {} as {
    context: JoinContext;
    events: JoinEvent;
    input: JoinBudget;
    tags: JoinTag;
    emitted: JoinLogLine;
  },
  actors: {
    identify: fromPromise<SignInOutcome, SignInInput>(async () => notProvided('identify')),
    writeSession: fromPromise<WriteOutcome, WriteInput>(async () => notProvided('writeSession')),
    handOff: fromPromise<HandOffResult, HandOffInput>(async () => notProvided('handOff')),
    leaveSession: fromPromise<void, LeaveInput>(async () => notProvided('leaveSession')),
  },
  delays: {
    retryDelay: ({ context }) => context.retryDelayMs,
    untilDeadline: ({ context }) => remainingBudget(context, Date.now()),
    leaveTimeout: ({ context }) => context.budget.leaveTimeoutMs,
  },
  guards: {
    /** An INVITE for another handle supersedes the current one; the same handle again is a duplicate. */
    isNewHandle: ({ context: { target }, event }) =>
      // Stryker disable next-line ConditionalExpression: the guard only guards INVITE transitions
      event.type === 'INVITE' &&
      // Stryker disable next-line ConditionalExpression,StringLiteral: the INVITE transitions it guards all come after an invite set the target
      (target.kind === 'none' || event.invite.handleId !== target.invite.handleId),
    /** A written (or possibly written) membership must be left before anything new starts. */
    mayHoldSession: ({ context }) =>
      // Stryker disable next-line ConditionalExpression: `unsure` is set only from writingSession to leaving (whose exit clears it), never in idle where this is read
      context.membership !== undefined || context.unsure !== undefined,
    hasMembership: ({ context }) => context.membership !== undefined,
    /** The attempt failed, but the policy scheduled another one. */
    hasNextAttempt: (_, outcome: SignInOutcome | WriteOutcome) => outcome.next !== undefined,
    attemptFailed: (_, outcome: SignInOutcome | WriteOutcome) => !outcome.result.ok,
    attemptSucceeded: (_, outcome: SignInOutcome | WriteOutcome) => outcome.result.ok,
    isOtherPlayer: ({ context: { target } }, outcome: SignInOutcome) =>
      outcome.result.ok &&
      // Stryker disable next-line ConditionalExpression,StringLiteral: sign-in only runs once an invite set the target
      (target.kind === 'none' || outcome.result.value.xuid !== target.invite.localXuid),
    gameConfirmed: (_, result: HandOffResult) => result.ok,
    /** The failure shown (or about to be) is one the player may try again. */
    mayTryAgain: ({ context }) => context.error !== undefined && mayTryAgain(context.error),
    isLeavingToFail: ({ context }) => context.afterLeave === 'failed',
    isNotStopping: ({ context }) => context.afterLeave !== 'stopped',
    isLeavingToActivate: ({ context }) => context.afterLeave === 'activate',
    isLeavingToStop: ({ context }) => context.afterLeave === 'stopped',
    isLeavingToFailRetryably: ({ context }) =>
      // Stryker disable next-line ConditionalExpression: every action that sets afterLeave 'failed' sets the error with it
      context.afterLeave === 'failed' && context.error !== undefined && mayTryAgain(context.error),
  },
  actions: {
    startInvite: assign(({ event }) =>
      // Stryker disable next-line ConditionalExpression: only INVITE transitions run this action
      event.type === 'INVITE'
        ? {
            target: invitedTo(event.invite),
            pendingInvite: event.invite,
            afterLeave: 'activate' as const,
          }
        : {},
    ),
    resetRun: assign(({ context }) => ({
      target: unseated(context.target),
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
      pendingInvite: undefined,
      afterLeave: undefined,
    })),
    // Stryker disable next-line ObjectLiteral,ArrowFunction: every action that sets pendingInvite sets the target to it or takes it from the target, so the target already holds it
    activatePendingInvite: assign(({ context }) => ({ target: invitedTo(context.pendingInvite) })),
    countSignInAttempt: assign(({ context }) => ({
      signInAttempt: context.signInAttempt + 1,
      nextRetryAt: undefined,
    })),
    scheduleSignIn: assign((_, outcome: SignInOutcome) => ({
      signInDeadlineAt: outcome.deadlineAt,
      // Stryker disable next-line OptionalChaining: runs only after hasNextAttempt, so `next` is set
      retryDelayMs: outcome.next?.delayMs ?? 0,
      // Stryker disable next-line OptionalChaining: as above
      nextRetryAt: outcome.next?.at,
    })),
    failSignIn: assign((_, outcome: SignInOutcome) =>
      outcome.result.ok ? {} : { error: failureFrom(outcome.result.error) },
    ),
    failWrongAccount: assign(({ context: { target } }, outcome: SignInOutcome) =>
      // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: runs only after isOtherPlayer, which needs an ok result and an invite
      outcome.result.ok && target.kind !== 'none'
        ? { error: wrongAccount(target.invite.localXuid, outcome.result.value.xuid) }
        : {},
    ),
    seatPlayer: assign(({ context: { target } }, outcome: SignInOutcome) =>
      // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: runs only once attemptFailed said the sign-in is ok, after an invite set the target
      outcome.result.ok && target.kind !== 'none'
        ? {
            target: {
              kind: 'seated' as const,
              invite: target.invite,
              xuid: outcome.result.value.xuid,
            },
          }
        : {},
    ),
    failSignInUnexpectedly: assign((_, thrown: Thrown) => ({
      error: {
        code: 'unauthorized' as const,
        message: `Could not get a sign-in token: ${String(thrown.error)}`,
      },
    })),
    startAttempt: assign(({ context }) => ({
      attempt: context.attempt + 1,
      nextRetryAt: undefined,
      unsure: targetSeat(context.target),
    })),
    recordWritten: assign(({ context: { target } }, outcome: WriteOutcome) =>
      // Stryker disable next-line ConditionalExpression,LogicalOperator: runs only after attemptSucceeded, and writes start only once sign-in seated the player
      outcome.result.ok && target.kind === 'seated'
        ? {
            session: outcome.result.value.session,
            unsure: undefined,
            lastError: undefined,
            membership: {
              seat: { invite: target.invite, xuid: target.xuid },
              contentLocation: outcome.result.value.contentLocation,
              session: outcome.result.value.session,
            },
          }
        : {},
    ),
    /** A retryable failure with time left: count down, visibly, then try again. */
    scheduleWrite: assign(({ context }, outcome: WriteOutcome) => {
      // Stryker disable next-line ConditionalExpression: runs only once attemptSucceeded was false
      if (outcome.result.ok) return {};
      const maybeWritten = context.checkMembershipFirst || outcome.result.error.ambiguous;
      return {
        lastError: outcome.result.error,
        deadlineAt: outcome.deadlineAt,
        // Stryker disable next-line OptionalChaining: runs only after hasNextAttempt, so `next` is set
        retryDelayMs: outcome.next?.delayMs ?? 0,
        // Stryker disable next-line OptionalChaining: as above
        nextRetryAt: outcome.next?.at,
        checkMembershipFirst: maybeWritten,
        unsure: maybeWritten ? context.unsure : undefined,
      };
    }),
    /** Not retryable, or out of time: fail, leaving first if a write may have landed. */
    giveUpWrite: assign(({ context }, outcome: WriteOutcome) => {
      // Stryker disable next-line ConditionalExpression: runs only once attemptSucceeded was false
      if (outcome.result.ok) return {};
      const error = outcome.result.error;
      const maybeWritten = context.checkMembershipFirst || error.ambiguous;
      return {
        lastError: error,
        deadlineAt: outcome.deadlineAt,
        error: error.retryable
          ? gaveUp(error, context.attempt, context.budget.deadlineMs)
          : failureFrom(error),
        unsure: maybeWritten ? context.unsure : undefined,
        afterLeave: 'failed' as const,
      };
    }),
    failWriteUnexpectedly: assign((_, thrown: Thrown) => ({
      error: {
        code: 'malformed-response' as const,
        message: `The directory client failed unexpectedly: ${String(thrown.error)}`,
      },
      afterLeave: 'failed' as const,
    })),
    /** The attempt in flight is abandoned (its request aborted); it may have landed. */
    giveUpAtDeadline: assign(({ context }) => ({
      error: context.lastError
        ? gaveUp(context.lastError, context.attempt, context.budget.deadlineMs)
        : noAnswerWithin(context.budget.deadlineMs),
      afterLeave: 'failed' as const,
    })),
    cancelRun: assign({ error: cancelledFailure, afterLeave: 'failed' as const }),
    cancelSignIn: assign({ error: cancelledFailure }),
    failGame: assign((_, result: HandOffResult) => ({
      // Stryker disable next-line StringLiteral: runs only once gameConfirmed was false, so the result is never ok here
      error: { code: 'game-failed' as const, message: result.ok ? '' : result.error.message },
      afterLeave: 'failed' as const,
    })),
    failGameUnexpectedly: assign((_, thrown: Thrown) => ({
      error: {
        code: 'game-failed' as const,
        message: `The game hand-off failed unexpectedly: ${String(thrown.error)}`,
      },
      afterLeave: 'failed' as const,
    })),
    leaveToIdle: assign({ afterLeave: 'idle' as const }),
    leaveToStop: assign({ afterLeave: 'stopped' as const }),
    /** CANCEL while leaving for a newer invite: that invite is cancelled, the leave goes on. */
    cancelPendingInvite: assign(({ context }) => ({
      target: invitedTo(context.pendingInvite),
      error: cancelledFailure,
      afterLeave: 'failed' as const,
    })),
    /** RETRY while leaving after a failure: start the same invite again once the leave is done. */
    retryAfterLeaving: assign(({ context }) => ({
      pendingInvite: targetInvite(context.target),
      afterLeave: 'activate' as const,
    })),
    forgetLeftSessions: assign({ membership: undefined, unsure: undefined }),
    logInvite: emit(({ context: { target } }) => ({
      type: 'log' as const,
      level: 'info' as const,
      message:
        // Stryker disable next-line ConditionalExpression,StringLiteral: runs on entering activating, always after an invite set the target
        target.kind === 'none'
          ? // Stryker disable next-line StringLiteral: unreachable, as above
            'activating invite for no handle'
          : `activating ${target.invite.kind} for ${handleLogLabel(target.invite.handleId)}`,
    })),
    logWritten: emit(({ context: { target } }) => ({
      type: 'log' as const,
      level: 'info' as const,
      message: `written into the session of ${
        // Stryker disable next-line ConditionalExpression,StringLiteral: runs only after a write, which only a seated player makes
        target.kind === 'seated' ? handleLogLabel(target.invite.handleId) : 'no handle'
      }`,
    })),
    logRetry: emit(({ context }, outcome: WriteOutcome) => {
      const error = outcome.result.ok ? undefined : outcome.result.error;
      // Stryker disable next-line OptionalChaining: runs only for a failed attempt, so `error` is set
      const status = error?.status === undefined ? '' : ` ${error.status}`;
      return {
        type: 'log' as const,
        level: 'info' as const,
        // Stryker disable next-line OptionalChaining,StringLiteral: runs only for a failed attempt, so `error` is set
        message: `attempt ${context.attempt} failed (${error?.code ?? 'ok'}${status}); retrying in ${
          // Stryker disable next-line OptionalChaining: runs only after hasNextAttempt, so `next` is set
          outcome.next?.delayMs ?? 0
        } ms`,
      };
    }),
    logGiveUp: emit(({ context }, outcome: WriteOutcome) => ({
      type: 'log' as const,
      level: 'warn' as const,
      message: `attempt ${context.attempt} failed (${
        // Stryker disable next-line StringLiteral: runs only for a failed attempt
        outcome.result.ok ? 'ok' : outcome.result.error.code
      }); giving up`,
    })),
    logGameConfirmed: emit({
      type: 'log' as const,
      level: 'info' as const,
      message: 'the game confirmed the join',
    }),
    logGameFailed: emit((_, result: HandOffResult) => ({
      type: 'log' as const,
      level: 'warn' as const,
      // Stryker disable next-line StringLiteral: runs only once gameConfirmed was false
      message: `game hand-off failed: ${result.ok ? '' : result.error.message}`,
    })),
    logGameExited: emit(({ event }) => ({
      type: 'log' as const,
      level: 'info' as const,
      message: `the game exited (${
        // Stryker disable next-line ConditionalExpression,StringLiteral: only the GAME_EXITED transition runs this action
        event.type === 'GAME_EXITED' ? event.description : 'unknown'
      }); leaving the session`,
    })),
    logLeaveFailed: emit((_, thrown: Thrown) => ({
      type: 'log' as const,
      level: 'warn' as const,
      message: `leaving failed: ${String(thrown.error)}`,
    })),
    logLeaveTimeout: emit({
      type: 'log' as const,
      level: 'warn' as const,
      message: 'leaving the session took too long; moving on',
    }),
  },
});

/**
 * Once a write may have happened (writing, counting down, handing off), cancelling or a new invite
 * must first leave the session: both go through `leaving`, never straight to the next state.
 */
const leaveOnCancelOrNewInvite = {
  CANCEL: { target: 'leaving', actions: 'cancelRun' },
  INVITE: { guard: 'isNewHandle', target: 'leaving', actions: 'startInvite' },
} as const;

/** The join machine. Start it with `input: JoinBudget`, after providing its actors. */
export const joinMachine = joinSetup.createMachine({
  id: 'join',
  context: ({ input }) => ({
    budget: input,
    target: noTarget,
    attempt: 0,
    signInAttempt: 0,
    // Stryker disable next-line BooleanLiteral: activating's entry (resetRun) sets it before any write reads it
    checkMembershipFirst: false,
    retryDelayMs: 0,
  }),
  initial: 'idle',
  on: {
    SHUTDOWN: { target: '.leaving', actions: 'leaveToStop' },
  },
  states: {
    idle: {
      tags: ['resting'],
      on: {
        GAME_EXITED: {
          guard: 'hasMembership',
          target: 'leaving',
          // Stryker disable next-line StringLiteral: idle holds a membership only after DISMISS from joined, where afterLeave is unset, which leaves to idle as well
          actions: 'leaveToIdle',
        },
        INVITE: [
          { guard: 'mayHoldSession', target: 'leaving', actions: 'startInvite' },
          { target: 'activating', actions: 'startInvite' },
        ],
      },
    },

    activating: {
      tags: ['running'],
      entry: ['resetRun', 'logInvite'],
      initial: 'signingIn',
      states: {
        signingIn: {
          tags: ['activating'],
          entry: 'countSignInAttempt',
          invoke: {
            src: 'identify',
            input: ({ context }) => ({
              attempt: context.signInAttempt,
              budgetMs: context.budget.deadlineMs,
              deadlineAt: context.signInDeadlineAt,
            }),
            onDone: [
              {
                // The directory could not issue a token just now: count down and ask again.
                guard: { type: 'hasNextAttempt', params: ({ event }) => event.output },
                target: 'waiting',
                actions: { type: 'scheduleSignIn', params: ({ event }) => event.output },
              },
              {
                guard: { type: 'attemptFailed', params: ({ event }) => event.output },
                target: '#join.failed',
                actions: { type: 'failSignIn', params: ({ event }) => event.output },
              },
              {
                guard: { type: 'isOtherPlayer', params: ({ event }) => event.output },
                target: '#join.failed',
                actions: { type: 'failWrongAccount', params: ({ event }) => event.output },
              },
              {
                target: '#join.writingSession',
                actions: { type: 'seatPlayer', params: ({ event }) => event.output },
              },
            ],
            onError: {
              target: '#join.failed',
              actions: { type: 'failSignInUnexpectedly', params: ({ event }) => event },
            },
          },
        },
        waiting: {
          tags: ['retrying'],
          after: { retryDelay: 'signingIn' },
          on: { RETRY: 'signingIn' },
        },
      },
      on: {
        INVITE: {
          guard: 'isNewHandle',
          target: 'activating',
          reenter: true,
          actions: 'startInvite',
        },
        CANCEL: { target: 'failed', actions: 'cancelSignIn' },
      },
    },

    writingSession: {
      tags: ['writingSession', 'running'],
      entry: 'startAttempt',
      invoke: {
        src: 'writeSession',
        input: ({ context }) => ({
          seat: targetSeat(context.target),
          checkMembershipFirst: context.checkMembershipFirst,
          attempt: context.attempt,
          budgetMs: context.budget.deadlineMs,
          deadlineAt: context.deadlineAt,
        }),
        onDone: [
          {
            guard: { type: 'attemptSucceeded', params: ({ event }) => event.output },
            target: 'joining',
            actions: [{ type: 'recordWritten', params: ({ event }) => event.output }, 'logWritten'],
          },
          {
            guard: { type: 'hasNextAttempt', params: ({ event }) => event.output },
            target: 'retrying',
            actions: [
              { type: 'scheduleWrite', params: ({ event }) => event.output },
              { type: 'logRetry', params: ({ event }) => event.output },
            ],
          },
          {
            target: 'leaving',
            actions: [
              { type: 'logGiveUp', params: ({ event }) => event.output },
              { type: 'giveUpWrite', params: ({ event }) => event.output },
            ],
          },
        ],
        onError: {
          target: 'leaving',
          actions: { type: 'failWriteUnexpectedly', params: ({ event }) => event },
        },
      },
      after: {
        untilDeadline: { target: 'leaving', actions: 'giveUpAtDeadline' },
      },
      on: leaveOnCancelOrNewInvite,
    },

    retrying: {
      tags: ['retrying', 'running'],
      after: { retryDelay: 'writingSession' },
      on: {
        RETRY: 'writingSession',
        ...leaveOnCancelOrNewInvite,
      },
    },

    joining: {
      tags: ['joining', 'running'],
      invoke: {
        src: 'handOff',
        input: ({ context }) => ({ membership: context.membership }),
        onDone: [
          {
            guard: { type: 'gameConfirmed', params: ({ event }) => event.output },
            target: 'joined',
            actions: 'logGameConfirmed',
          },
          {
            target: 'leaving',
            actions: [
              { type: 'failGame', params: ({ event }) => event.output },
              { type: 'logGameFailed', params: ({ event }) => event.output },
            ],
          },
        ],
        onError: {
          target: 'leaving',
          actions: { type: 'failGameUnexpectedly', params: ({ event }) => event },
        },
      },
      on: leaveOnCancelOrNewInvite,
    },

    joined: {
      tags: ['joined', 'resting'],
      on: {
        GAME_EXITED: {
          target: 'leaving',
          actions: [
            // Stryker disable next-line StringLiteral: afterLeave is unset in joined (a run's start clears it), which leaves to idle as well
            'leaveToIdle',
            'logGameExited',
          ],
        },
        INVITE: { guard: 'isNewHandle', target: 'leaving', actions: 'startInvite' },
        DISMISS: 'idle',
      },
    },

    failed: {
      tags: ['failed', 'resting'],
      on: {
        RETRY: { guard: 'mayTryAgain', target: 'activating' },
        DISMISS: 'idle',
        // Nothing to leave first: failed is entered from activating, which holds no session, or
        // after leaving, whose exit forgets it.
        INVITE: { target: 'activating', actions: 'startInvite' },
      },
    },

    leaving: {
      tags: ['leaving'],
      invoke: {
        src: 'leaveSession',
        input: ({ context }) => ({
          membership: context.membership,
          unsure: context.unsure,
          timeoutMs: context.budget.leaveTimeoutMs,
        }),
        onDone: 'afterLeaving',
        onError: {
          target: 'afterLeaving',
          actions: { type: 'logLeaveFailed', params: ({ event }) => event },
        },
      },
      after: {
        leaveTimeout: { target: 'afterLeaving', actions: 'logLeaveTimeout' },
      },
      exit: 'forgetLeftSessions',
      on: {
        // A shutdown in progress is final: a late invite must not turn it back into a join.
        INVITE: { guard: 'isNotStopping', actions: 'startInvite' },
        CANCEL: { guard: 'isLeavingToActivate', actions: 'cancelPendingInvite' },
        RETRY: { guard: 'isLeavingToFailRetryably', actions: 'retryAfterLeaving' },
        DISMISS: { guard: 'isLeavingToFail', actions: 'leaveToIdle' },
        SHUTDOWN: { actions: 'leaveToStop' },
      },
    },

    // No tags: `always` moves on in the same step, so no snapshot is ever taken here.
    afterLeaving: {
      always: [
        { guard: 'isLeavingToStop', target: 'stopped' },
        {
          guard: 'isLeavingToActivate',
          target: 'activating',
          // Stryker disable next-line StringLiteral: the target already holds the pending invite (see activatePendingInvite)
          actions: 'activatePendingInvite',
        },
        { guard: 'isLeavingToFail', target: 'failed' },
        { target: 'idle' },
      ],
    },

    stopped: { tags: ['resting'], type: 'final' },
  },
});

export type JoinMachine = typeof joinMachine;
