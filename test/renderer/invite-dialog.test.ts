/**
 * The window's invite dialog in real Chromium, driven through the real main-process dialog
 * (src/main/invite-dialog) against a real local directory on 127.0.0.1:0: friends listed with
 * pictures and online state (Bob holds a real presence connection), the search box filters them,
 * several are chosen and sent (the directory then holds their invite handles), a refusal is said
 * per friend, the web invite link is copied, Escape closes and focus returns, a game's request
 * opens it, and every state passes axe in English and Japanese. Screenshots: invite-dialog-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { hostSession } from '../../src/main/game/session-hosting';
import { InviteDialog, type InviteDialogSession } from '../../src/main/invite-dialog/invite-dialog';
import { inviteDialogHandlers } from '../../src/main/ipc/invite-dialog-handlers';
import { createDirectoryClient } from '../../src/main/join/directory-client';
import { defaultGameTitle } from '../../src/main/join/launcher-config';
import { createDevTokenProvider } from '../../src/main/join/token-provider';
import type { LauncherState } from '../../src/shared/ipc-contract';
import type { JoinView } from '../../src/shared/join-view';
import { en } from '../../src/renderer/i18n/en';
import { ja } from '../../src/renderer/i18n/ja';
import { holdPresence } from '../directory/directory-test-client';
import {
  authorization,
  player,
  testDirectory,
  type Identity,
} from '../main/join/join-service-fixture';
import {
  axeViolations,
  eventually,
  expectJapaneseFont,
  launchChromium,
  openLauncher,
  screenshot,
} from './browser-kit';
import { startTestHost, type InvokeHandlers, type TestHost } from './test-host';
import { idleHandlers } from './idle-handlers';

const alice = player(951);
const bob = player(952);
const carol = player(953);
const dave = player(954);

let browser: Browser;
let host: TestHost;
let directory: RunningDirectory;
let releaseBob: () => Promise<void>;
let roomy: InviteDialogSession;
let full: InviteDialogSession;
let current: InviteDialogSession;
let state: LauncherState;
const clipboard: string[] = [];

const joined: JoinView = {
  phase: 'joined',
  attempt: 1,
  canRetry: false,
  invite: { kind: 'invite', handleId: '5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f', from: 'Harbor Host' },
  session: { membersCount: 2, maxMembersCount: 4 },
};

function callsAs(who: Identity, follows: readonly string[] = []) {
  return createDirectoryClient({
    baseUrl: directory.url,
    tokens: createDevTokenProvider({ baseUrl: directory.url, ...who, follows }),
  });
}

async function aliceHosts(seats: number): Promise<InviteDialogSession> {
  const calls = callsAs(alice, [bob.xuid, carol.xuid, dave.xuid]);
  const hosted = await hostSession(
    calls,
    defaultGameTitle,
    { xuid: alice.xuid, seats, joinRestriction: 'followed', connection: '10.0.0.1:7777' },
    AbortSignal.timeout(10_000),
  );
  if (!hosted.ok) throw new Error(hosted.error.message);
  return { sessionRef: hosted.value.sessionRef, playerXuid: alice.xuid, calls };
}

beforeAll(async () => {
  directory = await testDirectory();
  roomy = await aliceHosts(4);
  full = await aliceHosts(1);
  current = roomy;
  await authorization(directory.url, carol);
  releaseBob = await holdPresence(directory.url, {
    ...bob,
    authorization: await authorization(directory.url, bob),
  });
  const dialog = new InviteDialog({
    session: () => current,
    title: defaultGameTitle,
    webInviteBase: directory.url,
    pictureOrigin: directory.url,
    show: () => host.push('invite-dialog:show', { requestedBy: 'game' }),
    writeClipboard: (text) => clipboard.push(text),
  });
  const handlers: InvokeHandlers = idleHandlers(() => state, {
    ...inviteDialogHandlers(dialog),
  });
  [browser, host] = await Promise.all([launchChromium(), startTestHost(handlers)]);
});

afterAll(async () => {
  await host?.close();
  await browser?.close();
  await releaseBob?.();
  await directory?.close();
});

async function openWindow(locale: string) {
  state = { view: joined, recent: [], locale, devMode: false };
  const launcher = await openLauncher(browser, host.url, { locale });
  await launcher.page.locator('main#content h1').waitFor();
  return launcher;
}

const rowNames = (page: Page) =>
  page.locator('dialog .friend-item:not([hidden]) .friend-name').allTextContents();

describe('invite dialog', () => {
  it('lists friends with online state, filters, sends per friend and copies the link', async () => {
    const launcher = await openWindow('en-US');
    const { page } = launcher;
    const invite = page.getByRole('button', { name: en['inviteDialog.open'] });
    await invite.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: en['inviteDialog.title'] });
    await dialog.waitFor();
    // Online first; a friend the profile service does not know shows by XUID.
    await eventually(() => rowNames(page)).toEqual([bob.gamertag, carol.gamertag, dave.xuid]);
    const presence = await page.locator('dialog .friend-item .presence').allTextContents();
    expect(presence).toEqual([
      en['inviteDialog.online'],
      en['inviteDialog.offline'],
      en['inviteDialog.offline'],
    ]);
    expect(
      await page.locator(`dialog .friend-item[data-xuid="${bob.xuid}"] img`).getAttribute('src'),
    ).toBe(`${directory.url}/people/pictures/${bob.xuid}.svg`);
    // The search box has focus and filters as the player types.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('invite-search');
    await page.keyboard.type('ayer953');
    await eventually(() => rowNames(page)).toEqual([carol.gamertag]);
    await page.keyboard.type('zzz');
    await eventually(() =>
      page.locator('dialog .invite-hint:not([hidden])').allTextContents(),
    ).toContain('No friend matches “ayer953zzz”.');
    await page.getByLabel(en['inviteDialog.search']).fill('');
    await eventually(() => rowNames(page)).toHaveLength(3);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'invite-dialog-en-friends');

    // Keyboard focus stays inside the modal dialog, both ways round.
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press(i < 8 ? 'Tab' : 'Shift+Tab');
      expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(
        true,
      );
    }

    await page.getByRole('checkbox', { name: bob.gamertag }).check();
    await page.getByRole('checkbox', { name: carol.gamertag }).check();
    await page.getByLabel(en['inviteDialog.message']).fill('Harbor map, bring snacks');
    const send = page.getByRole('button', { name: 'Send 2 invites' });
    await send.click();
    await eventually(() => page.getByRole('status').last().textContent()).toBe('2 invites sent.');
    const bobRow = page.locator(`dialog .friend-item[data-xuid="${bob.xuid}"]`);
    expect(await bobRow.locator('.badge').textContent()).toBe(en['inviteDialog.sent']);
    expect(await page.getByRole('checkbox', { name: bob.gamertag }).isDisabled()).toBe(true);

    // The directory now holds one invite handle for each, with the message as its context.
    for (const friend of [bob, carol]) {
      const query = await callsAs(friend).call(
        'POST',
        '/handles/query',
        { type: 'invite' },
        { signal: AbortSignal.timeout(10_000) },
      );
      const handles = query.ok
        ? (
            JSON.parse(query.value.text) as {
              results: { inviteAttributes?: { context?: string } }[];
            }
          ).results
        : [];
      expect(handles.map((handle) => handle.inviteAttributes?.context)).toEqual([
        'Harbor map, bring snacks',
      ]);
    }

    await bobRow.getByRole('button', { name: `Copy invite link for ${bob.gamertag}` }).click();
    await eventually(() => clipboard.length).toBe(1);
    expect(clipboard[0]).toMatch(new RegExp(`^${directory.url}/invite/[0-9a-f-]{36}$`));
    await eventually(() => page.getByRole('status').last().textContent()).toBe(
      `Invite link for ${bob.gamertag} copied.`,
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'invite-dialog-en-sent');

    // Escape closes it, main hears so, and focus returns to Invite friends.
    const closedBefore = host.invoked.filter(
      (channel) => channel === 'invite-dialog:closed',
    ).length;
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await eventually(
      () => host.invoked.filter((channel) => channel === 'invite-dialog:closed').length,
    ).toBe(closedBefore + 1);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe(
      'inviteFriends',
    );
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });

  it('says per friend why an invite failed (a full game)', async () => {
    current = full;
    try {
      const launcher = await openWindow('en-US');
      const { page } = launcher;
      await page.getByRole('button', { name: en['inviteDialog.open'] }).click();
      await eventually(() => rowNames(page)).toHaveLength(3);
      await page.getByRole('checkbox', { name: carol.gamertag }).check();
      await page.getByRole('button', { name: 'Send 1 invite' }).click();
      const carolRow = page.locator(`dialog .friend-item[data-xuid="${carol.xuid}"]`);
      await eventually(() => carolRow.locator('.badge-failure').textContent()).toBe(
        `The game is full, so ${carol.gamertag} can’t be invited right now.`,
      );
      expect(await page.getByRole('status').last().textContent()).toBe(en['inviteDialog.noneSent']);
      expect(await page.getByRole('checkbox', { name: carol.gamertag }).isChecked()).toBe(false);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'invite-dialog-en-full');
      await launcher.close();
    } finally {
      current = roomy;
    }
  });

  it('opens when the game asks, in Japanese, axe-clean', async () => {
    const launcher = await openWindow('ja-JP');
    const { page } = launcher;
    host.push('invite-dialog:show', { requestedBy: 'game' });
    const dialog = page.getByRole('dialog', { name: ja['inviteDialog.title'] });
    await dialog.waitFor();
    await eventually(() => rowNames(page)).toHaveLength(3);
    expect(await page.locator('dialog .friend-item .presence').first().textContent()).toBe(
      ja['inviteDialog.online'],
    );
    await page.getByRole('checkbox', { name: carol.gamertag }).check();
    expect(await page.getByRole('button', { name: '1 件の招待を送信' }).isVisible()).toBe(true);
    await expectJapaneseFont(page, 'dialog .invite-title');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'invite-dialog-ja-friends');
    await dialog.getByRole('button', { name: ja['inviteDialog.close'] }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });
});
