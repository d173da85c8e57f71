/**
 * The game channel's vocabulary on its own: every line a game may send, each rule of its schema at
 * its edge, and the typed problem (code, message, `type`/`id` echoed back) of each bad line. The
 * real-process suite (game-channel.test.ts) shows these reaching a game; this one pins each rule.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BoundedLineReader } from '../../../src/main/game/bounded-line-reader';
import type * as Protocol from '../../../src/main/game/game-channel-protocol';

/**
 * The module, loaded afresh for each test: it builds its schema on first use and keeps it, so a
 * fresh copy has each test build (and so check) every rule itself.
 */
let encodeLauncherMessage: typeof Protocol.encodeLauncherMessage;
let looksLikeMessage: typeof Protocol.looksLikeMessage;
let parseGameMessage: typeof Protocol.parseGameMessage;
beforeEach(async () => {
  vi.resetModules();
  ({ encodeLauncherMessage, looksLikeMessage, parseGameMessage } =
    await import('../../../src/main/game/game-channel-protocol'));
});

const sessionRef =
  '/serviceconfigs/00000000-0000-0000-0000-000000000001/sessionTemplates/lobby/sessions/abc';

/** Parses an object sent as one line. */
const parse = (message: unknown) => parseGameMessage(JSON.stringify(message));

/** The problem a bad line gets; fails the test when the line was accepted. */
function problem(message: unknown) {
  const parsed = typeof message === 'string' ? parseGameMessage(message) : parse(message);
  if (parsed.ok) throw new Error(`accepted: ${JSON.stringify(parsed.value)}`);
  return parsed.error;
}

describe('encodeLauncherMessage', () => {
  it('writes one JSON line with the version first', () => {
    const line = encodeLauncherMessage({ type: 'quit' });
    expect(line).toBe('{"v":1,"type":"quit"}\n');
  });
});

describe('looksLikeMessage', () => {
  it('is true for a line that starts with "{" after blanks, false for game log', () => {
    expect(looksLikeMessage('{"type":"left"}')).toBe(true);
    expect(looksLikeMessage('  \t{')).toBe(true);
    expect(looksLikeMessage('loading level 1 {')).toBe(false);
    expect(looksLikeMessage('')).toBe(false);
  });
});

describe('parseGameMessage: the line itself', () => {
  it('not JSON: not-json with an escaped excerpt of at most 80 characters', () => {
    const line = `{${'x'.repeat(100)}`;
    const bad = problem(line);
    expect(bad.code).toBe('not-json');
    expect(bad.message).toBe(`The line is not valid JSON: ${line.slice(0, 80)}…`);
    const short = problem('{oops\u001b');
    expect(short.message).toBe('The line is not valid JSON: {oops\\u{1b}');
  });

  it('an excerpt of exactly 80 characters gets no ellipsis', () => {
    const line = `{${'y'.repeat(79)}`;
    expect(problem(line).message).toBe(`The line is not valid JSON: ${line}`);
  });

  it('JSON that is not an object: not-an-object', () => {
    for (const value of ['[1]', 'null', '3', '"text"']) {
      expect(problem(value)).toEqual({
        code: 'not-an-object',
        message: 'A message is one JSON object per line.',
      });
    }
  });

  it('no type, or one that is not a string: unknown-type without `type`', () => {
    expect(problem({})).toEqual({ code: 'unknown-type', message: 'The message has no "type".' });
    expect(problem({ type: 5, id: 'r1' })).toEqual({
      code: 'unknown-type',
      message: 'The message has no "type".',
      id: 'r1',
    });
  });

  it('an unknown type names the known ones and echoes type and id', () => {
    expect(problem({ type: 'dance', id: 'r2' })).toEqual({
      code: 'unknown-type',
      message:
        'Unknown message type "dance" (known: joined, join-failed, hosting, host-session, open-invite-dialog, invite-players, left).',
      type: 'dance',
      id: 'r2',
    });
  });

  it('echoes at most 64 characters of an id, none of an empty or non-string one', () => {
    expect(problem({ type: 'dance', id: 'i'.repeat(70) }).id).toBe('i'.repeat(64));
    expect(problem({ type: 'dance', id: '' })).not.toHaveProperty('id');
    expect(problem({ type: 'dance', id: 7 })).not.toHaveProperty('id');
  });

  it('another version: unsupported-version, checked before the type', () => {
    expect(problem({ v: 2, type: 'left', id: 'r3' })).toEqual({
      code: 'unsupported-version',
      message: 'This launcher speaks version 1 of the game channel, not 2.',
      type: 'left',
      id: 'r3',
    });
    expect(problem({ v: '1', type: 'nope' })).toMatchObject({
      code: 'unsupported-version',
      message: 'This launcher speaks version 1 of the game channel, not "1".',
    });
  });

  it('version 1 or no version is read', () => {
    expect(parse({ v: 1, type: 'left' })).toEqual({ ok: true, value: { v: 1, type: 'left' } });
    expect(parse({ type: 'left' })).toEqual({ ok: true, value: { type: 'left' } });
  });

  it('an invalid field names its path and the rule', () => {
    expect(problem({ type: 'host-session', id: 'h', seats: 0, connection: 'c' })).toEqual({
      code: 'invalid-message',
      message: expect.stringMatching(/^Invalid "host-session" message: seats .+\.$/),
      type: 'host-session',
      id: 'h',
    });
    expect(problem({ type: 'invite-players', xuids: ['0123'] }).message).toBe(
      'Invalid "invite-players" message: xuids.0 must be a XUID (1 to 20 digits).',
    );
  });

  it('an invalid message with no path names the type', () => {
    // A `type` the union knows, but the object is checked as a whole: the issue has no path.
    const bad = problem({ type: 'hosting', sessionRef: `${sessionRef}/..` });
    expect(bad.message).toMatch(/^Invalid "hosting" message: sessionRef /);
  });
});

