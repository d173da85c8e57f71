import { describe, expect, it } from 'vitest';
import { createLauncherJoin } from '../../../src/main/join/join-service';
import {
  demoGameArgsTemplate,
  demoGameSettings,
  launcherDefaults,
  defaultGameTitle,
  resolveLauncherConfig,
} from '../../../src/main/join/launcher-config';
import { FakeGame, FakeTokens, invite } from './join-machine-fakes';

const base = {
  directoryUrl: 'http://127.0.0.1:4100/',
  identity: { xuid: '2533274800000002', gamertag: 'RallyPlayer' },
  game: { executable: '/opt/game/bin/game' },
};

const problem = (input: unknown) => {
  const resolved = resolveLauncherConfig(input);
  return resolved.ok ? undefined : resolved.error.message;
};

describe('launcher configuration', () => {
  it('fills every default and splits the default template', () => {
    const resolved = resolveLauncherConfig(base);
    expect(resolved).toEqual({
      ok: true,
      value: {
        directoryUrl: 'http://127.0.0.1:4100',
        identity: base.identity,
        game: {
          executable: '/opt/game/bin/game',
          args: ['--join', '{sessionRef}', '--connect', '{connection}'],
          title: defaultGameTitle,
          ackTimeoutMs: launcherDefaults.ackTimeoutMs,
          quitGraceMs: launcherDefaults.quitGraceMs,
        },
        deadlineMs: 20_000,
        attemptTimeoutMs: 5_000,
        leaveTimeoutMs: 5_000,
      },
    });
  });

  it('accepts https anywhere and http only on this machine', () => {
    expect(problem({ ...base, directoryUrl: 'https://sessions.example.com' })).toBeUndefined();
    expect(problem({ ...base, directoryUrl: 'http://localhost:9' })).toBeUndefined();
    expect(problem({ ...base, directoryUrl: 'http://[::1]:9' })).toBeUndefined();
    expect(problem({ ...base, directoryUrl: 'http://sessions.example.com' })).toMatch(
      /^directoryUrl must be https:\/\//,
    );
    expect(problem({ ...base, directoryUrl: 'file:///etc/passwd' })).toMatch(/^directoryUrl/);
    expect(problem({ ...base, directoryUrl: 'not a url' })).toBe('directoryUrl is not a URL');
  });

  it('Play has its own template, which may use {xuid} only; the title can be set', () => {
    const resolved = resolveLauncherConfig({
      ...base,
      game: {
        ...base.game,
        playArgs: '--play --as "{xuid}"',
        titleId: '42',
        sessionTemplate: 'lobby',
      },
    });
    expect(resolved.ok && resolved.value.game.playArgs).toEqual(['--play', '--as', '{xuid}']);
    expect(resolved.ok && resolved.value.game.title).toEqual({
      ...defaultGameTitle,
      titleId: '42',
      sessionTemplate: 'lobby',
    });
    expect(problem({ ...base, game: { ...base.game, playArgs: '--join {sessionRef}' } })).toMatch(
      /^game\.playArgs: unknown placeholder \{sessionRef\} in the game arguments \(known: \{xuid\}\)/,
    );
    expect(problem({ ...base, game: { ...base.game, titleId: 'abc' } })).toMatch(/^game\.titleId/);
  });

  it('names the setting that is wrong', () => {
    expect(problem({ ...base, identity: { xuid: '12ab', gamertag: 'x' } })).toMatch(
      /^identity\.xuid a XUID is 1 to 20 decimal digits/,
    );
    expect(problem({ ...base, game: { ...base.game, args: '--join {sesionRef}' } })).toMatch(
      /^game\.args: unknown placeholder \{sesionRef\}/,
    );
    expect(problem({ ...base, game: { ...base.game, args: '--name "open' } })).toMatch(
      /^game\.args: .*unterminated/,
    );
    expect(problem({ ...base, deadlineMs: 5 })).toMatch(/^deadlineMs/);
    expect(problem({ ...base, game: { ...base.game, ackTimeoutMs: 1.5 } })).toMatch(
      /^game\.ackTimeoutMs/,
    );
    expect(problem({ ...base, surprise: true })).toMatch(/surprise|Unrecognized/i);
    expect(problem(undefined)).toBeDefined();
    expect(problem('rallypoint://x')).toBeDefined();
  });

  it('takes arguments as a list verbatim (no splitting of list items)', () => {
    const resolved = resolveLauncherConfig({
      ...base,
      game: { ...base.game, args: ['--title', 'Capture the flag', '{connection}'] },
    });
    expect(resolved.ok && resolved.value.game.args).toEqual([
      '--title',
      'Capture the flag',
      '{connection}',
    ]);
  });

  it('runs the demo game with this Node in Node mode', () => {
    const game = demoGameSettings('/path with spaces/demo-game.js');
    expect(game.executable).toBe(process.execPath);
    expect(game.args).toEqual([
      '/path with spaces/demo-game.js',
      ...demoGameArgsTemplate.split(' '),
    ]);
    expect(game.env).toEqual({ ELECTRON_RUN_AS_NODE: '1' });
  });
});

describe('createLauncherJoin', () => {
  it('signs in with the token provider it is given instead of the development one', async () => {
    const config = resolveLauncherConfig(base);
    if (!config.ok) throw new Error(config.error.message);
    // Another player than the invite's: the join must stop at sign-in, before any request.
    const tokens = new FakeTokens('1111111111');
    const game = new FakeGame();
    const launcher = createLauncherJoin(config.value, { tokens, game });
    try {
      launcher.service.submit(invite());
      const view = await launcher.service.settled();
      expect(tokens.calls).toBe(1);
      expect(view).toMatchObject({ phase: 'failed', error: { code: 'wrong-account' } });
      expect(game.joins).toEqual([]);
    } finally {
      await launcher.close();
    }
  });
});
