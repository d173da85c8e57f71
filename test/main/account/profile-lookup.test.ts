/**
 * The invite sender's name and picture from the local profile service over loopback HTTP with a
 * signed-in account's token; failures (unknown player, service down, no token) give no profile, so
 * the window falls back to "a friend".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createAccountManager } from '../../../src/main/account/account-manager';
import { lookupProfiles } from '../../../src/main/account/profile-lookup';
import { localSignInSettings } from '../../../src/main/account/sign-in-settings';
import { fileTokenStore } from '../../../src/main/account/token-cache';
import type { TokenProvider } from '../../../src/main/join/token-provider';
import { player } from '../../directory/directory-test-client';
import { completeDeviceCode, signInDirectory, type SignInDirectory } from './sign-in-fixture';

let local: SignInDirectory | undefined;
let folder = '';
afterEach(async () => {
  await local?.directory.close();
  local = undefined;
  if (folder) rmSync(folder, { recursive: true, force: true });
});

async function signedInTokens(): Promise<TokenProvider> {
  if (!local) throw new Error('no directory');
  folder = mkdtempSync(join(tmpdir(), 'rallypoint-profile-'));
  const accounts = createAccountManager({
    settings: localSignInSettings(local.directory.url),
    store: fileTokenStore(join(folder, 'a.json')),
    now: local.now,
  });
  const pages: Promise<number>[] = [];
  const result = await accounts.signInWithDeviceCode((prompt) => {
    pages.push(completeDeviceCode(prompt.verificationUri, prompt.userCode, { gamertag: 'Looker' }));
  }, new AbortController().signal);
  await Promise.all(pages);
  expect(result.ok).toBe(true);
  return accounts.tokenProvider();
}

it('names the sender with gamertag and a loadable picture; unknown players are left out', async () => {
  local = await signInDirectory();
  const sender = await player(local.directory.url, 'Host Friend');
  const tokens = await signedInTokens();
  const lines: string[] = [];
  const profiles = await lookupProfiles([sender.xuid, '1234'], {
    profileUrl: `${local.directory.url}/users/batch/profile/settings`,
    tokens,
    log: (line) => lines.push(line),
  });
  expect([...profiles.keys()]).toEqual([sender.xuid]);
  const profile = profiles.get(sender.xuid);
  expect(profile?.gamertag).toBe('Host Friend');
  const picture = await fetch(profile?.pictureUrl ?? '');
  expect(picture.status).toBe(200);
  expect(lines.join('\n')).toContain('1 of 2 player(s) named');
});

it('a service that cannot be reached, or no token, gives no profile and no error', async () => {
  local = await signInDirectory();
  const tokens = await signedInTokens();
  const closedUrl = `${local.directory.url}/users/batch/profile/settings`;
  await local.directory.close();
  expect((await lookupProfiles(['2533274811111111'], { profileUrl: closedUrl, tokens })).size).toBe(
    0,
  );
  const noToken: TokenProvider = {
    getToken: async () => ({
      ok: false,
      error: { code: 'unauthorized', message: 'not signed in', retryable: false },
    }),
  };
  expect(
    (await lookupProfiles(['2533274811111111'], { profileUrl: closedUrl, tokens: noToken })).size,
  ).toBe(0);
});
