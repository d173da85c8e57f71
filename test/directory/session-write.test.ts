/**
 * The directory's session write as the pure function it is (src/directory/session-write.ts):
 * preconditions, constants, seats, joins, leaves, reservations, properties, roles and the empty
 * timeout, each rule and refusal on its own. The HTTP suites (conditional-writes, status-codes,
 * write-permissions) prove the function is wired in; these pin every rule fast enough for mutation
 * testing (docs/quality.md).
 */
import { describe, expect, it } from 'vitest';
import type { CallerIdentity } from '../../src/directory/dev-tokens';
import type { SessionAccess } from '../../src/directory/session-access';
import type {
  MemberRecord,
  RoleTypeDefinitions,
  SessionRecord,
} from '../../src/directory/session-record';
import type { SessionTemplate } from '../../src/directory/session-templates';
import type { SessionDelta } from '../../src/directory/request-schemas';
import {
  etagMatches,
  writeSession,
  type WriteOutcome,
  type WriteRequest,
} from '../../src/directory/session-write';
import { memberRecordOf, sessionRecordOf } from './session-record-fixture';

const direct: SessionAccess = { via: 'direct' };
const now = 5_000_000;
const ref = { scid: 'scid', templateName: 'party', name: 'night' };

function caller(xuid: string, extra: Partial<CallerIdentity> = {}): CallerIdentity {
  return {
    xuid,
    gamertag: `P${xuid}`,
    titleId: `title-${xuid}`,
    deviceId: `device-${xuid}`,
    deviceToken: `token-${xuid}`,
    follows: [],
    ...extra,
  };
}

const roleTypes: RoleTypeDefinitions = {
  lfg: {
    ownerManaged: true,
    mutableRoleSettings: ['max', 'target'],
    roles: { confirmed: { max: 1 }, pending: {} },
  },
  team: { ownerManaged: false, mutableRoleSettings: ['max'], roles: { red: { max: 1 } } },
};

function template(extra: Partial<SessionTemplate> = {}): SessionTemplate {
  return {
    name: 'party',
    description: '',
    contractVersion: 107,
    fixedSystem: {},
    fixedCustom: {},
    defaultSystem: { visibility: 'open', maxMembersCount: 4, sessionEmptyTimeout: 0 },
    ...extra,
  };
}

function request(delta: SessionDelta, extra: Partial<WriteRequest> = {}): WriteRequest {
  return {
    caller: caller('1'),
    ref,
    template: template(),
    delta,
    access: direct,
    now,
    documentBytes: () => 100,
    ...extra,
  };
}

function member(xuid: string, extra: Partial<MemberRecord> = {}): MemberRecord {
  return memberRecordOf(xuid, 0, { activeTitleId: `title-${xuid}`, ...extra });
}

/** An open session of 4 seats with member 1 in it. */
function session(extra: Partial<SessionRecord> = {}): SessionRecord {
  return sessionRecordOf(ref, {
    startTime: '2026-01-01T00:00:00.000Z',
    changeNumber: 3,
    etag: '"e3"',
    constantsSystem: { visibility: 'open', maxMembersCount: 4, sessionEmptyTimeout: 0 },
    members: [member('1')],
    nextIndex: 2,
    formerXuids: ['1'],
    ...extra,
  });
}

const join: SessionDelta = { members: { me: { properties: { system: { active: true } } } } };
const leave: SessionDelta = { members: { me: null } };

function written(outcome: WriteOutcome): SessionRecord {
  if (outcome.kind !== 'created' && outcome.kind !== 'updated') {
    throw new Error(`expected a written session, got ${JSON.stringify(outcome)}`);
  }
  return outcome.record;
}

const rejected = (status: number, message: string | RegExp) => ({
  kind: 'rejected',
  status,
  message: typeof message === 'string' ? message : expect.stringMatching(message),
});

describe('etagMatches', () => {
  it('compares tags quoted or not, weak or not, in a list, and * matches any', () => {
    expect(etagMatches('"a"', '"a"')).toBe(true);
    expect(etagMatches('a', '"a"')).toBe(true);
    expect(etagMatches('"a"', 'a')).toBe(true);
    expect(etagMatches('W/"a"', '"a"')).toBe(true);
    expect(etagMatches(' "x" ,  "a" ', '"a"')).toBe(true);
    expect(etagMatches('"a"', ' "a" ')).toBe(true);
    expect(etagMatches('"x", * ', '"a"')).toBe(true);
    expect(etagMatches('"x"', '"a"')).toBe(false);
    expect(etagMatches('"ab"', '"a"')).toBe(false);
  });

  it('strips only a leading W/ and only the outer quotes', () => {
    expect(etagMatches('"ab"', '"aW/b"')).toBe(false);
    expect(etagMatches('ab', 'a"b')).toBe(false);
    expect(etagMatches('"a"b', 'ab')).toBe(false);
    expect(etagMatches('a"b"', 'ab')).toBe(false);
    expect(etagMatches('"a"b"', 'a"b')).toBe(true);
  });
});

