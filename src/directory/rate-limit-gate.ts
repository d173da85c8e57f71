/**
 * What the HTTP front needs of a rate limiter: take one request for a key, or say which window it
 * exceeded. The in-memory `RateLimiter` answers at once; a limiter shared by several directory
 * processes (`store/postgres-rate-limiter.ts`) answers with a promise.
 */
import type { Awaitable } from './awaitable';
import type { RateLimitExceeded } from './rate-limiter';

export interface RateLimitGate {
  take(key: string, now: number): Awaitable<RateLimitExceeded | undefined>;
}
