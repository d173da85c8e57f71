import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkArgPlaceholders,
  expandGameArgs,
  gameArgPlaceholders,
  splitArgsTemplate,
  type GameArgValues,
} from '../../../src/main/join/game-args';
import { stripUnsafePlayerText } from '../../../src/shared/player-text';

const values = (overrides: Partial<GameArgValues> = {}): GameArgValues => ({
  handleId: 'h',
  sessionRef: '/serviceconfigs/s/sessionTemplates/t/sessions/n',
  connection: '127.0.0.1:30000',
  xuid: '2533274800000002',
  inviteKind: 'invite',
  context: '',
  ...overrides,
});

describe('game argument template', () => {
  it('splits on whitespace and keeps quoted spaces in one argument', () => {
    expect(splitArgsTemplate('--join {sessionRef}  --connect {connection}')).toEqual({
      ok: true,
      value: ['--join', '{sessionRef}', '--connect', '{connection}'],
    });
    expect(splitArgsTemplate(`--title "Capture the flag" --map 'Harbor {handleId}' ""`)).toEqual({
      ok: true,
      value: ['--title', 'Capture the flag', '--map', 'Harbor {handleId}', ''],
    });
    expect(splitArgsTemplate('   ')).toEqual({ ok: true, value: [] });
  });

  it('refuses an unterminated quote instead of guessing', () => {
    const split = splitArgsTemplate('--name "open');
    expect(split.ok).toBe(false);
    expect(split.ok ? '' : split.error).toMatch(/unterminated " quote/);
  });

  it('refuses unknown placeholders and names the known ones', () => {
    const checked = checkArgPlaceholders(['--join', '{sesionRef}']);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.error).toContain('{sesionRef}');
    expect(checked.ok ? '' : checked.error).toContain('{sessionRef}');
    expect(checkArgPlaceholders(gameArgPlaceholders.map((name) => `{${name}}`)).ok).toBe(true);
  });

  it('names every known placeholder, or the ones a template may use', () => {
    expect(checkArgPlaceholders(['--join', '{sesionRef}'])).toEqual({
      ok: false,
      error:
        'unknown placeholder {sesionRef} in the game arguments (known: {handleId}, {sessionRef}, {connection}, {xuid}, {inviteKind}, {context})',
    });
    expect(checkArgPlaceholders(['x={xuid}', '{handleId}'], ['xuid'])).toEqual({
      ok: false,
      error: 'unknown placeholder {handleId} in the game arguments (known: {xuid})',
    });
    expect(checkArgPlaceholders(['x={xuid}', 'plain', '{}'], ['xuid'])).toEqual({
      ok: true,
      value: undefined,
    });
  });

  it('leaves a placeholder it has no value for as written, inherited names included', () => {
    expect(
      expandGameArgs(['{unknown}', '{toString}', 'a{constructor}b', '{xuid}'], values()),
    ).toEqual(['{unknown}', '{toString}', 'a{constructor}b', '2533274800000002']);
  });

  it('replaces placeholders inside an argument', () => {
    expect(
      expandGameArgs(['--at={connection}', 'x{handleId}y'], values({ handleId: 'H' })),
    ).toEqual(['--at=127.0.0.1:30000', 'xHy']);
  });

  it('never changes the number of arguments, whatever a session puts in a value', () => {
    const hostile = fc.string({ unit: 'binary' });
    fc.assert(
      fc.property(hostile, hostile, (connection, sessionRef) => {
        const args = ['--join', '{sessionRef}', '--connect', '{connection}', 'a{connection}b'];
        const expanded = expandGameArgs(args, values({ connection, sessionRef }));
        expect(expanded).toHaveLength(args.length);
        expect(expanded[1]).toBe(stripUnsafePlayerText(sessionRef));
        expect(expanded[3]).toBe(stripUnsafePlayerText(connection));
        expect(expanded[4]).toBe(`a${stripUnsafePlayerText(connection)}b`);
      }),
    );
  });

  it('strips the bidi and zero-width characters issue 18 saw reach the game', () => {
    // What `context=%E2%80%AEsquad%E2%80%8Bup%E2%81%A6x%E2%81%A9` decodes to.
    const context = decodeURIComponent('%E2%80%AEsquad%E2%80%8Bup%E2%81%A6x%E2%81%A9');
    expect(context).toBe('\u202Esquad\u200Bup\u2066x\u2069');
    expect(
      expandGameArgs(
        ['--context={context}', '{connection}'],
        values({ context, connection: '10.0.0.1\u200D:30000\u0000' }),
      ),
    ).toEqual(['--context=squadupx', '10.0.0.1:30000']);
  });

  it('never hands the game a control or format character, whatever the values hold', () => {
    const hostile = fc.string({ unit: 'binary', maxLength: 60 });
    fc.assert(
      fc.property(hostile, hostile, (context, connection) => {
        const args = ['--c={context}', '{connection}', '{xuid}'];
        for (const arg of expandGameArgs(args, values({ context, connection }))) {
          expect(arg).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u);
        }
      }),
    );
  });

  it('does not substitute placeholders that arrive inside values', () => {
    const expanded = expandGameArgs(
      ['{connection}', '{handleId}'],
      values({ connection: '{handleId} $(rm -rf ~); `x`', handleId: 'H' }),
    );
    expect(expanded).toEqual(['{handleId} $(rm -rf ~); `x`', 'H']);
  });
});
