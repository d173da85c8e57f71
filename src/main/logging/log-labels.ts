/**
 * How logs name invites, handles and players: enough to follow one invite from link to game,
 * nothing more. A handle id grants access to its session, a link's query holds XUIDs and whatever
 * a web page chose to put there, and XUIDs identify people, so every module logs through these.
 */
import type { Invite } from '../../shared/invite';

/** `handle=d7853aa1…`: the first 8 characters of a handle id. */
export function handleLogLabel(handleId: string): string {
  return `handle=${handleId.slice(0, 8)}…`;
}

/** `rallypoint://inviteHandleAccept handle=d7853aa1…`: scheme, action and handle prefix only. */
export function inviteLogLabel(invite: Invite, scheme: string, action: string): string {
  return `${scheme.toLowerCase()}://${action} ${handleLogLabel(invite.handleId)}`;
}

/** `xuid …2312`: the last 4 digits of a player's XUID. */
export function xuidLogLabel(xuid: string): string {
  return `xuid …${xuid.slice(-4)}`;
}
