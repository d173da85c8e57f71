/**
 * Conformance: every session document the directory returns passes the §5.6 validator (and the
 * header and counting checks in expectSessionDocument), and the request bodies XSAPI's own tests
 * send are accepted as they are.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHandleDocument } from '../../src/shared/mpsd/session-document';
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

const bodies = JSON.parse(
  readFileSync(
    new URL('../fixtures/xsapi/xsapi-handles-and-write-bodies.json', import.meta.url),
    'utf8',
  ),
) as Record<string, unknown>;

const identifierKeys = new Set(['xuid', 'invitedXuid', 'scid', 'templateName', 'name']);

/** Replaces the fixture's placeholder identifiers (only in identifier fields), keeping its shape. */
function fixture(name: string, replacements: Record<string, string>): unknown {
  const replace = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => replace(item));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, k)]));
    }
    if (typeof value === 'string' && key !== undefined && identifierKeys.has(key)) {
      return replacements[value] ?? value;
    }
    return value;
  };
  return replace(bodies[name]);
}

let directory: RunningDirectory;
let url: string;
let host: Player;
let friend: Player;
let other: Player;

beforeAll(async () => {
  directory = await startDirectory({
    rateLimits: false,
    templatesFile: new URL('./fixtures/templates-with-roles.json', import.meta.url).pathname,
  });
  url = directory.url;
  host = await player(url, 'Host One');
  friend = await player(url, 'Friend Two');
  other = await player(url, 'Other Three');
});

afterAll(() => directory.close());