describe('preconditions', () => {
  it('If-None-Match: * creates a missing session and refuses an existing one', () => {
    expect(writeSession(undefined, request(join, { ifNoneMatch: '*' })).kind).toBe('created');
    const current = session();
    expect(writeSession(current, request(join, { ifNoneMatch: ' * ' }))).toEqual({
      kind: 'precondition-failed',
      record: current,
    });
  });

  it('If-None-Match with a tag refuses only the session of that tag', () => {
    const current = session();
    expect(writeSession(current, request(join, { ifNoneMatch: '"e3"' }))).toEqual({
      kind: 'precondition-failed',
      record: current,
    });
    expect(writeSession(current, request(join, { ifNoneMatch: '"e2"' })).kind).toBe('updated');
    expect(writeSession(current, request(join, { ifNoneMatch: '' })).kind).toBe('updated');
  });

  it('If-Match needs the session, and its tag unless it is *', () => {
    expect(writeSession(undefined, request(join, { ifMatch: '*' }))).toEqual({
      kind: 'precondition-failed',
    });
    expect(writeSession(undefined, request(join, { ifMatch: '"e3"' }))).toEqual({
      kind: 'precondition-failed',
    });
    const current = session();
    expect(writeSession(current, request(join, { ifMatch: '"e2"' }))).toEqual({
      kind: 'precondition-failed',
      record: current,
    });
    const starred = writeSession(current, request(join, { ifMatch: '*', caller: caller('2') }));
    expect(starred.kind).toBe('updated');
    expect(written(starred).members.map((m) => m.xuid)).toEqual(['1', '2']);
    expect(writeSession(current, request(join, { ifMatch: '"e3"' })).kind).toBe('updated');
  });

  it('answers a failed precondition with 403 instead of the session to a caller who may not read it', () => {
    const hidden = session({
      constantsSystem: { visibility: 'private', maxMembersCount: 4, sessionEmptyTimeout: 0 },
    });
    expect(writeSession(hidden, request(join, { ifMatch: '"old"', caller: caller('7') }))).toEqual(
      rejected(403, /private/),
    );
    expect(writeSession(hidden, request(join, { ifMatch: '"old"' }))).toEqual({
      kind: 'precondition-failed',
      record: hidden,
    });
  });
});

