/** The local social service, `GET /users/xuid({xuid})/people`: whom a development identity follows. */
import { describe, expect, it } from 'vitest';
import { call, directoryWithPlayer, player } from './directory-test-client';

describe('GET /users/xuid({xuid})/people', () => {
  const directory = directoryWithPlayer('Someone');
  const base = () => directory.url;

  it('lists the people the caller follows; only the caller may read their own list', async () => {
    const bob = await player(base(), 'Bob');
    const alice = await player(base(), 'Alice', { follows: [bob.xuid, '2533274800000777'] });
    const own = await call(base(), 'GET', `/users/xuid(${alice.xuid})/people`, {
      as: alice,
      headers: { 'x-xbl-contract-version': '1' },
    });
    expect(own.status).toBe(200);
    expect(own.json()).toEqual({
      totalCount: 2,
      people: [
        { xuid: bob.xuid, isFavorite: false, socialNetworks: [] },
        { xuid: '2533274800000777', isFavorite: false, socialNetworks: [] },
      ],
    });
    const other = await call(base(), 'GET', `/users/xuid(${bob.xuid})/people`, {
      as: alice,
      headers: { 'x-xbl-contract-version': '1' },
    });
    expect(other.status).toBe(403);
  });

  it('401 without a token, 400 for another contract version, 405 for other methods', async () => {
    const alice = await player(base(), 'Alice');
    const path = `/users/xuid(${alice.xuid})/people`;
    expect((await call(base(), 'GET', path, { noContract: true })).status).toBe(401);
    expect(
      (await call(base(), 'GET', path, { as: alice, headers: { 'x-xbl-contract-version': '3' } }))
        .status,
    ).toBe(400);
    expect((await call(base(), 'POST', path, { as: alice, body: {} })).status).toBe(405);
  });
});
