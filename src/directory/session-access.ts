/**
 * Who may read and write a session (docs/mpsd-protocol.md §6): visibility decides whether
 * outsiders may read or write at all, `readRestriction` which outsiders may read, and for open
 * sessions `closed`, `locked` and `joinRestriction` whether an outsider may join. Handles change the
 * answer: an invite lets its invitee read and past the join restriction (but makes a closed session
 * read-only), a transfer handle grants access outright. The `userAuthorizationStyle` capability
 * makes both restrictions default to `local`, as MPSD does.
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

export type Restriction = 'none' | 'local' | 'followed';

/** A session's join or read restriction, with MPSD's default. */
export function restrictionOf(
  record: SessionRecord,
  name: 'joinRestriction' | 'readRestriction',
): Restriction {
  const set = record.propertiesSystem[name];
  if (set === 'none' || set === 'local' || set === 'followed') return set;
  const capabilities = record.constantsSystem.capabilities as Record<string, boolean> | undefined;
  return capabilities?.userAuthorizationStyle === true ? 'local' : 'none';
}

/** Whether the caller is on the device of one of the session's active members. */
function onMemberDevice(record: SessionRecord, caller: CallerIdentity): boolean {
  return record.members.some(
    (member) => memberStatus(member) === 'active' && member.deviceId === caller.deviceId,
  );
}

/** Whether an accepted (not reserved) member follows the caller. */
function followedByMember(record: SessionRecord, caller: CallerIdentity): boolean {
  return record.members.some(
    // Stryker disable next-line ArrayDeclaration: a filler entry matches no XUID (XUIDs are digits)
    (member) => !member.reserved && (member.follows ?? []).includes(caller.xuid),
  );
}

/**
 * Read access; undefined means allowed. Members and reserved users always read; an invite's invitee
 * and a transfer handle's user too. Everyone else needs a non-private session and to meet its
 * `readRestriction`.
 */
export function checkRead(
  record: SessionRecord,
  caller: CallerIdentity,
  access: SessionAccess,
): AccessDenied | undefined {
  if (access.via === 'transfer') return undefined;
  // Stryker disable next-line ConditionalExpression: only an invite carries invitedXuid, so `via` adds nothing at run time
  if (access.via === 'invite' && access.invitedXuid === caller.xuid) return undefined;
  if (record.members.some((member) => member.xuid === caller.xuid)) return undefined;
  if (record.constantsSystem.visibility === 'private')
    return { status: 403, message: privateMessage };
  return restrictionDenial(record, caller, 'readRestriction', {
    followed:
      'The read restriction is not met: only members, reserved users and players followed by a member can read this session.',
    local:
      'The read restriction is not met: only members, reserved users and players on a device already in the session can read it.',
  });
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
  // Stryker disable next-line ConditionalExpression: as in checkRead, only an invite carries invitedXuid
  const invited = access.via === 'invite' && access.invitedXuid === caller.xuid;
  if (invited) return undefined;
  return restrictionDenial(record, caller, 'joinRestriction', {
    followed:
      'The join restriction is not met: the session only accepts players followed by one of its members.',
    local:
      'The join restriction is not met: the session only accepts players on a device already in it.',
  });
}

/**
 * The 403 of a join or read restriction the caller does not meet, else undefined: `none` admits
 * everyone, a device already in the session always passes, `followed` also admits players a member
 * follows, and `local` no one else. One rule for both restrictions, as MPSD applies them.
 */
function restrictionDenial(
  record: SessionRecord,
  caller: CallerIdentity,
  which: 'joinRestriction' | 'readRestriction',
  messages: { readonly followed: string; readonly local: string },
): AccessDenied | undefined {
  const restriction = restrictionOf(record, which);
  if (restriction === 'none' || onMemberDevice(record, caller)) return undefined;
  if (restriction === 'followed') {
    return followedByMember(record, caller)
      ? undefined
      : { status: 403, message: messages.followed };
  }
  return { status: 403, message: messages.local };
}
