/**
 * The directory's service (src/directory/directory-service.ts) without HTTP: handles (create, read,
 * delete, the invite page's facts), handle queries, and the session reads and writes it
 * orchestrates around the pure write (stores, timers, renderer, answers). A real service on the
 * real in-memory store, shipped templates and token registry, with a hand-set clock. The HTTP
 * suites (handles, handle-queries, status-codes, ...) prove it is wired in; these pin each rule,
 * answer and status fast enough for mutation testing (docs/quality.md).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DevTokenRegistry, type CallerIdentity } from '../../src/directory/dev-tokens';
import type { SessionRef } from '../../src/directory/session-ref';
import type { DirectoryAnswer } from '../../src/directory/directory-answer';
import {
  DirectoryService,
  sweepIntervalMs,
  type DirectoryServiceDeps,
} from '../../src/directory/directory-service';
import { MemorySessionStore } from '../../src/directory/memory-session-store';
import { sessionKey, type SessionRecord } from '../../src/directory/session-record';
import type { HandleQuery, HandleRecord, Mutation } from '../../src/directory/session-store';
import { loadSessionTemplates } from '../../src/directory/session-templates';
import { joinBody, scid } from './directory-test-client';
import { memberRecordOf, sessionRecordOf } from './session-record-fixture';

const start = Date.parse('2026-03-01T10:00:00.000Z');
const lifetimeMs = 3_600_000;
const otherScid = '1c6a2d3b-4e5f-4a71-9b2c-3d4e5f6a7b8c';
const unknownHandle = '8d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a';
const badHandleMessage =
  'The request URI contains an invalid handle ID. It may contain invalid characters or be all zeroes.';

function caller(xuid: string, extra: Partial<CallerIdentity> = {}): CallerIdentity {
  return {
    xuid,
    gamertag: `P${xuid}`,
    titleId: `7${xuid}`,
    deviceId: `device-${xuid}`,
    deviceToken: `token-${xuid}`,
    follows: [],
    ...extra,
  };
}

const alice = caller('1');
const bob = caller('2');
const carol = caller('3');

const join = (who: CallerIdentity) =>
  joinBody({ xuid: who.xuid, gamertag: who.gamertag, authorization: '' });
/** The join of `who` that also reserves a seat for `xuid`. */
const reserving = (who: CallerIdentity, xuid: string) => ({
  members: {
    me: (join(who).members as Record<string, unknown>).me,
    reserve_0: { constants: { system: { xuid } } },
  },
});
const refOf = (name: string, templateName = 'game', serviceConfig = scid): SessionRef => ({
  scid: serviceConfig,
  templateName,
  name,
});

const templatesLoaded = loadSessionTemplates();
if (!templatesLoaded.ok) throw new Error(templatesLoaded.error);
const shippedTemplates = templatesLoaded.value;

interface Fixture {
  readonly service: DirectoryService;
  readonly store: MemorySessionStore;
  readonly log: string[];
  readonly clock: { time: number; now(): number };
}

let env: Fixture;

function fixture(
  extra: Partial<DirectoryServiceDeps> & { store?: MemorySessionStore } = {},
): Fixture {
  const clock = {
    time: start,
    now() {
      return this.time;
    },
  };
  const store = extra.store ?? new MemorySessionStore();
  const log: string[] = [];
  const service = new DirectoryService({
    store,
    templates: shippedTemplates,
    tokens: new DevTokenRegistry({ clock }),
    clock,
    handleLifetimeMs: lifetimeMs,
    defaultTitleId: '4242',
    log: (message) => log.push(message),
    ...extra,
  });
  return { service, store, log, clock };
}

beforeEach(() => {
  env = fixture();
});

/** The answer's fields a test compares (a session answer without its rendered text). */
async function answer(value: DirectoryAnswer | PromiseLike<DirectoryAnswer>) {
  return await value;
}

function jsonBody<T = Record<string, unknown>>(value: DirectoryAnswer): T {
  if (value.kind !== 'json') throw new Error(`not json: ${JSON.stringify(value)}`);
  return value.body as T;
}

function documentOf(value: DirectoryAnswer): Record<string, unknown> {
  if (value.kind !== 'session') throw new Error(`not a session: ${JSON.stringify(value)}`);
  return JSON.parse(value.document.text) as Record<string, unknown>;
}

/** Creates (or joins) a session as `who`, active. */
async function joinSession(who: CallerIdentity, ref: SessionRef, extra: object = {}) {
  const written = await answer(env.service.putSession(who, ref, { ...join(who), ...extra }, {}));
  expect([200, 201]).toContain(written.status);
  return written;
}

const inviteBody = (ref: SessionRef, invitedXuid: string) => ({
  version: 1,
  type: 'invite',
  sessionRef: ref,
  invitedXuid,
  inviteAttributes: { titleId: '1234', context: 'ctx' },
});

async function createInvite(from: CallerIdentity, ref: SessionRef, to: string) {
  const created = await env.service.createHandle(from, inviteBody(ref, to));
  expect(created.status).toBe(201);
  return jsonBody<{ id: string }>(created).id;
}

async function createActivity(owner: CallerIdentity, ref: SessionRef) {
  const created = await env.service.createHandle(owner, {
    version: 1,
    type: 'activity',
    sessionRef: ref,
  });
  expect(created.status).toBe(201);
  return jsonBody<{ id: string }>(created).id;
}

function putRecord(record: SessionRecord): void {
  env.store.update(sessionKey(record.ref), () => ({ action: 'store', record, result: undefined }));
}

function storedSession(ref: SessionRef): SessionRecord | undefined {
  return env.store.update(sessionKey(ref), (current) => ({ action: 'keep', result: current }));
}

function handleRecord(fields: Partial<HandleRecord> & Pick<HandleRecord, 'type'>): HandleRecord {
  return {
    id: unknownHandle,
    version: 1,
    sessionRef: refOf('night'),
    titleId: '1',
    createdAt: start,
    expiresAt: start + lifetimeMs,
    ...fields,
  };
}

describe('resolveRef', () => {
  it('answers 404 for a SCID that is no GUID', () => {
    expect(env.service.resolveRef(refOf('n', 'game', 'not-a-guid'))).toEqual({
      ok: false,
      answer: {
        kind: 'text',
        status: 404,
        message: 'The requested service config is either invalid or not configured for sessions.',
      },
    });
  });

  it('adopts an unknown template from default, logging it, unless templates are strict', () => {
    const adopted = env.service.resolveRef(refOf('n', 'brandnew'));
    expect(adopted).toMatchObject({ ok: true, ref: { templateName: 'brandnew' } });
    expect(env.log).toEqual([
      'template brandnew is not declared: created from the default template on first use',
    ]);
    const strict = fixture({ strictTemplates: true });
    expect(strict.service.resolveRef(refOf('n', 'otherunknown'))).toEqual({
      ok: false,
      answer: {
        kind: 'text',
        status: 404,
        message: 'The session template otherunknown does not exist in this service config.',
      },
    });
    expect(strict.log).toEqual([]);
    expect(strict.service.resolveRef(refOf('n', 'GAME'))).toMatchObject({ ok: true });
  });

  it('answers 404 for a template name that cannot be adopted', () => {
    expect(env.service.resolveRef(refOf('n', 'bad name!'))).toEqual({
      ok: false,
      answer: {
        kind: 'text',
        status: 404,
        message: 'The session template bad name! does not exist in this service config.',
      },
    });
  });

  it('answers 400 for a session name outside 1 to 100 of letters, digits, "_", "-", "."', () => {
    const refused = {
      ok: false,
      answer: {
        kind: 'text',
        status: 400,
        message: 'Session names are 1 to 100 letters, digits, "_", "-" or ".".',
      },
    };
    for (const name of ['', 'a b', 'a/b', 'x'.repeat(101), 'ok!', ' ok', 'ok ']) {
      expect(env.service.resolveRef(refOf(name)), name).toEqual(refused);
    }
    for (const name of ['a', 'A_b-c.9', 'x'.repeat(100)]) {
      expect(env.service.resolveRef(refOf(name)), name).toMatchObject({ ok: true });
    }
  });

  it('answers the canonical reference: lower-case SCID, the template as declared, the name as given', () => {
    const resolved = env.service.resolveRef(refOf('Night', 'GAME', scid.toUpperCase()));
    expect(resolved).toMatchObject({
      ok: true,
      ref: { scid, templateName: 'game', name: 'Night' },
      template: { name: 'game' },
    });
  });
});

