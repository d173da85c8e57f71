/**
 * The local stand-in for the Microsoft identity platform's consumer endpoints
 * (`/consumers/oauth2/v2.0/...`): authorization code with PKCE (S256) for the launcher, the device
 * code grant (RFC 8628) for the command line, and refresh tokens. Tokens are opaque random strings
 * bound to one development account; nothing here is a real credential.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';
import {
  parseDevAccount,
  xstsRefusals,
  type DevAccount,
  type DevAccountStore,
} from './dev-accounts';
import { accountFields, escapeHtml, page } from './html-page';
import { oauthError, type IdentityAnswer } from './identity-answer';

/** Lifetimes and pacing of the local identity services, all overridable by tests. */
export interface IdentityLifetimes {
  readonly accessTokenMs: number;
  readonly refreshTokenMs: number;
  readonly userTokenMs: number;
  readonly xstsTokenMs: number;
  readonly deviceCodeMs: number;
  /** Seconds a device-code client must wait between polls (`interval`). */
  readonly devicePollIntervalS: number;
}

/** The real services' orders of magnitude. */
export const defaultIdentityLifetimes: IdentityLifetimes = {
  accessTokenMs: 60 * 60 * 1000,
  refreshTokenMs: 90 * 24 * 60 * 60 * 1000,
  userTokenMs: 14 * 24 * 60 * 60 * 1000,
  xstsTokenMs: 16 * 60 * 60 * 1000,
  deviceCodeMs: 15 * 60 * 1000,
  devicePollIntervalS: 5,
};

const deviceCodeGrant = 'urn:ietf:params:oauth:grant-type:device_code';

/** The development page a device-code user opens (the real one is microsoft.com/link). */
export const deviceLinkPath = '/link';
export const authorizePath = '/consumers/oauth2/v2.0/authorize';

interface Grant {
  readonly account: DevAccount;
  readonly clientId: string;
  readonly scope: string;
  readonly expiresAt: number;
}

interface CodeGrant extends Grant {
  readonly redirectUri: string;
  readonly codeChallenge: string;
}

interface DeviceGrant extends Grant {
  readonly userCode: string;
  /** Set once the user completed the page. */
  approved?: DevAccount;
  /** Earliest time of the next poll that is not `slow_down`. */
  nextPollAt: number;
  intervalS: number;
}

const userCodeAlphabet = 'BCDFGHJKLMNPQRSTVWXZ23456789';

function userCode(): string {
  const bytes = randomBytes(8);
  let code = '';
  for (const byte of bytes) code += userCodeAlphabet[byte % userCodeAlphabet.length];
  return code;
}

const opaque = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;

/** RFC 8252 §7.3: only loopback IP literals (and `localhost`) over plain http, any port. */
function isLoopbackRedirect(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === 'http:' &&
    ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname) &&
    url.username === '' &&
    url.password === '' &&
    url.hash === ''
  );
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Issues and checks OAuth codes and tokens for development accounts. */
export class LocalOAuth {
  readonly #codes = new Map<string, CodeGrant>();
  readonly #devices = new Map<string, DeviceGrant>();
  readonly #deviceByUserCode = new Map<string, string>();
  readonly #access = new Map<string, Grant>();
  readonly #refresh = new Map<string, Grant>();

  constructor(
    private readonly accounts: DevAccountStore,
    private readonly clock: Clock,
    private readonly lifetimes: IdentityLifetimes,
    private readonly publicUrl: () => string,
  ) {}

  /** The account an access token (an `RpsTicket`) stands for, while it is valid. */
  accountOfAccessToken(token: string): DevAccount | undefined {
    const grant = this.#access.get(token);
    if (grant === undefined || this.clock.now() >= grant.expiresAt) return undefined;
    return grant.account;
  }

