/**
 * One failed invite, typed: the code says what the player reads (src/shared/invite-send-text.ts),
 * the message is the developer's detail for logs and the game channel. Directory answers map here
 * in one place, so the command line, the game channel and the window agree on what went wrong.
 */
import type { InviteErrorCode } from '../../shared/invite-send-text';
import type { DirectoryError, DirectoryErrorCode } from '../join/directory-error';

export interface InviteFailure {
  readonly code: InviteErrorCode;
  readonly message: string;
  /** When the directory said how long to wait (rate limits). */
  readonly retryAfterMs?: number;
}

const codeOfDirectoryError: Readonly<Record<DirectoryErrorCode, InviteErrorCode>> = {
  'rate-limited': 'rate-limited',
  unauthorized: 'unauthorized',
  'malformed-response': 'malformed-response',
  'session-full': 'session-full',
  'not-allowed': 'not-allowed',
  'invite-expired': 'not-in-session',
  conflict: 'directory-unavailable',
  'directory-unavailable': 'directory-unavailable',
  cancelled: 'directory-unavailable',
};

/** A failure of a directory call made for an invite or a hosted session. */
export function inviteFailureOf(error: DirectoryError): InviteFailure {
  return {
    code: codeOfDirectoryError[error.code],
    message: error.message,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  };
}

/** The failure for a directory answer the caller did not expect (status and body excerpt). */
export function inviteFailureOfStatus(
  status: number,
  text: string,
  retryAfterMs?: number,
): InviteFailure {
  const detail = `directory answered ${status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`;
  if (status === 429) {
    return {
      code: 'rate-limited',
      message: detail,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (status === 403) return { code: 'not-allowed', message: detail };
  if (status === 404 || status === 410) return { code: 'not-in-session', message: detail };
  if (status === 401) return { code: 'unauthorized', message: detail };
  if (status >= 400 && status < 500) return { code: 'malformed-response', message: detail };
  return { code: 'directory-unavailable', message: detail };
}
