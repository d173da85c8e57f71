/**
 * Demo-game mode of the real entry module, with only Electron faked: `--rallypoint-demo-game` as
 * the first argument turns the process into the demo game over its stdin/stdout (here fake streams)
 * before link intake, so no single-instance lock, no window, no protocol registration; the flag
 * anywhere else is ignored and the launcher starts. A packaged launcher with no game in any
 * settings layer resolves its own executable in that mode as the game; studio settings shipped in
 * the resources folder are read, and a bad one stops the start naming the file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { DEMO_GAME_FLAG } from '../../src/main/demo-game-mode';
import type { Launcher } from '../../src/main/electron/main';
import { FakeBrowserWindow, current, resetFakeElectron } from '../fakes/electron';
import { useCompositionHooks } from './composition-boot';

vi.mock('electron', async () => (await import('../fakes/electron')).electronMockFactory());

let launcher: Launcher | undefined;

type Entry = typeof import('../../src/main/electron/main');

/** Imports the entry module afresh with this argv; `packaged` flips the fake's `isPackaged`. */
async function bootEntry(argv: string[], packaged = false): Promise<Entry> {
  const fake = resetFakeElectron();
  fake.app.isPackaged = packaged;
  process.argv = argv;
  vi.resetModules();
  const entry = await import('../../src/main/electron/main');
  fake.app.makeReady();
  return entry;
}

/** Fake stdin/stdout for the process, and the protocol lines the game writes. */
function fakeStdio() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  vi.spyOn(process, 'stdin', 'get').mockReturnValue(stdin as unknown as typeof process.stdin);
  vi.spyOn(process, 'stdout', 'get').mockReturnValue(stdout as unknown as typeof process.stdout);
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: stdout }).on('line', (line) => lines.push(JSON.parse(line)));
  return { stdin, lines };
}

/** Nothing of the launcher ran: no lock, no window, no IPC, no scheme, no protocol client. */
function expectNoLauncher(): void {
  const fake = current();
  expect(fake.app.lockRequests).toBe(0);
  expect(fake.windows).toHaveLength(0);
  expect(fake.ipcMain.handlers.size).toBe(0);
  expect(fake.privilegedSchemes).toHaveLength(0);
  expect(fake.app.protocolClients).toEqual([]);
  expect(fake.app.sandboxEnabled).toBe(false);
  expect(fake.app.listenerCount('second-instance')).toBe(0);
  expect(fake.app.listenerCount('open-url')).toBe(0);
}

useCompositionHooks({
  async cleanUp() {
    vi.restoreAllMocks();
    delete (process as { resourcesPath?: string }).resourcesPath;
    await launcher?.close();
    launcher = undefined;
  },
});

