/**
 * The launcher's account between the window and the join flow, over a real sign-in against the
 * local directory: the wrong-account invite is tried again after a sign-in, unless a newer invite
 * arrived meanwhile, which wins; a switch goes only to a cached account.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createAccountManager } from '../../src/main/account/account-manager';
import { localSignInSettings } from '../../src/main/account/sign-in-settings';
import { fileTokenStore } from '../../src/main/account/token-cache';
import { createLauncherAccount } from '../../src/main/launcher-account';
import type { Invite } from '../../src/shared/invite';
import type { JoinView } from '../../src/shared/join-view';
import {
  completeAuthorizePage,
  signInDirectory,
  type SignInDirectory,
} from './account/sign-in-fixture';

let local: SignInDirectory | undefined;
let folder = '';
afterEach(async () => {
  await local?.directory.close();
  local = undefined;
  rmSync(folder, { recursive: true, force: true });
});

const invite = (n: number, localXuid = '2535400000000777'): Invite => ({
  kind: 'invite',
  handleId: `0f3c12ab-0000-4000-8000-00000000000${n}`,
  localXuid,
  remoteXuid: '2533274811111111',
});

/** The join flow as main's ActiveJoin looks from here: what was submitted, and its view. */
function recordingJoin() {
  const submitted: Invite[] = [];
  let view: JoinView = { phase: 'idle', attempt: 0, canRetry: false };
  return {
    submitted,
    fail(code: 'wrong-account') {
      view = { phase: 'failed', attempt: 1, canRetry: false, error: { code, message: '' } };
    },
    submit: (next: Invite) => void submitted.push(next),
    view: () => view,
    lastInvite: () => submitted.at(-1),
  };
}

async function setUp() {
  local = await signInDirectory();
  folder = mkdtempSync(join(tmpdir(), 'rallypoint-launcher-account-'));
  const joinFlow = recordingJoin();
  let nextAccount: Record<string, string> = { gamertag: 'First', xuid: '2535400000000111' };
  let onBrowser: () => void = () => undefined;
  const account = createLauncherAccount({
    accounts: createAccountManager({
      settings: localSignInSettings(local.directory.url),
      store: fileTokenStore(join(folder, 'accounts.json')),
      now: local.now,
    }),
    openBrowser: async (url) => {
      onBrowser();
      await completeAuthorizePage(url, 'allow', nextAccount);
    },
    join: joinFlow,
    log: () => undefined,
  });
  await account.service.load();
  const signIn = async (who: Record<string, string>) => {
    nextAccount = who;
    account.handlers.signIn();
    await new Promise<void>((resolve) => {
      const stop = account.subscribe((view) => {
        if (view.state === 'signed-in' && view.gamertag === who.gamertag) {
          stop();
          resolve();
        }
      });
    });
  };
  return { account, joinFlow, signIn, setBrowserHook: (hook: () => void) => (onBrowser = hook) };
}

it('tries the wrong-account invite again after a sign-in, and a switch only to cached accounts', async () => {
  const { account, joinFlow, signIn } = await setUp();
  await signIn({ gamertag: 'First', xuid: '2535400000000111' });
  account.offerInvite(invite(1));
  expect(joinFlow.submitted).toEqual([invite(1)]);
  joinFlow.fail('wrong-account');

  await signIn({ gamertag: 'Invited', xuid: '2535400000000777' });
  // Once more, with the account the player just signed in with.
  await expect.poll(() => joinFlow.submitted).toEqual([invite(1), invite(1)]);

  joinFlow.fail('wrong-account');
  expect(await account.handlers.switchTo('2535400000000999')).toBe(false);
  expect(joinFlow.submitted).toHaveLength(2);
  expect(await account.handlers.switchTo('2535400000000111')).toBe(true);
  expect(joinFlow.submitted).toEqual([invite(1), invite(1), invite(1)]);
  expect(account.view()).toMatchObject({ state: 'signed-in', gamertag: 'First' });
});

it('a newer invite that arrived during the sign-in wins over the wrong-account retry', async () => {
  const { account, joinFlow, signIn, setBrowserHook } = await setUp();
  await signIn({ gamertag: 'First', xuid: '2535400000000111' });
  account.offerInvite(invite(1));
  joinFlow.fail('wrong-account');
  // While the browser is open, another invite arrives: it is kept, then joined after sign-in.
  setBrowserHook(() => account.offerInvite(invite(2)));
  await signIn({ gamertag: 'Invited', xuid: '2535400000000777' });
  await expect.poll(() => joinFlow.submitted).toEqual([invite(1), invite(2)]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(joinFlow.submitted).toEqual([invite(1), invite(2)]);
});
