/**
 * Try again against the real machine, for every error code: the real join stack (xstate machine,
 * HTTP client, dev-token sign-in, demo game) talks to the real local directory through a front
 * that scripts one failure, the launcher window in real Chromium shows it, and then the test
 * checks that Try again is on screen exactly when the machine accepts RETRY: pressing a shown
 * Try again starts a new attempt, and a RETRY the page did not offer changes nothing.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import { joinErrorCodes, type JoinErrorCode } from '../../src/shared/join-view';
import { en } from '../../src/renderer/i18n/en';
import { eventually, openLauncher, screenshot, useBrowserSuite } from './browser-kit';
import { startLauncherBackend, type Account, type LauncherBackend } from './launcher-backend';
import { startScriptedFront, type ScriptedFront } from './scripted-front';
import { startTestHost } from './test-host';

const couchGuest: Account = { xuid: '2533274800000099', gamertag: 'CouchGuest' };

const suite = useBrowserSuite();

interface Failure {
  readonly code: JoinErrorCode;
  /** What is scripted, in a few words (the test name). */
  readonly how: string;
  /** Whether the player should be offered Try again (the product decision this test pins). */
  readonly tryAgain: boolean;
  readonly setUp?: (front: ScriptedFront) => void;
  readonly signedIn?: 'guest';
  readonly gameArgs?: readonly string[];
  /** Drives the launcher into the failure once the window is open. */
  readonly provoke?: (run: Run) => Promise<void>;
}

interface Run {
  readonly backend: LauncherBackend;
  readonly front: ScriptedFront;
  readonly page: Page;
  readonly inviteLink: string;
}

const json = (status: number, body: unknown, headers?: Record<string, string>) => ({
  status,
  body: JSON.stringify(body),
  ...(headers ? { headers } : {}),
});

const failures: readonly Failure[] = [
  {
    code: 'invalid-link',
    how: 'a link the intake refuses',
    tryAgain: false,
    provoke: async ({ backend }) =>
      backend.accept('rallypoint://inviteHandleAccept/?handle=nope&invitedXuid=1&senderXuid=2'),
  },
  {
    code: 'invite-expired',
    how: 'the write answered 404',
    tryAgain: false,
    setUp: (front) => (front.writes = json(404, { message: 'no such handle' })),
  },
  {
    code: 'session-full',
    how: 'the write answered 403, session full',
    tryAgain: false,
    setUp: (front) => (front.writes = json(403, { message: 'the session is full' })),
  },
  {
    code: 'not-allowed',
    how: 'the write answered 403, closed',
    tryAgain: false,
    setUp: (front) => (front.writes = json(403, { message: 'the session is closed' })),
  },
  {
    code: 'conflict',
    how: 'the write answered 409',
    tryAgain: true,
    setUp: (front) => (front.writes = json(409, { message: 'conflict' })),
  },
  {
    code: 'unauthorized',
    how: 'every write answered 401, even with a fresh token',
    tryAgain: false,
    setUp: (front) => (front.writes = json(401, { message: 'unauthorized' })),
  },
  {
    code: 'wrong-account',
    how: 'another account signed in',
    tryAgain: false,
    signedIn: 'guest',
  },
  {
    code: 'directory-unavailable',
    how: 'the write answered 400, a protocol this launcher does not speak',
    tryAgain: true,
    setUp: (front) => (front.writes = json(400, { message: 'bad request' })),
  },
  {
    code: 'rate-limited',
    how: 'the write answered 429 with a Retry-After past the deadline',
    tryAgain: true,
    setUp: (front) =>
      (front.writes = json(429, { message: 'slow down' }, { 'Retry-After': '3600' })),
  },
  {
    code: 'malformed-response',
    how: 'the write answered 200 with a body that is not JSON (ambiguous)',
    tryAgain: true,
    setUp: (front) => (front.writes = { status: 200, body: 'not json' }),
  },
  {
    code: 'malformed-response',
    how: 'the sign-in answered 200 with a body that is not JSON (not ambiguous)',
    tryAgain: true,
    setUp: (front) => (front.tokens = { status: 200, body: 'not json' }),
  },
  {
    code: 'game-failed',
    how: 'the game refuses the join',
    tryAgain: true,
    gameArgs: ['--mode', 'refuse'],
  },
  {
    code: 'cancelled',
    how: 'the player cancels a write that hangs',
    tryAgain: true,
    setUp: (front) => (front.writes = 'hold'),
    provoke: async ({ backend, page, inviteLink }) => {
      backend.accept(inviteLink);
      await eventually(() => backend.view().phase, { timeout: 15_000 }).toBe('writingSession');
      await page.locator('[data-action="cancel"]').click();
    },
  },
];