describe('issueToken', () => {
  it('issues a token with the default title when none is asked for (201)', () => {
    const issued = env.service.issueToken({ xuid: '55', gamertag: 'Five' });
    expect(issued).toMatchObject({
      kind: 'json',
      status: 201,
      body: { xuid: '55', gamertag: 'Five', titleId: '4242' },
    });
    expect(env.service.issueToken({ xuid: '56', gamertag: 'Six', titleId: '99' })).toMatchObject({
      status: 201,
      body: { titleId: '99' },
    });
  });

  it('refuses an invalid body with 400 and the reason', () => {
    const refused = env.service.issueToken({ xuid: 'abc', gamertag: 'Five' });
    expect(refused).toMatchObject({ kind: 'text', status: 400 });
    expect(refused.kind === 'text' && refused.message).toMatch(
      /^The request body is invalid: .*xuid/s,
    );
  });
});

describe('createHandle', () => {
  it('refuses an invalid body and a bad session reference', async () => {
    const invalid = await env.service.createHandle(alice, { version: 1, type: 'nope' });
    expect(invalid).toMatchObject({ kind: 'text', status: 400 });
    expect(invalid.kind === 'text' && invalid.message).toMatch(/^The request body is invalid: /);
    expect(
      await env.service.createHandle(alice, inviteBody(refOf('n', 'game', 'bad-scid'), '2')),
    ).toMatchObject({ status: 404, message: expect.stringContaining('service config') });
  });

  it('creates an invite handle from a member, answering 201 with the handle', async () => {
    await joinSession(alice, refOf('night'));
    const created = await env.service.createHandle(
      alice,
      inviteBody(refOf('night', 'GAME', scid.toUpperCase()), '2'),
    );
    expect(created).toMatchObject({ kind: 'json', status: 201 });
    const body = jsonBody(created);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'invite',
      version: 1,
      sessionRef: { scid, templateName: 'game', name: 'night' },
      invitedXuid: '2',
      senderXuid: '1',
      inviteAttributes: { titleId: '1234', context: 'ctx' },
      expiration: new Date(start + lifetimeMs).toISOString(),
    });
    expect(env.store.getHandle(body.id as string)).toEqual({
      id: body.id,
      type: 'invite',
      version: 1,
      sessionRef: { scid, templateName: 'game', name: 'night' },
      invitedXuid: '2',
      senderXuid: '1',
      titleId: '1234',
      inviteAttributes: { titleId: '1234', context: 'ctx' },
      createdAt: start,
      expiresAt: start + lifetimeMs,
    });
  });

  it('gives each handle its own id', async () => {
    await joinSession(alice, refOf('night'));
    const first = await createInvite(alice, refOf('night'), '2');
    const second = await createInvite(alice, refOf('night'), '2');
    expect(first).not.toBe(second);
  });

  it('refuses a handle to a missing session (404) and from a non-member or reserved one (403)', async () => {
    expect(await env.service.createHandle(alice, inviteBody(refOf('none'), '2'))).toEqual({
      kind: 'text',
      status: 404,
      message: 'The session the handle would point to was not found.',
    });
    await joinSession(alice, refOf('night'), reserving(alice, '2'));
    for (const who of [bob, carol]) {
      expect(await env.service.createHandle(who, inviteBody(refOf('night'), '3'))).toEqual({
        kind: 'text',
        status: 403,
        message: 'Only members of the session can create invite handles for it.',
      });
      expect(
        await env.service.createHandle(who, {
          version: 1,
          type: 'activity',
          sessionRef: refOf('night'),
        }),
      ).toEqual({
        kind: 'text',
        status: 403,
        message: 'Only members of the session can create activity handles for it.',
      });
    }
    expect(env.store.size.handles).toBe(0);
  });

  it('creates an activity handle of an active member, replacing its earlier one of that SCID', async () => {
    await joinSession(alice, refOf('first'));
    await joinSession(alice, refOf('second'));
    await joinSession(alice, refOf('third', 'game', otherScid));
    const first = await createActivity(alice, refOf('first'));
    const elsewhere = await createActivity(alice, refOf('third', 'game', otherScid));
    const created = await env.service.createHandle(alice, {
      version: 1,
      type: 'activity',
      sessionRef: refOf('second'),
    });
    expect(jsonBody(created)).toEqual({
      id: expect.any(String),
      type: 'activity',
      version: 1,
      sessionRef: { scid, templateName: 'game', name: 'second' },
      ownerXuid: '1',
      titleId: '71',
      expiration: new Date(start + lifetimeMs).toISOString(),
    });
    expect(env.store.getHandle(first)).toBeUndefined();
    expect(env.store.getHandle(elsewhere)).toBeDefined();
    expect(env.store.getHandle(jsonBody<{ id: string }>(created).id)).toMatchObject({
      ownerXuid: '1',
      titleId: '71',
    });
  });

  it('refuses an activity handle from an inactive member (kept by a template that keeps them)', async () => {
    await joinSession(alice, refOf('night', 'persistent'));
    await joinSession(bob, refOf('night', 'persistent'));
    await env.service.putSession(
      bob,
      refOf('night', 'persistent'),
      {
        members: { me: { properties: { system: { active: false } } } },
      },
      {},
    );
    const activityBody = { version: 1, type: 'activity', sessionRef: refOf('night', 'persistent') };
    expect(await env.service.createHandle(bob, activityBody)).toEqual({
      kind: 'text',
      status: 403,
      message: 'Only active members can publish an activity handle.',
    });
    // An inactive member may still invite.
    expect(
      (await env.service.createHandle(bob, inviteBody(refOf('night', 'persistent'), '3'))).status,
    ).toBe(201);
  });

  it('creates a transfer handle from a member of the origin into an existing target', async () => {
    await joinSession(alice, refOf('lobby'));
    await joinSession(carol, refOf('match'));
    const created = await env.service.createHandle(alice, {
      version: 1,
      type: 'transfer',
      sessionRef: refOf('match', 'GAME'),
      originSessionRef: refOf('lobby', 'Game', scid.toUpperCase()),
    });
    expect(created.status).toBe(201);
    const body = jsonBody(created);
    expect(body).toEqual({
      id: expect.any(String),
      type: 'transfer',
      version: 1,
      sessionRef: { scid, templateName: 'game', name: 'match' },
      originSessionRef: { scid, templateName: 'game', name: 'lobby' },
      expiration: new Date(start + lifetimeMs).toISOString(),
    });
    expect(env.store.getHandle(body.id as string)).toMatchObject({
      creatorXuid: '1',
      titleId: '71',
    });
  });

  it('refuses a transfer handle with a bad origin, no target, or from outside the origin', async () => {
    await joinSession(alice, refOf('lobby', 'game'), reserving(alice, '2'));
    await joinSession(carol, refOf('match'));
    const transfer = (target: string, origin: SessionRef) => ({
      version: 1,
      type: 'transfer',
      sessionRef: refOf(target),
      originSessionRef: origin,
    });
    expect(
      await env.service.createHandle(alice, transfer('match', refOf('lobby', 'game', 'bad'))),
    ).toMatchObject({ status: 404, message: expect.stringContaining('service config') });
    expect(await env.service.createHandle(alice, transfer('none', refOf('lobby')))).toEqual({
      kind: 'text',
      status: 403,
      message: 'A transfer handle needs an existing target session.',
    });
    const outsider = {
      kind: 'text',
      status: 403,
      message: 'Only members of the origin session can create a transfer handle.',
    };
    expect(await env.service.createHandle(carol, transfer('match', refOf('lobby')))).toEqual(
      outsider,
    );
    expect(await env.service.createHandle(bob, transfer('match', refOf('lobby')))).toEqual(
      outsider,
    );
    expect(await env.service.createHandle(alice, transfer('match', refOf('gone')))).toEqual(
      outsider,
    );
    expect(env.store.size.handles).toBe(0);
  });
});

