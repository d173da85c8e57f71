/**
 * The launcher window end to end in real Chromium: the built page, its bridge over a WebSocket to
 * the test host, the real join service (xstate machine, HTTP client, dev-token sign-in, demo game
 * child process) and the real local session directory on loopback. Each scenario saves a
 * screenshot of every state and checks it with axe.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { DirectoryOptions, RunningDirectory } from '../../src/directory/directory-options';
import type { JoinView } from '../../src/shared/join-view';
import {
  axeViolations,
  eventually,
  expectJapaneseFont,
  useBrowserSuite,
  openLauncher,
  screenshot,
  type LauncherPage,
} from './browser-kit';
import { call, joinBody, player } from '../directory/directory-test-client';
import { startFlakyFront, type FlakyFront } from './flaky-front';
import { startLauncherBackend, type Account, type LauncherBackend } from './launcher-backend';
import { startTestHost, type TestHost } from './test-host';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const couchGuest: Account = { xuid: '2533274800000099', gamertag: 'CouchGuest' };

const suite = useBrowserSuite();

interface Scenario {
  readonly directory: RunningDirectory;
  readonly backend: LauncherBackend;
  readonly host: TestHost;
  readonly launcher: LauncherPage;
  readonly page: Page;
}

async function scenario(options: {
  directory?: DirectoryOptions;
  front?: (directoryUrl: string) => Promise<FlakyFront>;
  signedIn?: (demoPlayer: Account) => Account;
  devMode?: boolean;
  locale?: string;
  openBrowser?: (url: string) => Promise<void>;
}): Promise<Scenario> {
  const directory = await startDirectory({ port: 0, seed: 'demo', ...options.directory });
  suite.onCleanup(() => directory.close());
  const demo = directory.demo;
  if (!demo) throw new Error('the demo seed is missing');
  let directoryUrl = directory.url;
  if (options.front) {
    const front = await options.front(directory.url);
    suite.onCleanup(() => front.close());
    directoryUrl = front.url;
  }
  const player: Account = { xuid: demo.player.xuid, gamertag: demo.player.gamertag };
  const backend = await startLauncherBackend({
    directoryUrl,
    demoInviteLink: demo.inviteLink,
    signedIn: options.signedIn?.(player) ?? player,
    accounts: [couchGuest, player],
    locale: options.locale ?? 'en-US',
    devMode: options.devMode ?? false,
    retry: { baseDelayMs: 200, maxDelayMs: 1_000 },
    ...(options.openBrowser ? { openBrowser: options.openBrowser } : {}),
  });
  suite.onCleanup(() => backend.close());
  const host = await startTestHost(backend.handlers);
  backend.attach(host);
  suite.onCleanup(() => host.close());
  const launcher = await openLauncher(suite.browser(), host.url, {
    locale: options.locale ?? 'en-US',
  });
  suite.onCleanup(() => launcher.close());
  await launcher.page.locator('main#content h1').waitFor();
  return { directory, backend, host, launcher, page: launcher.page };
}

const stepStatuses = (page: Page) =>
  page
    .locator('.step')
    .evaluateAll((steps) => steps.map((s) => s.className.replace('step step-', '')));
const actionNames = (page: Page) =>
  page
    .locator('main button')
    .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-action')));
const focusedAction = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-action'));
const alertText = (page: Page) => page.getByRole('alert').textContent();

async function checkState(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await axeViolations(page), name).toEqual([]);
}

async function waitForPhase(backend: LauncherBackend, phase: JoinView['phase']): Promise<void> {
  await eventually(() => backend.view().phase, { timeout: 15_000 }).toBe(phase);
}

describe('launcher window against the real join service and directory', () => {
  it('signed out: the invite waits, the player signs in in the browser and ends up in game', async () => {
    // A second Chromium page stands in for the system browser that shell.openExternal opens.
    let signInPage: Page | undefined;
    const { page, backend, directory } = await scenario({
      openBrowser: async (url) => {
        const context = await suite.browser().newContext();
        suite.onCleanup(() => context.close());
        const opened = await context.newPage();
        await opened.goto(url);
        signInPage = opened;
      },
    });
    const demo = directory.demo!;
    await eventually(() => page.locator('.sign-in').getAttribute('data-account-state')).toBe(
      'signed-out',
    );
    backend.accept(demo.inviteLink);
    await eventually(() => page.locator('.sign-in-waiting').count()).toBe(1);
    expect(backend.view().phase).toBe('idle');
    await checkState(page, 'flow-sign-in-01-invite-waiting');

    await page.locator('[data-action="signIn"]').click();
    await eventually(() => page.locator('.sign-in').getAttribute('data-account-state')).toBe(
      'signing-in',
    );
    await checkState(page, 'flow-sign-in-02-continue-in-browser');

    // The player signs in on the directory's development page as the invited account.
    await eventually(() => signInPage !== undefined).toBe(true);
    await signInPage!.locator('input[name="gamertag"]').fill(demo.player.gamertag);
    await signInPage!.locator('input[name="xuid"]').fill(demo.player.xuid);
    await signInPage!.locator('button[name="decision"][value="allow"]').click();
    await signInPage!.getByText('You can return to Rallypoint').waitFor();

    // The window shows the account chip with the picture the profile service gave, and the kept
    // invite joins with the account's tokens.
    await eventually(() => page.locator('header .account-name').textContent()).toBe(
      demo.player.gamertag,
    );
    await eventually(() =>
      page
        .locator('header img.avatar')
        .evaluate((img) => (img as HTMLImageElement).naturalWidth)
        .catch(() => 0),
    ).toBeGreaterThan(0);
    await waitForPhase(backend, 'joined');
    await eventually(() => stepStatuses(page)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(await page.locator('.sign-in').count()).toBe(0);
    await checkState(page, 'flow-sign-in-03-joined');
    // Two Chromium pages, a token chain, a join and the demo game: more than the default budget on
    // a busy machine (this bounds the test, it measures nothing).
  }, 60_000);

  it('live roster: a second player joins and leaves, and the joined screen follows', async () => {
    const { page, backend, directory } = await scenario({});
    const demo = directory.demo!;
    backend.accept(demo.inviteLink);
    await waitForPhase(backend, 'joined');
    const names = () => page.locator('.roster-member .roster-name').allTextContents();
    await eventually(names).toEqual(['RallyHost', 'RallyPlayer']);
    expect(
      await page.locator('.roster-member').first().locator('.roster-badge').allTextContents(),
    ).toEqual(['Host']);
    expect(
      await page.locator('.roster-member').nth(1).locator('.roster-badge').allTextContents(),
    ).toEqual(['You']);
    expect(await page.locator('.roster-seats').textContent()).toBe('2 of 16 seats taken');

    // Another player joins the session straight through the directory, as their game would.
    const friend = await player(directory.url, 'CouchFriend');
    const { scid, templateName, name } = demo.sessionRef;
    const path = `/serviceconfigs/${scid}/sessionTemplates/${templateName}/sessions/${name}`;
    const joined = await call(directory.url, 'PUT', path, { as: friend, body: joinBody(friend) });
    expect(joined.status, joined.text).toBe(200);
    await eventually(names).toEqual(['RallyHost', 'RallyPlayer', 'CouchFriend']);
    await eventually(() => page.locator('.roster-seats').textContent()).toBe('3 of 16 seats taken');
    // The join screen's players chip follows the live roster, not the count at join time.
    const playersChip = () => page.locator('.session-summary .chip').first().textContent();
    await eventually(playersChip).toBe('3 of 16 players');
    // Pictures come from the profile service on the directory's origin; wait for them to load.
    await eventually(() =>
      page
        .locator('.roster-member img.roster-picture')
        .evaluateAll(
          (imgs) => imgs.filter((img) => (img as HTMLImageElement).naturalWidth > 0).length,
        ),
    ).toBe(3);
    await checkState(page, 'flow-roster-01-friend-joined');

    // A reloaded window draws the roster from the launcher's state at once, without waiting for
    // the session to change again.
    await page.reload();
    await page.locator('main#content h1').waitFor();
    await eventually(names).toEqual(['RallyHost', 'RallyPlayer', 'CouchFriend']);
    expect(await page.locator('.roster-seats').textContent()).toBe('3 of 16 seats taken');
    expect(await playersChip()).toBe('3 of 16 players');

    const left = await call(directory.url, 'PUT', path, {
      as: friend,
      body: { members: { me: null } },
    });
    expect(left.status, left.text).toBe(200);
    await eventually(names).toEqual(['RallyHost', 'RallyPlayer']);
    expect(await page.locator('.roster-seats').textContent()).toBe('2 of 16 seats taken');
    expect(await playersChip()).toBe('2 of 16 players');
    await checkState(page, 'flow-roster-02-friend-left');
  }, 60_000);

  it('happy path: a keyboard player tries the demo invite and ends up in game', async () => {
    const { page, backend, launcher } = await scenario({ devMode: true });
    expect(await page.locator('.empty-title').textContent()).toBe('No invites yet');
    await checkState(page, 'flow-01-home-empty');

    // Tab reaches Play first, then the demo button; Enter activates it.
    await page.keyboard.press('Tab');
    expect(await focusedAction(page)).toBe('play');
    await page.keyboard.press('Tab');
    expect(await focusedAction(page)).toBe('tryDemo');
    await page.keyboard.press('Enter');
    await eventually(() => stepStatuses(page), { timeout: 15_000 }).toEqual([
      'done',
      'done',
      'done',
      'done',
      'done',
    ]);
    expect(await page.locator('h1').textContent()).toBe('RallyHost invited you to play');
    expect(await page.locator('.status-line[aria-live="polite"]').textContent()).toBe(
      'You’re in. Have fun!',
    );
    expect(await page.locator('.session-summary').textContent()).toMatch(
      /^2 of 16 playersHosted by RallyHost$/,
    );
    expect(backend.view().phase).toBe('joined');
    await checkState(page, 'flow-02-in-game');

    // In the game, Invite friends opens the dialog for the joined session (through main's real
    // dialog and the directory's people service: this identity follows nobody). Escape closes it.
    expect(await actionNames(page)).toEqual(['dismiss', 'inviteFriends']);
    await page.locator('[data-action="inviteFriends"]').click();
    await eventually(() => page.locator('dialog .invite-status').textContent()).toBe(
      'You don’t follow anyone yet, so there’s nobody to invite.',
    );
    await page.keyboard.press('Escape');
    await page.locator('dialog').waitFor({ state: 'hidden' });
    // Focus goes back to the opener in the dialog's `close` event, a task queued after the dialog
    // hides: moving focus before it runs would see it pulled back to Invite friends.
    await eventually(() => focusedAction(page)).toBe('inviteFriends');

    // Dismiss with the keyboard: back home, where the invite is listed as joined.
    // Focus and Enter in one action, so nothing the window redraws in between can take the key.
    await page.locator('[data-action="dismiss"]').press('Enter');
    // Main hears it first (a failure here means the key never reached Dismiss), then the home.
    await waitForPhase(backend, 'idle');
    await eventually(() => page.locator('.recent-item').count()).toBe(1);
    expect(await page.locator('.recent-item').textContent()).toMatch(
      /^Invite from RallyHost(now|\d+ seconds? ago)Joined$/,
    );
    await checkState(page, 'flow-03-home-recent');
    expect(launcher.problems).toEqual([]);
  });

  it('a Japanese system gets the whole flow in Japanese', async () => {
    const { page, backend, directory } = await scenario({ locale: 'ja-JP' });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
    backend.accept(directory.demo!.inviteLink);
    await waitForPhase(backend, 'joined');
    await eventually(() => page.locator('h1').textContent()).toBe(
      'RallyHost さんがあなたをゲームに招待しました',
    );
    await eventually(() => page.locator('.status-line[aria-live="polite"]').textContent()).toBe(
      '参加しました。楽しんでください！',
    );
    expect(await page.locator('.session-summary').textContent()).toBe(
      'プレイヤー 2 / 16 人ホスト: RallyHost',
    );
    await expectJapaneseFont(page, 'h1');
    await checkState(page, 'flow-04-ja-in-game');
  });

  it('a malformed link from a web page: a clear error, nothing else happens, Dismiss goes home', async () => {
    const { page, backend, launcher } = await scenario({});
    backend.accept(
      'rallypoint://inviteHandleAccept/?handle=../../etc/passwd&invitedXuid=1&senderXuid=<script>',
    );
    await waitForPhase(backend, 'failed');
    expect(backend.view().error?.code).toBe('invalid-link');
    await eventually(() => alertText(page)).toContain('This invite link doesn’t work');
    expect(await stepStatuses(page)).toEqual([
      'failed',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(await actionNames(page)).toEqual(['dismiss']);
    expect(await focusedAction(page)).toBe('dismiss');
    // The developer detail (which echoes the link) never reaches the screen.
    expect(await page.locator('body').innerText()).not.toMatch(/passwd|script|handle=/);
    await checkState(page, 'flow-05-invalid-link');
    await page.keyboard.press('Enter');
    await eventually(() => page.locator('.empty-title').textContent()).toBe('No invites yet');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(launcher.problems).toEqual([]);
  });

  it('expired invite: says so, offers only Dismiss, and focuses it', async () => {
    let offsetMs = 0;
    const { page, backend, directory } = await scenario({
      directory: { clock: { now: () => Date.now() + offsetMs } },
    });
    offsetMs = 2 * 60 * 60 * 1000; // two hours later: the one-hour handle has lapsed
    backend.accept(directory.demo!.inviteLink);
    await waitForPhase(backend, 'failed');
    await eventually(() => alertText(page)).toContain('This invite has expired');
    expect(backend.view().error?.code).toBe('invite-expired');
    expect(await actionNames(page)).toEqual(['dismiss']);
    expect(await focusedAction(page)).toBe('dismiss');
    expect(await stepStatuses(page)).toEqual(['done', 'done', 'failed', 'pending', 'pending']);
    await checkState(page, 'flow-10-invite-expired');
  });

  it('full session: says the game is full', async () => {
    const templates = JSON.parse(
      readFileSync(join(root, 'src/directory/session-templates.json'), 'utf8'),
    ) as { templates: Record<string, { constants: { system: Record<string, unknown> } }> };
    templates.templates.game!.constants.system.maxMembersCount = 1;
    const folder = mkdtempSync(join(tmpdir(), 'rallypoint-templates-'));
    suite.onCleanup(async () => rmSync(folder, { recursive: true, force: true }));
    const templatesFile = join(folder, 'templates.json');
    writeFileSync(templatesFile, JSON.stringify(templates));

    const { page, backend, directory } = await scenario({ directory: { templatesFile } });
    backend.accept(directory.demo!.inviteLink);
    await waitForPhase(backend, 'failed');
    expect(backend.view().error?.code).toBe('session-full');
    await eventually(() => alertText(page)).toContain('The game is full');
    expect(await actionNames(page)).toEqual(['dismiss']);
    expect(await focusedAction(page)).toBe('dismiss');
    await checkState(page, 'flow-20-session-full');
  });

  it('wrong account: Switch account signs in as the invited player and joins', async () => {
    const { page, backend, directory } = await scenario({ signedIn: () => couchGuest });
    backend.accept(directory.demo!.inviteLink);
    await waitForPhase(backend, 'failed');
    expect(backend.view().error?.code).toBe('wrong-account');
    await eventually(() => alertText(page)).toContain('This invite is for a different account');
    expect(await actionNames(page)).toEqual(['switchAccount', 'dismiss']);
    expect(await focusedAction(page)).toBe('switchAccount');
    expect(await stepStatuses(page)).toEqual(['done', 'failed', 'pending', 'pending', 'pending']);
    await checkState(page, 'flow-30-wrong-account');

    await page.keyboard.press('Enter');
    await waitForPhase(backend, 'joined');
    expect(backend.signedIn().gamertag).toBe('RallyPlayer');
    await eventually(() => stepStatuses(page)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(await alertText(page)).toBe('');
    await checkState(page, 'flow-31-switched-and-joined');
  });

  it('transient failure: shows the attempt and a live countdown, then joins', async () => {
    const { page, backend, directory } = await scenario({
      front: (url) => startFlakyFront(url, { failFirst: 1, retryAfterSeconds: 5 }),
    });
    backend.accept(directory.demo!.inviteLink);
    const countdown = page.locator('.countdown');
    await eventually(() => countdown.textContent(), { timeout: 10_000 }).toMatch(
      /^Next try in [1-5] seconds?$/,
    );
    expect(await page.locator('.attempt').textContent()).toBe('Attempt 1 didn’t go through.');
    expect(await stepStatuses(page)).toEqual(['done', 'done', 'inProgress', 'pending', 'pending']);
    expect(await actionNames(page)).toEqual(['retry', 'cancel']);
    await checkState(page, 'flow-40-retrying');

    await waitForPhase(backend, 'joined');
    await eventually(() => stepStatuses(page)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(await page.locator('.countdown').isHidden()).toBe(true);
    await checkState(page, 'flow-41-joined-after-retry');
  });

  it('Try now skips a long Retry-After wait and joins', async () => {
    const { page, backend, directory } = await scenario({
      front: (url) => startFlakyFront(url, { failFirst: 1, retryAfterSeconds: 15 }),
    });
    backend.accept(directory.demo!.inviteLink);
    await eventually(() => actionNames(page), { timeout: 10_000 }).toEqual(['retry', 'cancel']);
    expect(await page.locator('[data-action="retry"]').textContent()).toBe('Try now');
    await page.locator('[data-action="retry"]').click();
    // Bounded well inside the 15 s the directory asked for: the button really skipped the wait.
    await eventually(() => backend.view().phase, { timeout: 10_000 }).toBe('joined');
    await eventually(() => stepStatuses(page)).toEqual(['done', 'done', 'done', 'done', 'done']);
  });

  it('cancel: stops a join in flight, then offers Try again and Dismiss', async () => {
    const { page, backend, directory } = await scenario({
      directory: { faults: { latencyMs: 8_000 } },
    });
    backend.accept(directory.demo!.inviteLink);
    await eventually(() => backend.view().phase, { timeout: 10_000 }).toBe('writingSession');
    await eventually(() => actionNames(page)).toEqual(['cancel']);
    await checkState(page, 'flow-50-joining-session');

    await page.locator('[data-action="cancel"]').click();
    await waitForPhase(backend, 'failed');
    expect(backend.view().error?.code).toBe('cancelled');
    await eventually(() => alertText(page)).toContain('Joining cancelled');
    expect(await actionNames(page)).toEqual(['retry', 'dismiss']);
    expect(await focusedAction(page)).toBe('retry');
    await checkState(page, 'flow-51-cancelled');

    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await eventually(() => page.locator('.recent-item').count()).toBe(1);
    expect(await page.locator('.recent-item .badge').textContent()).toBe('Cancelled');
  });
});
