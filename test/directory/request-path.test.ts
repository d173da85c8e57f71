/**
 * The per-request shortcuts of the hot path: the cached document length (Content-Length and the
 * 512 KB cap count UTF-8 bytes, not characters), the renderer's reuse of unchanged parts, the sweep
 * check that skips the sweep call, the fault decision made once per injector, the depth check on
 * the body text, the Authorization shortcut, and timers that allocate nothing when nothing expires.
 * Each shortcut is checked against the slow way it replaces.
 */
import { describe, expect, it } from 'vitest';
import { DevTokenRegistry } from '../../src/directory/dev-tokens';
import { DirectoryService, sweepIntervalMs } from '../../src/directory/directory-service';
import { FaultInjector } from '../../src/directory/fault-injector';
import { MemorySessionStore } from '../../src/directory/memory-session-store';
import { maxJsonDepth } from '../../src/directory/request-body';
import { scanJsonText } from '../../src/directory/json-numbers';
import type { SessionRecord } from '../../src/directory/session-record';
import {
  SessionRenderer,
  renderSessionJson,
  sessionJsonBytes,
} from '../../src/directory/session-render';
import { loadSessionTemplates } from '../../src/directory/session-templates';
import { applyTimers } from '../../src/directory/session-timers';
import {
  call,
  expectCapAfterEightBlobs,
  expectSessionDocument,
  joinBody,
  directoryWithPlayer,
  sessionUrl,
} from './directory-test-client';
import { sessionRecordOf } from './session-record-fixture';

/** A stored session with every field set to a plain default, `fields` replacing any of them. */
const sessionOf = (fields: Partial<SessionRecord>): SessionRecord =>
  sessionRecordOf(
    { scid: '0b5f1c2a-3d4e-4f60-8a1b-2c3d4e5f6a7b', templateName: 'default', name: 'x' },
    { etag: '"e"', constantsSystem: {}, ...fields },
  );

const env = directoryWithPlayer('Bytes');

describe('document length cache', () => {
  it('sends Content-Length in UTF-8 bytes for a document with multi-byte text', async () => {
    const path = sessionUrl('multibyte');
    await call(env.url, 'PUT', path, { as: env.someone, body: joinBody(env.someone) });
    const write = await call(env.url, 'PUT', path, {
      as: env.someone,
      body: { properties: { custom: { motto: 'Grüße, 世界 🎮' } } },
    });
    expect(write.status).toBe(200);
    expect(Number(write.headers.get('content-length'))).toBe(Buffer.byteLength(write.text));
    expect(Buffer.byteLength(write.text)).toBeGreaterThan(write.text.length);
    const read = await call(env.url, 'GET', path, { as: env.someone });
    expectSessionDocument(read);
    expect(Number(read.headers.get('content-length'))).toBe(Buffer.byteLength(read.text));
    expect(read.json<{ properties: { custom: { motto: string } } }>().properties.custom.motto).toBe(
      'Grüße, 世界 🎮',
    );
  });

  it('applies the 512 KB cap to bytes, so two-byte text reaches it in half the characters', async () => {
    const path = sessionUrl('multibyte-cap');
    await call(env.url, 'PUT', path, { as: env.someone, body: joinBody(env.someone) });
    // 30 K two-byte characters: 60 KB per write, under the 64 KB body cap.
    await expectCapAfterEightBlobs(env.url, env.someone, path, 'é'.repeat(30 * 1024));
    const read = await call(env.url, 'GET', path, { as: env.someone });
    expect(Buffer.byteLength(read.text)).toBeLessThanOrEqual(512 * 1024);
    expect(Number(read.headers.get('content-length'))).toBe(Buffer.byteLength(read.text));
  });

  it('counts the length with the rendering, in UTF-8 bytes, cached or not', () => {
    const record = sessionOf({
      constantsSystem: { maxMembersCount: 4 },
      propertiesCustom: { word: 'naïve' },
    });
    expect(sessionJsonBytes(record)).toBe(Buffer.byteLength(renderSessionJson(record)));
    expect(renderSessionJson(record)).toBe(renderSessionJson(record));
    const changed = { ...record, propertiesCustom: { word: 'plain' } };
    expect(sessionJsonBytes(changed)).toBe(Buffer.byteLength(renderSessionJson(changed)));
    expect(sessionJsonBytes(changed)).toBe(sessionJsonBytes(record) - 1);
    const renderer = new SessionRenderer();
    const first = renderer.render('k', record);
    expect(renderer.render('k', record)).toBe(first);
    expect(first.bytes).toBe(Buffer.byteLength(first.text));
    // The changed properties are rendered again, not taken from the previous document.
    expect(renderer.render('k', changed)).toEqual({
      text: renderSessionJson(changed),
      bytes: sessionJsonBytes(changed),
    });
  });
});

