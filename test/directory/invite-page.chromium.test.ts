/**
 * The web invite page in a real browser (Chromium, headless): for a valid invite the page tries
 * the `rallypoint://` link at once (seen as the browser's navigation request), no launcher takes
 * it here, so after the wait it shows "Get Rallypoint" with the installer for the browser's
 * operating system and "Open again" (which tries the link again); an expired invite gets the 404
 * page; Japanese for a Japanese browser, drawn with a Japanese font. Every page is axe-clean and
 * raises no CSP violation or console error beyond Chromium's note that no application handles
 * the scheme. Screenshots go to test-results/screenshots (docs/images has copies).
 */
import { readFileSync } from 'node:fs';
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import {
  axeViolations,
  eventually,
  expectJapaneseFont,
  launchChromium,
  screenshot,
} from '../renderer/browser-kit';
import { call, joinBody, player, scid, sessionUrl, type Player } from './directory-test-client';

const downloads = {
  windows: 'https://downloads.example.com/Rallypoint-Setup.exe',
  macos: 'https://downloads.example.com/Rallypoint.dmg',
  linux: 'https://downloads.example.com/Rallypoint.AppImage',
};
const agents = {
  windows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36',
  macos:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36',
};
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

let browser: Browser;
let directory: RunningDirectory;
let host: Player;
let invited: Player;
const clock = { ms: Date.now() };
let counter = 0;

beforeAll(async () => {
  [browser, directory] = await Promise.all([
    launchChromium(),
    startDirectory({
      rateLimits: false,
      clock: { now: () => clock.ms },
      handleLifetimeMs: 60 * 60_000,
      invitePage: { gameName: 'Harbor Raid', downloads },
      onLog: () => undefined,
    }),
  ]);
  host = await player(directory.url, 'Harbor Host');
  invited = await player(directory.url, 'Invited Friend');
});
afterAll(async () => {
  await browser?.close();
  await directory?.close();
});

/** A session of the host with three players and an invite for `invited`; the handle id. */
async function invite(context?: string): Promise<string> {
  const name = `chromium-${++counter}`;
  const created = await call(directory.url, 'PUT', sessionUrl(name), {
    as: host,
    body: { ...joinBody(host), constants: { system: { maxMembersCount: 8 } } },
  });
  expect(created.status, created.text).toBe(201);
  for (const gamertag of ['Teammate One', 'Teammate Two']) {
    const mate = await player(directory.url, gamertag);
    const joined = await call(directory.url, 'PUT', sessionUrl(name), {
      as: mate,
      body: joinBody(mate),
    });
    expect(joined.status, joined.text).toBe(200);
  }
  const handle = await call(directory.url, 'POST', '/handles', {
    as: host,
    body: {
      version: 1,
      type: 'invite',
      sessionRef: { scid, templateName: 'default', name },
      invitedXuid: invited.xuid,
      inviteAttributes: { titleId: '1717113201', ...(context ? { context } : {}) },
    },
  });
  expect(handle.status, handle.text).toBe(201);
  return handle.json<{ id: string }>().id;
}

interface Visit {
  readonly page: Page;
  /** `rallypoint:` URLs the page asked the browser to open. */
  readonly appNavigations: string[];
  /** CSP violations and console errors, but Chromium's note about the unhandled scheme. */
  readonly problems: string[];
  close(): Promise<void>;
}

