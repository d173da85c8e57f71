/**
 * What the launcher window's invite dialog shows and sends, as plain JSON both sides read: the
 * friends main listed (names and pictures are another player's text, shown only as text), the
 * outcome per friend of a send, and a game's request to show the dialog. No tokens, no sessions.
 */
import type { InviteErrorCode } from './invite-send-text';

/** Longest optional message (the invite's `context`), as invite links carry it. */
export const maxInviteMessageLength = 256;

/** Most friends one send may name (the game channel's `invite-players` has the same cap). */
export const maxInvitesPerSend = 100;

/** One friend the player may invite. */
export interface InviteFriendView {
  readonly xuid: string;
  /** Untrusted text from the profile service; absent when unknown (the dialog shows the XUID). */
  readonly gamertag?: string;
  /** A picture the window's CSP allows (src/shared/sender-picture.ts), when there is one. */
  readonly pictureUrl?: string;
  /** From the presence service; absent when it did not say (privacy, or no presence service). */
  readonly online?: boolean;
}

/** The answer to "list my friends": the list, or why there is none. */
export type InviteDialogFriends =
  | { readonly ok: true; readonly friends: readonly InviteFriendView[] }
  | { readonly ok: false; readonly code: InviteErrorCode };

/** The outcome of one invite. `handleId` is what "Copy invite link" names. */
export type InviteSendOutcomeView =
  | { readonly xuid: string; readonly sent: true; readonly handleId: string }
  | { readonly xuid: string; readonly sent: false; readonly code: InviteErrorCode };

/** The answer to "send": one outcome per friend, or why nothing could be tried. */
export type InviteDialogSent =
  | { readonly ok: true; readonly outcomes: readonly InviteSendOutcomeView[] }
  | { readonly ok: false; readonly code: InviteErrorCode };

/** Main asks the window to show the dialog (the game asked for it over the game channel). */
export interface InviteDialogRequest {
  readonly requestedBy: 'game';
}
