/**
 * Play in the launcher window, in real Chromium: the built page and its bridge over a WebSocket to
 * the test host, main's Play glue over the real join stack, the real demo game as a child process
 * (it asks the launcher to host, on the real local directory over loopback). Play → Starting… →
 * Playing (hosting, with its players) → Play again when the game exits, the home staying below;
 * a game that crashes brings Play back saying so, in English and Japanese. Every state is checked with axe and saved as a
 * screenshot.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
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

async function scenario(options: {
  locale: string;
  playArgs?: readonly string[];
}): Promise<{ backend: LauncherBackend; page: Page }> {
  const directory = await startDirectory({ port: 0, seed: 'demo' });
  suite.onCleanup(() => directory.close());
  const demo = directory.demo!;
  const player = { xuid: demo.player.xuid, gamertag: demo.player.gamertag };
  const backend = await startLauncherBackend({
    directoryUrl: directory.url,
    demoInviteLink: demo.inviteLink,
    signedIn: player,
    accounts: [player],
    locale: options.locale,
    devMode: false,
    ...(options.playArgs ? { playArgs: options.playArgs } : {}),
  });
  suite.onCleanup(() => backend.close());
  const host = await startTestHost(backend.handlers);
  backend.attach(host);
  suite.onCleanup(() => host.close());
  const launcher = await openLauncher(suite.browser(), host.url, { locale: options.locale });
  suite.onCleanup(async () => {
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });
  await launcher.page.locator('main#content h1').waitFor();
  return { backend, page: launcher.page };
}

/**
 * Records every text the Play card says (its live region, or its button), so a brief Starting…
 * is not missed.
 */
async function recordPlayCard(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { said: string[] }).said = seen;
    const note = () => {
      const status = document.querySelector<HTMLElement>('.play-card [role="status"]');
      const text =
        status && !status.hidden
          ? (status.textContent ?? '')
          : (document.querySelector('[data-action="play"]')?.textContent ?? '');
      if (text !== seen.at(-1)) seen.push(text);
    };
    new MutationObserver(note).observe(document.getElementById('content')!, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
    });
    note();
  });
}

const said = (page: Page) => page.evaluate(() => (window as unknown as { said: string[] }).said);
const playStatus = (page: Page) => page.locator('.play-card [role="status"]');
const focused = (page: Page) =>
  page.evaluate(
    () => document.activeElement?.id || document.activeElement?.getAttribute('data-action'),
  );

async function checkState(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await axeViolations(page), name).toEqual([]);
}

describe('Play in the launcher window', () => {
  it('Play → Starting… → Playing (hosting) → Play again when the game exits', async () => {
    const { backend, page } = await scenario({ locale: 'en-US' });
    const play = page.getByRole('button', { name: 'Play', exact: true });
    await play.waitFor();
    await checkState(page, 'play-home');
    await recordPlayCard(page);

    await play.focus();
    await page.keyboard.press('Enter');
    await eventually(() => playStatus(page).textContent(), { timeout: 30_000 }).toBe('Playing');
    await eventually(() => page.locator('.play-session').textContent(), {
      timeout: 30_000,
    }).toBe('You’re hosting a session.');
    await eventually(() => page.locator('.play-player').allTextContents(), {
      timeout: 30_000,
    }).toEqual([`${backend.signedIn().gamertag} (host)`]);
    // One game at a time: no Play while it runs; the home (recent invites) stays below.
    expect(await page.getByRole('button', { name: 'Play', exact: true }).count()).toBe(0);
    expect(await page.locator('main#content h1').textContent()).toBe('Recent invites');
    expect(await focused(page)).toBe('play-status');
    await checkState(page, 'play-playing');

    // In the game's session the player can invite friends into it, from the window.
    const invite = page.getByRole('button', { name: 'Invite friends' });
    await invite.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await eventually(() => dialog.getAttribute('aria-busy'), { timeout: 30_000 }).toBeNull();
    // Friends were read for the game's session: neither "join or host first" nor a failure.
    expect(await dialog.locator('.invite-status').textContent()).not.toMatch(
      /Join or host|couldn’t be loaded/,
    );
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // Focus returns in the dialog's `close` event, a task queued after the dialog hides.
    await eventually(() => focused(page)).toBe('inviteFriends');

    // The player closes the game: Play is back, with no alert, and has the focus.
    expect(backend.quitGame()).toBe(true);
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor({ timeout: 30_000 });
    expect(await playStatus(page).isHidden()).toBe(true);
    expect(await page.getByRole('alert').count()).toBe(0);
    await eventually(() => focused(page)).toBe('play');
    expect(await said(page)).toEqual(['Play', 'Starting the game…', 'Playing', 'Play']);
    await checkState(page, 'play-home-after');
  });

  it.each([
    ['en-US', 'Play', 'The game closed unexpectedly (exit code 3).', 'play-crashed'],
    ['ja-JP', 'プレイ', 'ゲームが予期せず終了しました（終了コード 3）。', 'play-crashed-ja'],
  ])('a game that crashes brings Play back saying so (%s)', async (locale, button, text, name) => {
    const { page } = await scenario({ locale, playArgs: ['-e', 'process.exit(3)'] });
    await recordPlayCard(page);
    await page.getByRole('button', { name: button, exact: true }).click();
    await eventually(() => page.getByRole('alert').textContent(), { timeout: 30_000 }).toBe(text);
    const seen = await said(page);
    expect(seen[0]).toBe(button);
    expect(seen.at(-1)).toBe(button);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    // Play is offered again at once.
    await page.getByRole('button', { name: button, exact: true }).waitFor();
    if (locale.startsWith('ja')) await expectJapaneseFont(page, '.play-exit');
    await checkState(page, name);
  });
});
