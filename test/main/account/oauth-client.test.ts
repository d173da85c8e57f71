/**
 * The OAuth client against a scripted authority (real HTTP on 127.0.0.1): the device code grant,
 * authorization code with PKCE (the verifier checked against the challenge as the authority
 * would), refresh, and every refusal, odd answer and transport failure as a typed sign-in error
 * that carries no token, code or body.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOAuthClient, type OAuthTokens } from '../../../src/main/account/oauth-client';
import { Secret } from '../../../src/main/account/secret';
import type { SignInError } from '../../../src/main/account/sign-in-error';
import {
  localSignInSettings,
  type SignInSettings,
} from '../../../src/main/account/sign-in-settings';
import type { Result } from '../../../src/shared/result';
import {
  answerJson,
  startStubServer,
  type ReceivedRequest,
  type StubServer,
} from '../../stub-http-server';

const now = () => 1_000_000;
const tokens = {
  token_type: 'Bearer',
  access_token: 'ACCESS-SECRET',
  refresh_token: 'REFRESH-SECRET-2',
  expires_in: 1800,
  scope: 'XboxLive.signin offline_access',
};
const deviceStart = {
  device_code: 'DEVICE-SECRET',
  user_code: 'ABCD-1234',
  verification_uri: 'http://127.0.0.1/link',
  expires_in: 900,
  interval: 0.01,
};

type Answer = (response: ServerResponse) => void;
const json =
  (body: unknown, status = 200): Answer =>
  (response) =>
    answerJson(response, status, body);
const text =
  (status: number, body: string, type = 'text/plain'): Answer =>
  (response) => {
    response.writeHead(status, { 'content-type': type });
    response.end(body);
  };

const servers: StubServer[] = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** An authority at `<server>/consumers`: the token endpoint answers with the next answer of the list (the last repeats). */
async function authority(
  token: Answer[],
  device: Answer = json(deviceStart),
): Promise<{ server: StubServer; settings: SignInSettings }> {
  let served = 0;
  const server = await startStubServer((request, response) => {
    if (request.method === 'POST' && request.url === '/consumers/oauth2/v2.0/devicecode') {
      device(response);
    } else if (request.method === 'POST' && request.url === '/consumers/oauth2/v2.0/token') {
      const answer = token[Math.min(served, token.length - 1)];
      served += 1;
      answer?.(response);
    } else {
      text(404, 'not here')(response);
    }
  });
  servers.push(server);
  return { server, settings: localSignInSettings(server.url) };
}

function form(request: ReceivedRequest | undefined): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(request?.body ?? ''));
}

function expectTokens(result: Result<OAuthTokens, SignInError>, expiresInS = 1800): void {
  if (!result.ok) throw new Error(result.error.message);
  expect(result.value).toStrictEqual({
    accessToken: expect.any(Secret) as unknown,
    refreshToken: expect.any(Secret) as unknown,
    expiresAt: 1_000_000 + expiresInS * 1000,
  });
  expect(result.value.accessToken.reveal()).toBe('ACCESS-SECRET');
  expect(result.value.refreshToken.reveal()).toBe('REFRESH-SECRET-2');
}

/** The error of a failed result, checked to carry nothing secret. */
function failure(result: Result<OAuthTokens, SignInError>): SignInError {
  if (result.ok) throw new Error('signed in');
  expect(`${JSON.stringify(result.error)} ${inspect(result.error)}`).not.toMatch(
    /SECRET|C0DE|ABCD/,
  );
  return result.error;
}

