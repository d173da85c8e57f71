/**
 * The composition root end to end, with only Electron faked: the real entry module boots, the real
 * link intake reads the invite from argv or `second-instance`, the real join service writes the
 * session on a real local directory over loopback and starts the real demo game, and the window's
 * webContents receives the pushes the renderer would draw.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { JoinView } from '../../src/shared/join-view';
import { invokeChannels, type RecentInvite } from '../../src/shared/ipc-contract';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import type { Launcher } from '../../src/main/electron/main';
import { APP_ENTRY_URL } from '../../src/main/security/app-origin';
import {
  bootLauncher,
  type BootedLauncher,
  useCompositionHooks,
  closeInOrder,
} from './composition-boot';
import {
  FakeBrowserWindow,
  FakeEvent,
  FakeWebContents,
  current,
  resetFakeElectron,
} from '../fakes/electron';

vi.mock('electron', async () => (await import('../fakes/electron')).electronMockFactory());

let launcher: Launcher | undefined;
let directory: RunningDirectory | undefined;

async function boot(argv: string[] = []): Promise<BootedLauncher> {
  const booted = await bootLauncher(argv);
  launcher = booted.launcher;
  return booted;
}

function views(window: FakeBrowserWindow): JoinView[] {
  return window.webContents.pushes('join:view') as JoinView[];
}

async function phaseReached(
  window: FakeBrowserWindow,
  phase: JoinView['phase'],
): Promise<JoinView> {
  return vi.waitFor(
    () => {
      const found = views(window).find((view) => view.phase === phase);
      if (found === undefined) {
        throw new Error(
          `no ${phase} yet: ${views(window)
            .map((v) => v.phase)
            .join(' → ')}`,
        );
      }
      return found;
    },
    { timeout: 20_000, interval: 50 },
  );
}

// These scenarios play a development identity; composition-sign-in.test.ts signs in for real.
useCompositionHooks({
  developmentSignIn: true,
  async cleanUp() {
    await closeInOrder(launcher, directory);
    launcher = directory = undefined;
  },
});

describe('composition root', () => {
  it('joins a cold-start invite from argv and pushes every step to the window', async () => {
    directory = await startDirectory({ seed: 'demo' });
    const demo = directory.demo!;
    process.env.RALLYPOINT_DIRECTORY_URL = directory.url;
    const { launcher, window } = await boot(['--', demo.inviteLink]);

    expect(launcher.directory).toBeUndefined();
    expect(launcher.directoryUrl).toBe(directory.url);
    const joined = await phaseReached(window, 'joined');
    expect(joined.invite?.handleId).toBe(demo.handleId);
    const phases = views(window).map((view) => view.phase);
    expect(phases.indexOf('writingSession')).toBeLessThan(phases.indexOf('joined'));

    await vi.waitFor(() =>
      expect(window.webContents.pushes('launcher:recent')).not.toHaveLength(0),
    );
    const recent = window.webContents.pushes('launcher:recent').at(-1) as RecentInvite[];
    expect(recent[0]).toMatchObject({ handleId: demo.handleId, outcome: 'joined' });

    const state = (await current().ipcMain.invoke('launcher:get-state', window.webContents)) as {
      view: JoinView;
      recent: RecentInvite[];
      locale: string;
      devMode: boolean;
    };
    expect(state.view.phase).toBe('joined');
    expect(state.recent[0]?.handleId).toBe(demo.handleId);
    expect(state.locale).toBe('en-US');
    expect(state.devMode).toBe(false);

    await vi.waitFor(() => {
      const file = join(current().app.userData, 'recent-invites.json');
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toContain(demo.handleId);
    });
    const log = readFileSync(join(current().app.userData, 'logs', 'main.log'), 'utf8');
    expect(log).toMatch(/\(intake\).*cold-start link accepted/);
    expect(log).toMatch(/\(join\) join: joined handle=/);
    expect(log).not.toContain(demo.player.xuid.slice(0, 12) + '&');
    expect(log).not.toContain('invitedXuid=');
  });

  it('starts the embedded directory, offers the demo invite in development and joins it', async () => {
    const { launcher, window } = await boot();
    expect(launcher.directory?.demo).toBeDefined();
    const state = (await current().ipcMain.invoke('launcher:get-state', window.webContents)) as {
      devMode: boolean;
      view: JoinView;
    };
    expect(state.devMode).toBe(true);
    expect(state.view.phase).toBe('idle');
    await current().ipcMain.invoke('dev:try-demo-invite', window.webContents);
    const joined = await phaseReached(window, 'joined');
    expect(joined.invite?.handleId).toBe(launcher.directory?.demo?.handleId);
  });

  it('refuses the demo invite in packaged builds', async () => {
    directory = await startDirectory({ seed: 'demo' });
    process.env.RALLYPOINT_DIRECTORY_URL = directory.url;
    const settings = join(mkdtempSync(join(tmpdir(), 'rallypoint-settings-')), 'settings.json');
    writeFileSync(settings, JSON.stringify({ game: { executable: process.execPath } }));
    process.env.RALLYPOINT_CONFIG = settings;
    resetFakeElectron();
    const fake = current();
    fake.app.isPackaged = true;
    process.argv = [process.execPath];
    vi.resetModules();
    const entry = await import('../../src/main/electron/main');
    fake.app.makeReady();
    launcher = await entry.launcher;
    const window = FakeBrowserWindow.instances[0]!;
    await window.webContents.loadURL(APP_ENTRY_URL);
    await expect(fake.ipcMain.invoke('dev:try-demo-invite', window.webContents)).rejects.toThrow(
      'rallypoint-ipc:not-available',
    );
    expect((window.options.webPreferences as { devTools: boolean }).devTools).toBe(false);
  });

  it('shows a refused link from a second launch as an invalid-link failure, and dismisses it', async () => {
    const { window } = await boot();
    current().app.emit(
      'second-instance',
      new FakeEvent(),
      [
        'rallypoint.exe',
        'rallypoint://inviteHandleAccept?handle=not-a-guid&invitedXuid=1&senderXuid=2',
      ],
      '/',
    );
    const failed = await phaseReached(window, 'failed');
    expect(failed.error?.code).toBe('invalid-link');
    expect(failed.canRetry).toBe(false);
    expect(window.focused).toBe(true);
    await current().ipcMain.invoke('join:dismiss', window.webContents);
    expect(views(window).at(-1)?.phase).toBe('idle');
  });

  it('asks for the invited account, switches the development identity and joins', async () => {
    directory = await startDirectory({ seed: 'demo' });
    process.env.RALLYPOINT_DIRECTORY_URL = directory.url;
    process.env.RALLYPOINT_DEV_XUID = '2533274899999999';
    process.env.RALLYPOINT_DEV_GAMERTAG = 'SomeoneElse';
    const { window } = await boot([directory.demo!.inviteLink]);
    const failed = await phaseReached(window, 'failed');
    expect(failed.error?.code).toBe('wrong-account');
    await current().ipcMain.invoke('join:switch-account', window.webContents);
    const joined = await phaseReached(window, 'joined');
    expect(joined.invite?.handleId).toBe(directory.demo!.handleId);
  });

  it('guards every web contents and answers only the launcher window', async () => {
    const { window } = await boot();
    const stray = new FakeWebContents(current().session.defaultSession);
    current().app.emit('web-contents-created', new FakeEvent(), stray);
    expect(stray.attempt('will-navigate', 'https://evil.example').defaultPrevented).toBe(true);
    await stray.loadURL(APP_ENTRY_URL);
    await expect(current().ipcMain.invoke('launcher:get-state', stray)).rejects.toThrow(
      'unknown-sender',
    );
    expect(current().ipcMain.handlers.size).toBe(invokeChannels.length);
    expect(current().privilegedSchemes).toHaveLength(1);
    expect(current().app.sandboxEnabled).toBe(true);
    const page = await current().session.defaultSession.protocolHandlers.get('app')!(
      new Request(APP_ENTRY_URL),
    );
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await current().session.defaultSession.request('https://evil.example/')).toBe(true);
    expect(window.webContents.windowOpenHandler?.({ url: 'https://evil.example' })).toEqual({
      action: 'deny',
    });
  });

  it('hands over and starts nothing in a second instance', async () => {
    const fake = resetFakeElectron();
    fake.app.lockGranted = false;
    process.argv = [process.execPath, '.', 'rallypoint://inviteHandleAccept?handle=x'];
    vi.resetModules();
    const entry = await import('../../src/main/electron/main');
    fake.app.makeReady();
    expect(await entry.launcher).toBeUndefined();
    expect(fake.app.quitCalls).toEqual(['exit:0']);
    expect(fake.windows).toHaveLength(0);
    expect(fake.ipcMain.handlers.size).toBe(0);
  });

  it('stops with an error box naming the bad setting and the log file', async () => {
    const settings = join(mkdtempSync(join(tmpdir(), 'rallypoint-settings-')), 'settings.json');
    writeFileSync(settings, JSON.stringify({ externalLinkOrigins: ['ftp://nope.example'] }));
    process.env.RALLYPOINT_CONFIG = settings;
    const fake = resetFakeElectron();
    process.argv = [process.execPath, '.'];
    vi.resetModules();
    const entry = await import('../../src/main/electron/main');
    fake.app.makeReady();
    expect(await entry.launcher).toBeUndefined();
    expect(fake.errorBoxes).toHaveLength(1);
    expect(fake.errorBoxes[0]?.content).toMatch(/externalLinkOrigins/);
    expect(fake.errorBoxes[0]?.content).toMatch(/main\.log/);
    expect(fake.app.quitCalls).toEqual(['exit:1']);
  });

  it('leaves the joined session when the player quits', async () => {
    directory = await startDirectory({ seed: 'demo' });
    const demo = directory.demo!;
    process.env.RALLYPOINT_DIRECTORY_URL = directory.url;
    const { window } = await boot([demo.inviteLink]);
    await phaseReached(window, 'joined');
    const { scid, templateName, name } = demo.sessionRef;
    const members = async () => {
      const response = await fetch(
        `${directory!.url}/serviceconfigs/${scid}/sessionTemplates/${templateName}/sessions/${name}`,
        { headers: { authorization: demo.host.authorization, 'x-xbl-contract-version': '107' } },
      );
      const body = (await response.json()) as {
        members: Record<string, { constants: { system: { xuid: string } } }>;
      };
      return Object.values(body.members).map((member) => member.constants.system.xuid);
    };
    expect(await members()).toContain(demo.player.xuid);

    current().app.quit();
    await vi.waitFor(() => expect(current().app.quitCalls).toEqual(['quit', 'quit']), {
      timeout: 15_000,
    });
    expect(await members()).not.toContain(demo.player.xuid);
    launcher = undefined;
  });

  it('reopens the window for a link that arrives after it was closed', async () => {
    const { window } = await boot();
    window.close();
    current().app.emit(
      'second-instance',
      new FakeEvent(),
      ['rallypoint.exe', 'rallypoint://nope'],
      '/',
    );
    await vi.waitFor(() => expect(FakeBrowserWindow.getAllWindows()).toHaveLength(1));
    const reopened = FakeBrowserWindow.getAllWindows()[0]!;
    expect(reopened).not.toBe(window);
    await vi.waitFor(() =>
      expect((reopened.webContents.pushes('join:view') as JoinView[]).at(-1)?.error?.code).toBe(
        'invalid-link',
      ),
    );
  });
});
