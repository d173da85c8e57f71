/**
 * What the join machine knows about the invite it is joining, as one required field of its
 * context. xstate v5 types a machine's context once for every state, so instead of optional
 * `invite` and `seat` fields read with fallbacks, the target's `kind` says what is known: no invite
 * yet, an invite, or an invite and the signed-in player sign-in matched to it. Guards, actions and
 * the view narrow on `kind`.
 */
import type { Invite } from '../../shared/invite';
import type { Seat } from './leave-session';

/** The invite being joined and how far the machine got with it. */
export type JoinTarget =
  /** No invite has arrived since the machine started. */
  | { readonly kind: 'none' }
  /** An invite to join, before sign-in confirmed the player it is for. */
  | { readonly kind: 'invited'; readonly invite: Invite }
  /** Sign-in confirmed the player the invite is for: what session writes use. */
  | { readonly kind: 'seated'; readonly invite: Invite; readonly xuid: string };

/** The target before any invite arrives. */
export const noTarget: JoinTarget = { kind: 'none' };

/** A target for `invite`, or none when there is no invite (nothing pending to activate). */
export function invitedTo(invite: Invite | undefined): JoinTarget {
  return invite ? { kind: 'invited', invite } : noTarget;
}

/** The invite of a target; none only before the first invite arrived. */
export function targetInvite(target: JoinTarget): Invite | undefined {
  // Stryker disable next-line ConditionalExpression,StringLiteral: a target of kind none has no invite, so reading it gives undefined as well
  return target.kind === 'none' ? undefined : target.invite;
}

/** The seat a session write uses; none until sign-in seated the player. */
export function targetSeat(target: JoinTarget): Seat | undefined {
  return target.kind === 'seated' ? { invite: target.invite, xuid: target.xuid } : undefined;
}

/** A new run of the same invite forgets who was seated: sign-in confirms the player again. */
export function unseated(target: JoinTarget): JoinTarget {
  return target.kind === 'seated' ? { kind: 'invited', invite: target.invite } : target;
}
