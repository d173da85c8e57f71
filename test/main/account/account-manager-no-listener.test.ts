/**
 * A browser sign-in when the loopback listener cannot start (no port on 127.0.0.1): a typed
 * service-unavailable failure before any browser opens. The listener is replaced by one that fails
 * to start, which a real machine only does when it is out of ports.
 */
import { expect, it, vi } from 'vitest';
import { createAccountManager } from '../../../src/main/account/account-manager';
import type { OAuthClient } from '../../../src/main/account/oauth-client';
import { localSignInSettings } from '../../../src/main/account/sign-in-settings';

vi.mock('../../../src/main/account/loopback-redirect', () => ({
  startLoopbackRedirect: () => Promise.reject(new Error('listen EADDRNOTAVAIL 127.0.0.1')),
}));

it('fails as service-unavailable and opens no browser', async () => {
  const browsers: string[] = [];
  const oauth: OAuthClient = {
    deviceCode: () => Promise.reject(new Error('not used')),
    browser: async (redirectUri) => {
      browsers.push(redirectUri);
      return { url: 'http://127.0.0.1:9/authorize', finish: () => Promise.reject(new Error('no')) };
    },
    refresh: () => Promise.reject(new Error('not used')),
  };
  const opened: string[] = [];
  const accounts = createAccountManager({
    settings: localSignInSettings('http://127.0.0.1:9'),
    store: {
      read: async () => undefined,
      write: async () => undefined,
      clear: async () => undefined,
    },
    oauth,
  });
  const result = await accounts.signInWithBrowser(
    (url) => void opened.push(url),
    new AbortController().signal,
  );
  expect(result).toStrictEqual({
    ok: false,
    error: {
      code: 'service-unavailable',
      message: 'could not listen for the browser redirect on 127.0.0.1',
      retryable: false,
    },
  });
  expect(browsers).toStrictEqual([]);
  expect(opened).toStrictEqual([]);
});
