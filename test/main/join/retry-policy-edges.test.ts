/**
 * Edges of the retry policy that the main suite's bounds checks let through (found by mutation
 * testing, docs/quality.md): the decorrelated step from the previous delay, Retry-After kept as a
 * floor whatever the random source says, and HTTP-dates that must start the header.
 */
import { describe, expect, it } from 'vitest';
import { nextRetryDelay, parseRetryAfter } from '../../../src/main/join/retry-policy';

const now = Date.parse('2026-11-27T09:00:00Z');
const deadline = now + 10 * 60_000;

describe('nextRetryDelay', () => {
  it('lets decorrelated jitter reach three times the previous delay, up to the cap', () => {
    const next = (previousDelayMs: number) =>
      nextRetryDelay({
        attempt: 2,
        error: { retryable: true },
        now,
        deadline,
        random: () => 0.999_999,
        previousDelayMs,
        policy: { jitter: 'decorrelated' },
      });
    expect(next(2_000)).toBe(6_000);
    expect(next(3_000)).toBe(8_000);
  });

  it('never waits less than Retry-After, even with a broken random source', () => {
    for (const value of [-5, -0.5, Number.NaN]) {
      const delay = nextRetryDelay({
        attempt: 1,
        error: { retryable: true, retryAfterMs: 5_000 },
        now,
        deadline,
        random: () => value,
      });
      expect(delay, String(value)).toBe(5_000);
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads the asctime form, which has no comma after the weekday', () => {
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', now)).toBe(0);
  });

  it('refuses a date with anything before its weekday', () => {
    expect(parseRetryAfter('x Wed, 21 Oct 2015 07:28:00 GMT', now)).toBeUndefined();
  });
});
