/**
 * Hosting a session for a game that has none (`hostSession`), telling the game who is in it
 * (`sessionMembers`) and reading it again (`readSession`): against the real local directory on
 * 127.0.0.1:0 for what the directory makes of the two writes, and against a scripted directory
 * (test/stub-http-server.ts) for the exact requests and every answer the directory could give
 * instead: each refusal, a lost connection, a cancelled call, a body that is no session, a session
 * that names no device token for the player.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry, RunningDirectory } from '../../../src/directory/directory-options';
import { hostSession, readSession, sessionMembers } from '../../../src/main/game/session-hosting';
import {
  createDirectoryClient,
  type DirectoryCalls,
} from '../../../src/main/join/directory-client';
import type { GameTitle } from '../../../src/main/join/game-hand-off';
import { defaultGameTitle } from '../../../src/main/join/launcher-config';
import { createDevTokenProvider } from '../../../src/main/join/token-provider';
import {
  parseSessionDocument,
  type SessionDocument,
} from '../../../src/shared/mpsd/session-document';
import { call } from '../../directory/directory-test-client';
import { client, closeServers, sendJson, serve, session } from '../join/directory-client-server';
import { authorization, player, testDirectory } from '../join/join-service-fixture';

let directory: RunningDirectory | undefined;
/** Every request the local directory answered, for the paths of sessions a test did not get back. */
const answered: RequestLogEntry[] = [];
beforeAll(async () => {
  directory = await testDirectory({ onRequest: (entry) => answered.push(entry) });
});
afterAll(() => directory?.close());
afterEach(closeServers);

const alice = player(901);
const bob = player(902);
const live = () => new AbortController().signal;
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function url(): string {
  if (directory === undefined) throw new Error('the directory is not started');
  return directory.url;
}

/** The player's directory calls against the real local directory. */
function callsAs(who: typeof alice) {
  return createDirectoryClient({
    baseUrl: url(),
    tokens: createDevTokenProvider({ baseUrl: url(), ...who }),
  });
}

/** The session as a GET of the directory answers it now, read as `who`. */
async function directoryCopy(path: string, who = alice) {
  const answer = await call(url(), 'GET', path, {
    headers: { authorization: await authorization(url(), who) },
  });
  return { status: answer.status, json: answer.status === 200 ? answer.json() : undefined };
}

function parsed(raw: unknown): SessionDocument {
  const document = parseSessionDocument(raw);
  if (!document.ok) throw new Error(document.error.message);
  return document.value;
}

/** The scripted directory's first answer: the player (xuid 2814) as member 0 with a device token. */
function created(deviceToken: string | null = 'Dev-Token-1'): Record<string, unknown> {
  const base = session(['2814'], 3);
  const members = base.members as Record<string, Record<string, unknown>>;
  return {
    ...base,
    members: { '0': { ...members['0'], ...(deviceToken === null ? {} : { deviceToken }) } },
  };
}

function hosted(deviceToken = 'Dev-Token-1'): Record<string, unknown> {
  return { ...created(deviceToken), properties: { system: { host: deviceToken } } };
}

const request = {
  xuid: '2814',
  seats: 3,
  joinRestriction: 'local',
  connection: 'höst:7777',
} as const;

const title: GameTitle = { titleId: '42', scid: 'scid-1', sessionTemplate: 'game' };