describe('member entry cache', () => {
  const member = (index: number): SessionRecord['members'][number] => ({
    index,
    xuid: String(2533274800000000 + index),
    gamertag: `P${index}`,
    constantsSystem: {},
    constantsCustom: {},
    propertiesSystem: { active: true },
    propertiesCustom: { n: index },
    reserved: false,
    statusSince: 0,
  });
  const session = (members: SessionRecord['members'], nextIndex: number): SessionRecord =>
    sessionOf({ changeNumber: nextIndex, etag: `"${nextIndex}"`, members, nextIndex });
  // One renderer for every chain() call, so member entries are reused across the records.
  const chained = new SessionRenderer();
  const chain = (record: SessionRecord) => {
    const document = JSON.parse(chained.render('chain', record).text) as {
      members: Record<string, { next: number; properties: { custom: { n: number } } }>;
      membersInfo: { first: number; next: number; count: number };
    };
    return {
      next: Object.fromEntries(Object.entries(document.members).map(([k, m]) => [k, m.next])),
      custom: Object.values(document.members).map((m) => m.properties.custom.n),
      info: document.membersInfo,
    };
  };

  it('renders the same text from kept member entries as from fresh ones after joins and leaves', () => {
    const renderer = new SessionRenderer();
    const [a, b, c, d] = [member(0), member(1), member(2), member(3)];
    const clone = (record: SessionRecord): SessionRecord =>
      JSON.parse(JSON.stringify(record)) as SessionRecord;
    const steps = [
      session([a], 1),
      session([a, b], 2),
      session([a, b, c], 3),
      session([a, c], 3),
      session([a, c, d], 4),
      session([c, d], 4),
    ];
    for (const step of steps) {
      // The renderer reuses the entries of the members the previous step had; the clone's members
      // are new objects, so nothing of its rendering is reused.
      const kept = renderer.render('m', step);
      expect(kept.text).toBe(renderSessionJson(clone(step)));
      expect(kept.bytes).toBe(Buffer.byteLength(kept.text));
    }
    expect(chain(steps[4] as SessionRecord).next).toEqual({ 0: 2, 2: 3, 3: 4 });
  });

  it('renders a member again when its record is replaced, even at the same index', () => {
    const renderer = new SessionRenderer();
    const [a, b] = [member(0), member(1)];
    renderer.render('r', session([a, b], 2));
    const b2 = { ...b, propertiesCustom: { n: 99 } };
    const text = renderer.render('r', session([a, b2], 2)).text;
    expect(text).toBe(renderSessionJson(session([a, b2], 2)));
    expect(text).toContain('"custom":{"n":99}');
  });

  it('takes unchanged parts of a changed member from its last entry and renders the changed ones', () => {
    const renderer = new SessionRenderer();
    const clone = (record: SessionRecord): SessionRecord =>
      JSON.parse(JSON.stringify(record)) as SessionRecord;
    // Multi-byte text in every part, so a part sliced at the wrong offset or a byte count taken
    // from characters shows.
    const a = {
      ...member(0),
      gamertag: 'Zoë 🎮',
      joinTime: '2026-03-01T10:00:00.000Z',
      activeTitleId: '1717113201',
      constantsSystem: { note: 'größe' },
      propertiesCustom: { motto: '世界' },
    };
    const b = { ...member(1), deviceToken: 'tok-b', roles: { team: 'blau' } };
    const a2 = { ...a, propertiesCustom: { motto: 'neu 世界', n: 2 } };
    // Ready, not active: the rest part changes too (no more activeTitleId).
    const a3 = { ...a2, propertiesSystem: { ready: true } };
    const b2 = { ...b, roles: { team: 'rot' } };
    const a4 = { ...a3, constantsCustom: { level: 'ü' } };
    const steps = [
      session([a, b], 2),
      session([a2, b], 2),
      session([a3, b], 2),
      session([a3, b2], 2),
      session([a4, b2], 2),
      // a leaves: b becomes the first member and loses its leading comma.
      session([b2], 2),
      session([b2, a4], 2),
    ];
    for (const step of steps) {
      const kept = renderer.render('parts', step);
      expect(kept.text).toBe(renderSessionJson(clone(step)));
      expect(kept.bytes).toBe(Buffer.byteLength(kept.text));
    }
    const last = JSON.parse(renderer.render('parts', steps[4] as SessionRecord).text) as {
      members: Record<string, Record<string, unknown>>;
    };
    expect(last.members['0']?.activeTitleId).toBeUndefined();
    expect(last.members['0']?.constants).toEqual({
      system: { note: 'größe', xuid: a.xuid, index: 0 },
      custom: { level: 'ü' },
    });
    expect(last.members['1']?.roles).toEqual({ team: 'rot' });
  });

  it('renders the head again when a session under the same key is a new one', () => {
    const renderer = new SessionRenderer();
    const first = session([member(0)], 1);
    renderer.render('again', first);
    // Deleted and created again under the same key: any field of the head may differ. One field
    // at a time, so each is shown to be rendered again on its own.
    const changes: Array<Partial<SessionRecord>> = [
      { contractVersion: 105 },
      { branch: 'b-2' },
      { correlationId: 'c-2' },
      { startTime: '2026-03-02T11:00:00.000Z' },
      { changeNumber: 7 },
      { constantsSystem: { maxMembersCount: 8 } },
      { constantsCustom: { map: 'dünen' } },
      { propertiesSystem: { joinRestriction: 'followed' } },
      { propertiesCustom: { mode: 'coop' } },
    ];
    let record = first;
    for (const change of changes) {
      record = { ...record, ...change };
      const kept = renderer.render('again', record);
      expect(kept.text).toBe(renderSessionJson(record));
      expect(kept.bytes).toBe(Buffer.byteLength(kept.text));
    }
  });

  it('keeps one rendering per session and forgets deleted ones', () => {
    const renderer = new SessionRenderer();
    const a = member(0);
    for (const key of ['one', 'two', 'three']) renderer.render(key, session([a], 1));
    expect(renderer.size).toBe(3);
    renderer.forget('two');
    expect(renderer.size).toBe(2);
    renderer.retainOnly(new Set(['three']));
    expect(renderer.size).toBe(1);
  });

  it('re-renders a reused member when its neighbour changes, so next always chains', () => {
    const [a, b, c] = [member(0), member(1), member(2)];
    expect(chain(session([a, b, c], 3)).next).toEqual({ 0: 1, 1: 2, 2: 3 });
    // b left: a's next must now point at c; c keeps its bytes.
    expect(chain(session([a, c], 3))).toEqual({
      next: { 0: 2, 2: 3 },
      custom: [0, 2],
      info: { first: 0, next: 3, count: 2, accepted: 2, active: 2 },
    });
    // A new member joined after c: c's next moves on, and the old rendering stays valid.
    const d = member(3);
    expect(chain(session([a, c, d], 4)).next).toEqual({ 0: 2, 2: 3, 3: 4 });
    expect(chain(session([a, b, c], 3)).next).toEqual({ 0: 1, 1: 2, 2: 3 });
    expect(chain(session([], 4)).info).toEqual({
      first: 4,
      next: 4,
      count: 0,
      accepted: 0,
      active: 0,
    });
  });
});

