/**
 * The settings resolution as a pure function: the layers (environment > the player's settings file
 * > the studio settings shipped in the package > defaults), the default game in development and in
 * packaged builds, errors that name the file and the setting, and the two file readers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultDevIdentity,
  gamertagFor,
  readSettingsFile,
  readStudioSettings,
  resolveLauncherSettings,
  studioSettingsPath,
  type LauncherEnvironment,
} from '../../src/main/launcher-settings';
import { DEMO_GAME_FLAG, demoGameLaunch } from '../../src/main/demo-game-mode';

const base: LauncherEnvironment = {
  env: {},
  isPackaged: false,
  appRoot: '/app',
  userData: '/data',
  execPath: '/opt/Rallypoint/rallypoint',
};
const studio = (value: unknown) => ({ path: '/res/studio-settings.json', value });
const user = (value: unknown) => ({ path: '/data/settings.json', value });

function resolved(environment: LauncherEnvironment) {
  const settings = resolveLauncherSettings(environment);
  if (!settings.ok) throw new Error(settings.error.message);
  return settings.value;
}

function failure(environment: LauncherEnvironment): string {
  const settings = resolveLauncherSettings(environment);
  if (settings.ok) throw new Error('resolved, expected an error');
  expect(settings.error.code).toBe('invalid-settings');
  return settings.error.message;
}

describe('defaults', () => {
  it('development: embedded directory with the demo, the demo player, the demo game script', () => {
    const settings = resolved(base);
    expect(settings.devMode).toBe(true);
    expect(settings.directory).toEqual({ kind: 'embedded', seedDemo: true });
    expect(settings.identity).toEqual(defaultDevIdentity);
    expect(settings.join.game).toMatchObject({
      args: [
        '/app/dist/demo-game/demo-game.js',
        '--join',
        '{sessionRef}',
        '--connect',
        '{connection}',
      ],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    expect(settings.preloadPath).toBe('/app/dist/preload/preload.cjs');
    expect(settings.rendererRoot).toBe('/app/dist/renderer');
    expect(settings.recentInvitesFile).toBe('/data/recent-invites.json');
  });

  it('packaged with no game anywhere: the launcher executable in demo-game mode, no RunAsNode', () => {
    const settings = resolved({ ...base, isPackaged: true, studioSettings: studio({}) });
    expect(settings.devMode).toBe(false);
    expect(settings.directory).toEqual({ kind: 'embedded', seedDemo: false });
    expect(settings.join.game).toEqual({
      executable: '/opt/Rallypoint/rallypoint',
      args: [DEMO_GAME_FLAG, '--join', '{sessionRef}', '--connect', '{connection}'],
      playArgs: [DEMO_GAME_FLAG, '--play'],
    });
    // The demo game's argv as the launcher will start it is recognised as demo-game mode.
    const argv = [settings.join.game!.executable, ...(settings.join.game!.args as string[])];
    expect(demoGameLaunch(argv, true)).toEqual([
      '--join',
      '{sessionRef}',
      '--connect',
      '{connection}',
    ]);
  });
});

describe('layers', () => {
  const studioFile = {
    directoryUrl: 'https://mpsd.studio.example',
    game: { executable: 'C:\\Games\\Studio\\game.exe', args: '--invite {sessionRef}' },
    externalLinkOrigins: ['https://support.studio.example/help'],
    deadlineMs: 30_000,
  };

  it('takes the studio settings over the defaults', () => {
    const settings = resolved({ ...base, isPackaged: true, studioSettings: studio(studioFile) });
    expect(settings.directory).toEqual({ kind: 'configured', url: 'https://mpsd.studio.example' });
    expect(settings.join.game).toEqual(studioFile.game);
    expect(settings.join).toMatchObject({ deadlineMs: 30_000 });
    expect(settings.externalLinkOrigins).toEqual(['https://support.studio.example']);
  });

  it("takes the player's file over the studio settings, key by key, a game as a whole", () => {
    const settings = resolved({
      ...base,
      isPackaged: true,
      studioSettings: studio(studioFile),
      settingsFile: user({
        directoryUrl: 'https://mpsd.player.example',
        game: { executable: '/home/me/game' },
      }),
    });
    expect(settings.directory).toEqual({ kind: 'configured', url: 'https://mpsd.player.example' });
    // No args from the studio's game leak into the player's game.
    expect(settings.join.game).toEqual({ executable: '/home/me/game' });
    // Keys the player's file leaves out still come from the studio.
    expect(settings.join).toMatchObject({ deadlineMs: 30_000 });
    expect(settings.externalLinkOrigins).toEqual(['https://support.studio.example']);
  });

  it("does not let a schema default of the player's file hide a studio value", () => {
    const settings = resolved({
      ...base,
      studioSettings: studio({ attemptTimeoutMs: 9_000 }),
      settingsFile: user({ deadlineMs: 40_000 }),
    });
    expect(settings.join).toMatchObject({ attemptTimeoutMs: 9_000, deadlineMs: 40_000 });
  });

  it('takes the environment over both files', () => {
    const settings = resolved({
      ...base,
      env: {
        RALLYPOINT_DIRECTORY_URL: 'http://127.0.0.1:9',
        RALLYPOINT_DEV_GAMERTAG: 'Env',
      },
      studioSettings: studio({ ...studioFile, identity: { xuid: '7', gamertag: 'Studio' } }),
      settingsFile: user({ identity: { xuid: '42', gamertag: 'Player' } }),
    });
    expect(settings.directory).toEqual({ kind: 'configured', url: 'http://127.0.0.1:9' });
    expect(settings.identity).toEqual({ xuid: '42', gamertag: 'Env' });
  });

  it('treats blank environment variables as unset', () => {
    const settings = resolved({
      ...base,
      env: { RALLYPOINT_DIRECTORY_URL: '  ' },
      studioSettings: studio(studioFile),
    });
    expect(settings.directory).toEqual({ kind: 'configured', url: 'https://mpsd.studio.example' });
  });
});

describe('errors name the file and the setting', () => {
  it('a bad own key in the studio settings', () => {
    const message = failure({
      ...base,
      studioSettings: studio({ externalLinkOrigins: ['http://x.example'] }),
    });
    expect(message).toMatch(
      /^studio settings \/res\/studio-settings\.json: externalLinkOrigins\.0 /,
    );
  });

  it("a bad game argument template in the studio settings, even when the player's file has a game", () => {
    const message = failure({
      ...base,
      studioSettings: studio({ game: { executable: 'g', args: '--join {nope}' } }),
      settingsFile: user({ game: { executable: '/home/me/game' } }),
    });
    expect(message).toMatch(/^studio settings \/res\/studio-settings\.json: game\.args: /);
    expect(message).toContain('{nope}');
  });

  it('an unsafe directory URL, an out-of-range budget, an unknown key', () => {
    expect(
      failure({ ...base, studioSettings: studio({ directoryUrl: 'http://mpsd.example' }) }),
    ).toMatch(/^studio settings \S+: directoryUrl must be https:\/\//);
    expect(failure({ ...base, studioSettings: studio({ deadlineMs: 5 }) })).toMatch(
      /^studio settings \S+: deadlineMs /,
    );
    expect(failure({ ...base, studioSettings: studio({ gmae: {} }) })).toMatch(
      /^studio settings \S+: .*gmae/,
    );
  });

  it("a bad player's file is named as such", () => {
    const message = failure({
      ...base,
      studioSettings: studio({}),
      settingsFile: user({ identity: { xuid: 'abc', gamertag: 'x' } }),
    });
    expect(message).toMatch(/^settings file \/data\/settings\.json: identity\.xuid /);
  });

  it('a file that is not an object', () => {
    expect(failure({ ...base, studioSettings: studio([1, 2]) })).toMatch(
      /^studio settings \S+: settings /,
    );
  });
});

describe('sign-in', () => {
  it("signs in with the session directory's own services unless told otherwise", () => {
    expect(resolved(base).signIn).toEqual({ kind: 'directory' });
    expect(resolved({ ...base, env: { RALLYPOINT_SIGN_IN: 'development' } }).signIn).toEqual({
      kind: 'development',
    });
    expect(resolved({ ...base, settingsFile: user({ signIn: 'development' }) }).signIn).toEqual({
      kind: 'development',
    });
  });

  it("a studio's signIn points at Microsoft's services, any URL overridable, and is checked", () => {
    const settings = resolved({
      ...base,
      isPackaged: true,
      studioSettings: studio({
        signIn: { clientId: 'studio-client', sandbox: 'ABCD.1', xstsUrl: 'https://xsts.test/x' },
      }),
    });
    expect(settings.signIn).toEqual({
      kind: 'services',
      settings: expect.objectContaining({
        clientId: 'studio-client',
        sandbox: 'ABCD.1',
        authority: 'https://login.microsoftonline.com/consumers',
        xstsUrl: 'https://xsts.test/x',
      }),
    });
    // The environment still wins: a tester can fall back to the development identity.
    expect(
      resolved({
        ...base,
        env: { RALLYPOINT_SIGN_IN: 'development' },
        studioSettings: studio({ signIn: { clientId: 'studio-client' } }),
      }).signIn,
    ).toEqual({ kind: 'development' });
    expect(
      failure({
        ...base,
        studioSettings: studio({ signIn: { clientId: 'c', xstsUrl: 'http://x.example' } }),
      }),
    ).toMatch(/^studio settings \/res\/studio-settings\.json: signIn\.xstsUrl must be https/);
    expect(failure({ ...base, settingsFile: user({ signIn: { clientId: '' } }) })).toMatch(
      /^settings file \/data\/settings\.json: signIn/,
    );
    expect(failure({ ...base, settingsFile: user({ signIn: 'microsoft' }) })).toMatch(/signIn/);
    expect(failure({ ...base, env: { RALLYPOINT_SIGN_IN: 'maybe' } })).toMatch(
      /RALLYPOINT_SIGN_IN/,
    );
  });
});

describe('settings files', () => {
  it('finds the studio settings in the resources when packaged, in build/ in development', () => {
    expect(studioSettingsPath({ isPackaged: true, resourcesPath: '/res', appRoot: '/app' })).toBe(
      join('/res', 'studio-settings.json'),
    );
    expect(studioSettingsPath({ isPackaged: false, resourcesPath: '/res', appRoot: '/app' })).toBe(
      join('/app', 'build', 'studio-settings.json'),
    );
    expect(
      studioSettingsPath({ isPackaged: true, resourcesPath: undefined, appRoot: '/app' }),
    ).toBeUndefined();
  });

  it('reads the studio settings: absent is nothing configured, bad JSON names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rallypoint-studio-'));
    const path = join(dir, 'studio-settings.json');
    expect(readStudioSettings(undefined)).toEqual({ ok: true, value: undefined });
    expect(readStudioSettings(path)).toEqual({ ok: true, value: undefined });
    writeFileSync(path, '{"deadlineMs": 1000}');
    expect(readStudioSettings(path)).toEqual({
      ok: true,
      value: { path, value: { deadlineMs: 1000 } },
    });
    writeFileSync(path, '{oops');
    const bad = readStudioSettings(path);
    expect(!bad.ok && bad.error.message).toBe(`${path} is not valid JSON`);
  });

  it("reads the player's file: absent is fine, an explicit missing file or bad JSON is not", () => {
    const dir = mkdtempSync(join(tmpdir(), 'rallypoint-settings-'));
    const path = join(dir, 'settings.json');
    expect(readSettingsFile({}, dir)).toEqual({ ok: true, value: undefined });
    // Named explicitly, a missing file is an error that names the file, not a silent default.
    const missing = join(dir, 'nope.json');
    expect(readSettingsFile({ RALLYPOINT_CONFIG: missing }, dir)).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-settings',
        message: expect.stringMatching(/^cannot read \S+nope\.json: ENOENT/),
      },
    });
    expect(readSettingsFile({ RALLYPOINT_CONFIG: missing }, dir)).toMatchObject({
      error: { message: expect.stringContaining(missing) },
    });
    writeFileSync(path, '{"deadlineMs": 1000}');
    expect(readSettingsFile({}, dir)).toEqual({
      ok: true,
      value: { path, value: { deadlineMs: 1000 } },
    });
    writeFileSync(path, '{oops');
    expect(readSettingsFile({}, dir)).toMatchObject({
      ok: false,
      error: { message: /not valid JSON/ },
    });
  });

  it('the shipped build/studio-settings.json configures nothing and resolves', () => {
    const shipped = readStudioSettings(
      join(import.meta.dirname, '..', '..', 'build', 'studio-settings.json'),
    );
    expect(shipped.ok && shipped.value?.value).toEqual({});
    if (!shipped.ok || shipped.value === undefined) throw new Error('no shipped studio settings');
    // "Configures nothing": with it, every setting is what it is without any studio layer.
    for (const isPackaged of [false, true]) {
      expect(resolved({ ...base, isPackaged, studioSettings: shipped.value })).toEqual(
        resolved({ ...base, isPackaged }),
      );
    }
    // And the comparison can see a studio layer that does configure something.
    expect(resolved({ ...base, studioSettings: studio({ deadlineMs: 1234 }) })).not.toEqual(
      resolved(base),
    );
  });
});

describe('demo-game mode', () => {
  it('is the first argument only: after the executable packaged, after the app path in development', () => {
    expect(demoGameLaunch(['/opt/R/rallypoint', DEMO_GAME_FLAG, '--join', 'x'], true)).toEqual([
      '--join',
      'x',
    ]);
    expect(demoGameLaunch(['electron', '.', DEMO_GAME_FLAG], false)).toEqual([]);
    expect(demoGameLaunch(['/opt/R/rallypoint', '--', DEMO_GAME_FLAG], true)).toBeUndefined();
    expect(
      demoGameLaunch(['/opt/R/rallypoint', 'rallypoint://x', DEMO_GAME_FLAG], true),
    ).toBeUndefined();
    expect(demoGameLaunch(['electron', DEMO_GAME_FLAG], false)).toBeUndefined();
    expect(demoGameLaunch(['electron', '.', '--', DEMO_GAME_FLAG], false)).toBeUndefined();
    expect(demoGameLaunch(['/opt/R/rallypoint', `${DEMO_GAME_FLAG}=1`], true)).toBeUndefined();
    expect(demoGameLaunch(['/opt/R/rallypoint'], true)).toBeUndefined();
  });
});

it('names switched-to development accounts', () => {
  expect(gamertagFor(defaultDevIdentity.xuid)).toBe('RallyPlayer');
  expect(gamertagFor('2533274899991234')).toBe('Player1234');
});
