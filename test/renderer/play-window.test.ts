/**
 * Play in the launcher window, in real Chromium: the built page and its bridge over a WebSocket to
 * the test host, main's Play glue over the real join stack, the real demo game as a child process
 * (it asks the launcher to host, on the real local directory over loopback). Play → Starting… →
 * Playing (hosting, with its players) → home when the game exits; a game that crashes brings the
 * window home saying so, in English and Japanese. Every state is checked with axe and saved as a
 * screenshot.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import {
  axeViolations,
  eventually,
  expectJapaneseFont,
  launchChromium,
  openLauncher,
  screenshot,
} from './browser-kit';
import { startLauncherBackend, type LauncherBackend } from './launcher-backend';
import { startTestHost } from './test-host';

let browser: Browser;
let cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  cleanups = [];
});

afterAll(async () => {
  await browser?.close();
});

async function scenario(options: {
  locale: string;
  playArgs?: readonly string[];
}): Promise<{ backend: LauncherBackend; page: Page }> {
  const directory = await startDirectory({ port: 0, seed: 'demo' });
  cleanups.push(() => directory.close());
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
  cleanups.push(() => backend.close());
  const host = await startTestHost(backend.handlers);
  backend.attach(host);
  cleanups.push(() => host.close());
  const launcher = await openLauncher(browser, host.url, { locale: options.locale });
  cleanups.push(async () => {
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });
  await launcher.page.locator('main#content h1').waitFor();
  return { backend, page: launcher.page };
}

/** Records every text the page's main heading shows, so a brief Starting… is not missed. */
async function recordHeadings(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { headings: string[] }).headings = seen;
    const note = () => {
      const text = document.querySelector('main#content h1')?.textContent ?? '';
      if (text !== seen.at(-1)) seen.push(text);
    };
    new MutationObserver(note).observe(document.getElementById('content')!, {
      childList: true,
      subtree: true,
      characterData: true,
    });
    note();
  });
}

const headings = (page: Page) =>
  page.evaluate(() => (window as unknown as { headings: string[] }).headings);
const heading = (page: Page) => page.locator('main#content h1').textContent();
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

async function checkState(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await axeViolations(page), name).toEqual([]);
}

describe('Play in the launcher window', () => {
  it('Play → Starting… → Playing (hosting) → home when the game exits', async () => {
    const { backend, page } = await scenario({ locale: 'en-US' });
    const play = page.getByRole('button', { name: 'Play', exact: true });
    await play.waitFor();
    await checkState(page, 'play-home');
    await recordHeadings(page);

    await play.click();
    await eventually(() => heading(page), { timeout: 30_000 }).toBe('Playing');
    await eventually(() => page.locator('.play-session').textContent(), {
      timeout: 30_000,
    }).toBe('You’re hosting a session.');
    await eventually(() => page.locator('.play-player').allTextContents(), {
      timeout: 30_000,
    }).toEqual([`${backend.signedIn().gamertag} (host)`]);
    expect(await page.getByRole('button', { name: 'Play', exact: true }).count()).toBe(0);
    expect(await focusedId(page)).toBe('play-title');
    await checkState(page, 'play-playing');

    // The player closes the game: the window is home again, with Play and no alert.
    expect(backend.quitGame()).toBe(true);
    await eventually(() => heading(page), { timeout: 30_000 }).toBe('Recent invites');
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await focusedId(page)).toBe('home-title');
    expect(await headings(page)).toEqual([
      'Recent invites',
      'Starting the game…',
      'Playing',
      'Recent invites',
    ]);
    await checkState(page, 'play-home-after');
  });

  it.each([
    ['en-US', 'Play', 'The game closed unexpectedly (exit code 3).', 'play-crashed'],
    ['ja-JP', 'プレイ', 'ゲームが予期せず終了しました（終了コード 3）。', 'play-crashed-ja'],
  ])(
    'a game that crashes brings the window home saying so (%s)',
    async (locale, button, text, name) => {
      const { page } = await scenario({ locale, playArgs: ['-e', 'process.exit(3)'] });
      await recordHeadings(page);
      await page.getByRole('button', { name: button, exact: true }).click();
      await eventually(() => page.getByRole('alert').textContent(), { timeout: 30_000 }).toBe(text);
      const seen = await headings(page);
      expect(seen[0]).toBe(seen.at(-1));
      expect(seen.length).toBeGreaterThanOrEqual(3);
      // Play is offered again at once.
      await page.getByRole('button', { name: button, exact: true }).waitFor();
      if (locale.startsWith('ja')) await expectJapaneseFont(page, '.play-exit');
      await checkState(page, name);
    },
  );
});
