/**
 * The account manager on its own: a scripted OAuth client (the `oauth` option), scripted Xbox
 * user-token and XSTS services on loopback HTTP, a cache in memory and a hand-set clock. What a
 * sign-in keeps and logs, when a token comes from the cache and when it is renewed (the five-minute
 * margin, a 401), how each sign-in failure maps to the join machine's token errors, which failure
 * forgets the account, one renewal shared by concurrent requests, and the browser sign-in's
 * loopback listener. Every log line, error and summary is checked for the secrets in play. The
 * same flows against the local directory's real identity services are in account-manager.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createAccountManager,
  type AccountManager,
} from '../../../src/main/account/account-manager';
import type { OAuthClient, OAuthTokens } from '../../../src/main/account/oauth-client';
import { Secret } from '../../../src/main/account/secret';
import { signInError, type SignInError } from '../../../src/main/account/sign-in-error';
import { localSignInSettings } from '../../../src/main/account/sign-in-settings';
import { loadCache, saveCache, type TokenStore } from '../../../src/main/account/token-cache';
import type { AccessToken, TokenError } from '../../../src/main/join/token-provider';
import type { Result } from '../../../src/shared/result';

const ann = { xuid: '2535400000000001', gamertag: 'Ann' };
const bea = { xuid: '2535400000000002', gamertag: 'Bea' };
const minute = 60 * 1000;
const margin = 5 * minute;

/** Every secret in these tests has this in it; no log line, error or summary may. */
const secretMark = 'SECRET';

/** The cache text in memory, counting writes and clears. */
function memoryStore(): TokenStore & { text?: string; writes: number; clears: number } {
  const store = {
    text: undefined as string | undefined,
    writes: 0,
    clears: 0,
    read: async () => store.text,
    async write(text: string) {
      store.writes += 1;
      store.text = text;
    },
    async clear() {
      store.clears += 1;
      store.text = undefined;
    },
  };
  return store;
}

let clock = 1_800_000_000_000;

/** The Xbox services: user token for any access token, XSTS for `player` or a scripted failure. */
interface XboxServices {
  readonly base: string;
  player: { xuid: string; gamertag: string };
  /** How long an XSTS token issued now lives. */
  xstsMs: number;
  /** Answered by XSTS instead of a token, once. */
  xstsFailure?: { status: number; body: string };
  /** Every RpsTicket the user-token service was given. */
  readonly tickets: string[];
  issued: number;
}

let server: Server | undefined;
let xbox: XboxServices;

