/**
 * The one way handing a join to the game fails, in its own module: the hand-off
 * (`game-hand-off.ts`), the process it starts (`game-process.ts`) and the connection lookup
 * (`game-connection.ts`) all answer it, and the join machine turns it into "leave the session".
 */

/** The hand-off's only failure: the renderer explains it as "the game could not join". */
export interface GameFailure {
  readonly code: 'game-failed';
  readonly message: string;
}
