/**
 * The request path parses bodies with zod's compiled parsers (`z.compile`). These tests pin the two
 * things that choice relies on: zod can compile every request schema whole (a feature it cannot
 * compile would silently send that schema back to walking its tree on every request), and the
 * compiled parsers answer exactly as zod's own parser does — the same data, the same issues — for
 * the bodies real clients send, for hostile ones, and for generated ones.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { LosslessNumber } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  devTokenRequestSchema,
  handleQuerySchema,
  handleRequestSchema,
  parseDevTokenRequest,
  parseHandleQuery,
  parseHandleRequest,
  parseSessionDelta,
  sessionDeltaSchema,
} from '../../src/directory/request-schemas';

const parsers = [
  { name: 'session delta', schema: sessionDeltaSchema, compiled: parseSessionDelta },
  { name: 'handle request', schema: handleRequestSchema, compiled: parseHandleRequest },
  { name: 'handle query', schema: handleQuerySchema, compiled: parseHandleQuery },
  { name: 'dev token request', schema: devTokenRequestSchema, compiled: parseDevTokenRequest },
] as const;

/** What a parse answered, in a form two parses can be compared by. */
const outcome = (result: z.ZodSafeParseResult<unknown>) =>
  result.success
    ? { success: true, data: result.data }
    : { success: false, issues: result.error.issues, message: z.prettifyError(result.error) };

const fixture = (path: string) =>
  JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Record<string, unknown>;

/** Every request body in the XSAPI and Minecraft-client fixtures. */
const fixtureBodies = [
  ...Object.entries(fixture('../fixtures/xsapi/xsapi-handles-and-write-bodies.json')),
  ...Object.entries(fixture('./fixtures/minecraft-lobby-bodies.json')),
]
  .filter(([name]) => !name.endsWith('Response') && !name.startsWith('$'))
  .map(([, body]) => (body as { body?: unknown })?.body ?? body);

const guid = '0f5e3c2a-1b4d-4e6f-8a9b-0c1d2e3f4a5b';

/** Bodies that each exercise one rule: enum case, kept numbers, unknown keys, `__proto__`, types. */
const edgeBodies: unknown[] = [
  {},
  null,
  [],
  'members',
  { constants: { system: { visibility: 'OPEN', maxMembersCount: 16 } } },
  { constants: { system: { maxMembersCount: new LosslessNumber('16.0') } } },
  { constants: { system: { maxMembersCount: new LosslessNumber('18446744073709551615') } } },
  { constants: { system: { sessionEmptyTimeout: 31_536_000_001 } } },
  { constants: { system: { sessionEmptyTimeout: null, unknownButKept: { a: 1 } } } },
  { properties: { custom: { id: new LosslessNumber('7698569263756403830') } } },
  { properties: { custom: [] } },
  { properties: { system: { joinRestriction: 'Followed', turn: [0, -1] } } },
  {
    members: {
      me: {
        properties: {
          system: { subscription: { id: guid, changeTypes: ['MembersList', 'host'] } },
        },
      },
    },
  },
  {
    members: { me: { properties: { system: { connection: guid.toUpperCase(), active: 'yes' } } } },
  },
  { members: { me: { constants: { system: { xuid: '1'.repeat(21) } } } } },
  { members: { reserve_1000: null, '1234567': null, me: { roles: { lfg: 'x'.repeat(101) } } } },
  { members: { me: { properties: { system: { groups: ['😀'.repeat(50), '😀'.repeat(51)] } } } } },
  JSON.parse('{"members":{"__proto__":{"x":1}}}'),
  JSON.parse('{"servers":{"__proto__":{"x":1}}}'),
  JSON.parse('{"constants":{"system":{"__proto__":{"x":1}}}}'),
  { roleTypes: { lfg: { roles: { tank: { max: 2, target: new LosslessNumber('1.0') } } } } },
  { roleTypes: { lfg: { roles: { tank: { max: -1, extra: 1 } } } } },
  { version: 1, type: 'invite', sessionRef: { scid: 'a', templateName: 'b', name: 'c' } },
  { type: 'activity', owners: { people: { moniker: 'People', monikerXuid: '1' } } },
  { xuid: '2533274800000000', gamertag: 'Größe_1', follows: ['1', 'x'] },
];

/** JSON-like values shaped around the session delta's fields, valid and not. */
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('open', 'Open', 'none', 'everything', 'membersList', guid, '2533274800000000'),
  fc.integer({ min: -2, max: 2_000 }),
  fc.constant(new LosslessNumber('12.0')),
);
const objectOf = (keys: string[], value: fc.Arbitrary<unknown>) =>
  fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 });
const memberSystem = objectOf(
  ['active', 'ready', 'connection', 'subscription', 'groups', 'initializationGroup', 'other'],
  fieldValue,
);
const memberDelta = fc.oneof(
  fc.constant(null),
  objectOf(
    ['constants', 'properties', 'roles'],
    fc.oneof(
      objectOf(['system', 'custom'], fc.oneof(memberSystem, fieldValue)),
      objectOf(['lfg'], fieldValue),
    ),
  ),
);
const generatedDelta = objectOf(
  ['constants', 'properties', 'members', 'servers', 'roleTypes', 'unknown'],
  fc.oneof(
    objectOf(
      ['system', 'custom'],
      objectOf(
        ['visibility', 'maxMembersCount', 'joinRestriction', 'turn', 'sessionEmptyTimeout', 'x'],
        fieldValue,
      ),
    ),
    objectOf(['me', 'reserve_0', '3', 'bad key'], memberDelta),
    fieldValue,
  ),
);

describe('request body parsers', () => {
  it.each(parsers)('zod compiles the $name schema whole', ({ schema }) => {
    expect(() => z.compile(schema as z.ZodType, { strict: true })).not.toThrow();
  });

  it.each(parsers)(
    'the compiled $name parser answers as zod does for fixture and edge bodies',
    ({ schema, compiled }) => {
      for (const body of [...fixtureBodies, ...edgeBodies]) {
        expect(outcome(compiled(body))).toEqual(outcome(schema.safeParse(body)));
      }
    },
  );

  it('the compiled session delta parser answers as zod does for generated bodies', () => {
    fc.assert(
      fc.property(generatedDelta, (body) => {
        expect(outcome(parseSessionDelta(body))).toEqual(
          outcome(sessionDeltaSchema.safeParse(body)),
        );
      }),
      { numRuns: 2_000 },
    );
    // Guards the comparison against comparing only refusals: a good share of the bodies parse.
    const parsed = fc
      .sample(generatedDelta, { numRuns: 500, seed: 1 })
      .filter((body) => parseSessionDelta(body).success);
    expect(parsed.length).toBeGreaterThan(50);
  });

  it('the fixtures hold session writes that parse', () => {
    // Guards the comparison above against comparing only refusals.
    const accepted = fixtureBodies.filter((body) => parseSessionDelta(body).success);
    expect(accepted.length).toBeGreaterThanOrEqual(5);
  });
});
