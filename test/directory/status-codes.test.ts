/**
 * Every status code the directory documents, each produced by its condition over real HTTP, with
 * the body MPSD sends for it (text/plain message, JSON for 429, the session for 412).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import {
  call,
  expectSessionDocument,
  joinBody,
  player,
  scid,
  sessionUrl,
  type Player,
} from './directory-test-client';

const clock = { t: Date.parse('2026-01-01T12:00:00Z'), now: () => clock.t };

let directory: RunningDirectory;
let url: string;
let host: Player;
let guest: Player;
let sessionCounter = 0;
const freshSession = (template = 'default') => sessionUrl(`status-${++sessionCounter}`, template);

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false, clock, handleLifetimeMs: 60_000 });
  url = directory.url;
  host = await player(url, 'Status Host');
  guest = await player(url, 'Status Guest');
});

afterAll(() => directory.close());

async function hostSession(
  template = 'default',
  extra: Record<string, unknown> = {},
): Promise<string> {
  const path = freshSession(template);
  const created = await call(url, 'PUT', path, { as: host, body: { ...joinBody(host), ...extra } });
  expect(created.status, created.text).toBe(201);
  return path;
}

async function invite(path: string, invited: Player): Promise<string> {
  const name = path.split('/').pop() ?? '';
  const template = path.split('/')[4] ?? '';
  const answer = await call(url, 'POST', '/handles', {
    as: host,
    body: {
      version: 1,
      type: 'invite',
      sessionRef: { scid, templateName: template, name },
      invitedXuid: invited.xuid,
      inviteAttributes: { titleId: '1717113201' },
    },
  });
  expect(answer.status, answer.text).toBe(201);
  return answer.json<{ id: string }>().id;
}

const expectText = (answer: { headers: Headers; text: string }, pattern: RegExp) => {
  expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(answer.text).toMatch(pattern);
};

describe('success codes', () => {
  it('201 creates, 200 updates, 204 deletes when the last member leaves', async () => {
    const path = freshSession();
    const created = await call(url, 'PUT', path, { as: host, body: joinBody(host) });
    expect(created.status).toBe(201);
    const updated = await call(url, 'PUT', path, {
      as: host,
      body: { properties: { custom: { map: 'Dunes' } } },
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('etag')).not.toBe(created.headers.get('etag'));
    expect(expectSessionDocument(updated).changeNumber).toBe(2);
    const left = await call(url, 'PUT', path, { as: host, body: { members: { me: null } } });
    expect(left.status).toBe(204);
    expect(left.text).toBe('');
    expect((await call(url, 'GET', path, { as: host })).status).toBe(204);
  });

  it('an idempotent re-send keeps the change number and ETag', async () => {
    const path = await hostSession();
    const first = await call(url, 'PUT', path, { as: host, body: joinBody(host) });
    const again = await call(url, 'PUT', path, { as: host, body: joinBody(host) });
    expect(again.status).toBe(200);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
  });

  it('204 for GET of an unknown session and for a create without members', async () => {
    expect((await call(url, 'GET', freshSession(), { as: host })).status).toBe(204);
    const empty = freshSession();
    expect((await call(url, 'PUT', empty, { as: host, body: {} })).status).toBe(204);
    expect((await call(url, 'GET', empty, { as: host })).status).toBe(204);
  });

  it('DELETE members/me leaves with 204; the session remains for the others', async () => {
    const path = await hostSession();
    expect((await call(url, 'PUT', path, { as: guest, body: joinBody(guest) })).status).toBe(200);
    const left = await call(url, 'DELETE', `${path}/members/me`, { as: guest });
    expect(left.status).toBe(204);
    const doc = expectSessionDocument(await call(url, 'GET', path, { as: host }));
    expect(doc.membersInfo?.count).toBe(1);
  });

  it('204 for leaving a session that is already gone, which stays gone whatever its template keeps', async () => {
    // `persistent` keeps an empty session for an hour: a leave must still not create one.
    for (const template of ['default', 'persistent']) {
      const byDelete = freshSession(template);
      const deleted = await call(url, 'DELETE', `${byDelete}/members/me`, { as: guest });
      expect(deleted.status, `${template}: ${deleted.text}`).toBe(204);
      expect(deleted.text).toBe('');
      expect((await call(url, 'GET', byDelete, { as: host })).status).toBe(204);
      const byPut = freshSession(template);
      const put = await call(url, 'PUT', byPut, { as: guest, body: { members: { me: null } } });
      expect(put.status, `${template}: ${put.text}`).toBe(204);
      expect((await call(url, 'GET', byPut, { as: host })).status).toBe(204);
    }
  });

  it('304 for GET with the current ETag in If-None-Match', async () => {
    const path = await hostSession();
    const current = await call(url, 'GET', path, { as: host });
    const etag = current.headers.get('etag') ?? '';
    expect(
      (await call(url, 'GET', path, { as: host, headers: { 'if-none-match': etag } })).status,
    ).toBe(304);
  });

  it('?nocommit=true answers the merged session without storing it', async () => {
    const path = await hostSession();
    const preview = await call(url, 'PUT', `${path}?nocommit=true`, {
      as: guest,
      body: joinBody(guest),
    });
    expect(preview.status).toBe(200);
    expect(expectSessionDocument(preview).membersInfo?.count).toBe(2);
    expect(
      expectSessionDocument(await call(url, 'GET', path, { as: host })).membersInfo?.count,
    ).toBe(1);
  });
});

describe('400 Bad Request', () => {
  it('for a missing or too-low contract version', async () => {
    const path = freshSession();
    const missing = await call(url, 'GET', path, { as: host, noContract: true });
    expect(missing.status).toBe(400);
    expectText(missing, /x-xbl-contract-version/);
    const low = await call(url, 'GET', path, {
      as: host,
      headers: { 'x-xbl-contract-version': '103' },
    });
    expect(low.status).toBe(400);
    const junk = await call(url, 'GET', path, {
      as: host,
      headers: { 'x-xbl-contract-version': '10x' },
    });
    expect(junk.status).toBe(400);
  });

  it('for malformed JSON, an empty body and wrong field types', async () => {
    const path = freshSession();
    const malformed = await call(url, 'PUT', path, {
      as: host,
      rawBody: '{"members":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expectText(malformed, /not valid JSON/);
    expect((await call(url, 'PUT', path, { as: host, rawBody: '' })).status).toBe(400);
    const wrongType = await call(url, 'PUT', path, {
      as: host,
      body: { members: { me: { properties: { system: { active: 'yes' } } } } },
    });
    expect(wrongType.status).toBe(400);
    expectText(wrongType, /active/);
    const unknownKey = await call(url, 'PUT', path, { as: host, body: { members: { them: {} } } });
    expect(unknownKey.status).toBe(400);
    const both = await call(url, 'PUT', path, { as: host, body: joinBody(host, { ready: true }) });
    expect(both.status).toBe(400);
    expectText(both, /both active and ready/);
  });

  it('for a handle id that is not a GUID or is all zeroes', async () => {
    for (const id of [
      'not-a-guid',
      '00000000-0000-0000-0000-000000000000',
      '1234',
      "'%20or%201=1",
    ]) {
      const answer = await call(url, 'PUT', `/handles/${id}/session`, {
        as: guest,
        body: joinBody(guest),
      });
      expect(answer.status, id).toBe(400);
      expectText(answer, /invalid handle ID/);
    }
  });
});

describe('401 Unauthorized', () => {
  it('for a missing, malformed or unknown Authorization header', async () => {
    const path = freshSession();
    expect((await call(url, 'GET', path)).status).toBe(401);
    const malformed = await call(url, 'GET', path, { headers: { authorization: 'Bearer abc' } });
    expect(malformed.status).toBe(401);
    expectText(malformed, /XBL3\.0/);
    const unknown = await call(url, 'GET', path, {
      headers: { authorization: 'XBL3.0 x=123;not-a-token' },
    });
    expect(unknown.status).toBe(401);
    const otherHash = host.authorization.replace(/x=[^;]+/, 'x=0000');
    expect((await call(url, 'GET', path, { headers: { authorization: otherHash } })).status).toBe(
      401,
    );
  });
});

describe('403 Forbidden', () => {
  it('when the join would exceed maxMembersCount, saying the session is full', async () => {
    const path = freshSession();
    const created = await call(url, 'PUT', path, {
      as: host,
      body: { constants: { system: { maxMembersCount: 1 } }, ...joinBody(host) },
    });
    expect(created.status).toBe(201);
    const full = await call(url, 'PUT', path, { as: guest, body: joinBody(guest) });
    expect(full.status).toBe(403);
    expectText(full, /session is full/);
  });

  it('for a private or visible session without a reservation', async () => {
    const privatePath = await hostSession('lobby');
    const denied = await call(url, 'PUT', privatePath, { as: guest, body: joinBody(guest) });
    expect(denied.status).toBe(403);
    expectText(denied, /private/);
    expect((await call(url, 'GET', privatePath, { as: guest })).status).toBe(403);

    const visiblePath = await hostSession('default', {
      constants: { system: { visibility: 'visible' } },
    });
    expect((await call(url, 'GET', visiblePath, { as: guest })).status).toBe(200);
    const visible = await call(url, 'PUT', visiblePath, { as: guest, body: joinBody(guest) });
    expect(visible.status).toBe(403);
    expectText(visible, /visible/);
  });

  it('lets a reserved player into a private session through an invite', async () => {
    const path = await hostSession('lobby');
    const reserve = await call(url, 'PUT', path, {
      as: host,
      body: { members: { reserve_0: { constants: { system: { xuid: guest.xuid } } } } },
    });
    expect(reserve.status).toBe(200);
    const handle = await invite(path, guest);
    const joined = await call(url, 'PUT', `/handles/${handle}/session`, {
      as: guest,
      body: joinBody(guest),
    });
    expect(joined.status, joined.text).toBe(200);
  });

  it('when the join restriction is not met, but not for the invited player', async () => {
    const path = await hostSession('default', {
      properties: { system: { joinRestriction: 'followed' } },
    });
    const stranger = await player(url, 'Stranger');
    const denied = await call(url, 'PUT', path, { as: stranger, body: joinBody(stranger) });
    expect(denied.status).toBe(403);
    expectText(denied, /join restriction/);
    const handle = await invite(path, guest);
    expect(
      (await call(url, 'PUT', `/handles/${handle}/session`, { as: guest, body: joinBody(guest) }))
        .status,
    ).toBe(200);
    const viaInviteOfOther = await call(url, 'PUT', `/handles/${handle}/session`, {
      as: stranger,
      body: joinBody(stranger),
    });
    expect(viaInviteOfOther.status).toBe(403);

    const localPath = await hostSession('default', {
      properties: { system: { joinRestriction: 'local' } },
    });
    const local = await call(url, 'PUT', localPath, { as: stranger, body: joinBody(stranger) });
    expect(local.status).toBe(403);
    expectText(local, /device/);
  });

  it('lets a followed player past joinRestriction followed', async () => {
    const follower = await player(url, 'Follower');
    const friendly = await player(url, 'Friendly Host', { follows: [follower.xuid] });
    const path = freshSession();
    const body = { ...joinBody(friendly), properties: { system: { joinRestriction: 'followed' } } };
    expect((await call(url, 'PUT', path, { as: friendly, body })).status).toBe(201);
    expect((await call(url, 'PUT', path, { as: follower, body: joinBody(follower) })).status).toBe(
      200,
    );
  });

  it('for a closed session, and an invite to a closed session is read-only', async () => {
    const path = await hostSession('default', { properties: { system: { closed: true } } });
    const closed = await call(url, 'PUT', path, { as: guest, body: joinBody(guest) });
    expect(closed.status).toBe(403);
    expectText(closed, /closed/);
    const handle = await invite(path, guest);
    expect((await call(url, 'GET', `/handles/${handle}/session`, { as: guest })).status).toBe(200);
    const viaInvite = await call(url, 'PUT', `/handles/${handle}/session`, {
      as: guest,
      body: joinBody(guest),
    });
    expect(viaInvite.status).toBe(403);
    expectText(viaInvite, /closed/);
  });

  it('for a locked session, except for players who were in it', async () => {
    const path = await hostSession();
    expect((await call(url, 'PUT', path, { as: guest, body: joinBody(guest) })).status).toBe(200);
    expect(
      (await call(url, 'PUT', path, { as: guest, body: { members: { me: null } } })).status,
    ).toBe(200);
    expect(
      (
        await call(url, 'PUT', path, {
          as: host,
          body: { properties: { system: { locked: true } } },
        })
      ).status,
    ).toBe(200);
    const newcomer = await player(url, 'Newcomer');
    const locked = await call(url, 'PUT', path, { as: newcomer, body: joinBody(newcomer) });
    expect(locked.status).toBe(403);
    expectText(locked, /locked/);
    expect((await call(url, 'PUT', path, { as: guest, body: joinBody(guest) })).status).toBe(200);
  });

  it('when a non-member sends an invite', async () => {
    const path = await hostSession();
    const answer = await call(url, 'POST', '/handles', {
      as: guest,
      body: {
        version: 1,
        type: 'invite',
        sessionRef: { scid, templateName: 'default', name: path.split('/').pop() },
        invitedXuid: host.xuid,
        inviteAttributes: { titleId: '1' },
      },
    });
    expect(answer.status).toBe(403);
  });
});

describe('404 Not Found', () => {
  it('for an unknown, deleted or expired handle', async () => {
    const unknown = await call(
      url,
      'PUT',
      '/handles/5d0e7c9a-1b2c-4d3e-8f40-5a6b7c8d9e0f/session',
      {
        as: guest,
        body: joinBody(guest),
      },
    );
    expect(unknown.status).toBe(404);
    expectText(unknown, /handle/);

    const path = await hostSession();
    const deleted = await invite(path, guest);
    // Only the sender, or the player it was sent to (declining it), deletes an invite.
    const stranger = await player(url, 'Handle Stranger');
    expect((await call(url, 'DELETE', `/handles/${deleted}`, { as: stranger })).status).toBe(403);
    expect((await call(url, 'DELETE', `/handles/${deleted}`, { as: host })).status).toBe(204);
    expect((await call(url, 'GET', `/handles/${deleted}`, { as: guest })).status).toBe(404);
    expect(
      (await call(url, 'PUT', `/handles/${deleted}/session`, { as: guest, body: joinBody(guest) }))
        .status,
    ).toBe(404);

    const expiring = await invite(path, guest);
    expect((await call(url, 'GET', `/handles/${expiring}`, { as: guest })).status).toBe(200);
    clock.t += 60_000;
    const expired = await call(url, 'PUT', `/handles/${expiring}/session`, {
      as: guest,
      body: joinBody(guest),
    });
    expect(expired.status).toBe(404);
    expectText(expired, /expired/);
  });

  it('for a SCID that is not a GUID, and unknown paths', async () => {
    const badScid = await call(url, 'PUT', sessionUrl('x', 'default', 'MockScid'), {
      as: host,
      body: joinBody(host),
    });
    expect(badScid.status).toBe(404);
    expectText(badScid, /service config/);
    expect((await call(url, 'GET', '/nothing/here', { as: host })).status).toBe(404);
  });

  it('matches path segments case-insensitively', async () => {
    const path = await hostSession();
    const shouted = path
      .replace('/serviceconfigs/', '/SERVICECONFIGS/')
      .replace('/sessionTemplates/', '/sessiontemplates/');
    expect((await call(url, 'GET', shouted, { as: host })).status).toBe(200);
  });
});

describe('other client errors', () => {
  it('405 with Allow for a wrong verb', async () => {
    const answer = await call(url, 'POST', freshSession(), { as: host, body: {} });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, PUT');
    expect((await call(url, 'PUT', '/handles', { as: host, body: {} })).status).toBe(405);
  });

  it('409 for constants that conflict with the template or change after creation', async () => {
    const conflict = await call(url, 'PUT', freshSession('game'), {
      as: host,
      body: { constants: { system: { maxMembersCount: 8 } }, ...joinBody(host) },
    });
    expect(conflict.status).toBe(409);
    expectText(conflict, /maxMembersCount/);
    const same = await call(url, 'PUT', freshSession('game'), {
      as: host,
      body: { constants: { system: { maxMembersCount: 16 } }, ...joinBody(host) },
    });
    expect(same.status).toBe(201);
    const path = await hostSession();
    const changed = await call(url, 'PUT', path, {
      as: host,
      body: { constants: { system: { maxMembersCount: 4 } } },
    });
    expect(changed.status).toBe(409);
  });

  it('412 with the current session and ETag when If-Match or If-None-Match fail', async () => {
    const path = await hostSession();
    const current = await call(url, 'GET', path, { as: host });
    const etag = current.headers.get('etag') ?? '';
    const stale = await call(url, 'PUT', path, {
      as: guest,
      body: joinBody(guest),
      headers: { 'if-match': '"stale"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe(etag);
    expect(expectSessionDocument(stale).membersInfo?.count).toBe(1);
    const exists = await call(url, 'PUT', path, {
      as: guest,
      body: joinBody(guest),
      headers: { 'if-none-match': '*' },
    });
    expect(exists.status).toBe(412);
    const matching = await call(url, 'PUT', path, {
      as: guest,
      body: joinBody(guest),
      headers: { 'if-match': etag },
    });
    expect(matching.status).toBe(200);
    const missing = await call(url, 'PUT', freshSession(), {
      as: host,
      body: joinBody(host),
      headers: { 'if-match': '*' },
    });
    expect(missing.status).toBe(412);
    expect(missing.text).toBe('');
  });

  it('413 for a body over 64 KB', async () => {
    const big = { properties: { custom: { blob: 'x'.repeat(70 * 1024) } } };
    const answer = await call(url, 'PUT', freshSession(), { as: host, body: big });
    expect(answer.status).toBe(413);
    const chunked = await fetch(url + freshSession(), {
      method: 'PUT',
      headers: {
        authorization: host.authorization,
        'x-xbl-contract-version': '107',
        'content-type': 'application/json',
      },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 20; i += 1)
            controller.enqueue(new TextEncoder().encode('x'.repeat(8 * 1024)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });
});
