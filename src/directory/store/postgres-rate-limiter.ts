/**
 * MPSD's rate limits (a burst and a sustained sliding window per user and title) shared by every
 * directory process on one database. Each key is one row holding the request times of its longest
 * window; one `INSERT … ON CONFLICT DO UPDATE` prunes, counts, decides and appends under the row's
 * lock, so two processes taking the same key at once are ordered by the database and the limits
 * hold exactly as in one process. A rejected request is not recorded, as in `RateLimiter`.
 */
import type { Pool } from 'pg';
import type { RateLimitOptions } from '../directory-options';
import type { RateLimitGate } from '../rate-limit-gate';
import type { RateLimitExceeded } from '../rate-limiter';

const takeSql = `
  INSERT INTO directory_rate_windows AS w (rate_key, times, taken)
  VALUES ($1, ARRAY[$2::bigint], true)
  ON CONFLICT (rate_key) DO UPDATE SET
    times = CASE
      WHEN (SELECT count(*) FROM unnest(w.times) AS t WHERE t > $2::bigint - $4::bigint) < $5
       AND (SELECT count(*) FROM unnest(w.times) AS t WHERE t > $2::bigint - $6::bigint) < $7
      THEN array_append(
        ARRAY(SELECT t FROM unnest(w.times) AS t WHERE t > $2::bigint - $3::bigint ORDER BY t),
        $2::bigint)
      ELSE ARRAY(SELECT t FROM unnest(w.times) AS t WHERE t > $2::bigint - $3::bigint ORDER BY t)
    END,
    taken = (SELECT count(*) FROM unnest(w.times) AS t WHERE t > $2::bigint - $4::bigint) < $5
       AND (SELECT count(*) FROM unnest(w.times) AS t WHERE t > $2::bigint - $6::bigint) < $7
  RETURNING times, taken`;

/** The answer for a rejected request, from the times kept in its window (oldest first). */
function exceededWindow(
  times: readonly number[],
  now: number,
  limits: RateLimitOptions,
): RateLimitExceeded | undefined {
  const windows: Array<[number, number]> = [
    [limits.burstRequests, limits.burstPeriodMs],
    [limits.sustainedRequests, limits.sustainedPeriodMs],
  ];
  for (const [max, period] of windows) {
    const inWindow = times.filter((time) => time > now - period);
    if (inWindow.length >= max) {
      const oldest = inWindow[0] ?? now;
      return {
        version: 1,
        currentRequests: inWindow.length + 1,
        maxRequests: max,
        periodInSeconds: Math.round(period / 1000),
        limitType: 'Rate',
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + period - now) / 1000)),
      };
    }
  }
  return undefined;
}

/** Rate limits kept in `directory_rate_windows`, shared by every process on the database. */
export class PostgresRateLimiter implements RateLimitGate {
  readonly #pool: Pool;
  readonly #limits: RateLimitOptions;
  #sweepAt = 0;

  constructor(pool: Pool, limits: RateLimitOptions) {
    this.#pool = pool;
    this.#limits = limits;
  }

  async take(key: string, now: number): Promise<RateLimitExceeded | undefined> {
    const { burstRequests, burstPeriodMs, sustainedRequests, sustainedPeriodMs } = this.#limits;
    const longest = Math.max(burstPeriodMs, sustainedPeriodMs);
    if (now >= this.#sweepAt) {
      // Keys idle for a whole window go now and then, so the table holds active users only.
      this.#sweepAt = now + longest;
      await this.#pool.query(
        'DELETE FROM directory_rate_windows WHERE times[array_upper(times, 1)] <= $1',
        [now - longest],
      );
    }
    const taken = await this.#pool.query<{ times: string[]; taken: boolean }>(takeSql, [
      key,
      now,
      longest,
      burstPeriodMs,
      burstRequests,
      sustainedPeriodMs,
      sustainedRequests,
    ]);
    const row = taken.rows[0];
    if (!row || row.taken) return undefined;
    return (
      exceededWindow(row.times.map(Number), now, this.#limits) ?? {
        // The database refused but the times it returned fit: only a clock far behind the other
        // processes' gets here. Refusing for a second keeps the limit rather than breaking it.
        version: 1,
        currentRequests: burstRequests + 1,
        maxRequests: burstRequests,
        periodInSeconds: Math.round(burstPeriodMs / 1000),
        limitType: 'Rate',
        retryAfterSeconds: 1,
      }
    );
  }
}
