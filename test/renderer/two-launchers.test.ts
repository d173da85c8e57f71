/**
 * Issue 19 end to end with two launchers on one local directory over loopback, each a real window
 * in real Chromium over its own backend (main's own modules and the real demo game as a child
 * process): A presses Play and the demo game hosts; A opens Invite friends, picks B (whom A
 * follows) and sends; B's window reads its inbox again on focus and lists A's invite; B presses
 * Join; both are members of the session, A's Play card and B's roster list each other, and each
 * demo game reports the other player. Screenshots: two-launchers-a.png, two-launchers-b.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import { createInboxPlayer } from '../../src/main/inbox/inbox-player';
import { defaultGameTitle } from '../../src/main/join/launcher-config';
import { createDevTokenProvider } from '../../src/main/join/token-provider';
import { axeViolations, eventually, launchChromium, openLauncher, screenshot } from './browser-kit';
import { startLauncherBackend, type Account, type LauncherBackend } from './launcher-backend';
import { startTestHost } from './test-host';

const playerB: Account = { xuid: '2533274811100002', gamertag: 'BerylFinch' };
const playerA: Account = {
  xuid: '2533274811100001',
  gamertag: 'AmberWolf',
  follows: [playerB.xuid],
};

let browser: Browser;
let directory: RunningDirectory;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [browser, directory] = await Promise.all([
    launchChromium(),
    startDirectory({ port: 0, rateLimits: false }),
  ]);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await browser?.close();
  await directory?.close();
});

/** One launcher: its backend (with B's inbox when asked), its page host and its window. */
async function openWindow(
  who: Account,
  withInbox: boolean,
): Promise<{
  backend: LauncherBackend;
  page: Page;
}> {
  const backend = await startLauncherBackend({
    directoryUrl: directory.url,
    demoInviteLink: '',
    signedIn: who,
    accounts: [who],
    locale: 'en-US',
    devMode: false,
    ...(withInbox
      ? {
          inbox: {
            firstRun: false,
            player: createInboxPlayer({
              directoryUrl: directory.url,
              xuid: who.xuid,
              tokens: createDevTokenProvider({ baseUrl: directory.url, ...who }),
              scid: defaultGameTitle.scid,
              profileUrl: `${directory.url}/users/batch/profile/settings`,
            }),
          },
        }
      : {}),
  });
  cleanups.push(() => backend.close());
  const host = await startTestHost(backend.handlers);
  backend.attach(host);
  cleanups.push(() => host.close());
  const launcher = await openLauncher(browser, host.url, { locale: 'en-US' });
  cleanups.push(async () => {
    expect(launcher.problems).toEqual([]);
    await launcher.close();
  });
  await launcher.page.locator('main#content h1').waitFor();
  return { backend, page: launcher.page };
}

/** The demo game's "players in the session: …" lines, newest last. */
const playerLines = (backend: LauncherBackend) =>
  backend.gameOutput.filter((line) => line.startsWith('players in the session: '));

describe('two launchers, one directory', () => {
  it('A plays and invites B; B joins from the inbox; both games report the other', async () => {
    // B first: its inbox read signs B in, so the directory knows B's name when A lists friends.
    const b = await openWindow(playerB, true);
    const a = await openWindow(playerA, false);

    // A presses Play: the demo game asks A's launcher to host.
    await a.page.getByRole('button', { name: 'Play', exact: true }).click();
    await eventually(() => a.page.locator('.play-session').textContent(), {
      timeout: 60_000,
    }).toBe('You’re hosting a session.');

    // A invites B from the window's dialog, into the game's session.
    await a.page.getByRole('button', { name: 'Invite friends' }).click();
    const dialog = a.page.getByRole('dialog');
    await dialog.waitFor();
    await a.page.getByRole('checkbox', { name: playerB.gamertag }).check({ timeout: 60_000 });
    await a.page.getByRole('button', { name: 'Send 1 invite' }).click();
    await eventually(() => a.page.getByRole('status').last().textContent(), {
      timeout: 60_000,
    }).toBe('1 invite sent.');
    await a.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // B's window gains focus and reads the inbox again: A's invite is there.
    const invite = b.page.locator('.inbox-item', {
      has: b.page.locator('.inbox-from', { hasText: `${playerA.gamertag} invited you` }),
    });
    await b.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await invite.waitFor({ timeout: 60_000 });
    const handleId = await invite.getAttribute('data-handle-id');
    expect(handleId).toBeTruthy();

    // B joins: B's join screen reaches In game, through the invite A sent.
    await invite.locator('[data-action="inboxAccept"]').click();
    await eventually(() => b.backend.view().phase, { timeout: 60_000 }).toBe('joined');
    expect(b.backend.view().invite?.handleId).toBe(handleId);
    await eventually(() => b.page.locator('.status-line[aria-live="polite"]').textContent(), {
      timeout: 60_000,
    }).toBe('You’re in. Have fun!');

    // Both are members: B's roster and A's Play card list both players.
    await eventually(() => b.page.locator('.roster-member .roster-name').allTextContents(), {
      timeout: 60_000,
    }).toEqual(expect.arrayContaining([playerA.gamertag, playerB.gamertag]));
    await eventually(() => a.page.locator('.play-player').allTextContents(), {
      timeout: 60_000,
    }).toEqual([`${playerA.gamertag} (host)`, playerB.gamertag]);

    // Both demo games report the other player.
    await eventually(() => playerLines(a.backend).at(-1), { timeout: 60_000 }).toBe(
      `players in the session: ${playerA.gamertag} (host), ${playerB.gamertag}`,
    );
    await eventually(() => playerLines(b.backend).at(-1), { timeout: 60_000 }).toBe(
      `players in the session: ${playerA.gamertag} (host), ${playerB.gamertag}`,
    );

    await screenshot(a.page, 'two-launchers-a');
    await screenshot(b.page, 'two-launchers-b');
    expect(await axeViolations(a.page)).toEqual([]);
    expect(await axeViolations(b.page)).toEqual([]);
  }, 240_000);
});
