/**
 * Which buttons a join view offers, and which one is primary (it takes focus when an error
 * appears). Every finished state can be dismissed; in-progress states can be cancelled; Try again
 * (or Try now, during a countdown) appears exactly when the view says the machine accepts RETRY
 * (`canRetry`): the page never decides retryability on its own.
 */
import type { JoinView } from '../shared/join-view';

export type JoinAction = 'retry' | 'cancel' | 'switchAccount' | 'dismiss';

export interface JoinActions {
  readonly actions: readonly JoinAction[];
  readonly primary: JoinAction | undefined;
}

export function joinActions(view: JoinView): JoinActions {
  switch (view.phase) {
    case 'idle':
      return { actions: [], primary: undefined };
    case 'activating':
    case 'writingSession':
    case 'retrying':
    case 'joining':
      // During a countdown the machine is only waiting out a backoff: the player may skip it.
      return { actions: view.canRetry ? ['retry', 'cancel'] : ['cancel'], primary: 'cancel' };
    case 'joined':
      return { actions: ['dismiss'], primary: 'dismiss' };
    case 'failed': {
      if (view.error?.code === 'wrong-account')
        return { actions: ['switchAccount', 'dismiss'], primary: 'switchAccount' };
      if (view.canRetry) return { actions: ['retry', 'dismiss'], primary: 'retry' };
      return { actions: ['dismiss'], primary: 'dismiss' };
    }
  }
}
