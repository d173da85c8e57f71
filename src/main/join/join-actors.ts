/**
 * The join machine's real actors: sign-in through the token provider, the session write through
 * the directory client, the hand-off to the game, and leaving. `provideJoinActors` specialises the
 * module-level `joinMachine` with them (and its deadline delay with the injected clock), the way
 * xstate v5 separates a machine's logic from its implementations.
 */
import { fromPromise } from 'xstate';
import type { Logger } from '../logging/logger';
import type { DirectoryClient, MemberJoin } from './directory-client';
import type { GameHandOff } from './game-hand-off';
import {
  joinMachine,
  remainingBudget,
  type HandOffInput,
  type HandOffResult,
  type SignInInput,
  type SignInOutcome,
  type WriteInput,
  type WriteOutcome,
} from './join-machine';
import { leaveSession, type JoinClock, type LeaveInput } from './leave-session';
import { withNextAttempt, type RetryPolicy } from './retry-delay';
import type { TokenProvider } from './token-provider';

export interface JoinActorDeps {
  readonly client: Pick<DirectoryClient, 'joinByHandle' | 'readByHandle' | 'leave'>;
  readonly tokens: TokenProvider;
  readonly game: GameHandOff;
  readonly retryPolicy: RetryPolicy;
  readonly clock: JoinClock;
  /** Extra member fields to write (secure device address, RTA connection). */
  readonly member?: Omit<MemberJoin, 'xuid'>;
  /** Where leaving writes its outcome; the machine's own decisions arrive as emitted `log` events. */
  readonly log?: Pick<Logger, 'info' | 'warn'>;
}

/** `joinMachine` with the real actors over `deps`. */
export function provideJoinActors(deps: JoinActorDeps): typeof joinMachine {
  const { client, tokens, game, retryPolicy, clock } = deps;
  return joinMachine.provide({
    actors: {
      identify: fromPromise<SignInOutcome, SignInInput>(async ({ input, signal }) => {
        const deadlineAt = input.deadlineAt ?? clock.now() + input.budgetMs;
        const result = await tokens.getToken({ forceRefresh: false, signal });
        // Stryker disable next-line ConditionalExpression,ObjectLiteral: the machine aborts only an actor it has stopped, so this output is never read
        if (signal.aborted) return { result, deadlineAt };
        return withNextAttempt(result, input.attempt, deadlineAt, retryPolicy, clock.now());
      }),
      writeSession: fromPromise<WriteOutcome, WriteInput>(async ({ input, signal }) => {
        const seat = input.seat;
        // Writing is entered only after sign-in seated the player; anything else is a bug.
        if (!seat) throw new Error('no signed-in player to write');
        const deadlineAt = input.deadlineAt ?? clock.now() + input.budgetMs;
        const result = await client.joinByHandle(
          seat.invite.handleId,
          { ...deps.member, xuid: seat.xuid },
          { signal, checkMembershipFirst: input.checkMembershipFirst },
        );
        return withNextAttempt(result, input.attempt, deadlineAt, retryPolicy, clock.now());
      }),
      handOff: fromPromise<HandOffResult, HandOffInput>(({ input, signal }) => {
        const membership = input.membership;
        // Joining is entered only after a write recorded the membership; anything else is a bug.
        if (!membership) throw new Error('no session to hand to the game');
        return game.join(
          {
            invite: membership.seat.invite,
            xuid: membership.seat.xuid,
            sessionRef: membership.contentLocation,
            session: membership.session,
          },
          { signal },
        );
      }),
      leaveSession: fromPromise<void, LeaveInput>(({ input, signal }) =>
        leaveSession(
          { client, retryPolicy, clock, ...(deps.log ? { log: deps.log } : {}) },
          input,
          signal,
        ),
      ),
    },
    delays: {
      untilDeadline: ({ context }) => remainingBudget(context, clock.now()),
    },
  });
}
