/**
 * The next attempt attached to an attempt's outcome: decided once, from the policy, only for a
 * retryable failure, with the countdown starting at the moment the failure is seen.
 */
import { describe, expect, it } from 'vitest';
import { err, ok } from '../../../src/shared/result';
import { withNextAttempt, type RetryPolicy } from '../../../src/main/join/retry-delay';

const now = 1_000_000;
const deadlineAt = now + 20_000;

/** A policy that answers `delay` and records what it was asked. */
function recordingPolicy(delay: number | undefined) {
  const asked: Parameters<RetryPolicy>[0][] = [];
  const policy: RetryPolicy = (input) => {
    asked.push(input);
    return delay;
  };
  return { policy, asked };
}

describe('withNextAttempt', () => {
  it('schedules the next attempt of a retryable failure from the policy, counting from now', () => {
    const { policy, asked } = recordingPolicy(1_500);
    const error = { retryable: true, retryAfterMs: 1_000 };
    expect(withNextAttempt(err(error), 3, deadlineAt, policy, now)).toEqual({
      result: err(error),
      deadlineAt,
      next: { delayMs: 1_500, at: now + 1_500 },
    });
    expect(asked).toEqual([{ attempt: 3, error, now, deadline: deadlineAt }]);
  });

  it('gives up when the policy says there is no time left', () => {
    const { policy } = recordingPolicy(undefined);
    const outcome = withNextAttempt(err({ retryable: true }), 1, deadlineAt, policy, now);
    expect(outcome).toEqual({ result: err({ retryable: true }), deadlineAt });
  });

  it('never asks the policy about a success or a failure that is not retryable', () => {
    const { policy, asked } = recordingPolicy(1_500);
    expect(withNextAttempt(ok('joined'), 1, deadlineAt, policy, now)).toEqual({
      result: ok('joined'),
      deadlineAt,
    });
    expect(withNextAttempt(err({ retryable: false }), 1, deadlineAt, policy, now)).toEqual({
      result: err({ retryable: false }),
      deadlineAt,
    });
    expect(asked).toEqual([]);
  });
});