describe('single-buffer rendering', () => {
  it('writes head, multi-byte member entries and membersInfo into one exactly sized document', () => {
    const base = {
      constantsSystem: {},
      constantsCustom: {},
      propertiesCustom: {},
      statusSince: 0,
    };
    const record = sessionOf({
      changeNumber: 3,
      propertiesCustom: { title: 'Größe 世界' },
      members: [
        {
          ...base,
          index: 2,
          xuid: '2533274800000002',
          gamertag: 'Zoë 🎮',
          propertiesSystem: { active: true },
          reserved: false,
        },
        {
          ...base,
          index: 5,
          xuid: '2533274800000005',
          gamertag: '',
          propertiesSystem: {},
          reserved: true,
        },
        {
          ...base,
          index: 7,
          xuid: '2533274800000007',
          gamertag: 'Ready',
          propertiesSystem: { ready: true },
          reserved: false,
        },
      ],
      nextIndex: 9,
    });
    const text = renderSessionJson(record);
    expect(sessionJsonBytes(record)).toBe(Buffer.byteLength(text));
    const document = JSON.parse(text) as {
      properties: { custom: { title: string } };
      members: Record<string, { next: number; gamertag?: string; reserved?: boolean }>;
      membersInfo: Record<string, number>;
      servers: Record<string, never>;
    };
    expect(document.properties.custom.title).toBe('Größe 世界');
    expect(document.members['2']?.gamertag).toBe('Zoë 🎮');
    expect(document.members['5']?.reserved).toBe(true);
    expect(Object.values(document.members).map((m) => m.next)).toEqual([5, 7, 9]);
    expect(document.membersInfo).toEqual({ first: 2, next: 9, count: 3, accepted: 2, active: 1 });
    expect(JSON.stringify(document.membersInfo)).toBe(
      '{"first":2,"next":9,"count":3,"accepted":2,"active":1}',
    );
    expect(document.servers).toEqual({});
    expect(text.endsWith('"servers":{}}')).toBe(true);
  });

  it('renders a session without members with membersInfo pointing at nextIndex', () => {
    const record = sessionOf({ nextIndex: 4 });
    const document = JSON.parse(renderSessionJson(record)) as {
      members: Record<string, unknown>;
      membersInfo: Record<string, number>;
    };
    expect(document.members).toEqual({});
    expect(document.membersInfo).toEqual({ first: 4, next: 4, count: 0, accepted: 0, active: 0 });
  });
});

