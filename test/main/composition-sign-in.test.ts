/**
 * Signing in through the composition root, with only Electron faked: the real entry module boots
 * against a real local directory on loopback (which plays the identity services), an invite that
 * arrives while nobody is signed in is kept, Sign in opens the authorize page through
 * `shell.openExternal`, the test plays the browser up to the launcher's loopback redirect, the
 * window is told it is signed in, and the kept invite joins with the account's XSTS token (the
 * directory never hands out a development token).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RequestLogEntry, RunningDirectory } from '../../src/directory/directory-options';
import type { Launcher } from '../../src/main/electron/main';
import { APP_ENTRY_URL } from '../../src/main/security/app-origin';
import type { AccountView } from '../../src/shared/account-view';
import type { InboxView } from '../../src/shared/inbox-view';
import type { LauncherState } from '../../src/shared/ipc-contract';
import type { JoinView } from '../../src/shared/join-view';
import { completeAuthorizePage } from './account/sign-in-fixture';
import { bootLauncher, useCompositionHooks, closeInOrder } from './composition-boot';
import { FakeBrowserWindow, FakeEvent, FakeWebContents, current } from '../fakes/electron';

vi.mock('electron', async () => (await import('../fakes/electron')).electronMockFactory());

let launcher: Launcher | undefined;
let directory: RunningDirectory | undefined;
let requests: RequestLogEntry[] = [];

async function boot(argv: string[]): Promise<FakeBrowserWindow> {
  const booted = await bootLauncher(argv);
  launcher = booted.launcher;
  return booted.window;
}

const accountViews = (window: FakeBrowserWindow) =>
  window.webContents.pushes('account:view') as AccountView[];
const joinViews = (window: FakeBrowserWindow) =>
  window.webContents.pushes('join:view') as JoinView[];
const invoke = (window: FakeBrowserWindow, channel: string, args: unknown[] = []) =>
  current().ipcMain.invoke(channel, window.webContents, args);

function waitFor<T>(read: () => T | undefined, what: string): Promise<T> {
  return vi.waitFor(
    () => {
      const found = read();
      if (found === undefined) throw new Error(`not yet: ${what}`);
      return found;
    },
    { timeout: 20_000, interval: 50 },
  );
}

useCompositionHooks({
  async cleanUp() {
    await closeInOrder(launcher, directory);
    launcher = directory = undefined;
  },
});

beforeEach(async () => {
  requests = [];
  directory = await startDirectory({
    seed: 'demo',
    port: 0,
    rateLimits: false,
    onRequest: (entry) => requests.push(entry),
  });
  // The default sign-in: the session directory's own identity services.
  process.env.RALLYPOINT_DIRECTORY_URL = directory.url;
});

describe('signing in from the window', () => {
  it('keeps an invite while signed out, signs in through the browser and joins with the XSTS token', async () => {
    const demo = directory!.demo!;
    const window = await boot(['--', demo.inviteLink]);

    // Signed out: the invite is kept, nothing is written, no development token is asked for.
    await waitFor(
      () => accountViews(window).find((view) => view.state === 'signed-out' && view.inviteWaiting),
      'signed out with the invite waiting',
    );
    const state = (await invoke(window, 'launcher:get-state')) as LauncherState;
    expect(state.account).toEqual({ state: 'signed-out', inviteWaiting: true });
    expect(state.view.phase).toBe('idle');

    // Sign in: the authorize page opens in the system browser (shell.openExternal).
    await invoke(window, 'account:sign-in');
    const opened = await waitFor(() => current().openedExternally[0], 'the browser opened');
    const authorize = new URL(opened);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${directory!.url}/consumers/oauth2/v2.0/authorize`,
    );
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/callback$/,
    );
    await waitFor(
      () => accountViews(window).find((view) => view.state === 'signing-in' && view.inviteWaiting),
      'signing in',
    );
    expect(joinViews(window).every((view) => view.phase === 'idle')).toBe(true);

    // The player signs in as the invited account; the browser comes back to the loopback listener.
    await completeAuthorizePage(opened, 'allow', {
      gamertag: 'RallyPlayer',
      xuid: demo.player.xuid,
    });
    const signedIn = await waitFor(
      () => accountViews(window).find((view) => view.state === 'signed-in'),
      'signed in',
    );
    expect(signedIn).toMatchObject({ xuid: demo.player.xuid, gamertag: 'RallyPlayer', others: [] });

    // The kept invite continues and joins.
    const joined = await waitFor(
      () => joinViews(window).find((view) => view.phase === 'joined'),
      'joined',
    );
    expect(joined.invite?.handleId).toBe(demo.handleId);
    // With the account's XSTS token: the chain ran, no development token was ever issued, and
    // the directory authenticated the session write as the signed-in player.
    const paths = requests.map((entry) => `${entry.method} ${entry.path}`);
    expect(paths).toContain('POST /user/authenticate');
    expect(paths).toContain('POST /xsts/authorize');
    expect(paths.filter((path) => path.includes('/dev/tokens'))).toEqual([]);
    const write = requests.find(
      (entry) => entry.method === 'PUT' && entry.path.startsWith('/handles/'),
    );
    expect(write).toMatchObject({ xuid: demo.player.xuid });
    expect(write?.status).toBeLessThan(300);

    // The chip gets the account's picture, as a data: URL the window's CSP allows.
    const withPicture = await waitFor(
      () => accountViews(window).find((view) => view.state === 'signed-in' && view.picture),
      'the picture',
    );
    expect(withPicture.state === 'signed-in' && withPicture.picture).toMatch(
      /^data:image\/svg\+xml;base64,/,
    );

    // The token cache is encrypted with safeStorage: no token and no gamertag in plain text.
    const cache = readFileSync(join(current().app.userData, 'accounts.bin'));
    expect(cache.toString('utf8')).not.toContain('RallyPlayer');
    expect(cache.toString('utf8')).not.toMatch(/eyJ[\w-]+\.[\w-]+/);

    // Sign out deletes it and the window is told.
    await invoke(window, 'account:sign-out');
    await waitFor(
      () => (accountViews(window).at(-1)?.state === 'signed-out' ? true : undefined),
      'signed out',
    );
    expect(() => readFileSync(join(current().app.userData, 'accounts.bin'))).toThrow();
  });

  it('first run: after sign-in the inbox offers the pending invite as the join card, and accepting joins', async () => {
    const demo = directory!.demo!;
    // A fresh launcher state (no recent-invites file) and no link: the invite is only in the directory.
    const window = await boot([]);
    const inboxViews = () => window.webContents.pushes('inbox:view') as InboxView[];
    await invoke(window, 'account:sign-in');
    const opened = await waitFor(() => current().openedExternally[0], 'the browser opened');
    await completeAuthorizePage(opened, 'allow', {
      gamertag: 'RallyPlayer',
      xuid: demo.player.xuid,
    });
    const offered = await waitFor(
      () => inboxViews().find((view) => view.firstRunOffer !== undefined),
      'the join card',
    );
    expect(offered.firstRunOffer).toMatchObject({
      kind: 'invite',
      handleId: demo.handleId,
      fromXuid: demo.host.xuid,
    });
    const state = (await invoke(window, 'launcher:get-state')) as LauncherState;
    expect(state.inbox?.firstRunOffer?.handleId).toBe(demo.handleId);
    // Arguments are checked in main like every other channel's; an unknown item is refused.
    await expect(invoke(window, 'inbox:accept', ['not-a-handle'])).rejects.toThrow(
      'rallypoint-ipc:bad-arguments',
    );
    await expect(
      invoke(window, 'inbox:accept', ['00000000-1111-4222-8333-444444444444']),
    ).rejects.toThrow('rallypoint-ipc:not-available');
    await invoke(window, 'inbox:accept', [demo.handleId]);
    const joined = await waitFor(
      () => joinViews(window).find((view) => view.phase === 'joined'),
      'joined',
    );
    expect(joined.invite?.handleId).toBe(demo.handleId);
    expect(inboxViews().at(-1)?.firstRunOffer).toBeUndefined();
  });

  it('cancels a sign-in, refuses to switch to an account that is not cached and checks arguments', async () => {
    const window = await boot([]);
    await invoke(window, 'account:sign-in');
    await waitFor(() => current().openedExternally[0], 'the browser opened');
    await waitFor(
      () => accountViews(window).find((view) => view.state === 'signing-in'),
      'signing in',
    );
    await invoke(window, 'account:cancel-sign-in');
    await waitFor(
      () =>
        accountViews(window).find((view) => view.state === 'failed' && view.code === 'cancelled'),
      'cancelled',
    );
    // Switch account goes only to cached accounts; the join screen's development switch is off.
    await expect(invoke(window, 'account:switch', ['2533274800000002'])).rejects.toThrow(
      'rallypoint-ipc:not-available',
    );
    await expect(invoke(window, 'join:switch-account')).rejects.toThrow(
      'rallypoint-ipc:not-available',
    );
    for (const bad of [[], ['not-a-xuid'], ['0123'], [42], ['2533274800000002', 'extra']]) {
      await expect(invoke(window, 'account:switch', bad)).rejects.toThrow(
        'rallypoint-ipc:bad-arguments',
      );
    }
    await expect(invoke(window, 'account:sign-in', ['now'])).rejects.toThrow(
      'rallypoint-ipc:bad-arguments',
    );
    // Only the launcher window's own page may ask: another webContents is refused.
    const stray = new FakeWebContents(current().session.defaultSession);
    await stray.loadURL(APP_ENTRY_URL);
    await expect(current().ipcMain.invoke('account:sign-in', stray)).rejects.toThrow(
      'rallypoint-ipc:unknown-sender',
    );
    expect(current().openedExternally).toHaveLength(1);
  });

  it('after a wrong-account error, switching to a cached account tries the invite again', async () => {
    const demo = directory!.demo!;
    const window = await boot([]);
    // Two accounts signed in on this PC: the invited player first, then someone else.
    for (const account of [
      { gamertag: 'RallyPlayer', xuid: demo.player.xuid },
      { gamertag: 'CouchGuest', xuid: '2535400000000777' },
    ]) {
      const before = current().openedExternally.length;
      await invoke(window, 'account:sign-in');
      const url = await waitFor(() => current().openedExternally[before], 'the browser opened');
      await completeAuthorizePage(url, 'allow', account);
      await waitFor(
        () =>
          accountViews(window).find(
            (view) => view.state === 'signed-in' && view.gamertag === account.gamertag,
          ),
        `signed in as ${account.gamertag}`,
      );
    }
    const guest = accountViews(window).at(-1);
    expect(guest).toMatchObject({
      state: 'signed-in',
      gamertag: 'CouchGuest',
      others: [{ xuid: demo.player.xuid, gamertag: 'RallyPlayer' }],
    });

    // The invite is for RallyPlayer: as CouchGuest it fails with wrong-account, writing nothing.
    current().app.emit('second-instance', new FakeEvent(), ['rallypoint', demo.inviteLink], '/');
    const refused = await waitFor(
      () => joinViews(window).find((view) => view.phase === 'failed'),
      'wrong-account',
    );
    expect(refused.error?.code).toBe('wrong-account');

    // Switch account to the cached invited account: the invite is tried again and joins.
    await invoke(window, 'account:switch', [demo.player.xuid]);
    const joined = await waitFor(
      () => joinViews(window).find((view) => view.phase === 'joined'),
      'joined after the switch',
    );
    expect(joined.invite?.handleId).toBe(demo.handleId);
    expect(accountViews(window).at(-1)).toMatchObject({
      state: 'signed-in',
      gamertag: 'RallyPlayer',
    });
  });
});
