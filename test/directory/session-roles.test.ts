/**
 * MPSD roles as the pure rules the directory applies (src/directory/session-roles.ts): which
 * `roleTypes` deltas an owner or a member may apply, when members' roles are refused, and the
 * counts the document shows. roles-and-large.test.ts proves them over HTTP; these pin each rule
 * and refusal on its own (mutation testing, docs/quality.md).
 */
import { describe, expect, it } from 'vitest';
import {
  applyRoleSettings,
  checkMemberRoles,
  roleTypesDocument,
} from '../../src/directory/session-roles';
import type { MemberRecord, RoleTypeDefinitions } from '../../src/directory/session-record';
import { memberRecordOf } from './session-record-fixture';

/** `lfg` (owner-managed, max and target mutable) and `team` (open to all, only target mutable). */
const declared: RoleTypeDefinitions = {
  lfg: {
    ownerManaged: true,
    mutableRoleSettings: ['max', 'target'],
    roles: { confirmed: { max: 2, target: 2 }, pending: {} },
  },
  team: { ownerManaged: false, mutableRoleSettings: ['target'], roles: { red: { max: 1 } } },
};

function withRoles(xuid: string, roles?: Record<string, string>): MemberRecord {
  return memberRecordOf(xuid, 0, { roles });
}

describe('applyRoleSettings', () => {
  it('changes nothing without a delta, or with the values already set', () => {
    expect(applyRoleSettings(declared, undefined, false)).toEqual({
      roleTypes: declared,
      changed: false,
    });
    const same = applyRoleSettings(
      declared,
      { lfg: { roles: { confirmed: { max: 2, target: 2 } } }, team: { roles: { red: {} } } },
      false,
    );
    expect(same).toEqual({ roleTypes: declared, changed: false });
    expect('roleTypes' in same && same.roleTypes).toBe(declared);
    expect(applyRoleSettings(undefined, undefined, true)).toEqual({
      roleTypes: undefined,
      changed: false,
    });
  });

  it('lets an owner change a mutable setting, copying only what changes', () => {
    const applied = applyRoleSettings(
      declared,
      { lfg: { roles: { confirmed: { max: 4 } } } },
      true,
    );
    expect(applied).toEqual({
      changed: true,
      roleTypes: {
        lfg: {
          ownerManaged: true,
          mutableRoleSettings: ['max', 'target'],
          roles: { confirmed: { max: 4, target: 2 }, pending: {} },
        },
        team: declared.team,
      },
    });
    expect(declared.lfg?.roles.confirmed).toEqual({ max: 2, target: 2 });
    const both = applyRoleSettings(
      declared,
      { lfg: { roles: { confirmed: { max: 3, target: 1 }, pending: { target: 5 } } } },
      true,
    );
    expect('roleTypes' in both && both.roleTypes?.lfg?.roles).toEqual({
      confirmed: { max: 3, target: 1 },
      pending: { target: 5 },
    });
  });

  it('lets any member change a mutable setting of a type that is not owner-managed', () => {
    const applied = applyRoleSettings(declared, { team: { roles: { red: { target: 1 } } } }, false);
    expect('roleTypes' in applied && applied.roleTypes?.team?.roles.red).toEqual({
      max: 1,
      target: 1,
    });
  });

  it('refuses an owner-managed change by a member who is not an owner with 403', () => {
    expect(
      applyRoleSettings(declared, { lfg: { roles: { confirmed: { max: 4 } } } }, false),
    ).toEqual({
      status: 403,
      message: 'Role type lfg is owner-managed: only a session owner can change its settings.',
    });
  });

  it('refuses a setting the type does not list as mutable with 400, even for an owner', () => {
    expect(applyRoleSettings(declared, { team: { roles: { red: { max: 3 } } } }, true)).toEqual({
      status: 400,
      message: 'The max of role team.red is not mutable (mutableRoleSettings).',
    });
  });

  it('refuses role types and roles the template does not declare, inherited names included', () => {
    expect(applyRoleSettings(declared, { squad: { roles: {} } }, true)).toEqual({
      status: 400,
      message: 'The role type squad is not declared by the session template.',
    });
    expect(applyRoleSettings(undefined, { lfg: {} }, true)).toEqual({
      status: 400,
      message: 'The role type lfg is not declared by the session template.',
    });
    expect(applyRoleSettings(declared, { toString: {} }, true)).toMatchObject({ status: 400 });
    expect(applyRoleSettings(declared, { lfg: { roles: { benched: { max: 1 } } } }, true)).toEqual({
      status: 400,
      message: 'The role benched is not declared in role type lfg.',
    });
    expect(
      applyRoleSettings(declared, { lfg: { roles: { constructor: { max: 1 } } } }, true),
    ).toMatchObject({ status: 400 });
  });
});

describe('checkMemberRoles', () => {
  it('accepts members without roles and declared roles up to their max', () => {
    expect(checkMemberRoles(undefined, [withRoles('1')])).toBeUndefined();
    expect(
      checkMemberRoles(declared, [
        withRoles('1', { lfg: 'confirmed', team: 'red' }),
        withRoles('2', { lfg: 'confirmed' }),
        withRoles('3', { lfg: 'pending' }),
        withRoles('4', { lfg: 'pending' }),
        withRoles('5'),
      ]),
    ).toBeUndefined();
  });

  it('refuses a role beyond its max with 409, counting each role on its own', () => {
    expect(
      checkMemberRoles(declared, [
        withRoles('1', { team: 'red' }),
        withRoles('2', { lfg: 'confirmed' }),
        withRoles('3', { team: 'red' }),
      ]),
    ).toEqual({ status: 409, message: 'The role team.red is full: it allows 1 member(s).' });
  });

  it('refuses undeclared role types and roles, inherited names included', () => {
    expect(checkMemberRoles(declared, [withRoles('1', { squad: 'a' })])).toEqual({
      status: 400,
      message: 'The role type squad is not declared by the session template.',
    });
    expect(checkMemberRoles(undefined, [withRoles('1', { lfg: 'confirmed' })])).toMatchObject({
      status: 400,
    });
    expect(checkMemberRoles(declared, [withRoles('1', { lfg: 'benched' })])).toEqual({
      status: 400,
      message: 'The role benched is not declared in role type lfg.',
    });
    expect(checkMemberRoles(declared, [withRoles('1', { lfg: 'toString' })])).toMatchObject({
      status: 400,
    });
    expect(checkMemberRoles(declared, [withRoles('1', { hasOwnProperty: 'x' })])).toMatchObject({
      status: 400,
    });
  });
});

describe('roleTypesDocument', () => {
  it('shows each declared role with its settings, count and members', () => {
    expect(
      roleTypesDocument(declared, [
        withRoles('1', { lfg: 'confirmed' }),
        withRoles('2', { lfg: 'pending', team: 'red' }),
        withRoles('3', { lfg: 'confirmed' }),
        withRoles('4'),
      ]),
    ).toEqual({
      lfg: {
        ownerManaged: true,
        mutableRoleSettings: ['max', 'target'],
        roles: {
          confirmed: { count: 2, max: 2, target: 2, memberXuids: ['1', '3'] },
          pending: { count: 1, memberXuids: ['2'] },
        },
      },
      team: {
        ownerManaged: false,
        mutableRoleSettings: ['target'],
        roles: { red: { count: 1, max: 1, memberXuids: ['2'] } },
      },
    });
    expect(roleTypesDocument({}, [withRoles('1', { lfg: 'confirmed' })])).toEqual({});
  });
});
