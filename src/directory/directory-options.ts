/**
 * Options and result of `startDirectory`, the local MPSD-compatible session directory. The command
 * line (`npm run directory`) maps its flags one to one onto these options, so a test, the launcher's
 * embedded default and a developer's terminal all start the same server the same way.
 */

/** A source of the current time in epoch milliseconds; tests inject one to move timers forward. */
export interface Clock {
  now(): number;
}

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
}

/** A player identity, as the demo seed hands it out. */
export interface DemoPlayer {
  readonly xuid: string;
  readonly gamertag: string;
}

/** An MPSD session reference. */
export interface SessionRef {
  readonly scid: string;
  readonly templateName: string;
  readonly name: string;
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
  /** Stops listening and ends open connections; resolves once the server is closed. */
  close(): Promise<void>;
}