describe('hostSession against the local directory', () => {
  it('creates an open session with the player as its only member, active, reachable and host', async () => {
    const calls = callsAs(alice);
    const result = await hostSession(
      calls,
      defaultGameTitle,
      { xuid: alice.xuid, seats: 4, joinRestriction: 'followed', connection: '10.0.0.1:7777' },
      live(),
    );
    if (!result.ok) throw new Error(result.error.message);
    const { sessionRef } = result.value;
    const prefix = `/serviceconfigs/${defaultGameTitle.scid}/sessionTemplates/default/sessions/`;
    expect(sessionRef.startsWith(prefix)).toBe(true);
    expect(sessionRef.slice(prefix.length)).toMatch(guid);

    const copy = await directoryCopy(sessionRef, bob);
    expect(copy.status).toBe(200);
    const stored = parsed(copy.json);
    expect(stored.constants?.system?.maxMembersCount).toBe(4);
    expect(stored.constants?.system?.visibility).toBe('open');
    expect(stored.properties?.system?.joinRestriction).toBe('followed');
    const members = Object.values(stored.members ?? {});
    expect(members.map((member) => member.constants.system.xuid)).toEqual([alice.xuid]);
    const me = members[0];
    expect(me?.properties?.system?.active).toBe(true);
    expect(me?.properties?.system?.secureDeviceAddress).toBe(
      Buffer.from('10.0.0.1:7777').toString('base64'),
    );
    expect(me?.deviceToken).toMatch(/.+/);
    expect(stored.properties?.system?.host).toBe(me?.deviceToken);
    // What hostSession hands back is the session after the second write: the host is named.
    expect(result.value.session.properties?.system?.host).toBe(me?.deviceToken);
    expect(sessionMembers(result.value.session)).toEqual([
      { xuid: alice.xuid, gamertag: alice.gamertag, host: true },
    ]);
  });

  it('names every new session afresh', async () => {
    const calls = callsAs(alice);
    const ask = { xuid: alice.xuid, seats: 2, joinRestriction: 'none', connection: 'c' } as const;
    const first = await hostSession(calls, defaultGameTitle, ask, live());
    const second = await hostSession(calls, defaultGameTitle, ask, live());
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(first.value.sessionRef).not.toBe(second.value.sessionRef);
  });

  it('takes the player out again when the new session does not list the XUID asked for', async () => {
    // The directory writes `me` as the caller: a XUID that is not the signed-in player's (an
    // account switched while hosting) gets the caller a seat the game would never hear of.
    const before = answered.length;
    const result = await hostSession(
      callsAs(alice),
      defaultGameTitle,
      { xuid: bob.xuid, seats: 2, joinRestriction: 'none', connection: 'c' },
      live(),
    );
    expect(result).toStrictEqual({
      ok: false,
      error: { code: 'malformed-response', message: 'the new session names no device token' },
    });
    const writes = answered.slice(before).filter((entry) => entry.method === 'PUT');
    expect(writes.map((entry) => entry.status)).toEqual([201, 204]);
    const path = writes[0]?.path ?? '';
    expect(writes[1]?.path).toBe(path);
    // The player was its only member: the session is gone (MPSD answers its GET with a 204).
    expect((await directoryCopy(path)).status).toBe(204);
  });

  it('takes the player out again when the directory applied the first write but its answer was lost', async () => {
    // A relay hands each request to the real directory; the first one's answer never comes back
    // (the connection is dropped after the directory made the player a member).
    const relay = await serve((incoming, response) => {
      const first = relay.requests.length === 1;
      void call(url(), incoming.method, incoming.url, {
        headers: {
          authorization: String(incoming.headers.authorization),
          'content-type': String(incoming.headers['content-type']),
        },
        rawBody: incoming.body,
      }).then((answer) => {
        if (first) return response.socket?.destroy();
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(answer.text);
      });
    });
    const before = answered.length;
    const calls = createDirectoryClient({
      baseUrl: relay.url,
      tokens: createDevTokenProvider({ baseUrl: url(), ...alice }),
    });
    const result = await hostSession(
      calls,
      defaultGameTitle,
      { xuid: alice.xuid, seats: 2, joinRestriction: 'none', connection: 'c' },
      live(),
    );
    expect(!result.ok && result.error.code).toBe('directory-unavailable');
    const writes = answered.slice(before).filter((entry) => entry.method === 'PUT');
    // Created (201, answer lost), then left (204): no session is left with the player in it.
    expect(writes.map((entry) => entry.status)).toEqual([201, 204]);
    expect(writes[1]?.path).toBe(writes[0]?.path);
    expect(relay.requests.map((r) => JSON.parse(r.body) as unknown)[1]).toStrictEqual({
      members: { me: null },
    });
    expect((await directoryCopy(writes[0]?.path ?? '')).status).toBe(204);
  });
});

