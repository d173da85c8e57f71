/**
 * The inbox in real Chromium, end to end: the built page and its bridge, main's own inbox wiring
 * (src/main/inbox) reading a real local directory over loopback, and the real join stack with the
 * demo game. Invites sent to the player and a followed player's game appear (a stranger's does
 * not); Decline deletes the invite; Join joins through the same join flow as a link; focus reads
 * the inbox again; the first run offers the newest invite as the join card and one click joins.
 * English and Japanese, axe-clean, with screenshots.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../directory/directory-test-client';
import { removeBuiltPrograms } from '../main/join/join-service-fixture';
import { startInboxScenario, type InboxScenario } from '../main/inbox/inbox-scenario';
import {
  axeViolations,
  eventually,
  expectJapaneseFont,
  useBrowserSuite,
  openLauncher,
  screenshot,
} from './browser-kit';
import { startLauncherBackend, type LauncherBackend } from './launcher-backend';
import { startTestHost } from './test-host';

const suite = useBrowserSuite();
afterAll(() => {
  removeBuiltPrograms();
});

interface Opened {
  readonly inbox: InboxScenario;
  readonly backend: LauncherBackend;
  readonly page: Page;
}

/** A directory with the scene set, `prepare` run on it, then the window opened on it. */
async function open(options: {
  locale: string;
  firstRun: boolean;
  prepare: (inbox: InboxScenario) => Promise<void>;
}): Promise<Opened> {
  const inbox = await startInboxScenario();
  suite.onCleanup(() => inbox.close());
  await options.prepare(inbox);
  const backend = await startLauncherBackend({
    directoryUrl: inbox.url,
    demoInviteLink: '',
    signedIn: inbox.me,
    accounts: [inbox.me],
    locale: options.locale,
    devMode: false,
    inbox: { player: inbox.inboxPlayer(), firstRun: options.firstRun },
  });
  suite.onCleanup(() => backend.close());
  const host = await startTestHost(backend.handlers);
  backend.attach(host);
  suite.onCleanup(() => host.close());
  const launcher = await openLauncher(suite.browser(), host.url, { locale: options.locale });
  suite.onCleanup(() => launcher.close());
  await launcher.page.locator('main#content h1').waitFor();
  return { inbox, backend, page: launcher.page };
}

const listed = (page: Page) =>
  page
    .locator('.inbox-item')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-handle-id')));
const row = (page: Page, handleId: string) =>
  page.locator(`.inbox-item[data-handle-id="${handleId}"]`);

describe('the inbox in the window', () => {
  it('lists invites and a followed player’s game; Decline removes, Join joins (English)', async () => {
    let declined = '';
    let accepted = { handleId: '', members: async (): Promise<string[]> => [] };
    const { inbox, backend, page } = await open({
      locale: 'en-US',
      firstRun: false,
      prepare: async (scene) => {
        declined = (await scene.invite()).handleId;
        const invite = await scene.invite('Ranked duel on Harbor Point');
        accepted = { handleId: invite.handleId, members: () => invite.session.memberXuids() };
      },
    });
    await eventually(() => listed(page)).toHaveLength(3);
    const ids = await listed(page);
    expect(ids).toEqual(
      expect.arrayContaining([declined, accepted.handleId, inbox.friendActivity]),
    );
    expect(ids).not.toContain(inbox.strangerActivity);
    expect(await row(page, accepted.handleId).locator('.inbox-from').textContent()).toBe(
      'TestHost invited you',
    );
    expect(await row(page, accepted.handleId).locator('.inbox-context').textContent()).toBe(
      'Ranked duel on Harbor Point',
    );
    expect(await row(page, accepted.handleId).locator('.inbox-meta').textContent()).toMatch(
      /^1 of 16 players · /,
    );
    expect(await row(page, inbox.friendActivity).locator('.inbox-from').textContent()).toBe(
      'FollowedFriend is playing',
    );
    // A followed player's game can be joined, not declined.
    expect(
      await row(page, inbox.friendActivity).locator('[data-action="inboxDecline"]').count(),
    ).toBe(0);
    await screenshot(page, 'inbox-en');
    expect(await axeViolations(page)).toEqual([]);

    await row(page, declined).locator('[data-action="inboxDecline"]').click();
    await eventually(() => listed(page)).not.toContain(declined);
    expect(
      (await call(inbox.url, 'GET', `/handles/${declined}`, { as: inbox.friend })).status,
    ).toBe(404);

    await row(page, accepted.handleId).locator('[data-action="inboxAccept"]').click();
    await eventually(() => backend.view().phase, { timeout: 30_000 }).toBe('joined');
    expect(await accepted.members()).toContain(inbox.me.xuid);
    expect(backend.view().invite?.handleId).toBe(accepted.handleId);
  });

  it('reads the inbox again when the window gains focus', async () => {
    const { inbox, page } = await open({
      locale: 'en-US',
      firstRun: false,
      prepare: async () => undefined,
    });
    await eventually(() => listed(page)).toEqual([inbox.friendActivity]);
    const { handleId } = await inbox.invite('Sent while the window was open');
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await eventually(() => listed(page)).toContain(handleId);
  });

  it('shows the same inbox in Japanese, drawn with a Japanese font', async () => {
    const { inbox, page } = await open({
      locale: 'ja-JP',
      firstRun: false,
      prepare: async (scene) => {
        await scene.invite('ランクマッチ');
      },
    });
    await eventually(() => listed(page)).toHaveLength(2);
    expect(await page.locator('#inbox-title').textContent()).toBe('招待とプレイ中のフレンド');
    expect(await row(page, inbox.friendActivity).locator('.inbox-from').textContent()).toBe(
      'FollowedFriend さんがプレイ中です',
    );
    expect(await page.locator('[data-action="inboxDecline"]').first().textContent()).toBe('断る');
    await expectJapaneseFont(page, '#inbox-title');
    await screenshot(page, 'inbox-ja');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('first run: the newest pending invite is the join card, and one click joins', async () => {
    let newest = { handleId: '', members: async (): Promise<string[]> => [] };
    const { inbox, backend, page } = await open({
      locale: 'en-US',
      firstRun: true,
      prepare: async (scene) => {
        await scene.invite('An older invite');
        const invite = await scene.invite('Come play');
        newest = { handleId: invite.handleId, members: () => invite.session.memberXuids() };
      },
    });
    const card = page.locator('.join-offer');
    await card.waitFor();
    expect(await card.getAttribute('data-handle-id')).toBe(newest.handleId);
    expect(await card.locator('h2').textContent()).toBe('TestHost invited you');
    // The card is not listed twice.
    expect(await listed(page)).not.toContain(newest.handleId);
    await screenshot(page, 'inbox-first-run-en');
    expect(await axeViolations(page)).toEqual([]);
    await card.locator('[data-action="offerAccept"]').click();
    await eventually(() => backend.view().phase, { timeout: 30_000 }).toBe('joined');
    expect(await newest.members()).toContain(inbox.me.xuid);
    expect(await page.locator('.join-offer').count()).toBe(0);
  });
});
