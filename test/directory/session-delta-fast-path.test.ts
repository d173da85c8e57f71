/**
 * The hand-written parser of the common session deltas must be indistinguishable from zod: for any
 * body, near the common shapes or not, it accepts exactly what zod accepts and returns the same
 * value with the same key order (key order decides the order of the stored JSON).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionDeltaSchema } from '../../src/directory/request-schemas';
import { parseSessionDelta } from '../../src/directory/session-delta-fast-path';

const guid = '0f5e3c2a-1b4d-4e6f-8a9b-0c1d2e3f4a5b';

/** Values of every JSON type, including the ones each field must reject. */
const anyValue = fc.oneof(
  fc.boolean(),
  fc.constant(null),
  fc.integer(),
  fc.constantFrom('', 'x', guid, guid.toUpperCase(), '2533274800000001', 'not-a-guid', '12a'),
  fc.constant([]),
  fc.constant({}),
  fc.dictionary(fc.constantFrom('a', 'b', '__proto__', 'score'), fc.integer(), { maxKeys: 3 }),
);

/** A valid join, leave or property re-write body, with some of its optional parts left out. */
const validBody = fc
  .record(
    {
      xuid: fc.constantFrom('2533274800000001', '1'),
      initialize: fc.boolean(),
      active: fc.boolean(),
      ready: fc.boolean(),
      connection: fc.constantFrom(guid, guid.toUpperCase(), null),
      custom: fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 3,
      }),
      leave: fc.boolean(),
    },
    { requiredKeys: ['leave'] },
  )
  .map(({ leave, xuid, initialize, active, ready, connection, custom }) => {
    if (leave) return { members: { me: null } };
    const constantsSystem: Record<string, unknown> = {};
    if (xuid !== undefined) constantsSystem.xuid = xuid;
    if (initialize !== undefined) constantsSystem.initialize = initialize;
    const propertiesSystem: Record<string, unknown> = {};
    if (connection !== undefined) propertiesSystem.connection = connection;
    if (active !== undefined) propertiesSystem.active = active;
    if (ready !== undefined) propertiesSystem.ready = ready;
    const me: Record<string, unknown> = {};
    if (Object.keys(constantsSystem).length > 0) me.constants = { system: constantsSystem };
    const properties: Record<string, unknown> = {};
    if (Object.keys(propertiesSystem).length > 0) properties.system = propertiesSystem;
    if (custom !== undefined) properties.custom = custom;
    if (Object.keys(properties).length > 0) me.properties = properties;
    return { members: { me } };
  });

/** Every object inside a body, with the path to it, so a mutation can pick any of them. */
function objectsIn(value: unknown): Record<string, unknown>[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const record = value as Record<string, unknown>;
  return [record, ...Object.values(record).flatMap(objectsIn)];
}

/**
 * A valid body with one change at a random depth: a field replaced by any value, a key removed,
 * or a key added. Each boundary the fast path checks is then one mutation away.
 */
const body = fc
  .tuple(
    validBody,
    fc.nat(),
    fc.nat(),
    fc.constantFrom('replace', 'remove', 'add', 'none'),
    anyValue,
    fc.constantFrom('extra', 'team', 'custom', 'system', 'members', '__proto__', 'me', 'reserve_1'),
  )
  .map(([valid, which, field, change, value, extraKey]) => {
    const copy = JSON.parse(JSON.stringify(valid)) as unknown;
    const objects = objectsIn(copy);
    const target = objects[which % objects.length] as Record<string, unknown>;
    const keys = Object.keys(target);
    const key = keys[field % Math.max(1, keys.length)];
    if (change === 'replace' && key !== undefined) target[key] = value;
    if (change === 'remove' && key !== undefined) delete target[key];
    if (change === 'add') {
      Object.defineProperty(target, extraKey, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  });

describe('session delta fast path', () => {
  it('gives what zod gives for any body near the common shapes', () => {
    fc.assert(
      fc.property(body, (input) => {
        // JSON round trip: the directory only ever parses what JSON.parse made.
        const parsedBody = JSON.parse(JSON.stringify(input) ?? 'null') as unknown;
        const fast = parseSessionDelta(parsedBody);
        const zod = sessionDeltaSchema.safeParse(parsedBody);
        expect(fast.success).toBe(zod.success);
        if (fast.success && zod.success) {
          expect(JSON.stringify(fast.data)).toBe(JSON.stringify(zod.data));
          expect(fast.data).toEqual(zod.data);
        } else if (!fast.success && !zod.success) {
          expect(fast.error.issues).toEqual(zod.error.issues);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the join and the property re-write bodies, as zod does', () => {
    const join = {
      members: {
        me: {
          properties: { system: { connection: guid, active: true } },
          constants: { system: { initialize: true, xuid: '2533274800000001' } },
        },
      },
    };
    const rewrite = { members: { me: { properties: { custom: { score: 3, ping: 21 } } } } };
    for (const input of [join, rewrite, { members: { me: null } }]) {
      const fast = parseSessionDelta(input);
      expect(fast.success).toBe(true);
      expect(JSON.stringify(fast.data)).toBe(JSON.stringify(sessionDeltaSchema.parse(input)));
    }
    // The custom object is passed through, as zod's custom check does.
    const fast = parseSessionDelta(rewrite);
    expect(fast.data?.members?.me?.properties?.custom).toBe(rewrite.members.me.properties.custom);
  });
});
