/**
 * Property tests over real HTTP: any sequence of joins, leaves, reservations, property writes and
 * clock jumps by a few players leaves a session XSAPI would accept, within its seat count; and any
 * JSON body whatsoever gets a typed answer, never a 500 or a dropped connection.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import {
  call,
  expectSessionDocument,
  player,
  sessionUrl,
  type Player,
} from './directory-test-client';

const clock = { t: Date.parse('2026-05-01T00:00:00Z'), now: () => clock.t };
let directory: RunningDirectory;
let players: Player[];
let run = 0;

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false, clock });
  players = [];
  for (let i = 0; i < 5; i += 1) players.push(await player(directory.url, `Prop ${i}`));
});
afterAll(() => directory.close());

const who = fc.integer({ min: 0, max: 4 });
const operation = fc.oneof(
  fc.record({
    kind: fc.constant('join' as const),
    who,
    state: fc.constantFrom('active', 'ready', 'inactive'),
  }),
  fc.record({ kind: fc.constant('leave' as const), who }),
  fc.record({ kind: fc.constant('reserve' as const), who, target: who }),
  fc.record({
    kind: fc.constant('custom' as const),
    who,
    key: fc.constantFrom('a', 'b'),
    value: fc.oneof(fc.integer(), fc.constant(null)),
  }),
  fc.record({ kind: fc.constant('close' as const), who, closed: fc.boolean() }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(1_000, 31_000, 200_000) }),
);

type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

function bodyFor(op: Exclude<Operation, { kind: 'wait' }>, me: Player) {
  switch (op.kind) {
    case 'join':
      return {
        members: {
          me: {
            constants: { system: { xuid: me.xuid } },
            properties: {
              system: {
                active: op.state === 'active',
                ...(op.state === 'ready' ? { ready: true } : {}),
              },
            },
          },
        },
      };
    case 'leave':
      return { members: { me: null } };
    case 'reserve':
      return {
        members: { reserve_0: { constants: { system: { xuid: players[op.target]?.xuid } } } },
      };
    case 'custom':
      return { properties: { custom: { [op.key]: op.value } } };
    case 'close':
      return { properties: { system: { closed: op.closed } } };
  }
}

describe('session invariants under random operations', () => {
  it('every answer is typed and every document valid, within maxMembersCount', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(operation, { minLength: 1, maxLength: 14 }),
        async (seats, ops) => {
          const path = sessionUrl(`prop-${++run}`);
          for (const op of ops) {
            if (op.kind === 'wait') {
              clock.t += op.ms;
              continue;
            }
            const me = players[op.who] as Player;
            const body = bodyFor(op, me);
            const withConstants = { ...body, constants: { system: { maxMembersCount: seats } } };
            const answer = await call(directory.url, 'PUT', path, { as: me, body: withConstants });
            expect([200, 201, 204, 403, 409]).toContain(answer.status);
            if (answer.status === 200 || answer.status === 201) {
              const doc = expectSessionDocument(answer);
              expect(doc.membersInfo?.count).toBeLessThanOrEqual(seats);
            } else if (answer.status !== 204) {
              expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
            }
          }
          const final = await call(directory.url, 'GET', path, { as: players[0] as Player });
          if (final.status === 200)
            expect(expectSessionDocument(final).membersInfo?.count).toBeLessThanOrEqual(seats);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('hostile bodies', () => {
  it('any JSON body gets a typed answer, never a 500 or a reset', async () => {
    const path = sessionUrl('fuzzed');
    const someone = players[1] as Player;
    await call(directory.url, 'PUT', path, {
      as: someone,
      body: { members: { me: { properties: { system: { active: true } } } } },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ members: fc.dictionary(fc.string(), fc.jsonValue()) }),
          fc.record({ members: fc.record({ me: fc.jsonValue() }) }),
          fc.record({ properties: fc.record({ system: fc.jsonValue(), custom: fc.jsonValue() }) }),
          fc.record({ constants: fc.record({ system: fc.jsonValue() }) }),
        ),
        fc.constantFrom(path, '/handles', '/handles/5d0e7c9a-1b2c-4d3e-8f40-5a6b7c8d9e0f/session'),
        async (body, target) => {
          const method = target === '/handles' ? 'POST' : 'PUT';
          const answer = await call(directory.url, method, target, { as: someone, body });
          expect(answer.status).toBeGreaterThanOrEqual(200);
          expect(answer.status).toBeLessThan(500);
          if (answer.status >= 400) expect(answer.text.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any bytes as a body or path get a typed answer', async () => {
    const someone = players[2] as Player;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 40 }),
        async (raw, segment) => {
          const put = await call(directory.url, 'PUT', sessionUrl('bytes'), {
            as: someone,
            rawBody: raw,
          });
          expect(put.status).toBeLessThan(500);
          const odd = await call(
            directory.url,
            'GET',
            `/handles/${encodeURIComponent(segment)}/session`,
            { as: someone },
          );
          expect([400, 404, 405]).toContain(odd.status);
        },
      ),
      { numRuns: 200 },
    );
  });
});
