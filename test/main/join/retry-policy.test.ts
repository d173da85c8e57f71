import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultRetryPolicy,
  isRetryableStatus,
  nextRetryDelay,
  parseRetryAfter,
} from '../../../src/main/join/retry-policy';

const now = Date.parse('2026-11-27T09:00:00Z');
const farDeadline = now + 10 * 60_000;
const retryable = { retryable: true };
const always = (value: number) => () => value;

describe('nextRetryDelay', () => {
  it('grows the backoff ceiling exponentially up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) =>
      nextRetryDelay({ attempt, error: retryable, now, deadline: farDeadline, random: always(1) }),
    );
    expect(ceilings).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('keeps full jitter within [min, ceiling] for any random value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1 }), (attempt, r) => {
        const delay = nextRetryDelay({
          attempt,
          error: retryable,
          now,
          deadline: farDeadline,
          random: always(r),
        });
        const ceiling = Math.min(
          defaultRetryPolicy.maxDelayMs,
          defaultRetryPolicy.baseDelayMs * 2 ** (attempt - 1),
        );
        expect(delay).toBeGreaterThanOrEqual(defaultRetryPolicy.minDelayMs);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it('spreads delays across the jitter range', () => {
    const low = nextRetryDelay({
      attempt: 3,
      error: retryable,
      now,
      deadline: farDeadline,
      random: always(0),
    });
    const high = nextRetryDelay({
      attempt: 3,
      error: retryable,
      now,
      deadline: farDeadline,
      random: always(0.999),
    });
    expect(low).toBe(250);
    expect(high).toBeGreaterThan(3900);
  });

  it('keeps decorrelated jitter within [base, min(cap, 3 × max(base, previous))]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.double({ min: 0, max: 1 }),
        (previousDelayMs, r) => {
          const delay = nextRetryDelay({
            attempt: 2,
            error: retryable,
            now,
            deadline: farDeadline,
            random: always(r),
            previousDelayMs,
            policy: { jitter: 'decorrelated' },
          })!;
          expect(delay).toBeGreaterThanOrEqual(1000);
          expect(delay).toBeLessThanOrEqual(Math.min(8000, 3 * Math.max(1000, previousDelayMs)));
        },
      ),
    );
  });

  it('treats a broken random source as its nearest bound', () => {
    for (const r of [-1, 2, Number.NaN]) {
      const delay = nextRetryDelay({
        attempt: 2,
        error: retryable,
        now,
        deadline: farDeadline,
        random: always(r),
      });
      expect(delay).toBeGreaterThanOrEqual(250);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });

  it('waits at least Retry-After, at most 20 % more', () => {
    const error = { retryable: true, retryAfterMs: 5000 };
    const low = nextRetryDelay({
      attempt: 1,
      error,
      now,
      deadline: farDeadline,
      random: always(0),
    });
    const high = nextRetryDelay({
      attempt: 1,
      error,
      now,
      deadline: farDeadline,
      random: always(1),
    });
    expect(low).toBe(5000);
    expect(high).toBe(6000);
  });

  it('keeps the backoff when it is longer than Retry-After', () => {
    const error = { retryable: true, retryAfterMs: 0 };
    expect(
      nextRetryDelay({ attempt: 4, error, now, deadline: farDeadline, random: always(1) }),
    ).toBe(8000);
  });

  it('stops when the next attempt would start at or after the deadline', () => {
    const error = { retryable: true, retryAfterMs: 3000 };
    const random = always(0);
    expect(nextRetryDelay({ attempt: 1, error, now, deadline: now + 3001, random })).toBe(3000);
    expect(
      nextRetryDelay({ attempt: 1, error, now, deadline: now + 3000, random }),
    ).toBeUndefined();
    expect(
      nextRetryDelay({ attempt: 1, error: retryable, now, deadline: now, random }),
    ).toBeUndefined();
  });

  it('never retries a non-retryable failure', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.option(fc.nat()), (attempt, retryAfterMs) => {
        const error = { retryable: false, ...(retryAfterMs === null ? {} : { retryAfterMs }) };
        expect(nextRetryDelay({ attempt, error, now, deadline: farDeadline })).toBeUndefined();
      }),
    );
  });
});

describe('isRetryableStatus', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries %i', (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });
  it.each([400, 401, 403, 404, 409, 412, 501, 505])('does not retry %i', (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter(new Date(now + 7000).toUTCString(), now)).toBe(7000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:12 GMT', now)).toBe(12_000);
    expect(parseRetryAfter('Friday, 27-Nov-26 09:00:04 GMT', now)).toBe(4000);
  });

  it('reads the asctime form as UTC whatever the machine zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    try {
      expect(parseRetryAfter('Fri Nov 27 09:00:12 2026', now)).toBe(12_000);
      expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', Date.UTC(1994, 10, 6, 8, 49, 30))).toBe(
        7000,
      );
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfter('Fri, 27 Nov 2026 08:00:00 GMT', now)).toBe(0);
  });

  it('caps absurd values at one day', () => {
    expect(parseRetryAfter('99999999999', now)).toBe(86_400_000);
  });

  it.each([
    undefined,
    '',
    '1.5',
    '-3',
    'soon',
    'Fri, 99 Zzz 2026 GMT',
    '2026-11-27',
    // Dates Date.parse reads, in no HTTP-date shape: no zone or another zone, the year not last.
    'Fri Nov 27 2026 09:00:12',
    'Fri Nov 27 09:00:12 26',
    'Fri, 27 Nov 2026 09:00:12 +0900',
    'Fri, 27 Nov 2026 09:00:12 UTC',
  ])('refuses %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});
