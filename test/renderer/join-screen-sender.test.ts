/**
 * The join screen names the invite's sender in real Chromium: gamertag and picture once main knows
 * them, "a friend" until then or when the lookup failed, in English and Japanese, axe-clean, with
 * a screenshot of each. The picture is served by a real local directory on another loopback port,
 * so the page's own CSP (index.html's meta policy) decides whether it loads; a picture from any
 * other origin is never drawn.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import { en } from '../../src/renderer/i18n/en';
import { ja } from '../../src/renderer/i18n/ja';
import type { LauncherState } from '../../src/shared/ipc-contract';
import type { JoinView } from '../../src/shared/join-view';
import { player } from '../directory/directory-test-client';
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

let browser: Browser;
let host: TestHost;
let directory: RunningDirectory;
let pictureUrl = '';
let state: LauncherState;

const handlers: InvokeHandlers = idleHandlers(() => state);

beforeAll(async () => {
  [browser, host, directory] = await Promise.all([
    launchChromium(),
    startTestHost(handlers),
    startDirectory({ port: 0, rateLimits: false }),
  ]);
  // A player the directory knows: its profile service draws their picture.
  const sender = await player(directory.url, 'NovaRunner');
  pictureUrl = `${directory.url}/people/pictures/${sender.xuid}.svg`;
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await directory?.close();
});

const handleId = '4f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c';

function writing(invite: JoinView['invite']): JoinView {
  return { phase: 'writingSession', attempt: 1, canRetry: false, ...(invite ? { invite } : {}) };
}

async function open(view: JoinView, locale: string) {
  state = { view, recent: [], locale, devMode: false };
  const launcher = await openLauncher(browser, host.url, { locale });
  await launcher.page.locator('main#content h1').waitFor();
  return launcher;
}

/** Whether the sender picture is in the page and Chromium decoded it. */
const pictureDrawn = (page: Page) =>
  page.evaluate(() => {
    const image = document.querySelector<HTMLImageElement>('img.sender-picture');
    return image !== null && image.complete && image.naturalWidth > 0;
  });

describe('the join screen names the sender', () => {
  for (const [locale, catalogue] of [
    ['en-US', en],
    ['ja-JP', ja],
  ] as const) {
    const lang = locale.slice(0, 2);
    it(`${lang}: "a friend" first, then gamertag and picture as main learns them`, async () => {
      const launcher = await open(writing({ kind: 'invite', handleId }), locale);
      const { page } = launcher;
      const title = page.locator('h1');
      expect(await title.textContent()).toBe(catalogue['join.title.inviteFromFriend']);
      expect(await page.locator('img').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      if (lang === 'ja') await expectJapaneseFont(page, 'h1');
      await screenshot(page, `join-sender-${lang}-a-friend`);

      host.push('join:view', writing({ kind: 'invite', handleId, from: 'NovaRunner', pictureUrl }));
      await eventually(() => title.textContent()).toBe(
        catalogue['join.title.invite'].replace('{from}', 'NovaRunner'),
      );
      await eventually(() => pictureDrawn(page)).toBe(true);
      expect(await page.locator('img.sender-picture').getAttribute('alt')).toBe('');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `join-sender-${lang}-named`);

      // A join from the sender's profile reads the same way.
      host.push('join:view', writing({ kind: 'join', handleId }));
      await eventually(() => title.textContent()).toBe(catalogue['join.title.joinFromFriend']);
      expect(await page.locator('img').count()).toBe(0);
      // No CSP violation, no console error: the directory's picture is allowed by the page.
      expect(launcher.problems).toEqual([]);
      await launcher.close();
    });
  }

  it('draws no picture from an origin the policy does not list, and names as text only', async () => {
    const launcher = await open(writing({ kind: 'invite', handleId }), 'en-US');
    const { page } = launcher;
    for (const refused of [
      'https://example.com/p.png',
      'javascript:alert(1)',
      'http://192.0.2.1/p.png',
      'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"/>',
    ]) {
      const from = `<img src=x onerror="window.pwned=1">${refused.length}`;
      host.push('join:view', writing({ kind: 'invite', handleId, from, pictureUrl: refused }));
      await eventually(() => page.locator('h1').textContent()).toBe(`${from} invited you to play`);
      expect(await page.locator('img').count(), refused).toBe(0);
    }
    expect(await page.evaluate(() => 'pwned' in window)).toBe(false);
    // A name that is nothing but bidi controls is no name: "a friend".
    host.push('join:view', writing({ kind: 'invite', handleId, from: '\u202e\u2066' }));
    await eventually(() => page.locator('h1').textContent()).toBe(
      en['join.title.inviteFromFriend'],
    );
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });

  it('a picture that does not load is taken out, and the name stays', async () => {
    const missing = `${directory.url}/people/pictures/1.svg`;
    const launcher = await open(
      writing({ kind: 'invite', handleId, from: 'NovaRunner', pictureUrl: missing }),
      'en-US',
    );
    const { page } = launcher;
    await eventually(() => page.locator('img').count()).toBe(0);
    expect(await page.locator('h1').textContent()).toBe('NovaRunner invited you to play');
    await launcher.close();
  });

  it('the recent list says "a friend" for a sender never named', async () => {
    state = {
      view: { phase: 'idle', attempt: 0, canRetry: false },
      recent: [
        { handleId, kind: 'invite', outcome: 'joined', at: Date.now() },
        {
          handleId: handleId.replace('4', '5'),
          kind: 'join',
          from: 'NovaRunner',
          outcome: 'joined',
          at: Date.now(),
        },
      ],
      locale: 'ja-JP',
      devMode: false,
    };
    const launcher = await openLauncher(browser, host.url, { locale: 'ja-JP' });
    const { page } = launcher;
    await eventually(() => page.locator('.recent-from').allTextContents()).toEqual([
      ja['recent.inviteFromFriend'],
      ja['recent.join'].replace('{from}', 'NovaRunner'),
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await launcher.close();
  });
});
