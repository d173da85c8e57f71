/**
 * Applies one MPSD session delta (a PUT body) to a session, as a pure function of the stored record,
 * the caller and the clock. The store runs it inside its atomic update, so it may run more than once
 * for one request; it never touches shared state itself. This is where seats are counted, so
 * concurrent joins can never exceed maxMembersCount or share an index.
 */
import { randomUUID } from 'node:crypto';
import type { SessionRef } from './session-ref';
import type { CallerIdentity } from './dev-tokens';
import type { MemberDelta, SessionDelta } from './request-schemas';
import { checkJoin, checkOutsiderWrite, checkRead, type SessionAccess } from './session-access';
import { applyRoleSettings, checkMemberRoles } from './session-roles';
import { dropStaleHost } from './session-host';
import {
  memberRecord,
  memberStatus,
  sessionRecord,
  statusOf,
  timeoutOf,
  type MemberRecord,
  type SessionRecord,
} from './session-record';
import type { SessionTemplate } from './session-templates';
import { newEtag } from './session-timers';
import { isoTime } from './iso-time';
import { mergeFields, sameJson } from './json-merge';

/**
 * Largest session document the directory stores. Each request is capped at 64 KB, but writes add
 * up; without a cap a few hundred writes could make every read of a session megabytes long.
 */
const maxSessionBytes = 512 * 1024;

/**
 * The empty property bag every new member and session starts with, shared: records are never
 * mutated (a merge copies before it changes anything), and a join made three empty objects per
 * member that then lived as long as the member.
 */
const noFields: Readonly<Record<string, unknown>> = Object.freeze({});

/** A member's `constants.system` as nearly every join sends it, shared like `noFields`. */
const initializing: Readonly<Record<string, unknown>> = Object.freeze({ initialize: true });

/**
 * The `constants.system` a new member keeps (its xuid and index are kept apart). Most members have
 * no constants or only `initialize: true`; they share one object instead of each keeping its own
 * for as long as it stays in the session.
 */
function memberConstantsSystem(
  initialize: unknown,
  team: unknown,
  matchmakingResult: unknown,
): Readonly<Record<string, unknown>> {
  if (team === undefined && matchmakingResult === undefined) {
    if (initialize === undefined) return noFields;
    if (initialize === true) return initializing;
  }
  const system: Record<string, unknown> = {};
  if (initialize !== undefined) system.initialize = initialize;
  if (team !== undefined) system.team = team;
  if (matchmakingResult !== undefined) system.matchmakingResult = matchmakingResult;
  return system;
}

export interface WriteRequest {
  readonly caller: CallerIdentity;
  /** Canonical reference (the template's own spelling). */
  readonly ref: SessionRef;
  readonly template: SessionTemplate;
  readonly delta: SessionDelta;
  readonly access: SessionAccess;
  readonly now: number;
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
  /**
   * The UTF-8 length of a record's document, for the size cap. The service passes its renderer,
   * so the document rendered here is the one the answer sends.
   */
  readonly documentBytes: (record: SessionRecord) => number;
}

/** Every way a write can end; the HTTP layer maps each to a status code. */
export type WriteOutcome =
  | { readonly kind: 'created'; readonly record: SessionRecord }
  | { readonly kind: 'updated'; readonly record: SessionRecord; readonly changed: boolean }
  /** The write removed the last member and the session's empty timeout is 0. */
  | { readonly kind: 'deleted' }
  /** A create without members: MPSD answers 204 and stores nothing. */
  | { readonly kind: 'not-created' }
  | { readonly kind: 'precondition-failed'; readonly record?: SessionRecord }
  | { readonly kind: 'rejected'; readonly status: 400 | 403 | 409 | 413; readonly message: string };

type Rejection = Extract<WriteOutcome, { kind: 'rejected' }>;

const reject = (status: Rejection['status'], message: string): Rejection => ({
  kind: 'rejected',
  status,
  message,
});

/** Compares entity tags the way clients send them: quoted or not, weak prefix ignored. */
export function etagMatches(header: string, etag: string): boolean {
  const bare = (value: string) => value.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  const wanted = bare(etag);
  return header
    .split(',')
    .some((candidate) => candidate.trim() === '*' || bare(candidate) === wanted);
}