async function visit(
  path: string,
  options: { locale: string; userAgent: string },
): Promise<{ visit: Visit; status: number | undefined }> {
  const context = await browser.newContext({
    viewport: { width: 560, height: 760 },
    locale: options.locale,
    userAgent: options.userAgent,
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const appNavigations: string[] = [];
  const problems: string[] = [];
  // Chromium reports every navigation a script asks for; a `rallypoint:` one is the page trying
  // the launcher (the browser would then hand it to the operating system).
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.enable');
  cdp.on('Page.frameRequestedNavigation', (event) => {
    if (event.url.startsWith('rallypoint:')) appNavigations.push(event.url);
  });
  page.on('console', (message) => {
    // A failed load is judged by its response below (the browser's own favicon request is one).
    // Chromium launches one external link per user gesture in the whole browser; the tests share
    // one browser and click nothing, so later pages get its note that the launch needs a gesture
    // (the attempt itself is what they check).
    const text = message.text();
    if (
      message.type() === 'error' &&
      !text.startsWith('Failed to load resource') &&
      !/^Not allowed to launch 'rallypoint:\/\/.*because a user gesture is required\.$/.test(text)
    )
      problems.push(text);
  });
  page.on('response', (response) => {
    const { pathname } = new URL(response.url());
    if (response.status() >= 400 && pathname !== '/favicon.ico' && !pathname.startsWith('/invite/'))
      problems.push(`${response.status()} for ${pathname}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  const response = await page.goto(`${directory.url}${path}`);
  return {
    status: response?.status(),
    visit: { page, appNavigations, problems, close: () => context.close() },
  };
}

/** axe-core, evaluated through the DevTools protocol so the page's own CSP stays as it is. */
async function expectAxeClean(page: Page): Promise<void> {
  await page.evaluate(axeSource);
  expect(await axeViolations(page)).toEqual([]);
}

describe('the web invite page in Chromium', () => {
  it('opens the app link at once, then offers the Windows installer and Open again', async () => {
    const id = await invite('squad up');
    const { visit: tab, status } = await visit(`/invite/${id}`, {
      locale: 'en-US',
      userAgent: agents.windows,
    });
    const { page } = tab;
    expect(status).toBe(200);
    const expected = `rallypoint://inviteHandleAccept?handle=${id}&invitedXuid=${invited.xuid}&senderXuid=${host.xuid}&context=squad%20up`;
    await eventually(() => tab.appNavigations.length).toBeGreaterThanOrEqual(1);
    expect(tab.appNavigations[0]).toBe(expected);
    // The page stays (nothing here handles the scheme) and names who invited to what.
    expect(page.url()).toBe(`${directory.url}/invite/${id}`);
    await expect(page.locator('h1').textContent()).resolves.toBe(
      'Harbor Host invited you to play Harbor Raid',
    );
    await expect(page.locator('#players').textContent()).resolves.toBe('3 of 8 players');
    expect(
      await page.locator('.card img').evaluate((image: HTMLImageElement) => image.naturalWidth),
    ).toBe(64);

    // No launcher took the link: after the wait the installer for Windows is offered.
    await page.locator('#fallback').waitFor({ state: 'visible', timeout: 15_000 });
    await expect(page.locator('#status').isHidden()).resolves.toBe(true);
    const download = page.locator('#download');
    await expect(download.getAttribute('href')).resolves.toBe(downloads.windows);
    await expect(download.textContent()).resolves.toBe('Download for Windows');
    await expect(page.locator('#fallback h2').textContent()).resolves.toBe('Get Rallypoint');
    await expectAxeClean(page);
    await screenshot(page, 'invite-page-en-fallback');

    const before = tab.appNavigations.length;
    // A synthetic click: after the first attempt this headless Chromium delivered no trusted
    // input (page.click) to the page at all, while the button's handler runs for a DOM click.
    await page.locator('#open-again').dispatchEvent('click');
    await eventually(() => tab.appNavigations.length).toBeGreaterThan(before);
    expect(tab.appNavigations.at(-1)).toBe(expected);
    expect(tab.problems).toEqual([]);
    await tab.close();
  });

  it('shows the page in Japanese, with the macOS installer for a Mac', async () => {
    const id = await invite();
    const { visit: tab } = await visit(`/invite/${id}`, {
      locale: 'ja-JP',
      userAgent: agents.macos,
    });
    const { page } = tab;
    await eventually(() => tab.appNavigations.length).toBeGreaterThanOrEqual(1);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('ja');
    await expect(page.locator('h1').textContent()).resolves.toBe(
      'Harbor HostさんからHarbor Raidへの招待が届きました',
    );
    await page.locator('#fallback').waitFor({ state: 'visible', timeout: 15_000 });
    await expect(page.locator('#download').getAttribute('href')).resolves.toBe(downloads.macos);
    await expect(page.locator('#download').textContent()).resolves.toBe('macOS版をダウンロード');
    await expect(page.locator('#open-again').textContent()).resolves.toBe('もう一度開く');
    await expectJapaneseFont(page, '#fallback-title');
    await expectAxeClean(page);
    await screenshot(page, 'invite-page-ja-fallback');
    expect(tab.problems).toEqual([]);
    await tab.close();
  });

  it('works behind a studio proxy that serves it under a path of its own site', async () => {
    // What docs/invite-links.md tells a studio to do: forward <prefix>/invite/ and
    // <prefix>/people/pictures/ to the directory (sending the directory's own Host, as nginx's
    // proxy_pass does). The page's relative links must then reach its script and the picture.
    const target = new URL(directory.url);
    const proxy: Server = createServer((incoming, outgoing) => {
      const path = incoming.url ?? '/';
      if (!/^\/rallypoint\/(invite|people\/pictures)\//.test(path)) {
        outgoing.writeHead(404).end();
        return;
      }
      const upstream = forward(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: path.slice('/rallypoint'.length),
          headers: { ...incoming.headers, host: target.host },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      incoming.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (proxy.address() as AddressInfo).port;
      const id = await invite();
      const context = await browser.newContext({ userAgent: agents.windows, locale: 'en-US' });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Page.enable');
      const attempts: string[] = [];
      cdp.on('Page.frameRequestedNavigation', (event) => attempts.push(event.url));
      const answer = await page.goto(`http://127.0.0.1:${port}/rallypoint/invite/${id}`);
      expect(answer?.status()).toBe(200);
      await eventually(() => attempts.filter((url) => url.startsWith('rallypoint:')).length).toBe(
        1,
      );
      expect(
        await page.locator('.card img').evaluate((image: HTMLImageElement) => image.naturalWidth),
      ).toBe(64);
      await page.locator('#fallback').waitFor({ state: 'visible', timeout: 15_000 });
      await context.close();
    } finally {
      proxy.close();
    }
  });

  it('answers an expired invite with the 404 page, in English and Japanese', async () => {
    const id = await invite();
    clock.ms += 61 * 60_000;
    try {
      for (const [locale, heading, shot] of [
        ['en-US', 'This invite is no longer available', 'invite-page-en-expired'],
        ['ja-JP', 'この招待は利用できません', 'invite-page-ja-expired'],
      ] as const) {
        const { visit: tab, status } = await visit(`/invite/${id}`, {
          locale,
          userAgent: agents.windows,
        });
        expect(status).toBe(404);
        await expect(tab.page.locator('h1').textContent()).resolves.toBe(heading);
        // Nothing to open: the page has no script and tries no link.
        expect(await tab.page.locator('script').count()).toBe(0);
        expect(tab.appNavigations).toEqual([]);
        await expectAxeClean(tab.page);
        await screenshot(tab.page, shot);
        expect(tab.problems).toEqual([]);
        await tab.close();
      }
    } finally {
      clock.ms -= 61 * 60_000;
    }
  });
});
