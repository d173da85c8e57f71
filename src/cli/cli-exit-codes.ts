/**
 * The command line's exit codes: one per error class, so scripts and CI can branch on what went
 * wrong without parsing text. The table is part of the public interface (docs/join-flow.md,
 * "Command line"); codes are never reused for a different meaning.
 */
import type { JoinErrorCode } from '../shared/join-view';

export const exitCodes = {
  joined: 0,
  internalError: 1,
  usage: 2,
  invalidLink: 3,
  invalidConfig: 4,
  directoryStart: 5,
} as const;

/** Exit code for each way a join can fail. */
export const joinErrorExitCodes: Readonly<Record<JoinErrorCode, number>> = {
  'invalid-link': exitCodes.invalidLink,
  'invite-expired': 10,
  'session-full': 11,
  'not-allowed': 12,
  conflict: 13,
  unauthorized: 14,
  'wrong-account': 15,
  'directory-unavailable': 20,
  'rate-limited': 21,
  'malformed-response': 22,
  'game-failed': 30,
  // 128 + SIGINT: what shells report for a command stopped with Ctrl-C.
  cancelled: 130,
};
