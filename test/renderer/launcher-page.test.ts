/**
 * The launcher page in real Chromium, driven by views pushed from the test host: every error code
 * gets its own sentence and the actions that fit, the Japanese catalogue renders completely, the
 * page passes axe in every state, keyboard players reach and activate every action, and the
 * built bundle stays small. The end-to-end flows against the real join service live in
 * launcher-join-flow.test.ts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LauncherState, RecentInvite } from '../../src/shared/ipc-contract';
import { joinErrorCodes, type JoinErrorCode, type JoinView } from '../../src/shared/join-view';
import { mayTryAgain } from '../../src/main/join/join-failure';
import { en } from '../../src/renderer/i18n/en';
import { ja } from '../../src/renderer/i18n/ja';
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

const invite = {
  kind: 'invite',
  handleId: '4f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c',
  from: 'NovaRunner',
} as const;
const session = { membersCount: 3, maxMembersCount: 8, hostGamertag: 'NovaRunner' };

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/renderer');

let browser: Browser;
let host: TestHost;
let state: { -readonly [K in keyof LauncherState]: LauncherState[K] };
const calls: string[] = [];
const pageLogs: string[] = [];
/** When set, main refuses Retry, as it would if the join stack were being replaced. */
let refuseRetry = false;

const handlers: InvokeHandlers = idleHandlers(() => state, {
  'join:retry': () => {
    if (refuseRetry) throw new Error('not-available');
    calls.push('retry');
  },
  'join:cancel': () => void calls.push('cancel'),
  'join:dismiss': () => void calls.push('dismiss'),
  'join:switch-account': () => void calls.push('switchAccount'),
  'dev:try-demo-invite': () => void calls.push('tryDemo'),
  'log:write': (level, message) => void pageLogs.push(`${level}: ${message}`),
  'account:sign-in': () => void calls.push('signIn'),
  'account:cancel-sign-in': () => void calls.push('cancelSignIn'),
  'account:switch': (xuid) => void calls.push(`switchTo ${xuid}`),
  'account:sign-out': () => void calls.push('signOut'),
  'play:start': () => void calls.push('play'),
});

beforeAll(async () => {
  browser = await launchChromium();
  host = await startTestHost(handlers);
});

afterAll(async () => {
  await host?.close();
  await browser?.close();
});

function failed(code: JoinErrorCode, canRetry = false): JoinView {
  return {
    phase: 'failed',
    attempt: 1,
    canRetry,
    invite,
    session,
    error: { code, message: `dev detail for ${code}` },
  };
}

async function open(
  view: JoinView,
  options: { locale?: string; recent?: RecentInvite[]; devMode?: boolean } = {},
) {
  state = {
    view,
    recent: options.recent ?? [],
    locale: options.locale ?? 'en-US',
    devMode: options.devMode ?? false,
  };
  const launcher = await openLauncher(browser, host.url, { locale: options.locale });
  await launcher.page.locator('main#content h1').waitFor();
  return launcher;
}

const actionNames = (page: Page) =>
  page
    .locator('main button')
    .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-action')));