describe('member record built once per write', () => {
  type Doc = {
    members: Record<
      string,
      {
        deviceToken?: string;
        activeTitleId?: string;
        properties: { system: Record<string, unknown> };
      }
    >;
  };
  const me = (system: Record<string, unknown>) => ({ members: { me: { properties: { system } } } });

  it('adds and drops the device token, sets the active title and keeps an unchanged member', async () => {
    const path = sessionUrl('member-once');
    const joined = await call(env.url, 'PUT', path, {
      as: env.someone,
      body: joinBody(env.someone),
    });
    expect(joined.status).toBe(201);
    const first = joined.json<Doc>().members['0'];
    expect(first?.activeTitleId).toMatch(/^[0-9]+$/);
    expect(first && 'deviceToken' in first).toBe(false);

    const withAddress = await call(env.url, 'PUT', path, {
      as: env.someone,
      body: me({ secureDeviceAddress: 'AAEC' }),
    });
    expect(withAddress.json<Doc>().members['0']?.deviceToken).toMatch(/^[0-9a-f]{32}$/);

    const same = await call(env.url, 'PUT', path, {
      as: env.someone,
      body: me({ secureDeviceAddress: 'AAEC', active: true }),
    });
    expect(same.status).toBe(200);
    expect(same.headers.get('etag')).toBe(withAddress.headers.get('etag'));

    const dropped = await call(env.url, 'PUT', path, {
      as: env.someone,
      body: me({ secureDeviceAddress: null }),
    });
    const member = dropped.json<Doc>().members['0'];
    expect(member && 'deviceToken' in member).toBe(false);
    expect(dropped.headers.get('etag')).not.toBe(withAddress.headers.get('etag'));

    const ready = await call(env.url, 'PUT', path, {
      as: env.someone,
      body: me({ ready: true }),
    });
    const readyMember = ready.json<Doc>().members['0'];
    expect(readyMember?.properties.system).toMatchObject({ ready: true, active: false });
    // activeTitleId is shown only while the member is active.
    expect(readyMember && 'activeTitleId' in readyMember).toBe(false);
  });
});

/** A service over the shipped templates with a clock the test moves, without HTTP. */
function serviceAt(tokens = new DevTokenRegistry()) {
  const templates = loadSessionTemplates();
  if (!templates.ok) throw new Error(templates.error);
  const clock = { t: 1_000_000, now: () => clock.t };
  const service = new DirectoryService({
    store: new MemorySessionStore(),
    templates: templates.value,
    tokens,
    clock,
    handleLifetimeMs: 1000,
    defaultTitleId: '1',
  });
  return { service, clock };
}

describe('sweep check', () => {
  it('is due at start, not again until the interval passed, and sweepIfDue honours it', async () => {
    const { service, clock } = serviceAt();
    expect(service.sweepDue()).toBe(true);
    await service.sweepIfDue();
    expect(service.sweepDue()).toBe(false);
    clock.t += sweepIntervalMs - 1;
    expect(service.sweepDue()).toBe(false);
    expect(service.sweepDue(clock.t + 1)).toBe(true);
    clock.t += 1;
    expect(service.sweepDue()).toBe(true);
    await service.sweepIfDue();
    expect(service.sweepDue()).toBe(false);
  });
});