describe('XSAPI request bodies', () => {
  const sessionName = 'XWIN_7ce12e85-594a-4b3b-9dc3-33b9a4ea57ce';
  const refs = () => ({
    MockScid: scid,
    MockSessionTemplateName: 'xsapi-roles',
    samplelobbytemplate107: 'lobby',
  });

  it('accepts the whole write sequence XSAPI sends, answering valid documents', async () => {
    const path = sessionUrl(sessionName, 'xsapi-roles');
    const created = await call(url, 'PUT', path, {
      as: host,
      body: fixture('writeJoinAsActiveRequest', { '1234': host.xuid }),
    });
    expect(created.status, created.text).toBe(201);
    const doc = expectSessionDocument(created);
    expect(doc.constants?.system?.visibility).toBe('private');
    expect(doc.constants?.system?.maxMembersCount).toBe(10);
    const me = doc.members?.['0'];
    expect(me?.gamertag).toBe('Host One');
    expect(me?.roles).toEqual({ lfg: 'friend', admin: 'super' });
    expect(created.json<{ roleTypes: unknown }>().roleTypes).toMatchObject({
      lfg: { roles: { friend: { count: 1, max: 2, memberXuids: [host.xuid] } } },
      admin: { roles: { super: { count: 1, max: 1, memberXuids: [host.xuid] } } },
    });
    expect(me?.constants?.custom).toBe('Hello');

    const sda = await call(url, 'PUT', path, {
      as: host,
      body: fixture('writeSecureDeviceAddressRequest', { '1234': host.xuid }),
    });
    expect(sda.status, sda.text).toBe(200);
    const withSda = expectSessionDocument(sda);
    expect(withSda.members?.['0']?.deviceToken).toMatch(/^[0-9a-f]{32}$/);
    expect(withSda.members?.['0']?.properties?.system?.secureDeviceAddress).toBe('1234');

    const subscription = await call(url, 'PUT', path, {
      as: host,
      body: fixture('writeSubscriptionChangeTypesRequest', { '1234': host.xuid }),
    });
    expect(subscription.status, subscription.text).toBe(200);
    const subscribed = subscription.json<{
      members: Record<string, { properties: { system: { subscription: unknown } } }>;
    }>();
    expect(subscribed.members['0']?.properties.system.subscription).toEqual({
      changeTypes: [
        'host',
        'initialization',
        'matchmakingStatus',
        'membersList',
        'membersStatus',
        'joinability',
        'customProperty',
        'membersCustomProperty',
      ],
    });
    expectSessionDocument(subscription);

    const reserved = await call(url, 'PUT', path, {
      as: host,
      body: fixture('writeReservationsRequest', { '1234': friend.xuid, '4567': other.xuid }),
    });
    expect(reserved.status, reserved.text).toBe(200);
    const withReservations = expectSessionDocument(reserved);
    expect(withReservations.membersInfo).toMatchObject({ count: 3, accepted: 1, next: 3 });
    expect(withReservations.members?.['1']).toMatchObject({
      reserved: true,
      constants: { system: { xuid: friend.xuid } },
    });
    expect(withReservations.members?.['1']?.gamertag).toBeUndefined();

    const invite = await call(url, 'POST', '/handles', {
      as: host,
      body: fixture('inviteHandleRequest', { ...refs(), '': friend.xuid }),
    });
    expect(invite.status, invite.text).toBe(201);
    const handle = parseHandleDocument(invite.json());
    if (!handle.ok) throw new Error(handle.error.message);
    expect(handle.value).toMatchObject({
      type: 'invite',
      version: 1,
      invitedXuid: friend.xuid,
      senderXuid: host.xuid,
      inviteAttributes: { titleId: '1234' },
      sessionRef: { scid, templateName: 'xsapi-roles', name: sessionName },
    });
    expect(Date.parse(handle.value.expiration ?? '')).toBeGreaterThan(Date.now());

    const activity = await call(url, 'POST', '/handles', {
      as: host,
      body: fixture('activityHandleRequest', refs()),
    });
    expect(activity.status, activity.text).toBe(201);
    expect(parseHandleDocument(activity.json()).ok).toBe(true);

    const accepted = await call(url, 'PUT', `/handles/${handle.value.id}/session`, {
      as: friend,
      body: joinBody(friend),
    });
    expect(accepted.status, accepted.text).toBe(200);
    const afterInvite = expectSessionDocument(accepted);
    expect(afterInvite.members?.['1']).toMatchObject({
      gamertag: 'Friend Two',
      constants: { system: { xuid: friend.xuid } },
    });
    expect(afterInvite.members?.['1']?.reserved).toBeUndefined();
    expect(afterInvite.membersInfo).toMatchObject({ count: 3, accepted: 2, active: 2 });
    expect(accepted.headers.get('content-location')).toBe(
      sessionUrl(sessionName, 'xsapi-roles').replace(scid, scid.toLowerCase()),
    );

    const byHandle = await call(url, 'GET', `/handles/${handle.value.id}/session`, { as: friend });
    expect(byHandle.status).toBe(200);
    expectSessionDocument(byHandle);

    const inactive = await call(url, 'PUT', path, {
      as: host,
      body: fixture('writeSetInactiveRequest', { '1234': host.xuid }),
    });
    expect(inactive.status, inactive.text).toBe(200);
    expect(expectSessionDocument(inactive).members?.['0']?.properties?.system).toMatchObject({
      active: false,
      ready: false,
    });

    const left = await call(url, 'PUT', path, { as: host, body: fixture('writeLeaveRequest', {}) });
    expect(left.status, left.text).toBe(200);
    const afterLeave = expectSessionDocument(left);
    expect(afterLeave.members?.['0']).toBeUndefined();
    expect(afterLeave.membersInfo).toMatchObject({ first: 1, next: 3, count: 2 });
  });

  it('accepts the transfer handle body for a member of the origin lobby', async () => {
    const lobby = sessionUrl('bd6c41c3-01c3-468a-a3b5-3e0fe8133862', 'lobby');
    const game = sessionUrl('transfer-target', 'xsapi-roles');
    expect((await call(url, 'PUT', lobby, { as: other, body: joinBody(other) })).status).toBe(201);
    expect((await call(url, 'PUT', game, { as: host, body: joinBody(host) })).status).toBe(201);
    const body = fixture('transferHandleRequest', { ...refs(), [sessionName]: 'transfer-target' });
    const transfer = await call(url, 'POST', '/handles', { as: other, body });
    expect(transfer.status, transfer.text).toBe(201);
    expect(transfer.json()).toMatchObject({
      type: 'transfer',
      originSessionRef: { templateName: 'lobby' },
    });
    const joined = await call(
      url,
      'PUT',
      `/handles/${transfer.json<{ id: string }>().id}/session`,
      {
        as: other,
        body: joinBody(other),
      },
    );
    expect(joined.status, joined.text).toBe(200);
    expect(expectSessionDocument(joined).membersInfo?.count).toBe(2);
  });

  it("creates a session from the constants and properties of XSAPI's fullest document", async () => {
    const full = JSON.parse(
      readFileSync(new URL('../fixtures/xsapi/xsapi-session-full.json', import.meta.url), 'utf8'),
    ) as { constants: unknown; properties: unknown };
    const creator = await player(url, 'Initiator', { xuid: '3456' });
    const created = await call(url, 'PUT', sessionUrl('from-full-document'), {
      as: creator,
      body: { constants: full.constants, properties: full.properties, ...joinBody(creator) },
    });
    expect(created.status, created.text).toBe(201);
    const doc = expectSessionDocument(created);
    expect(doc.constants?.system).toMatchObject({
      visibility: 'open',
      maxMembersCount: 100,
      inactiveRemovalTimeout: 7200000,
      capabilities: { gameplay: true, connectivity: true },
      memberInitialization: { membersNeededToStart: 2 },
    });
    expect(doc.properties?.system).toMatchObject({
      joinRestriction: 'none',
      closed: true,
      keywords: ['hello'],
    });
    // "99e4c701" is no member's device token, so MPSD drops it.
    expect(doc.properties?.system?.host).toBeUndefined();
  });

  it("creates the reserved-members game session of XSAPI's Multiplayer Manager tests", async () => {
    const reservedDoc = JSON.parse(
      readFileSync(
        new URL('../fixtures/xsapi/xsapi-game-session-reserved-members.json', import.meta.url),
        'utf8',
      ),
    ) as { constants: { system: { initiators: string[] } } };
    const creator = await player(url, 'Game Host');
    const [second, third] = [await player(url, 'Second'), await player(url, 'Third')];
    const ids = { TestXboxUserId_1: creator.xuid, '2345': second.xuid, '3456': third.xuid };
    const initiators = reservedDoc.constants.system.initiators.map(
      (id) => ids[id as keyof typeof ids] ?? id,
    );
    const created = await call(url, 'PUT', sessionUrl('mpm-game'), {
      as: creator,
      body: {
        constants: {
          ...reservedDoc.constants,
          system: { ...reservedDoc.constants.system, initiators },
        },
        ...joinBody(creator),
      },
    });
    expect(created.status, created.text).toBe(201);
    const reserved = await call(url, 'PUT', sessionUrl('mpm-game'), {
      as: creator,
      body: {
        members: {
          reserve_0: { constants: { system: { xuid: second.xuid, initialize: true } } },
          reserve_1: { constants: { system: { xuid: third.xuid } } },
        },
      },
    });
    const doc = expectSessionDocument(reserved);
    expect(doc.membersInfo).toMatchObject({ first: 0, next: 3, count: 3, accepted: 1, active: 1 });
    expect(doc.members?.['1']).toMatchObject({
      reserved: true,
      constants: { system: { initialize: true } },
    });
  });
});
