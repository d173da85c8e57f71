/**
 * Sign-in against the local directory's identity services over real HTTP: device code, browser
 * (authorization code + PKCE, the loopback redirect received by the launcher's code), silent
 * renewal, XSTS refusals, expired and revoked refresh tokens, two accounts switched, sign-out, and
 * the cache files checked for the real token values.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createAccountManager,
  type AccountManager,
} from '../../../src/main/account/account-manager';
import { Secret } from '../../../src/main/account/secret';
import { localSignInSettings } from '../../../src/main/account/sign-in-settings';
import {
  encryptedTokenStore,
  fileTokenStore,
  type TokenStore,
} from '../../../src/main/account/token-cache';
import { call, joinBody, sessionUrl } from '../../directory/directory-test-client';
import {
  completeDeviceCode,
  fakeSafeStorage,
  signInDirectory,
  type SignInDirectory,
} from './sign-in-fixture';

let local: SignInDirectory | undefined;
let folder = '';
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'rallypoint-sign-in-'));
});
afterEach(async () => {
  await local?.directory.close();
  local = undefined;
  rmSync(folder, { recursive: true, force: true });
});

function manager(store: TokenStore, lines: string[] = []): AccountManager {
  if (!local) throw new Error('no directory');
  return createAccountManager({
    settings: localSignInSettings(local.directory.url),
    store,
    now: local.now,
    log: (line) => lines.push(line),
  });
}

async function deviceSignIn(accounts: AccountManager, account: Record<string, string>) {
  const pages: Promise<number>[] = [];
  const result = await accounts.signInWithDeviceCode((prompt) => {
    pages.push(completeDeviceCode(prompt.verificationUri, prompt.userCode, account));
  }, new AbortController().signal);
  expect(await Promise.all(pages)).toEqual([200]);
  return result;
}

describe('Secret', () => {
  it('prints [redacted] under String, template literals, inspect and JSON', () => {
    const secret = new Secret('EwA-real-token');
    expect(String(secret)).toBe('[redacted]');
    expect(`${secret}`).toBe('[redacted]');
    expect(inspect({ nested: { secret } })).not.toContain('EwA-real-token');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(secret.reveal()).toBe('EwA-real-token');
  });
});

describe('device code sign-in', () => {
  it('signs in, caches the account in a 0600 file, and its XSTS token opens sessions', async () => {
    local = await signInDirectory();
    const path = join(folder, 'accounts.json');
    const lines: string[] = [];
    const accounts = manager(fileTokenStore(path), lines);
    const result = await deviceSignIn(accounts, { gamertag: 'Dev Sam', xuid: '2535400000000123' });
    expect(result).toEqual({ ok: true, value: { xuid: '2535400000000123', gamertag: 'Dev Sam' } });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await accounts.current()).toEqual({ xuid: '2535400000000123', gamertag: 'Dev Sam' });

    const token = await accounts.tokenProvider().getToken({ forceRefresh: false });
    if (!token.ok) throw new Error(token.error.message);
    const me = {
      xuid: token.value.xuid,
      gamertag: 'Dev Sam',
      authorization: `XBL3.0 x=${token.value.userHash};${token.value.token.reveal()}`,
    };
    const put = await call(local.directory.url, 'PUT', sessionUrl('device'), {
      as: me,
      body: joinBody(me),
    });
    expect(put.status, put.text).toBe(201);
    // The log names the account by gamertag and the last digits of its XUID, never a token.
    expect(lines.join('\n')).not.toContain(token.value.token.reveal());
    expect(lines.join('\n')).toContain('signed in as Dev Sam (xuid …0123)');
    expect(lines.join('\n')).not.toContain('2535400000000123');

    await accounts.signOut();
    expect(existsSync(path)).toBe(false);
    expect(await accounts.current()).toBeUndefined();
  });

  it('renews silently when the XSTS token is about to expire, and once more after a 401', async () => {
    local = await signInDirectory({ xstsTokenMs: 10 * 60 * 1000 });
    const accounts = manager(fileTokenStore(join(folder, 'a.json')));
    await deviceSignIn(accounts, { gamertag: 'Renewer' });
    const provider = accounts.tokenProvider();
    const first = await provider.getToken({ forceRefresh: false });
    const same = await provider.getToken({ forceRefresh: false });
    expect(same).toEqual(first);
    local.advance(6 * 60 * 1000);
    const renewed = await provider.getToken({ forceRefresh: false });
    expect(
      renewed.ok && first.ok && renewed.value.token.reveal() !== first.value.token.reveal(),
    ).toBe(true);
    const forced = await provider.getToken({ forceRefresh: true });
    expect(
      forced.ok && renewed.ok && forced.value.token.reveal() !== renewed.value.token.reveal(),
    ).toBe(true);
  });

  it('a cancelled sign-in stores nothing', async () => {
    local = await signInDirectory();
    const path = join(folder, 'c.json');
    const accounts = manager(fileTokenStore(path));
    const controller = new AbortController();
    const result = await accounts.signInWithDeviceCode(() => controller.abort(), controller.signal);
    expect(result.ok ? 'signed in' : result.error.code).toBe('cancelled');
    expect(existsSync(path)).toBe(false);
  });
});

describe('XSTS refusals become typed errors and store nothing', () => {
  it.each([
    [2148916233, 'no-xbox-profile'],
    [2148916235, 'region-unavailable'],
    [2148916236, 'adult-verification-needed'],
    [2148916237, 'adult-verification-needed'],
    [2148916238, 'child-needs-family'],
  ])('XErr %i → %s', async (xerr, code) => {
    local = await signInDirectory();
    const path = join(folder, 'x.json');
    const accounts = manager(fileTokenStore(path));
    const result = await deviceSignIn(accounts, { gamertag: 'Refused', xerr: String(xerr) });
    expect(result.ok ? 'signed in' : result.error).toMatchObject({ code, xerr });
    expect(existsSync(path)).toBe(false);
  });
});

describe('a dead refresh token', () => {
  it('revoked: the token request is unauthorized and the account is forgotten', async () => {
    local = await signInDirectory();
    const accounts = manager(fileTokenStore(join(folder, 'r.json')));
    const signedIn = await deviceSignIn(accounts, {
      gamertag: 'Revoked',
      xuid: '2535400000000555',
    });
    expect(signedIn.ok).toBe(true);
    expect(local.directory.identity.revokeRefreshTokens('2535400000000555')).toBe(1);
    const token = await accounts.tokenProvider().getToken({ forceRefresh: true });
    expect(token.ok ? 'token' : token.error.code).toBe('unauthorized');
    expect(token.ok ? '' : token.error.message).toContain('session-expired');
    expect(await accounts.current()).toBeUndefined();
  });

  it('expired: the same', async () => {
    local = await signInDirectory({ refreshTokenMs: 60_000, xstsTokenMs: 60_000 });
    const accounts = manager(fileTokenStore(join(folder, 'e.json')));
    await deviceSignIn(accounts, { gamertag: 'Expired' });
    local.advance(61_000);
    const token = await accounts.tokenProvider().getToken({ forceRefresh: false });
    expect(token.ok ? 'token' : token.error.code).toBe('unauthorized');
    expect(await accounts.current()).toBeUndefined();
  });
});

describe('browser sign-in (authorization code + PKCE, loopback redirect)', () => {
  it('the page picks an account, the redirect comes back to the launcher, two accounts switch', async () => {
    local = await signInDirectory();
    const path = join(folder, 'launcher-accounts.bin');
    const accounts = manager(encryptedTokenStore(path, fakeSafeStorage()));
    const browse = (gamertag: string) => async (url: string) => {
      // The "browser": load the page, submit its form with a new development account.
      const page = await (await fetch(url)).text();
      const hidden = [
        ...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g),
      ].map(
        ([, name, value]) => [name ?? '', (value ?? '').replace(/&amp;/g, '&')] as [string, string],
      );
      const answer = await fetch(new URL('/consumers/oauth2/v2.0/authorize', url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([
          ...hidden,
          ['gamertag', gamertag],
          ['decision', 'allow'],
        ]).toString(),
        redirect: 'manual',
      });
      const location = answer.headers.get('location') ?? '';
      expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
      void fetch(location).then((response) => response.text());
    };
    const first = await accounts.signInWithBrowser(browse('First'), new AbortController().signal);
    expect(first.ok, JSON.stringify(first)).toBe(true);
    const second = await accounts.signInWithBrowser(browse('Second'), new AbortController().signal);
    expect(second.ok && second.value.gamertag).toBe('Second');
    expect((await accounts.accounts()).map((account) => account.gamertag)).toEqual([
      'Second',
      'First',
    ]);
    const firstXuid = first.ok ? first.value.xuid : '';
    expect(await accounts.switchTo(firstXuid)).toBe(true);
    expect(await accounts.current()).toMatchObject({ gamertag: 'First' });
    expect(await accounts.switchTo('1')).toBe(false);

    // At rest the cache is encrypted: no token value appears in the file.
    const token = await accounts.tokenProvider().getToken({ forceRefresh: false });
    if (!token.ok) throw new Error(token.error.message);
    const bytes = readFileSync(path);
    expect(bytes.includes(Buffer.from(token.value.token.reveal()))).toBe(false);
    expect(bytes.includes(Buffer.from('refreshToken'))).toBe(false);
    expect(bytes.includes(Buffer.from('First'))).toBe(false);
  });

  it('cancel on the page is a cancelled sign-in', async () => {
    local = await signInDirectory();
    const accounts = manager(encryptedTokenStore(join(folder, 'x.bin'), fakeSafeStorage()));
    const result = await accounts.signInWithBrowser(async (url) => {
      const page = await (await fetch(url)).text();
      const hidden = [
        ...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g),
      ].map(
        ([, name, value]) => [name ?? '', (value ?? '').replace(/&amp;/g, '&')] as [string, string],
      );
      const answer = await fetch(new URL('/consumers/oauth2/v2.0/authorize', url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([...hidden, ['decision', 'cancel']]).toString(),
        redirect: 'manual',
      });
      void fetch(answer.headers.get('location') ?? '').then((response) => response.text());
    }, new AbortController().signal);
    expect(result.ok ? 'signed in' : result.error.code).toBe('cancelled');
  });
});
