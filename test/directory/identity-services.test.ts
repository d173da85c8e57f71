/**
 * The local identity and people services over real HTTP on loopback: OAuth's authorization code
 * with PKCE, device code polling, refresh rotation and revocation, the Xbox user token and XSTS
 * exchange (each XErr a development account can be set to), XSTS tokens accepted by session calls
 * until they expire, and profile settings.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import { call, joinBody, sessionUrl } from './directory-test-client';

let directory: RunningDirectory | undefined;
let now = Date.parse('2026-12-05T00:00:00Z');
afterEach(async () => {
  await directory?.close();
  directory = undefined;
});

async function start(): Promise<RunningDirectory> {
  now = Date.parse('2026-12-05T00:00:00Z');
  directory = await startDirectory({
    port: 0,
    rateLimits: false,
    clock: { now: () => now },
    identity: { devicePollIntervalS: 5, xstsTokenMs: 60_000 },
  });
  return directory;
}

async function form(base: string, path: string, fields: Record<string, string>) {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

const clientId = '00000000-0000-4000-8000-00000000c11e';

async function deviceSignIn(base: string, account: Record<string, string>) {
  const started = (
    await form(base, '/consumers/oauth2/v2.0/devicecode', {
      client_id: clientId,
      scope: 'XboxLive.signin offline_access',
    })
  ).json() as { device_code: string; user_code: string; verification_uri: string };
  const page = await form(base, '/link', { user_code: started.user_code, ...account });
  expect(page.status, page.text).toBe(200);
  const tokens = await form(base, '/consumers/oauth2/v2.0/token', {
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    client_id: clientId,
    device_code: started.device_code,
  });
  expect(tokens.status, tokens.text).toBe(200);
  return tokens.json() as { access_token: string; refresh_token: string };
}

async function xboxChain(base: string, accessToken: string) {
  const user = await call(base, 'POST', '/user/authenticate', {
    noContract: true,
    body: {
      RelyingParty: 'http://auth.xboxlive.com',
      TokenType: 'JWT',
      Properties: {
        AuthMethod: 'RPS',
        SiteName: 'user.auth.xboxlive.com',
        RpsTicket: `d=${accessToken}`,
      },
    },
  });
  expect(user.status, user.text).toBe(200);
  const userToken = user.json<{ Token: string }>().Token;
  expect(userToken.split('.')).toHaveLength(3);
  return call(base, 'POST', '/xsts/authorize', {
    noContract: true,
    body: {
      RelyingParty: 'http://xboxlive.com',
      TokenType: 'JWT',
      Properties: { SandboxId: 'RETAIL', UserTokens: [userToken] },
    },
  });
}

describe('device code sign-in', () => {
  it('pending, slow_down, then tokens once the page is completed; the XSTS token opens sessions', async () => {
    const { url } = await start();
    const started = (
      await form(url, '/consumers/oauth2/v2.0/devicecode', {
        client_id: clientId,
        scope: 'XboxLive.signin offline_access',
      })
    ).json() as {
      device_code: string;
      user_code: string;
      verification_uri: string;
      interval: number;
    };
    expect(started.verification_uri).toBe(`${url}/link`);
    expect(started.interval).toBe(5);
    const poll = () =>
      form(url, '/consumers/oauth2/v2.0/token', {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: clientId,
        device_code: started.device_code,
      });
    expect((await poll()).json().error).toBe('authorization_pending');
    expect((await poll()).json().error).toBe('slow_down');
    now += 10_001;
    expect((await poll()).json().error).toBe('authorization_pending');
    const linkPage = await fetch(`${url}/link`);
    expect(await linkPage.text()).toContain('name="user_code"');
    const wrong = await form(url, '/link', { user_code: 'NOPE1234', gamertag: 'Sam' });
    expect(wrong.status).toBe(400);
    const approved = await form(url, '/link', {
      user_code: started.user_code.toLowerCase(),
      gamertag: 'Sam Dev',
      xuid: '2535400000000077',
    });
    expect(approved.text).toContain('Signed in as Sam Dev');
    now += 10_001;
    const tokens = await poll();
    expect(tokens.status, tokens.text).toBe(200);
    const { access_token: accessToken } = tokens.json() as { access_token: string };
    // The device code is spent.
    expect((await poll()).json().error).toBe('invalid_grant');

    const xsts = await xboxChain(url, accessToken);
    expect(xsts.status, xsts.text).toBe(200);
    const answer = xsts.json<{
      Token: string;
      DisplayClaims: { xui: Array<Record<string, string>> };
    }>();
    const claims = answer.DisplayClaims.xui[0] ?? {};
    expect(claims).toMatchObject({ xid: '2535400000000077', gtg: 'Sam Dev' });
    const authorization = `XBL3.0 x=${claims.uhs};${answer.Token}`;
    const me = { xuid: '2535400000000077', gamertag: 'Sam Dev', authorization };
    const put = await call(url, 'PUT', sessionUrl('signed-in'), { as: me, body: joinBody(me) });
    expect(put.status, put.text).toBe(201);

    // The profile service names the player, with a picture.
    const profile = await call(url, 'POST', '/users/batch/profile/settings', {
      as: me,
      headers: { 'x-xbl-contract-version': '2' },
      body: { userIds: [me.xuid, '1'], settings: ['Gamertag', 'GameDisplayPicRaw'] },
    });
    expect(profile.status, profile.text).toBe(200);
    const users = profile.json<{
      profileUsers: Array<{ id: string; settings: Array<{ id: string; value: string }> }>;
    }>().profileUsers;
    expect(users).toHaveLength(1);
    expect(users[0]?.settings[0]).toEqual({ id: 'Gamertag', value: 'Sam Dev' });
    const picture = await fetch(users[0]?.settings[1]?.value ?? '');
    expect(picture.headers.get('content-type')).toBe('image/svg+xml');
    const noAuth = await call(url, 'POST', '/users/batch/profile/settings', {
      headers: { 'x-xbl-contract-version': '2' },
      body: { userIds: [me.xuid], settings: ['Gamertag'] },
    });
    expect(noAuth.status).toBe(401);

    // XSTS tokens expire like real ones.
    now += 60_001;
    const late = await call(url, 'GET', sessionUrl('signed-in'), { as: me });
    expect(late.status).toBe(401);
    expect(late.text).toBe('The Authorization token has expired; ask for a new one.');
  });

  it('an expired device code answers expired_token', async () => {
    const { url } = await start();
    const started = (
      await form(url, '/consumers/oauth2/v2.0/devicecode', { client_id: clientId })
    ).json() as {
      device_code: string;
    };
    now += 15 * 60 * 1000;
    const late = await form(url, '/consumers/oauth2/v2.0/token', {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: clientId,
      device_code: started.device_code,
    });
    expect(late.json().error).toBe('expired_token');
  });
});

describe('authorization code with PKCE', () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const params = (redirect: string) => ({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirect,
    scope: 'XboxLive.signin offline_access',
    state: 'st<"ate>',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });

  it('the picker redirects to the loopback URI with a code the verifier redeems once', async () => {
    const { url } = await start();
    const redirect = 'http://127.0.0.1:51234/callback';
    const page = await fetch(
      `${url}/consumers/oauth2/v2.0/authorize?${new URLSearchParams(params(redirect))}`,
    );
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('value="st&lt;&quot;ate&gt;"');
    const submitted = await form(url, '/consumers/oauth2/v2.0/authorize', {
      ...params(redirect),
      gamertag: 'Ada',
      decision: 'allow',
    });
    expect(submitted.status).toBe(302);
    const back = new URL(submitted.headers.get('location') ?? '');
    expect(back.origin + back.pathname).toBe(redirect);
    expect(back.searchParams.get('state')).toBe('st<"ate>');
    const code = back.searchParams.get('code') ?? '';
    const redeem = (codeVerifier: string) =>
      form(url, '/consumers/oauth2/v2.0/token', {
        grant_type: 'authorization_code',
        client_id: clientId,
        code,
        redirect_uri: redirect,
        code_verifier: codeVerifier,
      });
    const wrongVerifier = await redeem(randomBytes(32).toString('base64url'));
    expect(wrongVerifier.json().error).toBe('invalid_grant');
    // The failed attempt spent the code as well.
    expect((await redeem(verifier)).json().error).toBe('invalid_grant');
  });

  it('a right verifier gets tokens; refresh rotates; a revoked refresh token is refused', async () => {
    const { url, identity } = await start();
    const redirect = 'http://127.0.0.1:51235/';
    const submitted = await form(url, '/consumers/oauth2/v2.0/authorize', {
      ...params(redirect),
      gamertag: 'Ada',
      xuid: '2535400000000099',
    });
    const code = new URL(submitted.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const tokens = await form(url, '/consumers/oauth2/v2.0/token', {
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      redirect_uri: redirect,
      code_verifier: verifier,
    });
    expect(tokens.status, tokens.text).toBe(200);
    const first = tokens.json() as { refresh_token: string };
    const refresh = (token: string) =>
      form(url, '/consumers/oauth2/v2.0/token', {
        grant_type: 'refresh_token',
        client_id: clientId,
        refresh_token: token,
      });
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect((await refresh(first.refresh_token)).json().error).toBe('invalid_grant');
    expect(identity.revokeRefreshTokens('2535400000000099')).toBe(1);
    const revoked = await refresh((second.json() as { refresh_token: string }).refresh_token);
    expect(revoked.status).toBe(400);
    expect(revoked.json().error).toBe('invalid_grant');
  });

  it('refuses a non-loopback redirect without redirecting, and cancel redirects with access_denied', async () => {
    const { url } = await start();
    const evil = await fetch(
      `${url}/consumers/oauth2/v2.0/authorize?${new URLSearchParams(params('https://evil.example/cb'))}`,
      { redirect: 'manual' },
    );
    expect(evil.status).toBe(400);
    const cancelled = await form(url, '/consumers/oauth2/v2.0/authorize', {
      ...params('http://127.0.0.1:5000/cb'),
      decision: 'cancel',
    });
    expect(new URL(cancelled.headers.get('location') ?? '').searchParams.get('error')).toBe(
      'access_denied',
    );
  });
});

describe('XSTS refusals', () => {
  it.each([2148916233, 2148916235, 2148916236, 2148916237, 2148916238])(
    'a development account set to XErr %i is refused with it',
    async (xerr) => {
      const { url } = await start();
      const tokens = await deviceSignIn(url, { gamertag: `Kid${xerr % 1000}`, xerr: String(xerr) });
      const xsts = await xboxChain(url, tokens.access_token);
      expect(xsts.status).toBe(401);
      expect(xsts.json()).toMatchObject({ XErr: xerr });
    },
  );

  it('an unknown access token gets a bare 401 from the user-token service', async () => {
    const { url } = await start();
    const answer = await call(url, 'POST', '/user/authenticate', {
      noContract: true,
      body: {
        RelyingParty: 'http://auth.xboxlive.com',
        TokenType: 'JWT',
        Properties: {
          AuthMethod: 'RPS',
          SiteName: 'user.auth.xboxlive.com',
          RpsTicket: 'd=nothing',
        },
      },
    });
    expect(answer.status).toBe(401);
  });
});

describe('hostile requests to the identity services', () => {
  it('escapes a gamertag-shaped script on the picker, refuses bad bodies with 4xx, never 500', async () => {
    const { url } = await start();
    const evil = await form(url, '/link', { user_code: 'X', gamertag: '<script>' });
    expect(evil.status).toBe(400);
    expect(evil.text).not.toContain('<script>');
    const huge = await form(url, '/consumers/oauth2/v2.0/token', {
      client_id: 'a',
      pad: 'x'.repeat(70_000),
    });
    expect(huge.status).toBe(400);
    const notJson = await fetch(`${url}/xsts/authorize`, { method: 'POST', body: '{nope' });
    expect(notJson.status).toBe(400);
    const wrongShape = await call(url, 'POST', '/user/authenticate', {
      noContract: true,
      body: [1, 2],
    });
    expect(wrongShape.status).toBe(400);
    const wrongMethod = await fetch(`${url}/consumers/oauth2/v2.0/token`);
    expect(wrongMethod.status).toBe(405);
    const unknownGrant = await form(url, '/consumers/oauth2/v2.0/token', {
      client_id: 'a',
      grant_type: 'password',
    });
    expect(unknownGrant.json().error).toBe('unsupported_grant_type');
    const noPkce = await fetch(
      `${url}/consumers/oauth2/v2.0/authorize?client_id=a&response_type=code&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/cb')}`,
    );
    expect(noPkce.status).toBe(400);
    const badXuids = await call(url, 'POST', '/users/batch/profile/settings', {
      as: await (async () => {
        const tokens = await deviceSignIn(url, { gamertag: 'Prober' });
        const xsts = (await xboxChain(url, tokens.access_token)).json<{
          Token: string;
          DisplayClaims: { xui: Array<{ uhs: string; xid: string }> };
        }>();
        const claims = xsts.DisplayClaims.xui[0];
        return {
          xuid: claims?.xid ?? '',
          gamertag: 'Prober',
          authorization: `XBL3.0 x=${claims?.uhs};${xsts.Token}`,
        };
      })(),
      headers: { 'x-xbl-contract-version': '2' },
      body: { userIds: ['not-a-xuid'], settings: ['Gamertag'] },
    });
    expect(badXuids.status).toBe(400);
    // The session API is untouched by all of this.
    const handles = await call(url, 'GET', '/handles/00000000-0000-0000-0000-000000000001');
    expect(handles.status).toBe(401);
  });
});
