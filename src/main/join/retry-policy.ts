/**
 * When to try a session write again, as pure functions of the failure, the clock and a random
 * source. The join machine is the only layer that retries (got's own retry is off), so it shows the
 * player an honest countdown; this module decides how long that countdown is.
 *
 * Shape: exponential backoff with jitter so many launchers recovering from the same outage do not
 * hit the directory in lock-step, a `Retry-After` from the directory as a floor (it knows its load
 * better than we do), and never an attempt that would start after the join's deadline.
 */

/** HTTP statuses worth another attempt: timeouts, throttling and transient server trouble. */
const retryableStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** True for statuses a later attempt may succeed at; network errors are retryable too. */
export function isRetryableStatus(status: number): boolean {
  return retryableStatuses.has(status);
}

/** `full`: uniform in [min, backoff]. `decorrelated`: uniform in [base, 3 × previous delay]. */
export type JitterKind = 'full' | 'decorrelated';

export interface RetryPolicyOptions {
  /** First backoff step in milliseconds. Default 1000. */
  readonly baseDelayMs?: number;
  /** No backoff delay is longer than this (Retry-After may be). Default 8000. */
  readonly maxDelayMs?: number;
  /** No delay is shorter than this, so a retry never hammers. Default 250. */
  readonly minDelayMs?: number;
  /** Default `full`. */
  readonly jitter?: JitterKind;
  /** Upper bound of the extra spread added on top of Retry-After, as a fraction. Default 0.2. */
  readonly retryAfterSpread?: number;
}

/** Defaults chosen for a 20 s join deadline: up to four or five visible attempts. */
export const defaultRetryPolicy: Required<RetryPolicyOptions> = {
  baseDelayMs: 1000,
  maxDelayMs: 8000,
  minDelayMs: 250,
  jitter: 'full',
  retryAfterSpread: 0.2,
};

/** The parts of a failure the policy looks at; a DirectoryError fits. */
export interface RetryableFailure {
  readonly retryable: boolean;
  /** The directory's Retry-After, already converted to milliseconds from now. */
  readonly retryAfterMs?: number;
}

export interface NextRetryInput {
  /** 1-based number of the attempt that just failed. */
  readonly attempt: number;
  readonly error: RetryableFailure;
  /** Epoch milliseconds now. */
  readonly now: number;
  /** Epoch milliseconds after which no attempt may start. */
  readonly deadline: number;
  /** Uniform in [0, 1); inject a fixed sequence in tests. Default Math.random. */
  readonly random?: () => number;
  /** The delay chosen before this one; only decorrelated jitter uses it. */
  readonly previousDelayMs?: number;
  readonly policy?: RetryPolicyOptions;
}

/**
 * Milliseconds to wait before the next attempt, or undefined when there must not be one: the
 * failure is not retryable, or the next attempt would start at or after the deadline.
 */
export function nextRetryDelay(input: NextRetryInput): number | undefined {
  if (!input.error.retryable) return undefined;
  const policy = { ...defaultRetryPolicy, ...input.policy };
  const random = input.random ?? Math.random;
  const backoff = backoffDelay(input.attempt, policy, random, input.previousDelayMs);
  const retryAfter = input.error.retryAfterMs;
  const delay =
    retryAfter === undefined
      ? backoff
      : Math.max(backoff, retryAfter * (1 + policy.retryAfterSpread * clampUnit(random())));
  const rounded = Math.ceil(delay);
  return input.now + rounded < input.deadline ? rounded : undefined;
}

function backoffDelay(
  attempt: number,
  policy: Required<RetryPolicyOptions>,
  random: () => number,
  previousDelayMs: number | undefined,
): number {
  const { baseDelayMs, maxDelayMs, minDelayMs } = policy;
  // Each kind names its own branch, so the default kind is what the policy runs, not a fallback.
  switch (policy.jitter) {
    case 'decorrelated': {
      const previous = Math.max(previousDelayMs ?? baseDelayMs, baseDelayMs);
      const high = Math.min(maxDelayMs, previous * 3);
      return Math.max(minDelayMs, baseDelayMs + (high - baseDelayMs) * clampUnit(random()));
    }
    case 'full': {
      const exponent = Math.max(0, Math.min(attempt - 1, 30));
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** exponent);
      return Math.max(minDelayMs, minDelayMs + (ceiling - minDelayMs) * clampUnit(random()));
    }
  }
}

/** Keeps an injected random source from pushing a delay outside its bounds. */
function clampUnit(value: number): number {
  // Stryker disable next-line EqualityOperator: at exactly 0 both spellings return 0
  if (!Number.isFinite(value) || value < 0) return 0;
  // Stryker disable next-line EqualityOperator: at exactly 1 both spellings return 1
  return value >= 1 ? 1 : value;
}

/** Retry-After is never trusted beyond this: a hostile or broken header cannot park a join. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Converts a `Retry-After` header (delta seconds or an HTTP-date, RFC 9110 §10.2.3) to
 * milliseconds from `now`. Undefined when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  // Stryker disable next-line ConditionalExpression,StringLiteral: an empty value fails both patterns below too
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  // HTTP-dates (all three RFC 9110 forms) start with a weekday; "1.5" or "-3" are refused.
  if (!/^[A-Za-z]{3,9},?\s/.test(value)) return undefined;
  // Every HTTP-date is UTC (RFC 9110 §5.6.7). Two forms end in "GMT"; the asctime form
  // ("Sun Nov  6 08:49:37 1994") names no zone and ends in its year, and Date.parse would read it
  // as local time, so it is read as GMT. A date in any other shape is not an HTTP-date.
  let utcText: string;
  if (value.endsWith(' GMT')) utcText = value;
  else if (/ \d{4}$/.test(value)) utcText = `${value} GMT`;
  else return undefined;
  const at = Date.parse(utcText);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}
