/**
 * The window's account states in real Chromium, driven by account views pushed from the test
 * host: signed out (Sign in, and the kept invite), signing in (continue in your browser, Cancel),
 * every sign-in error in player words, signed in (the chip with picture, Switch account, Sign
 * out) and Switch account (cached accounts and a new sign-in, also from the wrong-account error),
 * in English and Japanese, each axe-clean and screenshotted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountView } from '../../src/shared/account-view';
import type { LauncherState } from '../../src/shared/ipc-contract';
import type { JoinView } from '../../src/shared/join-view';
import { signInErrorCodes } from '../../src/shared/sign-in-text';
import { en } from '../../src/renderer/i18n/en';
import { ja } from '../../src/renderer/i18n/ja';
import {
  axeViolations,
  eventually,
  expectJapaneseFont,
  launchChromium,
  openLauncher,
  screenshot,
  type LauncherPage,
} from './browser-kit';
import { startTestHost, type InvokeHandlers, type TestHost } from './test-host';
import { idleHandlers } from './idle-handlers';

const idle: JoinView = { phase: 'idle', attempt: 0, canRetry: false };
/** A small picture, as main hands it over (a data: URL; the CSP allows no remote image). */
const picture = `data:image/svg+xml;base64,${Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#5dd39e"/></svg>',
).toString('base64')}`;
const signedIn: AccountView = {
  state: 'signed-in',
  xuid: '2535400000000101',
  gamertag: 'NovaRunner',
  picture,
  others: [
    { xuid: '2535400000000202', gamertag: 'CouchGuest' },
    { xuid: '2535400000000303', gamertag: 'PixelWarden' },
  ],
};
/** The invite's account: the window must never offer it, only the cached ones. */
const invitedXuid = '2533274899999999';
const wrongAccount: JoinView = {
  phase: 'failed',
  attempt: 1,
  canRetry: false,
  invite: { kind: 'invite', handleId: '4f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c', from: 'Friend' },
  error: { code: 'wrong-account', message: `invite for ${invitedXuid}` },
};

const languages = [
  { locale: 'en-US', lang: 'en', text: en },
  { locale: 'ja-JP', lang: 'ja', text: ja },
] as const;

let browser: Browser;
let host: TestHost;
let state: LauncherState;
const calls: string[] = [];

const handlers: InvokeHandlers = idleHandlers(() => state, {
  'join:retry': () => void calls.push('retry'),
  'join:cancel': () => void calls.push('cancel'),
  'join:dismiss': () => void calls.push('dismiss'),
  'join:switch-account': () => void calls.push('join:switch-account'),
  'dev:try-demo-invite': () => void calls.push('tryDemo'),
  'account:sign-in': () => void calls.push('signIn'),
  'account:cancel-sign-in': () => void calls.push('cancelSignIn'),
  'account:switch': (xuid) => void calls.push(`switchTo ${xuid}`),
  'account:sign-out': () => void calls.push('signOut'),
});

beforeAll(async () => {
  browser = await launchChromium();
  host = await startTestHost(handlers);
});

afterAll(async () => {
  await host?.close();
  await browser?.close();
});

beforeEach(() => {
  calls.length = 0;
});

async function open(
  account: AccountView,
  locale: string,
  view: JoinView = idle,
): Promise<LauncherPage> {
  state = { view, recent: [], locale, devMode: false, account };
  const launcher = await openLauncher(browser, host.url, { locale });
  await launcher.page.locator('main#content h1').waitFor();
  return launcher;
}

const accountState = (page: Page) =>
  page
    .locator('[data-account-state]')
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-account-state')));
const focused = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-action'));

/** Latin words a Japanese screen may show: names, brands and the sites a player is sent to. */
const latinAllowed = new Set([
  'Rallypoint',
  'NovaRunner',
  'CouchGuest',
  'PixelWarden',
  'Friend',
  'PC',
  'Xbox',
  'Live',
  'Microsoft',
  'xbox.com',
  'family.microsoft.com',
]);

