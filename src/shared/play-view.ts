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
  /** e.g. `exit code 3`, `stopped by SIGSEGV`, `its program was not found`. */
  readonly description: string;
}

export interface PlayView {
  readonly phase: PlayPhase;
  readonly pid?: number;
  readonly session?: PlaySession;
  /** How the previous game ended; set when back at idle. */
  readonly lastExit?: PlayExit;
}

export const idlePlayView: PlayView = { phase: 'idle' };
