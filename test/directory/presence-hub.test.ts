/**
 * The directory's presence endpoint (`ws://…/connect`) over real WebSockets on loopback: who may
 * open one, the RTA subscription that hands out the connection id, the caps, and what a dropped
 * connection does to the members that wrote its id (and nothing to anyone else's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { call, joinBody, player, sessionUrl, type Player } from './directory-test-client';
import { ask, connectionOf as connectionOfPlayer, openPresence } from './presence-test-client';

let directory: RunningDirectory;
let alice: Player;
let bob: Player;
beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false, presence: { maxPerPlayer: 2 } });
  alice = await player(directory.url, 'Presence Alice');
  bob = await player(directory.url, 'Presence Bob');
});
afterAll(() => directory.close());

const open = (headers: Record<string, string>) => openPresence(directory.url, headers);
const connectionOf = (who: Player) => connectionOfPlayer(directory.url, who);

describe('presence endpoint', () => {
  it('needs a token, refuses web origins, and answers RTA subscriptions', async () => {
    expect((await open({})).status).toBe(401);
    expect(
      (await open({ authorization: alice.authorization, origin: 'http://127.0.0.1:9' })).status,
    ).toBe(403);
    const { socket, id } = await connectionOf(alice);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ask(socket, [1, 8, 'https://presence.xboxlive.com/users/me'])).toEqual([
      1,
      8,
      1,
      expect.any(String),
    ]);
    expect(await ask(socket, [2, 9, 1])).toEqual([2, 9, 0]);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('not an RTA message');
    expect(await closed).toBe(1003);
  });

  it('caps the connections of one player', async () => {
    const first = await connectionOf(bob);
    const second = await connectionOf(bob);
    expect((await open({ authorization: bob.authorization })).status).toBe(429);
    first.socket.close();
    second.socket.close();
  });

  it('a dropped connection turns the members that wrote its id inactive, and only those', async () => {
    const path = sessionUrl('presence-drop');
    const { socket, id } = await connectionOf(alice);
    expect(
      (
        await call(directory.url, 'PUT', path, {
          as: alice,
          body: joinBody(alice, { connection: id }),
        })
      ).status,
    ).toBe(201);
    // Bob names Alice's connection id: it is not his, so it does not track him.
    expect(
      (await call(directory.url, 'PUT', path, { as: bob, body: joinBody(bob, { connection: id }) }))
        .status,
    ).toBe(200);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.terminate();
    await closed;
    const statuses = async () => {
      const answer = await call(directory.url, 'GET', path, { as: bob });
      const members = answer.json<{
        members: Record<
          string,
          { constants: { system: { xuid: string } }; properties: { system: { active?: boolean } } }
        >;
      }>().members;
      return Object.fromEntries(
        Object.values(members).map((member) => [
          member.constants.system.xuid,
          member.properties.system.active === true,
        ]),
      );
    };
    // inactiveRemovalTimeout is 0 (107's default): Alice is gone on the next read, Bob stays.
    await expect.poll(statuses, { timeout: 5_000 }).toEqual({ [bob.xuid]: true });
  });
});