describe('renderings kept by the service', () => {
  it('are dropped when a session is deleted, by its last member leaving or by the sweep', async () => {
    const tokens = new DevTokenRegistry();
    const { service, clock } = serviceAt(tokens);
    const issued = tokens.issue({ xuid: '2533274800000001', gamertag: 'Keeper', titleId: '1' });
    const verified = tokens.verify(issued.authorization);
    if (!verified.ok) throw new Error('token');
    const caller = verified.identity;
    const scid = '0b5f1c2a-3d4e-4f60-8a1b-2c3d4e5f6a7b';
    const join = {
      members: {
        me: {
          constants: { system: { xuid: caller.xuid } },
          properties: { system: { active: true } },
        },
      },
    };
    // `default` deletes a session as soon as it is empty.
    const gone = { scid, templateName: 'default', name: 'gone' };
    expect((await service.putSession(caller, gone, join, {})).kind).toBe('session');
    expect(service.renderedSessions).toBe(1);
    expect(await service.leaveSession(caller, gone, {})).toMatchObject({ status: 204 });
    expect(service.renderedSessions).toBe(0);
    // An inactive member is removed by 107's inactiveRemovalTimeout 0 before the next write even
    // runs: the session is deleted by its timers, and its rendering goes too.
    const lapsed = { scid, templateName: 'default', name: 'lapsed' };
    const inactive = { members: { me: { constants: { system: { xuid: caller.xuid } } } } };
    expect((await service.putSession(caller, lapsed, inactive, {})).kind).toBe('session');
    expect(service.renderedSessions).toBe(1);
    expect(await service.leaveSession(caller, lapsed, {})).toMatchObject({ status: 204 });
    expect(service.renderedSessions).toBe(0);
    // `persistent` keeps an empty session for an hour; the sweep after that deletes it.
    const kept = { scid, templateName: 'persistent', name: 'kept' };
    expect((await service.putSession(caller, kept, join, {})).kind).toBe('session');
    await service.leaveSession(caller, kept, {});
    expect(service.renderedSessions).toBe(1);
    clock.t += 3_600_000 + sweepIntervalMs;
    await service.sweepIfDue();
    expect(service.renderedSessions).toBe(0);
  });
});

describe('fault injector', () => {
  it('decides once whether anything is configured', () => {
    expect(new FaultInjector(undefined).enabled).toBe(false);
    expect(new FaultInjector({ seed: 3, fraction503: 0 }).enabled).toBe(false);
    expect(new FaultInjector({ latencyMs: 5 }).enabled).toBe(true);
    expect(new FaultInjector({ fractionResetAfterApply: 0.1 }).enabled).toBe(true);
    const off = new FaultInjector({ seed: 1 });
    expect(off.decide('GET', '/handles/x', 0)).toBe('none');
    expect(off.count()).toBe(0);
    const always = new FaultInjector({ fraction500: 1 });
    expect(always.decide('GET', '/handles/x', 5)).toBe('500');
    expect(always.count('500')).toBe(1);
  });
});

describe('depth check', () => {
  const nested = (levels: number, array: boolean): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i += 1) value = array ? [value] : { n: value };
    return value;
  };
  const deeper = (value: unknown, limit: number) =>
    scanJsonText(JSON.stringify(value), limit).tooDeep;

  it('allows exactly the limit and refuses one level more, for objects and arrays', () => {
    for (const array of [false, true]) {
      expect(deeper(nested(maxJsonDepth, array), maxJsonDepth)).toBe(false);
      expect(deeper(nested(maxJsonDepth + 1, array), maxJsonDepth)).toBe(true);
    }
    expect(deeper('text', 1)).toBe(false);
    expect(deeper(null, 1)).toBe(false);
    expect(deeper({ a: [1, { b: 2 }], c: { d: null } }, 3)).toBe(false);
    expect(deeper({ a: [1, { b: [] }], c: { d: null } }, 3)).toBe(true);
  });

  it('finds the deep branch among many shallow siblings', () => {
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 100; i += 1) wide[`k${i}`] = { x: [i] };
    wide.deep = nested(maxJsonDepth, false);
    expect(deeper(wide, maxJsonDepth)).toBe(true);
    expect(deeper(wide, maxJsonDepth + 1)).toBe(false);
  });

  it('does not count brackets inside strings, escaped quotes and backslashes included', () => {
    const brackets = '[{'.repeat(40);
    // Values with quotes and backslashes: their JSON text has escaped quotes and backslashes.
    for (const text of [
      brackets,
      '"' + brackets,
      '\\"' + brackets,
      '\\\\"' + brackets,
      '\\' + brackets,
    ]) {
      expect(deeper({ a: text, [text]: [text] }, 2)).toBe(false);
    }
    // After a string that ends in an escaped backslash, brackets count again.
    expect(scanJsonText('{"a":"x\\\\","b":[[[1]]]}', 3).tooDeep).toBe(true);
    expect(scanJsonText('{"a":"x\\\\","b":[[1]]}', 3).tooDeep).toBe(false);
  });
});

