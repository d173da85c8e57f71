/**
 * The development-identity cap on PostgreSQL: one row per identity issued (its expiry only; the
 * token itself is signed and kept by nobody), counted under the row lock of a single gate row so
 * two workers issuing at the same moment cannot both take the last place. Issuing is rare (once
 * per player and lifetime), so its four round trips cost nothing that matters.
 */
import type { Pool } from 'pg';
import type { CapDecision, DevIdentityCap } from '../dev-identity-cap';

/** Counts live identities and adds one if there is room, in one statement (under the gate lock). */
const takeSql = `
  WITH purged AS (DELETE FROM directory_dev_identities WHERE expires_at <= $1),
       live AS (SELECT count(*) AS held, min(expires_at) AS next
                FROM directory_dev_identities WHERE expires_at > $1),
       added AS (INSERT INTO directory_dev_identities (expires_at)
                 SELECT $2 FROM live WHERE live.held < $3 RETURNING 1)
  SELECT (SELECT count(*) FROM added)::int AS added, live.next::text AS next FROM live`;

/** Identities counted in `directory_dev_identities`, shared by every process on the database. */
export class PostgresDevIdentityCap implements DevIdentityCap {
  readonly #pool: Pool;
  readonly #lifetimeMs: number;

  constructor(pool: Pool, lifetimeMs: number) {
    this.#pool = pool;
    this.#lifetimeMs = lifetimeMs;
  }

  async take(now: number, max: number): Promise<CapDecision> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      // Every statement after this lock sees the commits of the issuers before it.
      await client.query('SELECT id FROM directory_dev_identity_gate WHERE id = 1 FOR UPDATE');
      const taken = await client.query<{ added: number; next: string | null }>(takeSql, [
        now,
        now + this.#lifetimeMs,
        max,
      ]);
      await client.query('COMMIT');
      const row = taken.rows[0];
      if (row && row.added > 0) return { ok: true };
      return { ok: false, nextExpiry: row?.next == null ? undefined : Number(row.next) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
