/**
 * Which buttons a join view offers, and which one is primary (it takes focus when an error
 * appears). Every finished state can be dismissed; in-progress states can be cancelled (and a
 * retry countdown skipped); a failure offers the one remedy that fits its code.
 */
import type { JoinErrorCode, JoinView } from '../shared/join-view';

export type JoinAction = 'retry' | 'cancel' | 'switchAccount' | 'dismiss';

export interface JoinActions {
  readonly actions: readonly JoinAction[];
  readonly primary: JoinAction | undefined;
}

/**
 * Failures worth another try even when the machine did not mark them retryable: the cause is
 * momentary (network, load, a concurrent write, a game that failed to start) or the player's own
 * cancel.
 */
export const transientCodes: ReadonlySet<JoinErrorCode> = new Set<JoinErrorCode>([
  'directory-unavailable',
  'rate-limited',
  'conflict',
  'malformed-response',
  'game-failed',
  'cancelled',
]);

export function joinActions(view: JoinView): JoinActions {
  switch (view.phase) {
    case 'idle':
      return { actions: [], primary: undefined };
    case 'activating':
    case 'writingSession':
    case 'joining':
      return { actions: ['cancel'], primary: 'cancel' };
    case 'retrying':
      // The machine is only waiting out a backoff: the player may skip the wait.
      return { actions: ['retry', 'cancel'], primary: 'cancel' };
    case 'joined':
      return { actions: ['dismiss'], primary: 'dismiss' };
    case 'failed': {
      const error = view.error;
      if (error?.code === 'wrong-account')
        return { actions: ['switchAccount', 'dismiss'], primary: 'switchAccount' };
      if (error && (error.retryable || transientCodes.has(error.code)))
        return { actions: ['retry', 'dismiss'], primary: 'retry' };
      return { actions: ['dismiss'], primary: 'dismiss' };
    }
  }
}