async function expectNoEnglish(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  const words = text.match(/[A-Za-z][A-Za-z.'-]+/g) ?? [];
  expect(words.filter((word) => !latinAllowed.has(word.replace(/\.$/, '')))).toEqual([]);
  expect(text).not.toMatch(/signIn\.|error\./);
}

describe.each(languages)('account states ($locale)', ({ locale, lang, text }) => {
  it('signed out: the home offers Sign in, and says when an invite waits for it', async () => {
    const launcher = await open({ state: 'signed-out', inviteWaiting: false }, locale);
    const { page } = launcher;
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
    expect(await accountState(page)).toEqual(['signed-out']);
    expect(await page.locator('.sign-in').innerText()).toContain(text['signIn.signedOut']);
    expect(await page.locator('.sign-in button').getAttribute('data-action')).toBe('signIn');
    // The home itself is still there below the panel, and no account chip is shown.
    expect(await page.locator('.home').count()).toBe(1);
    expect(await page.locator('.account-chip').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `account-signed-out-${lang}`);

    host.push('account:view', { state: 'signed-out', inviteWaiting: true });
    await eventually(() => page.locator('.sign-in-waiting').textContent()).toBe(
      text['signIn.inviteWaiting'],
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `account-invite-waiting-${lang}`);
    if (lang === 'ja') {
      await expectJapaneseFont(page, '.sign-in-text');
      await expectNoEnglish(page);
    }

    await page.locator('[data-action="signIn"]').click();
    await eventually(() => calls).toEqual(['signIn']);
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });

  it('signing in: continue in your browser, with Cancel taking the focus', async () => {
    const launcher = await open({ state: 'signed-out', inviteWaiting: true }, locale);
    const { page } = launcher;
    await page.locator('[data-action="signIn"]').focus();
    host.push('account:view', { state: 'signing-in', inviteWaiting: true });
    await eventually(() => accountState(page)).toEqual(['signing-in']);
    expect(await page.getByRole('status').first().innerText()).toContain(text['signIn.inBrowser']);
    expect(await page.locator('.sign-in h2').innerText()).toBe(text['signIn.signingInTitle']);
    expect(await page.locator('.sign-in-waiting').count()).toBe(1);
    // The Sign in button that had the focus went away: focus lands on Cancel, not on <body>.
    expect(await focused(page)).toBe('cancelSignIn');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `account-signing-in-${lang}`);
    if (lang === 'ja') await expectNoEnglish(page);
    await page.keyboard.press('Enter');
    await eventually(() => calls).toEqual(['cancelSignIn']);
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });

  it.each(signInErrorCodes)(
    'the sign-in error %s in one sentence and one action, with Sign in again',
    async (code) => {
      const launcher = await open({ state: 'signed-out', inviteWaiting: false }, locale);
      const { page } = launcher;
      await page.locator('[data-action="signIn"]').focus();
      host.push('account:view', { state: 'failed', code, inviteWaiting: false });
      const alert = page.getByRole('alert');
      await eventually(() => alert.textContent()).toContain(text[`signIn.error.${code}`]);
      expect(await alert.textContent()).toContain(text[`signIn.error.${code}.action`]);
      expect(await alert.textContent()).toContain(text['signIn.failedTitle']);
      expect(await page.locator('.sign-in button').getAttribute('data-action')).toBe('signIn');
      // The failure takes the focus onto Sign in, so a keyboard player can try again at once.
      expect(await focused(page)).toBe('signIn');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `account-error-${code}-${lang}`);
      if (lang === 'ja') await expectNoEnglish(page);
      await page.keyboard.press('Enter');
      await eventually(() => calls).toEqual(['signIn']);
      expect(launcher.problems).toEqual([]);
      await launcher.close();
    },
  );

  it('a sign-in error code from a newer main still reads as a sentence, never a raw key', async () => {
    const launcher = await open(
      { state: 'failed', code: 'from-the-future', inviteWaiting: true },
      locale,
    );
    const { page } = launcher;
    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toContain(text['signIn.error.malformed-response']);
    expect(await alert.textContent()).not.toContain('from-the-future');
    expect(await page.locator('.sign-in-waiting').count()).toBe(1);
    await launcher.close();
  });

  it('signed in: the account chip with gamertag and picture, offering Switch account and Sign out', async () => {
    const launcher = await open(signedIn, locale);
    const { page } = launcher;
    const chip = page.locator('header .account-chip');
    expect(await chip.locator('.account-name').textContent()).toBe('NovaRunner');
    expect(await chip.locator('img.avatar').getAttribute('src')).toBe(picture);
    // The picture really drew (a CSP block or a broken URL leaves naturalWidth at 0).
    await eventually(() =>
      chip.locator('img.avatar').evaluate((img) => (img as HTMLImageElement).naturalWidth),
    ).toBe(64);
    expect(
      await chip.locator('button').evaluateAll((b) => b.map((x) => x.getAttribute('data-action'))),
    ).toEqual(['switchAccount', 'signOut']);
    expect(await page.locator('.sign-in').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `account-signed-in-${lang}`);
    if (lang === 'ja') await expectNoEnglish(page);

    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });

  it('Switch account from the chip: the cached accounts and a new sign-in', async () => {
    const launcher = await open(signedIn, locale);
    const { page } = launcher;
    const chip = page.locator('header .account-chip');
    await chip.locator('[data-action="switchAccount"]').click();
    const picker = page.locator('.account-picker');
    await picker.waitFor();
    expect(await picker.locator('h2').textContent()).toBe(text['signIn.picker.title']);
    expect(
      await picker
        .locator('[data-action="switchTo"]')
        .evaluateAll((b) => b.map((x) => x.textContent)),
    ).toEqual(['CCouchGuest', 'PPixelWarden']);
    expect(await picker.locator('[data-action="signInAnother"]').textContent()).toBe(
      text['signIn.picker.another'],
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `account-switch-${lang}`);
    if (lang === 'ja') await expectNoEnglish(page);
    await picker.locator('[data-xuid="2535400000000303"]').click();
    await eventually(() => calls).toEqual(['switchTo 2535400000000303']);
    expect(await page.locator('.account-picker').count()).toBe(0);

    await chip.locator('[data-action="switchAccount"]').click();
    await page.locator('[data-action="signInAnother"]').click();
    await eventually(() => calls).toEqual(['switchTo 2535400000000303', 'signIn']);
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });

  it('Sign out from the chip, and the window follows to signed out', async () => {
    const launcher = await open(signedIn, locale);
    const { page } = launcher;
    const chip = page.locator('header .account-chip');
    await chip.locator('[data-action="signOut"]').click();
    await eventually(() => calls).toEqual(['signOut']);
    host.push('account:view', { state: 'signed-out', inviteWaiting: false });
    await eventually(() => page.locator('.account-chip').count()).toBe(0);
    // The Sign out button went with the chip: focus is not lost to <body>.
    expect(await page.evaluate(() => document.activeElement !== document.body)).toBe(true);
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });
});

