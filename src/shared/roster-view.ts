/**
 * The live roster of the session the player is in, as main pushes it to the window
 * (`session:roster`). Names are other players' text, already cleaned (player-text.ts); the window
 * shows them only as text. Pictures are URLs the window's CSP allows (sender-picture.ts).
 */

/** One member as the window shows it. */
export interface RosterMember {
  /** Stable within a session (the member's index), for keyed redraws. */
  readonly key: string;
  /** The member's gamertag; absent when unknown (the window says "a player"). */
  readonly gamertag?: string;
  readonly pictureUrl?: string;
  readonly isHost: boolean;
  /** The signed-in player. */
  readonly isYou: boolean;
  /** What MPSD says the member is doing; `reserved` has a seat but has not joined yet. */
  readonly status: 'active' | 'ready' | 'reserved' | 'inactive';
}

/** No session followed, the session as last read, or the session gone (deleted, or no longer readable). */
export type RosterView =
  | { readonly state: 'none' }
  | {
      readonly state: 'live';
      /** The session's change number this view was read at; a newer one always wins. */
      readonly changeNumber: number;
      readonly members: readonly RosterMember[];
      readonly seatsUsed: number;
      readonly seatsMax: number;
    }
  | { readonly state: 'ended' };

/** The roster before any session is joined. */
export const noRosterView: RosterView = { state: 'none' };

/** Most members a roster view lists (MPSD's largest non-large session is 100). */
export const maxRosterMembers = 100;
