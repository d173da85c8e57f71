/**
 * The flat, JSON-safe picture of one invite activation that every observer sees: the renderer (over
 * IPC), the command line (`--json` prints one per line) and tests. It is derived from the join
 * machine's snapshot and never carries tokens, raw links or live objects, so it can cross any
 * process boundary as it is.
 */

/** Where an activation stands. `retrying` shows a countdown to `nextRetryAt`. */
export type JoinPhase =
  'idle' | 'activating' | 'writingSession' | 'retrying' | 'joining' | 'joined' | 'failed';

/**
 * Every way a join can end badly, each with one meaning a player can act on. The renderer owns the
 * sentence shown for each code; `message` on the error is the developer-facing detail.
 */
export const joinErrorCodes = [
  'invalid-link',
  'invite-expired',
  'session-full',
  'not-allowed',
  'conflict',
  'unauthorized',
  'wrong-account',
  'directory-unavailable',
  'rate-limited',
  'malformed-response',
  'game-failed',
  'cancelled',
] as const;

export type JoinErrorCode = (typeof joinErrorCodes)[number];

export interface JoinView {
  readonly phase: JoinPhase;
  /**
   * True when the join machine accepts RETRY right now, so the window offers Try again (after a
   * failure) or Try now (during a countdown). The machine decides; the window never second-guesses.
   */
  readonly canRetry: boolean;
  /** 1-based number of the current write attempt; 0 before the first. */
  readonly attempt: number;
  /** Epoch milliseconds of the next attempt while `phase` is `retrying`. */
  readonly nextRetryAt?: number;
  readonly invite?: {
    readonly kind: 'invite' | 'join';
    readonly handleId: string;
    /**
     * The sender's gamertag once known (the profile service answered, or the session names them);
     * absent until then, and the window says "a friend". Never a XUID. Untrusted text from
     * another player: shown only as text.
     */
    readonly from?: string;
    /**
     * The sender's picture once the profile service gave one the window's CSP allows
     * (`https://` on the Xbox picture host, or the local directory's own loopback origin).
     */
    readonly pictureUrl?: string;
  };
  readonly session?: {
    readonly membersCount: number;
    readonly maxMembersCount: number;
    readonly hostGamertag?: string;
  };
  readonly error?: {
    readonly code: JoinErrorCode;
    /** Developer-facing detail; the window shows the catalogue's sentence for `code` instead. */
    readonly message: string;
  };
}

/** The view before any invite arrives. */
export const idleJoinView: JoinView = { phase: 'idle', attempt: 0, canRetry: false };
