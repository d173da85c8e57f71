/**
 * How a join ends badly, as the join machine records it, and the one rule for whether the player
 * may try again. The window shows Try again exactly when the machine accepts RETRY, and the machine
 * accepts it exactly when `mayTryAgain` says so, so the button and the machine cannot disagree.
 */
import type { JoinErrorCode } from '../../shared/join-view';
import { xuidLogLabel } from '../logging/log-labels';
import type { DirectoryError } from './directory-error';
import type { TokenError } from './token-provider';

/** A failed join: a closed code (the window's sentence) and a developer detail for the log. */
export interface JoinFailure {
  readonly code: JoinErrorCode;
  readonly message: string;
}

/**
 * Whether Try again is offered after a failure, decided per code because the player sees one
 * sentence per code: the same sentence always comes with the same buttons. Worth another try: a
 * momentary cause (network, load, a concurrent write, an unreadable answer, a game that did not
 * start) or the player's own cancel. Not worth it: the invite or session says no (expired, full,
 * not allowed), the sign-in itself is refused (signing in again is the remedy), the wrong account
 * is signed in (Switch account is the remedy), or the link is broken. Automatic retries are a
 * separate decision (the directory error's `retryable` and the retry policy).
 */
const tryAgainByCode: Readonly<Record<JoinErrorCode, boolean>> = {
  'invalid-link': false,
  'invite-expired': false,
  'session-full': false,
  'not-allowed': false,
  conflict: true,
  unauthorized: false,
  'wrong-account': false,
  'directory-unavailable': true,
  'rate-limited': true,
  'malformed-response': true,
  'game-failed': true,
  cancelled: true,
};

/** True when the player may try a failed join again (the machine then accepts RETRY). */
export function mayTryAgain(failure: JoinFailure): boolean {
  return tryAgainByCode[failure.code];
}

/** The player stopped the join. */
export const cancelledFailure: JoinFailure = {
  code: 'cancelled',
  message: 'The join was cancelled.',
};

/** A directory or token error as the view shows it (their codes are all join codes). */
export function failureFrom(error: DirectoryError | TokenError): JoinFailure {
  return { code: error.code, message: error.message };
}

/** The failure shown once the deadline or the policy ends a run of retryable errors. */
export function gaveUp(error: DirectoryError, attempts: number, budgetMs: number): JoinFailure {
  const code: JoinErrorCode =
    error.code === 'rate-limited' ? 'rate-limited' : 'directory-unavailable';
  const plural = attempts === 1 ? 'attempt' : 'attempts';
  return {
    code,
    message: `Gave up after ${attempts} ${plural} in ${Math.round(budgetMs / 1000)} s: ${error.message}`,
  };
}

/** The deadline passed before the directory answered any attempt. */
export function noAnswerWithin(budgetMs: number): JoinFailure {
  return {
    code: 'directory-unavailable',
    message: `The session directory did not answer within ${Math.round(budgetMs / 1000)} s.`,
  };
}

/** The token says another player is signed in than the one the invite is for. */
export function wrongAccount(invitedXuid: string, signedInXuid: string): JoinFailure {
  return {
    code: 'wrong-account',
    message: `The invite is for player ${xuidLogLabel(invitedXuid)}, but ${xuidLogLabel(signedInXuid)} is signed in.`,
  };
}
