/**
 * `readRestriction` is enforced on every read of a session: GET by URL, GET by handle, and the
 * document a write or a failed precondition would answer. Members, reserved users, an invite's
 * invitee, players on a member's device (`local`) and players followed by a member (`followed`)
 * read; anyone else gets 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import { call, joinBody, player, scid, sessionUrl, type Player } from './directory-test-client';

let directory: RunningDirectory;
let url: string;
let host: Player;
let followed: Player;
let sameDevice: Player;
let reserved: Player;
let invited: Player;
let outsider: Player;
let counter = 0;

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false });
  url = directory.url;
  followed = await player(url, 'Followed');
  reserved = await player(url, 'Reserved');
  invited = await player(url, 'Invited');
  outsider = await player(url, 'Outsider');
  host = await player(url, 'Restricted Host', { follows: [followed.xuid], deviceId: 'couch-1' });
  sameDevice = await player(url, 'Couch Guest', { deviceId: 'couch-1' });
});

afterAll(() => directory.close());

/** A session of `host` with this read restriction, a reservation and an invite; its URL. */
async function restricted(
  readRestriction: string | undefined,
  extra: Record<string, unknown> = {},
): Promise<{ path: string; inviteId: string; activityId: string }> {
  const name = `read-${++counter}`;
  const path = sessionUrl(name);
  const system = readRestriction === undefined ? {} : { readRestriction };
  const created = await call(url, 'PUT', path, {
    as: host,
    body: { ...joinBody(host), properties: { system }, ...extra },
  });
  expect(created.status, created.text).toBe(201);
  const reservation = await call(url, 'PUT', path, {
    as: host,
    body: { members: { reserve_0: { constants: { system: { xuid: reserved.xuid } } } } },
  });
  expect(reservation.status, reservation.text).toBe(200);
  const sessionRef = { scid, templateName: 'default', name };
  const invite = await call(url, 'POST', '/handles', {
    as: host,
    body: {
      version: 1,
      type: 'invite',
      sessionRef,
      invitedXuid: invited.xuid,
      inviteAttributes: { titleId: '1717113201' },
    },
  });
  const activity = await call(url, 'POST', '/handles', {
    as: host,
    body: { version: 1, type: 'activity', sessionRef },
  });
  return {
    path,
    inviteId: invite.json<{ id: string }>().id,
    activityId: activity.json<{ id: string }>().id,
  };
}

/** The status each reader gets on GET by URL and by activity handle, which must agree. */
async function readers(path: string, activityId: string): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  for (const [name, who] of Object.entries({
    host,
    followed,
    sameDevice,
    reserved,
    invited,
    outsider,
  })) {
    const byUrl = await call(url, 'GET', path, { as: who });
    const byHandle = await call(url, 'GET', `/handles/${activityId}/session`, { as: who });
    expect(byHandle.status, `${name} by handle`).toBe(byUrl.status);
    statuses[name] = byUrl.status;
  }
  return statuses;
}

describe('readRestriction', () => {
  it('none (the default): everyone reads an open session', async () => {
    const { path, activityId } = await restricted(undefined);
    expect(Object.values(await readers(path, activityId))).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('followed: members, reserved, same device and followed players read; others get 403', async () => {
    const { path, activityId } = await restricted('followed');
    expect(await readers(path, activityId)).toEqual({
      host: 200,
      followed: 200,
      sameDevice: 200,
      reserved: 200,
      invited: 403,
      outsider: 403,
    });
    const denied = await call(url, 'GET', path, { as: outsider });
    expect(denied.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(denied.text).toMatch(/read restriction/);
  });

  it('local: members, reserved and same-device players read; followed players do not', async () => {
    const { path, activityId } = await restricted('local');
    expect(await readers(path, activityId)).toEqual({
      host: 200,
      followed: 403,
      sameDevice: 200,
      reserved: 200,
      invited: 403,
      outsider: 403,
    });
  });

  it("an invite's invitee reads through the invite handle, no one else does", async () => {
    const { inviteId } = await restricted('local');
    expect((await call(url, 'GET', `/handles/${inviteId}/session`, { as: invited })).status).toBe(
      200,
    );
    expect((await call(url, 'GET', `/handles/${inviteId}/session`, { as: outsider })).status).toBe(
      403,
    );
  });

  it('defaults to local with the userAuthorizationStyle capability', async () => {
    const { path, activityId } = await restricted(undefined, {
      constants: { system: { capabilities: { userAuthorizationStyle: true } } },
    });
    const statuses = await readers(path, activityId);
    expect(statuses.followed).toBe(403);
    expect(statuses.sameDevice).toBe(200);
  });

  it('no write answers an outsider the document it may not read', async () => {
    const { path } = await restricted('followed');
    for (const body of [
      {},
      { properties: { custom: { peek: true } } },
      { members: { me: null } },
    ]) {
      const write = await call(url, 'PUT', path, { as: outsider, body });
      expect(write.status, JSON.stringify(body)).toBe(403);
      expect(write.text).not.toContain(host.xuid);
    }
    const noCommit = await call(url, 'PUT', `${path}?nocommit=true`, { as: outsider, body: {} });
    expect(noCommit.status).toBe(403);
    const precondition = await call(url, 'PUT', path, {
      as: outsider,
      body: {},
      headers: { 'if-match': '"stale"' },
    });
    expect(precondition.status).toBe(403);
    expect(precondition.text).not.toContain(host.xuid);
    // The custom property was not written either.
    const read = await call(url, 'GET', path, { as: host });
    expect(read.text).not.toContain('peek');
  });

  it('a followed player who joins reads on as a member', async () => {
    const { path } = await restricted('followed', {});
    const joined = await call(url, 'PUT', path, { as: followed, body: joinBody(followed) });
    expect(joined.status, joined.text).toBe(200);
  });
});
