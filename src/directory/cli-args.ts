/**
 * Parses `npm run directory` flags into `DirectoryOptions`. Every option of `startDirectory` has a
 * flag, and a bad value is a typed error naming the flag, never a half-configured server.
 */
import { parseArgs } from 'node:util';
import type { DirectoryOptions, FaultOptions, RateLimitOptions } from './directory-options';
import { err, ok, type Result } from '../shared/result';

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
  --log-requests               print one line per request (method, path, status, time, caller)
  --help                       print this text`;

/** What the command line asked for: the help text, or a directory with these options. */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'start'; readonly options: DirectoryOptions; readonly logRequests: boolean };

const numberFlags = {
  port: { min: 0, max: 65535, integer: true },
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
} as const;

type NumberFlag = keyof typeof numberFlags;

/** Parses argv (without node and the script); a bad flag is an error naming it, never a throw. */
export function parseDirectoryArgs(argv: readonly string[]): Result<CliCommand, string> {
  let values: Record<string, string | boolean | undefined>;
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
        'no-rate-limits': { type: 'boolean' },
        'log-requests': { type: 'boolean' },
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
  return ok({
    kind: 'start',
    logRequests: values['log-requests'] === true,
    options: {
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
    },
  });
}
