/**
 * `members.me` is always the caller. Real clients joining on behalf of a linked account send
 * `members.me.constants.system.xuid` of another user and MPSD accepts the write; the directory does
 * too, and records the caller. No body, whatever XUIDs or member keys it names, changes another
 * user's member entry.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import {
  call,
  expectSessionDocument,
  joinBody,
  player,
  sessionUrl,
  type Player,
} from './directory-test-client';

let directory: RunningDirectory;
let url: string;
let victim: Player;
let caller: Player;
const log: string[] = [];

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false, onLog: (line) => log.push(line) });
  url = directory.url;
  victim = await player(url, 'Victim');
  caller = await player(url, 'Linked Account');
});

afterAll(() => directory.close());

type Members = Record<string, { constants: { system: { xuid: string } }; gamertag?: string }>;

describe('members.me naming another XUID', () => {
  it('is accepted, and the member written is the caller, logged once', async () => {
    const path = sessionUrl('linked-account');
    expect((await call(url, 'PUT', path, { as: victim, body: joinBody(victim) })).status).toBe(201);
    const joined = await call(url, 'PUT', path, { as: caller, body: joinBody(victim) });
    expect(joined.status, joined.text).toBe(200);
    const doc = expectSessionDocument(joined);
    expect(doc.membersInfo?.count).toBe(2);
    const members = joined.json<{ members: Members }>().members;
    expect(members['1']).toMatchObject({
      constants: { system: { xuid: caller.xuid } },
      gamertag: 'Linked Account',
    });
    expect(members['0']).toMatchObject({ constants: { system: { xuid: victim.xuid } } });
    await call(url, 'PUT', path, { as: caller, body: joinBody(victim, { ready: false }) });
    expect(log.filter((line) => line.includes(`members.me of ${caller.xuid}`))).toHaveLength(1);
  });

  it('creates a session with the caller as its member', async () => {
    const created = await call(url, 'PUT', sessionUrl('created-for-other'), {
      as: caller,
      body: joinBody(victim),
    });
    expect(created.status, created.text).toBe(201);
    const members = created.json<{ members: Members }>().members;
    expect(Object.values(members).map((m) => m.constants.system.xuid)).toEqual([caller.xuid]);
  });
});

describe('no body writes as someone else', () => {
  it("leaves the victim's entry as it was, whatever the body names", async () => {
    const path = sessionUrl('victim-session');
    const created = await call(url, 'PUT', path, {
      as: victim,
      body: {
        ...joinBody(victim, { secureDeviceAddress: 'AAAA' }),
        properties: { custom: { owner: 'victim' } },
      },
    });
    expect(created.status).toBe(201);
    // The entry without `next`, the link to whoever joined after the victim.
    const victimEntry = async (): Promise<string> => {
      const read = await call(url, 'GET', path, { as: victim });
      const { next: _next, ...entry } = read.json<{ members: Record<string, { next: number }> }>()
        .members['0'] as { next: number };
      return JSON.stringify(entry);
    };
    const before = await victimEntry();
    const victimXuid = fc.constant(victim.xuid);
    const memberDelta = fc.record(
      {
        constants: fc.record(
          {
            system: fc.record(
              { xuid: victimXuid, index: fc.constant(0), initialize: fc.boolean() },
              { requiredKeys: [] },
            ),
            custom: fc.dictionary(fc.constantFrom('a', 'owner'), fc.string(), { maxKeys: 2 }),
          },
          { requiredKeys: [] },
        ),
        properties: fc.record(
          {
            system: fc.record(
              { active: fc.boolean(), secureDeviceAddress: fc.constantFrom('QkJCQg==', null) },
              { requiredKeys: [] },
            ),
            custom: fc.dictionary(fc.constantFrom('a', 'owner'), fc.string(), { maxKeys: 2 }),
          },
          { requiredKeys: [] },
        ),
        roles: fc.constant({}),
      },
      { requiredKeys: [] },
    );
    const key = fc.constantFrom('me', '0', 'reserve_0', 'reserve_1');
    const body = fc.dictionary(key, fc.option(memberDelta, { nil: null }), {
      minKeys: 1,
      maxKeys: 3,
    });
    await fc.assert(
      fc.asyncProperty(body, async (members) => {
        const answer = await call(url, 'PUT', path, { as: caller, body: { members } });
        expect(answer.status).toBeLessThan(500);
        expect(await victimEntry()).toBe(before);
      }),
      { numRuns: 60 },
    );
    // The only member entry the caller could ever write is its own.
    const last = await call(url, 'GET', path, { as: victim });
    const others = Object.values(last.json<{ members: Members }>().members).filter(
      (member) => member.constants.system.xuid !== victim.xuid,
    );
    for (const member of others) expect(member.constants.system.xuid).toBe(caller.xuid);
  });
});
