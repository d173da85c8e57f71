/**
 * The invite dialog through the composition root, with only Electron faked: its channels answer
 * the window (not-in-session before a join, the player's friends once the demo invite is joined),
 * their arguments are checked, and a game's request pushes `invite-dialog:show`, shows in the
 * state a reloaded window reads, and ends when the window says the dialog closed.
 */
import { describe, expect, it, vi } from 'vitest';
import type { LauncherState } from '../../src/shared/ipc-contract';
import type { JoinView } from '../../src/shared/join-view';
import type { Launcher } from '../../src/main/electron/main';
import { bootLauncher, useCompositionHooks } from './composition-boot';
import { FakeBrowserWindow, current } from '../fakes/electron';

vi.mock('electron', async () => (await import('../fakes/electron')).electronMockFactory());

let launcher: Launcher | undefined;

useCompositionHooks({
  developmentSignIn: true,
  async cleanUp() {
    await launcher?.close();
    launcher = undefined;
  },
});

const invoke = (window: FakeBrowserWindow, channel: string, args: unknown[] = []) =>
  current().ipcMain.invoke(channel, window.webContents, args);

describe('invite dialog in the composition root', () => {
  it('answers the window before and after a join, and a game request until it closes', async () => {
    const booted = await bootLauncher();
    launcher = booted.launcher;
    const window = booted.window;

    expect(await invoke(window, 'invite-dialog:friends')).toEqual({
      ok: false,
      code: 'not-in-session',
    });
    await expect(invoke(window, 'invite-dialog:send', [['not-a-xuid'], ''])).rejects.toThrow(
      'rallypoint-ipc:bad-arguments',
    );

    await invoke(window, 'dev:try-demo-invite');
    await vi.waitFor(
      () => {
        const views = window.webContents.pushes('join:view') as JoinView[];
        if (!views.some((view) => view.phase === 'joined')) throw new Error('not joined yet');
      },
      { timeout: 20_000, interval: 50 },
    );
    // The development identity follows nobody: an empty list, from the directory's people service.
    expect(await invoke(window, 'invite-dialog:friends')).toEqual({ ok: true, friends: [] });
    const stranger = await invoke(window, 'invite-dialog:send', [['2533274800000555'], 'hi']);
    expect(stranger).toEqual({
      ok: true,
      outcomes: [{ xuid: '2533274800000555', sent: false, code: 'unknown-player' }],
    });
    await expect(
      invoke(window, 'invite-dialog:copy-link', ['8f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d']),
    ).rejects.toThrow('rallypoint-ipc:not-available');
    expect(current().clipboard).toEqual([]);

    const joined = launcher.join.joinedSession();
    if (joined === undefined) throw new Error('no joined session');
    const asked = launcher.inviteDialog.requestFromGame({
      sessionRef: joined.sessionRef,
      playerXuid: joined.xuid,
      calls: joined.calls,
    });
    expect(window.webContents.pushes('invite-dialog:show')).toEqual([{ requestedBy: 'game' }]);
    const state = (await invoke(window, 'launcher:get-state')) as LauncherState;
    expect(state.inviteDialog).toEqual({ requestedBy: 'game' });
    await invoke(window, 'invite-dialog:closed');
    expect(await asked).toEqual({ reason: 'closed', invited: [] });
    const after = (await invoke(window, 'launcher:get-state')) as LauncherState;
    expect(after.inviteDialog).toBeUndefined();
    // A join on a loaded two-core machine takes a while; nothing here measures speed.
  }, 90_000);
});
