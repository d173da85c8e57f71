/**
 * The log redaction backstop for sign-in's token shapes: JWTs, `token=…` form fields, `x=<uhs>;<token>`
 * with and without its scheme, URL-encoded and +-encoded, RpsTickets, and quoted keys of inspected
 * objects. Each case embeds a real-looking token and checks it is gone.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redact, redactText } from '../../src/main/logging/redact';

const opaque = () => randomBytes(24).toString('base64url');
const jwt = () =>
  [
    Buffer.from('{"typ":"JWT","alg":"none"}').toString('base64url'),
    Buffer.from(`{"n":"${opaque()}"}`).toString('base64url'),
    opaque(),
  ].join('.');

describe('sign-in token shapes in text', () => {
  it.each([
    ['a JWT in prose', (t: string) => `user token ${t} issued`, jwt],
    ['a JWT in a JSON body', (t: string) => `{"Token":"${t}"}`, jwt],
    [
      'token= in a form body',
      (t: string) => `grant_type=refresh_token&refresh_token=${t}&client_id=x`,
      opaque,
    ],
    ['access_token= at the start', (t: string) => `access_token=${t}`, opaque],
    ['code_verifier= in a form', (t: string) => `code=abc&code_verifier=${t}`, opaque],
    ['device_code=', (t: string) => `device_code=${t}`, opaque],
    [
      'an authorization code on a loopback redirect',
      (t: string) => `GET http://127.0.0.1:5123/callback?code=${t}&state=s`,
      opaque,
    ],
    ['x=<uhs>;<token> without the scheme', (t: string) => `header x=0123abcd;${t} sent`, opaque],
    ['XBL3.0 URL-encoded', (t: string) => `authorization=XBL3.0%20x%3D0123abcd%3B${t}`, opaque],
    ['x= URL-encoded without the scheme', (t: string) => `h=x%3D0123abcd%3B${t}`, opaque],
    ['XBL3.0 +-encoded', (t: string) => `a=XBL3.0+x=0123abcd;${t}`, opaque],
    ['an RpsTicket', (t: string) => `"RpsTicket": "d=${t}"`, opaque],
    ['an inspected object with a quoted key', (t: string) => `{ 'refresh_token': '${t}' }`, opaque],
    [
      'an inspected object with a bare key',
      (t: string) => `{ accessToken: "${t}", gamertag: 'Sam' }`,
      opaque,
    ],
  ])('%s', (_name, embed, make) => {
    const token = make();
    const out = redactText(embed(token));
    expect(out).not.toContain(token);
    expect(out).toContain('[redacted]');
  });

  it('keeps words that merely contain the names, and the gamertag next to a token', () => {
    expect(redactText('the code path and the token cache were fine')).toBe(
      'the code path and the token cache were fine',
    );
    expect(redactText(`{ accessToken: 'abc123456', gamertag: 'Sam' }`)).toContain(
      "gamertag: 'Sam'",
    );
    expect(redactText('error code no-xbox-profile (XErr 2148916233)')).toBe(
      'error code no-xbox-profile (XErr 2148916233)',
    );
  });

  it('util.inspect of an object holding tokens, then redacted, carries none of them', () => {
    const refresh = opaque();
    const verifier = opaque();
    const text = inspect({
      tokens: { refresh_token: refresh, 'code-verifier': verifier },
      RpsTicket: `d=${opaque()}`,
    });
    const out = redactText(text);
    expect(out).not.toContain(refresh);
    expect(out).not.toContain(verifier);
  });

  it('object keys of sign-in secrets are replaced wholesale', () => {
    const value = redact({
      RpsTicket: 'd=abc',
      code_verifier: 'v',
      device_code: 'd',
      code: 'no-xbox-profile',
    });
    expect(value).toEqual({
      RpsTicket: '[redacted]',
      code_verifier: '[redacted]',
      device_code: '[redacted]',
      code: 'no-xbox-profile',
    });
  });
});
