import type { Invite } from '../../shared/invite';
import type { InviteLinkError } from '../../shared/invite-link';

/**
 * What the intake delivers to once the window and the join flow are ready. The composition root
 * builds it from the join flow (`submit`, `inFlightHandleId`) and the window (`rejectLink`,
 * `revealWindow`), then calls `intake.attach(target)`.
 */
export interface InviteTarget {
  /**
   * Starts joining `invite`. Called only when no join for the same handle is in flight; when a
   * join for another handle is in flight, the new invite supersedes it and the join flow cancels
   * the old one.
   */
  submit(invite: Invite): void;
  /**
   * The handle of the join in flight, if any. Must reflect a `submit` synchronously: the intake
   * consults it between two buffered links to drop a duplicate.
   */
  inFlightHandleId(): string | undefined;
  /** Shows the player that a link could not be used (typed, safe to display and to log). */
  rejectLink(error: InviteLinkError): void;
  /** Brings the launcher window to the front: the player just clicked something that targets it. */
  revealWindow(): void;
}
