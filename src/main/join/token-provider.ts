/**
 * Where the directory client gets the player's credentials. The client only ever asks
 * `getToken({ forceRefresh })`: a cached token normally, a freshly issued one after the directory
 * said 401. The local directory's development tokens come from {@link createDevTokenProvider}; a
 * studio plugs its Xbox user token / XSTS exchange in behind the same interface (docs/join-flow.md,
 * "Identity: the token provider").
 */
import got from 'got';
import * as z from 'zod';
import { err, ok, type Result } from '../../shared/result';
import { Secret } from '../account/secret';
import { rallypointUserAgent } from './user-agent';
import {
  classifyStatus,
  classifyTransportError,
  directoryError,
  type DirectoryError,
} from './directory-error';
import { parseRetryAfter } from './retry-policy';

/** One player's credentials for the session directory. */
export interface AccessToken {
  /** Whose token this is; the join machine compares it with the invite's XUID. */
  readonly xuid: string;
  /** The `uhs` claim that goes into `XBL3.0 x=<userHash>;<token>`. */
  readonly userHash: string;
  /** A `Secret`, so logging an AccessToken (or an object holding one) prints `[redacted]`. */
  readonly token: Secret;
}

/** Why no token could be had, in the same vocabulary as DirectoryError. */
export interface TokenError {
  readonly code:
    'unauthorized' | 'directory-unavailable' | 'rate-limited' | 'malformed-response' | 'cancelled';
  /** Developer-facing; never contains a token. */
  readonly message: string;
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
}

export interface TokenProvider {
  /**
   * `forceRefresh: false` may answer from a cache; `true` means the directory refused the last
   * token (401), so the provider must obtain a new one rather than hand back the same.
   */
  getToken(options: {
    forceRefresh: boolean;
    signal?: AbortSignal;
  }): Promise<Result<AccessToken, TokenError>>;
}

/**
 * Narrows a classified directory failure to the token vocabulary: an identity endpoint that
 * refuses (404, 403, 409, …) means this player cannot get a token, i.e. unauthorized.
 */
function toTokenError(error: DirectoryError): TokenError {
  const refused =
    // Stryker disable next-line ConditionalExpression,EqualityOperator: undefined is never >= 400, and a 500 is retryable, so neither the status check nor `<= 500` changes who is refused
    error.status !== undefined && error.status >= 400 && error.status < 500 && !error.retryable;
  const code = refused
    ? 'unauthorized'
    : // Stryker disable next-line ConditionalExpression: a failure that is not refused is always one of these four (only they can be retryable or statusless)
      error.code === 'directory-unavailable' ||
        error.code === 'rate-limited' ||
        error.code === 'malformed-response' ||
        error.code === 'cancelled'
      ? error.code
      : // Stryker disable next-line StringLiteral: unreachable, see above
        'unauthorized';
  return {
    code,
    message: error.message,
    retryable: refused ? false : error.retryable,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  };
}

const devTokenAnswer = z.object({
  xuid: z.string().regex(/^\d{1,20}$/),
  gamertag: z.string(),
  userHash: z.string().min(1),
  token: z.string().min(1),
  authorization: z.string().optional(),
});

