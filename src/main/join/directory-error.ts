/**
 * The closed set of ways a session directory call can fail, each with one meaning a player can act
 * on, and the mapping from HTTP answers and transport failures onto it. Both the directory client
 * and the token provider classify through here, so "what does a 403 mean" has one answer.
 */
import type { JoinErrorCode } from '../../shared/join-view';
import { isRetryableStatus } from './retry-policy';

/** Directory failure codes; each is also a JoinErrorCode the window has a sentence for. */
export type DirectoryErrorCode = Extract<
  JoinErrorCode,
  | 'invite-expired'
  | 'session-full'
  | 'not-allowed'
  | 'conflict'
  | 'unauthorized'
  | 'directory-unavailable'
  | 'rate-limited'
  | 'malformed-response'
  | 'cancelled'
>;

export interface DirectoryError {
  readonly code: DirectoryErrorCode;
  /** Developer-facing detail; never contains a token. */
  readonly message: string;
  readonly status?: number;
  readonly retryable: boolean;
  /** The directory's Retry-After in milliseconds from when the answer arrived. */
  readonly retryAfterMs?: number;
  /** The write may have been committed even though its answer was lost or unusable. */
  readonly ambiguous: boolean;
}

/** Builds a DirectoryError, filling `retryable` from the code and status unless given. */
export function directoryError(
  code: DirectoryErrorCode,
  message: string,
  details: {
    readonly status?: number;
    readonly retryAfterMs?: number;
    readonly ambiguous?: boolean;
    readonly retryable?: boolean;
  } = {},
): DirectoryError {
  const retryable = details.retryable ?? defaultRetryable(code, details.status);
  return {
    code,
    message,
    retryable,
    ambiguous: details.ambiguous ?? false,
    ...(details.status === undefined ? {} : { status: details.status }),
    ...(details.retryAfterMs === undefined ? {} : { retryAfterMs: details.retryAfterMs }),
  };
}

function defaultRetryable(code: DirectoryErrorCode, status: number | undefined): boolean {
  if (code === 'rate-limited') return true;
  if (code !== 'directory-unavailable') return false;
  return status === undefined || isRetryableStatus(status);
}

/** What the classifier needs to know about a non-success answer. */
export interface FailedAnswer {
  readonly status: number;
  /** Up to a few hundred characters of the body, for the message and the full/closed test. */
  readonly text: string;
  readonly retryAfterMs?: number;
  /** True for writes: a 5xx after the body was sent may hide a committed write. */
  readonly write: boolean;
  /** When the body was a readable session (403 and 412 may carry one): is it at capacity? */
  readonly sessionFull?: boolean;
}

/** Credentials a misbehaving directory might echo back in an error body. */
const echoedCredential = /XBL3\.0\s+x=\S*|\bBearer\s+\S+/gi;

/**
 * Short, single-line excerpt of a body for developer messages. Anything shaped like a credential is
 * cut out: messages end up in logs, and a directory could echo the Authorization header.
 */
export function excerpt(text: string, limit = 200): string {
  const line = text.replace(echoedCredential, '[redacted]').replace(/\s+/g, ' ').trim();
  return line.length > limit ? `${line.slice(0, limit)}…` : line;
}

/**
 * Maps a non-2xx answer (other than the 401 and 412 the client resolves itself) to its code.
 * MPSD has no distinct "session full" status, so a 403 counts as full when the session it carries
 * is at capacity or its message says so; otherwise the session is closed or private to us.
 */
export function classifyStatus(answer: FailedAnswer): DirectoryError {
  const { status, write } = answer;
  const detail = excerpt(answer.text);
  const message = `directory answered ${status}${detail === '' ? '' : `: ${detail}`}`;
  const retryAfterMs = answer.retryAfterMs;
  if (status === 404 || status === 410)
    return directoryError('invite-expired', message, { status });
  if (status === 403) {
    const full = answer.sessionFull === true || /\bfull\b/i.test(answer.text);
    return directoryError(full ? 'session-full' : 'not-allowed', message, { status });
  }
  if (status === 401) return directoryError('unauthorized', message, { status });
  if (status === 409 || status === 412) return directoryError('conflict', message, { status });
  if (status === 429) return directoryError('rate-limited', message, { status, retryAfterMs });
  if (status === 400 && /handle/i.test(answer.text)) {
    return directoryError('invite-expired', message, { status });
  }
  if (status >= 500 || status === 408) {
    return directoryError('directory-unavailable', message, {
      status,
      retryAfterMs,
      ambiguous: write && status >= 500,
    });
  }
  // 3xx (redirects are not followed: they could carry the token elsewhere) and other 4xx mean
  // this directory does not speak the protocol we do; trying again will not change that.
  return directoryError('directory-unavailable', `unexpected answer: ${message}`, {
    status,
    retryable: false,
  });
}

/** Transport failures that happen before a request can have reached the server. */
const beforeSendCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/**
 * Maps a thrown transport error (got's RequestError, or anything else) to a DirectoryError.
 * `cancelled` wins whenever the caller's signal fired, whatever the error looks like; an attempt
 * timeout or a dropped connection during a write is ambiguous.
 */
export function classifyTransportError(
  error: unknown,
  context: {
    readonly write: boolean;
    readonly callerSignal: AbortSignal;
    readonly timedOut: boolean;
  },
): DirectoryError {
  if (context.callerSignal.aborted) {
    return directoryError('cancelled', 'request aborted by the caller');
  }
  const code = errorCode(error);
  if (context.timedOut || code === 'ETIMEDOUT') {
    return directoryError('directory-unavailable', 'no answer within the attempt timeout', {
      ambiguous: context.write,
    });
  }
  const text = error instanceof Error ? error.message : String(error);
  return directoryError('directory-unavailable', `network error ${code ?? ''}: ${excerpt(text)}`, {
    // Stryker disable next-line ConditionalExpression: the before-send codes do not hold undefined either
    ambiguous: context.write && (code === undefined || !beforeSendCodes.has(code)),
  });
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