describe('creating a session', () => {
  it('builds the session from the template, the caller and the clock', () => {
    const record = written(
      writeSession(
        undefined,
        request(join, {
          template: template({ contractVersion: 105, roleTypes }),
          caller: caller('1', { follows: ['9'] }),
        }),
      ),
    );
    expect(record.ref).toBe(ref);
    expect(record.contractVersion).toBe(105);
    expect(record.startTime).toBe(new Date(now).toISOString());
    expect(record.changeNumber).toBe(1);
    expect(record.branch).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.branch).not.toBe(record.correlationId);
    expect(record.etag).toMatch(/^".+"$/);
    expect(record.propertiesSystem).toEqual({});
    expect(record.propertiesCustom).toEqual({});
    expect(record.constantsCustom).toEqual({});
    expect(record.roleTypes).toBe(roleTypes);
    expect(record.nextIndex).toBe(1);
    expect(record.formerXuids).toEqual(['1']);
    expect(record.emptySince).toBeUndefined();
    expect(record.members).toEqual([
      {
        index: 0,
        xuid: '1',
        gamertag: 'P1',
        constantsSystem: {},
        constantsCustom: {},
        propertiesSystem: { active: true },
        propertiesCustom: {},
        roles: undefined,
        reserved: false,
        joinTime: new Date(now).toISOString(),
        activeTitleId: 'title-1',
        deviceToken: undefined,
        deviceId: 'device-1',
        follows: ['9'],
        statusSince: now,
      },
    ]);
  });

  it('layers the template defaults under the asked constants under the fixed ones', () => {
    const record = written(
      writeSession(
        undefined,
        request(
          { ...join, constants: { system: { maxMembersCount: 8, visibility: 'visible' } } },
          {
            template: template({
              fixedSystem: { inviteProtocol: 'party' },
              defaultSystem: { maxMembersCount: 4, inviteProtocol: 'game', visibility: 'private' },
            }),
          },
        ),
      ),
    );
    expect(record.constantsSystem).toEqual({
      maxMembersCount: 8,
      inviteProtocol: 'party',
      visibility: 'visible',
    });
  });

  it('refuses a constant that conflicts with the template, and accepts the same value or none', () => {
    const fixed = template({ fixedSystem: { maxMembersCount: 8, visibility: 'open' } });
    expect(
      writeSession(
        undefined,
        request({ ...join, constants: { system: { maxMembersCount: 6 } } }, { template: fixed }),
      ),
    ).toEqual(
      rejected(
        409,
        'The constant maxMembersCount conflicts with session template party, which sets it to 8.',
      ),
    );
    expect(
      writeSession(
        undefined,
        request({ ...join, constants: { system: { maxMembersCount: 8 } } }, { template: fixed }),
      ).kind,
    ).toBe('created');
    const unset = written(
      writeSession(
        undefined,
        request(
          { ...join, constants: { system: { maxMembersCount: undefined } } },
          { template: fixed },
        ),
      ),
    );
    expect(unset.constantsSystem.maxMembersCount).toBe(8);
  });

  it('refuses large sessions and more than 100 seats, and allows 100', () => {
    const create = (system: Record<string, unknown>) =>
      writeSession(undefined, request({ ...join, constants: { system } }));
    expect(create({ capabilities: { large: true } })).toEqual(
      rejected(400, /^Large sessions \(capabilities\.large\) are not emulated/),
    );
    expect(create({ capabilities: { large: false } }).kind).toBe('created');
    expect(create({ maxMembersCount: 101 })).toEqual(
      rejected(400, /^maxMembersCount above 100 needs the "large" capability/),
    );
    expect(create({ maxMembersCount: 100 }).kind).toBe('created');
  });

  it('needs the creator among the initiators when there are any', () => {
    const create = (initiators: string[]) =>
      writeSession(undefined, request({ ...join, constants: { system: { initiators } } }));
    expect(create(['2'])).toEqual(
      rejected(400, 'constants.system.initiators must include the creating user.'),
    );
    expect(create(['2', '1']).kind).toBe('created');
    expect(create([]).kind).toBe('created');
  });

  it('keeps the asked custom constants as they are when the template fixes none', () => {
    const record = written(
      writeSession(undefined, request({ ...join, constants: { custom: ['any', 1] } })),
    );
    expect(record.constantsCustom).toEqual(['any', 1]);
  });

  it('merges the template fixed custom constants, refusing a conflict or a non-object', () => {
    const fixed = template({ fixedCustom: { mode: 'duel' } });
    const create = (custom: unknown) =>
      writeSession(undefined, request({ ...join, constants: { custom } }, { template: fixed }));
    expect(written(create({ map: 'dam' })).constantsCustom).toEqual({ map: 'dam', mode: 'duel' });
    expect(written(create({ mode: 'duel' })).constantsCustom).toEqual({ mode: 'duel' });
    expect(written(create(undefined)).constantsCustom).toEqual({ mode: 'duel' });
    expect(written(create({ mode: undefined })).constantsCustom).toEqual({ mode: 'duel' });
    expect(create({ mode: 'brawl' })).toEqual(
      rejected(409, 'The custom constant mode conflicts with session template party.'),
    );
    for (const custom of [['duel'], 'duel']) {
      expect(create(custom)).toEqual(
        rejected(409, 'constants.custom conflicts with session template party.'),
      );
    }
  });

  it('lets the creator take the first seat whatever restriction the session sets', () => {
    const record = written(
      writeSession(
        undefined,
        request({
          ...join,
          constants: { system: { capabilities: { userAuthorizationStyle: true } } },
        }),
      ),
    );
    expect(record.members.map((m) => m.xuid)).toEqual(['1']);
  });

  it('lets the creator write a session that is not open', () => {
    for (const visibility of ['private', 'visible'] as const) {
      const record = written(
        writeSession(
          undefined,
          request({
            ...join,
            properties: { custom: { a: 1 } },
            constants: { system: { visibility } },
          }),
        ),
      );
      expect(record.members.map((m) => m.xuid)).toEqual(['1']);
      expect(record.propertiesCustom).toEqual({ a: 1 });
    }
  });

  it('stores nothing for a create without members when empty sessions are not kept', () => {
    expect(writeSession(undefined, request({ properties: { custom: { a: 1 } } }))).toEqual({
      kind: 'not-created',
    });
    expect(writeSession(undefined, request(leave))).toEqual({ kind: 'not-created' });
  });

  it('keeps an empty new session when the template keeps empty sessions, but never for a leave', () => {
    const keeping = template({
      defaultSystem: { visibility: 'open', maxMembersCount: 4, sessionEmptyTimeout: 60_000 },
    });
    const record = written(
      writeSession(undefined, request({ properties: { custom: { a: 1 } } }, { template: keeping })),
    );
    expect(record.members).toEqual([]);
    expect(record.emptySince).toBe(now);
    expect(record.propertiesCustom).toEqual({ a: 1 });
    expect(writeSession(undefined, request(leave, { template: keeping }))).toEqual({
      kind: 'not-created',
    });
    const nulled = template({
      defaultSystem: { visibility: 'open', maxMembersCount: 4, sessionEmptyTimeout: null },
    });
    expect(writeSession(undefined, request({}, { template: nulled })).kind).toBe('created');
  });

  it('refuses a session document above 512 KB, and accepts one of exactly 512 KB', () => {
    expect(writeSession(undefined, request(join, { documentBytes: () => 512 * 1024 + 1 }))).toEqual(
      rejected(413, 'The session document would grow beyond 512 KB.'),
    );
    let measured: SessionRecord | undefined;
    const outcome = writeSession(
      undefined,
      request(join, {
        documentBytes: (record) => {
          measured = record;
          return 512 * 1024;
        },
      }),
    );
    expect(outcome.kind).toBe('created');
    expect(measured).toBe(written(outcome));
  });
});

describe('constants of an existing session', () => {
  it('accepts the same constants again and refuses a change', () => {
    const current = session({ constantsCustom: { map: 'dam' } });
    const same = writeSession(
      current,
      request({
        constants: {
          system: { maxMembersCount: 4, visibility: undefined },
          custom: { map: 'dam' },
        },
      }),
    );
    expect(same).toEqual({ kind: 'updated', record: current, changed: false });
    expect(
      writeSession(current, request({ constants: { system: { maxMembersCount: 5 } } })),
    ).toEqual(rejected(409, 'The constant maxMembersCount cannot change once the session exists.'));
    expect(writeSession(current, request({ constants: { custom: { map: 'pit' } } }))).toEqual(
      rejected(409, 'constants.custom cannot change once the session exists.'),
    );
  });
});

