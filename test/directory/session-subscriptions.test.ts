/**
 * Session change notifications on the presence socket (session-subscriptions.ts) over real
 * WebSockets on loopback: a member subscribes to its session and hears a shoulder tap with the new
 * change number when another player joins or leaves; outsiders are refused by the session's read
 * rules; subscriptions are capped per connection; hostile messages get typed RTA errors and the
 * socket keeps working. On PostgreSQL (the `postgres` project) a write through a second directory
 * process sharing the database reaches a subscriber of the first.
 */
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import { call, joinBody, player, scid, sessionUrl, type Player } from './directory-test-client';
import { ask, connectionOf, nextMessage } from './presence-test-client';

let directory: RunningDirectory;
let host: Player;
let guest: Player;
let outsider: Player;
beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false, presence: { maxSessionSubscriptions: 2 } });
  host = await player(directory.url, 'Tap Host');
  guest = await player(directory.url, 'Tap Guest');
  outsider = await player(directory.url, 'Tap Outsider');
});
afterAll(() => directory.close());

const resourceOf = (name: string) => `https://sessiondirectory.xboxlive.com${sessionUrl(name)}`;

type Tap = [
  3,
  number,
  {
    ncid: string;
    shoulderTaps: {
      resource: string;
      changeNumber: number;
      branch: string;
      resourceType: string;
      subscription: string;
    }[];
  },
];

async function put(base: string, who: Player, name: string, body: unknown): Promise<number> {
  const answer = await call(base, 'PUT', sessionUrl(name), { as: who, body });
  expect([200, 201, 204], answer.text).toContain(answer.status);
  return answer.status === 204 ? -1 : answer.json<{ changeNumber: number }>().changeNumber;
}

async function subscribed(
  socket: WebSocket,
  name: string,
  sequence = 20,
): Promise<{ id: number; changeNumber: number }> {
  const answer = (await ask(socket, [1, sequence, resourceOf(name)])) as [
    number,
    number,
    number,
    number,
    { resource: string; changeNumber: number },
  ];
  expect(answer.slice(0, 3), JSON.stringify(answer)).toEqual([1, sequence, 0]);
  expect(answer[4].resource).toBe(`${scid}~default~${name}`);
  return { id: answer[3], changeNumber: answer[4].changeNumber };
}

