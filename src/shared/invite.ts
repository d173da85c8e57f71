/**
 * A validated invite, the only shape in which an invite link travels past the parser. Raw links
 * never leave intake: they are untrusted input from any web page, and their query is redacted in logs.
 */
export interface Invite {
  /** `invite`: the player accepted an invite (inviteHandleAccept); `join`: joined from a profile (activityHandleJoin). */
  readonly kind: 'invite' | 'join';
  /** Lower-case GUID of the MPSD handle to write by (`PUT /handles/{handleId}/session`). */
  readonly handleId: string;
  /** The player on this machine: invitedXuid or joinerXuid (decimal string). */
  readonly localXuid: string;
  /** The other player: senderXuid or joineeXuid (decimal string). */
  readonly remoteXuid: string;
  /** Title-defined context string from the invite, decoded; absent when the link had none. */
  readonly context?: string;
}