  /** Test hook: every refresh token of this XUID stops working, as when a player revokes consent. */
  revokeRefreshTokens(xuid: string): number {
    let revoked = 0;
    for (const [token, grant] of this.#refresh) {
      if (grant.account.xuid === xuid) {
        this.#refresh.delete(token);
        revoked += 1;
      }
    }
    return revoked;
  }

  /** `GET /authorize`: the account picker, or an error page when the request cannot redirect. */
  authorizePage(query: URLSearchParams): IdentityAnswer {
    const checked = this.#checkAuthorize(query);
    if (!checked.ok) return checked.answer;
    const hidden = [
      'client_id',
      'redirect_uri',
      'scope',
      'state',
      'code_challenge',
      'code_challenge_method',
      'response_type',
    ]
      .map((name) => [name, query.get(name)] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== null)
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
      .join('');
    const known = this.accounts
      .list()
      .slice(0, 8)
      .map(
        (account) =>
          `<button type="submit" name="pick" value="${escapeHtml(account.xuid)}">Continue as ${escapeHtml(account.gamertag)}</button> `,
      )
      .join('');
    const body = `<form method="post" action="${authorizePath}">${hidden}
${known === '' ? '' : `<p>${known}</p><p>or a new development account:</p>`}
${accountFields(xstsRefusals)}
<p><button type="submit" name="decision" value="allow">Sign in</button>
<button type="submit" name="decision" value="cancel" formnovalidate>Cancel</button></p></form>`;
    return { kind: 'html', status: 200, html: page('Sign in to Rallypoint', body) };
  }