describe('demo-game mode', () => {
  it('runs the demo game over stdin/stdout in development (flag right after the app path)', async () => {
    const { stdin, lines } = fakeStdio();
    process.env.RALLYPOINT_JOIN_ID = 'first';
    const entry = await bootEntry([
      process.execPath,
      '.',
      DEMO_GAME_FLAG,
      '--join',
      '/serviceconfigs/s/sessionTemplates/t/sessions/n',
      '--connect',
      'MTI3LjAuMC4xOjMwMDA=',
    ]);
    expect(entry.demoGame).toBeDefined();
    expect(await entry.launcher).toBeUndefined();
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    expect(lines[0]).toEqual({
      type: 'joined',
      joinId: 'first',
      sessionRef: '/serviceconfigs/s/sessionTemplates/t/sessions/n',
    });

    stdin.write(
      `${JSON.stringify({ type: 'join', joinId: 'second', sessionRef: '/s/2', connection: 'x' })}\n`,
    );
    await vi.waitFor(() => expect(lines).toHaveLength(2));
    expect(lines[1]).toEqual({ type: 'joined', joinId: 'second', sessionRef: '/s/2' });

    stdin.end();
    expect(await entry.demoGame).toBe(0);
    expect(current().app.quitCalls).toEqual(['exit:0']);
    expect(current().app.setPaths.get('userData')).toMatch(/rallypoint-demo-game$/);
    expectNoLauncher();
  });

  it('runs it in a packaged build (flag as argv[1]) and quits on {"type":"quit"}', async () => {
    const { stdin, lines } = fakeStdio();
    const entry = await bootEntry([process.execPath, DEMO_GAME_FLAG], true);
    expect(await entry.launcher).toBeUndefined();
    stdin.write('not json\n');
    stdin.write(
      `${JSON.stringify({ type: 'join', joinId: 'j', sessionRef: '/s/1', connection: 'c' })}\n`,
    );
    await vi.waitFor(() =>
      expect(lines).toEqual([{ type: 'joined', joinId: 'j', sessionRef: '/s/1' }]),
    );
    stdin.write('{"type":"quit"}\n');
    expect(await entry.demoGame).toBe(0);
    expect(current().app.quitCalls).toEqual(['exit:0']);
    expectNoLauncher();
  });

  it('passes the demo game its own options (--mode refuse)', async () => {
    const { lines } = fakeStdio();
    const entry = await bootEntry(
      [process.execPath, DEMO_GAME_FLAG, '--mode', 'refuse', '--join', '/s/1', '--connect', 'c'],
      true,
    );
    await vi.waitFor(() => expect(lines[0]).toMatchObject({ type: 'join-failed' }));
    expect(entry.demoGame).toBeDefined();
    expectNoLauncher();
  });

  it.each([
    ['after the -- guard (development)', [process.execPath, '.', '--', DEMO_GAME_FLAG], false],
    ['in place of the app path (development)', [process.execPath, DEMO_GAME_FLAG], false],
    ['after the -- guard (packaged)', [process.execPath, '--', DEMO_GAME_FLAG], true],
    ['after a link (packaged)', [process.execPath, 'rallypoint://x', DEMO_GAME_FLAG], true],
    ['with a value (packaged)', [process.execPath, `${DEMO_GAME_FLAG}=1`], true],
  ])('ignores the flag %s and starts the launcher', async (_where, argv, packaged) => {
    const entry = await bootEntry(argv, packaged);
    expect(entry.demoGame).toBeUndefined();
    launcher = await entry.launcher;
    expect(launcher).toBeDefined();
    expect(current().app.lockRequests).toBe(1);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(current().errorBoxes).toEqual([]);
  });
});

describe('packaged game settings', () => {
  it('with no game in any layer, the game is the launcher itself in demo-game mode', async () => {
    const resources = mkdtempSync(join(tmpdir(), 'rallypoint-resources-'));
    writeFileSync(join(resources, 'studio-settings.json'), '{}');
    (process as { resourcesPath?: string }).resourcesPath = resources;
    const entry = await bootEntry([process.execPath], true);
    launcher = await entry.launcher;
    expect(current().errorBoxes).toEqual([]);
    expect(launcher?.settings.join.game).toEqual({
      executable: process.execPath,
      args: [DEMO_GAME_FLAG, '--join', '{sessionRef}', '--connect', '{connection}'],
      playArgs: [DEMO_GAME_FLAG, '--play'],
    });
    expect(launcher?.settings.join.game?.env).toBeUndefined();
  });

  it("reads the studio's game and directory from <resources>/studio-settings.json", async () => {
    const resources = mkdtempSync(join(tmpdir(), 'rallypoint-resources-'));
    writeFileSync(
      join(resources, 'studio-settings.json'),
      JSON.stringify({
        directoryUrl: 'https://mpsd.studio.example',
        game: { executable: '/opt/studio/game', args: ['--invite', '{sessionRef}'] },
      }),
    );
    (process as { resourcesPath?: string }).resourcesPath = resources;
    const entry = await bootEntry([process.execPath], true);
    launcher = await entry.launcher;
    expect(launcher?.directoryUrl).toBe('https://mpsd.studio.example');
    expect(launcher?.directory).toBeUndefined();
    expect(launcher?.settings.join.game).toEqual({
      executable: '/opt/studio/game',
      args: ['--invite', '{sessionRef}'],
    });
  });

  it('stops with an error box naming the studio file and the setting', async () => {
    const resources = mkdtempSync(join(tmpdir(), 'rallypoint-resources-'));
    const file = join(resources, 'studio-settings.json');
    writeFileSync(file, JSON.stringify({ game: { executable: '' } }));
    (process as { resourcesPath?: string }).resourcesPath = resources;
    const entry = await bootEntry([process.execPath], true);
    expect(await entry.launcher).toBeUndefined();
    const fake = current();
    expect(fake.errorBoxes).toHaveLength(1);
    expect(fake.errorBoxes[0]?.content).toContain(`studio settings ${file}: game.executable`);
    expect(fake.app.quitCalls).toEqual(['exit:1']);
  });
});
