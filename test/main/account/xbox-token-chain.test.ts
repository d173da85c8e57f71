/**
 * The Xbox Live token exchange against scripted user-token and XSTS services (real HTTP on
 * 127.0.0.1): the requests it sends, the identity it reads, every refusal and odd answer as a typed
 * sign-in error, one retry of a server error, and no token or body in any error.
 */
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/main/account/secret';
import type { SignInError } from '../../../src/main/account/sign-in-error';
import { localSignInSettings } from '../../../src/main/account/sign-in-settings';
import { exchangeForXsts } from '../../../src/main/account/xbox-token-chain';
import {
  answerJson,
  startStubServer,
  type ReceivedRequest,
  type StubServer,
} from '../../stub-http-server';

const accessToken = new Secret('ACCESS-SECRET');
const userAnswer = {
  Token: 'USER-SECRET',
  DisplayClaims: { xui: [{ uhs: 'uhs-7' }] },
};
const xstsAnswer = {
  Token: 'XSTS-SECRET',
  NotAfter: '2030-01-02T03:04:05.000Z',
  DisplayClaims: { xui: [{ uhs: 'uhs-7', xid: '2535400000000123', gtg: 'Dev Sam' }] },
};

type Answer = (response: ServerResponse) => void;
const json =
  (body: unknown, status = 200): Answer =>
  (response) =>
    answerJson(response, status, body);
const raw =
  (status: number, body = ''): Answer =>
  (response) => {
    response.writeHead(status);
    response.end(body);
  };

const servers: StubServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** User-token and XSTS services; each answers with the next answer of its list (the last repeats). */
async function services(user: Answer[], xsts: Answer[] = [json(xstsAnswer)]): Promise<StubServer> {
  const served = { '/user/authenticate': 0, '/xsts/authorize': 0 };
  const server = await startStubServer((request, response) => {
    const path = request.url as keyof typeof served;
    const answers = path === '/user/authenticate' ? user : path === '/xsts/authorize' ? xsts : [];
    const answer = answers[Math.min(served[path], answers.length - 1)];
    served[path] += 1;
    if (answer === undefined) raw(404)(response);
    else answer(response);
  });
  servers.push(server);
  return server;
}

function bodyOf(request: ReceivedRequest | undefined): unknown {
  return JSON.parse(request?.body ?? '');
}

function expectNoSecret(error: SignInError): void {
  const text = `${JSON.stringify(error)} ${inspect(error)}`;
  expect(text).not.toMatch(/SECRET|uhs-7/);
}

async function exchange(server: StubServer, timeoutMs?: number) {
  return exchangeForXsts(localSignInSettings(server.url), accessToken, timeoutMs);
}