describe('joining', () => {
  it('seats a new member at the next index with the constants it may set', () => {
    const outcome = writeSession(
      session({ nextIndex: 5 }),
      request(
        {
          members: {
            me: {
              constants: {
                system: {
                  xuid: '2',
                  index: 9,
                  initialize: true,
                  team: 'red',
                  matchmakingResult: { score: 1 },
                },
                custom: { skin: 3 },
              },
              properties: { system: { active: true }, custom: { level: 2 } },
            },
          },
        },
        { caller: caller('2') },
      ),
    );
    expect(outcome).toMatchObject({ kind: 'updated', changed: true });
    const record = written(outcome);
    expect(record.nextIndex).toBe(6);
    expect(record.changeNumber).toBe(4);
    expect(record.etag).not.toBe('"e3"');
    expect(record.formerXuids).toEqual(['1', '2']);
    const joined = record.members[1];
    expect(joined).toMatchObject({
      index: 5,
      xuid: '2',
      gamertag: 'P2',
      constantsSystem: { initialize: true, team: 'red', matchmakingResult: { score: 1 } },
      constantsCustom: { skin: 3 },
      propertiesSystem: { active: true },
      propertiesCustom: { level: 2 },
      reserved: false,
      activeTitleId: 'title-2',
      statusSince: now,
    });
    expect(Object.keys(joined?.constantsSystem ?? {})).toEqual([
      'initialize',
      'team',
      'matchmakingResult',
    ]);
  });

  it.each([
    ['no constants', undefined, {}],
    ['initialize only', { initialize: true }, { initialize: true }],
    ['initialize: false', { initialize: false }, { initialize: false }],
    ['a team', { team: 'red' }, { team: 'red' }],
    [
      'a matchmaking result',
      { matchmakingResult: { score: 1 } },
      { matchmakingResult: { score: 1 } },
    ],
    [
      'initialize and a team',
      { initialize: true, team: 'blue' },
      { initialize: true, team: 'blue' },
    ],
  ])('keeps exactly the constants a member joins with: %s', (_, system, kept) => {
    const joining: SessionDelta = {
      members: { me: system === undefined ? {} : { constants: { system } } },
    };
    const record = written(writeSession(session(), request(joining, { caller: caller('2') })));
    expect(record.members[1]?.constantsSystem).toStrictEqual(kept);
  });

  it('keeps one shared object for the usual constants, {} and initialize: true', () => {
    const joinWith = (record: SessionRecord, xuid: string, delta: SessionDelta) =>
      written(writeSession(record, request(delta, { caller: caller(xuid) })));
    const initializing: SessionDelta = {
      members: { me: { constants: { system: { initialize: true } } } },
    };
    const roomy = session({
      constantsSystem: { visibility: 'open', maxMembersCount: 8, sessionEmptyTimeout: 0 },
    });
    let record = joinWith(roomy, '2', { members: { me: {} } });
    record = joinWith(record, '3', { members: { me: {} } });
    record = joinWith(record, '4', initializing);
    record = joinWith(record, '5', initializing);
    const [, second, third, fourth, fifth] = record.members;
    expect(third?.constantsSystem).toBe(second?.constantsSystem);
    expect(fifth?.constantsSystem).toBe(fourth?.constantsSystem);
    expect(Object.isFrozen(fourth?.constantsSystem)).toBe(true);
  });

  it('gives a member who joins without constants empty ones', () => {
    const record = written(
      writeSession(session(), request({ members: { me: {} } }, { caller: caller('2') })),
    );
    expect(record.members[1]).toMatchObject({
      constantsSystem: {},
      constantsCustom: {},
      propertiesSystem: {},
      propertiesCustom: {},
    });
    expect(record.members[1]?.activeTitleId).toBeUndefined();
  });

  it('counts seats: the last free one is taken, then the session is full', () => {
    const two = session({
      constantsSystem: { visibility: 'open', maxMembersCount: 2, sessionEmptyTimeout: 0 },
    });
    const record = written(writeSession(two, request(join, { caller: caller('2') })));
    expect(record.members).toHaveLength(2);
    expect(writeSession(record, request(join, { caller: caller('3') }))).toEqual(
      rejected(403, 'The session is full: all 2 of its 2 seats are taken.'),
    );
  });

  it('applies the join rules to an outsider, and a transfer handle passes them', () => {
    const closed = session({ propertiesSystem: { closed: true } });
    expect(writeSession(closed, request(join, { caller: caller('2') }))).toEqual(
      rejected(403, 'The session is closed to new members.'),
    );
    expect(
      writeSession(closed, request(join, { caller: caller('2'), access: { via: 'transfer' } }))
        .kind,
    ).toBe('updated');
  });

  it('refuses an outsider any write to a session that is not open', () => {
    const visible = session({
      constantsSystem: { visibility: 'visible', maxMembersCount: 4, sessionEmptyTimeout: 0 },
    });
    expect(writeSession(visible, request(join, { caller: caller('2') }))).toEqual(
      rejected(403, /^The session is visible but not open/),
    );
    expect(
      writeSession(visible, request({ properties: { custom: { a: 1 } } }, { caller: caller('2') })),
    ).toEqual(rejected(403, /^The session is visible but not open/));
    expect(
      writeSession(visible, request({ members: { me: null } }, { caller: caller('2') })),
    ).toEqual({ kind: 'updated', record: visible, changed: false });
    expect(
      writeSession(
        visible,
        request({ members: { ...join.members, reserve_0: null } }, { caller: caller('2') }),
      ),
    ).toEqual(rejected(403, /^The session is visible but not open/));
    expect(writeSession(visible, request({ properties: { custom: { a: 1 } } })).kind).toBe(
      'updated',
    );
  });

  it('lets an outsider change the properties of an open session it may read, not one it may not', () => {
    const record = written(
      writeSession(
        session(),
        request({ properties: { custom: { a: 1 } } }, { caller: caller('2') }),
      ),
    );
    expect(record.propertiesCustom).toEqual({ a: 1 });
    const local = session({ propertiesSystem: { readRestriction: 'local' } });
    expect(
      writeSession(local, request({ properties: { custom: { a: 1 } } }, { caller: caller('2') })),
    ).toEqual(rejected(403, /^The read restriction is not met/));
    expect(writeSession(local, request({}, { caller: caller('2') }))).toEqual(
      rejected(403, /^The read restriction is not met/),
    );
  });

  it('accepts a reserved member in the seat reserved for it', () => {
    const reserved = session({
      members: [
        member('1'),
        member('2', {
          index: 7,
          gamertag: '',
          propertiesSystem: {},
          reserved: true,
          activeTitleId: undefined,
          constantsSystem: { team: 'red' },
          statusSince: 10,
        }),
      ],
      formerXuids: ['1'],
      constantsSystem: { visibility: 'open', maxMembersCount: 2, sessionEmptyTimeout: 0 },
      propertiesSystem: { closed: true },
    });
    const record = written(
      writeSession(reserved, request(join, { caller: caller('2', { follows: ['1'] }) })),
    );
    expect(record.nextIndex).toBe(2);
    expect(record.formerXuids).toEqual(['1', '2']);
    expect(record.members[1]).toMatchObject({
      index: 7,
      xuid: '2',
      gamertag: 'P2',
      reserved: false,
      joinTime: new Date(now).toISOString(),
      deviceId: 'device-2',
      follows: ['1'],
      statusSince: now,
      constantsSystem: { team: 'red' },
      propertiesSystem: { active: true },
    });
    const quiet = written(
      writeSession(reserved, request({ members: { me: {} } }, { caller: caller('2') })),
    );
    expect(quiet.members[1]).toMatchObject({ reserved: false, gamertag: 'P2', statusSince: now });
    expect(quiet.changeNumber).toBe(4);
  });

  it('changes an existing member in its place and does not list it twice among former members', () => {
    const current = session({
      members: [member('1'), member('2')],
      nextIndex: 3,
      formerXuids: ['1', '2'],
    });
    const record = written(
      writeSession(current, request({ members: { me: { properties: { custom: { x: 1 } } } } })),
    );
    expect(record.members.map((m) => [m.xuid, m.propertiesCustom])).toEqual([
      ['1', { x: 1 }],
      ['2', {}],
    ]);
    expect(record.formerXuids).toEqual(['1', '2']);
    expect(record.nextIndex).toBe(3);
  });

  it('answers a write that changes nothing with the stored session', () => {
    const current = session();
    expect(writeSession(current, request(join))).toEqual({
      kind: 'updated',
      record: current,
      changed: false,
    });
    expect(writeSession(current, request({}))).toEqual({
      kind: 'updated',
      record: current,
      changed: false,
    });
  });

  it('refuses member references other than me and reserve_N, own keys only', () => {
    expect(writeSession(session(), request({ members: { '1': {} } }))).toEqual(
      rejected(
        403,
        "The request body can't contain existing member references unless the authentication principal includes a server.",
      ),
    );
    const inherited = Object.create({ '1': {} }) as Record<string, unknown>;
    inherited.me = { properties: { custom: { x: 1 } } };
    const outcome = writeSession(
      session(),
      request({ members: inherited as SessionDelta['members'] }),
    );
    expect(written(outcome).members[0]?.propertiesCustom).toEqual({ x: 1 });
  });
});

