/**
 * Replays, over real HTTP, what an open-source Minecraft Bedrock MPSD client does (the bodies in
 * fixtures/minecraft-lobby-bodies.json): create a `MinecraftLobby` session (a template the directory
 * does not declare), publish an activity, invite, let a friend find the activity and join through
 * it, update a custom property. The uint64 network id must come back digit for digit everywhere.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import { call, expectSessionDocument, player, type Player } from './directory-test-client';
import { strictHandleQueryAnswer } from './strict-decoders';

const bodies = readFileSync(
  new URL('./fixtures/minecraft-lobby-bodies.json', import.meta.url),
  'utf8',
);

/** One body of the fixture as JSON text, placeholders replaced, numbers untouched. */
function body(name: string, values: Record<string, string>): string {
  const start = bodies.indexOf(`"${name}":`);
  expect(start).toBeGreaterThan(0);
  // The fixture's bodies are objects at the second level: cut from this key's value to its match.
  let depth = 0;
  let at = bodies.indexOf('{', start);
  const from = at;
  for (; at < bodies.length; at += 1) {
    if (bodies[at] === '{') depth += 1;
    else if (bodies[at] === '}' && --depth === 0) break;
  }
  let text = bodies.slice(from, at + 1);
  for (const [key, value] of Object.entries(values)) text = text.replaceAll(`{{${key}}}`, value);
  return text;
}

const minecraftScid = '4fc10100-5f7a-4470-899b-280835760c07';
const networkId = '7698569263756403830';
const sessionName = 'a3c1e2f4-5b6d-4e7f-8091-a2b3c4d5e6f7';
const sessionPath = `/serviceconfigs/${minecraftScid}/sessionTemplates/MinecraftLobby/sessions/${sessionName}`;
const json = { 'content-type': 'application/json' };

let directory: RunningDirectory;
let url: string;
let host: Player;
let friend: Player;
let stranger: Player;
const log: string[] = [];

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false, onLog: (line) => log.push(line) });
  url = directory.url;
  friend = await player(url, 'Friend Of Host');
  host = await player(url, 'Bedrock Host', { follows: [friend.xuid] });
  stranger = await player(url, 'Stranger');
});

afterAll(() => directory.close());

/** Every occurrence of the network id in an answer's raw text is the id itself, never rounded. */
function expectNetworkId(text: string, times: number): void {
  expect(text.split(networkId).length - 1).toBe(times);
  expect(text).not.toContain('7698569263756404000');
}

