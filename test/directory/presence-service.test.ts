/**
 * The local presence service, `POST /users/batch` (userpresence.xboxlive.com, contract 3): who is
 * online (holds a presence connection), seen only by themselves, the people who follow them and
 * the people they follow; strangers are left out of the 200 answer.
 */
import { describe, expect, it } from 'vitest';
import {
  call,
  directoryWithPlayer,
  holdPresence,
  player,
  type Player,
} from './directory-test-client';

const presenceOf = (base: string, as: Player, users: unknown) =>
  call(base, 'POST', '/users/batch', {
    as,
    body: { users },
    headers: { 'x-xbl-contract-version': '3' },
  });

describe('POST /users/batch (presence)', () => {
  const directory = directoryWithPlayer('Someone');
  const base = () => directory.url;

  it('says Online while the player holds a presence connection, Offline after', async () => {
    const bob = await player(base(), 'Bob');
    const alice = await player(base(), 'Alice', { follows: [bob.xuid] });
    const before = await presenceOf(base(), alice, [bob.xuid]);
    expect(before.status).toBe(200);
    expect(before.json()).toEqual([{ xuid: bob.xuid, state: 'Offline' }]);
    const release = await holdPresence(base(), bob);
    expect((await presenceOf(base(), alice, [bob.xuid])).json()).toEqual([
      { xuid: bob.xuid, state: 'Online' },
    ]);
    await release();
    // The hub forgets the connection when its close event runs; ask until it has.
    let after: unknown;
    for (let tries = 0; tries < 50; tries++) {
      after = (await presenceOf(base(), alice, [bob.xuid])).json();
      if (JSON.stringify(after).includes('Offline')) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(after).toEqual([{ xuid: bob.xuid, state: 'Offline' }]);
  });

  it('shows only the caller, people they follow and people who follow them', async () => {
    const stranger = await player(base(), 'Stranger');
    const followed = await player(base(), 'Followed');
    const caller = await player(base(), 'Caller', { follows: [followed.xuid] });
    const follower = await player(base(), 'Follower', { follows: [caller.xuid] });
    const releases = await Promise.all(
      [stranger, followed, follower].map((who) => holdPresence(base(), who)),
    );
    const answer = await presenceOf(base(), caller, [
      caller.xuid,
      followed.xuid,
      follower.xuid,
      stranger.xuid,
    ]);
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual([
      { xuid: caller.xuid, state: 'Offline' },
      { xuid: followed.xuid, state: 'Online' },
      { xuid: follower.xuid, state: 'Online' },
    ]);
    // onlineOnly leaves offline records out.
    const online = await call(base(), 'POST', '/users/batch', {
      as: caller,
      body: { users: [caller.xuid, followed.xuid], onlineOnly: true, level: 'user' },
      headers: { 'x-xbl-contract-version': '3' },
    });
    expect(online.json()).toEqual([{ xuid: followed.xuid, state: 'Online' }]);
    await Promise.all(releases.map((release) => release()));
  });

  it('401 without a token, 400 for another contract or a bad body, 405 for GET', async () => {
    const alice = await player(base(), 'Alice');
    expect(
      (
        await call(base(), 'POST', '/users/batch', {
          body: { users: [alice.xuid] },
          noContract: true,
        })
      ).status,
    ).toBe(401);
    const asked = (body: unknown, contract = '3') =>
      call(base(), 'POST', '/users/batch', {
        as: alice,
        body,
        headers: { 'x-xbl-contract-version': contract },
      }).then((answer) => answer.status);
    expect(await asked({ users: [alice.xuid] }, '2')).toBe(400);
    expect(await asked({ users: [] })).toBe(400);
    expect(await asked({ users: ['not-a-xuid'] })).toBe(400);
    expect(await asked({ users: [alice.xuid], extra: true })).toBe(400);
    expect(await asked({ users: Array.from({ length: 1101 }, (_, i) => String(i + 1)) })).toBe(400);
    expect((await call(base(), 'GET', '/users/batch', { as: alice })).status).toBe(405);
  });
});