async function start(failure: Failure): Promise<Run> {
  const directory = await startDirectory({ port: 0, seed: 'demo' });
  suite.onCleanup(() => directory.close());
  const demo = directory.demo;
  if (!demo) throw new Error('the demo seed is missing');
  const front = await startScriptedFront(directory.url);
  suite.onCleanup(() => front.close());
  const player: Account = { xuid: demo.player.xuid, gamertag: demo.player.gamertag };
  const backend = await startLauncherBackend({
    directoryUrl: front.url,
    demoInviteLink: demo.inviteLink,
    signedIn: failure.signedIn === 'guest' ? couchGuest : player,
    accounts: [couchGuest, player],
    locale: 'en-US',
    devMode: false,
    retry: { baseDelayMs: 200, maxDelayMs: 1_000 },
    ...(failure.gameArgs ? { gameArgs: failure.gameArgs } : {}),
  });
  suite.onCleanup(() => backend.close());
  const host = await startTestHost(backend.handlers);
  backend.attach(host);
  suite.onCleanup(() => host.close());
  const launcher = await openLauncher(suite.browser(), host.url);
  suite.onCleanup(() => launcher.close());
  await launcher.page.locator('main#content h1').waitFor();
  return { backend, front, page: launcher.page, inviteLink: demo.inviteLink };
}

const actionNames = (page: Page) =>
  page
    .locator('main button')
    .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-action')));

/** Requests the launcher made to the directory for sign-in and session writes. */
const requests = (front: ScriptedFront) => {
  const { writes, tokens } = front.seen();
  return writes + tokens;
};

describe('Try again is shown exactly when the join machine accepts RETRY', () => {
  it('covers every error code', () => {
    expect(new Set(failures.map((failure) => failure.code))).toEqual(new Set(joinErrorCodes));
  });

  for (const failure of failures) {
    it(`${failure.code}: ${failure.how}`, async () => {
      const run = await start(failure);
      const { backend, front, page } = run;
      failure.setUp?.(front);
      if (failure.provoke) await failure.provoke(run);
      else backend.accept(run.inviteLink);

      // The failure, in the machine and on screen, with the buttons the view allows.
      await eventually(() => backend.view().phase, { timeout: 15_000 }).toBe('failed');
      expect(backend.view().error?.code).toBe(failure.code);
      await eventually(() => page.getByRole('alert').textContent()).toContain(
        en[`error.${failure.code}.title`],
      );
      const buttons = await actionNames(page);
      const offered = buttons.includes('retry');
      expect(offered).toBe(failure.tryAgain);
      expect(backend.view().canRetry).toBe(offered);
      await screenshot(page, `try-again-${failure.code}-${failure.tryAgain ? 'offered' : 'not'}`);

      // From now on the directory and the sign-in answer normally.
      front.writes = undefined;
      front.tokens = undefined;
      const before = requests(front);
      if (offered) {
        // Try again is the primary action and really retries: a new attempt reaches the directory.
        expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe(
          'retry',
        );
        await page.locator('[data-action="retry"]').click();
        await eventually(() => requests(front), { timeout: 15_000 }).toBeGreaterThan(before);
        if (failure.code === 'game-failed') {
          // The game still refuses: the new attempt wrote the session again and failed the same way.
          await eventually(() => backend.view().error?.code, { timeout: 15_000 }).toBe(
            'game-failed',
          );
        } else {
          await eventually(() => backend.view().phase, { timeout: 15_000 }).toBe('joined');
          await eventually(() => actionNames(page)).toEqual(['dismiss', 'inviteFriends']);
        }
      } else {
        // A RETRY the page did not offer (sent as if it had) changes nothing at all.
        const shown = backend.view();
        await backend.handlers['join:retry']();
        expect(backend.view()).toEqual(shown);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(backend.view()).toEqual(shown);
        expect(requests(front)).toBe(before);
        expect(await actionNames(page)).toEqual(buttons);
      }
    });
  }
});