describe('handleScid, getHandle', () => {
  it('answers the SCID of a stored handle, undefined for an unknown or invalid id', async () => {
    await joinSession(alice, refOf('night'));
    const id = await createInvite(alice, refOf('night'), '2');
    expect(await env.service.handleScid(id.toUpperCase())).toBe(scid);
    expect(await env.service.handleScid(unknownHandle)).toBeUndefined();
    expect(await env.service.handleScid('nope')).toBeUndefined();
  });

  it('answers a handle by its id in any letter case (200)', async () => {
    await joinSession(alice, refOf('night'));
    const id = await createInvite(alice, refOf('night'), '2');
    const read = await env.service.getHandle(carol, id.toUpperCase());
    expect(read).toMatchObject({ kind: 'json', status: 200 });
    expect(jsonBody(read)).toMatchObject({ id, type: 'invite', invitedXuid: '2' });
  });

  it('answers 400 for an id that is no GUID or all zeroes, 404 for an unknown one', async () => {
    for (const raw of [
      'nope',
      '00000000-0000-0000-0000-000000000000',
      `${unknownHandle}0`,
      `x${unknownHandle}`,
    ]) {
      expect(await env.service.getHandle(alice, raw), raw).toEqual({
        kind: 'text',
        status: 400,
        message: badHandleMessage,
      });
    }
    for (const raw of [
      unknownHandle,
      '00000000-0000-0000-0000-000000000001',
      '10000000-0000-0000-0000-000000000000',
    ]) {
      expect(await env.service.getHandle(alice, raw), raw).toEqual({
        kind: 'text',
        status: 404,
        message: 'The handle was not found: it never existed, was deleted, or has expired.',
      });
    }
  });

  it('answers 404 for a handle from its expiry on, and deletes it', async () => {
    await joinSession(alice, refOf('night'));
    const id = await createInvite(alice, refOf('night'), '2');
    env.clock.time = start + lifetimeMs - 1;
    expect((await env.service.getHandle(alice, id)).status).toBe(200);
    env.clock.time = start + lifetimeMs;
    expect(await env.service.getHandle(alice, id)).toEqual({
      kind: 'text',
      status: 404,
      message: 'The handle was not found: it has expired.',
    });
    expect(env.store.getHandle(id)).toBeUndefined();
  });
});

describe('invitePageFacts', () => {
  it('answers an invite handle with its session', async () => {
    await joinSession(alice, refOf('night'));
    const id = await createInvite(alice, refOf('night'), '2');
    const facts = await env.service.invitePageFacts(id);
    expect(facts?.handle).toEqual(env.store.getHandle(id));
    expect(facts?.session).toBe(storedSession(refOf('night')));
  });

  it('answers nothing for a bad id, an activity, a bad reference or a session that is gone', async () => {
    await joinSession(alice, refOf('night'));
    const activity = await createActivity(alice, refOf('night'));
    expect(await env.service.invitePageFacts('nope')).toBeUndefined();
    expect(await env.service.invitePageFacts(unknownHandle)).toBeUndefined();
    expect(await env.service.invitePageFacts(activity)).toBeUndefined();
    env.store.putHandle(
      handleRecord({ type: 'invite', invitedXuid: '2', sessionRef: refOf('night', 'game', 'bad') }),
    );
    expect(await env.service.invitePageFacts(unknownHandle)).toBeUndefined();
    const invite = await createInvite(alice, refOf('night'), '2');
    await env.service.leaveSession(alice, refOf('night'), {});
    expect(await env.service.invitePageFacts(invite)).toBeUndefined();
  });
});

describe('deleteHandle', () => {
  it("lets an invite's sender and its invitee delete it (204), logging the invitee's decline", async () => {
    await joinSession(alice, refOf('night'));
    const bySender = await createInvite(alice, refOf('night'), '2');
    const byInvitee = await createInvite(alice, refOf('night'), '2');
    expect(await env.service.deleteHandle(alice, bySender)).toEqual({ kind: 'empty', status: 204 });
    expect(env.log).toEqual([]);
    expect(await env.service.deleteHandle(bob, byInvitee.toUpperCase())).toEqual({
      kind: 'empty',
      status: 204,
    });
    expect(env.log).toEqual([`invite handle ${byInvitee.slice(0, 8)}… declined by its invitee`]);
    expect(env.store.size.handles).toBe(0);
  });

  it('refuses anyone else (403) and keeps the handle', async () => {
    await joinSession(alice, refOf('night'));
    await joinSession(carol, refOf('match'));
    const invite = await createInvite(alice, refOf('night'), '2');
    const activity = await createActivity(alice, refOf('night'));
    const transfer = jsonBody<{ id: string }>(
      await env.service.createHandle(alice, {
        version: 1,
        type: 'transfer',
        sessionRef: refOf('match'),
        originSessionRef: refOf('night'),
      }),
    ).id;
    const refused = {
      kind: 'text',
      status: 403,
      message:
        'Only the user who created the handle, or the user an invite was sent to, can delete it.',
    };
    for (const id of [invite, activity, transfer]) {
      expect(await env.service.deleteHandle(carol, id)).toEqual(refused);
      expect(env.store.getHandle(id)).toBeDefined();
    }
    // Bob is the invitee of the invite only.
    expect(await env.service.deleteHandle(bob, activity)).toEqual(refused);
    expect(await env.service.deleteHandle(alice, activity)).toEqual({ kind: 'empty', status: 204 });
    expect(await env.service.deleteHandle(alice, transfer)).toEqual({ kind: 'empty', status: 204 });
    expect(env.log).toEqual([]);
  });

  it('lets anyone delete a handle that records no creator', async () => {
    env.store.putHandle(handleRecord({ type: 'transfer' }));
    expect(await env.service.deleteHandle(carol, unknownHandle)).toEqual({
      kind: 'empty',
      status: 204,
    });
    expect(env.store.getHandle(unknownHandle)).toBeUndefined();
  });

  it('answers 400, 404 and expiry as reading does', async () => {
    expect(await env.service.deleteHandle(alice, 'nope')).toMatchObject({ status: 400 });
    expect(await env.service.deleteHandle(alice, unknownHandle)).toMatchObject({ status: 404 });
  });
});

