/**
 * Who may read, write and join a session, as the pure rule the directory applies on every request
 * (mpsd-protocol.md §6). The HTTP suites (read-restrictions, write-permissions) prove the rule is
 * wired in; these pin each branch and each refusal message on its own, which found permission
 * mistakes those suites could not see (mutation testing, docs/quality.md).
 */
import { describe, expect, it } from 'vitest';
import type { CallerIdentity } from '../../src/directory/dev-tokens';
import {
  checkJoin,
  checkOutsiderWrite,
  checkRead,
  restrictionOf,
  type SessionAccess,
} from '../../src/directory/session-access';
import type { MemberRecord, SessionRecord } from '../../src/directory/session-record';
import { memberRecordOf } from './session-record-fixture';

const direct: SessionAccess = { via: 'direct' };
const transfer: SessionAccess = { via: 'transfer' };
const inviteFor = (xuid: string): SessionAccess => ({ via: 'invite', invitedXuid: xuid });

function caller(xuid: string, deviceId = `device-${xuid}`): CallerIdentity {
  return { xuid, gamertag: `P${xuid}`, titleId: '1', deviceId, deviceToken: 'dt', follows: [] };
}

function member(
  xuid: string,
  options: { active?: boolean; reserved?: boolean; deviceId?: string; follows?: string[] } = {},
): MemberRecord {
  return memberRecordOf(xuid, 0, {
    propertiesSystem: options.active === false ? {} : { active: true },
    reserved: options.reserved ?? false,
    deviceId: options.deviceId ?? `device-${xuid}`,
    follows: options.follows ?? [],
  });
}

/** An open session hosted by member 1, who follows 9 and plays on device `couch`. */
function session(
  system: Record<string, unknown> = {},
  constants: Record<string, unknown> = {},
  extra: Partial<SessionRecord> = {},
): SessionRecord {
  return {
    ref: { scid: 's', templateName: 't', name: 'n' },
    contractVersion: 107,
    branch: 'b',
    correlationId: 'c',
    startTime: '2026-01-01T00:00:00.000Z',
    changeNumber: 1,
    etag: '"1"',
    constantsSystem: { visibility: 'open', ...constants },
    constantsCustom: {},
    propertiesSystem: system,
    propertiesCustom: {},
    members: [member('1', { deviceId: 'couch', follows: ['9'] })],
    nextIndex: 2,
    formerXuids: ['1'],
    ...extra,
  };
}

const denied = (message: RegExp) => ({ status: 403, message: expect.stringMatching(message) });

describe('restrictionOf', () => {
  it('reads a valid restriction, else the default: none, or local with userAuthorizationStyle', () => {
    for (const value of ['none', 'local', 'followed'] as const) {
      expect(restrictionOf(session({ joinRestriction: value }), 'joinRestriction')).toBe(value);
      expect(restrictionOf(session({ readRestriction: value }), 'readRestriction')).toBe(value);
    }
    expect(restrictionOf(session({ joinRestriction: 'friends' }), 'joinRestriction')).toBe('none');
    expect(restrictionOf(session({ joinRestriction: 'local' }), 'readRestriction')).toBe('none');
    const styled = { capabilities: { userAuthorizationStyle: true } };
    expect(restrictionOf(session({}, styled), 'joinRestriction')).toBe('local');
    expect(restrictionOf(session({ readRestriction: 'none' }, styled), 'readRestriction')).toBe(
      'none',
    );
    const unstyled = { capabilities: { userAuthorizationStyle: false } };
    expect(restrictionOf(session({}, unstyled), 'joinRestriction')).toBe('none');
  });
});

describe('checkRead', () => {
  it('lets members, reserved players, the invitee and a transfer handle read even a private session', () => {
    const hidden = session(
      {},
      { visibility: 'private' },
      {
        members: [member('1'), member('2', { active: false, reserved: true })],
      },
    );
    expect(checkRead(hidden, caller('1'), direct)).toBeUndefined();
    expect(checkRead(hidden, caller('2'), direct)).toBeUndefined();
    expect(checkRead(hidden, caller('3'), inviteFor('3'))).toBeUndefined();
    expect(checkRead(hidden, caller('4'), transfer)).toBeUndefined();
  });

  it('refuses anyone else a private session, an invite meant for another player included', () => {
    const hidden = session({}, { visibility: 'private' });
    expect(checkRead(hidden, caller('3'), direct)).toEqual(denied(/private/));
    expect(checkRead(hidden, caller('3'), inviteFor('4'))).toEqual(denied(/private/));
    expect(checkRead(hidden, caller('3'), { via: 'activity' })).toEqual(denied(/private/));
  });

  it('applies the read restriction to outsiders of a visible or open session', () => {
    expect(checkRead(session({}, { visibility: 'visible' }), caller('3'), direct)).toBeUndefined();
    const local = session({ readRestriction: 'local' });
    expect(checkRead(local, caller('3', 'couch'), direct)).toBeUndefined();
    expect(checkRead(local, caller('9'), direct)).toEqual(denied(/read restriction.*device/));
    const followed = session({ readRestriction: 'followed' });
    expect(checkRead(followed, caller('9'), direct)).toBeUndefined();
    expect(checkRead(followed, caller('3', 'couch'), direct)).toBeUndefined();
    expect(checkRead(followed, caller('3'), direct)).toEqual(denied(/read restriction.*followed/));
  });
});

