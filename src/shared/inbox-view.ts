/**
 * What the launcher's inbox shows, as one flat JSON-safe value: the invites sent to the signed-in
 * player and the joinable activities of people they follow, newest first. Main builds it
 * (src/main/inbox), the window draws it and `rallypoint invites` prints it; it never carries a
 * token. Names and `context` come from other players and have already passed the player-text rule
 * (src/shared/player-text.ts); the window still shows them only as text.
 */

/** One invite or activity the player can accept. */
export interface InboxItem {
  /** `invite`: an invite handle sent to the player; `join`: a followed player's activity. */
  readonly kind: 'invite' | 'join';
  /** Lower-case GUID of the handle; accepting writes by it, declining deletes it. */
  readonly handleId: string;
  /** The sender (invite) or the followed player (activity). */
  readonly fromXuid: string;
  /** Their gamertag when the profile service named them; absent: the window says "a friend". */
  readonly from?: string;
  /** Their picture, only a URL the window's CSP allows (src/shared/sender-picture.ts). */
  readonly pictureUrl?: string;
  /** The game's title ID, as the handle gives it. */
  readonly titleId?: string;
  /** The invite's context text (what the sender's game says it is about), when there is one. */
  readonly context?: string;
  readonly membersCount?: number;
  readonly maxMembersCount?: number;
  /** Epoch milliseconds when the handle was posted. */
  readonly postedAt: number;
  /** Epoch milliseconds when the handle expires. */
  readonly expiresAt: number;
}

/** Why the inbox could not be read; the window and the command line say it in player words. */
export type InboxErrorCode =
  | 'not-signed-in'
  | 'unauthorized'
  | 'rate-limited'
  | 'directory-unavailable'
  | 'malformed-response';

export interface InboxView {
  /**
   * `signed-out`: nobody to ask for; `loading`: the first query is under way; `ready`: `items` is
   * current; `failed`: the last query failed, `items` is what the one before it found.
   */
  readonly state: 'signed-out' | 'loading' | 'ready' | 'failed';
  readonly items: readonly InboxItem[];
  readonly error?: InboxErrorCode;
  /**
   * The first run after install: the newest pending invite, offered at once as the join card
   * (one click joins). Absent on any other run, and once it was accepted or declined.
   */
  readonly firstRunOffer?: InboxItem;
}

/** The inbox before anything is known. */
export const emptyInboxView: InboxView = { state: 'loading', items: [] };
