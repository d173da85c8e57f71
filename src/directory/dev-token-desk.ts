/**
 * `POST /dev/tokens`, bounded. Development identities let anyone who reaches the directory act as
 * any player, so the endpoint is only open when the directory listens on loopback or was started
 * with `--dev-identities`; it is rate limited per client address; it holds at most `max`
 * identities (expired ones are forgotten first; counted across processes on PostgreSQL); and every XUID follows the invite parser's rule
 * (1 to 2^64 − 1, leading zeros dropped), so no identity exists that no invite could name.
 */
import * as z from 'zod';
import { canonicalXuid } from '../shared/invite-link';
import { andThen, type Awaitable } from './awaitable';
import type { DevIdentityCap } from './dev-identity-cap';
import type { DevTokenRegistry } from './dev-tokens';
import type { DirectoryAnswer } from './directory-answer';
import type { RateLimiter } from './rate-limiter';
import { parseDevTokenRequest } from './request-schemas';

/** Default cap on identities held at once: about 4 MB of the launcher's memory. */
export const defaultMaxDevIdentities = 10_000;

/** Default issue limits per client address: 60 per 10 s, 600 per 10 minutes. */
export const devTokenRateLimits = {
  burstRequests: 60,
  burstPeriodMs: 10_000,
  sustainedRequests: 600,
  sustainedPeriodMs: 600_000,
} as const;

export interface DevTokenDeskOptions {
  readonly registry: DevTokenRegistry;
  readonly enabled: boolean;
  readonly max: number;
  /** Counts identities against `max`: the registry's own in memory, a table on PostgreSQL. */
  readonly cap: DevIdentityCap;
  /** Undefined when rate limits are off. */
  readonly limiter: RateLimiter | undefined;
  readonly defaultTitleId: string;
  readonly clock: { now(): number };
  /** Where the directory listens, for the message of a refusal. */
  readonly listenHost: string;
}

const text = (status: number, message: string, headers?: Record<string, string>) =>
  ({ kind: 'text', status, message, headers }) as const satisfies DirectoryAnswer;

export class DevTokenDesk {
  readonly #options: DevTokenDeskOptions;

  constructor(options: DevTokenDeskOptions) {
    this.#options = options;
  }

  /** The refusal to send before the body is read, or undefined to go on. */
  admit(clientAddress: string | undefined): DirectoryAnswer | undefined {
    const { enabled, limiter, clock, listenHost } = this.#options;
    if (!enabled) {
      return text(
        403,
        `Development identities are off: this directory listens on ${listenHost}, not on a loopback address. Start it with --dev-identities to issue them.`,
      );
    }
    const exceeded = limiter?.take(`dev-tokens:${clientAddress ?? '?'}`, clock.now());
    if (exceeded) {
      return text(
        429,
        `Too many development identities asked for: at most ${exceeded.maxRequests} per ${exceeded.periodInSeconds} s.`,
        { 'retry-after': String(exceeded.retryAfterSeconds) },
      );
    }
    return undefined;
  }

  /** Issues an identity for a parsed body (at once in memory; after the count on PostgreSQL). */
  issue(body: unknown): Awaitable<DirectoryAnswer> {
    const parsed = parseDevTokenRequest(body);
    if (!parsed.success) {
      return text(400, `The request body is invalid: ${z.prettifyError(parsed.error)}`);
    }
    const xuid = canonicalXuid(parsed.data.xuid);
    if (xuid === undefined) return text(400, 'xuid must be a XUID from 1 to 18446744073709551615.');
    const follows: string[] = [];
    for (const followed of parsed.data.follows ?? []) {
      const canonical = canonicalXuid(followed);
      if (canonical === undefined) {
        return text(400, 'follows must list XUIDs from 1 to 18446744073709551615.');
      }
      follows.push(canonical);
    }
    const { registry, max, clock, defaultTitleId, cap } = this.#options;
    const now = clock.now();
    return andThen(cap.take(now, max), (decision): DirectoryAnswer => {
      if (!decision.ok) {
        const wait = Math.max(1, Math.ceil(((decision.nextExpiry ?? now + 60_000) - now) / 1000));
        return text(
          429,
          `The directory already holds its maximum of ${max} development identities; one expires in ${wait} s.`,
          { 'retry-after': String(wait) },
        );
      }
      const issued = registry.issue({
        ...parsed.data,
        xuid,
        follows,
        titleId: parsed.data.titleId ?? defaultTitleId,
      });
      return { kind: 'json', status: 201, body: issued };
    });
  }
}