describe('exchangeForXsts', () => {
  it('turns the access token into a user token, then an XSTS identity', async () => {
    const server = await services([json(userAnswer)]);
    const result = await exchange(server);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toStrictEqual({
      xuid: '2535400000000123',
      gamertag: 'Dev Sam',
      userHash: 'uhs-7',
      token: expect.any(Secret) as unknown,
      expiresAt: Date.parse('2030-01-02T03:04:05.000Z'),
    });
    expect(result.value.token.reveal()).toBe('XSTS-SECRET');

    const [user, xsts] = server.requests;
    expect(user?.method).toBe('POST');
    expect(user?.url).toBe('/user/authenticate');
    expect(bodyOf(user)).toStrictEqual({
      RelyingParty: 'http://auth.xboxlive.com',
      TokenType: 'JWT',
      Properties: {
        AuthMethod: 'RPS',
        SiteName: 'user.auth.xboxlive.com',
        RpsTicket: 'd=ACCESS-SECRET',
      },
    });
    expect(xsts?.method).toBe('POST');
    expect(xsts?.url).toBe('/xsts/authorize');
    expect(bodyOf(xsts)).toStrictEqual({
      RelyingParty: 'http://xboxlive.com',
      TokenType: 'JWT',
      Properties: { SandboxId: 'RETAIL', UserTokens: ['USER-SECRET'] },
    });
    for (const request of [user, xsts]) {
      expect(request?.headers['x-xbl-contract-version']).toBe('1');
      expect(request?.headers.accept).toBe('application/json');
      expect(request?.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  it('asks XSTS for the relying party and sandbox of the settings', async () => {
    const server = await services([json(userAnswer)]);
    const settings = {
      ...localSignInSettings(server.url),
      relyingParty: 'rp://rallypoint.test/',
      sandbox: 'XDKS.1',
    };
    expect((await exchangeForXsts(settings, accessToken)).ok).toBe(true);
    expect(bodyOf(server.requests[1])).toMatchObject({
      RelyingParty: 'rp://rallypoint.test/',
      Properties: { SandboxId: 'XDKS.1' },
    });
  });

  it('reads the first claim when XSTS answers with several', async () => {
    const second = { uhs: 'uhs-8', xid: '2535400000000999', gtg: 'Dev Pat' };
    const xui = [...xstsAnswer.DisplayClaims.xui, second];
    const server = await services(
      [json(userAnswer)],
      [json({ ...xstsAnswer, DisplayClaims: { xui } })],
    );
    const result = await exchange(server);
    expect(result.ok && [result.value.xuid, result.value.gamertag, result.value.userHash]).toEqual([
      '2535400000000123',
      'Dev Sam',
      'uhs-7',
    ]);
  });

  it('tries a server error once more, then takes the answer', async () => {
    const server = await services([raw(503), json(userAnswer)], [raw(500), json(xstsAnswer)]);
    const result = await exchange(server);
    expect(result.ok).toBe(true);
    expect(server.requests.map((request) => request.url)).toStrictEqual([
      '/user/authenticate',
      '/user/authenticate',
      '/xsts/authorize',
      '/xsts/authorize',
    ]);
  });

  it('does not follow a redirect: the body carries the access token', async () => {
    const server = await services([
      (response) => {
        response.writeHead(307, { location: '/xsts/authorize' });
        response.end();
      },
    ]);
    const result = await exchange(server);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'malformed-response',
      message: 'the user-token service answered 307',
      retryable: false,
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe('the user-token service refusing or answering oddly', () => {
  it.each([
    [401, 'session-expired', 'the user-token service refused the token (401)', false],
    [403, 'session-expired', 'the user-token service refused the token (403)', false],
    [429, 'service-unavailable', 'the user-token service answered 429', true],
    [599, 'service-unavailable', 'the user-token service answered 599', true],
    [400, 'malformed-response', 'the user-token service answered 400', false],
    [404, 'malformed-response', 'the user-token service answered 404', false],
    [499, 'malformed-response', 'the user-token service answered 499', false],
    [201, 'malformed-response', 'the user-token service answered 201', false],
  ])('maps %i to %s', async (status, code, message, retryable) => {
    const server = await services([raw(status, '{"echo":"ACCESS-SECRET"}')]);
    const result = await exchange(server);
    expect(!result.ok && result.error).toStrictEqual({ code, message, retryable });
    // No XSTS request after a failed first step.
    expect(server.requests.every((request) => request.url === '/user/authenticate')).toBe(true);
    if (!result.ok) expectNoSecret(result.error);
  });

  it.each([
    ['no body', ''],
    ['not JSON', 'USER-SECRET'],
    ['no token', JSON.stringify({ DisplayClaims: userAnswer.DisplayClaims })],
    ['no claims', JSON.stringify({ Token: 'USER-SECRET', DisplayClaims: { xui: [] } })],
    [
      'a claim without a user hash',
      JSON.stringify({ Token: 'USER-SECRET', DisplayClaims: { xui: [{}] } }),
    ],
    [
      'an empty user hash',
      JSON.stringify({ Token: 'USER-SECRET', DisplayClaims: { xui: [{ uhs: '' }] } }),
    ],
  ])('reports an answer with %s as malformed-response', async (_name, body) => {
    const server = await services([raw(200, body)]);
    const result = await exchange(server);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'malformed-response',
      message: 'the user-token answer has the wrong shape',
      retryable: false,
    });
    expect(server.requests).toHaveLength(1);
    if (!result.ok) expectNoSecret(result.error);
  });
});

describe('XSTS refusing or answering oddly', () => {
  it.each([
    [2148916233, 'no-xbox-profile'],
    [2148916238, 'child-needs-family'],
    [2148916239, 'xsts-refused'],
  ])('maps a 401 with XErr %i to %s', async (xerr, code) => {
    const server = await services(
      [json(userAnswer)],
      [json({ Identity: '0', XErr: xerr, Message: 'XSTS-SECRET' }, 401)],
    );
    const result = await exchange(server);
    expect(!result.ok && result.error).toStrictEqual({
      code,
      message: `XSTS refused the account (XErr ${xerr})`,
      retryable: false,
      xerr,
    });
  });

  it.each([
    [
      'a 401 without XErr',
      401,
      '{"Message":"XSTS-SECRET"}',
      'session-expired',
      'XSTS refused the token (401)',
    ],
    ['a 401 without a body', 401, '', 'session-expired', 'XSTS refused the token (401)'],
    [
      'a 403 with XErr',
      403,
      '{"XErr":2148916233}',
      'session-expired',
      'XSTS refused the token (403)',
    ],
    ['a 400', 400, '', 'malformed-response', 'XSTS answered 400'],
  ])('maps %s to a status error', async (_name, status, body, code, message) => {
    const server = await services([json(userAnswer)], [raw(status, body)]);
    const result = await exchange(server);
    expect(!result.ok && result.error).toStrictEqual({ code, message, retryable: false });
  });

  it('maps a 500 after its retry to service-unavailable', async () => {
    const server = await services([json(userAnswer)], [raw(500)]);
    const result = await exchange(server);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'service-unavailable',
      message: 'XSTS answered 500',
      retryable: true,
    });
    expect(server.requests).toHaveLength(3);
  });

  it.each([
    ['no token', { ...xstsAnswer, Token: '' }],
    ['an expiry that is no date', { ...xstsAnswer, NotAfter: 'soon' }],
    ['no expiry', { Token: 'XSTS-SECRET', DisplayClaims: xstsAnswer.DisplayClaims }],
    [
      'an XUID that is no number',
      { ...xstsAnswer, DisplayClaims: { xui: [{ uhs: 'u', xid: 'x', gtg: 'g' }] } },
    ],
    [
      'an XUID with a letter before its digits',
      { ...xstsAnswer, DisplayClaims: { xui: [{ uhs: 'u', xid: 'x2535400000000123', gtg: 'g' }] } },
    ],
    [
      'an XUID with a letter after its digits',
      { ...xstsAnswer, DisplayClaims: { xui: [{ uhs: 'u', xid: '2535400000000123x', gtg: 'g' }] } },
    ],
    ['no gamertag', { ...xstsAnswer, DisplayClaims: { xui: [{ uhs: 'u', xid: '1', gtg: '' }] } }],
    ['no claims', { ...xstsAnswer, DisplayClaims: { xui: [] } }],
  ])('reports an answer with %s as malformed-response', async (_name, answer) => {
    const server = await services([json(userAnswer)], [json(answer)]);
    const result = await exchange(server);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'malformed-response',
      message: 'the XSTS answer has the wrong shape',
      retryable: false,
    });
    if (!result.ok) expectNoSecret(result.error);
  });
});

describe('the transport', () => {
  it('maps a service that is not there to service-unavailable with the path, never the query', async () => {
    const server = await services([json(userAnswer)]);
    await servers.pop()?.close();
    const settings = {
      ...localSignInSettings(server.url),
      userTokenUrl: `${server.url}/user/authenticate?key=SECRET`,
    };
    const result = await exchangeForXsts(settings, accessToken);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'service-unavailable',
      message: '/user/authenticate could not be reached (ECONNREFUSED)',
      retryable: true,
    });
  });

  it('gives up on a silent XSTS after the timeout (and one retry)', async () => {
    const server = await services([json(userAnswer)], [() => undefined]);
    const result = await exchange(server, 100);
    expect(!result.ok && result.error).toStrictEqual({
      code: 'service-unavailable',
      message: '/xsts/authorize could not be reached (ETIMEDOUT)',
      retryable: true,
    });
    if (!result.ok) expectNoSecret(result.error);
  });
});