  /** `POST /authorize`: the picker's answer; redirects back to the app with a code or an error. */
  authorizeSubmit(form: URLSearchParams): IdentityAnswer {
    const checked = this.#checkAuthorize(form);
    if (!checked.ok) return checked.answer;
    const redirect = new URL(checked.redirectUri);
    const state = form.get('state');
    if (state !== null) redirect.searchParams.set('state', state);
    if (form.get('decision') === 'cancel') {
      redirect.searchParams.set('error', 'access_denied');
      redirect.searchParams.set('error_description', 'The user cancelled the sign-in.');
      return { kind: 'redirect', location: redirect.href };
    }
    const picked = form.get('pick');
    const account =
      picked === null
        ? parseDevAccount({
            gamertag: form.get('gamertag') ?? '',
            xuid: form.get('xuid') ?? '',
            xerr: form.get('xerr') ?? '',
          })
        : ((known) =>
            known
              ? ({ ok: true, account: known } as const)
              : ({ ok: false, message: 'That account is not known here.' } as const))(
            this.accounts.get(picked),
          );
    if (!account.ok) {
      return {
        kind: 'html',
        status: 400,
        html: page('Sign in to Rallypoint', `<p role="alert">${escapeHtml(account.message)}</p>`),
      };
    }
    const code = `M.${randomUUID()}`;
    this.#codes.set(code, {
      account: this.accounts.remember(account.account),
      clientId: checked.clientId,
      scope: form.get('scope') ?? '',
      redirectUri: checked.redirectUri,
      codeChallenge: checked.codeChallenge,
      expiresAt: this.clock.now() + 10 * 60 * 1000,
    });
    redirect.searchParams.set('code', code);
    return { kind: 'redirect', location: redirect.href };
  }

  #checkAuthorize(
    params: URLSearchParams,
  ):
    | { ok: true; clientId: string; redirectUri: string; codeChallenge: string }
    | { ok: false; answer: IdentityAnswer } {
    const fail = (message: string) => ({
      ok: false as const,
      answer: {
        kind: 'html' as const,
        status: 400,
        html: page('Sign-in request refused', `<p role="alert">${escapeHtml(message)}</p>`),
      },
    });
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    const codeChallenge = params.get('code_challenge') ?? '';
    if (clientId === '') return fail('The request names no client_id.');
    if (!isLoopbackRedirect(redirectUri)) {
      return fail('redirect_uri must be a loopback http URL (RFC 8252).');
    }
    if (params.get('response_type') !== 'code') return fail('response_type must be code.');
    if (
      !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge) ||
      params.get('code_challenge_method') !== 'S256'
    ) {
      return fail('A PKCE code_challenge with code_challenge_method S256 is required.');
    }
    return { ok: true, clientId, redirectUri, codeChallenge };
  }

  /** `POST /devicecode`: starts a device-code sign-in. */
  deviceCode(form: URLSearchParams): IdentityAnswer {
    const clientId = form.get('client_id') ?? '';
    if (clientId === '') return oauthError('invalid_request', 'client_id is required.');
    const deviceCode = opaque('DAQ');
    let code = userCode();
    while (this.#deviceByUserCode.has(code)) code = userCode();
    const now = this.clock.now();
    this.#devices.set(deviceCode, {
      account: { xuid: '', gamertag: '' },
      clientId,
      scope: form.get('scope') ?? '',
      userCode: code,
      expiresAt: now + this.lifetimes.deviceCodeMs,
      nextPollAt: now,
      intervalS: this.lifetimes.devicePollIntervalS,
    });
    this.#deviceByUserCode.set(code, deviceCode);
    const verificationUri = `${this.publicUrl()}${deviceLinkPath}`;
    return {
      kind: 'json',
      status: 200,
      body: {
        device_code: deviceCode,
        user_code: code,
        verification_uri: verificationUri,
        expires_in: Math.round(this.lifetimes.deviceCodeMs / 1000),
        interval: this.lifetimes.devicePollIntervalS,
        message: `To sign in, open ${verificationUri} and enter the code ${code}.`,
      },
    };
  }

  /** `GET /link`: the page where a device-code user enters the code and picks an account. */
  deviceLinkPage(query: URLSearchParams, notice?: string): IdentityAnswer {
    const prefill = escapeHtml(query.get('otc') ?? '');
    const alert = notice === undefined ? '' : `<p role="alert">${escapeHtml(notice)}</p>`;
    const body = `${alert}<form method="post" action="${deviceLinkPath}">
<label>Code <input name="user_code" required maxlength="16" autocomplete="off" value="${prefill}"></label>
${accountFields(xstsRefusals)}
<p><button type="submit">Sign in</button></p></form>`;
    return {
      kind: 'html',
      status: notice === undefined ? 200 : 400,
      html: page('Enter code', body),
    };
  }

  /** `POST /link`: approves the device-code sign-in the code names. */
  deviceLinkSubmit(form: URLSearchParams): IdentityAnswer {
    const code = (form.get('user_code') ?? '').trim().toUpperCase().replace(/[\s-]/g, '');
    const deviceCode = this.#deviceByUserCode.get(code);
    const grant = deviceCode === undefined ? undefined : this.#devices.get(deviceCode);
    if (grant === undefined || this.clock.now() >= grant.expiresAt || grant.approved) {
      return this.deviceLinkPage(new URLSearchParams(), 'That code is not valid or has expired.');
    }
    const account = parseDevAccount({
      gamertag: form.get('gamertag') ?? '',
      xuid: form.get('xuid') ?? '',
      xerr: form.get('xerr') ?? '',
    });
    if (!account.ok)
      return this.deviceLinkPage(new URLSearchParams({ otc: code }), account.message);
    grant.approved = this.accounts.remember(account.account);
    return {
      kind: 'html',
      status: 200,
      html: page(
        'You are signed in',
        `<p>Signed in as ${escapeHtml(account.account.gamertag)}. You can close this page and return to your device.</p>`,
      ),
    };
  }

  /** `POST /token`: every grant the launcher and command line use. */
  token(form: URLSearchParams): IdentityAnswer {
    const grantType = form.get('grant_type');
    const clientId = form.get('client_id') ?? '';
    if (clientId === '') return oauthError('invalid_request', 'client_id is required.');
    switch (grantType) {
      case 'authorization_code':
        return this.#codeGrant(form, clientId);
      case 'refresh_token':
        return this.#refreshGrant(form, clientId);
      case deviceCodeGrant:
        return this.#deviceGrant(form, clientId);
      default:
        return oauthError('unsupported_grant_type', 'The grant type is not supported.');
    }
  }

  #codeGrant(form: URLSearchParams, clientId: string): IdentityAnswer {
    const code = form.get('code') ?? '';
    const grant = this.#codes.get(code);
    // A code works once, whatever happens next.
    this.#codes.delete(code);
    if (grant === undefined || this.clock.now() >= grant.expiresAt) {
      return oauthError('invalid_grant', 'The authorization code is not valid or has expired.');
    }
    if (grant.clientId !== clientId || grant.redirectUri !== (form.get('redirect_uri') ?? '')) {
      return oauthError('invalid_grant', 'The code was issued to another client or redirect URI.');
    }
    const verifier = form.get('code_verifier') ?? '';
    if (
      !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) ||
      !sameText(s256(verifier), grant.codeChallenge)
    ) {
      return oauthError(
        'invalid_grant',
        'The PKCE code_verifier does not match the code_challenge.',
      );
    }
    return this.#tokens(grant);
  }

  #refreshGrant(form: URLSearchParams, clientId: string): IdentityAnswer {
    const token = form.get('refresh_token') ?? '';
    const grant = this.#refresh.get(token);
    if (grant === undefined || this.clock.now() >= grant.expiresAt) {
      this.#refresh.delete(token);
      return oauthError('invalid_grant', 'The refresh token has expired or was revoked.');
    }
    if (grant.clientId !== clientId) {
      return oauthError('invalid_grant', 'The refresh token was issued to another client.');
    }
    // Rotation: the old refresh token is spent once a new one is handed out.
    this.#refresh.delete(token);
    return this.#tokens(grant);
  }

  #deviceGrant(form: URLSearchParams, clientId: string): IdentityAnswer {
    const deviceCode = form.get('device_code') ?? '';
    const grant = this.#devices.get(deviceCode);
    const now = this.clock.now();
    if (grant === undefined || grant.clientId !== clientId) {
      return oauthError('invalid_grant', 'The device code is not valid.');
    }
    if (now >= grant.expiresAt) {
      this.#forgetDevice(deviceCode, grant);
      return oauthError('expired_token', 'The device code has expired; start the sign-in again.');
    }
    if (grant.approved) {
      this.#forgetDevice(deviceCode, grant);
      return this.#tokens({ ...grant, account: grant.approved });
    }
    if (now < grant.nextPollAt) {
      // RFC 8628 §3.5: a client polling too fast waits five seconds longer from now on.
      grant.intervalS += 5;
      grant.nextPollAt = now + grant.intervalS * 1000;
      return oauthError('slow_down', 'Polling too fast: wait longer between requests.');
    }
    grant.nextPollAt = now + grant.intervalS * 1000;
    return oauthError('authorization_pending', 'The user has not finished signing in yet.');
  }

  #forgetDevice(deviceCode: string, grant: DeviceGrant): void {
    this.#devices.delete(deviceCode);
    this.#deviceByUserCode.delete(grant.userCode);
  }

  #tokens(grant: Grant): IdentityAnswer {
    const now = this.clock.now();
    const accessToken = opaque('EwA');
    const refreshToken = opaque('M.C5');
    const base = { account: grant.account, clientId: grant.clientId, scope: grant.scope };
    this.#access.set(accessToken, { ...base, expiresAt: now + this.lifetimes.accessTokenMs });
    this.#refresh.set(refreshToken, { ...base, expiresAt: now + this.lifetimes.refreshTokenMs });
    return {
      kind: 'json',
      status: 200,
      body: {
        token_type: 'bearer',
        scope: grant.scope,
        expires_in: Math.round(this.lifetimes.accessTokenMs / 1000),
        access_token: accessToken,
        refresh_token: refreshToken,
      },
    };
  }
}
