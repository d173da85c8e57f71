/**
 * Where sign-in goes, on its own: the Microsoft and local settings field by field, which URLs
 * count as plain http on this machine (the only place a token may travel unencrypted), and the
 * check that names the first bad setting.
 */
import { describe, expect, it } from 'vitest';
import {
  checkSignInSettings,
  isLoopbackHttp,
  localSignInSettings,
  microsoftSignInSettings,
  type SignInSettings,
} from '../../../src/main/account/sign-in-settings';

describe('microsoftSignInSettings', () => {
  it("points every service at Microsoft's, in the RETAIL sandbox unless told", () => {
    expect(microsoftSignInSettings('client-1')).toStrictEqual({
      clientId: 'client-1',
      authority: 'https://login.microsoftonline.com/consumers',
      scope: 'XboxLive.signin offline_access',
      sandbox: 'RETAIL',
      userTokenUrl: 'https://user.auth.xboxlive.com/user/authenticate',
      xstsUrl: 'https://xsts.auth.xboxlive.com/xsts/authorize',
      profileUrl: 'https://profile.xboxlive.com/users/batch/profile/settings',
      relyingParty: 'http://xboxlive.com',
    });
    expect(microsoftSignInSettings('client-1', 'XDKS.1').sandbox).toBe('XDKS.1');
  });
});

describe('localSignInSettings', () => {
  const expected = (base: string): SignInSettings => ({
    clientId: '00000000-0000-4000-8000-0000000000aa',
    authority: `${base}/consumers`,
    scope: 'XboxLive.signin offline_access',
    sandbox: 'RETAIL',
    userTokenUrl: `${base}/user/authenticate`,
    xstsUrl: `${base}/xsts/authorize`,
    profileUrl: `${base}/users/batch/profile/settings`,
    relyingParty: 'http://xboxlive.com',
  });

  it('puts every service under the directory URL', () => {
    expect(localSignInSettings('http://127.0.0.1:4100')).toStrictEqual(
      expected('http://127.0.0.1:4100'),
    );
  });

  it('drops any run of trailing slashes, and only those', () => {
    expect(localSignInSettings('http://127.0.0.1:4100/')).toStrictEqual(
      expected('http://127.0.0.1:4100'),
    );
    expect(localSignInSettings('http://127.0.0.1:4100/base///')).toStrictEqual(
      expected('http://127.0.0.1:4100/base'),
    );
    expect(localSignInSettings('http://localhost:4100/a/b').authority).toBe(
      'http://localhost:4100/a/b/consumers',
    );
  });
});

describe('isLoopbackHttp', () => {
  it.each([
    'http://127.0.0.1:4100/x',
    'http://localhost/',
    'http://[::1]:8080',
    'HTTP://LOCALHOST',
  ])('%s is plain http on this machine', (value) => {
    expect(isLoopbackHttp(value)).toBe(true);
  });

  it.each([
    'https://127.0.0.1/',
    'https://localhost/',
    'http://example.com/',
    'http://127.0.0.2/',
    'http://localhost.example.com/',
    'ws://127.0.0.1/',
    'not a url',
    '',
  ])('%s is not', (value) => {
    expect(isLoopbackHttp(value)).toBe(false);
  });
});

describe('checkSignInSettings', () => {
  const good = microsoftSignInSettings('client-1');

  it('accepts https everywhere, and plain http on loopback, as the same object', () => {
    expect(checkSignInSettings(good)).toStrictEqual({ ok: true, value: good });
    const local = localSignInSettings('http://[::1]:4100');
    expect(checkSignInSettings(local)).toStrictEqual({ ok: true, value: local });
  });

  it('refuses an empty or blank client id', () => {
    expect(checkSignInSettings({ ...good, clientId: '' })).toStrictEqual({
      ok: false,
      error: 'signIn.clientId is empty',
    });
    expect(checkSignInSettings({ ...good, clientId: '  \t' })).toStrictEqual({
      ok: false,
      error: 'signIn.clientId is empty',
    });
  });

  it.each(['authority', 'userTokenUrl', 'xstsUrl', 'profileUrl'] as const)(
    'names %s when it is no URL, carries credentials or is remote plain http',
    (name) => {
      const bad = (value: string) => checkSignInSettings({ ...good, [name]: value });
      expect(bad('profile.example.com/x')).toStrictEqual({
        ok: false,
        error: `signIn.${name} is not a URL`,
      });
      expect(bad('https://user@example.com/x')).toStrictEqual({
        ok: false,
        error: `signIn.${name} must not carry credentials`,
      });
      expect(bad('https://:secret@example.com/x')).toStrictEqual({
        ok: false,
        error: `signIn.${name} must not carry credentials`,
      });
      const insecure = {
        ok: false,
        error: `signIn.${name} must be https:// (plain http:// only on 127.0.0.1, localhost, [::1])`,
      };
      expect(bad('http://example.com/x')).toStrictEqual(insecure);
      expect(bad('ftp://127.0.0.1/x')).toStrictEqual(insecure);
      expect(bad('http://127.0.0.1:9/x')).toStrictEqual({
        ok: true,
        value: { ...good, [name]: 'http://127.0.0.1:9/x' },
      });
    },
  );

  it('names the first bad setting in the order authority, user token, XSTS, profile', () => {
    const result = checkSignInSettings({
      ...good,
      xstsUrl: 'http://example.com/xsts',
      profileUrl: 'nope',
    });
    expect(result).toStrictEqual({
      ok: false,
      error: 'signIn.xstsUrl must be https:// (plain http:// only on 127.0.0.1, localhost, [::1])',
    });
  });
});