describe('member properties', () => {
  const update = (
    current: MemberRecord,
    system: Record<string, unknown> | undefined,
    who: CallerIdentity = caller('1'),
  ) =>
    writeSession(
      session({ members: [current] }),
      request({ members: { me: { properties: { system } } } }, { caller: who }),
    );

  it('refuses a member both active and ready', () => {
    expect(update(member('1'), { active: true, ready: true })).toEqual(
      rejected(400, 'A member cannot be both active and ready.'),
    );
  });

  it('clears ready when the member becomes active, or leaves it absent', () => {
    const ready = member('1', { propertiesSystem: { ready: true }, statusSince: 1 });
    const active = written(update(ready, { active: true })).members[0];
    expect(active?.propertiesSystem).toEqual({ ready: false, active: true });
    expect(active?.statusSince).toBe(now);
    const plain = member('1', { propertiesSystem: {} });
    const fresh = written(update(plain, { active: true })).members[0];
    expect(fresh?.propertiesSystem).toEqual({ active: true });
    expect(
      written(update(plain, { active: true, ready: false })).members[0]?.propertiesSystem,
    ).toEqual({ active: true });
    expect(
      written(update(ready, { active: true, ready: false })).members[0]?.propertiesSystem,
    ).toEqual({ ready: false, active: true });
  });

  it('clears active when the member becomes ready, or leaves it absent', () => {
    const ready = written(update(member('1'), { ready: true })).members[0];
    expect(ready?.propertiesSystem).toEqual({ active: false, ready: true });
    expect(ready?.statusSince).toBe(now);
    const plain = member('1', { propertiesSystem: {} });
    expect(written(update(plain, { ready: true })).members[0]?.propertiesSystem).toEqual({
      ready: true,
    });
    expect(
      written(update(plain, { ready: true, active: false })).members[0]?.propertiesSystem,
    ).toEqual({ ready: true });
  });

  it('publishes the device token with a secure device address and drops it with the address', () => {
    const withAddress = written(update(member('1'), { secureDeviceAddress: 'AAAA' }));
    expect(withAddress.members[0]?.deviceToken).toBe('token-1');
    expect(withAddress.members[0]?.statusSince).toBe(0);
    const dropped = written(
      update(withAddress.members[0] as MemberRecord, { secureDeviceAddress: null }),
    );
    expect(dropped.members[0]?.deviceToken).toBeUndefined();
    expect(dropped.members[0]?.propertiesSystem).toEqual({ active: true });
  });

  it('takes the device token of the device that writes the address', () => {
    const held = member('1', {
      propertiesSystem: { active: true, secureDeviceAddress: 'AAAA' },
      deviceToken: 'token-old',
    });
    const moved = writeSession(session({ members: [held] }), request({ members: { me: {} } }));
    expect(written(moved).members[0]?.deviceToken).toBe('token-1');
    const same = member('1', {
      propertiesSystem: { active: true, secureDeviceAddress: 'AAAA' },
      deviceToken: 'token-1',
    });
    const current = session({ members: [same] });
    expect(writeSession(current, request({ members: { me: {} } }))).toEqual({
      kind: 'updated',
      record: current,
      changed: false,
    });
    const custom = writeSession(
      current,
      request({ members: { me: { properties: { custom: { x: 1 } } } } }),
    );
    expect(written(custom).members[0]).toMatchObject({
      deviceToken: 'token-1',
      propertiesCustom: { x: 1 },
    });
  });

  it('drops a device token left without an address, once', () => {
    const stale = member('1', { deviceToken: 'token-1' });
    expect(
      written(writeSession(session({ members: [stale] }), request({ members: { me: {} } })))
        .members[0]?.deviceToken,
    ).toBeUndefined();
  });

  it('records the title an active member plays, and only for an active member', () => {
    const elsewhere = member('1', { activeTitleId: 'title-old' });
    const moved = written(
      writeSession(session({ members: [elsewhere] }), request({ members: { me: {} } })),
    );
    expect(moved.members[0]?.activeTitleId).toBe('title-1');
    expect(moved.members[0]?.statusSince).toBe(0);
    const idle = member('1', { propertiesSystem: {}, activeTitleId: 'title-old' });
    const current = session({ members: [idle] });
    expect(writeSession(current, request({ members: { me: {} } }))).toEqual({
      kind: 'updated',
      record: current,
      changed: false,
    });
  });

  it('moves the status time when the status changes', () => {
    const inactive = written(update(member('1', { statusSince: 1 }), { active: false })).members[0];
    expect(inactive?.propertiesSystem).toEqual({ active: false });
    expect(inactive?.statusSince).toBe(now);
    const custom = written(
      writeSession(
        session({ members: [member('1', { statusSince: 1 })] }),
        request({ members: { me: { properties: { custom: { x: 1 } } } } }),
      ),
    ).members[0];
    expect(custom?.statusSince).toBe(1);
    expect(custom?.propertiesSystem).toEqual({ active: true });
  });

  it('keeps the member record when only its roles change', () => {
    const record = written(
      writeSession(
        session({ members: [member('1', { propertiesCustom: { y: 2 } })], roleTypes }),
        request({ members: { me: { roles: { team: 'red' } } } }),
      ),
    );
    expect(record.members[0]).toMatchObject({
      roles: { team: 'red' },
      propertiesSystem: { active: true },
      propertiesCustom: { y: 2 },
    });
    const without = written(
      writeSession(
        session({ members: [member('1', { roles: { team: 'red' } })], roleTypes }),
        request({ members: { me: { properties: { custom: { z: 1 } } } } }),
      ),
    );
    expect(without.members[0]?.roles).toEqual({ team: 'red' });
  });
});