function checkPreconditions(
  record: SessionRecord | undefined,
  request: WriteRequest,
): WriteOutcome | undefined {
  const { ifMatch, ifNoneMatch } = request;
  if (ifNoneMatch !== undefined && record) {
    // Stryker disable next-line ConditionalExpression,MethodExpression: etagMatches answers * (trimmed) as well; this only skips the parse
    if (ifNoneMatch.trim() === '*' || etagMatches(ifNoneMatch, record.etag)) {
      return { kind: 'precondition-failed', record };
    }
  }
  if (ifMatch !== undefined) {
    if (!record) return { kind: 'precondition-failed' };
    if (!etagMatches(ifMatch, record.etag)) return { kind: 'precondition-failed', record };
  }
  return undefined;
}

function createSessionConstants(
  request: WriteRequest,
): { system: Record<string, unknown>; custom: unknown } | Rejection {
  const { template, delta } = request;
  const askedSystem = delta.constants?.system ?? {};
  for (const [key, value] of Object.entries(askedSystem)) {
    if (value === undefined) continue;
    if (key in template.fixedSystem && !sameJson(template.fixedSystem[key], value)) {
      return reject(
        409,
        `The constant ${key} conflicts with session template ${template.name}, which sets it to ${JSON.stringify(template.fixedSystem[key])}.`,
      );
    }
  }
  const system: Record<string, unknown> = {
    ...template.defaultSystem,
    ...askedSystem,
    ...template.fixedSystem,
  };
  const capabilities = system.capabilities as Record<string, boolean> | undefined;
  if (capabilities?.large === true) {
    return reject(
      400,
      'Large sessions (capabilities.large) are not emulated by the local directory: create the session without it (at most 100 members).',
    );
  }
  const max = system.maxMembersCount as number;
  if (max > 100) {
    return reject(
      400,
      'maxMembersCount above 100 needs the "large" capability, which the local directory does not emulate.',
    );
  }
  const initiators = system.initiators as string[] | undefined;
  if (initiators && initiators.length > 0 && !initiators.includes(request.caller.xuid)) {
    return reject(400, 'constants.system.initiators must include the creating user.');
  }
  let custom: unknown = delta.constants?.custom ?? {};
  if (Object.keys(template.fixedCustom).length > 0) {
    // Stryker disable next-line ConditionalExpression: custom is never null here (`?? {}` above turns null into {})
    if (typeof custom !== 'object' || custom === null || Array.isArray(custom)) {
      return reject(409, `constants.custom conflicts with session template ${template.name}.`);
    }
    for (const [key, value] of Object.entries(template.fixedCustom)) {
      const asked = (custom as Record<string, unknown>)[key];
      if (asked !== undefined && !sameJson(asked, value)) {
        return reject(
          409,
          `The custom constant ${key} conflicts with session template ${template.name}.`,
        );
      }
    }
    custom = { ...(custom as Record<string, unknown>), ...template.fixedCustom };
  }
  return { system, custom };
}

function checkConstantsUnchanged(
  record: SessionRecord,
  delta: SessionDelta,
): Rejection | undefined {
  for (const [key, value] of Object.entries(delta.constants?.system ?? {})) {
    if (value !== undefined && !sameJson(record.constantsSystem[key], value)) {
      return reject(409, `The constant ${key} cannot change once the session exists.`);
    }
  }
  const custom = delta.constants?.custom;
  if (custom !== undefined && !sameJson(record.constantsCustom, custom)) {
    return reject(409, 'constants.custom cannot change once the session exists.');
  }
  return undefined;
}

function newSession(
  request: WriteRequest,
  constants: { system: Record<string, unknown>; custom: unknown },
): SessionRecord {
  return sessionRecord({
    ref: request.ref,
    contractVersion: request.template.contractVersion,
    branch: randomUUID(),
    correlationId: randomUUID(),
    startTime: isoTime(request.now),
    changeNumber: 0,
    etag: newEtag(),
    constantsSystem: constants.system,
    constantsCustom: constants.custom,
    propertiesSystem: noFields,
    propertiesCustom: noFields,
    members: [],
    nextIndex: 0,
    formerXuids: [],
    roleTypes: request.template.roleTypes,
  });
}

/** Mutable working copy of the members while one delta is applied. */
interface Working {
  members: MemberRecord[];
  nextIndex: number;
  formerXuids: readonly string[];
  changed: boolean;
}

function seatsLeft(record: SessionRecord, working: Working): number {
  return (record.constantsSystem.maxMembersCount as number) - working.members.length;
}

function fullMessage(record: SessionRecord): string {
  const max = record.constantsSystem.maxMembersCount as number;
  return `The session is full: all ${max} of its ${max} seats are taken.`;
}