describe('queryHandles', () => {
  async function query(who: CallerIdentity, body: unknown, include: string[] = []) {
    return await env.service.queryHandles(who, body, new Set(include));
  }
  const resultIds = (value: DirectoryAnswer) =>
    jsonBody<{ results: { id: string }[] }>(value).results.map((result) => result.id);

  it('refuses an invalid body (400)', async () => {
    const refused = await query(alice, { type: 'activity' });
    expect(refused).toMatchObject({ kind: 'text', status: 400 });
    expect(refused.kind === 'text' && refused.message).toMatch(/^The request body is invalid: /);
  });

  it('finds the activities of listed owners, in order, with the handle as GET answers it', async () => {
    await joinSession(alice, refOf('a'));
    await joinSession(bob, refOf('b'));
    await joinSession(carol, refOf('c'));
    const ofAlice = await createActivity(alice, refOf('a'));
    env.clock.time += 1;
    const ofBob = await createActivity(bob, refOf('b'));
    await createActivity(carol, refOf('c'));
    const found = await query(carol, { type: 'activity', owners: { xuids: ['2', '1'] } });
    expect(found).toMatchObject({ kind: 'json', status: 200 });
    expect(resultIds(found)).toEqual([ofAlice, ofBob]);
    const first = jsonBody<{ results: unknown[] }>(found).results[0];
    expect(first).toEqual(jsonBody(await env.service.getHandle(carol, ofAlice)));
    expect(env.log.at(-1)).toBe('handle query (activity) by 3: 2 result(s)');
  });

  it("finds the activities of the people the caller follows, for the caller's own moniker only", async () => {
    await joinSession(alice, refOf('a'));
    await joinSession(bob, refOf('b'));
    const ofAlice = await createActivity(alice, refOf('a'));
    await createActivity(bob, refOf('b'));
    const follower = caller('3', { follows: ['1'] });
    const people = (monikerXuid: string) => ({
      type: 'activity',
      owners: { people: { moniker: 'people', monikerXuid } },
    });
    expect(resultIds(await query(follower, people('3')))).toEqual([ofAlice]);
    expect(await query(follower, people('1'))).toEqual({
      kind: 'text',
      status: 403,
      message: "A people query can only ask for the calling user's own social graph.",
    });
  });

  it("finds the invites sent to the caller, and refuses to list anyone else's", async () => {
    await joinSession(alice, refOf('night'));
    const toBob = await createInvite(alice, refOf('night'), '2');
    await createInvite(alice, refOf('night'), '3');
    expect(resultIds(await query(bob, { type: 'invite' }))).toEqual([toBob]);
    expect(resultIds(await query(bob, { type: 'invite', invitedXuid: '2' }))).toEqual([toBob]);
    expect(await query(bob, { type: 'invite', invitedXuid: '3' })).toEqual({
      kind: 'text',
      status: 403,
      message: 'Only the invited user can query the invites sent to them.',
    });
    expect(env.log.at(-1)).toBe('handle query (invite) by 2: 1 result(s)');
  });

  it('keeps only the handles of the SCID asked for', async () => {
    await joinSession(alice, refOf('a'));
    await joinSession(alice, refOf('b', 'game', otherScid));
    const inA = await createInvite(alice, refOf('a'), '2');
    const inB = await createInvite(alice, refOf('b', 'game', otherScid), '2');
    expect(resultIds(await query(bob, { type: 'invite', scid: otherScid }))).toEqual([inB]);
    expect(resultIds(await query(bob, { type: 'invite', scid }))).toEqual([inA]);
  });

  it('leaves out expired handles (from their expiry on), bad references and sessions that are gone', async () => {
    await joinSession(alice, refOf('kept'));
    await joinSession(alice, refOf('gone'));
    const kept = await createInvite(alice, refOf('kept'), '2');
    await createInvite(alice, refOf('gone'), '2');
    env.clock.time += 1000;
    const later = await createInvite(alice, refOf('kept'), '2');
    env.store.putHandle(
      handleRecord({ type: 'invite', invitedXuid: '2', sessionRef: refOf('x', 'game', 'bad') }),
    );
    await env.service.leaveSession(alice, refOf('gone'), {});
    expect(resultIds(await query(bob, { type: 'invite' }))).toEqual([kept, later]);
    env.clock.time = start + lifetimeMs - 1;
    expect(resultIds(await query(bob, { type: 'invite' }))).toEqual([kept, later]);
    env.clock.time = start + lifetimeMs;
    expect(resultIds(await query(bob, { type: 'invite' }))).toEqual([later]);
  });

  it('leaves out handles whose session the caller may not read, but an invitee reads a private one', async () => {
    await joinSession(alice, refOf('party', 'lobby'));
    const activity = await createActivity(alice, refOf('party', 'lobby'));
    const invite = await createInvite(alice, refOf('party', 'lobby'), '2');
    expect(resultIds(await query(bob, { type: 'activity', owners: { xuids: ['1'] } }))).toEqual([]);
    expect(resultIds(await query(bob, { type: 'invite' }))).toEqual([invite]);
    expect(resultIds(await query(alice, { type: 'activity', owners: { xuids: ['1'] } }))).toEqual([
      activity,
    ]);
    expect(env.log.at(-3)).toBe('handle query (activity) by 2: 0 result(s)');
  });

  it('answers at most 100 results', async () => {
    await joinSession(alice, refOf('night'));
    const ids: string[] = [];
    for (let i = 0; i < 101; i += 1) {
      env.clock.time += 1;
      ids.push(await createInvite(alice, refOf('night'), '2'));
    }
    expect(resultIds(await query(bob, { type: 'invite' }))).toEqual(ids.slice(0, 100));
  });

  it('adds the related info and custom properties only when asked for', async () => {
    await joinSession(alice, refOf('night'), { properties: { custom: { mode: 'duel' } } });
    await createInvite(alice, refOf('night'), '2');
    const plain = jsonBody<{ results: Record<string, unknown>[] }>(
      await query(bob, { type: 'invite' }),
    );
    expect(Object.keys(plain.results[0] ?? {})).not.toContain('relatedInfo');
    expect(Object.keys(plain.results[0] ?? {})).not.toContain('customProperties');
    const custom = jsonBody<{ results: Record<string, unknown>[] }>(
      await query(bob, { type: 'invite' }, ['customproperties']),
    );
    expect(custom.results[0]?.customProperties).toEqual({ mode: 'duel' });
    expect(Object.keys(custom.results[0] ?? {})).not.toContain('relatedInfo');
    const related = jsonBody<{ results: Record<string, unknown>[] }>(
      await query(bob, { type: 'invite' }, ['relatedinfo']),
    );
    expect(related.results[0]?.relatedInfo).toEqual({
      visibility: 'open',
      joinRestriction: 'none',
      closed: false,
      maxMembersCount: 16,
      membersCount: 1,
      postedTime: '2026-03-01T10:00:00.000Z',
    });
    expect(Object.keys(related.results[0] ?? {})).not.toContain('customProperties');
  });

  it("tells the session's visibility (open by default), restriction, closed, host and invite protocol", async () => {
    const ref = refOf('stored');
    putRecord(
      sessionRecordOf(ref, {
        constantsSystem: { maxMembersCount: 5, inviteProtocol: 'party' },
        propertiesSystem: { closed: true, joinRestriction: 'followed', host: 'ABCD' },
        members: [
          memberRecordOf(alice.xuid, start, { deviceToken: 'abcd', gamertag: 'Host' }),
          memberRecordOf(carol.xuid, start, { deviceToken: 'ef' }),
        ],
      }),
    );
    env.store.putHandle(
      handleRecord({ type: 'invite', invitedXuid: '2', sessionRef: ref, createdAt: start + 1500 }),
    );
    const found = jsonBody<{ results: { relatedInfo: unknown }[] }>(
      await query(bob, { type: 'invite' }, ['relatedinfo']),
    );
    expect(found.results[0]?.relatedInfo).toEqual({
      visibility: 'open',
      joinRestriction: 'followed',
      closed: true,
      maxMembersCount: 5,
      membersCount: 2,
      hostGamertag: 'Host',
      inviteProtocol: 'party',
      postedTime: '2026-03-01T10:00:01.500Z',
    });
  });

  it('leaves out the host and invite protocol it cannot tell, and a closed that is not true', async () => {
    const ref = refOf('stored');
    putRecord(
      sessionRecordOf(ref, {
        constantsSystem: { maxMembersCount: 5, visibility: 'visible', inviteProtocol: 7 },
        propertiesSystem: { closed: 'yes', host: 'nobody' },
        members: [
          memberRecordOf(alice.xuid, start, { deviceToken: 'abcd' }),
          memberRecordOf(carol.xuid, start),
        ],
      }),
    );
    env.store.putHandle(handleRecord({ type: 'invite', invitedXuid: '2', sessionRef: ref }));
    const found = jsonBody<{ results: { relatedInfo: Record<string, unknown> }[] }>(
      await query(bob, { type: 'invite' }, ['relatedinfo']),
    );
    expect(found.results[0]?.relatedInfo).toEqual({
      visibility: 'visible',
      joinRestriction: 'none',
      closed: false,
      maxMembersCount: 5,
      membersCount: 2,
      postedTime: '2026-03-01T10:00:00.000Z',
    });
    putRecord(
      sessionRecordOf(ref, {
        propertiesSystem: { host: 7 },
        members: [memberRecordOf(alice.xuid, start)],
      }),
    );
    const again = jsonBody<{ results: { relatedInfo: Record<string, unknown> }[] }>(
      await query(bob, { type: 'invite' }, ['relatedinfo']),
    );
    expect(Object.keys(again.results[0]?.relatedInfo ?? {})).not.toContain('hostGamertag');
  });
});