describe('session change notifications', () => {
  it('a member hears a tap with the new change number when another player joins and leaves', async () => {
    const name = 'taps-join-leave';
    const { socket, id } = await connectionOf(directory.url, host);
    const created = await put(directory.url, host, name, joinBody(host, { connection: id }));
    const subscription = await subscribed(socket, name);
    expect(subscription.changeNumber).toBe(created);

    const joinTap = nextMessage(socket);
    const joined = await put(directory.url, guest, name, joinBody(guest));
    const [type, subscriptionId, event] = (await joinTap) as Tap;
    expect([type, subscriptionId]).toEqual([3, subscription.id]);
    expect(event.shoulderTaps).toHaveLength(1);
    expect(event.shoulderTaps[0]).toMatchObject({
      resource: `${scid}~default~${name}`,
      resourceType: 'mpsd/session',
      changeNumber: joined,
    });

    const leaveTap = nextMessage(socket);
    const left = await put(directory.url, guest, name, { members: { me: null } });
    expect(((await leaveTap) as Tap)[2].shoulderTaps[0]?.changeNumber).toBe(left);
    socket.close();
  });

  it('refuses outsiders by the read rules, unknown sessions and non-session resources', async () => {
    const name = 'taps-private';
    const { socket: hostSocket, id } = await connectionOf(directory.url, host);
    await put(directory.url, host, name, {
      ...joinBody(host, { connection: id }),
      constants: { system: { visibility: 'private' } },
    });
    const { socket } = await connectionOf(directory.url, outsider);
    const refused = (await ask(socket, [1, 30, resourceOf(name)])) as unknown[];
    expect(refused.slice(0, 3)).toEqual([1, 30, 1]);
    expect(refused[3]).toMatch(/private/);
    // What GET answers the outsider, the subscription answers too.
    expect((await call(directory.url, 'GET', sessionUrl(name), { as: outsider })).status).toBe(403);

    const missing = (await ask(socket, [1, 31, resourceOf('taps-no-such-session')])) as unknown[];
    expect(missing.slice(0, 3)).toEqual([1, 31, 1]);
    expect(missing[3]).toBe('No such session.');
    for (const resource of [
      'https://example.com/serviceconfigs/x/sessionTemplates/default/sessions/y',
      `${resourceOf(name)}?x=1`,
      `${resourceOf(name)}/members/me`,
      'javascript:alert(1)',
      '',
    ]) {
      const answer = (await ask(socket, [1, 32, resource])) as unknown[];
      expect(answer.slice(0, 3), resource).toEqual([1, 32, 1]);
    }
    hostSocket.close();
    socket.close();
  });

  it('caps the sessions one connection follows and answers hostile messages with typed errors', async () => {
    const { socket, id } = await connectionOf(directory.url, host);
    for (const name of ['taps-cap-1', 'taps-cap-2', 'taps-cap-3']) {
      await put(directory.url, host, name, joinBody(host, { connection: id }));
    }
    const first = await subscribed(socket, 'taps-cap-1', 40);
    // A second subscribe to the same session answers the same subscription.
    expect((await subscribed(socket, 'taps-cap-1', 41)).id).toBe(first.id);
    await subscribed(socket, 'taps-cap-2', 42);
    const capped = (await ask(socket, [1, 43, resourceOf('taps-cap-3')])) as unknown[];
    expect(capped.slice(0, 3)).toEqual([1, 43, 2]);

    // Typed answers, and the socket stays usable after each.
    expect(((await ask(socket, [1, 44, 42])) as unknown[]).slice(0, 3)).toEqual([1, 44, 1]);
    expect(((await ask(socket, [1, 45, { resource: 'x' }])) as unknown[]).slice(0, 3)).toEqual([
      1, 45, 1,
    ]);
    expect(((await ask(socket, [2, 46, 999])) as unknown[]).slice(0, 3)).toEqual([2, 46, 1]);
    expect(((await ask(socket, [2, 47, 'abc'])) as unknown[]).slice(0, 3)).toEqual([2, 47, 1]);

    // Unsubscribing frees a place and stops the taps of that session: the next tap is session 2's.
    expect(await ask(socket, [2, 48, first.id])).toEqual([2, 48, 0]);
    await subscribed(socket, 'taps-cap-3', 49);
    const tap = nextMessage(socket);
    await put(directory.url, guest, 'taps-cap-1', joinBody(guest));
    const second = await put(directory.url, guest, 'taps-cap-2', joinBody(guest));
    const heard = (await tap) as Tap;
    expect(heard[2].shoulderTaps[0]).toMatchObject({
      resource: `${scid}~default~taps-cap-2`,
      changeNumber: second,
    });

    // A sequence that is not an integer is not an RTA message: the socket is closed, not crashed.
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify([1, 1.5, resourceOf('taps-cap-1')]));
    expect(await closed).toBe(1003);
    expect((await call(directory.url, 'GET', sessionUrl('taps-cap-2'), { as: host })).status).toBe(
      200,
    );
  });

  it('a deleted session gets one last tap; the GET that follows finds it gone', async () => {
    const name = 'taps-deleted';
    const { socket, id } = await connectionOf(directory.url, host);
    const created = await put(directory.url, guest, name, joinBody(guest));
    await put(directory.url, host, name, joinBody(host, { connection: id }));
    await subscribed(socket, name, 60);
    const tap = nextMessage(socket);
    await put(directory.url, guest, name, { members: { me: null } });
    expect(((await tap) as Tap)[2].shoulderTaps[0]?.changeNumber).toBeGreaterThan(created);
    const last = nextMessage(socket);
    // The last member leaves: MPSD deletes an empty session (sessionEmptyTimeout 0).
    await put(directory.url, host, name, { members: { me: null } });
    await last;
    // MPSD answers a GET of a session that does not exist with 204 No Content.
    expect((await call(directory.url, 'GET', sessionUrl(name), { as: host })).status).toBe(204);
    socket.close();
  });
});

describe('session change notifications across directory processes (PostgreSQL LISTEN/NOTIFY)', () => {
  it('a write through the other process reaches the subscriber', async (context) => {
    // Set by the `postgres` project's setup, which also gives this second directory the database.
    if (process.env.RALLYPOINT_TEST_STORE === undefined) {
      context.skip('needs two directories on one PostgreSQL (the postgres project runs it)');
    }
    const second = await startDirectory({ rateLimits: false });
    try {
      const name = 'taps-across-processes';
      const { socket, id } = await connectionOf(directory.url, host);
      await put(directory.url, host, name, joinBody(host, { connection: id }));
      const subscription = await subscribed(socket, name, 70);
      const tap = nextMessage(socket);
      const joined = await put(second.url, guest, name, joinBody(guest));
      const heard = (await tap) as Tap;
      expect(heard[1]).toBe(subscription.id);
      expect(heard[2].shoulderTaps[0]?.changeNumber).toBe(joined);
      socket.close();
    } finally {
      await second.close();
    }
  });
});
