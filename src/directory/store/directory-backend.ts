/**
 * Opens what a `StoreSpec` names: the session store, the dev-token registry, the rate limiter and
 * the session change feed that go with it, plus a readiness probe and one `close` that drains it
 * all. In memory everything is this process's own; on PostgreSQL all of it is shared by every
 * directory process on the database, which is what lets several workers serve one set of sessions.
 */
import pg from 'pg';
import { registryCap, type DevIdentityCap } from '../dev-identity-cap';
import {
  DevTokenRegistry,
  defaultDevIdentityLifetimeMs,
  type DevTokenRegistryOptions,
} from '../dev-tokens';
import type { RateLimitOptions, StoreFeatures } from '../directory-options';
import { MemorySessionStore } from '../memory-session-store';
import type { RateLimitGate } from '../rate-limit-gate';
import { RateLimiter } from '../rate-limiter';
import type { SessionStore } from '../session-store';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from './embedded-postgres-server';
import { migrate } from './postgres-migrations';
import { PostgresDevIdentityCap } from './postgres-dev-identity-cap';
import { PostgresRateLimiter } from './postgres-rate-limiter';
import { PostgresSessionStore } from './postgres-session-store';
import {
  LocalSessionChangeFeed,
  PostgresSessionChangeFeed,
  type SessionChangeFeed,
} from './session-change-feed';
import { loadTokenSecret, SignedDevTokenRegistry } from './signed-dev-tokens';
import { describeStore, type StoreSpec } from './store-spec';

/** Everything the directory keeps, opened. */
export interface DirectoryBackend {
  readonly store: SessionStore;
  readonly tokens: DevTokenRegistry;
  readonly changes: SessionChangeFeed;
  /** The store as logs may name it (no password). */
  readonly description: string;
  /** The PostgreSQL store's conflict counters, when the store is PostgreSQL. */
  readonly postgres?: PostgresSessionStore;
  /** What an in-memory store holds now (`/statsz`); absent where the database counts it. */
  held?(): { readonly sessions: number; readonly handles: number };
  rateLimiter(limits: RateLimitOptions): RateLimitGate;
  /** Counts development identities against their cap (shared by every process on PostgreSQL). */
  readonly devIdentityCap: DevIdentityCap;
  /** Whether the store answers now (the readiness endpoint). */
  ready(): Promise<boolean>;
  /** Ends the change feed and drains the pool (waiting for queries in flight), then stops an embedded server. */
  close(): Promise<void>;
}

export interface BackendOptions {
  /** Connections in this process's pool (default 10). */
  readonly poolSize?: number;
  /** Progress and errors of the store; never given a password. */
  readonly log?: (line: string) => void;
  /** Skip migrations (a supervisor that already ran them before starting its workers). */
  readonly skipMigrations?: boolean;
  /** The dev-token registry's clock and token lifetime. */
  readonly tokens?: DevTokenRegistryOptions;
  /** PostgreSQL features to do without (engines that lack them). */
  readonly features?: StoreFeatures;
}

/** The in-memory backend: the embedded default, gone when the process ends. */
export function memoryBackend(
  store: SessionStore = new MemorySessionStore(),
  tokenOptions: DevTokenRegistryOptions = {},
): DirectoryBackend {
  const changes = new LocalSessionChangeFeed();
  const tokens = new DevTokenRegistry(tokenOptions);
  return {
    store: changes.wrap(store),
    ...(store instanceof MemorySessionStore ? { held: () => store.size } : {}),
    tokens,
    devIdentityCap: registryCap(tokens),
    changes,
    description: 'memory',
    rateLimiter: (limits) => new RateLimiter(limits),
    ready: async () => true,
    close: () => changes.close(),
  };
}

/**
 * A pool on `url` whose idle-connection errors are logged rather than crashing the process. Its
 * connections pipeline (`pg`'s `pipeline`): a statement sent while another is in flight goes out
 * at once instead of waiting, which lets a locked session write send `BEGIN` with its `SELECT …
 * FOR UPDATE` and `COMMIT` with its write. Statements sent one at a time behave as without it.
 */
export function createPool(url: string, size: number, log: (line: string) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    pipeline: true,
    max: size,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => log(`postgres pool: idle connection failed (${error.message})`));
  return pool;
}

/** Opens the backend a spec names: migrations run before it resolves. */
export async function openBackend(
  spec: StoreSpec,
  options: BackendOptions = {},
): Promise<DirectoryBackend> {
  const log = options.log ?? (() => undefined);
  if (spec.kind === 'memory') return memoryBackend(undefined, options.tokens);
  let embedded: EmbeddedPostgresServer | undefined;
  let url: string;
  if (spec.kind === 'embedded-postgres') {
    embedded = await startEmbeddedPostgres({ dataDir: spec.dataDir, log });
    url = embedded.url;
  } else {
    url = spec.url;
  }
  const pool = createPool(url, options.poolSize ?? 10, log);
  try {
    const listenNotify = options.features?.listenNotify ?? true;
    const advisoryLock = options.features?.advisoryLocks ?? true;
    if (!options.skipMigrations) {
      const report = await migrate(pool, undefined, { advisoryLock, log });
      log(
        `postgres schema at version ${report.current}${report.applied.length > 0 ? ` (applied ${report.applied.join(', ')})` : ''}`,
      );
    }
    const secret = await loadTokenSecret(pool);
    const postgres = new PostgresSessionStore(pool, { notify: listenNotify });
    let changes: SessionChangeFeed;
    let store: SessionStore = postgres;
    if (listenNotify) {
      changes = await PostgresSessionChangeFeed.open(url, log, (id) => postgres.forgetHandle(id), {
        pool,
      });
    } else {
      // No NOTIFY on this engine: the feed hears this process's own writes only.
      const local = new LocalSessionChangeFeed();
      store = local.wrap(postgres);
      changes = local;
      log('change feed: LISTEN/NOTIFY off, each process hears only its own session writes');
    }
    return {
      store,
      postgres,
      tokens: new SignedDevTokenRegistry(secret, options.tokens),
      changes,
      description: describeStore(spec),
      rateLimiter: (limits) => new PostgresRateLimiter(pool, limits),
      devIdentityCap: new PostgresDevIdentityCap(
        pool,
        options.tokens?.lifetimeMs ?? defaultDevIdentityLifetimeMs,
      ),
      async ready() {
        try {
          await pool.query('SELECT 1');
          return true;
        } catch {
          return false;
        }
      },
      async close() {
        await changes.close();
        await pool.end();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}
