/**
 * MPSD's fine-grained rate limiting: a burst window and a sustained window per user and title,
 * both sliding. A rejected request is not counted, so a client that honours `Retry-After` gets in.
 */
import type { RateLimitOptions } from './directory-options';

/** The limits MPSD documents: 30 requests per 15 s and 300 per 300 s, per user and title. */
export const mpsdRateLimits: RateLimitOptions = {
  burstRequests: 30,
  burstPeriodMs: 15_000,
  sustainedRequests: 300,
  sustainedPeriodMs: 300_000,
};

/** The MPSD 429 body plus the wait the client should honour. */
export interface RateLimitExceeded {
  readonly version: 1;
  readonly currentRequests: number;
  readonly maxRequests: number;
  readonly periodInSeconds: number;
  readonly limitType: 'Rate';
  readonly retryAfterSeconds: number;
}

/** Sliding-window log per key; memory is bounded by the larger window's request cap. */
export class RateLimiter {
  readonly #limits: RateLimitOptions;
  readonly #log = new Map<string, number[]>();
  #sweepAt = 0;

  constructor(limits: RateLimitOptions) {
    this.#limits = limits;
  }

  /** Records a request at `now` if it fits both windows, else says which window it exceeded. */
  take(key: string, now: number): RateLimitExceeded | undefined {
    const { burstRequests, burstPeriodMs, sustainedRequests, sustainedPeriodMs } = this.#limits;
    const longest = Math.max(burstPeriodMs, sustainedPeriodMs);
    this.#sweep(now, longest);
    let times = this.#log.get(key);
    if (!times) {
      times = [];
      this.#log.set(key, times);
    }
    let drop = 0;
    while (drop < times.length && (times[drop] ?? 0) <= now - longest) drop += 1;
    if (drop > 0) times.splice(0, drop);
    const windows: Array<[number, number]> = [
      [burstRequests, burstPeriodMs],
      [sustainedRequests, sustainedPeriodMs],
    ];
    for (const [max, period] of windows) {
      const inWindow = countSince(times, now - period);
      if (inWindow >= max) {
        const oldest = times[times.length - inWindow] ?? now;
        return {
          version: 1,
          currentRequests: inWindow + 1,
          maxRequests: max,
          periodInSeconds: Math.round(period / 1000),
          limitType: 'Rate',
          retryAfterSeconds: Math.max(1, Math.ceil((oldest + period - now) / 1000)),
        };
      }
    }
    times.push(now);
    return undefined;
  }

  /** Forgets idle keys now and then so a long-running directory does not grow without bound. */
  #sweep(now: number, longest: number): void {
    if (now < this.#sweepAt) return;
    this.#sweepAt = now + longest;
    for (const [key, times] of this.#log) {
      const last = times[times.length - 1];
      if (last === undefined || last <= now - longest) this.#log.delete(key);
    }
  }
}

/** Number of sorted timestamps strictly after `since`. */
function countSince(sorted: readonly number[], since: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] ?? 0) > since) high = mid;
    else low = mid + 1;
  }
  return sorted.length - low;
}