describe('parseGameMessage: each message', () => {
  it('joined and join-failed, with their optional fields and limits', () => {
    expect(parse({ type: 'joined', joinId: 'j', sessionRef: 'x' }).ok).toBe(true);
    expect(parse({ type: 'joined', joinId: 'j'.repeat(64) }).ok).toBe(true);
    expect(parse({ type: 'joined', joinId: 'j'.repeat(65) }).ok).toBe(false);
    expect(parse({ type: 'joined', sessionRef: 's'.repeat(400) }).ok).toBe(true);
    expect(parse({ type: 'joined', sessionRef: 's'.repeat(401) }).ok).toBe(false);
    expect(parse({ type: 'join-failed', reason: 'r'.repeat(500) }).ok).toBe(true);
    expect(parse({ type: 'join-failed', reason: 'r'.repeat(501) }).ok).toBe(false);
    expect(parse({ type: 'join-failed', joinId: 'j'.repeat(65) }).ok).toBe(false);
  });

  it('hosting: a session path only, no dot segments or encoded slashes, at most 400 characters', () => {
    expect(parse({ type: 'hosting', id: 'a', sessionRef })).toEqual({
      ok: true,
      value: { type: 'hosting', id: 'a', sessionRef },
    });
    const upper = sessionRef.replace('serviceconfigs', 'SERVICECONFIGS');
    expect(parse({ type: 'hosting', sessionRef: upper }).ok).toBe(true);
    for (const bad of [
      `${sessionRef}/extra`,
      `x${sessionRef}`,
      sessionRef.replace('/sessions/abc', '/sessions/'),
      sessionRef.replace('/sessions/abc', '/sessions/..'),
      sessionRef.replace('/sessions/abc', '/sessions/a%2Fb'),
      sessionRef.replace('lobby', 'lo?bby'),
      sessionRef.replace('lobby', 'lo#bby'),
      sessionRef.replace('/sessions/abc', `/sessions/${'n'.repeat(400)}`),
    ]) {
      expect(parse({ type: 'hosting', sessionRef: bad }), bad).toMatchObject({
        ok: false,
        error: { code: 'invalid-message' },
      });
    }
    expect(parse({ type: 'hosting' }).ok).toBe(false);
    expect(problem({ type: 'hosting', sessionRef: `${sessionRef}/x` }).message).toBe(
      'Invalid "hosting" message: sessionRef must be a session path /serviceconfigs/{scid}/sessionTemplates/{template}/sessions/{name}.',
    );
    expect(
      problem({ type: 'hosting', sessionRef: sessionRef.replace('/sessions/abc', '/sessions/..') })
        .message,
    ).toBe(
      'Invalid "hosting" message: sessionRef must not contain "." or ".." segments or encoded slashes.',
    );
  });

  it('a request id: 1 to 64 characters', () => {
    expect(parse({ type: 'open-invite-dialog', id: 'x' }).ok).toBe(true);
    expect(parse({ type: 'open-invite-dialog', id: 'x'.repeat(64) }).ok).toBe(true);
    expect(parse({ type: 'open-invite-dialog', id: '' }).ok).toBe(false);
    expect(parse({ type: 'open-invite-dialog', id: 'x'.repeat(65) }).ok).toBe(false);
  });

  it('host-session: 1 to 100 whole seats, a join restriction (followed by default), a connection', () => {
    const base = { type: 'host-session', seats: 4, connection: 'udp://10.0.0.2:3074' };
    expect(parse(base)).toEqual({ ok: true, value: { ...base, joinRestriction: 'followed' } });
    for (const joinRestriction of ['none', 'followed', 'local']) {
      expect(parse({ ...base, joinRestriction }).ok).toBe(true);
    }
    expect(parse({ ...base, joinRestriction: 'cache' }).ok).toBe(false);
    expect(parse({ ...base, seats: 1 }).ok).toBe(true);
    expect(parse({ ...base, seats: 100 }).ok).toBe(true);
    expect(parse({ ...base, seats: 0 }).ok).toBe(false);
    expect(parse({ ...base, seats: 101 }).ok).toBe(false);
    expect(parse({ ...base, seats: 2.5 }).ok).toBe(false);
    expect(parse({ ...base, connection: '' }).ok).toBe(false);
    expect(parse({ ...base, connection: 'c'.repeat(512) }).ok).toBe(true);
    expect(parse({ ...base, connection: 'c'.repeat(513) }).ok).toBe(false);
  });

  it('invite-players: 1 to 100 XUIDs of 1 to 20 digits, no leading zero, a context of at most 256', () => {
    const base = { type: 'invite-players', xuids: ['2814616402722312'] };
    expect(parse(base).ok).toBe(true);
    expect(parse({ ...base, xuids: ['1', '9'.repeat(20)] }).ok).toBe(true);
    for (const xuid of ['', '0', '01', '1'.repeat(21), '12a', ' 12', '12 ']) {
      expect(parse({ ...base, xuids: [xuid] }).ok, xuid).toBe(false);
    }
    expect(parse({ ...base, xuids: [] }).ok).toBe(false);
    expect(parse({ ...base, xuids: Array.from({ length: 100 }, (_, i) => `${i + 1}`) }).ok).toBe(
      true,
    );
    expect(parse({ ...base, xuids: Array.from({ length: 101 }, (_, i) => `${i + 1}`) }).ok).toBe(
      false,
    );
    expect(parse({ ...base, context: 'c'.repeat(256) }).ok).toBe(true);
    expect(parse({ ...base, context: 'c'.repeat(257) }).ok).toBe(false);
  });

  it('left: the session path is optional but checked when given', () => {
    expect(parse({ type: 'left' }).ok).toBe(true);
    expect(parse({ type: 'left', sessionRef }).ok).toBe(true);
    expect(parse({ type: 'left', sessionRef: '/sessions/x' }).ok).toBe(false);
  });

  it('unknown fields are ignored', () => {
    expect(parse({ type: 'left', extra: 1 })).toEqual({ ok: true, value: { type: 'left' } });
  });
});

describe('maxGameLineBytes', () => {
  it('is 64 KiB: a reader with that cap reads a line of 64 KiB and refuses one byte more', async () => {
    // Read from this test's fresh copy of the protocol (the channel's cap when none is given);
    // the reader is imported once, above, so its own code is not reloaded here.
    const { maxGameLineBytes } = await import('../../../src/main/game/game-channel-protocol');
    const lines: string[] = [];
    const overflows: number[] = [];
    const reader = new BoundedLineReader(maxGameLineBytes, {
      line: (text) => lines.push(text),
      overflow: (bytes) => overflows.push(bytes),
    });
    const cap = 64 * 1024;
    reader.push(Buffer.from(`${'x'.repeat(cap)}\n${'y'.repeat(cap + 1)}\n`));
    expect(lines).toEqual(['x'.repeat(cap)]);
    expect(overflows).toEqual([cap + 1]);
  });
});
