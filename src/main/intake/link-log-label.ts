/**
 * How a link appears in logs. A link's query holds player XUIDs and whatever a web page chose to
 * put there, so the log names at most the scheme, the action and the first 8 characters of the
 * handle: enough to follow one invite through the log, nothing more.
 */
import type { Invite } from '../../shared/invite';

/** `rallypoint://inviteHandleAccept handle=d7853aa1…` */
export function inviteLogLabel(invite: Invite, scheme: string, action: string): string {
  return `${scheme.toLowerCase()}://${action} handle=${invite.handleId.slice(0, 8)}…`;
}

/** Just the handle prefix, for decisions about an invite already described once. */
export function handleLogLabel(handleId: string): string {
  return `handle=${handleId.slice(0, 8)}…`;
}
