import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findMemberByXuid,
  gamertags,
  hostMember,
  isSessionFull,
  maxMembersCount,
  memberEntries,
  membersCount,
  memberStatus,
  parseHandleDocument,
  parseSessionDocument,
  sessionPath,
  type SessionDocument,
} from '../../src/shared/mpsd/session-document';

const fixtures = join(import.meta.dirname, '../fixtures/xsapi');
const load = (name: string): unknown => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));
const sessionFixtures = readdirSync(fixtures).filter(
  (name) => name.endsWith('.json') && !name.includes('handles-and-write-bodies'),
);
const bodies = load('xsapi-handles-and-write-bodies.json') as Record<string, unknown>;

function parsed(value: unknown): SessionDocument {
  const result = parseSessionDocument(value);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** A small valid session: two members on the chain 0 → 1 → 2. */
function twoMembers(): Record<string, unknown> {
  return {
    membersInfo: { first: 0, next: 2, count: 2 },
    constants: { system: { maxMembersCount: 4, visibility: 'open' } },
    properties: { system: { host: 'ABCD' } },
    members: {
      '0': {
        next: 1,
        constants: { system: { xuid: '100', index: 0 } },
        properties: { system: { active: true } },
        gamertag: 'Host',
        deviceToken: 'abcd',
      },
      '1': {
        next: 2,
        constants: { system: { xuid: '200', index: 1 } },
        reserved: true,
      },
    },
  };
}

describe('parseSessionDocument accepts the XSAPI fixtures', () => {
  it.each(sessionFixtures)('%s', (name) => {
    const result = parseSessionDocument(load(name));
    expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
  });

  it('lower-cases enum strings and keeps unknown fields', () => {
    const doc = parsed(load('xsapi-session-full.json'));
    expect(doc.constants?.system?.visibility).toBe('open');
    expect(doc.initializing?.stage).toBe('measuring');
    expect(doc.members?.['0']?.nat).toBe('strict');
    expect(doc.properties?.system?.joinRestriction).toBe('none');
    expect(doc.members?.['0']?.constants.custom).toBe('Hello');
    expect((doc as Record<string, unknown>)['roleTypes']).toBeDefined();
  });

  it('reads the large session as its lone "me" member', () => {
    const doc = parsed(load('xsapi-session-large.json'));
    expect(memberEntries(doc).map((entry) => entry.key)).toEqual(['me']);
    expect(findMemberByXuid(doc, '1234')?.key).toBe('me');
    expect(membersCount(doc)).toBe(2);
  });
});

describe('parseSessionDocument enforces XSAPI parser requirements (§5.6)', () => {
  it('accepts the baseline document', () => {
    expect(parseSessionDocument(twoMembers()).ok).toBe(true);
  });

  it('rejects a document without membersInfo', () => {
    const doc = twoMembers();
    delete doc['membersInfo'];
    const result = parseSessionDocument(doc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/^membersInfo/);
  });

  it.each(['first', 'next'])('rejects membersInfo without %s', (field) => {
    const doc = twoMembers();
    const info = { first: 0, next: 2, count: 2 } as Record<string, unknown>;
    delete info[field];
    doc['membersInfo'] = info;
    expect(parseSessionDocument(doc).ok).toBe(false);
  });

  it('rejects a chain that names a member that is missing', () => {
    const doc = twoMembers();
    delete (doc['members'] as Record<string, unknown>)['1'];
    const result = parseSessionDocument(doc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('members.1');
  });

  it('rejects a chain member without next', () => {
    const doc = twoMembers();
    delete (doc['members'] as Record<string, Record<string, unknown>>)['0']?.['next'];
    expect(parseSessionDocument(doc).ok).toBe(false);
  });

  it('rejects a chain that loops instead of reaching membersInfo.next', () => {
    const doc = twoMembers();
    (doc['members'] as Record<string, Record<string, unknown>>)['1']!['next'] = 0;
    expect(parseSessionDocument(doc).ok).toBe(false);
  });

  it('rejects a chain that overshoots membersInfo.next', () => {
    const doc = twoMembers();
    (doc['members'] as Record<string, Record<string, unknown>>)['1']!['next'] = 7;
    expect(parseSessionDocument(doc).ok).toBe(false);
  });

  it('rejects a member whose xuid is a number', () => {
    const doc = twoMembers();
    (doc['members'] as Record<string, Record<string, unknown>>)['0']!['constants'] = {
      system: { xuid: 100 },
    };
    const result = parseSessionDocument(doc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('members.0.constants.system.xuid');
  });

  it('rejects a member without constants.system', () => {
    const doc = twoMembers();
    (doc['members'] as Record<string, Record<string, unknown>>)['1']!['constants'] = {};
    expect(parseSessionDocument(doc).ok).toBe(false);
  });

  it('rejects non-integer timeouts', () => {
    const doc = twoMembers();
    doc['constants'] = { system: { reservedRemovalTimeout: 30.5 } };
    expect(parseSessionDocument(doc).ok).toBe(false);
    doc['constants'] = { system: { reservedRemovalTimeout: '30000' } };
    expect(parseSessionDocument(doc).ok).toBe(false);
    doc['constants'] = { system: { reservedRemovalTimeout: null } };
    expect(parseSessionDocument(doc).ok).toBe(true);
  });

  it('rejects member keys that are neither indices nor "me"', () => {
    const doc = twoMembers();
    (doc['members'] as Record<string, unknown>)['__proto__x'] = {
      constants: { system: { xuid: '1' } },
    };
    expect(parseSessionDocument(doc).ok).toBe(false);
  });

  it.each([null, undefined, 42, 'session', [], [twoMembers()], { members: {} }])(
    'returns a typed error, never throws, for %j',
    (value) => {
      const result = parseSessionDocument(value);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(typeof result.error.message).toBe('string');
    },
  );
});

describe('session helpers', () => {
  it('finds the caller by xuid, the host by device token, and the gamertags', () => {
    const doc = parsed(twoMembers());
    expect(findMemberByXuid(doc, '200')?.key).toBe('1');
    expect(findMemberByXuid(doc, '999')).toBeUndefined();
    expect(hostMember(doc)?.member.gamertag).toBe('Host');
    expect(gamertags(doc)).toEqual(new Map([['100', 'Host']]));
    expect(memberStatus(findMemberByXuid(doc, '100')!.member)).toBe('active');
    expect(memberStatus(findMemberByXuid(doc, '200')!.member)).toBe('reserved');
  });

  it('counts members against capacity', () => {
    const doc = parsed(twoMembers());
    expect(membersCount(doc)).toBe(2);
    expect(maxMembersCount(doc)).toBe(4);
    expect(isSessionFull(doc)).toBe(false);
    const full = parsed({ ...twoMembers(), constants: { system: { maxMembersCount: 2 } } });
    expect(isSessionFull(full)).toBe(true);
    const noLimit = parsed({ ...twoMembers(), constants: {} });
    expect(maxMembersCount(noLimit)).toBe(100);
  });

  it('has no host when the host token matches no member', () => {
    expect(hostMember(parsed(load('xsapi-session-full.json')))).toBeUndefined();
    const measuring = parsed(load('xsapi-match-session-measuring.json'));
    expect(hostMember(measuring)).toBeUndefined();
    expect(gamertags(measuring).get('2345')).toBe('TestGamertag_2');
  });

  it('derives ready over reserved the way XSAPI does', () => {
    const doc = parsed(load('xsapi-session-full.json'));
    expect(memberStatus(doc.members!['0']!)).toBe('ready');
  });

  it('builds the session path XSAPI splits into scid, template and name', () => {
    const path = sessionPath({ scid: 'MockScid', templateName: 'tpl', name: 'a b' });
    expect(path).toBe('/serviceconfigs/MockScid/sessionTemplates/tpl/sessions/a%20b');
    expect(
      path
        .split('/')
        .filter(Boolean)
        .filter((_, i) => i % 2 === 1),
    ).toEqual(['MockScid', 'tpl', 'a%20b']);
  });
});

describe('handle documents from the fixtures', () => {
  it.each(['inviteHandleResponse', 'transferHandleResponse'])('parses %s', (key) => {
    const result = parseHandleDocument(bodies[key]);
    expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
  });

  it('parses the activity query results as handles', () => {
    const results = (bodies['activitiesForUserResponse'] as { results: unknown[] }).results;
    for (const handle of results) expect(parseHandleDocument(handle).ok).toBe(true);
  });

  it('rejects a handle without a sessionRef', () => {
    expect(parseHandleDocument({ id: 'x', type: 'invite', version: 1 }).ok).toBe(false);
  });
});

describe('parseSessionDocument on arbitrary input', () => {
  it('never throws, whatever JSON arrives', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parseSessionDocument(value);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on mutated valid documents, and accepts only well-chained ones', () => {
    const member = fc.record({
      next: fc.integer({ min: -1, max: 6 }),
      constants: fc.record({ system: fc.record({ xuid: fc.oneof(fc.string(), fc.integer()) }) }),
    });
    const doc = fc.record({
      membersInfo: fc.record({
        first: fc.integer({ min: 0, max: 4 }),
        next: fc.integer({ min: 0, max: 6 }),
      }),
      members: fc.dictionary(fc.constantFrom('0', '1', '2', '3', '4', '5'), member),
    });
    fc.assert(
      fc.property(doc, (value) => {
        const result = parseSessionDocument(value);
        if (result.ok) {
          // Walking the accepted chain must end exactly at membersInfo.next.
          const entries = memberEntries(result.value);
          const last = entries.at(-1);
          expect(last === undefined ? value.membersInfo.first : last.member.next).toBe(
            value.membersInfo.next,
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});
