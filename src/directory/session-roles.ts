/**
 * MPSD roles: a template declares role types (`lfg`, `team`, ...), each with named roles and their
 * `max` / `target` counts; members take a role of a type with `members.me.roles` (or a reservation
 * is given one); a session owner may change the `max` / `target` the type lists as mutable with a
 * top-level `roleTypes` delta. The session document shows each role's count and members. Role types
 * or roles the template does not declare are refused with 400, a role taken beyond its `max` with
 * 409 (the session cannot hold the request).
 */
import type { RoleTypesDelta } from './request-schemas';
import type { MemberRecord, RoleTypeDefinition, RoleTypeDefinitions } from './session-record';

/** Why roles were refused: the status and MPSD-style text. */
export interface RoleRejection {
  readonly status: 400 | 403 | 409;
  readonly message: string;
}

const noRoleTypes: RoleTypeDefinitions = Object.freeze({});

/**
 * Applies a `roleTypes` delta: only declared roles, only mutable settings, and for owner-managed
 * types only by a session owner. Unchanged values (XSAPI re-sends every role) are no change.
 */
export function applyRoleSettings(
  current: RoleTypeDefinitions | undefined,
  delta: RoleTypesDelta | undefined,
  callerIsOwner: boolean,
):
  | { readonly roleTypes: RoleTypeDefinitions | undefined; readonly changed: boolean }
  | RoleRejection {
  if (delta === undefined) return { roleTypes: current, changed: false };
  const types = current ?? noRoleTypes;
  let next: Record<string, RoleTypeDefinition> | undefined;
  for (const [typeName, typeDelta] of Object.entries(delta)) {
    const type = Object.hasOwn(types, typeName) ? types[typeName] : undefined;
    if (type === undefined) {
      return {
        status: 400,
        message: `The role type ${typeName} is not declared by the session template.`,
      };
    }
    for (const [roleName, settings] of Object.entries(typeDelta.roles ?? {})) {
      const role = Object.hasOwn(type.roles, roleName) ? type.roles[roleName] : undefined;
      if (role === undefined) {
        return {
          status: 400,
          message: `The role ${roleName} is not declared in role type ${typeName}.`,
        };
      }
      for (const setting of ['max', 'target'] as const) {
        const value = settings[setting];
        if (value === undefined || value === role[setting]) continue;
        if (!type.mutableRoleSettings.includes(setting)) {
          return {
            status: 400,
            message: `The ${setting} of role ${typeName}.${roleName} is not mutable (mutableRoleSettings).`,
          };
        }
        if (type.ownerManaged && !callerIsOwner) {
          return {
            status: 403,
            message: `Role type ${typeName} is owner-managed: only a session owner can change its settings.`,
          };
        }
        next ??= { ...types };
        const edited = next[typeName] as RoleTypeDefinition;
        next[typeName] = {
          ...edited,
          roles: { ...edited.roles, [roleName]: { ...edited.roles[roleName], [setting]: value } },
        };
      }
    }
  }
  return next === undefined
    ? { roleTypes: current, changed: false }
    : { roleTypes: next, changed: true };
}

/** Checks every member's roles against the declared role types and their `max`. */
export function checkMemberRoles(
  roleTypes: RoleTypeDefinitions | undefined,
  members: readonly MemberRecord[],
): RoleRejection | undefined {
  const types = roleTypes ?? noRoleTypes;
  const counts = new Map<string, number>();
  for (const member of members) {
    if (member.roles === undefined) continue;
    for (const [typeName, roleName] of Object.entries(member.roles)) {
      const type = Object.hasOwn(types, typeName) ? types[typeName] : undefined;
      if (type === undefined) {
        return {
          status: 400,
          message: `The role type ${typeName} is not declared by the session template.`,
        };
      }
      const role = Object.hasOwn(type.roles, roleName) ? type.roles[roleName] : undefined;
      if (role === undefined) {
        return {
          status: 400,
          message: `The role ${roleName} is not declared in role type ${typeName}.`,
        };
      }
      const key = `${typeName}\u0000${roleName}`;
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      // Stryker disable next-line ConditionalExpression: no count is > undefined, so the undefined check adds nothing
      if (role.max !== undefined && count > role.max) {
        return {
          status: 409,
          message: `The role ${typeName}.${roleName} is full: it allows ${role.max} member(s).`,
        };
      }
    }
  }
  return undefined;
}

/** The document's top-level `roleTypes`: declared settings plus each role's count and members. */
export function roleTypesDocument(
  roleTypes: RoleTypeDefinitions,
  members: readonly MemberRecord[],
): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  for (const [typeName, type] of Object.entries(roleTypes)) {
    const roles: Record<string, unknown> = {};
    for (const [roleName, settings] of Object.entries(type.roles)) {
      const memberXuids = members
        .filter((member) => member.roles?.[typeName] === roleName)
        .map((member) => member.xuid);
      roles[roleName] = { count: memberXuids.length, ...settings, memberXuids };
    }
    document[typeName] = {
      ownerManaged: type.ownerManaged,
      mutableRoleSettings: type.mutableRoleSettings,
      roles,
    };
  }
  return document;
}
