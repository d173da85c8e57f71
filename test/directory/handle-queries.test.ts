/**
 * `POST /handles/query?include=relatedInfo,customProperties`: the activity query bodies XSAPI sends
 * (`activitiesForUserRequest` from its unit tests, and the social-group form its
 * `MultiplayerActivityQueryPostRequest` serialises) and MPSD's invite query, answered in MPSD's shape
 * and decoded by a strict typed decoder.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import { call, joinBody, player, scid, sessionUrl, type Player } from './directory-test-client';
import { strictHandleQueryAnswer } from './strict-decoders';

const fixtures = JSON.parse(
  readFileSync(
    new URL('../fixtures/xsapi/xsapi-handles-and-write-bodies.json', import.meta.url),
    'utf8',
  ),
) as { activitiesForUserRequest: { type: string; scid: string; owners: { xuids: string[] } } };

const clock = { t: Date.parse('2026-03-01T10:00:00Z'), now: () => clock.t };
const handleLifetimeMs = 60_000;

let directory: RunningDirectory;
let url: string;
let alice: Player;
let bob: Player;
let carol: Player;
let dave: Player;

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false, clock, handleLifetimeMs });
  url = directory.url;
  carol = await player(url, 'Carol');
  dave = await player(url, 'Dave');
  bob = await player(url, 'Bob', { follows: [carol.xuid] });
  alice = await player(url, 'Alice', { follows: [bob.xuid, carol.xuid] });
});

afterAll(() => directory.close());

const query = (who: Player, body: unknown, include = 'relatedInfo,customProperties') =>
  call(url, 'POST', `/handles/query${include ? `?include=${include}` : ''}`, { as: who, body });

/** A session of `owner` with an activity handle; its name and the handle id. */
async function hostWithActivity(
  owner: Player,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const created = await call(url, 'PUT', sessionUrl(name), {
    as: owner,
    body: {
      ...joinBody(owner, { secureDeviceAddress: 'AQID' }),
      ...extra,
    },
  });
  expect(created.status, created.text).toBe(201);
  const deviceToken = created.json<{ members: Record<string, { deviceToken: string }> }>().members[
    '0'
  ]?.deviceToken;
  await call(url, 'PUT', sessionUrl(name), {
    as: owner,
    body: { properties: { system: { host: deviceToken } } },
  });
  const activity = await call(url, 'POST', '/handles', {
    as: owner,
    body: { version: 1, type: 'activity', sessionRef: { scid, templateName: 'default', name } },
  });
  expect(activity.status, activity.text).toBe(201);
  return activity.json<{ id: string }>().id;
}

describe('POST /handles/query', () => {
  let bobActivity = '';

  beforeAll(async () => {
    bobActivity = await hostWithActivity(bob, 'bobs-game', {
      constants: { system: { maxMembersCount: 6, inviteProtocol: 'game' } },
      properties: { custom: { Map: 'Helmand Valley', GameMode: 'Team Assault' } },
    });
    await hostWithActivity(carol, 'carols-game', {
      properties: { system: { readRestriction: 'followed' }, custom: { Map: 'Secret' } },
    });
  });

  it("answers XSAPI's activitiesForUserRequest body in MPSD's shape", async () => {
    const body = {
      ...fixtures.activitiesForUserRequest,
      scid,
      owners: { xuids: [bob.xuid] },
    };
    const answer = await query(dave, body);
    expect(answer.status, answer.text).toBe(200);
    const decoded = strictHandleQueryAnswer.parse(answer.json());
    expect(decoded.results).toEqual([
      {
        id: bobActivity,
        type: 'activity',
        version: 1,
        sessionRef: { scid, templateName: 'default', name: 'bobs-game' },
        titleId: '1717113201',
        ownerXuid: bob.xuid,
        expiration: new Date(clock.t + handleLifetimeMs).toISOString(),
        relatedInfo: {
          visibility: 'open',
          joinRestriction: 'none',
          closed: false,
          maxMembersCount: 6,
          membersCount: 1,
          hostGamertag: 'Bob',
          inviteProtocol: 'game',
          postedTime: new Date(clock.t).toISOString(),
        },
        customProperties: { Map: 'Helmand Valley', GameMode: 'Team Assault' },
      },
    ]);
    const otherScid = { ...body, scid: '00000000-1111-4222-8333-444444444444' };
    expect(strictHandleQueryAnswer.parse((await query(dave, otherScid)).json()).results).toEqual(
      [],
    );
  });

  it('answers the people moniker with the activities of whom the caller follows and may read', async () => {
    const social = {
      type: 'activity',
      scid,
      owners: { people: { moniker: 'people', monikerXuid: alice.xuid } },
    };
    const forAlice = strictHandleQueryAnswer.parse((await query(alice, social)).json());
    // Carol's session is readable only by players a member follows; Carol does not follow Alice.
    expect(forAlice.results.map((result) => result.ownerXuid)).toEqual([bob.xuid]);
    const bobSocial = {
      ...social,
      owners: { people: { moniker: 'people', monikerXuid: bob.xuid } },
    };
    expect((await query(alice, bobSocial)).status).toBe(403);
  });

  it('includes only what ?include asks for', async () => {
    const body = { type: 'activity', scid, owners: { xuids: [bob.xuid] } };
    const bare = strictHandleQueryAnswer.parse((await query(dave, body, '')).json());
    expect(bare.results[0]?.relatedInfo).toBeUndefined();
    expect(bare.results[0]?.customProperties).toBeUndefined();
    const related = strictHandleQueryAnswer.parse((await query(dave, body, 'relatedInfo')).json());
    expect(related.results[0]?.relatedInfo?.membersCount).toBe(1);
    expect(related.results[0]?.customProperties).toBeUndefined();
  });

  it('answers the invites sent to the caller, and only to the caller', async () => {
    const invite = await call(url, 'POST', '/handles', {
      as: bob,
      body: {
        version: 1,
        type: 'invite',
        sessionRef: { scid, templateName: 'default', name: 'bobs-game' },
        invitedXuid: dave.xuid,
        inviteAttributes: { titleId: '1717113201', context: 'join-me' },
      },
    });
    expect(invite.status).toBe(201);
    const mine = strictHandleQueryAnswer.parse(
      (await query(dave, { type: 'invite', scid })).json(),
    );
    expect(mine.results).toHaveLength(1);
    expect(mine.results[0]).toMatchObject({
      type: 'invite',
      invitedXuid: dave.xuid,
      senderXuid: bob.xuid,
      inviteAttributes: { context: 'join-me' },
      relatedInfo: { membersCount: 1 },
    });
    const theirs = await query(alice, { type: 'invite', scid });
    expect(strictHandleQueryAnswer.parse(theirs.json()).results).toEqual([]);
    expect((await query(alice, { type: 'invite', invitedXuid: dave.xuid })).status).toBe(403);
  });

  it('leaves out expired handles', async () => {
    const body = { type: 'activity', scid, owners: { xuids: [bob.xuid] } };
    clock.t += handleLifetimeMs;
    try {
      expect(strictHandleQueryAnswer.parse((await query(dave, body)).json()).results).toEqual([]);
    } finally {
      clock.t -= handleLifetimeMs;
    }
  });

  it('refuses bad bodies with 400, and other verbs with 405; "query" is never a handle id', async () => {
    expect((await query(dave, { type: 'activity', scid })).status).toBe(400);
    expect((await query(dave, { type: 'search', scid })).status).toBe(400);
    const get = await call(url, 'GET', '/handles/query', { as: dave });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await call(url, 'DELETE', '/handles/query', { as: dave })).status).toBe(405);
  });
});
