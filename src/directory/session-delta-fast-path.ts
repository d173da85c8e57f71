/**
 * Parses the two session deltas that make up nearly all of a directory's traffic without going
 * through zod: a player joining or updating itself (`members.me` with `constants.system.xuid` /
 * `initialize` and `properties.system.active` / `ready` / `connection`) and a member re-writing its
 * custom properties (`members.me.properties.custom`). zod's generic walk over the full MPSD schema
 * was a visible share of a write's cost. The fast path returns exactly what `sessionDeltaSchema`
 * would (the same keys in the schema's order, custom objects passed through); any body it does not
 * fully recognise, valid or not, goes to zod, so the answers and error messages stay zod's.
 */
import { guidPattern, sessionDeltaSchema, type SessionDelta } from './request-schemas';

type Parsed = ReturnType<typeof sessionDeltaSchema.safeParse>;

const xuidPattern = /^[0-9]{1,20}$/;

/** A plain JSON object (what JSON.parse makes): not null, not an array. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when every own key of `value` is one of `allowed`. */
function onlyKeys(value: Record<string, unknown>, allowed: readonly string[]): boolean {
  for (const key in value) {
    if (!allowed.includes(key)) return false;
  }
  return true;
}

type MemberDeltaOut = NonNullable<NonNullable<SessionDelta['members']>['me']>;

/** `constants` of `members.me`, or undefined when the fast path does not take it. */
function constantsOf(value: unknown): MemberDeltaOut['constants'] | undefined {
  if (!isObject(value) || !onlyKeys(value, ['system'])) return undefined;
  if (!('system' in value)) return {};
  const system = value.system;
  if (!isObject(system) || !onlyKeys(system, ['xuid', 'initialize'])) return undefined;
  const out: { xuid?: string; initialize?: boolean } = {};
  if ('xuid' in system) {
    if (typeof system.xuid !== 'string' || !xuidPattern.test(system.xuid)) return undefined;
    out.xuid = system.xuid;
  }
  if ('initialize' in system) {
    if (typeof system.initialize !== 'boolean') return undefined;
    out.initialize = system.initialize;
  }
  return { system: out };
}

/** `properties` of `members.me`, or undefined when the fast path does not take it. */
function propertiesOf(value: unknown): MemberDeltaOut['properties'] | undefined {
  if (!isObject(value) || !onlyKeys(value, ['system', 'custom'])) return undefined;
  const out: NonNullable<MemberDeltaOut['properties']> = {};
  if ('system' in value) {
    const system = value.system;
    if (!isObject(system) || !onlyKeys(system, ['active', 'ready', 'connection'])) {
      return undefined;
    }
    const parsed: { active?: boolean; ready?: boolean; connection?: string | null } = {};
    if ('active' in system) {
      if (typeof system.active !== 'boolean') return undefined;
      parsed.active = system.active;
    }
    if ('ready' in system) {
      if (typeof system.ready !== 'boolean') return undefined;
      parsed.ready = system.ready;
    }
    if ('connection' in system) {
      const connection = system.connection;
      if (
        connection !== null &&
        (typeof connection !== 'string' || !guidPattern.test(connection))
      ) {
        return undefined;
      }
      parsed.connection = connection;
    }
    out.system = parsed;
  }
  if ('custom' in value) {
    if (!isObject(value.custom)) return undefined;
    out.custom = value.custom;
  }
  return out;
}

/** The fast path's result, or undefined to hand the body to zod. */
function fastDelta(body: unknown): SessionDelta | undefined {
  if (!isObject(body) || !onlyKeys(body, ['members']) || !('members' in body)) return undefined;
  const members = body.members;
  if (!isObject(members) || !onlyKeys(members, ['me']) || !('me' in members)) return undefined;
  const me = members.me;
  if (me === null) return { members: { me: null } };
  if (!isObject(me) || !onlyKeys(me, ['constants', 'properties'])) return undefined;
  const out: MemberDeltaOut = {};
  if ('constants' in me) {
    const constants = constantsOf(me.constants);
    if (constants === undefined) return undefined;
    out.constants = constants;
  }
  if ('properties' in me) {
    const properties = propertiesOf(me.properties);
    if (properties === undefined) return undefined;
    out.properties = properties;
  }
  return { members: { me: out } };
}

/** `sessionDeltaSchema.safeParse`, with the common deltas parsed by hand. */
export function parseSessionDelta(body: unknown): Parsed {
  const fast = fastDelta(body);
  if (fast !== undefined) return { success: true, data: fast } as Parsed;
  return sessionDeltaSchema.safeParse(body);
}