describe('refresh', () => {
  it('redeems the refresh token at <authority>/oauth2/v2.0/token for the scope', async () => {
    const { server, settings } = await authority([json(tokens)]);
    expectTokens(await createOAuthClient(settings, now).refresh(new Secret('REFRESH-SECRET-1')));
    expect(server.requests).toHaveLength(1);
    expect(form(server.requests[0])).toStrictEqual({
      grant_type: 'refresh_token',
      refresh_token: 'REFRESH-SECRET-1',
      scope: 'XboxLive.signin offline_access',
      client_id: settings.clientId,
    });
  });

  it('drops trailing slashes of the authority', async () => {
    const { server, settings } = await authority([json(tokens)]);
    const slashed = { ...settings, authority: `${settings.authority}//` };
    expectTokens(await createOAuthClient(slashed, now).refresh(new Secret('REFRESH-SECRET-1')));
    expect(server.requests.map((request) => request.url)).toStrictEqual([
      '/consumers/oauth2/v2.0/token',
    ]);
  });

  it('counts an hour when the answer gives no lifetime', async () => {
    const { expires_in: _, ...noLifetime } = tokens;
    const { settings } = await authority([json(noLifetime)]);
    expectTokens(await createOAuthClient(settings, now).refresh(new Secret('R')), 3600);
  });

  it('reports an answer without a refresh token as malformed-response', async () => {
    const { refresh_token: _, ...noRefresh } = tokens;
    const { settings } = await authority([json(noRefresh)]);
    const result = await createOAuthClient(settings, now).refresh(new Secret('R'));
    expect(failure(result)).toStrictEqual({
      code: 'malformed-response',
      message: 'the token answer has no refresh token',
      retryable: false,
    });
  });

  it('refuses plain http to an authority that is not on this machine', async () => {
    const { server, settings } = await authority([json(tokens)]);
    // 127.0.0.2 is loopback to the OS but not one of the names the settings allow http for.
    const remote = { ...settings, authority: `http://127.0.0.2:${server.port}/consumers` };
    const result = await createOAuthClient(remote, now).refresh(new Secret('R'));
    expect(failure(result)).toStrictEqual({
      code: 'malformed-response',
      message: "the authority's answer was not usable (OAUTH_HTTP_REQUEST_FORBIDDEN)",
      retryable: false,
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe('refusals and odd answers', () => {
  const refresh = async (...answers: Answer[]) => {
    const { settings } = await authority(answers);
    return failure(await createOAuthClient(settings, now).refresh(new Secret('REFRESH-SECRET-1')));
  };

  it('maps invalid_grant to session-expired', async () => {
    expect(await refresh(json({ error: 'invalid_grant' }, 400))).toStrictEqual({
      code: 'session-expired',
      message: 'the grant is expired or revoked (invalid_grant)',
      retryable: false,
    });
  });

  it('maps another OAuth error to malformed-response, naming the code', async () => {
    expect(await refresh(json({ error: 'invalid_client' }, 400))).toStrictEqual({
      code: 'malformed-response',
      message: 'the authority refused: invalid_client',
      retryable: false,
    });
  });

  it.each([
    ['a token', 'REFRESH-SECRET-1'],
    ['a code followed by a token', 'invalid_request REFRESH-SECRET-1'],
    ['a token followed by a code', 'REFRESH-SECRET-1 invalid_request'],
    ['65 letters', 'a'.repeat(65)],
  ])('repeats no error "code" that is %s', async (_name, code) => {
    expect(await refresh(json({ error: code }, 400))).toStrictEqual({
      code: 'malformed-response',
      message: 'the authority refused: not an OAuth error code',
      retryable: false,
    });
  });

  it('repeats an error code of 64 letters', async () => {
    const long = `${'a'.repeat(32)}_${'b'.repeat(31)}`;
    expect((await refresh(json({ error: long }, 400))).message).toBe(
      `the authority refused: ${long}`,
    );
  });

  it.each([
    ['temporarily_unavailable', 400],
    ['server_error', 400],
  ])('maps %s to service-unavailable, retryable', async (code, status) => {
    expect(await refresh(json({ error: code }, status))).toStrictEqual({
      code: 'service-unavailable',
      message: `the authority is unavailable (${code})`,
      retryable: true,
    });
  });

  it.each([
    [500, text(500, 'REFRESH-SECRET-1 is busy')],
    [503, json({ error: 'temporarily_unavailable' }, 503)],
    [429, text(429, 'REFRESH-SECRET-1 is busy')],
  ])('maps a %i to service-unavailable, retryable', async (status, answer) => {
    expect(await refresh(answer)).toStrictEqual({
      code: 'service-unavailable',
      message: `the authority answered ${status}`,
      retryable: true,
    });
  });

  it.each([
    ['a 499 that is not JSON', text(499, 'REFRESH-SECRET-1'), 'OAUTH_RESPONSE_IS_NOT_JSON'],
    [
      'a 499 without an error code',
      json({ note: 'REFRESH-SECRET-1' }, 499),
      'OAUTH_RESPONSE_IS_NOT_CONFORM',
    ],
    ['a 302', text(302, ''), 'OAUTH_RESPONSE_IS_NOT_CONFORM'],
    [
      'a 200 with an empty refresh token',
      json({ ...tokens, refresh_token: '' }),
      'OAUTH_INVALID_RESPONSE',
    ],
    ['a 200 that is not JSON', text(200, 'REFRESH-SECRET-1'), 'OAUTH_RESPONSE_IS_NOT_JSON'],
    [
      'a 200 without a token type',
      json({ ...tokens, token_type: undefined }),
      'OAUTH_INVALID_RESPONSE',
    ],
  ])('maps %s to malformed-response, naming the check', async (_name, answer, check) => {
    expect(await refresh(answer)).toStrictEqual({
      code: 'malformed-response',
      message: `the authority's answer was not usable (${check})`,
      retryable: false,
    });
  });

  it('maps an authority that is not there to service-unavailable, retryable', async () => {
    const { settings } = await authority([json(tokens)]);
    await servers.pop()?.close();
    const result = await createOAuthClient(settings, now).refresh(new Secret('REFRESH-SECRET-1'));
    expect(failure(result)).toStrictEqual({
      code: 'service-unavailable',
      message: 'the authority could not be reached (TypeError)',
      retryable: true,
    });
  });

  it('maps an authority that does not answer in time to service-unavailable, retryable', async () => {
    const { settings } = await authority([() => undefined]);
    // openid-client waits 30 s; the same abort (a TimeoutError) comes sooner here.
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init: RequestInit = {}) =>
      realFetch(input, {
        ...init,
        signal: AbortSignal.any([
          init.signal ?? new AbortController().signal,
          AbortSignal.timeout(100),
        ]),
      }),
    );
    const result = await createOAuthClient(settings, now).refresh(new Secret('REFRESH-SECRET-1'));
    expect(failure(result)).toStrictEqual({
      code: 'service-unavailable',
      message: 'the authority did not answer in time',
      retryable: true,
    });
  });
});

describe('deviceCode', () => {
  it('shows the prompt, polls while the player is busy, and returns the tokens', async () => {
    const { server, settings } = await authority([
      json({ error: 'authorization_pending' }, 400),
      json(tokens),
    ]);
    const prompts: unknown[] = [];
    const result = await createOAuthClient(settings, now).deviceCode(
      (prompt) => prompts.push(prompt),
      new AbortController().signal,
    );
    expectTokens(result);
    expect(prompts).toStrictEqual([
      { verificationUri: 'http://127.0.0.1/link', userCode: 'ABCD-1234', expiresInS: 900 },
    ]);
    const [start, ...polls] = server.requests;
    expect(start?.url).toBe('/consumers/oauth2/v2.0/devicecode');
    expect(form(start)).toStrictEqual({
      scope: 'XboxLive.signin offline_access',
      client_id: settings.clientId,
    });
    expect(polls.map(form)).toStrictEqual([
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: 'DEVICE-SECRET',
        client_id: settings.clientId,
      },
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: 'DEVICE-SECRET',
        client_id: settings.clientId,
      },
    ]);
  });

  it.each([
    ['expired_token', 'code-expired', 'the device code expired'],
    ['access_denied', 'cancelled', 'the player declined (access_denied)'],
    ['authorization_declined', 'cancelled', 'the player declined (authorization_declined)'],
  ])('maps %s to %s', async (error, code, message) => {
    const { settings } = await authority([json({ error }, 400)]);
    const result = await createOAuthClient(settings, now).deviceCode(
      () => undefined,
      new AbortController().signal,
    );
    expect(failure(result)).toStrictEqual({ code, message, retryable: false });
  });

  it('answers cancelled when the player gives up while it polls', async () => {
    const { server, settings } = await authority([json({ error: 'authorization_pending' }, 400)]);
    const controller = new AbortController();
    const result = createOAuthClient(settings, now).deviceCode(() => undefined, controller.signal);
    let settled = false;
    void result.finally(() => (settled = true));
    while (server.requests.length < 3 && !settled) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort();
    expect(failure(await result)).toStrictEqual({
      code: 'cancelled',
      message: 'sign-in cancelled',
      retryable: false,
    });
  });

  it.each([
    ['something that is no Error', 'the terminal is gone', 'error'],
    ['an Error without a cause', new Error('the terminal is gone'), 'Error'],
  ])(
    'answers with a value, not a throw, when the prompt throws %s',
    async (_name, thrown, name) => {
      const { settings } = await authority([json(tokens)]);
      const result = await createOAuthClient(settings, now).deviceCode(() => {
        throw thrown;
      }, new AbortController().signal);
      expect(failure(result)).toStrictEqual({
        code: 'service-unavailable',
        message: `the authority could not be reached (${name})`,
        retryable: true,
      });
    },
  );

  it('maps a device code endpoint that answers 503 to service-unavailable without a prompt', async () => {
    const { settings } = await authority([json(tokens)], text(503, 'busy'));
    const prompts: unknown[] = [];
    const result = await createOAuthClient(settings, now).deviceCode(
      (prompt) => prompts.push(prompt),
      new AbortController().signal,
    );
    expect(failure(result)).toStrictEqual({
      code: 'service-unavailable',
      message: 'the authority answered 503',
      retryable: true,
    });
    expect(prompts).toStrictEqual([]);
  });
});

describe('browser', () => {
  const redirectUri = 'http://127.0.0.1:4999/callback';

  async function signIn() {
    const { server, settings } = await authority([json(tokens)]);
    const flow = await createOAuthClient(settings, now).browser(redirectUri);
    const url = new URL(flow.url);
    return { server, settings, flow, url, state: url.searchParams.get('state') ?? '' };
  }

  it('builds the authorize URL: code with a S256 challenge, state and the account picker', async () => {
    const { settings, url } = await signIn();
    expect(`${url.origin}${url.pathname}`).toBe(`${settings.authority}/oauth2/v2.0/authorize`);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toStrictEqual({
      client_id: settings.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'XboxLive.signin offline_access',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/) as unknown,
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[\w-]{20,}$/) as unknown,
      prompt: 'select_account',
    });
  });

  it('gives each sign-in its own state and challenge', async () => {
    const first = await signIn();
    const again = new URL((await createOAuthClient(first.settings, now).browser(redirectUri)).url);
    expect(again.searchParams.get('state')).not.toBe(first.state);
    expect(again.searchParams.get('code_challenge')).not.toBe(
      first.url.searchParams.get('code_challenge'),
    );
  });

  it('redeems the code with the verifier of its challenge and returns the tokens', async () => {
    const { server, settings, flow, url, state } = await signIn();
    expectTokens(await flow.finish(new URL(`${redirectUri}?code=C0DE-1&state=${state}`)));
    const redeemed = form(server.requests[0]);
    expect(redeemed).toStrictEqual({
      grant_type: 'authorization_code',
      code: 'C0DE-1',
      redirect_uri: redirectUri,
      code_verifier: expect.any(String) as unknown,
      client_id: settings.clientId,
    });
    const challenge = createHash('sha256')
      .update(redeemed.code_verifier ?? '')
      .digest('base64url');
    expect(challenge).toBe(url.searchParams.get('code_challenge'));
  });

  it('refuses a return whose state is not this sign-in’s, without redeeming the code', async () => {
    const { server, flow } = await signIn();
    const result = await flow.finish(new URL(`${redirectUri}?code=C0DE-1&state=forged`));
    expect(failure(result)).toStrictEqual({
      code: 'malformed-response',
      message: "the authority's answer was not usable (OAUTH_INVALID_RESPONSE)",
      retryable: false,
    });
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['access_denied', 'cancelled', 'the player declined (access_denied)', false],
    [
      'temporarily_unavailable',
      'service-unavailable',
      'the authority is unavailable (temporarily_unavailable)',
      true,
    ],
    ['invalid_scope', 'malformed-response', 'the authorization was refused: invalid_scope', false],
    [
      'C0DE-in-the-error',
      'malformed-response',
      'the authorization was refused: not an OAuth error code',
      false,
    ],
  ])('maps a return with error=%s to %s', async (error, code, message, retryable) => {
    const { server, flow, state } = await signIn();
    const result = await flow.finish(new URL(`${redirectUri}?error=${error}&state=${state}`));
    expect(failure(result)).toStrictEqual({ code, message, retryable });
    expect(server.requests).toHaveLength(0);
  });

  it('maps a refused code to session-expired', async () => {
    const { settings } = await authority([json({ error: 'invalid_grant' }, 400)]);
    const flow = await createOAuthClient(settings, now).browser(redirectUri);
    const state = new URL(flow.url).searchParams.get('state') ?? '';
    const result = await flow.finish(new URL(`${redirectUri}?code=C0DE-1&state=${state}`));
    expect(failure(result).code).toBe('session-expired');
  });
});
