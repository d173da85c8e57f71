/**
 * Sending invites and listing friends against a real local directory on 127.0.0.1:0: one invite
 * handle per friend, and each refusal as a typed failure with the player's words — a full session,
 * a session that lets nobody in, a rate limit (the rest are then not sent), a sender who is not in
 * the session, a friend already in it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DirectoryOptions, RunningDirectory } from '../../../src/directory/directory-options';
import { hostSession } from '../../../src/main/game/session-hosting';
import { listFriends } from '../../../src/main/invite/friends-list';
import { sendInvites } from '../../../src/main/invite/invite-sender';
import { createDirectoryClient } from '../../../src/main/join/directory-client';
import { defaultGameTitle } from '../../../src/main/join/launcher-config';
import { createDevTokenProvider } from '../../../src/main/join/token-provider';
import { inviteErrorText } from '../../../src/shared/invite-send-text';
import { player, testDirectory } from '../join/join-service-fixture';

let directory: RunningDirectory | undefined;
afterEach(async () => {
  await directory?.close();
  directory = undefined;
});

const alice = player(801);
const bob = player(802);
const carol = player(803);
const signal = () => AbortSignal.timeout(10_000);

function callsAs(who: typeof alice, follows: readonly string[] = []) {
  const url = directory?.url ?? '';
  return createDirectoryClient({
    baseUrl: url,
    tokens: createDevTokenProvider({ baseUrl: url, ...who, follows }),
  });
}

async function hosted(seats: number, options: DirectoryOptions = {}) {
  directory = await testDirectory(options);
  const calls = callsAs(alice, [bob.xuid, carol.xuid]);
  const session = await hostSession(
    calls,
    defaultGameTitle,
    { xuid: alice.xuid, seats, joinRestriction: 'followed', connection: '10.0.0.1:7777' },
    signal(),
  );
  if (!session.ok) throw new Error(session.error.message);
  return { calls, sessionRef: session.value.sessionRef, session: session.value.session };
}

const deps = (calls: ReturnType<typeof callsAs>, senderXuid = alice.xuid) => ({
  calls,
  senderXuid,
  title: defaultGameTitle,
});

describe('hosting a session for the game', () => {
  it('creates it with the player as the only member and host, publishing the connection address', async () => {
    const { session } = await hosted(4);
    expect(session.constants?.system?.maxMembersCount).toBe(4);
    expect(session.properties?.system?.joinRestriction).toBe('followed');
    const me = Object.values(session.members ?? {})[0];
    expect(me?.constants.system.xuid).toBe(alice.xuid);
    expect(session.properties?.system?.host).toBe(me?.deviceToken);
    expect(
      Buffer.from(me?.properties?.system?.secureDeviceAddress ?? '', 'base64').toString(),
    ).toBe('10.0.0.1:7777');
  });
});

describe('sendInvites', () => {
  it('one invite handle per friend, duplicates once, with the title and the context', async () => {
    const { calls, sessionRef } = await hosted(4);
    const sent = await sendInvites(
      deps(calls),
      { sessionRef, xuids: [bob.xuid, carol.xuid, bob.xuid], context: 'map=harbor' },
      signal(),
    );
    expect(sent.ok && sent.value.map((outcome) => [outcome.xuid, outcome.ok])).toEqual([
      [bob.xuid, true],
      [carol.xuid, true],
    ]);
  });

  it('a full session: session-full for everyone, nothing sent', async () => {
    const { calls, sessionRef } = await hosted(1);
    const sent = await sendInvites(deps(calls), { sessionRef, xuids: [bob.xuid] }, signal());
    expect(sent.ok && sent.value[0]).toMatchObject({
      ok: false,
      failure: { code: 'session-full' },
    });
    const bobCalls = callsAs(bob);
    const query = await bobCalls.call(
      'POST',
      '/handles/query',
      { type: 'invite' },
      { signal: signal() },
    );
    expect(query.ok && JSON.parse(query.value.text)).toEqual({ results: [] });
  });

  it('a closed session: not-allowed; a friend already in it: already-in-session', async () => {
    const { calls, sessionRef } = await hosted(4);
    const closed = await calls.call(
      'PUT',
      sessionRef,
      { properties: { system: { closed: true } } },
      { signal: signal() },
    );
    expect(closed.ok && closed.value.status).toBe(200);
    const sent = await sendInvites(deps(calls), { sessionRef, xuids: [bob.xuid] }, signal());
    expect(sent.ok && sent.value[0]).toMatchObject({ ok: false, failure: { code: 'not-allowed' } });

    const open = await hosted(4);
    const self = await sendInvites(
      deps(open.calls),
      { sessionRef: open.sessionRef, xuids: [alice.xuid] },
      signal(),
    );
    expect(self.ok && self.value[0]).toMatchObject({
      ok: false,
      failure: { code: 'already-in-session' },
    });
  });

  it('a sender who is not in the session: not-in-session', async () => {
    const { sessionRef } = await hosted(4);
    const sent = await sendInvites(
      deps(callsAs(carol), carol.xuid),
      { sessionRef, xuids: [bob.xuid] },
      signal(),
    );
    expect(sent.ok && sent.value[0]).toMatchObject({
      ok: false,
      failure: { code: 'not-in-session' },
    });
  });

  it('the directory rate limit: rate-limited, and the invites after it are not sent', async () => {
    // The session is created, made hosted and read (3 requests) before the first invite.
    const { calls, sessionRef } = await hosted(8, {
      rateLimits: {
        burstRequests: 5,
        burstPeriodMs: 60_000,
        sustainedRequests: 100,
        sustainedPeriodMs: 60_000,
      },
    });
    const friends = [
      '2533274800000901',
      '2533274800000902',
      '2533274800000903',
      '2533274800000904',
    ];
    const sent = await sendInvites(deps(calls), { sessionRef, xuids: friends }, signal());
    if (!sent.ok) throw new Error(sent.error.message);
    const codes = sent.value.map((outcome) => (outcome.ok ? 'sent' : outcome.failure.code));
    expect(codes[0]).toBe('sent');
    expect(codes).toContain('rate-limited');
    expect(codes.slice(codes.indexOf('rate-limited'))).toEqual(
      friends.slice(codes.indexOf('rate-limited')).map(() => 'rate-limited'),
    );
    expect(inviteErrorText('rate-limited', 'Bob', 'ja')).toContain('Bob');
  });
});

describe('listFriends', () => {
  it('the people the player follows, named by the profile service where it knows them', async () => {
    directory = await testDirectory();
    await callsAs(bob).call('GET', '/users/xuid(' + bob.xuid + ')/people', undefined, {
      signal: signal(),
    });
    const friends = await listFriends(
      callsAs(alice, [bob.xuid, '2533274800000999']),
      alice.xuid,
      signal(),
    );
    expect(friends.ok && friends.value).toEqual([
      {
        xuid: bob.xuid,
        gamertag: bob.gamertag,
        pictureUrl: `${directory.url}/people/pictures/${bob.xuid}.svg`,
      },
      { xuid: '2533274800000999' },
    ]);
  });
});
