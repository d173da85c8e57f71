/**
 * The directory's PostgreSQL schema as numbered migrations, applied at start. Every process that
 * opens the store calls `migrate`; a transaction-scoped advisory lock makes concurrent starts (the
 * workers of one machine, or directories on several machines) apply each migration exactly once,
 * and `schema_migrations` records which versions a database has. Migrations are append-only: a
 * shipped one is never edited, a change is a new version.
 */
import type { Pool } from 'pg';

/** One schema step. `sql` runs inside the migration transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Plain tables, text primary keys, `bigint` epoch milliseconds and `bigint[]`: all of it runs on
 * PostgreSQL 13+, CockroachDB and YugabyteDB. Records are stored as JSON text the directory parses
 * itself: `jsonb` would reorder a session's custom keys and cost a parse on every write.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'sessions, handles, rate windows and the token secret',
    sql: `
      CREATE TABLE directory_sessions (
        session_key text PRIMARY KEY,
        revision text NOT NULL,
        record text NOT NULL
      );
      CREATE TABLE directory_handles (
        handle_id text PRIMARY KEY,
        owner_key text,
        expires_at bigint NOT NULL,
        record text NOT NULL
      );
      CREATE INDEX directory_handles_owner ON directory_handles (owner_key);
      CREATE INDEX directory_handles_expiry ON directory_handles (expires_at);
      CREATE TABLE directory_rate_windows (
        rate_key text PRIMARY KEY,
        times bigint[] NOT NULL,
        taken boolean NOT NULL
      );
      CREATE TABLE directory_secrets (
        name text PRIMARY KEY,
        secret text NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'handle queries: who a handle is for, by type and SCID',
    sql: `
      ALTER TABLE directory_handles ADD COLUMN party_key text;
      ALTER TABLE directory_handles ADD COLUMN created_at bigint NOT NULL DEFAULT 0;
      CREATE INDEX directory_handles_party ON directory_handles (party_key, created_at);
    `,
  },
  {
    version: 3,
    name: 'development identities counted across processes, under one gate row',
    sql: `
      CREATE TABLE directory_dev_identities (
        id bigserial PRIMARY KEY,
        expires_at bigint NOT NULL
      );
      CREATE INDEX directory_dev_identities_expiry ON directory_dev_identities (expires_at);
      CREATE TABLE directory_dev_identity_gate (id integer PRIMARY KEY);
      INSERT INTO directory_dev_identity_gate (id) VALUES (1);
    `,
  },
  {
    version: 4,
    name: 'sessions indexed by when their next timer is due, so the sweep reads only those',
    sql: `
      -- A row written without it (one from before this column) is due at once: the next sweep
      -- visits it and stores its real next timer, or none. No UPDATE after the ALTER: CockroachDB
      -- refuses a write to a column added in the same transaction.
      ALTER TABLE directory_sessions ADD COLUMN due_at bigint DEFAULT 0;
      CREATE INDEX directory_sessions_due ON directory_sessions (due_at) WHERE due_at IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: 'sessions say until when some process follows them, so only those writes NOTIFY',
    sql: `
      -- Set by a process whose subscribers follow the session (session-change-feed.ts) and renewed
      -- while they do; a write announces itself with pg_notify only while it lies ahead.
      ALTER TABLE directory_sessions ADD COLUMN watched_until timestamptz;
    `,
  },
];

/** An arbitrary constant naming the directory's migration lock among other advisory locks. */
const migrationLockId = 7_170_017;

/** What `migrate` did, for the start log line. */
export interface MigrationReport {
  readonly applied: readonly number[];
  readonly current: number;
}

/** How `migrate` keeps concurrent migrators apart. */
export interface MigrateOptions {
  /**
   * Serialise migrators with `pg_advisory_xact_lock` (default true). Off for engines without
   * working advisory locks (CockroachDB's are stubs in most releases; YugabyteDB's arrived late): a
   * migrator that collides with another then fails its transaction on the duplicate table or
   * version row, rolls back, and tries again, finding the work done.
   */
  readonly advisoryLock?: boolean;
  /** Told of each collision retried without the lock. */
  readonly log?: (line: string) => void;
}

/**
 * SQLSTATEs two migrators without the lock can get from each other: unique violation (the
 * version row, or a catalog row of a table both create), duplicate table, serialization failure,
 * deadlock. Anything else is a real error and fails at once.
 */
const collisionCodes = new Set(['23505', '42P07', '40001', '40P01']);

/**
 * Applies every migration the database lacks, in order, in one transaction holding the advisory
 * lock; a second process waits for the lock and then finds nothing left to do. Without the lock
 * (`advisoryLock: false`) a colliding migrator retries instead (up to 20 times).
 */
export async function migrate(
  pool: Pool,
  steps: readonly Migration[] = migrations,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const locked = options.advisoryLock ?? true;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await migrateOnce(pool, steps, locked);
    } catch (error) {
      const code = (error as { code?: unknown } | undefined)?.code;
      if (locked || typeof code !== 'string' || !collisionCodes.has(code) || attempt >= 20)
        throw error;
      options.log?.(`migrations collided with another process (${code}); trying again`);
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
    }
  }
}

async function migrateOnce(
  pool: Pool,
  steps: readonly Migration[],
  locked: boolean,
): Promise<MigrationReport> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (locked) await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockId]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const done = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const have = new Set(done.rows.map((row) => Number(row.version)));
    const applied: number[] = [];
    for (const step of [...steps].sort((a, b) => a.version - b.version)) {
      if (have.has(step.version)) continue;
      await client.query(step.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        step.version,
        step.name,
      ]);
      applied.push(step.version);
    }
    await client.query('COMMIT');
    const current = Math.max(0, ...have, ...applied);
    return { applied, current };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
