/**
 * How a join ends badly (src/main/join/join-failure.ts): the sentences the log and the developer
 * detail carry when the machine gives up, and the one Try again rule per code.
 */
import { describe, expect, it } from 'vitest';
import { directoryError } from '../../../src/main/join/directory-error';
import {
  cancelledFailure,
  failureFrom,
  gaveUp,
  mayTryAgain,
  noAnswerWithin,
  wrongAccount,
} from '../../../src/main/join/join-failure';

describe('join failure', () => {
  it('gives up with the attempts counted (one attempt, singular) and the budget in seconds', () => {
    const down = directoryError('directory-unavailable', 'directory answered 503', { status: 503 });
    expect(gaveUp(down, 1, 20_000)).toEqual({
      code: 'directory-unavailable',
      message: 'Gave up after 1 attempt in 20 s: directory answered 503',
    });
    expect(gaveUp(down, 3, 7_600)).toEqual({
      code: 'directory-unavailable',
      message: 'Gave up after 3 attempts in 8 s: directory answered 503',
    });
  });

  it('keeps rate-limited when throttling ended the run; any other retryable cause is unavailable', () => {
    const throttled = directoryError('rate-limited', 'slow down', { status: 429 });
    expect(gaveUp(throttled, 2, 20_000).code).toBe('rate-limited');
    const refused = directoryError('directory-unavailable', 'connection refused');
    expect(gaveUp(refused, 2, 20_000).code).toBe('directory-unavailable');
  });

  it('says the directory did not answer within the budget, in seconds', () => {
    expect(noAnswerWithin(20_000)).toEqual({
      code: 'directory-unavailable',
      message: 'The session directory did not answer within 20 s.',
    });
    expect(noAnswerWithin(1_499).message).toBe('The session directory did not answer within 1 s.');
  });

  it('carries a directory error over with its code and message only', () => {
    const full = directoryError('session-full', 'the session is full', { status: 403 });
    expect(failureFrom(full)).toEqual({ code: 'session-full', message: 'the session is full' });
  });

  it('names the two players of a wrong-account failure by their log labels only', () => {
    const failure = wrongAccount('2814616402722312', '2814650950488554');
    expect(failure.code).toBe('wrong-account');
    expect(failure.message).not.toContain('2814616402722312');
    expect(failure.message).not.toContain('2814650950488554');
  });

  it('offers Try again after a cancel, and never after a refusal retrying cannot fix', () => {
    expect(mayTryAgain(cancelledFailure)).toBe(true);
    expect(mayTryAgain({ code: 'session-full', message: 'x' })).toBe(false);
  });

  it.each([
    // A broken link stays broken (the launcher shows it as a failed view of its own).
    'invalid-link',
    'invite-expired',
    'not-allowed',
    'unauthorized',
    'wrong-account',
  ] as const)('offers no Try again after %s: retrying cannot change the answer', (code) => {
    expect(mayTryAgain({ code, message: 'x' })).toBe(false);
  });

  it.each([
    'conflict',
    'directory-unavailable',
    'rate-limited',
    'malformed-response',
    'game-failed',
  ] as const)('offers Try again after %s: a momentary cause', (code) => {
    expect(mayTryAgain({ code, message: 'x' })).toBe(true);
  });
});