/** `<baseUrl>/dev/tokens` (a path prefix is kept); undefined unless the base is http(s). */
function devTokensUrl(baseUrl: string): string | undefined {
  // Stryker disable BlockStatement: an emptied catch block returns undefined as well
  try {
    const url = new URL(`${baseUrl.replace(/\/+$/, '')}/dev/tokens`);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
// Stryker restore BlockStatement

export interface DevTokenProviderOptions {
  readonly baseUrl: string;
  readonly xuid: string;
  readonly gamertag: string;
  /** XUIDs this development identity follows (its friends, for inviting). */
  readonly follows?: readonly string[];
  /** Per-request timeout in milliseconds. Default 5000. */
  readonly attemptTimeoutMs?: number;
}

/**
 * Development identities from the local directory (`POST /dev/tokens`). The token is cached until
 * a forced refresh. Dev tokens only work against the directory that issued them: a studio's
 * production build plugs a real provider in instead.
 */
export function createDevTokenProvider(options: DevTokenProviderOptions): TokenProvider {
  const endpoint = devTokensUrl(options.baseUrl);
  const timeoutMs = options.attemptTimeoutMs ?? 5000;
  let cached: AccessToken | undefined;

  async function issue(signal: AbortSignal | undefined): Promise<Result<AccessToken, TokenError>> {
    if (endpoint === undefined) {
      const message = 'directory URL is not http(s)';
      return err({ code: 'directory-unavailable', message, retryable: false });
    }
    const callerSignal = signal ?? new AbortController().signal;
    // Read again after the request: Node 20 holds a timeout signal and the inputs of
    // AbortSignal.any() weakly, so one nothing else refers to can be collected before it fires.
    const timeout = AbortSignal.timeout(timeoutMs);
    const attemptSignal = AbortSignal.any([callerSignal, timeout]);
    let response;
    try {
      response = await got.post(endpoint, {
        body: JSON.stringify({
          xuid: options.xuid,
          gamertag: options.gamertag,
          ...(options.follows?.length ? { follows: options.follows } : {}),
        }),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': rallypointUserAgent(),
        },
        signal: attemptSignal,
        // Stryker disable next-line ObjectLiteral: got retries no POST by default either; the limit says so
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        responseType: 'text',
      });
    } catch (error) {
      const timedOut = timeout.aborted && !callerSignal.aborted;
      return err(
        // Stryker disable next-line BooleanLiteral: `write` only sets `ambiguous`, which a TokenError does not carry
        toTokenError(classifyTransportError(error, { write: false, callerSignal, timedOut })),
      );
    }
    if (response.statusCode !== 200 && response.statusCode !== 201) {
      const retryAfter = parseRetryAfter(response.headers['retry-after'], Date.now());
      const failure = classifyStatus({
        status: response.statusCode,
        text: response.body,
        // Stryker disable next-line BooleanLiteral: `write` only sets `ambiguous`, which a TokenError does not carry
        write: false,
        // Stryker disable next-line ConditionalExpression: a retryAfterMs of undefined is left out by directoryError too
        ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
      });
      return err(toTokenError(failure));
    }
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      return err(
        toTokenError(directoryError('malformed-response', 'dev token answer is not JSON')),
      );
    }
    const parsed = devTokenAnswer.safeParse(json);
    if (!parsed.success || parsed.data.xuid !== options.xuid) {
      const problem = directoryError('malformed-response', 'dev token answer has the wrong shape');
      return err(toTokenError(problem));
    }
    const { xuid, userHash, token } = parsed.data;
    return ok({ xuid, userHash, token: new Secret(token) });
  }

  /** The unforced request in flight: callers at the same moment (the join and the sender lookup) share it. */
  let issuing: Promise<Result<AccessToken, TokenError>> | undefined;

  return {
    async getToken({ forceRefresh, signal }) {
      if (signal?.aborted) {
        return err({ code: 'cancelled', message: 'token request aborted', retryable: false });
      }
      if (!forceRefresh && cached !== undefined) return ok(cached);
      if (!forceRefresh && issuing !== undefined) return issuing;
      // Stryker disable next-line ConditionalExpression: an unforced call gets here only when nothing is cached
      if (forceRefresh) cached = undefined;
      const request = issue(signal).then((result) => {
        if (result.ok) cached = result.value;
        return result;
      });
      if (!forceRefresh) {
        issuing = request;
        void request.finally(() => {
          // Stryker disable next-line ConditionalExpression: no other unforced request can start while this one is `issuing`
          if (issuing === request) issuing = undefined;
        });
      }
      return request;
    },
  };
}