describe('leaving', () => {
  it('removes the member; the last one out deletes a session whose empty timeout is 0', () => {
    const two = session({ members: [member('1'), member('2')], formerXuids: ['1', '2'] });
    const record = written(writeSession(two, request(leave, { caller: caller('2') })));
    expect(record.members.map((m) => m.xuid)).toEqual(['1']);
    expect(record.formerXuids).toEqual(['1', '2']);
    expect(record.emptySince).toBeUndefined();
    expect(writeSession(session(), request(leave))).toEqual({ kind: 'deleted' });
  });

  it('keeps an emptied session with a nonzero timeout, from when it first became empty', () => {
    const keeping = { visibility: 'open', maxMembersCount: 4, sessionEmptyTimeout: 60_000 };
    const record = written(writeSession(session({ constantsSystem: keeping }), request(leave)));
    expect(record.members).toEqual([]);
    expect(record.emptySince).toBe(now);
    const earlier = written(
      writeSession(
        session({ constantsSystem: keeping, members: [], emptySince: 42 }),
        request({ properties: { custom: { a: 1 } } }),
      ),
    );
    expect(earlier.emptySince).toBe(42);
    const refilled = written(
      writeSession(
        session({ constantsSystem: keeping, members: [], emptySince: 42 }),
        request(join),
      ),
    );
    expect(refilled.emptySince).toBeUndefined();
  });

  it('does not delete an empty session on a write that changes nothing', () => {
    const empty = session({ members: [], formerXuids: ['1'] });
    expect(writeSession(empty, request(leave))).toEqual({
      kind: 'updated',
      record: empty,
      changed: false,
    });
  });

  it('answers a leave by a player who is not in the session without changing it', () => {
    const current = session();
    expect(writeSession(current, request(leave, { caller: caller('2') }))).toEqual({
      kind: 'updated',
      record: current,
      changed: false,
    });
  });

  it('answers a member removed by a timer who leaves a private session, and refuses an outsider', () => {
    const hidden = session({
      constantsSystem: { visibility: 'private', maxMembersCount: 4, sessionEmptyTimeout: 0 },
      formerXuids: ['1', '2'],
    });
    expect(writeSession(hidden, request(leave, { caller: caller('2') }))).toEqual({
      kind: 'updated',
      record: hidden,
      changed: false,
    });
    expect(writeSession(hidden, request(leave, { caller: caller('3') }))).toEqual(
      rejected(403, /private/),
    );
    expect(writeSession(hidden, request({}, { caller: caller('2') }))).toEqual(
      rejected(403, /private/),
    );
  });

  it('gives a member leaving a session it may then no longer read the answer', () => {
    const hidden = session({
      constantsSystem: { visibility: 'private', maxMembersCount: 4, sessionEmptyTimeout: 0 },
      members: [member('1'), member('2')],
      formerXuids: ['1', '2'],
    });
    const record = written(writeSession(hidden, request(leave, { caller: caller('2') })));
    expect(record.members.map((m) => m.xuid)).toEqual(['1']);
    const invited = session({
      constantsSystem: { visibility: 'private', maxMembersCount: 4, sessionEmptyTimeout: 0 },
      members: [member('1'), member('2', { reserved: true, propertiesSystem: {} })],
      formerXuids: ['1'],
    });
    const declined = written(writeSession(invited, request(leave, { caller: caller('2') })));
    expect(declined.members.map((m) => m.xuid)).toEqual(['1']);
  });

  it('drops the host property when the host leaves', () => {
    const host = member('2', {
      propertiesSystem: { active: true, secureDeviceAddress: 'AAAA' },
      deviceToken: 'token-2',
    });
    const current = session({
      members: [member('1'), host],
      propertiesSystem: { host: 'token-2' },
    });
    const record = written(writeSession(current, request(leave, { caller: caller('2') })));
    expect(record.propertiesSystem).toEqual({});
  });
});