describe('timers without expiry', () => {
  const member = (index: number, active: boolean, statusSince: number) => ({
    index,
    xuid: String(2533274800000000 + index),
    gamertag: `P${index}`,
    constantsSystem: {},
    constantsCustom: {},
    propertiesSystem: active ? { active: true } : {},
    propertiesCustom: {},
    reserved: false,
    statusSince,
  });
  const record = (members: SessionRecord['members']): SessionRecord =>
    sessionOf({
      changeNumber: 3,
      constantsSystem: { inactiveRemovalTimeout: 1000, sessionEmptyTimeout: 0 },
      members,
      nextIndex: members.length,
    });

  it('returns the same record when nothing expired', () => {
    const session = record([member(0, true, 0), member(1, false, 500)]);
    const outcome = applyTimers(session, 1499);
    expect(outcome).toEqual({ kind: 'unchanged', record: session });
    if (outcome.kind === 'deleted') throw new Error('deleted');
    expect(outcome.record).toBe(session);
    expect(outcome.record.members).toBe(session.members);
  });

  it('removes exactly the expired members, wherever they are', () => {
    const session = record([member(0, false, 0), member(1, true, 0), member(2, false, 900)]);
    const outcome = applyTimers(session, 1000);
    expect(outcome.kind).toBe('changed');
    if (outcome.kind !== 'changed') throw new Error(outcome.kind);
    expect(outcome.record.members.map((m) => m.index)).toEqual([1, 2]);
    expect(outcome.record.changeNumber).toBe(4);
    expect(outcome.record.etag).not.toBe(session.etag);
    expect(applyTimers(session, 5000)).toMatchObject({ kind: 'changed' });
    const last = applyTimers(record([member(0, false, 0)]), 1000);
    expect(last).toEqual({ kind: 'deleted' });
  });
});

describe('Authorization check', () => {
  it('gives the same verdict with the shortcut as the header pattern, for near-misses too', () => {
    const tokens = new DevTokenRegistry();
    const issued = tokens.issue({ xuid: '2533274800000009', gamertag: 'Header', titleId: '1' });
    const other = tokens.issue({ xuid: '2533274800000010', gamertag: 'Other', titleId: '1' });
    const { userHash, token } = issued;
    const cases: Array<[string | undefined, string]> = [
      [issued.authorization, 'ok'],
      [`  ${issued.authorization}\t`, 'ok'],
      [`XBL3.0 x=${userHash};${token} `, 'ok'],
      [undefined, 'missing'],
      ['', 'missing'],
      [`XBL3.0 x=${other.userHash};${token}`, 'unknown'],
      [`XBL3.0 x=${userHash}x;${token}`, 'unknown'],
      [`XBL3.0 x=${userHash.slice(1)};${token}`, 'unknown'],
      [`XBL3.0 x=${userHash};${token}x`, 'unknown'],
      [`XBL3.0 x=${userHash};${token.slice(1)}`, 'unknown'],
      [`XBL3.0 x=${userHash};${other.token}`, 'unknown'],
      [`XBL3.0 x=;${token}`, 'malformed'],
      [`XBL3.0 x=${userHash};`, 'malformed'],
      [`XBL3.0 x=${userHash};${token} x`, 'malformed'],
      [`XBL3.0 x=${userHash} ;${token}`, 'malformed'],
      [`xbl3.0 x=${userHash};${token}`, 'malformed'],
      [`XBL3.0 x=${userHash}${token}`, 'malformed'],
      [`Bearer ${token}`, 'malformed'],
    ];
    for (const [header, verdict] of cases) {
      const result = tokens.verify(header);
      expect(result.ok ? 'ok' : result.reason, String(header)).toBe(verdict);
      if (result.ok) expect(result.identity.gamertag).toBe('Header');
    }
  });
});
