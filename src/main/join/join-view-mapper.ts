/**
 * Turns a join machine snapshot into the flat JoinView every observer sees. Pure and total: any
 * snapshot maps to a view, and nothing from the context that is not meant for the window (tokens
 * never are there; session documents, content locations and timers are internal) crosses over.
 * The phase comes from the state's tags and `canRetry` from the machine itself (`snapshot.can`),
 * so a renamed state or a changed RETRY rule cannot leave the window out of step.
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
import type { JoinContext, JoinMachine, JoinTag } from './join-machine';
import { targetInvite } from './join-target';
import type { SenderProfile } from './sender-profiles';

export type JoinSnapshot = SnapshotFrom<JoinMachine>;

/** The phase tags, in the order they are looked for (a state carries at most one). */
const phaseTags = [
  'activating',
  'writingSession',
  'retrying',
  'joining',
  'joined',
  'failed',
] as const satisfies readonly (JoinPhase & JoinTag)[];

/** No sender profile looked up (yet). */
const noSenders: ReadonlyMap<string, SenderProfile> = new Map();

/**
 * The view of one snapshot. `senders` are the profiles looked up so far, by XUID: the invite's
 * sender is named by their profile, else by the session once read, else not at all (the window
 * says "a friend"; a XUID is never shown).
 */
export function toJoinView(
  snapshot: JoinSnapshot,
  senders: ReadonlyMap<string, SenderProfile> = noSenders,
): JoinView {
  const context = snapshot.context;
  const canRetry = snapshot.can({ type: 'RETRY' });
  if (snapshot.hasTag('leaving')) {
    // Leaving is bookkeeping: the player sees where the machine is heading.
    switch (context.afterLeave) {
      case 'failed':
        return withError(context, canRetry, senders);
      case 'activate':
        return {
          phase: 'activating',
          attempt: 0,
          canRetry,
          ...inviteView(senders, context.pendingInvite),
        };
      // Stryker disable next-line ConditionalExpression: without this case, leaving towards idle or a stop finds no phase tag below and gives the same idle view
      default:
        return { phase: 'idle', attempt: 0, canRetry };
    }
  }
  const phase = phaseTags.find((tag) => snapshot.hasTag(tag)) ?? 'idle';
  if (phase === 'idle') return { phase, attempt: 0, canRetry };
  if (phase === 'failed') return withError(context, canRetry, senders);
  return {
    phase,
    attempt: context.attempt,
    canRetry,
    ...(phase === 'retrying' && context.nextRetryAt !== undefined
      ? { nextRetryAt: context.nextRetryAt }
      : {}),
    ...inviteView(senders, targetInvite(context.target), context.session),
    ...sessionView(context),
  };
}

function withError(
  context: JoinContext,
  canRetry: boolean,
  senders: ReadonlyMap<string, SenderProfile>,
): JoinView {
  const error = context.error ?? { code: 'cancelled' as const, message: 'The join stopped.' };
  return {
    phase: 'failed',
    attempt: context.attempt,
    canRetry,
    ...inviteView(senders, targetInvite(context.target), context.session),
    ...sessionView(context),
    error: { code: error.code, message: error.message },
  };
}

function inviteView(
  senders: ReadonlyMap<string, SenderProfile>,
  invite: Invite | undefined,
  session?: JoinContext['session'],
): Pick<JoinView, 'invite'> {
  if (!invite) return {};
  const profile = senders.get(invite.remoteXuid);
  const from = profile?.gamertag ?? (session && gamertags(session).get(invite.remoteXuid));
  return {
    invite: {
      kind: invite.kind,
      handleId: invite.handleId,
      ...(from ? { from } : {}),
      ...(profile?.pictureUrl ? { pictureUrl: profile.pictureUrl } : {}),
    },
  };
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
