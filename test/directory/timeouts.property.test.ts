/**
 * Any timeout a client can send either is refused with 400 or makes a session that renders: no
 * value of `sessionEmptyTimeout`, `inactiveRemovalTimeout`, `readyRemovalTimeout` or
 * `reservedRemovalTimeout` may turn a read or a leave into a 500 (a deadline past the last instant
 * a Date can hold used to). Property-based over real HTTP on loopback.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { maxTimeoutMs } from '../../src/directory/timeout-limits';
import { call, player, sessionUrl, type Player } from './directory-test-client';

let directory: RunningDirectory;
let host: Player;
let guest: Player;
beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false });
  host = await player(directory.url, 'Timeout Host');
  guest = await player(directory.url, 'Timeout Guest');
});
afterAll(() => directory.close());

const timeoutNames = [
  'sessionEmptyTimeout',
  'inactiveRemovalTimeout',
  'readyRemovalTimeout',
  'reservedRemovalTimeout',
] as const;

/** JSON number texts: small, around the cap, around 8.64e15, huge, fractional, negative. */
const timeoutText = fc.oneof(
  fc.integer({ min: 0, max: 10_000_000 }).map(String),
  fc.integer({ min: maxTimeoutMs - 2, max: maxTimeoutMs + 2 }).map(String),
  fc.bigInt({ min: 8_630_000_000_000_000n, max: 9_100_000_000_000_000n }).map(String),
  fc.constantFrom('1e300', '1e16', '9007199254740993', '-1', '0.5', 'null', '18446744073709551615'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
);

let counter = 0;

describe('timeouts', () => {
  it('a timeout above the documented maximum is refused with 400, the maximum itself accepted', async () => {
    for (const name of timeoutNames) {
      const above = await call(directory.url, 'PUT', sessionUrl(`cap-${name}`), {
        as: host,
        rawBody: `{"constants":{"system":{"${name}":${maxTimeoutMs + 1}}},"members":{"me":{"constants":{"system":{"xuid":"${host.xuid}"}},"properties":{"system":{"active":true}}}}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(above.status, above.text).toBe(400);
      const at = await call(directory.url, 'PUT', sessionUrl(`cap-ok-${name}`), {
        as: host,
        rawBody: `{"constants":{"system":{"${name}":${maxTimeoutMs}}},"members":{"me":{"constants":{"system":{"xuid":"${host.xuid}"}},"properties":{"system":{"active":true}}}}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(at.status, at.text).toBe(201);
    }
  });

  it('no timeout value makes a create, a reservation, a read, a status change or a leave answer 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...timeoutNames), timeoutText, async (name, text) => {
        counter += 1;
        const path = sessionUrl(`prop-${counter}`);
        const json = { 'content-type': 'application/json' };
        const created = await call(directory.url, 'PUT', path, {
          as: host,
          headers: json,
          rawBody: `{"constants":{"system":{"${name}":${text}}},"members":{"me":{"constants":{"system":{"xuid":"${host.xuid}"}},"properties":{"system":{"active":true}}}}}`,
        });
        expect([201, 400], created.text).toContain(created.status);
        if (created.status !== 201) return;
        const steps = [
          // A reservation (reserved timer), a status change to ready and to inactive (their
          // timers), then everybody leaves (the empty-session timer).
          {
            as: host,
            body: { members: { reserve_0: { constants: { system: { xuid: guest.xuid } } } } },
          },
          { as: host, body: { members: { me: { properties: { system: { ready: true } } } } } },
          {
            as: host,
            body: { members: { me: { properties: { system: { active: false, ready: false } } } } },
          },
          { as: host, body: { members: { me: null } } },
        ];
        for (const step of steps) {
          const written = await call(directory.url, 'PUT', path, step);
          expect([200, 204], written.text).toContain(written.status);
          const read = await call(directory.url, 'GET', path, { as: host });
          expect([200, 204], read.text).toContain(read.status);
          if (read.status === 200) {
            const next = read.json<{ nextTimer?: string }>().nextTimer;
            if (next !== undefined) expect(Number.isNaN(Date.parse(next))).toBe(false);
          }
        }
      }),
      { numRuns: 120 },
    );
  });
});
