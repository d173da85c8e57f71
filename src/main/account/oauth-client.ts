/**
 * OAuth 2.0 with the Microsoft identity platform (or the local directory playing it), through
 * `openid-client`: the device code grant for the command line, authorization code with PKCE for
 * the launcher, and refresh. Why openid-client and not MSAL is in docs/sign-in.md: MSAL refuses
 * any authority that is not https, so it could not sign in against the embedded directory.
 *
 * Every token and code leaves this module as a {@link Secret}; errors are {@link SignInError}s
 * whose messages carry OAuth error codes, never bodies.
 */
import * as oidc from 'openid-client';
import { err, ok, type Result } from '../../shared/result';
import { Secret } from './secret';
import { signInError, type SignInError } from './sign-in-error';
import { isLoopbackHttp, type SignInSettings } from './sign-in-settings';

/** What the token endpoint gave: always a refresh token (the scope asks for offline_access). */
export interface OAuthTokens {
  readonly accessToken: Secret;
  readonly refreshToken: Secret;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** A device-code sign-in waiting for the player: show `verificationUri` and `userCode`. */
export interface DeviceCodePrompt {
  readonly verificationUri: string;
  readonly userCode: string;
  readonly expiresInS: number;
}

/** A prepared authorization-code sign-in: open `url`, then redeem the redirect with `finish`. */
export interface BrowserSignIn {
  readonly url: string;
  readonly finish: (redirect: URL) => Promise<Result<OAuthTokens, SignInError>>;
}

export interface OAuthClient {
  deviceCode(
    onPrompt: (prompt: DeviceCodePrompt) => void,
    signal: AbortSignal,
  ): Promise<Result<OAuthTokens, SignInError>>;
  browser(redirectUri: string): Promise<BrowserSignIn>;
  refresh(refreshToken: Secret): Promise<Result<OAuthTokens, SignInError>>;
}

/** The `openid-client` configuration for the authority, without discovery (fixed endpoints). */
function configuration(settings: SignInSettings): oidc.Configuration {
  const authority = settings.authority.replace(/\/+$/, '');
  const config = new oidc.Configuration(
    {
      issuer: authority,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
    },
    settings.clientId,
    undefined,
    oidc.None(),
  );
  // Plain http only for an authority on this machine (the embedded directory); settings checked
  // by checkSignInSettings refuse it anywhere else.
  if (isLoopbackHttp(authority)) oidc.allowInsecureRequests(config);
  return config;
}

/**
 * An OAuth error code as it may appear in a message: the codes of RFC 6749 and RFC 8628 are lower
 * case words joined by underscores. Anything else in the field (an authority echoing a token or a
 * code there) is not repeated: messages end up in logs.
 */
function shownErrorCode(code: string): string {
  return /^[a-z_]{1,64}$/.test(code) ? code : 'not an OAuth error code';
}

/** The sign-in error for an OAuth error code the token or authorization endpoint answered. */
function oauthErrorCode(code: string, refused: string): SignInError {
  const shown = shownErrorCode(code);
  switch (code) {
    case 'expired_token':
      return signInError('code-expired', 'the device code expired');
    case 'access_denied':
    case 'authorization_declined':
      return signInError('cancelled', `the player declined (${shown})`);
    case 'invalid_grant':
      return signInError('session-expired', 'the grant is expired or revoked (invalid_grant)');
    case 'server_error':
    case 'temporarily_unavailable':
      return signInError('service-unavailable', `the authority is unavailable (${shown})`, true);
    default:
      return signInError('malformed-response', `${refused}: ${shown}`);
  }
}

/**
 * Maps anything openid-client throws to a sign-in error that names an OAuth code, never a body.
 * A timeout, a 5xx or a 429 is `service-unavailable` (retryable), as docs/sign-in.md promises:
 * openid-client reports them as `OAUTH_TIMEOUT` and as an unexpected status, which would otherwise
 * read as an unusable answer.
 */
function oauthFailure(error: unknown, signal?: AbortSignal): SignInError {
  if (signal?.aborted) return signInError('cancelled', 'sign-in cancelled');
  if (error instanceof oidc.ResponseBodyError) {
    return oauthErrorCode(error.error, 'the authority refused');
  }
  if (error instanceof oidc.AuthorizationResponseError) {
    return oauthErrorCode(error.error, 'the authorization was refused');
  }
  const name = error instanceof Error ? error.name : 'error';
  // Stryker disable next-line ConditionalExpression,StringLiteral: "no code" as any other text, or as String(undefined), is neither OAUTH_TIMEOUT nor starts with OAUTH_
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'OAUTH_TIMEOUT') {
    return signInError('service-unavailable', 'the authority did not answer in time', true);
  }
  const status = error instanceof Error && error.cause instanceof Response ? error.cause.status : 0;
  if (status >= 500 || status === 429) {
    return signInError('service-unavailable', `the authority answered ${status}`, true);
  }
  if (code.startsWith('OAUTH_')) {
    return signInError('malformed-response', `the authority's answer was not usable (${code})`);
  }
  return signInError('service-unavailable', `the authority could not be reached (${name})`, true);
}

function tokensOf(
  response: oidc.TokenEndpointResponse,
  now: number,
): Result<OAuthTokens, SignInError> {
  // Stryker disable next-line ConditionalExpression,StringLiteral: openid-client refuses an empty refresh token before this (OAUTH_INVALID_RESPONSE, tested)
  if (typeof response.refresh_token !== 'string' || response.refresh_token === '') {
    return err(signInError('malformed-response', 'the token answer has no refresh token'));
  }
  return ok({
    accessToken: new Secret(response.access_token),
    refreshToken: new Secret(response.refresh_token),
    expiresAt: now + (typeof response.expires_in === 'number' ? response.expires_in : 3600) * 1000,
  });
}

/** The OAuth part of sign-in for one set of settings. */
export function createOAuthClient(
  settings: SignInSettings,
  now: () => number = Date.now,
): OAuthClient {
  const config = configuration(settings);
  return {
    async deviceCode(onPrompt, signal) {
      try {
        const started = await oidc.initiateDeviceAuthorization(config, { scope: settings.scope });
        onPrompt({
          verificationUri: started.verification_uri,
          userCode: started.user_code,
          expiresInS: started.expires_in,
        });
        const response = await oidc.pollDeviceAuthorizationGrant(config, started, undefined, {
          signal,
        });
        return tokensOf(response, now());
      } catch (error) {
        return err(oauthFailure(error, signal));
      }
    },

    async browser(redirectUri) {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const challenge = await oidc.calculatePKCECodeChallenge(verifier);
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: settings.scope,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state,
        prompt: 'select_account',
      });
      const pkce = new Secret(verifier);
      return {
        url: url.href,
        async finish(redirect) {
          try {
            const response = await oidc.authorizationCodeGrant(config, redirect, {
              pkceCodeVerifier: pkce.reveal(),
              expectedState: state,
            });
            return tokensOf(response, now());
          } catch (error) {
            return err(oauthFailure(error));
          }
        },
      };
    },

    async refresh(refreshToken) {
      try {
        const response = await oidc.refreshTokenGrant(config, refreshToken.reveal(), {
          scope: settings.scope,
        });
        return tokensOf(response, now());
      } catch (error) {
        return err(oauthFailure(error));
      }
    },
  };
}
