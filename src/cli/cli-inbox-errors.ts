/**
 * What `rallypoint invites` and `rallypoint activate --invite N` say and exit with when the inbox
 * cannot be read: the join's exit codes for the same meanings (docs/join-flow.md, "Command line").
 */
import type { InboxErrorCode } from '../shared/inbox-view';
import { joinErrorExitCodes, signInErrorExitCodes } from './cli-exit-codes';

/** Exit code per inbox failure: the join's codes for the same meaning. */
export const inboxErrorExitCodes: Readonly<Record<InboxErrorCode, number>> = {
  'not-signed-in': signInErrorExitCodes['not-signed-in'],
  unauthorized: joinErrorExitCodes.unauthorized,
  'rate-limited': joinErrorExitCodes['rate-limited'],
  'directory-unavailable': joinErrorExitCodes['directory-unavailable'],
  'malformed-response': joinErrorExitCodes['malformed-response'],
};

/** What the player reads for each inbox failure. */
export const inboxErrorText: Readonly<Record<InboxErrorCode, string>> = {
  'not-signed-in': 'nobody is signed in: run `rallypoint sign-in` or pass --xuid',
  unauthorized: 'the session directory did not accept this account',
  'rate-limited': 'the session directory asked to slow down; try again in a minute',
  'directory-unavailable': 'the session directory could not be reached',
  'malformed-response': 'the session directory answered something unexpected',
};