describe('reservations', () => {
  it('lets a member reserve seats, in the order of their numbers', () => {
    const outcome = writeSession(
      session({ nextIndex: 4, roleTypes }),
      request({
        members: {
          reserve_10: { constants: { system: { xuid: '3' } } },
          reserve_2: {
            constants: { system: { xuid: '2', initialize: false, team: 'blue' }, custom: { c: 1 } },
            roles: { team: 'red', lfg: null },
          },
        },
      }),
    );
    const record = written(outcome);
    expect(record.nextIndex).toBe(6);
    expect(record.formerXuids).toEqual(['1']);
    expect(record.members.map((m) => [m.index, m.xuid])).toEqual([
      [1, '1'],
      [4, '2'],
      [5, '3'],
    ]);
    expect(record.members[1]).toEqual({
      index: 4,
      xuid: '2',
      gamertag: '',
      constantsSystem: { initialize: false, team: 'blue' },
      constantsCustom: { c: 1 },
      propertiesSystem: {},
      propertiesCustom: {},
      roles: { team: 'red' },
      reserved: true,
      joinTime: undefined,
      activeTitleId: undefined,
      deviceToken: undefined,
      deviceId: undefined,
      follows: undefined,
      statusSince: now,
    });
    expect(record.members[2]).toMatchObject({ constantsCustom: {}, roles: undefined });
    expect(record.members[2]?.constantsSystem).toStrictEqual({});
  });

  it('keeps exactly the constants a reservation sets, initialize alone too', () => {
    const record = written(
      writeSession(
        session(),
        request({
          members: {
            reserve_0: { constants: { system: { xuid: '2', initialize: true } } },
            reserve_1: { constants: { system: { xuid: '3', team: 'red' } } },
          },
        }),
      ),
    );
    expect(record.members.map((m) => m.constantsSystem)).toStrictEqual([
      {},
      { initialize: true },
      { team: 'red' },
    ]);
  });

  it('lets a creator join and reserve in one write', () => {
    const record = written(
      writeSession(
        undefined,
        request({
          members: { ...join.members, reserve_0: { constants: { system: { xuid: '2' } } } },
        }),
      ),
    );
    expect(record.members.map((m) => [m.index, m.xuid, m.reserved])).toEqual([
      [0, '1', false],
      [1, '2', true],
    ]);
  });

  it('only lets accepted members reserve, even in an open session', () => {
    const reserve = { members: { reserve_0: { constants: { system: { xuid: '5' } } } } };
    const only = rejected(403, 'Only members of the session can reserve seats for other users.');
    expect(writeSession(session(), request(reserve, { caller: caller('2') }))).toEqual(only);
    const pending = session({
      members: [member('1'), member('2', { reserved: true, propertiesSystem: {} })],
    });
    expect(writeSession(pending, request(reserve, { caller: caller('2') }))).toEqual(only);
    const reserved = written(writeSession(pending, request(reserve)));
    expect(reserved.members.map((m) => m.xuid)).toEqual(['1', '2', '5']);
  });

  it('needs the XUID of each reservation', () => {
    const needs = rejected(400, 'A reservation (members.reserve_N) needs constants.system.xuid.');
    expect(writeSession(session(), request({ members: { reserve_0: {} } }))).toEqual(needs);
    expect(writeSession(session(), request({ members: { reserve_0: null } }))).toEqual(needs);
    expect(writeSession(session(), request({ members: { reserve_0: { constants: {} } } }))).toEqual(
      needs,
    );
  });

  it('skips a reservation for a player already in the session', () => {
    const current = session();
    expect(
      writeSession(
        current,
        request({ members: { reserve_0: { constants: { system: { xuid: '1' } } } } }),
      ),
    ).toEqual({ kind: 'updated', record: current, changed: false });
    const two = session({ members: [member('1'), member('2')] });
    expect(
      writeSession(
        two,
        request({ members: { reserve_0: { constants: { system: { xuid: '2' } } } } }),
      ),
    ).toEqual({ kind: 'updated', record: two, changed: false });
  });

  it('counts reserved seats, refusing a reservation the session has no seat for', () => {
    const two = session({
      constantsSystem: { visibility: 'open', maxMembersCount: 2, sessionEmptyTimeout: 0 },
    });
    const reserve = (xuid: string) => ({ constants: { system: { xuid } } });
    expect(
      written(writeSession(two, request({ members: { reserve_0: reserve('2') } }))).members,
    ).toHaveLength(2);
    expect(
      writeSession(two, request({ members: { reserve_0: reserve('2'), reserve_1: reserve('3') } })),
    ).toEqual(rejected(403, 'The session is full: all 2 of its 2 seats are taken.'));
  });
});

