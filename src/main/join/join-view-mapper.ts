/**
 * Turns a join machine snapshot into the flat JoinView every observer sees. Pure and total: any
 * snapshot maps to a view, and nothing from the context that is not meant for the window (tokens
 * never are there; session documents, content locations and timers are internal) crosses over.
 */
import type { SnapshotFrom } from 'xstate';
import {
  gamertags,
  hostMember,
  maxMembersCount,
  membersCount,
} from '../../shared/mpsd/session-document';
import type { Invite } from '../../shared/invite';
import type { JoinPhase, JoinView } from '../../shared/join-view';
import type { JoinContext, JoinMachine } from './join-machine';

export type JoinSnapshot = SnapshotFrom<JoinMachine>;

/** The view of one snapshot. */
export function toJoinView(snapshot: JoinSnapshot): JoinView {
  return viewOf(stateName(snapshot.value), snapshot.context);
}

/** The top-level state, or `signInWaiting` for the countdown between sign-in attempts. */
export function stateName(value: JoinSnapshot['value']): string {
  if (typeof value === 'string') return value;
  if (value.activating === 'waiting') return 'signInWaiting';
  return Object.keys(value)[0] ?? 'idle';
}

/** The view for a state name and context; exported for tests that build contexts by hand. */
export function viewOf(state: string, context: JoinContext): JoinView {
  if (state === 'leaving' || state === 'afterLeaving') {
    // Leaving is bookkeeping: the player sees where the machine is heading.
    switch (context.afterLeave) {
      case 'failed':
        return withError('failed', context);
      case 'activate':
        return {
          phase: 'activating',
          attempt: 0,
          ...inviteView(context.pendingInvite, undefined),
        };
      default:
        return { phase: 'idle', attempt: 0 };
    }
  }
  if (state === 'signInWaiting') {
    // Sign-in is retried like a write: the same countdown, before any write attempt.
    return {
      phase: 'retrying',
      attempt: 0,
      ...(context.nextRetryAt === undefined ? {} : { nextRetryAt: context.nextRetryAt }),
      ...inviteView(context.invite, context),
    };
  }
  const phase = phaseOf(state);
  if (phase === 'idle') return { phase, attempt: 0 };
  if (phase === 'failed') return withError(phase, context);
  return {
    phase,
    attempt: context.attempt,
    ...(phase === 'retrying' && context.nextRetryAt !== undefined
      ? { nextRetryAt: context.nextRetryAt }
      : {}),
    ...inviteView(context.invite, context),
    ...sessionView(context),
  };
}

function phaseOf(state: string): JoinPhase {
  switch (state) {
    case 'activating':
    case 'writingSession':
    case 'retrying':
    case 'joining':
    case 'joined':
    case 'failed':
      return state;
    default:
      return 'idle';
  }
}

function withError(phase: JoinPhase, context: JoinContext): JoinView {
  const error = context.error ?? {
    code: 'cancelled' as const,
    message: 'The join stopped.',
    retryable: true,
  };
  return {
    phase,
    attempt: context.attempt,
    ...inviteView(context.invite, context),
    ...sessionView(context),
    error: { code: error.code, message: error.message, retryable: error.retryable },
  };
}

function inviteView(
  invite: Invite | undefined,
  context: JoinContext | undefined,
): Pick<JoinView, 'invite'> {
  if (!invite) return {};
  const session = context?.session;
  const from = (session && gamertags(session).get(invite.remoteXuid)) ?? invite.remoteXuid;
  return { invite: { kind: invite.kind, handleId: invite.handleId, from } };
}

function sessionView(context: JoinContext): Pick<JoinView, 'session'> {
  const session = context.session;
  if (!session) return {};
  const host = hostMember(session)?.member.gamertag;
  return {
    session: {
      membersCount: membersCount(session),
      maxMembersCount: maxMembersCount(session),
      ...(host ? { hostGamertag: host } : {}),
    },
  };
}
