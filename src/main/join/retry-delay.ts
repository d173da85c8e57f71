/**
 * The wait the join machine shows before another attempt, decided once when an attempt ends: the
 * guard that chooses "count down" and the countdown itself read the same number, even with random
 * jitter. Sign-in and session writes share it, and so does leaving a session.
 */
import type { Result } from '../../shared/result';
import type { RetryableFailure } from './retry-policy';

/**
 * When to try again after a failure: milliseconds to wait, or undefined to give up (not
 * retryable, or the deadline would pass). `nextRetryDelay` (retry-policy.ts) is the production policy.
 */
export type RetryPolicy = (input: {
  readonly attempt: number;
  /** A directory or token failure (both say whether they are retryable, and Retry-After). */
  readonly error: RetryableFailure;
  readonly now: number;
  readonly deadline: number;
}) => number | undefined;

/** A scheduled next attempt: how long the countdown is and when it ends (epoch milliseconds). */
export interface NextAttempt {
  readonly delayMs: number;
  readonly at: number;
}

/** One attempt's result, the deadline it ran under, and the next attempt when there may be one. */
export interface AttemptOutcome<T, E extends RetryableFailure> {
  readonly result: Result<T, E>;
  readonly deadlineAt: number;
  readonly next?: NextAttempt;
}

/**
 * Attaches the next attempt to a retryable failure when the policy allows one before `deadlineAt`.
 * `now` is read once, after the attempt, so the countdown starts when the player sees the failure.
 */
export function withNextAttempt<T, E extends RetryableFailure>(
  result: Result<T, E>,
  attempt: number,
  deadlineAt: number,
  policy: RetryPolicy,
  now: number,
): AttemptOutcome<T, E> {
  if (result.ok || !result.error.retryable) return { result, deadlineAt };
  const delayMs = policy({ attempt, error: result.error, now, deadline: deadlineAt });
  return delayMs === undefined
    ? { result, deadlineAt }
    : { result, deadlineAt, next: { delayMs, at: now + delayMs } };
}