function applyMemberProperties(
  member: MemberRecord,
  delta: MemberDelta,
  caller: CallerIdentity,
  now: number,
): { member: MemberRecord; changed: boolean } | Rejection {
  const system = delta.properties?.system;
  if (system?.active === true && system.ready === true) {
    return reject(400, 'A member cannot be both active and ready.');
  }
  // Becoming active clears ready and the other way round: the one not set becomes false, or stays
  // absent if it was. The delta is copied only when that changes it.
  let normalized: Readonly<Record<string, unknown>> | undefined = system;
  if (system?.active === true) {
    const ready = member.propertiesSystem.ready === undefined ? undefined : false;
    // Stryker disable next-line ConditionalExpression: a copy when nothing changes merges the same (an undefined field is skipped)
    if (system.ready !== ready) normalized = { ...system, ready };
  } else if (system?.ready === true) {
    const active = member.propertiesSystem.active === undefined ? undefined : false;
    // Stryker disable next-line ConditionalExpression: a copy when nothing changes merges the same (an undefined field is skipped)
    if (system.active !== active) normalized = { ...system, active };
  }
  const systemMerge = mergeFields(member.propertiesSystem, normalized);
  const customMerge = mergeFields(member.propertiesCustom, delta.properties?.custom);
  const rolesMerge = mergeFields(member.roles ?? noFields, delta.roles);
  // The decisions are made on the merged values first and the new record is built once: a join
  // used to copy the whole member record up to four times (properties, device token, active
  // title, status time), each copy garbage as soon as the next was made.
  const propertiesChanged = systemMerge.changed || customMerge.changed || rolesMerge.changed;
  const propertiesSystem = propertiesChanged ? systemMerge.value : member.propertiesSystem;
  const address = propertiesSystem.secureDeviceAddress;
  const setDeviceToken = typeof address === 'string' && member.deviceToken !== caller.deviceToken;
  const dropDeviceToken =
    !setDeviceToken && address === undefined && member.deviceToken !== undefined;
  const status = statusOf(propertiesSystem, member.reserved);
  const setActiveTitle = status === 'active' && member.activeTitleId !== caller.titleId;
  const statusMoved = status !== memberStatus(member);
  if (
    !propertiesChanged &&
    !setDeviceToken &&
    !dropDeviceToken &&
    !setActiveTitle &&
    !statusMoved
  ) {
    return { member, changed: false };
  }
  let deviceToken = member.deviceToken;
  if (setDeviceToken) deviceToken = caller.deviceToken;
  else if (dropDeviceToken) deviceToken = undefined;
  const next = memberRecord(member, {
    propertiesSystem: propertiesChanged ? systemMerge.value : member.propertiesSystem,
    propertiesCustom: propertiesChanged ? customMerge.value : member.propertiesCustom,
    roles: rolesMerge.changed ? (rolesMerge.value as Record<string, string>) : member.roles,
    deviceToken,
    activeTitleId: setActiveTitle ? caller.titleId : member.activeTitleId,
    statusSince: statusMoved ? now : member.statusSince,
  });
  return { member: next, changed: true };
}

function applyMe(
  record: SessionRecord,
  working: Working,
  delta: MemberDelta | null,
  request: WriteRequest,
  creating: boolean,
): Rejection | undefined {
  const { caller, now } = request;
  const position = working.members.findIndex((member) => member.xuid === caller.xuid);
  const existing = working.members[position];
  if (delta === null) {
    if (existing) {
      working.members.splice(position, 1);
      working.changed = true;
    }
    return undefined;
  }
  // `me` is always the caller. A body naming another XUID (a client writing for a linked account)
  // is accepted as the real service does, and the caller is recorded: no body writes as another.
  let member: MemberRecord;
  if (existing && !existing.reserved) {
    member = existing;
  } else if (existing) {
    member = memberRecord(existing, {
      reserved: false,
      gamertag: caller.gamertag,
      joinTime: isoTime(now),
      deviceId: caller.deviceId,
      follows: caller.follows,
      statusSince: now,
    });
    working.changed = true;
  } else {
    // The creator of a new session takes its first seat whatever restrictions it sets.
    const denied = creating ? undefined : checkJoin(record, caller, request.access);
    if (denied) return reject(denied.status, denied.message);
    if (seatsLeft(record, working) < 1) return reject(403, fullMessage(record));
    const askedSystem = delta.constants?.system;
    member = memberRecord({
      index: working.nextIndex,
      xuid: caller.xuid,
      gamertag: caller.gamertag,
      constantsSystem: memberConstantsSystem(
        askedSystem?.initialize,
        askedSystem?.team,
        askedSystem?.matchmakingResult,
      ),
      constantsCustom: delta.constants?.custom ?? noFields,
      propertiesSystem: noFields,
      propertiesCustom: noFields,
      reserved: false,
      joinTime: isoTime(now),
      deviceId: caller.deviceId,
      follows: caller.follows,
      statusSince: now,
    });
    working.nextIndex += 1;
    working.changed = true;
  }
  const applied = applyMemberProperties(member, delta, caller, now);
  if ('kind' in applied) return applied;
  if (applied.changed) working.changed = true;
  if (!working.formerXuids.includes(caller.xuid)) {
    working.formerXuids = [...working.formerXuids, caller.xuid];
  }
  if (position >= 0) working.members[position] = applied.member;
  else working.members.push(applied.member);
  return undefined;
}