describe('getSessionByHandle', () => {
  it("answers the handle's session (200), and to an invitee a private one", async () => {
    await joinSession(alice, refOf('party', 'lobby'));
    const invite = await createInvite(alice, refOf('party', 'lobby'), '2');
    const read = await answer(env.service.getSessionByHandle(bob, invite));
    expect(read).toMatchObject({ kind: 'session', status: 200 });
    expect(documentOf(read)).toMatchObject({ members: { '0': { gamertag: 'P1' } } });
    expect(await answer(env.service.getSessionByHandle(carol, invite))).toMatchObject({
      kind: 'text',
      status: 403,
    });
  });

  it('answers 304 for a matching If-None-Match, 204 for a session that is gone', async () => {
    const written = await joinSession(alice, refOf('night'));
    const etag = written.kind === 'session' ? written.record.etag : '';
    const invite = await createInvite(alice, refOf('night'), '2');
    expect(await answer(env.service.getSessionByHandle(bob, invite, etag))).toEqual({
      kind: 'empty',
      status: 304,
      etag,
    });
    expect(await answer(env.service.getSessionByHandle(bob, invite, '"other"'))).toMatchObject({
      status: 200,
    });
    await env.service.leaveSession(alice, refOf('night'), {});
    expect(await answer(env.service.getSessionByHandle(bob, invite))).toEqual({
      kind: 'empty',
      status: 204,
    });
  });

  it('answers the handle errors and a bad reference', async () => {
    expect(await answer(env.service.getSessionByHandle(bob, 'nope'))).toMatchObject({
      status: 400,
    });
    expect(await answer(env.service.getSessionByHandle(bob, unknownHandle))).toMatchObject({
      status: 404,
    });
    env.store.putHandle(handleRecord({ type: 'invite', sessionRef: refOf('x', 'game', 'bad') }));
    expect(await answer(env.service.getSessionByHandle(bob, unknownHandle))).toMatchObject({
      status: 404,
      message: expect.stringContaining('service config'),
    });
  });
});

describe('putSessionByHandle', () => {
  it('joins a session by invite (200), with the access of an invite', async () => {
    await joinSession(alice, refOf('night'));
    const invite = await createInvite(alice, refOf('night'), '2');
    const joined = await answer(env.service.putSessionByHandle(bob, invite, join(bob), {}));
    expect(joined).toMatchObject({ kind: 'session', status: 200 });
    expect(storedSession(refOf('night'))?.members.map((m) => m.xuid)).toEqual(['1', '2']);
    // A closed session refuses a join by invite with the invite's own reason.
    await joinSession(alice, refOf('closed'), {
      properties: { system: { closed: true } },
    });
    const toClosed = await createInvite(alice, refOf('closed'), '2');
    expect(await answer(env.service.putSessionByHandle(bob, toClosed, join(bob), {}))).toEqual({
      kind: 'text',
      status: 403,
      message: 'The session is closed: the invite only allows reading it, not joining.',
    });
  });

  it('answers the handle errors and a bad reference', async () => {
    expect(await answer(env.service.putSessionByHandle(bob, 'nope', join(bob), {}))).toMatchObject({
      status: 400,
    });
    env.store.putHandle(handleRecord({ type: 'invite', sessionRef: refOf('x', 'game', 'bad') }));
    expect(
      await answer(env.service.putSessionByHandle(bob, unknownHandle, join(bob), {})),
    ).toMatchObject({ status: 404, message: expect.stringContaining('service config') });
  });

  it('lets only accepted members of the origin use a transfer handle', async () => {
    await joinSession(alice, refOf('lobby'), reserving(alice, '2'));
    await joinSession(carol, refOf('match', 'lobby'));
    const transfer = jsonBody<{ id: string }>(
      await env.service.createHandle(alice, {
        version: 1,
        type: 'transfer',
        sessionRef: refOf('match', 'lobby'),
        originSessionRef: refOf('lobby'),
      }),
    ).id;
    const refused = {
      kind: 'text',
      status: 403,
      message: 'Only members of the origin session can use this transfer handle.',
    };
    expect(await answer(env.service.putSessionByHandle(bob, transfer, join(bob), {}))).toEqual(
      refused,
    );
    expect(await answer(env.service.putSessionByHandle(carol, transfer, join(carol), {}))).toEqual(
      refused,
    );
    // The private match takes Alice through the transfer.
    expect(
      await answer(env.service.putSessionByHandle(alice, transfer, join(alice), {})),
    ).toMatchObject({ kind: 'session', status: 200 });
    expect(storedSession(refOf('match', 'lobby'))?.members.map((m) => m.xuid)).toEqual(['3', '1']);
    // Once Alice left the lobby, the handle no longer takes her.
    await env.service.leaveSession(alice, refOf('lobby'), {});
    expect(await answer(env.service.putSessionByHandle(alice, transfer, join(alice), {}))).toEqual(
      refused,
    );
  });

  it('refuses a transfer handle that names no origin', async () => {
    await joinSession(carol, refOf('match'));
    env.store.putHandle(handleRecord({ type: 'transfer', sessionRef: refOf('match') }));
    expect(
      await answer(env.service.putSessionByHandle(carol, unknownHandle, join(carol), {})),
    ).toEqual({
      kind: 'text',
      status: 403,
      message: 'Only members of the origin session can use this transfer handle.',
    });
  });
});

describe('getSession', () => {
  it('answers 200 with the document, 304, 204 for none, 403 for a private session', async () => {
    const created = await joinSession(alice, refOf('party', 'lobby'));
    expect(created).toMatchObject({ kind: 'session', status: 201 });
    const etag = created.kind === 'session' ? created.record.etag : '';
    const read = await answer(
      env.service.getSession(alice, refOf('party', 'LOBBY', scid.toUpperCase())),
    );
    expect(read).toMatchObject({ kind: 'session', status: 200, record: { etag } });
    expect(read.kind === 'session' && read.document.text).toBe(
      created.kind === 'session' && created.document.text,
    );
    expect(await answer(env.service.getSession(alice, refOf('party', 'lobby'), etag))).toEqual({
      kind: 'empty',
      status: 304,
      etag,
    });
    expect(await answer(env.service.getSession(alice, refOf('none', 'lobby')))).toEqual({
      kind: 'empty',
      status: 204,
    });
    expect(await answer(env.service.getSession(bob, refOf('party', 'lobby')))).toMatchObject({
      kind: 'text',
      status: 403,
      message: expect.stringContaining('private'),
    });
    expect(await answer(env.service.getSession(bob, refOf('party', 'lobby', 'bad')))).toMatchObject(
      {
        status: 404,
      },
    );
  });

  it('applies and stores the timers before reading', async () => {
    await joinSession(alice, refOf('night'), reserving(alice, '2'));
    const before = storedSession(refOf('night'));
    expect(before?.members).toHaveLength(2);
    env.clock.time += 30_000;
    const read = await answer(env.service.getSession(alice, refOf('night')));
    expect(read.kind === 'session' && read.record.members.map((m) => m.xuid)).toEqual(['1']);
    expect(storedSession(refOf('night'))?.members.map((m) => m.xuid)).toEqual(['1']);
    expect(documentOf(read).members).not.toHaveProperty('1');
  });

  it('deletes a session whose empty timeout ran out, on read', async () => {
    await joinSession(alice, refOf('world', 'persistent'));
    await env.service.leaveSession(alice, refOf('world', 'persistent'), {});
    expect(storedSession(refOf('world', 'persistent'))).toBeDefined();
    env.clock.time += 3_600_000;
    expect(await answer(env.service.getSession(alice, refOf('world', 'persistent')))).toEqual({
      kind: 'empty',
      status: 204,
    });
    expect(storedSession(refOf('world', 'persistent'))).toBeUndefined();
  });
});

