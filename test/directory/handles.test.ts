/**
 * Handle rules: who may create which handle, what a handle answers, and how activities replace
 * each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { call, joinBody, player, scid, sessionUrl, type Player } from './directory-test-client';

let directory: RunningDirectory;
let url: string;
let host: Player;
let guest: Player;

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false });
  url = directory.url;
  host = await player(url, 'Handle Host');
  guest = await player(url, 'Handle Guest');
});
afterAll(() => directory.close());

const activity = (name: string, templateName = 'default') => ({
  version: 1,
  type: 'activity',
  sessionRef: { scid, templateName, name },
});

describe('handles', () => {
  it('a new activity replaces the previous one of the same player and SCID', async () => {
    await call(url, 'PUT', sessionUrl('activity-a'), { as: host, body: joinBody(host) });
    await call(url, 'PUT', sessionUrl('activity-b'), { as: host, body: joinBody(host) });
    const first = await call(url, 'POST', '/handles', { as: host, body: activity('activity-a') });
    expect(first.status).toBe(201);
    expect(first.json()).toMatchObject({ type: 'activity', ownerXuid: host.xuid, version: 1 });
    const firstId = first.json<{ id: string }>().id;
    const second = await call(url, 'POST', '/handles', { as: host, body: activity('activity-b') });
    expect(second.status).toBe(201);
    expect((await call(url, 'GET', `/handles/${firstId}`, { as: guest })).status).toBe(404);
    const secondId = second.json<{ id: string }>().id;
    expect(
      (await call(url, 'GET', `/handles/${secondId.toUpperCase()}`, { as: guest })).status,
    ).toBe(200);
  });

  it('refuses activity handles from inactive members and handles to sessions that do not exist', async () => {
    const path = sessionUrl('inactive-activity', 'persistent');
    await call(url, 'PUT', path, { as: host, body: joinBody(host) });
    await call(url, 'PUT', path, {
      as: host,
      body: { members: { me: { properties: { system: { active: false } } } } },
    });
    const inactive = await call(url, 'POST', '/handles', {
      as: host,
      body: activity('inactive-activity', 'persistent'),
    });
    expect(inactive.status).toBe(403);
    const missing = await call(url, 'POST', '/handles', {
      as: host,
      body: activity('never-created'),
    });
    expect(missing.status).toBe(404);
  });

  it('refuses malformed handle requests with 400', async () => {
    for (const body of [
      {},
      { version: 2, type: 'activity', sessionRef: { scid, templateName: 'default', name: 'x' } },
      { version: 1, type: 'search', sessionRef: { scid, templateName: 'default', name: 'x' } },
      {
        version: 1,
        type: 'invite',
        sessionRef: { scid, templateName: 'default', name: 'x' },
        invitedXuid: 12,
      },
      {
        version: 1,
        type: 'invite',
        sessionRef: { scid, templateName: 'default', name: 'x' },
        invitedXuid: '1',
        inviteAttributes: { titleId: '1', context: 'c'.repeat(300) },
      },
    ]) {
      const answer = await call(url, 'POST', '/handles', { as: host, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('a transfer handle needs an existing target and membership of the origin', async () => {
    await call(url, 'PUT', sessionUrl('origin-lobby', 'lobby'), { as: host, body: joinBody(host) });
    const transfer = (name: string) => ({
      version: 1,
      type: 'transfer',
      sessionRef: { scid, templateName: 'game', name },
      originSessionRef: { scid, templateName: 'lobby', name: 'origin-lobby' },
    });
    expect(
      (await call(url, 'POST', '/handles', { as: host, body: transfer('no-game-yet') })).status,
    ).toBe(403);
    await call(url, 'PUT', sessionUrl('transfer-game', 'game'), {
      as: guest,
      body: joinBody(guest),
    });
    expect(
      (await call(url, 'POST', '/handles', { as: guest, body: transfer('transfer-game') })).status,
    ).toBe(403);
    const made = await call(url, 'POST', '/handles', { as: host, body: transfer('transfer-game') });
    expect(made.status).toBe(201);
    const outsider = await player(url, 'Outsider');
    const id = made.json<{ id: string }>().id;
    expect(
      (await call(url, 'PUT', `/handles/${id}/session`, { as: outsider, body: joinBody(outsider) }))
        .status,
    ).toBe(403);
  });

  it('only the creator of a transfer handle may delete it', async () => {
    await call(url, 'PUT', sessionUrl('owned-lobby', 'lobby'), { as: host, body: joinBody(host) });
    await call(url, 'PUT', sessionUrl('owned-game', 'game'), { as: host, body: joinBody(host) });
    const made = await call(url, 'POST', '/handles', {
      as: host,
      body: {
        version: 1,
        type: 'transfer',
        sessionRef: { scid, templateName: 'game', name: 'owned-game' },
        originSessionRef: { scid, templateName: 'lobby', name: 'owned-lobby' },
      },
    });
    expect(made.status, made.text).toBe(201);
    const id = made.json<{ id: string }>().id;
    const byGuest = await call(url, 'DELETE', `/handles/${id}`, { as: guest });
    expect(byGuest.status).toBe(403);
    expect((await call(url, 'GET', `/handles/${id}`, { as: host })).status).toBe(200);
    expect((await call(url, 'DELETE', `/handles/${id}`, { as: host })).status).toBe(204);
    expect((await call(url, 'GET', `/handles/${id}`, { as: host })).status).toBe(404);
  });

  it('the invited player may delete (decline) an invite sent to them; nobody else but its sender', async () => {
    await call(url, 'PUT', sessionUrl('declined-invite'), { as: host, body: joinBody(host) });
    const invite = async () => {
      const made = await call(url, 'POST', '/handles', {
        as: host,
        body: {
          version: 1,
          type: 'invite',
          sessionRef: { scid, templateName: 'default', name: 'declined-invite' },
          invitedXuid: guest.xuid,
          inviteAttributes: { titleId: '1717113201' },
        },
      });
      expect(made.status, made.text).toBe(201);
      return made.json<{ id: string }>().id;
    };
    const id = await invite();
    const outsider = await player(url, 'Invite Outsider');
    expect((await call(url, 'DELETE', `/handles/${id}`, { as: outsider })).status).toBe(403);
    expect((await call(url, 'DELETE', `/handles/${id}`, { as: guest })).status).toBe(204);
    expect((await call(url, 'GET', `/handles/${id}`, { as: guest })).status).toBe(404);
    const declined = await call(url, 'POST', '/handles/query', {
      as: guest,
      body: { type: 'invite', scid },
    });
    expect(declined.json<{ results: { id: string }[] }>().results.map((r) => r.id)).not.toContain(
      id,
    );
    // The sender keeps the right to withdraw an invite of their own.
    const second = await invite();
    expect((await call(url, 'DELETE', `/handles/${second}`, { as: host })).status).toBe(204);
  });
});
