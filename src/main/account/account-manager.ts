/**
 * Signed-in accounts for the launcher and the command line: sign in (device code or browser with
 * a loopback redirect), keep accounts in the token cache, switch, sign out, and hand the join
 * machine's directory client XSTS tokens through the ordinary {@link TokenProvider} interface,
 * refreshing silently (refresh token → user token → XSTS) before they expire or after a 401.
 */
import { err, ok, type Result } from '../../shared/result';
import { xuidLogLabel } from '../logging/log-labels';
import type { AccessToken, TokenError, TokenProvider } from '../join/token-provider';
import { startLoopbackRedirect } from './loopback-redirect';
import {
  createOAuthClient,
  type DeviceCodePrompt,
  type OAuthClient,
  type OAuthTokens,
} from './oauth-client';
import { signInError, type SignInError } from './sign-in-error';
import type { SignInSettings } from './sign-in-settings';
import {
  loadCache,
  saveCache,
  type CachedAccount,
  type TokenCacheContents,
  type TokenStore,
} from './token-cache';
import { exchangeForXsts, type XstsIdentity } from './xbox-token-chain';

/** What anyone may know of an account: no token. */
export interface AccountSummary {
  readonly xuid: string;
  readonly gamertag: string;
}

/** An XSTS token is renewed this long before it expires, so a join never starts with a dying one. */
const xstsRenewalMarginMs = 5 * 60 * 1000;