describe('hostSession, request by request', () => {
  const leaveBody = { members: { me: null } };

  it('writes the member, then the host, at one session path under the title', async () => {
    const answers = [
      (response: Parameters<typeof sendJson>[0]) => sendJson(response, 201, created()),
      (response: Parameters<typeof sendJson>[0]) => sendJson(response, 200, hosted()),
    ];
    const server = await serve((_request, response) => answers.shift()?.(response));
    const result = await hostSession(client(server.url), title, request, live());

    expect(server.requests.map((r) => r.method)).toEqual(['PUT', 'PUT']);
    const [first, second] = server.requests;
    const prefix = '/serviceconfigs/scid-1/sessionTemplates/game/sessions/';
    expect(first?.url.startsWith(prefix)).toBe(true);
    expect(first?.url.slice(prefix.length)).toMatch(guid);
    expect(second?.url).toBe(first?.url);
    expect(JSON.parse(first?.body ?? '')).toStrictEqual({
      constants: { system: { maxMembersCount: 3, visibility: 'open' } },
      properties: { system: { joinRestriction: 'local' } },
      members: {
        me: {
          constants: { system: { xuid: '2814', initialize: true } },
          properties: {
            system: {
              active: true,
              secureDeviceAddress: Buffer.from('höst:7777', 'utf8').toString('base64'),
            },
          },
        },
      },
    });
    expect(JSON.parse(second?.body ?? '')).toStrictEqual({
      properties: { system: { host: 'Dev-Token-1' } },
    });
    expect(result).toStrictEqual({
      ok: true,
      value: { sessionRef: first?.url, session: parsed(hosted()) },
    });
  });

  it('takes a 200 to the first write and a 201 to the second as written too', async () => {
    const answers = [201, 200].reverse();
    const server = await serve((_request, response) => {
      const status = answers.shift() ?? 500;
      sendJson(response, status, status === 200 ? created() : hosted());
    });
    const result = await hostSession(client(server.url), title, request, live());
    expect(result.ok).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    [202, 'directory-unavailable', 2],
    [204, 'directory-unavailable', 2],
    [400, 'malformed-response', 1],
    [403, 'not-allowed', 1],
    [404, 'not-in-session', 1],
    [409, 'malformed-response', 1],
    [500, 'directory-unavailable', 2],
  ] as const)(
    'stops at a %i to the first write (%s), with the session in the message; %i requests (a refusal applied nothing, any other answer may have made the player a member, so it is left)',
    async (status, code, requests) => {
      const server = await serve((_request, response) => sendJson(response, status, created()));
      const result = await hostSession(client(server.url), title, request, live());
      expect(result).toStrictEqual({
        ok: false,
        error: {
          code,
          message:
            status === 204
              ? 'directory answered 204'
              : `directory answered ${status}: ${JSON.stringify(created()).slice(0, 200)}`,
        },
      });
      expect(server.requests).toHaveLength(requests);
      if (requests === 2) {
        expect(server.requests[1]?.url).toBe(server.requests[0]?.url);
        expect(JSON.parse(server.requests[1]?.body ?? '')).toStrictEqual(leaveBody);
      }
    },
  );

  it('passes on how long a rate limit asks to wait', async () => {
    const server = await serve((_request, response) =>
      sendJson(response, 429, {}, { 'retry-after': '7' }),
    );
    const result = await hostSession(client(server.url), title, request, live());
    expect(result).toStrictEqual({
      ok: false,
      error: { code: 'rate-limited', message: 'directory answered 429: {}', retryAfterMs: 7000 },
    });
  });

  it('takes the player out again when the second write is refused', async () => {
    const answers = [201, 412, 200];
    const server = await serve((_request, response) => {
      const status = answers.shift() ?? 500;
      sendJson(response, status, created());
    });
    const result = await hostSession(client(server.url), title, request, live());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('malformed-response');
    expect(!result.ok && result.error.message).toMatch(/^directory answered 412: /);
    const [first, , leave] = server.requests;
    expect(server.requests).toHaveLength(3);
    expect(leave?.method).toBe('PUT');
    expect(leave?.url).toBe(first?.url);
    expect(JSON.parse(leave?.body ?? '')).toStrictEqual(leaveBody);
  });

  it('takes the player out again when hosting is cancelled at the second write', async () => {
    const cancel = new AbortController();
    const server = await serve((_request, response) => {
      const seen = server.requests.length;
      if (seen === 1) sendJson(response, 201, created());
      else if (seen === 2) cancel.abort();
      else sendJson(response, 200, session([]));
    });
    const result = await hostSession(client(server.url), title, request, cancel.signal);
    expect(!result.ok && result.error.code).toBe('directory-unavailable');
    expect(server.requests).toHaveLength(3);
    expect(JSON.parse(server.requests[2]?.body ?? '')).toStrictEqual(leaveBody);
  });

  it('is malformed-response when the new session does not name the player with a device token, and takes the player out', async () => {
    for (const answer of [created(null), session(['9999'], 3)]) {
      const server = await serve((_request, response) => sendJson(response, 201, answer));
      const result = await hostSession(client(server.url), title, request, live());
      expect(result).toStrictEqual({
        ok: false,
        error: { code: 'malformed-response', message: 'the new session names no device token' },
      });
      expect(server.requests).toHaveLength(2);
      expect(server.requests[1]?.url).toBe(server.requests[0]?.url);
      expect(JSON.parse(server.requests[1]?.body ?? '')).toStrictEqual(leaveBody);
    }
  });

  it.each([
    ['no JSON', 'not json'],
    ['JSON that is no session', '{"members":7}'],
  ])('is malformed-response for a 201 of %s, and takes the player out', async (_case, body) => {
    const server = await serve((_request, response) => {
      response.writeHead(server.requests.length === 1 ? 201 : 204);
      response.end(server.requests.length === 1 ? body : undefined);
    });
    const result = await hostSession(client(server.url), title, request, live());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('malformed-response');
    expect(!result.ok && result.error.message).toMatch(/^session: ./);
    expect(server.requests).toHaveLength(2);
    expect(JSON.parse(server.requests[1]?.body ?? '')).toStrictEqual(leaveBody);
  });

  it('takes the player out again when hosting is cancelled while the first write is under way', async () => {
    const cancel = new AbortController();
    const server = await serve((_request, response) => {
      // The directory has the write; the launcher gives up before the answer.
      if (server.requests.length === 1) cancel.abort();
      else sendJson(response, 204, {});
    });
    const result = await hostSession(client(server.url), title, request, cancel.signal);
    expect(!result.ok && result.error.code).toBe('directory-unavailable');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.url).toBe(server.requests[0]?.url);
    expect(JSON.parse(server.requests[1]?.body ?? '')).toStrictEqual(leaveBody);
  });

  it('is directory-unavailable when nothing listens, and when the call was cancelled', async () => {
    const server = await serve(() => undefined);
    await closeServers();
    const refused = await hostSession(client(server.url), title, request, live());
    expect(!refused.ok && refused.error.code).toBe('directory-unavailable');

    const listening = await serve((_request, response) => sendJson(response, 201, created()));
    const cancelled = new AbortController();
    cancelled.abort();
    const result = await hostSession(client(listening.url), title, request, cancelled.signal);
    expect(result).toStrictEqual({
      ok: false,
      error: { code: 'directory-unavailable', message: 'hosting was cancelled before it began' },
    });
    expect(listening.requests).toHaveLength(0);
  });

  it('takes nothing back after a write that never left the launcher', async () => {
    const server = await serve(() => undefined);
    await closeServers();
    const refused = client(server.url);
    const made: string[] = [];
    const calls: DirectoryCalls = {
      call: (method, path, body, options) => {
        made.push(`${method} ${JSON.stringify(body)}`);
        return refused.call(method, path, body, options);
      },
    };
    const result = await hostSession(calls, title, request, live());
    expect(!result.ok && result.error.code).toBe('directory-unavailable');
    // The connection was refused: the directory never had the write, so no leave follows it.
    expect(made).toHaveLength(1);
  });
});