describe('launcher page', () => {
  it('explains every error code in words and offers the actions that fit it', async () => {
    const launcher = await open(failed('invite-expired'));
    const { page } = launcher;
    for (const code of joinErrorCodes) {
      // Try again appears exactly when the view says the machine accepts RETRY, whatever the code.
      for (const canRetry of [
        !mayTryAgain({ code, message: '' }),
        mayTryAgain({ code, message: '' }),
      ]) {
        host.push('join:view', failed(code, canRetry));
        const alert = page.getByRole('alert');
        await eventually(() => alert.textContent()).toContain(en[`error.${code}.title`]);
        expect(await alert.textContent()).toContain(en[`error.${code}.body`]);
        expect(await alert.textContent()).not.toContain('dev detail');
        const expected =
          code === 'wrong-account'
            ? ['switchAccount', 'dismiss']
            : canRetry
              ? ['retry', 'dismiss']
              : ['dismiss'];
        await eventually(() => actionNames(page)).toEqual(expected);
        // The primary action takes focus when the error appears.
        expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe(
          expected[0],
        );
        expect(await page.locator('.step-failed').count()).toBe(1);
      }
      // The last push is what the machine really offers for this code.
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `page-error-${code}`);
    }
    // A code from a newer main still reads as a sentence, never a raw key.
    host.push('join:view', failed('from-a-newer-version' as JoinErrorCode));
    await eventually(() => page.getByRole('alert').textContent()).toContain(
      en['error.unknown.title'],
    );
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });

  it('shows steps, the session summary, the attempt and a live countdown while retrying', async () => {
    const launcher = await open({ phase: 'activating', attempt: 0, canRetry: false, invite });
    const { page } = launcher;
    const statuses = () =>
      page
        .locator('.step')
        .evaluateAll((steps) => steps.map((s) => s.className.replace('step step-', '')));
    expect(await statuses()).toEqual(['done', 'inProgress', 'pending', 'pending', 'pending']);
    expect(await page.locator('h1').textContent()).toBe('NovaRunner invited you to play');
    expect(await actionNames(page)).toEqual(['cancel']);
    await screenshot(page, 'page-activating');
    // Live regions must stay the same nodes across updates, or screen readers miss changes.
    const mark = () =>
      page.evaluate(() => {
        for (const node of document.querySelectorAll('[aria-live], [role="alert"]'))
          (node as HTMLElement).dataset.mark = 'kept';
      });
    const marked = () =>
      page
        .locator('[aria-live="polite"], [role="alert"]')
        .evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.mark));
    await mark();
    await page.locator('[data-action="cancel"]').focus();

    host.push('join:view', {
      phase: 'retrying',
      attempt: 2,
      canRetry: true,
      invite,
      session,
      nextRetryAt: Date.now() + 5_000,
    });
    // The countdown ticks down on its own, with plural forms, to "now" at the deadline.
    const countdown = page.locator('.countdown');
    await eventually(() => countdown.textContent()).toMatch(/^Next try in [2-5] seconds$/);
    await eventually(() => countdown.textContent()).toBe('Next try in 1 second');
    await eventually(() => countdown.textContent()).toBe('Trying again now…');
    expect(await page.locator('.attempt').textContent()).toBe('Attempt 2 didn’t go through.');
    expect(await page.locator('.session-summary').textContent()).toBe(
      '3 of 8 playersHosted by NovaRunner',
    );
    expect(await statuses()).toEqual(['done', 'done', 'inProgress', 'pending', 'pending']);
    expect(await page.locator('[aria-live="polite"]').textContent()).toContain('Trying again');

    // Focus stays on Cancel while the join moves on.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe(
      'cancel',
    );
    host.push('join:view', { phase: 'joined', attempt: 3, canRetry: false, invite, session });
    await eventually(statuses).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(await marked()).toEqual(['kept', 'kept']);
    expect(await page.locator('.countdown').isHidden()).toBe(true);
    // In the game: Dismiss, and Invite friends (the invite dialog, test/renderer/invite-dialog.test.ts).
    expect(await actionNames(page)).toEqual(['dismiss', 'inviteFriends']);
    expect(await axeViolations(page)).toEqual([]);
    await launcher.close();
  });

  it('lists recent invites with their outcome at home, or an empty state, and the demo in dev mode', async () => {
    const now = Date.now();
    const recent: RecentInvite[] = [
      {
        handleId: 'a',
        kind: 'invite',
        from: 'NovaRunner',
        outcome: 'joined',
        at: now - 5 * 60_000,
      },
      {
        handleId: 'b',
        kind: 'join',
        from: 'PixelWarden',
        outcome: 'session-full',
        at: now - 26 * 3_600_000,
      },
    ];
    let launcher = await open(
      { phase: 'idle', attempt: 0, canRetry: false },
      { recent, devMode: true },
    );
    let { page } = launcher;
    const items = page.locator('.recent-item');
    expect(await items.count()).toBe(2);
    expect(await items.nth(0).textContent()).toBe('Invite from NovaRunner5 minutes agoJoined');
    expect(await items.nth(1).textContent()).toBe('From PixelWarden’s profileyesterdayGame full');
    expect(await actionNames(page)).toEqual(['play', 'tryDemo']);
    await screenshot(page, 'page-home-recent');
    expect(await axeViolations(page)).toEqual([]);

    host.push('launcher:recent', []);
    await eventually(() => page.locator('.empty-title').textContent()).toBe('No invites yet');
    await launcher.close();

    launcher = await open({ phase: 'idle', attempt: 0, canRetry: false });
    page = launcher.page;
    expect(await page.locator('.empty-title').textContent()).toBe('No invites yet');
    expect(await actionNames(page)).toEqual(['play']);
    await screenshot(page, 'page-home-empty');
    expect(await axeViolations(page)).toEqual([]);
    await launcher.close();
  });

  it('is fully keyboard-operable: Tab reaches every action in order and Enter activates it', async () => {
    const launcher = await open(failed('wrong-account'));
    const { page } = launcher;
    calls.length = 0;
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe(
      'switchAccount',
    );
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe(
      'dismiss',
    );
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await eventually(() => calls).toEqual(['switchAccount']);
    // The focus ring is visible for keyboard focus.
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).toBe('solid');

    host.push('join:view', { phase: 'writingSession', attempt: 1, canRetry: false, invite });
    await eventually(() => actionNames(page)).toEqual(['cancel']);
    await page.keyboard.press('Enter');
    await eventually(() => calls).toEqual(['switchAccount', 'cancel']);
    await launcher.close();
  });

  it('renders Japanese from a ja-JP system locale with no missing keys or English leaking', async () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    const englishOnly = new Set(['lang', 'app.name']);
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      if (!englishOnly.has(key))
        expect(JSON.stringify(ja[key]), key).not.toBe(JSON.stringify(en[key]));
    }
    const launcher = await open(
      {
        phase: 'retrying',
        attempt: 1,
        canRetry: true,
        invite,
        session,
        nextRetryAt: Date.now() + 9_000,
      },
      { locale: 'ja-JP' },
    );
    const { page } = launcher;
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
    const texts: string[] = [await page.locator('body').innerText()];
    await expectJapaneseFont(page, 'h1');
    await screenshot(page, 'page-ja-retrying');
    for (const code of joinErrorCodes) {
      host.push('join:view', failed(code));
      await eventually(() => page.getByRole('alert').textContent()).toContain(
        ja[`error.${code}.title`],
      );
      texts.push(await page.locator('body').innerText());
    }
    host.push('join:view', { phase: 'idle', attempt: 0, canRetry: false });
    host.push('launcher:recent', [
      { handleId: 'a', kind: 'invite', from: 'NovaRunner', outcome: 'joined', at: Date.now() },
    ]);
    await eventually(() => page.locator('.recent-item').count()).toBe(1);
    texts.push(await page.locator('body').innerText());
    for (const text of texts) {
      // Only the brand and the gamertag are Latin; no English sentence or catalogue key leaks.
      const latinWords = text.match(/[A-Za-z][A-Za-z.'-]+/g) ?? [];
      expect(latinWords.filter((w) => !['Rallypoint', 'NovaRunner', 'PC'].includes(w))).toEqual([]);
      expect(text).not.toMatch(/\b(error|step|status|progress|action)\.[a-z]/);
    }
    expect(await axeViolations(page)).toEqual([]);
    await launcher.close();
  });

  it('shows the live roster in Japanese, names as cleaned text, and follows each push', async () => {
    const joined: JoinView = { phase: 'joined', attempt: 1, canRetry: false, invite, session };
    const launcher = await open(joined, { locale: 'ja-JP' });
    const { page } = launcher;
    // No roster until main pushes one.
    expect(await page.locator('.roster').count()).toBe(0);
    const hostile = '\u202e<b>evil</b>\u200b' + 'W'.repeat(200);
    host.push('session:roster', {
      state: 'live',
      changeNumber: 4,
      seatsUsed: 3,
      seatsMax: 8,
      members: [
        { key: '0', gamertag: 'NovaRunner', isHost: true, isYou: false, status: 'active' },
        { key: '1', gamertag: 'RallyPlayer', isHost: false, isYou: true, status: 'active' },
        { key: '2', gamertag: hostile, isHost: false, isYou: false, status: 'reserved' },
        { key: '3', isHost: false, isYou: false, status: 'inactive' },
      ],
    });
    const names = () => page.locator('.roster-name').allTextContents();
    await eventually(names).toEqual([
      'NovaRunner',
      'RallyPlayer',
      `<b>evil</b>${'W'.repeat(36)}…`,
      ja['roster.unknownPlayer'],
    ]);
    expect(await page.locator('.roster-seats').textContent()).toBe('8 席中 3 席が埋まっています');
    expect(await page.locator('.roster-badge').allTextContents()).toEqual([
      ja['roster.host'],
      ja['roster.you'],
      ja['roster.reserved'],
      ja['roster.inactive'],
    ]);
    expect(await page.locator('.roster b').count()).toBe(0);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);
    await expectJapaneseFont(page, '.roster-title');
    await screenshot(page, 'page-ja-roster');
    expect(await axeViolations(page)).toEqual([]);

    // A newer push replaces the list; a session that ended says so.
    host.push('session:roster', {
      state: 'live',
      changeNumber: 5,
      seatsUsed: 2,
      seatsMax: 8,
      members: [
        { key: '0', gamertag: 'NovaRunner', isHost: true, isYou: false, status: 'active' },
        { key: '1', gamertag: 'RallyPlayer', isHost: false, isYou: true, status: 'active' },
      ],
    });
    await eventually(names).toEqual(['NovaRunner', 'RallyPlayer']);
    host.push('session:roster', { state: 'ended' });
    await eventually(() => page.locator('.roster-seats').textContent()).toBe(ja['roster.ended']);
    expect(await page.locator('.roster-member').count()).toBe(0);
    // Back home, the roster is gone with the join screen.
    host.push('join:view', { phase: 'idle', attempt: 0, canRetry: false });
    await eventually(() => page.locator('.roster').count()).toBe(0);
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });

  it('shows hostile or huge names as plain text without breaking the layout', async () => {
    const hostile = '<img src=x onerror="window.pwned=1">\u202eevil' + 'W'.repeat(400);
    const launcher = await open({
      phase: 'writingSession',
      attempt: 1,
      canRetry: false,
      invite: { ...invite, from: hostile },
      session: { membersCount: 1e9, maxMembersCount: 1e9, hostGamertag: hostile },
    });
    const { page } = launcher;
    // Shown literally, without the right-to-left override (which would reverse "invited you to
    // play") and shortened to a name-sized length.
    const title = await page.locator('h1').textContent();
    expect(title).toBe(
      `${'<img src=x onerror="window.pwned=1">evil' + 'W'.repeat(7)}… invited you to play`,
    );
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => 'pwned' in window)).toBe(false);
    // Nothing overflows the window sideways.
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);
    expect(await page.locator('.session-summary').textContent()).toContain(
      '1,000,000,000 of 1,000,000,000 players',
    );
    await screenshot(page, 'page-hostile-names');
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });

  it('says so when main refuses an action, and logs it without any detail from the view', async () => {
    const launcher = await open(failed('directory-unavailable', true));
    const { page } = launcher;
    refuseRetry = true;
    pageLogs.length = 0;
    try {
      await page.keyboard.press('Enter');
      await eventually(() => page.locator('.notice').textContent()).toBe(en['app.actionFailed']);
      expect(await page.locator('.notice').getAttribute('role')).toBe('status');
      await eventually(() => pageLogs).toHaveLength(1);
      expect(pageLogs[0]).toMatch(/^warn: window action retry failed: .*not-available/);
      expect(pageLogs[0]).not.toContain(invite.handleId);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      refuseRetry = false;
      await launcher.close();
    }
  });

  it('respects prefers-reduced-motion: the spinner only spins when motion is welcome', async () => {
    const view: JoinView = { phase: 'writingSession', attempt: 1, canRetry: false, invite };
    const animation = async (reducedMotion: 'reduce' | 'no-preference') => {
      state = { view, recent: [], locale: 'en-US', devMode: false };
      const launcher = await openLauncher(browser, host.url, { reducedMotion });
      const icon = launcher.page.locator('.step-inProgress .step-icon');
      await icon.waitFor();
      const name = await icon.evaluate((node) => getComputedStyle(node).animationName);
      await launcher.close();
      return name;
    };
    expect(await animation('no-preference')).toBe('spin');
    expect(await animation('reduce')).toBe('none');
  });

  it('tells the player when the page was opened without Rallypoint’s bridge', async () => {
    const bare = await startTestHost(handlers, { bridge: false });
    const launcher = await openLauncher(browser, bare.url);
    try {
      const alert = launcher.page.getByRole('alert');
      await eventually(() => alert.textContent()).toBe(en['app.bridgeMissing']);
      expect(await axeViolations(launcher.page)).toEqual([]);
      expect(launcher.problems).toEqual([]);
    } finally {
      await launcher.close();
      await bare.close();
    }
  });

  it('builds everything without inline styles, so the strict CSP holds', async () => {
    const launcher = await open(failed('game-failed'));
    expect(await launcher.page.locator('[style]').count()).toBe(0);
    expect(launcher.problems.filter((p) => /Content Security Policy/i.test(p))).toEqual([]);
    await launcher.close();
  });

  it('keeps the built renderer small and the shipped CSP strict', async () => {
    // Other test files may be rebuilding dist/ right now: wait for the files to be back.
    await vi.waitFor(() => expect(existsSync(join(dist, 'index.html'))).toBe(true), {
      timeout: 10_000,
    });
    const size = statSync(join(dist, 'app.js')).size;
    expect(size).toBeLessThan(100 * 1024);
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    expect(html).toContain(
      `content="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https://images-eds-ssl.xboxlive.com http://127.0.0.1:* http://localhost:*; connect-src 'self'"`,
    );
    // No inline script or style anywhere in the shipped page.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
  });
});
