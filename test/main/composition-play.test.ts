/**
 * Play through the composition root, with only Electron faked: the window's `play:start` starts
 * the real demo game (a child process) with its Play arguments, the launcher hosts the session
 * the game asks for on a real local directory over loopback, and the window receives the Play
 * views. One game at a time: an invite accepted while the game runs (a second launch's link) goes
 * to the running copy over the game channel, never to a second copy, and a second Play is
 * refused. A game that crashes brings the window home with its exit.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import type { Launcher } from '../../src/main/electron/main';
import type { JoinView } from '../../src/shared/join-view';
import type { PlayView } from '../../src/shared/play-view';
import type { LauncherState } from '../../src/shared/ipc-contract';
import { FakeBrowserWindow, FakeEvent, current } from '../fakes/electron';
import { bootLauncher, useCompositionHooks, closeInOrder } from './composition-boot';

vi.mock('electron', async () => (await import('../fakes/electron')).electronMockFactory());

let launcher: Launcher | undefined;
let directory: RunningDirectory | undefined;
const patience = { timeout: 30_000, interval: 50 };

async function boot(): Promise<FakeBrowserWindow> {
  const booted = await bootLauncher();
  launcher = booted.launcher;
  return booted.window;
}

const playViews = (window: FakeBrowserWindow) =>
  window.webContents.pushes('play:view') as PlayView[];
const joinViews = (window: FakeBrowserWindow) =>
  window.webContents.pushes('join:view') as JoinView[];
const mainLog = () => readFileSync(join(current().app.userData, 'logs', 'main.log'), 'utf8');
/** How many game processes main started: the join stack logs each start once. */
const gamesStarted = () => mainLog().match(/\(join\) game started \(pid \d+\)/g) ?? [];

useCompositionHooks({
  developmentSignIn: true,
  async cleanUp() {
    await closeInOrder(launcher, directory);
    launcher = directory = undefined;
  },
});

describe('Play through the composition root', () => {
  it('plays and hosts; an invite accepted meanwhile goes to the running game, never a second copy', async () => {
    directory = await startDirectory({ seed: 'demo' });
    const demo = directory.demo!;
    process.env.RALLYPOINT_DIRECTORY_URL = directory.url;
    const window = await boot();

    const before = (await current().ipcMain.invoke(
      'launcher:get-state',
      window.webContents,
    )) as LauncherState;
    expect(before.play).toEqual({ phase: 'idle' });

    await current().ipcMain.invoke('play:start', window.webContents);
    const hosting = await vi.waitFor(() => {
      const found = playViews(window).find(
        (view) => view.phase === 'playing' && view.session?.role === 'host',
      );
      if (!found) throw new Error(`not hosting yet: ${JSON.stringify(playViews(window))}`);
      return found;
    }, patience);
    expect(playViews(window)[0]?.phase).toBe('starting');
    const pid = hosting.pid!;
    expect(pid).toBeGreaterThan(0);
    const hostedRef = hosting.session!.sessionRef;
    expect(hostedRef).toMatch(/^\/serviceconfigs\/.+\/sessions\//);
    expect(gamesStarted()).toHaveLength(1);

    // A second Play while the game runs starts nothing.
    await current().ipcMain.invoke('play:start', window.webContents);
    expect(mainLog()).toMatch(/play: refused: The game is already running/);

    // The OS opens an invite while the game runs: a second launch hands its link over.
    current().app.emit('second-instance', new FakeEvent(), ['rallypoint', demo.inviteLink], '/');
    await vi.waitFor(() => {
      if (!joinViews(window).some((view) => view.phase === 'joined')) throw new Error('not joined');
    }, patience);
    const joinedPlay = await vi.waitFor(() => {
      const last = playViews(window).at(-1);
      if (last?.session?.role !== 'member') throw new Error('the game is not in the invite yet');
      return last;
    }, patience);
    expect(joinedPlay.phase).toBe('playing');
    expect(joinedPlay.pid).toBe(pid);
    expect(joinedPlay.session?.sessionRef).not.toBe(hostedRef);
    expect(gamesStarted()).toHaveLength(1);
    expect(() => process.kill(pid, 0)).not.toThrow();

    const state = (await current().ipcMain.invoke(
      'launcher:get-state',
      window.webContents,
    )) as LauncherState;
    expect(state.play?.phase).toBe('playing');

    // Quitting the launcher asks the game to quit: no crash is reported.
    await launcher?.close();
    launcher = undefined;
    await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(), patience);
  });

  it('follows an account switch: the new join stack’s game reports to Play', async () => {
    directory = await startDirectory({ seed: 'demo' });
    process.env.RALLYPOINT_DIRECTORY_URL = directory.url;
    process.env.RALLYPOINT_DEV_XUID = '2533274899999999';
    process.env.RALLYPOINT_DEV_GAMERTAG = 'SomeoneElse';
    const window = await boot();
    current().app.emit(
      'second-instance',
      new FakeEvent(),
      ['rallypoint', directory.demo!.inviteLink],
      '/',
    );
    await vi.waitFor(() => {
      if (!joinViews(window).some((view) => view.error?.code === 'wrong-account'))
        throw new Error('no wrong-account yet');
    }, patience);
    await current().ipcMain.invoke('join:switch-account', window.webContents);
    // The game started for the join belongs to the new stack; its controller says so.
    const playing = await vi.waitFor(() => {
      const last = playViews(window).at(-1);
      if (last?.session?.role !== 'member') throw new Error('Play has not seen the game');
      return last;
    }, patience);
    expect(playing.phase).toBe('playing');
    expect(playing.session?.members.map((member) => member.xuid)).toContain(
      directory.demo!.player.xuid,
    );
    // One game at a time holds on the new stack too.
    await current().ipcMain.invoke('play:start', window.webContents);
    expect(mainLog()).toMatch(/play: refused: The game is already running/);
    expect(gamesStarted()).toHaveLength(1);
  });

  it('brings the window home with the exit of a game that crashed', async () => {
    directory = await startDirectory({});
    process.env.RALLYPOINT_DIRECTORY_URL = directory.url;
    const settings = join(mkdtempSync(join(tmpdir(), 'rallypoint-settings-')), 'settings.json');
    writeFileSync(
      settings,
      JSON.stringify({
        game: {
          executable: process.execPath,
          playArgs: ['-e', 'process.exit(3)'],
        },
      }),
    );
    process.env.RALLYPOINT_CONFIG = settings;
    const window = await boot();
    await current().ipcMain.invoke('play:start', window.webContents);
    const home = await vi.waitFor(() => {
      const last = playViews(window).at(-1);
      if (last?.phase !== 'idle') throw new Error('still running');
      return last;
    }, patience);
    expect(home.lastExit).toEqual({
      crashed: true,
      description: 'exit code 3',
      reason: { kind: 'exit-code', code: 3 },
    });
    const phases = playViews(window).map((view) => view.phase);
    expect(phases.filter((phase, index) => phase !== phases[index - 1])).toEqual([
      'starting',
      'playing',
      'idle',
    ]);
  });
});
