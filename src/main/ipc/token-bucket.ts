/**
 * A token bucket for messages the renderer may send freely (its log lines): a burst is fine, a
 * page stuck in a loop must not fill the player's disk or drown main's own log lines.
 */
export interface TokenBucketOptions {
  /** Messages allowed at once. */
  readonly capacity: number;
  /** Messages regained per second. */
  readonly refillPerSecond: number;
  /** Epoch milliseconds; injectable so tests need no real waiting. */
  readonly now?: () => number;
}

export class TokenBucket {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;
  #dropped = 0;

  constructor(options: TokenBucketOptions) {
    this.#capacity = options.capacity;
    this.#refillPerMs = options.refillPerSecond / 1000;
    this.#now = options.now ?? Date.now;
    this.#tokens = options.capacity;
    this.#updatedAt = this.#now();
  }

  /** Takes one token; false when the bucket is empty (the message should be dropped). */
  take(): boolean {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#refillPerMs);
    this.#updatedAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    this.#dropped += 1;
    return false;
  }

  /** Returns how many were dropped since the last call, so the caller can log one summary line. */
  drainDropped(): number {
    const dropped = this.#dropped;
    this.#dropped = 0;
    return dropped;
  }
}
