/**
 * The directory's stored form of a session. Records are plain JSON-safe data and are never mutated
 * once stored: every write builds a new record, so a store may keep, copy or serialise them freely
 * (a shared store such as Redis would keep them as JSON), and the rendered document of a record can
 * be cached by identity.
 */
import type { SessionRef } from './session-ref';

/** The counts of one role. `max` absent: no limit. */
export interface RoleSettings {
  readonly max?: number;
  readonly target?: number;
}

/**
 * One role type as a template declares it, with the session's current settings (the rules that
 * apply them are in session-roles.ts).
 */
export interface RoleTypeDefinition {
  readonly ownerManaged: boolean;
  readonly mutableRoleSettings: readonly ('max' | 'target')[];
  readonly roles: Readonly<Record<string, RoleSettings>>;
}

export type RoleTypeDefinitions = Readonly<Record<string, RoleTypeDefinition>>;

export interface MemberRecord {
  readonly index: number;
  readonly xuid: string;
  /** Empty while reserved: MPSD shows the gamertag only once the member accepted. */
  readonly gamertag: string;
  readonly constantsSystem: Readonly<Record<string, unknown>>;
  readonly constantsCustom: unknown;
  readonly propertiesSystem: Readonly<Record<string, unknown>>;
  readonly propertiesCustom: Readonly<Record<string, unknown>>;
  readonly roles?: Readonly<Record<string, string>>;
  readonly reserved: boolean;
  readonly joinTime?: string;
  readonly activeTitleId?: string;
  /** Published once the member uploads a secureDeviceAddress. */
  readonly deviceToken?: string;
  /** Internal: the member's device, for `joinRestriction: local`. Never rendered. */
  readonly deviceId?: string;
  /** Internal: XUIDs the member follows, for `joinRestriction: followed`. Never rendered. */
  readonly follows?: readonly string[];
  /** Internal: epoch ms when the member entered its current status, for the removal timers. */
  readonly statusSince: number;
}

export interface SessionRecord {
  readonly ref: SessionRef;
  readonly contractVersion: number;
  readonly branch: string;
  readonly correlationId: string;
  readonly startTime: string;
  readonly changeNumber: number;
  readonly etag: string;
  readonly constantsSystem: Readonly<Record<string, unknown>>;
  readonly constantsCustom: unknown;
  readonly propertiesSystem: Readonly<Record<string, unknown>>;
  readonly propertiesCustom: Readonly<Record<string, unknown>>;
  /** Sorted by index. */
  readonly members: readonly MemberRecord[];
  /** The index the next added member gets; indices are never reused. */
  readonly nextIndex: number;
  /** XUIDs that were ever accepted members, for `locked` sessions. */
  readonly formerXuids: readonly string[];
  /** Epoch ms when the last member left, for `sessionEmptyTimeout`. */
  readonly emptySince?: number;
  /** The template's role types with this session's current max/target; absent without roles. */
  readonly roleTypes?: RoleTypeDefinitions;
}

/**
 * A member record with every field, present or not, in one order. Records built by spreading a
 * record and adding fields got a different hidden class for each combination of optional fields,
 * and every function reading members then went through V8's slow, megamorphic property lookups.
 * `changes` overrides fields of `base`; a key set to `undefined` removes that field's value.
 */
export function memberRecord(
  base: MemberRecord,
  changes: Partial<MemberRecord> = {},
): MemberRecord {
  return {
    index: 'index' in changes ? (changes.index as number) : base.index,
    xuid: 'xuid' in changes ? (changes.xuid as string) : base.xuid,
    gamertag: 'gamertag' in changes ? (changes.gamertag as string) : base.gamertag,
    constantsSystem: base.constantsSystem,
    constantsCustom: base.constantsCustom,
    propertiesSystem: changes.propertiesSystem ?? base.propertiesSystem,
    propertiesCustom: changes.propertiesCustom ?? base.propertiesCustom,
    roles: 'roles' in changes ? changes.roles : base.roles,
    reserved: changes.reserved ?? base.reserved,
    joinTime: 'joinTime' in changes ? changes.joinTime : base.joinTime,
    activeTitleId: 'activeTitleId' in changes ? changes.activeTitleId : base.activeTitleId,
    deviceToken: 'deviceToken' in changes ? changes.deviceToken : base.deviceToken,
    deviceId: 'deviceId' in changes ? changes.deviceId : base.deviceId,
    follows: 'follows' in changes ? changes.follows : base.follows,
    statusSince: changes.statusSince ?? base.statusSince,
  };
}

/** A session record with every field in one order (see `memberRecord`), `changes` applied. */
export function sessionRecord(
  base: SessionRecord,
  changes: Partial<SessionRecord> = {},
): SessionRecord {
  return {
    ref: base.ref,
    contractVersion: base.contractVersion,
    branch: base.branch,
    correlationId: base.correlationId,
    startTime: base.startTime,
    changeNumber: changes.changeNumber ?? base.changeNumber,
    etag: changes.etag ?? base.etag,
    constantsSystem: base.constantsSystem,
    constantsCustom: base.constantsCustom,
    propertiesSystem: changes.propertiesSystem ?? base.propertiesSystem,
    propertiesCustom: changes.propertiesCustom ?? base.propertiesCustom,
    members: changes.members ?? base.members,
    nextIndex: changes.nextIndex ?? base.nextIndex,
    formerXuids: changes.formerXuids ?? base.formerXuids,
    emptySince: 'emptySince' in changes ? changes.emptySince : base.emptySince,
    roleTypes: changes.roleTypes ?? base.roleTypes,
  };
}

export type MemberStatus = 'active' | 'ready' | 'reserved' | 'inactive';

/** XSAPI's derivation: active, else ready, else reserved, else inactive. */
export function memberStatus(member: MemberRecord): MemberStatus {
  return statusOf(member.propertiesSystem, member.reserved);
}

/** The status a member with these system properties would have, without building the member. */
export function statusOf(
  propertiesSystem: Readonly<Record<string, unknown>>,
  reserved: boolean,
): MemberStatus {
  if (propertiesSystem.active === true) return 'active';
  if (propertiesSystem.ready === true) return 'ready';
  if (reserved) return 'reserved';
  return 'inactive';
}

/** Store key of a session: SCIDs, template and session names are case-insensitive in MPSD. */
export function sessionKey(ref: SessionRef): string {
  return `${ref.scid}~${ref.templateName}~${ref.name}`.toLowerCase();
}

/** The `Content-Location` path of a session. */
export function sessionPath(ref: SessionRef): string {
  return `/serviceconfigs/${ref.scid}/sessionTemplates/${ref.templateName}/sessions/${ref.name}`;
}

/** Reads a timeout constant: `null` means never, a number is milliseconds. */
export function timeoutOf(record: SessionRecord, name: string): number | null {
  const value = record.constantsSystem[name];
  return typeof value === 'number' ? value : null;
}