describe('Switch account from the wrong-account error', () => {
  it('offers the cached accounts and a new sign-in, never the account the invite names', async () => {
    const launcher = await open(
      { ...signedIn, picture: undefined, others: [signedIn.others[0]!] } as AccountView,
      'en-US',
      wrongAccount,
    );
    const { page } = launcher;
    await eventually(() => focused(page)).toBe('switchAccount');
    // Without a picture the chip shows the gamertag's initial.
    expect(await page.locator('header .avatar-initial').textContent()).toBe('N');
    await page.keyboard.press('Enter');
    const picker = page.locator('.account-picker');
    await picker.waitFor();
    const offered = await picker
      .locator('[data-action="switchTo"]')
      .evaluateAll((b) => b.map((x) => x.getAttribute('data-xuid')));
    expect(offered).toEqual(['2535400000000202']);
    expect(await picker.innerHTML()).not.toContain(invitedXuid);
    // The join screen's own Switch account is not asked of main: that would be the development
    // identity's "become the invited account".
    expect(host.invoked).not.toContain('join:switch-account');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'account-switch-wrong-account-en');
    await picker.locator('[data-action="closePicker"]').click();
    expect(await page.locator('.account-picker').count()).toBe(0);
    expect(await focused(page)).toBe('switchAccount');
    await picker.waitFor({ state: 'detached' });

    await page.locator('main [data-action="switchAccount"]').click();
    await page.locator('[data-action="signInAnother"]').click();
    await eventually(() => calls).toEqual(['signIn']);
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });

  it('with nobody cached, says so and still offers a new sign-in', async () => {
    const launcher = await open({ ...signedIn, others: [] }, 'ja-JP', wrongAccount);
    const { page } = launcher;
    await page.locator('main [data-action="switchAccount"]').click();
    await page.locator('.account-picker').waitFor();
    expect(await page.locator('.account-picker').innerText()).toContain(ja['signIn.picker.none']);
    expect(await page.locator('[data-action="switchTo"]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'account-switch-none-ja');
    await launcher.close();
  });
});