describe('a Minecraft Bedrock client against the local directory', () => {
  let inviteId = '';

  it('creates its MinecraftLobby session from the default template, logged once', async () => {
    const created = await call(url, 'PUT', sessionPath, {
      as: host,
      rawBody: body('createSession', { hostXuid: host.xuid }),
      headers: json,
    });
    expect(created.status, created.text).toBe(201);
    expectSessionDocument(created);
    expectNetworkId(created.text, 3);
    expect(created.headers.get('content-location')).toBe(sessionPath);
    const again = await call(url, 'PUT', sessionPath.replace('MinecraftLobby', 'minecraftlobby'), {
      as: host,
      rawBody: body('updateMemberCount', {}),
      headers: json,
    });
    expect(again.status, again.text).toBe(200);
    expect(again.headers.get('content-location')).toBe(sessionPath);
    expect(log.filter((line) => /template MinecraftLobby/.test(line))).toHaveLength(1);
  });

  it('publishes an activity and invites; every read answers the id as sent', async () => {
    const activity = await call(url, 'POST', '/handles', {
      as: host,
      rawBody: body('setActivity', { sessionName }),
      headers: json,
    });
    expect(activity.status, activity.text).toBe(201);
    const invite = await call(url, 'POST', '/handles', {
      as: host,
      rawBody: body('sendInvite', { sessionName, invitedXuid: stranger.xuid }),
      headers: json,
    });
    expect(invite.status, invite.text).toBe(201);
    inviteId = invite.json<{ id: string }>().id;
    const read = await call(url, 'GET', sessionPath, { as: host });
    expect(read.status).toBe(200);
    expectNetworkId(read.text, 3);
    const byHandle = await call(url, 'GET', `/handles/${inviteId}/session`, { as: stranger });
    expect(byHandle.status, byHandle.text).toBe(200);
    expectNetworkId(byHandle.text, 3);
  });

  it('lets a followed friend find the activity and join; the stranger cannot read it', async () => {
    const found = await call(url, 'POST', '/handles/query?include=relatedInfo,customProperties', {
      as: friend,
      body: {
        type: 'activity',
        scid: minecraftScid,
        owners: { people: { moniker: 'people', monikerXuid: friend.xuid } },
      },
    });
    // The friend follows nobody, so its own social graph finds nothing...
    expect(found.status, found.text).toBe(200);
    expect(found.json<{ results: unknown[] }>().results).toEqual([]);
    // ...but asking for the host's activity by XUID does, with the id as sent.
    const byXuid = await call(url, 'POST', '/handles/query?include=relatedInfo,customProperties', {
      as: friend,
      body: { type: 'activity', scid: minecraftScid, owners: { xuids: [host.xuid] } },
    });
    expect(byXuid.status, byXuid.text).toBe(200);
    expectNetworkId(byXuid.text, 3);
    const answer = strictHandleQueryAnswer.parse(byXuid.json());
    expect(answer.results).toHaveLength(1);
    expect(answer.results[0]).toMatchObject({
      type: 'activity',
      ownerXuid: host.xuid,
      sessionRef: { templateName: 'MinecraftLobby', name: sessionName },
      relatedInfo: {
        joinRestriction: 'followed',
        visibility: 'open',
        closed: false,
        membersCount: 1,
        maxMembersCount: 100,
      },
    });
    const activityId = answer.results[0]?.id ?? '';
    const joined = await call(url, 'PUT', `/handles/${activityId}/session`, {
      as: friend,
      rawBody: body('addConnection', { joinerXuid: friend.xuid }),
      headers: json,
    });
    expect(joined.status, joined.text).toBe(200);
    expectNetworkId(joined.text, 3);
    expect(expectSessionDocument(joined).membersInfo).toMatchObject({ count: 2, active: 2 });

    // The stranger is followed by no member: 403 on every read, by URL and by activity handle.
    expect((await call(url, 'GET', sessionPath, { as: stranger })).status).toBe(403);
    expect(
      (await call(url, 'GET', `/handles/${activityId}/session`, { as: stranger })).status,
    ).toBe(403);
    const strangerQuery = await call(url, 'POST', '/handles/query?include=relatedInfo', {
      as: stranger,
      body: { type: 'activity', scid: minecraftScid, owners: { xuids: [host.xuid] } },
    });
    expect(strangerQuery.json<{ results: unknown[] }>().results).toEqual([]);
    // The stranger's invite still lets them read it.
    expect((await call(url, 'GET', `/handles/${inviteId}/session`, { as: stranger })).status).toBe(
      200,
    );
  });

  it('updates the member count and leaves as the client does', async () => {
    const updated = await call(url, 'PUT', sessionPath, {
      as: host,
      rawBody: body('updateMemberCount', {}).replace('"MemberCount": 2', '"MemberCount": 3'),
      headers: json,
    });
    expect(updated.status, updated.text).toBe(200);
    expect(
      updated.json<{ properties: { custom: { MemberCount: number } } }>().properties.custom,
    ).toMatchObject({ MemberCount: 3 });
    expectNetworkId(updated.text, 3);
    const left = await call(url, 'PUT', sessionPath, {
      as: friend,
      rawBody: body('leaveSession', {}),
      headers: json,
    });
    expect(left.status, left.text).toBe(200);
    expect(expectSessionDocument(left).membersInfo?.count).toBe(1);
  });
});

describe('--strict-templates', () => {
  it("keeps MPSD's 404 for a template the templates file does not declare", async () => {
    const strict = await startDirectory({ rateLimits: false, strictTemplates: true });
    try {
      const someone = await player(strict.url, 'Strict Host');
      const refused = await call(strict.url, 'PUT', sessionPath, {
        as: someone,
        rawBody: body('createSession', { hostXuid: someone.xuid }),
        headers: json,
      });
      expect(refused.status).toBe(404);
      expect(refused.text).toMatch(/MinecraftLobby does not exist/);
      const declared = await call(
        strict.url,
        'PUT',
        sessionPath.replace('MinecraftLobby', 'default'),
        { as: someone, rawBody: body('createSession', { hostXuid: someone.xuid }), headers: json },
      );
      expect(declared.status, declared.text).toBe(201);
    } finally {
      await strict.close();
    }
  });
});
