/**
 * The five steps a player sees, and each one's status, derived from the join view alone. The
 * machine reports a phase, not a step, so the failed step is inferred from the error code: each
 * code belongs to exactly one stage of the journey.
 */
import type { JoinErrorCode, JoinView } from '../shared/join-view';

export const joinSteps = [
  'received',
  'signingIn',
  'joiningSession',
  'startingGame',
  'inGame',
] as const;

export type JoinStep = (typeof joinSteps)[number];
export type StepStatus = 'done' | 'inProgress' | 'pending' | 'failed';

export interface StepState {
  readonly step: JoinStep;
  readonly status: StepStatus;
}

const failedStepByCode: Readonly<Record<JoinErrorCode, number>> = {
  'invalid-link': 0,
  'wrong-account': 1,
  unauthorized: 1,
  'invite-expired': 2,
  'session-full': 2,
  'not-allowed': 2,
  conflict: 2,
  'directory-unavailable': 2,
  'rate-limited': 2,
  'malformed-response': 2,
  'game-failed': 3,
  // Cancelling before the first write stops at sign-in; after it, in the session step.
  cancelled: 2,
};

/** Index of the step in progress (or, for `failed`, the step that failed); 5 when all are done. */
function currentStepIndex(view: JoinView): number {
  switch (view.phase) {
    case 'idle':
    case 'activating':
      return 1;
    case 'writingSession':
    case 'retrying':
      return 2;
    case 'joining':
      return 3;
    case 'joined':
      return joinSteps.length;
    case 'failed': {
      const code = view.error?.code;
      if (code === undefined) return 2;
      if (code === 'cancelled' && view.attempt === 0) return 1;
      // A code this page does not know (another version) is shown at the session step.
      return failedStepByCode[code] ?? 2;
    }
  }
}

export function stepStates(view: JoinView): StepState[] {
  const current = currentStepIndex(view);
  const failed = view.phase === 'failed';
  return joinSteps.map((step, index) => ({
    step,
    status:
      index < current
        ? 'done'
        : index > current
          ? 'pending'
          : failed
            ? 'failed'
            : view.phase === 'idle'
              ? 'pending'
              : 'inProgress',
  }));
}
