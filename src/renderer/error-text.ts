/**
 * Which catalogue sentences explain an error code. Main and the page ship together, but a
 * recent-invites file written by another version (or a future code) must still render as a
 * sentence, never as a raw key or a crash, so unknown codes get a generic explanation.
 */
import { joinErrorCodes, type JoinErrorCode } from '../shared/join-view';
import type { TextKey } from './i18n/catalogue';

export interface ErrorText {
  readonly title: TextKey;
  readonly body: TextKey;
  /** A few words, for the outcome badge on the home screen. */
  readonly short: TextKey;
}

const known: ReadonlySet<string> = new Set(joinErrorCodes);

function isJoinErrorCode(code: unknown): code is JoinErrorCode {
  return typeof code === 'string' && known.has(code);
}

export function errorText(code: unknown): ErrorText {
  if (!isJoinErrorCode(code))
    return {
      title: 'error.unknown.title',
      body: 'error.unknown.body',
      short: 'error.unknown.short',
    };
  return {
    title: `error.${code}.title`,
    body: `error.${code}.body`,
    short: `error.${code}.short`,
  };
}