describe('putSession', () => {
  it('creates (201), updates (200), and stores each', async () => {
    const created = await answer(env.service.putSession(alice, refOf('night'), join(alice), {}));
    expect(created).toMatchObject({ kind: 'session', status: 201 });
    expect(storedSession(refOf('night'))).toBe(created.kind === 'session' && created.record);
    expect(documentOf(created)).toMatchObject({ members: { '0': { gamertag: 'P1' } } });
    const updated = await answer(
      env.service.putSession(alice, refOf('night'), { properties: { custom: { x: 1 } } }, {}),
    );
    expect(updated).toMatchObject({ kind: 'session', status: 200 });
    expect(storedSession(refOf('night'))?.propertiesCustom).toEqual({ x: 1 });
    expect(documentOf(updated)).toMatchObject({ properties: { custom: { x: 1 } } });
  });

  it('stores nothing for a write that changes nothing', async () => {
    await joinSession(alice, refOf('night'));
    const before = storedSession(refOf('night'));
    const same = await answer(env.service.putSession(alice, refOf('night'), {}, {}));
    expect(same).toMatchObject({ kind: 'session', status: 200 });
    expect(storedSession(refOf('night'))).toBe(before);
  });

  it('answers but stores nothing with nocommit', async () => {
    const created = await answer(
      env.service.putSession(alice, refOf('night'), join(alice), { noCommit: true }),
    );
    expect(created).toMatchObject({ kind: 'session', status: 201 });
    expect(storedSession(refOf('night'))).toBeUndefined();
    await joinSession(alice, refOf('night'));
    const before = storedSession(refOf('night'));
    const updated = await answer(
      env.service.putSession(
        alice,
        refOf('night'),
        { properties: { custom: { x: 1 } } },
        { noCommit: true },
      ),
    );
    expect(updated).toMatchObject({ status: 200, record: { propertiesCustom: { x: 1 } } });
    expect(storedSession(refOf('night'))).toBe(before);
    const left = await answer(
      env.service.putSession(alice, refOf('night'), { members: { me: null } }, { noCommit: true }),
    );
    expect(left).toEqual({ kind: 'empty', status: 204 });
    expect(storedSession(refOf('night'))).toBe(before);
  });

  it('stores what the timers changed even when the write itself is not stored', async () => {
    await joinSession(alice, refOf('night'), reserving(alice, '2'));
    env.clock.time += 30_000;
    await env.service.putSession(
      alice,
      refOf('night'),
      { properties: { custom: { x: 1 } } },
      {
        noCommit: true,
      },
    );
    const stored = storedSession(refOf('night'));
    expect(stored?.members.map((m) => m.xuid)).toEqual(['1']);
    expect(stored?.propertiesCustom).toEqual({});
    // A refused write keeps the timers' change as well.
    await joinSession(carol, refOf('other', 'lobby'), reserving(carol, '2'));
    env.clock.time += 30_000;
    const refused = await answer(
      env.service.putSession(
        bob,
        refOf('other', 'lobby'),
        { properties: { custom: { x: 1 } } },
        {},
      ),
    );
    expect(refused).toMatchObject({ kind: 'text', status: 403 });
    expect(storedSession(refOf('other', 'lobby'))?.members.map((m) => m.xuid)).toEqual(['3']);
  });

  it('deletes a session its timers deleted, when the write stores nothing', async () => {
    await joinSession(alice, refOf('world', 'persistent'));
    await env.service.leaveSession(alice, refOf('world', 'persistent'), {});
    env.clock.time += 3_600_000;
    const created = await answer(
      env.service.putSession(alice, refOf('world', 'persistent'), join(alice), { noCommit: true }),
    );
    // The old session is gone: the write creates a new one, which nocommit does not store.
    expect(created).toMatchObject({ kind: 'session', status: 201 });
    expect(storedSession(refOf('world', 'persistent'))).toBeUndefined();
  });

  it('creates a new session where the timers deleted the old one', async () => {
    await joinSession(alice, refOf('world', 'persistent'));
    await env.service.leaveSession(alice, refOf('world', 'persistent'), {});
    const old = storedSession(refOf('world', 'persistent'));
    env.clock.time += 3_600_000;
    const created = await answer(
      env.service.putSession(bob, refOf('world', 'persistent'), join(bob), {}),
    );
    expect(created).toMatchObject({ status: 201 });
    const stored = storedSession(refOf('world', 'persistent'));
    expect(stored?.members.map((m) => m.xuid)).toEqual(['2']);
    expect(stored?.correlationId).not.toBe(old?.correlationId);
  });

  it('keeps the stored reference of an existing session, however the request spells it', async () => {
    await joinSession(alice, refOf('Night'));
    const written = await answer(
      env.service.putSession(alice, refOf('NIGHT', 'GAME', scid.toUpperCase()), {}, {}),
    );
    expect(written).toMatchObject({ status: 200, record: { ref: { name: 'Night' } } });
  });

  it('answers 412 with the session for a failed If-Match, 412 without one for a missing session', async () => {
    const created = await joinSession(alice, refOf('night'));
    const failed = await answer(
      env.service.putSession(alice, refOf('night'), {}, { ifMatch: '"other"' }),
    );
    expect(failed).toMatchObject({
      kind: 'session',
      status: 412,
      record: { etag: created.kind === 'session' ? created.record.etag : '' },
    });
    expect(documentOf(failed)).toMatchObject({ members: { '0': { gamertag: 'P1' } } });
    expect(
      await answer(env.service.putSession(alice, refOf('none'), join(alice), { ifMatch: '"x"' })),
    ).toEqual({ kind: 'empty', status: 412 });
    expect(
      await answer(env.service.putSession(alice, refOf('night'), {}, { ifNoneMatch: '*' })),
    ).toMatchObject({ kind: 'session', status: 412 });
    expect(
      await answer(
        env.service.putSession(
          alice,
          refOf('night'),
          {},
          {
            ifMatch: created.kind === 'session' ? created.record.etag : '',
          },
        ),
      ),
    ).toMatchObject({ kind: 'session', status: 200 });
  });

  it('refuses an invalid body and a bad reference', async () => {
    const invalid = await answer(env.service.putSession(alice, refOf('night'), { members: 5 }, {}));
    expect(invalid).toMatchObject({ kind: 'text', status: 400 });
    expect(invalid.kind === 'text' && invalid.message).toMatch(/^The request body is invalid: /);
    expect(await answer(env.service.putSession(alice, refOf(''), join(alice), {}))).toMatchObject({
      status: 400,
    });
    expect(storedSession(refOf('night'))).toBeUndefined();
  });

  it('answers 204 for a leave of a session that does not exist', async () => {
    expect(
      await answer(env.service.putSession(alice, refOf('none'), { members: { me: null } }, {})),
    ).toEqual({ kind: 'empty', status: 204 });
    expect(storedSession(refOf('none'))).toBeUndefined();
  });

  it('logs once per caller that members.me named another XUID', async () => {
    const claim = (who: CallerIdentity, xuid: string) => ({
      members: { me: { constants: { system: { xuid, initialize: true } } } },
    });
    await env.service.putSession(alice, refOf('a'), claim(alice, '1'), {});
    expect(env.log).toEqual([]);
    await env.service.putSession(alice, refOf('b'), claim(alice, '9'), {});
    await env.service.putSession(alice, refOf('c'), claim(alice, '8'), {});
    await env.service.putSession(bob, refOf('d'), claim(bob, '7'), {});
    expect(env.log).toEqual([
      'members.me of 1 names xuid 9: accepted, and the caller 1 is recorded',
      'members.me of 2 names xuid 7: accepted, and the caller 2 is recorded',
    ]);
    // The caller is the member written, whatever members.me names.
    expect(storedSession(refOf('b'))?.members.map((m) => m.xuid)).toEqual(['1']);
  });

  it('logs no claim for a members.me that names no XUID', async () => {
    await env.service.putSession(alice, refOf('a'), { properties: { custom: { x: 1 } } }, {});
    await env.service.putSession(
      alice,
      refOf('a'),
      {
        members: {
          me: { constants: { custom: { seat: 2 } }, properties: { system: { active: true } } },
        },
      },
      {},
    );
    await env.service.putSession(alice, refOf('a'), { members: { me: { constants: {} } } }, {});
    expect(env.log).toEqual([]);
    expect(storedSession(refOf('a'))?.members.map((m) => m.xuid)).toEqual(['1']);
  });

  it('refuses a write that would grow the document beyond 512 KB (413), storing nothing', async () => {
    await joinSession(alice, refOf('night'));
    const before = storedSession(refOf('night'));
    const big = { properties: { custom: { blob: 'x'.repeat(520 * 1024) } } };
    expect(await answer(env.service.putSession(alice, refOf('night'), big, {}))).toEqual({
      kind: 'text',
      status: 413,
      message: 'The session document would grow beyond 512 KB.',
    });
    expect(storedSession(refOf('night'))).toBe(before);
  });

  it('logs the claims of at most 1000 callers', async () => {
    const claim = { members: { me: { constants: { system: { xuid: '9' } } } } };
    for (let i = 100; i < 1102; i += 1) {
      await env.service.putSession(caller(String(i)), refOf('a'), claim, { noCommit: true });
    }
    expect(env.log).toHaveLength(1000);
    expect(env.log.at(-1)).toBe(
      'members.me of 1099 names xuid 9: accepted, and the caller 1099 is recorded',
    );
  });
});