describe('checkOutsiderWrite', () => {
  it('lets a transfer handle write anything', () => {
    expect(checkOutsiderWrite(session({}, { visibility: 'private' }), transfer)).toBeUndefined();
  });

  it('refuses private and visible sessions, each with its reason', () => {
    expect(checkOutsiderWrite(session({}, { visibility: 'private' }), direct)).toEqual(
      denied(/private/),
    );
    expect(checkOutsiderWrite(session({}, { visibility: 'visible' }), inviteFor('3'))).toEqual(
      denied(/visible but not open/),
    );
  });

  it('makes a closed open session read-only for an invite, and leaves others to the join rules', () => {
    const closed = session({ closed: true });
    expect(checkOutsiderWrite(closed, inviteFor('3'))).toEqual(
      denied(/invite only allows reading/),
    );
    expect(checkOutsiderWrite(closed, direct)).toBeUndefined();
    expect(checkOutsiderWrite(session({ closed: false }), inviteFor('3'))).toBeUndefined();
    expect(checkOutsiderWrite(session(), direct)).toBeUndefined();
  });
});

describe('checkJoin', () => {
  it('admits anyone to an open session without restrictions', () => {
    expect(checkJoin(session(), caller('3'), direct)).toBeUndefined();
  });

  it('keeps a closed session shut, even to the invitee, but not to a transfer handle', () => {
    const closed = session({ closed: true });
    expect(checkJoin(closed, caller('3'), inviteFor('3'))).toEqual(denied(/closed to new members/));
    expect(checkJoin(closed, caller('3'), transfer)).toBeUndefined();
  });

  it('lets only former members back into a locked session', () => {
    const locked = session({ locked: true }, {}, { formerXuids: ['1', '5'] });
    expect(checkJoin(locked, caller('5'), direct)).toBeUndefined();
    expect(checkJoin(locked, caller('3'), inviteFor('3'))).toEqual(denied(/locked/));
  });

  it('lets the invitee past the join restriction, and nobody else through their invite', () => {
    const local = session({ joinRestriction: 'local' });
    expect(checkJoin(local, caller('3'), inviteFor('3'))).toBeUndefined();
    expect(checkJoin(local, caller('4'), inviteFor('3'))).toEqual(denied(/device already in it/));
  });

  it('local admits the devices of active members only', () => {
    const local = session(
      { joinRestriction: 'local' },
      {},
      {
        members: [
          member('1', { deviceId: 'couch', follows: ['9'] }),
          member('2', { active: false, deviceId: 'den' }),
        ],
      },
    );
    expect(checkJoin(local, caller('3', 'couch'), direct)).toBeUndefined();
    expect(checkJoin(local, caller('3', 'den'), direct)).toEqual(denied(/device already in it/));
    expect(checkJoin(local, caller('9'), direct)).toEqual(denied(/device already in it/));
  });

  it('followed admits players an accepted member follows, and members’ devices', () => {
    const followed = session(
      { joinRestriction: 'followed' },
      {},
      {
        members: [
          member('1', { deviceId: 'couch', follows: ['9'] }),
          member('2', { active: false, reserved: true, follows: ['8'] }),
        ],
      },
    );
    expect(checkJoin(followed, caller('9'), direct)).toBeUndefined();
    expect(checkJoin(followed, caller('3', 'couch'), direct)).toBeUndefined();
    expect(checkJoin(followed, caller('8'), direct)).toEqual(
      denied(/followed by one of its members/),
    );
    expect(checkJoin(followed, caller('3'), direct)).toEqual(
      denied(/followed by one of its members/),
    );
  });

  it('a member without a follow list follows nobody', () => {
    const { follows: _ignored, ...bare } = member('1', { deviceId: 'couch' });
    const followed = session({ joinRestriction: 'followed' }, {}, { members: [bare] });
    expect(checkJoin(followed, caller('9'), direct)).toEqual(denied(/followed/));
  });
});