async function xboxServices(): Promise<XboxServices> {
  const services = {
    base: '',
    player: ann,
    xstsMs: 60 * minute,
    tickets: [] as string[],
    issued: 0,
  } as XboxServices;
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const json = JSON.parse(body) as {
        Properties: { RpsTicket?: string; UserTokens?: string[] };
      };
      response.setHeader('content-type', 'application/json');
      if (request.url === '/user/authenticate') {
        services.tickets.push(json.Properties.RpsTicket ?? '');
        response.end(
          JSON.stringify({ Token: 'user-token', DisplayClaims: { xui: [{ uhs: 'uhs-user' }] } }),
        );
        return;
      }
      const failure = services.xstsFailure;
      if (failure) {
        services.xstsFailure = undefined;
        response.statusCode = failure.status;
        response.end(failure.body);
        return;
      }
      services.issued += 1;
      response.end(
        JSON.stringify({
          Token: `xsts-${secretMark}-${services.issued}`,
          NotAfter: new Date(clock + services.xstsMs).toISOString(),
          DisplayClaims: {
            xui: [
              {
                uhs: `uhs-${services.player.gamertag}`,
                xid: services.player.xuid,
                gtg: services.player.gamertag,
              },
            ],
          },
        }),
      );
    });
  });
  await new Promise<void>((listening) => server?.listen(0, '127.0.0.1', listening));
  (services as { base: string }).base =
    `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return services;
}

/** An OAuth client whose answers the test sets; it keeps what it was handed. */
function scriptedOAuth() {
  let issued = 0;
  const tokens = (): OAuthTokens => {
    issued += 1;
    return {
      accessToken: new Secret(`access-${secretMark}-${issued}`),
      refreshToken: new Secret(`refresh-${secretMark}-${issued}`),
      expiresAt: clock + 60 * minute,
    };
  };
  const script = {
    /** The next device-code or browser result is this failure, once. */
    failure: undefined as SignInError | undefined,
    /** The next refresh fails with this, once. */
    refreshFailure: undefined as SignInError | undefined,
    refreshed: [] as string[],
    redirectUris: [] as string[],
    finished: [] as string[],
    signals: [] as AbortSignal[],
    /** Holds refreshes until released. */
    hold: undefined as Promise<void> | undefined,
  };
  const result = (): Result<OAuthTokens, SignInError> => {
    const failure = script.failure;
    script.failure = undefined;
    return failure ? { ok: false, error: failure } : { ok: true, value: tokens() };
  };
  const client: OAuthClient = {
    async deviceCode(onPrompt, signal) {
      script.signals.push(signal);
      onPrompt({
        verificationUri: 'http://127.0.0.1:9/device',
        userCode: 'ABCD-1234',
        expiresInS: 900,
      });
      return result();
    },
    async browser(redirectUri) {
      script.redirectUris.push(redirectUri);
      return {
        url: `${xbox.base}/authorize?state=s1`,
        async finish(redirect) {
          script.finished.push(redirect.href);
          return result();
        },
      };
    },
    async refresh(refreshToken) {
      script.refreshed.push(refreshToken.reveal());
      await script.hold;
      const failure = script.refreshFailure;
      script.refreshFailure = undefined;
      return failure ? { ok: false, error: failure } : { ok: true, value: tokens() };
    },
  };
  return { client, script };
}

beforeEach(async () => {
  clock = 1_800_000_000_000;
  xbox = await xboxServices();
});
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  server = undefined;
});

function setup(store = memoryStore()) {
  const oauth = scriptedOAuth();
  const lines: string[] = [];
  const accounts = createAccountManager({
    settings: localSignInSettings(xbox.base),
    store,
    oauth: oauth.client,
    now: () => clock,
    log: (line) => lines.push(line),
  });
  return { accounts, store, oauth, lines };
}

async function deviceSignIn(accounts: AccountManager, player = ann) {
  xbox.player = player;
  return accounts.signInWithDeviceCode(() => undefined, new AbortController().signal);
}

/** The cache as plain values (secrets revealed). */
async function cached(store: TokenStore) {
  const cache = await loadCache(store);
  return {
    current: cache.current,
    accounts: cache.accounts.map((account) => ({
      xuid: account.xuid,
      gamertag: account.gamertag,
      userHash: account.userHash,
      refreshToken: account.refreshToken.reveal(),
      xsts: account.xsts && {
        token: account.xsts.token.reveal(),
        expiresAt: account.xsts.expiresAt,
      },
    })),
  };
}

function expectNoSecret(...values: unknown[]): void {
  for (const value of values) expect(JSON.stringify(value) ?? '').not.toContain(secretMark);
}

describe('device code sign-in', () => {
  it('hands the prompt and signal through, keeps the account and logs it without a token', async () => {
    const run = setup();
    const prompts: unknown[] = [];
    const signal = new AbortController().signal;
    const result = await run.accounts.signInWithDeviceCode(
      (prompt) => prompts.push(prompt),
      signal,
    );
    expect(result).toStrictEqual({ ok: true, value: ann });
    expect(prompts).toStrictEqual([
      { verificationUri: 'http://127.0.0.1:9/device', userCode: 'ABCD-1234', expiresInS: 900 },
    ]);
    expect(run.oauth.script.signals).toStrictEqual([signal]);
    expect(xbox.tickets).toStrictEqual([`d=access-${secretMark}-1`]);
    expect(await cached(run.store)).toStrictEqual({
      current: ann.xuid,
      accounts: [
        {
          ...ann,
          userHash: 'uhs-Ann',
          refreshToken: `refresh-${secretMark}-1`,
          xsts: { token: `xsts-${secretMark}-1`, expiresAt: clock + 60 * minute },
        },
      ],
    });
    expect(run.lines).toStrictEqual([
      'sign-in: starting a device code sign-in',
      'sign-in: signed in as Ann (xuid …0001); 1 account(s) cached',
    ]);
    expectNoSecret(result, run.lines);
  });

  it('a new account goes first; the same account again replaces its entry', async () => {
    const run = setup();
    await deviceSignIn(run.accounts, ann);
    await deviceSignIn(run.accounts, bea);
    expect(await run.accounts.accounts()).toStrictEqual([bea, ann]);
    expect(await run.accounts.current()).toStrictEqual(bea);
    await deviceSignIn(run.accounts, ann);
    expect(await run.accounts.accounts()).toStrictEqual([ann, bea]);
    const cache = await cached(run.store);
    expect(cache.current).toBe(ann.xuid);
    expect(cache.accounts.map((account) => account.refreshToken)).toStrictEqual([
      `refresh-${secretMark}-3`,
      `refresh-${secretMark}-2`,
    ]);
    expect(run.lines.at(-1)).toBe('sign-in: signed in as Ann (xuid …0001); 2 account(s) cached');
  });

  it('an OAuth failure is handed back as it is and stores nothing', async () => {
    const run = setup();
    const failure = signInError('code-expired', 'the device code expired');
    run.oauth.script.failure = failure;
    const result = await deviceSignIn(run.accounts);
    expect(result).toStrictEqual({ ok: false, error: failure });
    expect(run.store.writes).toBe(0);
    expect(xbox.tickets).toStrictEqual([]);
    expect(run.lines).toStrictEqual([
      'sign-in: starting a device code sign-in',
      'sign-in: OAuth did not complete: code-expired',
    ]);
  });

  it('an XSTS refusal is a typed error with its XErr, and the account is not kept', async () => {
    const run = setup();
    xbox.xstsFailure = { status: 401, body: JSON.stringify({ XErr: 2148916233 }) };
    const result = await deviceSignIn(run.accounts);
    expect(result).toStrictEqual({
      ok: false,
      error: {
        code: 'no-xbox-profile',
        message: 'XSTS refused the account (XErr 2148916233)',
        retryable: false,
        xerr: 2148916233,
      },
    });
    expect(run.store.writes).toBe(0);
    expect(run.lines.at(-1)).toBe(
      'sign-in: the Xbox token exchange failed: no-xbox-profile (XErr 2148916233)',
    );
  });

  it('an XSTS service error is logged without an XErr', async () => {
    const run = setup();
    xbox.xstsFailure = { status: 400, body: '' };
    const result = await deviceSignIn(run.accounts);
    expect(result.ok ? 'signed in' : result.error.code).toBe('malformed-response');
    expect(run.store.writes).toBe(0);
    expect(run.lines.at(-1)).toBe('sign-in: the Xbox token exchange failed: malformed-response');
    expectNoSecret(result, run.lines);
  });
});

describe('accounts, switch and sign-out', () => {
  it('tells accounts by XUID and gamertag only', async () => {
    const run = setup();
    expect(await run.accounts.current()).toBeUndefined();
    expect(await run.accounts.accounts()).toStrictEqual([]);
    await deviceSignIn(run.accounts, ann);
    await deviceSignIn(run.accounts, bea);
    expect(await run.accounts.current()).toStrictEqual(bea);
    expect(await run.accounts.accounts()).toStrictEqual([bea, ann]);
  });

  it('switches only to a cached account', async () => {
    const run = setup();
    await deviceSignIn(run.accounts, ann);
    await deviceSignIn(run.accounts, bea);
    const writes = run.store.writes;
    expect(await run.accounts.switchTo('2535400000000009')).toBe(false);
    expect(run.store.writes).toBe(writes);
    expect(await run.accounts.switchTo(ann.xuid)).toBe(true);
    expect(await run.accounts.current()).toStrictEqual(ann);
    const cache = await cached(run.store);
    expect(cache.accounts.map((account) => account.xuid)).toStrictEqual([bea.xuid, ann.xuid]);
    expect(cache.accounts[1]?.refreshToken).toBe(`refresh-${secretMark}-1`);
    expect(run.lines.at(-1)).toBe('sign-in: switched to xuid …0001');
  });

  it('sign-out clears the store', async () => {
    const run = setup();
    await deviceSignIn(run.accounts, ann);
    await run.accounts.signOut();
    expect(run.store.clears).toBe(1);
    expect(await run.accounts.current()).toBeUndefined();
    expect(run.lines.at(-1)).toBe('sign-in: signed out; the token cache is deleted');
  });
});

describe('tokens for the directory client', () => {
  const token = (n: number, player = ann): Result<AccessToken, TokenError> => ({
    ok: true,
    value: {
      xuid: player.xuid,
      userHash: `uhs-${player.gamertag}`,
      token: new Secret(`xsts-${secretMark}-${n}`),
    },
  });

  it('nobody signed in: unauthorized, not-signed-in', async () => {
    const run = setup();
    expect(await run.accounts.tokenProvider().getToken({ forceRefresh: false })).toStrictEqual({
      ok: false,
      error: {
        code: 'unauthorized',
        message: 'sign-in: not-signed-in: no account is signed in',
        retryable: false,
      },
    });
    expect(run.oauth.script.refreshed).toStrictEqual([]);
  });

  it('an aborted request is cancelled before anything is read', async () => {
    const run = setup();
    await deviceSignIn(run.accounts);
    const controller = new AbortController();
    controller.abort();
    const answer = await run.accounts
      .tokenProvider()
      .getToken({ forceRefresh: true, signal: controller.signal });
    expect(answer).toStrictEqual({
      ok: false,
      error: { code: 'cancelled', message: 'token request aborted', retryable: false },
    });
    expect(run.oauth.script.refreshed).toStrictEqual([]);
  });

  it('answers from the cache until five minutes before expiry, then renews', async () => {
    const run = setup();
    await deviceSignIn(run.accounts);
    const provider = run.accounts.tokenProvider();
    const lines = run.lines.length;
    const expiresAt = clock + 60 * minute;
    clock = expiresAt - margin - 1;
    expect(await provider.getToken({ forceRefresh: false })).toStrictEqual(token(1));
    expect(
      await provider.getToken({ forceRefresh: false, signal: new AbortController().signal }),
    ).toStrictEqual(token(1));
    expect(run.oauth.script.refreshed).toStrictEqual([]);
    expect(run.lines).toHaveLength(lines);

    clock = expiresAt - margin;
    expect(await provider.getToken({ forceRefresh: false })).toStrictEqual(token(2));
    expect(run.oauth.script.refreshed).toStrictEqual([`refresh-${secretMark}-1`]);
    expect(run.lines.slice(lines)).toStrictEqual([
      'sign-in: renewing the XSTS token of xuid …0001 (expired or about to)',
      'sign-in: signed in as Ann (xuid …0001); 1 account(s) cached',
    ]);
    // The renewed tokens are kept: the new refresh token is the one used next.
    expect(await cached(run.store)).toMatchObject({
      accounts: [
        {
          refreshToken: `refresh-${secretMark}-2`,
          xsts: { token: `xsts-${secretMark}-2`, expiresAt: clock + 60 * minute },
        },
      ],
    });
    expect(await provider.getToken({ forceRefresh: false })).toStrictEqual(token(2));
  });

  it('renews on forceRefresh (a 401) even with a fresh token, with the stored refresh token', async () => {
    const run = setup();
    await deviceSignIn(run.accounts);
    const provider = run.accounts.tokenProvider();
    expect(await provider.getToken({ forceRefresh: true })).toStrictEqual(token(2));
    expect(run.lines).toContain(
      'sign-in: renewing the XSTS token of xuid …0001 (the directory refused it)',
    );
    expect(await provider.getToken({ forceRefresh: true })).toStrictEqual(token(3));
    expect(run.oauth.script.refreshed).toStrictEqual([
      `refresh-${secretMark}-1`,
      `refresh-${secretMark}-2`,
    ]);
    expectNoSecret(run.lines);
  });

  it('renews an account cached without an XSTS token', async () => {
    const run = setup();
    await saveCache(run.store, {
      current: ann.xuid,
      accounts: [
        { ...ann, userHash: 'uhs-old', refreshToken: new Secret(`refresh-${secretMark}-0`) },
      ],
    });
    expect(await run.accounts.tokenProvider().getToken({ forceRefresh: false })).toStrictEqual(
      token(1),
    );
    expect(run.oauth.script.refreshed).toStrictEqual([`refresh-${secretMark}-0`]);
  });

  it('answers the current account, not another cached one', async () => {
    const run = setup();
    await deviceSignIn(run.accounts, ann);
    await deviceSignIn(run.accounts, bea);
    await run.accounts.switchTo(ann.xuid);
    expect(await run.accounts.tokenProvider().getToken({ forceRefresh: false })).toStrictEqual(
      token(1),
    );
  });

  it('concurrent requests share one renewal; the next request renews again', async () => {
    const run = setup();
    await deviceSignIn(run.accounts);
    const provider = run.accounts.tokenProvider();
    let release: () => void = () => undefined;
    run.oauth.script.hold = new Promise((resolve) => (release = resolve));
    const first = provider.getToken({ forceRefresh: true });
    const second = provider.getToken({ forceRefresh: true });
    await expect.poll(() => run.oauth.script.refreshed.length).toBe(1);
    release();
    expect(await first).toStrictEqual(token(2));
    expect(await second).toStrictEqual(token(2));
    expect(run.oauth.script.refreshed).toHaveLength(1);
    run.oauth.script.hold = undefined;
    expect(await provider.getToken({ forceRefresh: true })).toStrictEqual(token(3));
    expect(run.oauth.script.refreshed).toHaveLength(2);
  });

  it.each<[SignInError, TokenError]>([
    [
      signInError('cancelled', 'sign-in cancelled'),
      { code: 'cancelled', message: 'sign-in cancelled', retryable: false },
    ],
    [
      signInError('service-unavailable', 'the authority could not be reached (TypeError)', true),
      {
        code: 'directory-unavailable',
        message: 'the authority could not be reached (TypeError)',
        retryable: true,
      },
    ],
    [
      signInError('malformed-response', 'the token answer has no refresh token'),
      {
        code: 'malformed-response',
        message: 'the token answer has no refresh token',
        retryable: false,
      },
    ],
    [
      signInError('code-expired', 'the device code expired'),
      {
        code: 'unauthorized',
        message: 'sign-in: code-expired: the device code expired',
        retryable: false,
      },
    ],
  ])('a refresh failing with %o keeps the account', async (failure, expected) => {
    const run = setup();
    await deviceSignIn(run.accounts);
    run.oauth.script.refreshFailure = failure;
    const answer = await run.accounts.tokenProvider().getToken({ forceRefresh: true });
    expect(answer).toStrictEqual({ ok: false, error: expected });
    expect(await run.accounts.current()).toStrictEqual(ann);
    expect(run.lines.at(-1)).toBe(`sign-in: refresh failed: ${failure.code}`);
  });

  it('an expired or revoked refresh token forgets the account; another cached one becomes current', async () => {
    const run = setup();
    await deviceSignIn(run.accounts, bea);
    await deviceSignIn(run.accounts, ann);
    run.oauth.script.refreshFailure = signInError(
      'session-expired',
      'the grant is expired or revoked (invalid_grant)',
    );
    const answer = await run.accounts.tokenProvider().getToken({ forceRefresh: true });
    expect(answer).toStrictEqual({
      ok: false,
      error: {
        code: 'unauthorized',
        message: 'sign-in: session-expired: the grant is expired or revoked (invalid_grant)',
        retryable: false,
      },
    });
    expect(await cached(run.store)).toStrictEqual({
      current: bea.xuid,
      accounts: [
        {
          ...bea,
          userHash: 'uhs-Bea',
          refreshToken: `refresh-${secretMark}-1`,
          xsts: { token: `xsts-${secretMark}-1`, expiresAt: clock + 60 * minute },
        },
      ],
    });
    run.oauth.script.refreshFailure = signInError('session-expired', 'revoked');
    await run.accounts.tokenProvider().getToken({ forceRefresh: true });
    expect(await cached(run.store)).toStrictEqual({ current: undefined, accounts: [] });
    expect(await run.accounts.current()).toBeUndefined();
  });

  it('an XSTS refusal while renewing is unauthorized and keeps the account', async () => {
    const run = setup();
    await deviceSignIn(run.accounts);
    xbox.xstsFailure = { status: 401, body: JSON.stringify({ XErr: 2148916238 }) };
    const answer = await run.accounts.tokenProvider().getToken({ forceRefresh: true });
    expect(answer).toStrictEqual({
      ok: false,
      error: {
        code: 'unauthorized',
        message: 'sign-in: child-needs-family: XSTS refused the account (XErr 2148916238)',
        retryable: false,
      },
    });
    expect(await run.accounts.current()).toStrictEqual(ann);
    expectNoSecret(answer, run.lines);
  });

  it('works with the real clock and no log function', async () => {
    clock = Date.now();
    const store = memoryStore();
    const accounts = createAccountManager({
      settings: localSignInSettings(xbox.base),
      store,
      oauth: scriptedOAuth().client,
    });
    expect((await deviceSignIn(accounts)).ok).toBe(true);
    expect(await accounts.tokenProvider().getToken({ forceRefresh: false })).toStrictEqual(
      token(1),
    );
    await accounts.switchTo(ann.xuid);
    await accounts.signOut();
    expect(store.clears).toBe(1);
  });
});

describe('browser sign-in', () => {
  /** A browser that comes back to the redirect URI with `query`, as the authorize page would. */
  const browserReturning = (query: string, opened: string[]) => async (url: string) => {
    opened.push(url);
    const uri = lastRedirectUri();
    void fetch(`${uri}?${query}`).then((response) => response.text());
  };
  let redirectUris: string[] = [];
  const lastRedirectUri = () => redirectUris.at(-1) ?? '';

  /** Whether anything still listens on `uri`. */
  const listening = (uri: string) =>
    fetch(uri).then(
      () => true,
      () => false,
    );

  it('opens the authorize URL, takes the code from the loopback redirect, then closes the listener', async () => {
    const run = setup();
    redirectUris = run.oauth.script.redirectUris;
    xbox.player = bea;
    const opened: string[] = [];
    const result = await run.accounts.signInWithBrowser(
      browserReturning(`code=code-${secretMark}&state=s1`, opened),
      new AbortController().signal,
    );
    expect(result).toStrictEqual({ ok: true, value: bea });
    expect(opened).toStrictEqual([`${xbox.base}/authorize?state=s1`]);
    expect(lastRedirectUri()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(run.oauth.script.finished).toStrictEqual([
      `${lastRedirectUri()}?code=code-${secretMark}&state=s1`,
    ]);
    expect(await listening(lastRedirectUri())).toBe(false);
    expect(run.lines).toStrictEqual([
      'sign-in: starting a browser sign-in with a loopback redirect',
      'sign-in: signed in as Bea (xuid …0002); 1 account(s) cached',
    ]);
  });

  it('a cancelled sign-in is cancelled, stores nothing and closes the listener', async () => {
    const run = setup();
    redirectUris = run.oauth.script.redirectUris;
    const controller = new AbortController();
    const result = await run.accounts.signInWithBrowser(
      () => controller.abort(),
      controller.signal,
    );
    expect(result).toStrictEqual({
      ok: false,
      error: { code: 'cancelled', message: 'sign-in cancelled', retryable: false },
    });
    expect(run.oauth.script.finished).toStrictEqual([]);
    expect(run.store.writes).toBe(0);
    expect(await listening(lastRedirectUri())).toBe(false);
  });

  it('a browser that cannot be opened rejects, and the listener is closed', async () => {
    const run = setup();
    redirectUris = run.oauth.script.redirectUris;
    await expect(
      run.accounts.signInWithBrowser(() => {
        throw new Error('no browser');
      }, new AbortController().signal),
    ).rejects.toThrow('no browser');
    expect(await listening(lastRedirectUri())).toBe(false);
  });

  it('a refused authorization is handed back and stores nothing', async () => {
    const run = setup();
    redirectUris = run.oauth.script.redirectUris;
    const refusal = signInError('cancelled', 'the player declined (access_denied)');
    run.oauth.script.failure = refusal;
    const result = await run.accounts.signInWithBrowser(
      browserReturning('error=access_denied&state=s1', []),
      new AbortController().signal,
    );
    expect(result).toStrictEqual({ ok: false, error: refusal });
    expect(run.store.writes).toBe(0);
  });
});
