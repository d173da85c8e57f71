/**
 * Who may read and write a session (docs/mpsd-protocol.md §6): visibility decides whether
 * outsiders may read or write at all, and for open sessions `closed`, `locked` and `joinRestriction` decide
 * whether an outsider may join. Handles change the answer: an invite lets its invitee past the join
 * restriction (but makes a closed session read-only), a transfer handle grants access outright.
 */
import type { CallerIdentity } from './dev-tokens';
import { memberStatus, type SessionRecord } from './session-record';

/** How the request reached the session. */
export type SessionAccess =
  | { readonly via: 'direct' }
  | { readonly via: 'invite'; readonly invitedXuid: string }
  | { readonly via: 'activity' }
  | { readonly via: 'transfer' };

/** A refusal with the player-readable reason MPSD would send as text/plain. */
export interface AccessDenied {
  readonly status: 403;
  readonly message: string;
}

const privateMessage =
  'The requested session cannot be accessed. The session is private and the calling user is neither a member nor reserved.';

/** Read access; undefined means allowed. */
export function checkRead(
  record: SessionRecord,
  caller: CallerIdentity,
  access: SessionAccess,
): AccessDenied | undefined {
  if (record.constantsSystem.visibility !== 'private') return undefined;
  if (access.via === 'transfer' || access.via === 'invite') return undefined;
  if (record.members.some((member) => member.xuid === caller.xuid)) return undefined;
  return { status: 403, message: privateMessage };
}

/** Whether an outsider may write the session at all (join or change its properties). */
export function checkOutsiderWrite(
  record: SessionRecord,
  access: SessionAccess,
): AccessDenied | undefined {
  if (access.via === 'transfer') return undefined;
  const visibility = record.constantsSystem.visibility;
  if (visibility === 'private') return { status: 403, message: privateMessage };
  if (visibility === 'visible') {
    return {
      status: 403,
      message:
        'The session is visible but not open: only its members and users with a reservation can write to it.',
    };
  }
  if (access.via === 'invite' && record.propertiesSystem.closed === true) {
    return {
      status: 403,
      message: 'The session is closed: the invite only allows reading it, not joining.',
    };
  }
  return undefined;
}

/** Whether an outsider may take a new seat in an open session. */
export function checkJoin(
  record: SessionRecord,
  caller: CallerIdentity,
  access: SessionAccess,
): AccessDenied | undefined {
  if (access.via === 'transfer') return undefined;
  if (record.propertiesSystem.closed === true) {
    return { status: 403, message: 'The session is closed to new members.' };
  }
  if (record.propertiesSystem.locked === true && !record.formerXuids.includes(caller.xuid)) {
    return {
      status: 403,
      message: 'The session is locked: only players who were already in it can join again.',
    };
  }
  const invited = access.via === 'invite' && access.invitedXuid === caller.xuid;
  if (invited) return undefined;
  const restriction = record.propertiesSystem.joinRestriction;
  if (restriction !== 'local' && restriction !== 'followed') return undefined;
  const sameDevice = record.members.some(
    (member) => memberStatus(member) === 'active' && member.deviceId === caller.deviceId,
  );
  if (sameDevice) return undefined;
  if (restriction === 'followed') {
    const followed = record.members.some(
      (member) => !member.reserved && (member.follows ?? []).includes(caller.xuid),
    );
    if (followed) return undefined;
    return {
      status: 403,
      message:
        'The join restriction is not met: the session only accepts players followed by one of its members.',
    };
  }
  return {
    status: 403,
    message:
      'The join restriction is not met: the session only accepts players on a device already in it.',
  };
}