describe('sessionMembers', () => {
  const three = (host: string | undefined) =>
    parsed({
      membersInfo: { first: 0, next: 4, count: 4, accepted: 3 },
      constants: { system: { maxMembersCount: 8 } },
      ...(host === undefined ? {} : { properties: { system: { host } } }),
      members: {
        '0': {
          next: 1,
          constants: { system: { xuid: '1', index: 0 } },
          gamertag: 'First',
          deviceToken: 'tok-a',
        },
        '1': {
          next: 2,
          constants: { system: { xuid: '2', index: 1 } },
          gamertag: '',
          deviceToken: 'tok-b',
        },
        '2': { next: 3, constants: { system: { xuid: '3', index: 2 } }, reserved: true },
        '3': { next: 4, constants: { system: { xuid: '4', index: 3 } } },
      },
    });

  it('lists the members in order without reservations, a gamertag only where there is one, and the host', () => {
    expect(sessionMembers(three('TOK-B'))).toStrictEqual([
      { xuid: '1', gamertag: 'First', host: false },
      { xuid: '2', host: true },
      { xuid: '4', host: false },
    ]);
  });

  it('names no host when the session has none', () => {
    expect(sessionMembers(three(undefined)).map((member) => member.host)).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('readSession', () => {
  it('reads the session as the directory holds it', async () => {
    const calls = callsAs(alice);
    const result = await hostSession(
      calls,
      defaultGameTitle,
      { xuid: alice.xuid, seats: 3, joinRestriction: 'none', connection: 'c' },
      live(),
    );
    if (!result.ok) throw new Error(result.error.message);
    const read = await readSession(calls, result.value.sessionRef, live());
    const copy = await directoryCopy(result.value.sessionRef);
    expect(read).toStrictEqual(parsed(copy.json));
    expect(read && sessionMembers(read)).toEqual([
      { xuid: alice.xuid, gamertag: alice.gamertag, host: true },
    ]);
  });

  it('is undefined for a session that is gone', async () => {
    const gone = `/serviceconfigs/${defaultGameTitle.scid}/sessionTemplates/default/sessions/gone`;
    expect(await readSession(callsAs(alice), gone, live())).toBeUndefined();
  });

  it('asks with a GET and takes only a 200 with a session body', async () => {
    const answers: [number, string][] = [
      [200, JSON.stringify(session(['1']))],
      [203, JSON.stringify(session(['1']))],
      [200, 'not json'],
      [200, '{"members":7}'],
    ];
    const server = await serve((_request, response) => {
      const [status, body] = answers.shift() ?? [500, ''];
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    });
    const directoryCalls = client(server.url);
    const methods: string[] = [];
    const calls: DirectoryCalls = {
      call: (method, ...rest) => {
        methods.push(method);
        return directoryCalls.call(method, ...rest);
      },
    };
    const path = '/serviceconfigs/scid-1/sessionTemplates/game/sessions/s1';
    const reads = [];
    for (let i = 0; i < 4; i += 1) reads.push(await readSession(calls, path, live()));
    expect(reads).toStrictEqual([parsed(session(['1'])), undefined, undefined, undefined]);
    // The client would send an empty method as a GET as well: the method asked for is the proof.
    expect(methods).toEqual(['GET', 'GET', 'GET', 'GET']);
    expect(server.requests.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual(
      Array(4).fill(`GET ${path} `),
    );
  });

  it('is undefined when nothing listens, and when the read was cancelled', async () => {
    const server = await serve(() => undefined);
    await closeServers();
    const path = '/serviceconfigs/scid-1/sessionTemplates/game/sessions/s1';
    expect(await readSession(client(server.url), path, live())).toBeUndefined();

    const listening = await serve((_request, response) => sendJson(response, 200, session(['1'])));
    const cancelled = new AbortController();
    cancelled.abort();
    expect(await readSession(client(listening.url), path, cancelled.signal)).toBeUndefined();
    expect(listening.requests).toHaveLength(0);
  });
});
