/**
 * The window's account state over a real sign-in against the local directory: an invite that
 * arrives while signed out waits and continues after sign-in; cancelling keeps it waiting; once
 * signed in an invite joins at once; the views never hold a token.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { createAccountManager } from '../../../src/main/account/account-manager';
import { createAccountService } from '../../../src/main/account/account-service';
import { localSignInSettings } from '../../../src/main/account/sign-in-settings';
import { fileTokenStore } from '../../../src/main/account/token-cache';
import type { AccountView } from '../../../src/shared/account-view';
import type { Invite } from '../../../src/shared/invite';
import { completeAuthorizePage, signInDirectory, type SignInDirectory } from './sign-in-fixture';

let local: SignInDirectory | undefined;
let folder = '';
afterEach(async () => {
  await local?.directory.close();
  local = undefined;
  rmSync(folder, { recursive: true, force: true });
});

const invite: Invite = {
  kind: 'invite',
  handleId: '0f3c12ab-0000-4000-8000-000000000001',
  localXuid: '2535400000000777',
  remoteXuid: '2533274811111111',
};

/** A browser that submits the authorize page with `decision` (and the invite's account when allowing). */
const browser = (decision: 'allow' | 'cancel') => (url: string) =>
  completeAuthorizePage(url, decision, { gamertag: 'Waiter', xuid: invite.localXuid });

it('an invite that arrives signed out waits through a cancel, then continues after sign-in', async () => {
  local = await signInDirectory();
  folder = mkdtempSync(join(tmpdir(), 'rallypoint-account-service-'));
  const path = join(folder, 'accounts.json');
  const accounts = createAccountManager({
    settings: localSignInSettings(local.directory.url),
    store: fileTokenStore(path),
    now: local.now,
  });
  let decision: 'allow' | 'cancel' = 'cancel';
  const joined: Invite[] = [];
  const service = createAccountService({
    accounts,
    openBrowser: (url) => browser(decision)(url),
    join: (next) => joined.push(next),
  });
  const views: AccountView[] = [];
  service.subscribe((view) => views.push(view));
  await service.load();
  expect(service.view()).toEqual({ state: 'signed-out', inviteWaiting: false });

  expect(service.offerInvite(invite)).toBe(false);
  expect(service.view()).toEqual({ state: 'signed-out', inviteWaiting: true });

  await service.signIn();
  expect(service.view()).toEqual({ state: 'failed', code: 'cancelled', inviteWaiting: true });
  expect(joined).toEqual([]);

  decision = 'allow';
  await service.signIn();
  expect(service.view()).toMatchObject({ state: 'signed-in', gamertag: 'Waiter', others: [] });
  expect(joined).toEqual([invite]);
  expect(views.map((view) => view.state)).toEqual([
    'signed-out',
    'signed-out',
    'signing-in',
    'failed',
    'signing-in',
    'signed-in',
  ]);

  const second = { ...invite, handleId: '0f3c12ab-0000-4000-8000-000000000002' };
  expect(service.offerInvite(second)).toBe(true);
  expect(joined).toEqual([invite, second]);

  const cache = readFileSync(path, 'utf8');
  const secrets = (JSON.parse(cache) as { accounts: Array<{ refreshToken: string }> }).accounts.map(
    (account) => account.refreshToken,
  );
  for (const secret of secrets) expect(JSON.stringify(views)).not.toContain(secret);

  await service.signOut();
  expect(service.view()).toEqual({ state: 'signed-out', inviteWaiting: false });
});

it('a browser that cannot be opened fails the sign-in as service-unavailable, never stuck signing in', async () => {
  local = await signInDirectory();
  folder = mkdtempSync(join(tmpdir(), 'rallypoint-account-service-'));
  const service = createAccountService({
    accounts: createAccountManager({
      settings: localSignInSettings(local.directory.url),
      store: fileTokenStore(join(folder, 'accounts.json')),
      now: local.now,
    }),
    openBrowser: () => Promise.reject(new Error('no browser on this system')),
    join: () => undefined,
  });
  await service.load();
  expect(service.offerInvite(invite)).toBe(false);
  await service.signIn();
  expect(service.view()).toEqual({
    state: 'failed',
    code: 'service-unavailable',
    inviteWaiting: true,
  });
});

it('adds the account picture to the signed-in view once it is looked up', async () => {
  local = await signInDirectory();
  folder = mkdtempSync(join(tmpdir(), 'rallypoint-account-service-'));
  const looked: string[] = [];
  const service = createAccountService({
    accounts: createAccountManager({
      settings: localSignInSettings(local.directory.url),
      store: fileTokenStore(join(folder, 'accounts.json')),
      now: local.now,
    }),
    openBrowser: (url) => browser('allow')(url),
    join: () => undefined,
    picture: async (xuid) => {
      looked.push(xuid);
      return 'data:image/png;base64,AAAA';
    },
  });
  const views: AccountView[] = [];
  service.subscribe((view) => views.push(view));
  await service.signIn();
  await vi.waitFor(() =>
    expect(service.view()).toMatchObject({ picture: 'data:image/png;base64,AAAA' }),
  );
  expect(looked).toEqual([invite.localXuid]);
  expect(
    views.filter((view) => view.state === 'signed-in').map((view) => 'picture' in view),
  ).toEqual([false, true]);
  // Known pictures are not looked up again.
  await service.load();
  expect(looked).toHaveLength(1);
  expect(service.view()).toMatchObject({ picture: 'data:image/png;base64,AAAA' });
});
