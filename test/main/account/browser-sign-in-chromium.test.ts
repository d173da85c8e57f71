/**
 * The launcher's browser sign-in in real Chromium: the authorization URL the launcher's code builds
 * opens the local directory's authorize page, the player picks a development account, the page
 * redirects to the launcher's loopback receiver, the code + PKCE verifier are redeemed, and the
 * signed-in account's XSTS token then joins an invite through the ordinary join stack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAccountManager } from '../../../src/main/account/account-manager';
import { localSignInSettings } from '../../../src/main/account/sign-in-settings';
import { encryptedTokenStore } from '../../../src/main/account/token-cache';
import { createLauncherJoin } from '../../../src/main/join/join-service';
import { launchChromium, screenshotDir } from '../../renderer/browser-kit';
import { createSession, launcherConfig, removeBuiltPrograms } from '../join/join-service-fixture';
import { fakeSafeStorage, signInDirectory } from './sign-in-fixture';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  removeBuiltPrograms();
});

it('authorization code + PKCE through Chromium and the loopback redirect, ending joined', async () => {
  const local = await signInDirectory();
  const folder = mkdtempSync(join(tmpdir(), 'rallypoint-browser-sign-in-'));
  let context: BrowserContext | undefined;
  try {
    const { url } = local.directory;
    const accounts = createAccountManager({
      settings: localSignInSettings(url),
      store: encryptedTokenStore(join(folder, 'accounts.bin'), fakeSafeStorage()),
      now: local.now,
    });
    context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const signedIn = await accounts.signInWithBrowser(async (authorizeUrl) => {
      await page.goto(authorizeUrl);
      await page.getByLabel('Gamertag').fill('Chromie');
      await page.getByLabel('XUID (optional)').fill('2535400000000888');
      await page.screenshot({ path: join(screenshotDir, 'sign-in-local-authorize.png') });
      await page.getByRole('button', { name: 'Sign in' }).click();
    }, new AbortController().signal);
    expect(signedIn).toEqual({
      ok: true,
      value: { xuid: '2535400000000888', gamertag: 'Chromie' },
    });
    // The browser landed on the launcher's own page, which carries nothing of the code.
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
    await expect.poll(() => page.textContent('h1')).toBe('You can return to Rallypoint');

    const me = { xuid: '2535400000000888', gamertag: 'Chromie' };
    const session = await createSession(url);
    const invite = await session.invite(me);
    const launcher = createLauncherJoin(launcherConfig(url, me), {
      tokens: accounts.tokenProvider(),
    });
    const before = local.requests.length;
    try {
      launcher.service.submit(invite);
      await expect.poll(() => launcher.service.view().phase, { timeout: 20_000 }).toBe('joined');
      const during = local.requests.slice(before);
      expect(during.map((entry) => entry.path)).not.toContain('/dev/tokens');
      expect(during.find((entry) => entry.method === 'PUT')).toMatchObject({ xuid: me.xuid });
    } finally {
      await launcher.close();
    }
  } finally {
    await context?.close();
    await local.directory.close();
    rmSync(folder, { recursive: true, force: true });
  }
}, 60_000);