export interface AccountManagerOptions {
  readonly settings: SignInSettings;
  readonly store: TokenStore;
  readonly oauth?: OAuthClient;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export interface AccountManager {
  /** Device code sign-in: `onPrompt` shows the URL and code; resolves once the player finished. */
  signInWithDeviceCode(
    onPrompt: (prompt: DeviceCodePrompt) => void,
    signal: AbortSignal,
  ): Promise<Result<AccountSummary, SignInError>>;
  /** Browser sign-in: `openBrowser` opens the authorize URL; the loopback listener gets the code. */
  signInWithBrowser(
    openBrowser: (url: string) => Promise<void> | void,
    signal: AbortSignal,
  ): Promise<Result<AccountSummary, SignInError>>;
  current(): Promise<AccountSummary | undefined>;
  accounts(): Promise<AccountSummary[]>;
  /** Makes a cached account current; false when it is not cached. */
  switchTo(xuid: string): Promise<boolean>;
  /** Deletes everything stored: every account, every token. */
  signOut(): Promise<void>;
  /** XSTS tokens of the current account for the directory client. */
  tokenProvider(): TokenProvider;
}

const summary = (account: { xuid: string; gamertag: string }): AccountSummary => ({
  xuid: account.xuid,
  gamertag: account.gamertag,
});

/** The token vocabulary of the join machine for a sign-in failure. */
function toTokenError(error: SignInError): TokenError {
  if (error.code === 'cancelled')
    return { code: 'cancelled', message: error.message, retryable: false };
  if (error.code === 'service-unavailable') {
    return { code: 'directory-unavailable', message: error.message, retryable: true };
  }
  if (error.code === 'malformed-response') {
    return { code: 'malformed-response', message: error.message, retryable: false };
  }
  return {
    code: 'unauthorized',
    message: `sign-in: ${error.code}: ${error.message}`,
    retryable: false,
  };
}

export function createAccountManager(options: AccountManagerOptions): AccountManager {
  const { settings, store } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const oauth = options.oauth ?? createOAuthClient(settings, now);
  /** One refresh at a time: concurrent token requests share it. */
  let refreshing: Promise<Result<AccessToken, TokenError>> | undefined;

  async function remember(tokens: OAuthTokens, identity: XstsIdentity): Promise<AccountSummary> {
    const cache = await loadCache(store);
    const account: CachedAccount = {
      xuid: identity.xuid,
      gamertag: identity.gamertag,
      userHash: identity.userHash,
      refreshToken: tokens.refreshToken,
      xsts: { token: identity.token, expiresAt: identity.expiresAt },
    };
    const accounts = [account, ...cache.accounts.filter((other) => other.xuid !== identity.xuid)];
    await saveCache(store, { current: identity.xuid, accounts });
    log(
      `sign-in: signed in as ${identity.gamertag} (${xuidLogLabel(identity.xuid)}); ${accounts.length} account(s) cached`,
    );
    return summary(identity);
  }

  async function complete(
    tokens: Result<OAuthTokens, SignInError>,
  ): Promise<Result<AccountSummary, SignInError>> {
    if (!tokens.ok) {
      log(`sign-in: OAuth did not complete: ${tokens.error.code}`);
      return tokens;
    }
    const identity = await exchangeForXsts(settings, tokens.value.accessToken);
    if (!identity.ok) {
      // An account XSTS refuses is not kept: nothing of it is stored.
      log(
        `sign-in: the Xbox token exchange failed: ${identity.error.code}${identity.error.xerr ? ` (XErr ${identity.error.xerr})` : ''}`,
      );
      return identity;
    }
    return ok(await remember(tokens.value, identity.value));
  }

  async function currentAccount(cache: TokenCacheContents): Promise<CachedAccount | undefined> {
    return cache.accounts.find((account) => account.xuid === cache.current);
  }

  async function renew(forceRefresh: boolean): Promise<Result<AccessToken, TokenError>> {
    const cache = await loadCache(store);
    const account = await currentAccount(cache);
    if (account === undefined) {
      return err(toTokenError(signInError('not-signed-in', 'no account is signed in')));
    }
    const xsts = account.xsts;
    if (!forceRefresh && xsts !== undefined && xsts.expiresAt - xstsRenewalMarginMs > now()) {
      return ok({ xuid: account.xuid, userHash: account.userHash, token: xsts.token });
    }
    log(
      `sign-in: renewing the XSTS token of ${xuidLogLabel(account.xuid)} (${forceRefresh ? 'the directory refused it' : 'expired or about to'})`,
    );
    const tokens = await oauth.refresh(account.refreshToken);
    if (!tokens.ok) {
      log(`sign-in: refresh failed: ${tokens.error.code}`);
      if (tokens.error.code === 'session-expired') {
        // The refresh token is dead: forget the account so the player is asked to sign in again.
        const rest = cache.accounts.filter((other) => other.xuid !== account.xuid);
        await saveCache(store, { accounts: rest, ...(rest[0] ? { current: rest[0].xuid } : {}) });
      }
      return err(toTokenError(tokens.error));
    }
    const identity = await exchangeForXsts(settings, tokens.value.accessToken);
    if (!identity.ok) return err(toTokenError(identity.error));
    await remember(tokens.value, identity.value);
    return ok({
      xuid: identity.value.xuid,
      userHash: identity.value.userHash,
      token: identity.value.token,
    });
  }

  return {
    async signInWithDeviceCode(onPrompt, signal) {
      log('sign-in: starting a device code sign-in');
      return complete(await oauth.deviceCode(onPrompt, signal));
    },

    async signInWithBrowser(openBrowser, signal) {
      log('sign-in: starting a browser sign-in with a loopback redirect');
      let receiver;
      try {
        receiver = await startLoopbackRedirect(signal);
      } catch {
        return err(
          signInError(
            'service-unavailable',
            'could not listen for the browser redirect on 127.0.0.1',
          ),
        );
      }
      try {
        const flow = await oauth.browser(receiver.redirectUri);
        await openBrowser(flow.url);
        let arrival: URL;
        try {
          arrival = await receiver.arrival;
        } catch {
          return err(signInError('cancelled', 'sign-in cancelled'));
        }
        return await complete(await flow.finish(arrival));
      } finally {
        await receiver.close();
      }
    },

    async current() {
      const account = await currentAccount(await loadCache(store));
      return account === undefined ? undefined : summary(account);
    },

    async accounts() {
      return (await loadCache(store)).accounts.map(summary);
    },

    async switchTo(xuid) {
      const cache = await loadCache(store);
      if (!cache.accounts.some((account) => account.xuid === xuid)) return false;
      await saveCache(store, { ...cache, current: xuid });
      log(`sign-in: switched to ${xuidLogLabel(xuid)}`);
      return true;
    },

    async signOut() {
      await store.clear();
      log('sign-in: signed out; the token cache is deleted');
    },

    tokenProvider() {
      return {
        async getToken({ forceRefresh, signal }) {
          if (signal?.aborted)
            return err({ code: 'cancelled', message: 'token request aborted', retryable: false });
          refreshing ??= renew(forceRefresh).finally(() => {
            refreshing = undefined;
          });
          return refreshing;
        },
      };
    },
  };
}
