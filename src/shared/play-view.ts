/**
 * What the window (and `rallypoint play --json`) shows about Play: the game starting, playing (in
 * which session, with whom), or back home with how the last game ended when it crashed. Main
 * builds it (src/main/game/play-controller.ts); it carries no secrets and no process handles.
 */

export type PlayPhase = 'idle' | 'starting' | 'playing';

/** A player in the game's session. */
export interface PlayMember {
  readonly xuid: string;
  readonly gamertag?: string;
  readonly host: boolean;
}

export interface PlaySession {
  readonly sessionRef: string;
  /** `host` when the game hosts it (itself or through the launcher), `member` when it joined one. */
  readonly role: 'host' | 'member';
  readonly members: readonly PlayMember[];
}

export interface PlayExit {
  /** True for a non-zero exit, a signal or a failed start the launcher did not ask for. */
  readonly crashed: boolean;
  /** e.g. `exit code 3`, `stopped by SIGSEGV`, `its program was not found` (logs, command line). */
  readonly description: string;
  /** The same end as data, so the window can say it in the player's language. */
  readonly reason?: PlayExitReason;
}

/** How a game ended: its exit code, a signal, or a start that failed (and why). */
export type PlayExitReason =
  | { readonly kind: 'exit-code'; readonly code: number | null }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'not-executable' }
  | { readonly kind: 'start-failed' };

export interface PlayView {
  readonly phase: PlayPhase;
  readonly pid?: number;
  readonly session?: PlaySession;
  /** How the previous game ended; set when back at idle. */
  readonly lastExit?: PlayExit;
}

export const idlePlayView: PlayView = { phase: 'idle' };