function applyReservations(
  record: SessionRecord,
  working: Working,
  reservations: Array<[number, MemberDelta | null]>,
  request: WriteRequest,
): Rejection | undefined {
  if (reservations.length === 0) return undefined;
  const callerIsMember = working.members.some((m) => m.xuid === request.caller.xuid && !m.reserved);
  if (!callerIsMember) {
    return reject(403, 'Only members of the session can reserve seats for other users.');
  }
  for (const [, delta] of reservations.sort(([a], [b]) => a - b)) {
    const askedSystem = delta?.constants?.system;
    if (!delta || askedSystem?.xuid === undefined) {
      return reject(400, 'A reservation (members.reserve_N) needs constants.system.xuid.');
    }
    const { xuid } = askedSystem;
    if (working.members.some((member) => member.xuid === xuid)) continue;
    if (seatsLeft(record, working) < 1) return reject(403, fullMessage(record));
    const roles = Object.fromEntries(
      Object.entries(delta.roles ?? {}).filter(
        (entry): entry is [string, string] => entry[1] !== null,
      ),
    );
    working.members.push(
      memberRecord({
        index: working.nextIndex,
        xuid,
        gamertag: '',
        constantsSystem: memberConstantsSystem(askedSystem.initialize, askedSystem.team, undefined),
        // Stryker disable next-line OptionalChaining: constants exists, the xuid check above read it
        constantsCustom: delta.constants?.custom ?? noFields,
        propertiesSystem: noFields,
        propertiesCustom: noFields,
        roles: Object.keys(roles).length > 0 ? roles : undefined,
        reserved: true,
        statusSince: request.now,
      }),
    );
    working.nextIndex += 1;
    working.changed = true;
  }
  return undefined;
}

/**
 * Refuses to answer the session to a caller who neither was nor is in it and may not read it (its
 * `readRestriction` or visibility), so no write reveals what a read would not. A member who leaves
 * still gets the answer.
 */
function readable(
  record: SessionRecord,
  wasMember: boolean,
  request: WriteRequest,
): Rejection | undefined {
  if (wasMember) return undefined;
  const denied = checkRead(record, request.caller, request.access);
  return denied ? reject(denied.status, denied.message) : undefined;
}

/**
 * Applies a `roleTypes` delta and checks the members' roles, only when the delta touches roles: a
 * join without roles costs nothing here.
 */
function applyRoles(
  record: SessionRecord,
  working: Working,
  request: WriteRequest,
):
  | { readonly roleTypes: SessionRecord['roleTypes']; readonly changed: boolean }
  | { readonly status: 400 | 403 | 409; readonly message: string } {
  const { delta, caller } = request;
  const members = delta.members ?? {};
  let touchesRoles = delta.roleTypes !== undefined;
  for (const key in members) {
    if (Object.hasOwn(members, key) && members[key]?.roles !== undefined) touchesRoles = true;
  }
  // Stryker disable next-line ObjectLiteral: an empty answer keeps the stored roleTypes (`??`) and reads as unchanged too
  if (!touchesRoles) return { roleTypes: record.roleTypes, changed: false };
  const self = working.members.find((member) => member.xuid === caller.xuid && !member.reserved);
  const owners = record.propertiesSystem.owners;
  const callerIsOwner = self !== undefined && Array.isArray(owners) && owners.includes(self.index);
  const settings = applyRoleSettings(record.roleTypes, delta.roleTypes, callerIsOwner);
  if ('status' in settings) return settings;
  const refused = checkMemberRoles(settings.roleTypes, working.members);
  return refused ?? settings;
}