describe('leaveSession', () => {
  it('answers 204 with the new ETag when the caller leaves a session others stay in', async () => {
    await joinSession(alice, refOf('night'));
    await joinSession(bob, refOf('night'));
    const left = await answer(env.service.leaveSession(bob, refOf('night'), {}));
    const stored = storedSession(refOf('night'));
    expect(stored?.members.map((m) => m.xuid)).toEqual(['1']);
    expect(left).toEqual({ kind: 'empty', status: 204, etag: stored?.etag });
  });

  it('answers 204 without an ETag when the last member leaves and the session goes', async () => {
    await joinSession(alice, refOf('night'));
    expect(await answer(env.service.leaveSession(alice, refOf('night'), {}))).toEqual({
      kind: 'empty',
      status: 204,
    });
    expect(storedSession(refOf('night'))).toBeUndefined();
  });

  it('passes other answers on: a failed precondition, a bad reference', async () => {
    await joinSession(alice, refOf('night'));
    await joinSession(bob, refOf('night'));
    expect(
      await answer(env.service.leaveSession(bob, refOf('night'), { ifMatch: '"other"' })),
    ).toMatchObject({ kind: 'session', status: 412 });
    expect(
      await answer(env.service.leaveSession(bob, refOf('night', 'game', 'bad'), {})),
    ).toMatchObject({
      kind: 'text',
      status: 404,
    });
    expect(storedSession(refOf('night'))?.members).toHaveLength(2);
  });
});

describe('sweepIfDue', () => {
  it("deletes expired handles and applies every session's timers, at most once a minute", async () => {
    await joinSession(alice, refOf('night'), reserving(alice, '2'));
    await joinSession(alice, refOf('world', 'persistent'));
    await env.service.leaveSession(alice, refOf('world', 'persistent'), {});
    await joinSession(carol, refOf('quiet'));
    const quiet = storedSession(refOf('quiet'));
    const early = await createInvite(alice, refOf('night'), '2');
    env.clock.time += 1;
    const late = await createInvite(alice, refOf('night'), '2');

    expect(env.service.sweepDue()).toBe(true);
    await env.service.sweepIfDue();
    expect(env.service.sweepDue()).toBe(false);
    expect(env.service.sweepDue(env.clock.time + sweepIntervalMs - 1)).toBe(false);
    expect(env.service.sweepDue(env.clock.time + sweepIntervalMs)).toBe(true);

    env.clock.time = start + lifetimeMs;
    await env.service.sweepIfDue();
    expect(env.store.getHandle(early)).toBeUndefined();
    expect(env.store.getHandle(late)).toBeDefined();
    expect(storedSession(refOf('night'))?.members.map((m) => m.xuid)).toEqual(['1']);
    expect(storedSession(refOf('world', 'persistent'))).toBeUndefined();
    expect(storedSession(refOf('quiet'))).toBe(quiet);

    // Within the minute, nothing is swept.
    env.clock.time += 1;
    await env.service.sweepIfDue();
    expect(env.store.getHandle(late)).toBeDefined();
    env.clock.time = start + lifetimeMs + sweepIntervalMs;
    await env.service.sweepIfDue();
    expect(env.store.getHandle(late)).toBeUndefined();
  });

  it('forgets the rendering of the sessions it deleted, keeping the others', async () => {
    await joinSession(alice, refOf('world', 'persistent'));
    await env.service.leaveSession(alice, refOf('world', 'persistent'), {});
    await joinSession(alice, refOf('night'));
    await env.service.getSession(alice, refOf('world', 'persistent'));
    expect(env.service.renderedSessions).toBe(2);
    env.clock.time += 3_600_000;
    await env.service.sweepIfDue();
    expect(env.service.renderedSessions).toBe(1);
  });

  it('forgets the rendering of a session gone on read and on a leave that deletes it', async () => {
    await joinSession(alice, refOf('world', 'persistent'));
    await env.service.leaveSession(alice, refOf('world', 'persistent'), {});
    await env.service.getSession(alice, refOf('world', 'persistent'));
    await joinSession(alice, refOf('night'));
    expect(env.service.renderedSessions).toBe(2);
    env.clock.time += 3_600_000;
    await env.service.getSession(alice, refOf('world', 'persistent'));
    expect(env.service.renderedSessions).toBe(1);
    await env.service.leaveSession(alice, refOf('night'), {});
    expect(env.service.renderedSessions).toBe(0);
  });
});

/**
 * The in-memory store, recording what each update decided (`keep`, `store` or `delete`, and the
 * session's name): the service must hand a store exactly the writes a shared store would make.
 */
class RecordingStore extends MemorySessionStore {
  readonly actions: string[] = [];
  readonly handleReads: string[] = [];
  readonly queries: HandleQuery[] = [];
  override getHandle(id: string): HandleRecord | undefined {
    this.handleReads.push(id);
    return super.getHandle(id);
  }
  override queryHandles(query: HandleQuery, limit: number): HandleRecord[] {
    this.queries.push(query);
    return super.queryHandles(query, limit);
  }
  override update<T>(key: string, mutate: (current: SessionRecord | undefined) => Mutation<T>): T {
    return super.update(key, (current) => {
      const mutation = mutate(current);
      this.actions.push(`${mutation.action} ${key.split('~')[2]}`);
      return mutation;
    });
  }
}

/** A store that names the due sessions itself, as the PostgreSQL store does. */
class IndexedStore extends RecordingStore {
  due: string[] = [];
  readonly asked: number[] = [];
  dueSessionKeys(now: number): Promise<string[]> {
    this.asked.push(now);
    return Promise.resolve(this.due);
  }
  existingSessionKeys(keys: readonly string[]): Promise<string[]> {
    const stored = new Set(this.listSessionKeys());
    return Promise.resolve(keys.filter((key) => stored.has(key)));
  }
}