describe('session properties', () => {
  it('merges system and custom properties, null removing a key', () => {
    const current = session({
      propertiesSystem: { joinRestriction: 'followed', closed: false },
      propertiesCustom: { map: 'dam', mode: 'duel' },
    });
    const record = written(
      writeSession(
        current,
        request({
          properties: { system: { closed: true }, custom: { mode: null, round: 2 } },
        }),
      ),
    );
    expect(record.propertiesSystem).toEqual({ joinRestriction: 'followed', closed: true });
    expect(record.propertiesCustom).toEqual({ map: 'dam', round: 2 });
    expect(record.changeNumber).toBe(4);
    expect(current.propertiesCustom).toEqual({ map: 'dam', mode: 'duel' });
  });

  it('changes nothing when the properties already hold the values', () => {
    const current = session({ propertiesCustom: { map: 'dam' } });
    expect(writeSession(current, request({ properties: { custom: { map: 'dam' } } }))).toEqual({
      kind: 'updated',
      record: current,
      changed: false,
    });
  });

  it('keeps a host property naming a member device and drops one naming none', () => {
    const host = member('1', {
      propertiesSystem: { active: true, secureDeviceAddress: 'AAAA' },
      deviceToken: 'token-1',
    });
    const current = session({ members: [host] });
    const kept = written(
      writeSession(current, request({ properties: { system: { host: 'token-1' } } })),
    );
    expect(kept.propertiesSystem).toEqual({ host: 'token-1' });
    const dropped = written(
      writeSession(current, request({ properties: { system: { host: 'token-9' } } })),
    );
    expect(dropped.propertiesSystem).toEqual({});
  });
});

describe('roles', () => {
  const owned = (extra: Partial<SessionRecord> = {}) =>
    session({ roleTypes, propertiesSystem: { owners: [1] }, ...extra });
  const maxTwo = { roleTypes: { lfg: { roles: { confirmed: { max: 2 } } } } };

  it('lets an owner change an owner-managed role setting', () => {
    const record = written(writeSession(owned(), request(maxTwo)));
    expect(record.roleTypes?.lfg?.roles.confirmed).toEqual({ max: 2 });
    expect(record.roleTypes?.team).toBe(roleTypes.team);
    expect(record.changeNumber).toBe(4);
  });

  it('refuses the change to a member who is not an owner, a reserved owner seat, or no owners', () => {
    const ownerOnly = rejected(403, /^Role type lfg is owner-managed/);
    const two = owned({ members: [member('1'), member('2', { roles: { team: 'red' } })] });
    expect(writeSession(two, request(maxTwo, { caller: caller('2') }))).toEqual(ownerOnly);
    expect(writeSession(owned({ propertiesSystem: {} }), request(maxTwo))).toEqual(ownerOnly);
    expect(writeSession(owned({ propertiesSystem: { owners: 1 } }), request(maxTwo))).toEqual(
      ownerOnly,
    );
    const reservedOwner = owned({
      members: [member('1', { reserved: true, propertiesSystem: {} }), member('2')],
    });
    expect(writeSession(reservedOwner, request(maxTwo))).toEqual(ownerOnly);
  });

  it('counts an owner by its index among the owners', () => {
    const indexed = owned({
      members: [member('1', { index: 6 })],
      propertiesSystem: { owners: [6] },
    });
    expect(written(writeSession(indexed, request(maxTwo))).roleTypes?.lfg?.roles.confirmed).toEqual(
      {
        max: 2,
      },
    );
  });

  it('refuses a role beyond its max, counting every member', () => {
    const red = owned({ members: [member('1'), member('2', { roles: { team: 'red' } })] });
    expect(
      writeSession(red, request({ members: { me: { roles: { team: 'red' } } } })),
    ).toMatchObject({
      kind: 'rejected',
      status: 409,
    });
    const reservation = writeSession(
      owned(),
      request({
        members: {
          reserve_0: { constants: { system: { xuid: '2' } }, roles: { team: 'red' } },
          me: { roles: { team: 'red' } },
        },
      }),
    );
    expect(reservation).toMatchObject({ kind: 'rejected', status: 409 });
  });

  it('refuses an undeclared role type, and checks roles only when the write touches them', () => {
    expect(
      writeSession(owned(), request({ members: { me: { roles: { guild: 'x' } } } })),
    ).toMatchObject({
      kind: 'rejected',
      status: 400,
    });
    const overfull = owned({
      members: [member('1', { roles: { team: 'red' } }), member('2', { roles: { team: 'red' } })],
    });
    expect(
      written(writeSession(overfull, request({ properties: { custom: { a: 1 } } })))
        .propertiesCustom,
    ).toEqual({ a: 1 });
    const joined = written(
      writeSession(overfull, request({ members: { ...join.members } }, { caller: caller('3') })),
    );
    expect(joined.members.map((m) => m.xuid)).toEqual(['1', '2', '3']);
    expect(writeSession(overfull, request({ roleTypes: {} }))).toMatchObject({ kind: 'rejected' });
  });
});