/** Applies a session delta to the (timer-evaluated) stored session. */
export function writeSession(
  current: SessionRecord | undefined,
  request: WriteRequest,
): WriteOutcome {
  const { delta, caller, now } = request;
  const precondition = checkPreconditions(current, request);
  if (precondition) {
    const denied =
      // Stryker disable next-line ConditionalExpression: checkPreconditions answers no other kind
      precondition.kind === 'precondition-failed' && precondition.record
        ? checkRead(precondition.record, caller, request.access)
        : undefined;
    return denied ? reject(denied.status, denied.message) : precondition;
  }
  let record: SessionRecord;
  const creating = current === undefined;
  if (current === undefined) {
    const constants = createSessionConstants(request);
    if ('kind' in constants) return constants;
    record = newSession(request, constants);
  } else {
    const conflict = checkConstantsUnchanged(current, delta);
    if (conflict) return conflict;
    record = current;
  }
  const self = record.members.find((member) => member.xuid === caller.xuid);
  if (!creating && !self) {
    const touchesSomething =
      delta.properties !== undefined ||
      (delta.members !== undefined && Object.values(delta.members).some((value) => value !== null));
    if (touchesSomething) {
      const denied = checkOutsiderWrite(record, request.access);
      if (denied) return reject(denied.status, denied.message);
    }
  }

  const working: Working = {
    members: [...record.members],
    nextIndex: record.nextIndex,
    formerXuids: record.formerXuids,
    changed: false,
  };
  const reservations: Array<[number, MemberDelta | null]> = [];
  const members = delta.members ?? {};
  for (const key in members) {
    if (key === 'me' || !Object.hasOwn(members, key)) continue;
    if (key.startsWith('reserve_'))
      reservations.push([Number(key.slice('reserve_'.length)), members[key] ?? null]);
    else {
      return reject(
        403,
        "The request body can't contain existing member references unless the authentication principal includes a server.",
      );
    }
  }
  if (delta.members && 'me' in delta.members) {
    const meRejection = applyMe(record, working, delta.members.me ?? null, request, creating);
    if (meRejection) return meRejection;
  }
  const reserveRejection = applyReservations(record, working, reservations, request);
  if (reserveRejection) return reserveRejection;

  const systemMerge = mergeFields(record.propertiesSystem, delta.properties?.system);
  const customMerge = mergeFields(record.propertiesCustom, delta.properties?.custom);
  const roles = applyRoles(record, working, request);
  if ('status' in roles) return reject(roles.status, roles.message);
  const changed = working.changed || systemMerge.changed || customMerge.changed || roles.changed;

  if (working.members.length === 0) {
    const emptyTimeout = timeoutOf(record, 'sessionEmptyTimeout');
    // A leave (`me: null`) of a session that is already gone stores nothing either, even where the
    // template keeps empty sessions: leaving must not bring a session back.
    const leaving = delta.members?.me === null;
    if (creating && (emptyTimeout === 0 || leaving)) return { kind: 'not-created' };
    if (!creating && emptyTimeout === 0 && changed) return { kind: 'deleted' };
  }
  // A member removed by a timer who then leaves still gets the answer a leaving member gets.
  const wasMember =
    self !== undefined || (delta.members?.me === null && record.formerXuids.includes(caller.xuid));
  if (!changed && !creating) {
    return readable(record, wasMember, request) ?? { kind: 'updated', record, changed: false };
  }

  const next = dropStaleHost(
    sessionRecord(record, {
      members: working.members,
      nextIndex: working.nextIndex,
      formerXuids: working.formerXuids,
      propertiesSystem: systemMerge.value,
      propertiesCustom: customMerge.value,
      changeNumber: record.changeNumber + 1,
      etag: newEtag(),
      emptySince: working.members.length === 0 ? (record.emptySince ?? now) : undefined,
      roleTypes: roles.roleTypes,
    }),
  );
  const unreadable = readable(next, wasMember, request);
  if (unreadable) return unreadable;
  // Rendering here is not wasted: the renderer keeps the document and the answer sends it.
  if (request.documentBytes(next) > maxSessionBytes) {
    return reject(413, `The session document would grow beyond ${maxSessionBytes / 1024} KB.`);
  }
  return creating
    ? { kind: 'created', record: next }
    : { kind: 'updated', record: next, changed: true };
}