describe('what the service asks the store to write', () => {
  it('reads store nothing, unless the timers changed the session', async () => {
    const store = new RecordingStore();
    env = fixture({ store });
    await joinSession(alice, refOf('night'), reserving(alice, '2'));
    store.actions.length = 0;
    await env.service.getSession(alice, refOf('night'));
    await env.service.getSession(alice, refOf('none'));
    expect(store.actions).toEqual(['keep night', 'keep none']);
    env.clock.time += 30_000;
    await env.service.getSession(alice, refOf('night'));
    await env.service.getSession(alice, refOf('night'));
    expect(store.actions.slice(2)).toEqual(['store night', 'keep night']);
  });

  it('a sweep keeps, stores and deletes as the timers decided', async () => {
    const store = new IndexedStore();
    env = fixture({ store });
    await joinSession(alice, refOf('quiet'));
    await joinSession(alice, refOf('night'), reserving(alice, '2'));
    await joinSession(alice, refOf('world', 'persistent'));
    await env.service.leaveSession(alice, refOf('world', 'persistent'), {});
    store.due = ['quiet', 'night', 'world', 'gone'].map((name) =>
      sessionKey(refOf(name, name === 'world' ? 'persistent' : 'game')),
    );
    store.actions.length = 0;
    env.clock.time += 3_600_000;
    await env.service.sweepIfDue();
    expect(store.actions).toEqual(['keep quiet', 'store night', 'delete world', 'keep gone']);
  });

  it('keeps the rendering of the sessions a sweep or a read kept', async () => {
    await joinSession(alice, refOf('night'), reserving(alice, '2'));
    await joinSession(alice, refOf('quiet'));
    expect(env.service.renderedSessions).toBe(2);
    await createInvite(alice, refOf('quiet'), '2');
    expect(env.service.renderedSessions).toBe(2);
    env.clock.time += 30_000;
    await env.service.sweepIfDue();
    expect(storedSession(refOf('night'))?.members).toHaveLength(1);
    expect(env.service.renderedSessions).toBe(2);
  });

  it('a write stores what it changed, and otherwise only what the timers changed', async () => {
    const store = new RecordingStore();
    env = fixture({ store });
    const put = (
      who: CallerIdentity,
      name: string,
      body: unknown,
      options = {},
      template = 'game',
    ) => answer(env.service.putSession(who, refOf(name, template), body, options));
    await put(alice, 'night', reserving(alice, '2'));
    await put(alice, 'night', {});
    await put(alice, 'night', { properties: { custom: { x: 1 } } }, { noCommit: true });
    await put(alice, 'night', {}, { ifMatch: '"other"' });
    await put(alice, 'none', { members: { me: null } });
    await put(alice, 'none', join(alice), { ifMatch: '"x"' });
    await put(alice, 'private', join(alice), {}, 'lobby');
    expect((await put(bob, 'private', join(bob), {}, 'lobby')).status).toBe(403);
    expect(store.actions).toEqual([
      'store night',
      'keep night',
      'keep night',
      'keep night',
      'keep none',
      'keep none',
      'store private',
      'keep private',
    ]);
    store.actions.length = 0;
    env.clock.time += 30_000;
    await put(alice, 'night', {}, { noCommit: true });
    await put(alice, 'night', { members: { me: null } });
    expect(store.actions).toEqual(['store night', 'delete night']);
  });

  it('a write the timers deleted the session before stores nothing but the deletion', async () => {
    const store = new RecordingStore();
    env = fixture({ store });
    await joinSession(alice, refOf('world', 'persistent'));
    await env.service.leaveSession(alice, refOf('world', 'persistent'), {});
    store.actions.length = 0;
    env.clock.time += 3_600_000;
    await env.service.putSession(bob, refOf('world', 'persistent'), join(bob), { noCommit: true });
    expect(store.actions).toEqual(['delete world']);
  });

  it('never asks the store for a handle id that is no GUID', async () => {
    const store = new RecordingStore();
    env = fixture({ store });
    expect(await env.service.handleScid('nope')).toBeUndefined();
    expect(await env.service.getHandle(alice, 'nope')).toMatchObject({ status: 400 });
    expect(store.handleReads).toEqual([]);
    await env.service.handleScid(unknownHandle.toUpperCase());
    expect(store.handleReads).toEqual([unknownHandle]);
  });

  it('asks the store for the invites of the caller, or the activities of the owners named', async () => {
    const store = new RecordingStore();
    env = fixture({ store });
    await env.service.queryHandles(bob, { type: 'invite', scid }, new Set());
    await env.service.queryHandles(
      bob,
      { type: 'activity', owners: { xuids: ['1', '3'] } },
      new Set(),
    );
    expect(store.queries).toEqual([
      { type: 'invite', invitedXuid: '2', scid },
      { type: 'activity', ownerXuids: ['1', '3'], scid: undefined },
    ]);
  });

  it('logs nowhere when no log is given', async () => {
    env = fixture({ log: undefined });
    expect(env.service.resolveRef(refOf('n', 'adoptme'))).toMatchObject({ ok: true });
    await joinSession(alice, refOf('night'));
    const invite = await createInvite(alice, refOf('night'), '2');
    expect(await env.service.deleteHandle(bob, invite)).toEqual({ kind: 'empty', status: 204 });
  });
});

describe('sweepIfDue with a store that indexes timers', () => {
  it('applies the timers of the due sessions only', async () => {
    const store = new IndexedStore();
    env = fixture({ store });
    const reserve = reserving(alice, '2');
    await joinSession(alice, refOf('due'), reserve);
    await joinSession(alice, refOf('later'), reserve);
    // A key the store lists but no longer holds is skipped.
    store.due = [sessionKey(refOf('gone')), sessionKey(refOf('due'))];
    env.clock.time += 30_000;
    await env.service.sweepIfDue();
    expect(store.asked).toEqual([env.clock.time]);
    expect(storedSession(refOf('due'))?.members).toHaveLength(1);
    expect(storedSession(refOf('later'))?.members).toHaveLength(2);
  });

  it('forgets the renderings of sessions another process deleted', async () => {
    const store = new IndexedStore();
    env = fixture({ store });
    await joinSession(alice, refOf('kept'));
    await joinSession(alice, refOf('elsewhere'));
    expect(env.service.renderedSessions).toBe(2);
    store.update(sessionKey(refOf('elsewhere')), () => ({ action: 'delete', result: undefined }));
    await env.service.sweepIfDue();
    expect(env.service.renderedSessions).toBe(1);
    // Its rendering was the one forgotten: the kept session still renders as before.
    expect(await answer(env.service.getSession(alice, refOf('kept')))).toMatchObject({
      status: 200,
    });
  });

  it('does not sweep again while a sweep is under way', async () => {
    const store = new IndexedStore();
    env = fixture({ store });
    const sweeping = env.service.sweepIfDue();
    expect(env.service.sweepDue(env.clock.time + 10 * sweepIntervalMs)).toBe(false);
    await env.service.sweepIfDue();
    await sweeping;
    expect(store.asked).toHaveLength(1);
    expect(env.service.sweepDue(env.clock.time + sweepIntervalMs)).toBe(true);
  });
});

describe('sweepIfDue with a store that lists every session', () => {
  it('forgets the rendering of a listed session that is gone by the time it is swept', async () => {
    /** Lists the keys it held when `snapshot` was taken, as a store read before a deletion would. */
    class SnapshotStore extends MemorySessionStore {
      snapshot: string[] | undefined;
      override listSessionKeys(): string[] {
        return this.snapshot ?? super.listSessionKeys();
      }
    }
    const store = new SnapshotStore();
    env = fixture({ store });
    await joinSession(alice, refOf('kept'));
    await joinSession(alice, refOf('elsewhere'));
    store.snapshot = store.listSessionKeys();
    store.update(sessionKey(refOf('elsewhere')), () => ({ action: 'delete', result: undefined }));
    await env.service.sweepIfDue();
    expect(env.service.renderedSessions).toBe(1);
  });

  it('sweeps past its first batch of 500 sessions, to the last one', async () => {
    for (let i = 0; i < 502; i += 1)
      await joinSession(alice, refOf(`s${i}`), reserving(alice, '2'));
    env.clock.time += 30_000;
    await env.service.sweepIfDue();
    for (const i of [0, 499, 500, 501]) {
      expect(storedSession(refOf(`s${i}`))?.members, `s${i}`).toHaveLength(1);
    }
  });

  it('forgets the renderings of sessions no longer stored', async () => {
    await joinSession(alice, refOf('kept'));
    await joinSession(alice, refOf('elsewhere'));
    expect(env.service.renderedSessions).toBe(2);
    env.store.update(sessionKey(refOf('elsewhere')), () => ({
      action: 'delete',
      result: undefined,
    }));
    await env.service.sweepIfDue();
    expect(env.service.renderedSessions).toBe(1);
  });
});
