import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactText } from '../../src/main/logging/redact';

const handle = '0f3c12ab-9d4e-4b7a-8c11-5e2f90a1b2c3';
const inviteLink = `rallypoint://inviteHandleAccept?handle=${handle}&invitedXuid=2814613569642996&senderXuid=2533274790412345&context=lobby`;

describe('redactText', () => {
  it('removes the whole XBL3.0 credential, user hash included', () => {
    const out = redactText('Authorization=XBL3.0 x=1234567890123;eyJhbGciOi.secret-part');
    expect(out).not.toContain('1234567890123');
    expect(out).not.toContain('eyJhbGciOi');
    expect(out).toContain(REDACTED);
  });

  it('removes XBL tokens in prose and in quoted JSON', () => {
    const out = redactText('sent {"auth":"XBL3.0 x=uhs;tok.en.value"} then XBL3.0 x=abc;def done');
    expect(out).not.toMatch(/uhs|tok\.en|abc;def/);
    expect(out).toContain('done');
  });

  it('removes Authorization header lines whatever the scheme', () => {
    const out = redactText(
      'PUT /handles/x/session\nAuthorization: Bearer abc.def.ghi\nAccept: */*',
    );
    expect(out).toBe(`PUT /handles/x/session\nAuthorization: ${REDACTED}\nAccept: */*`);
  });

  it('removes the whole header line even where an earlier rule already redacted its start', () => {
    // The JWT goes first; the rest of the line (another cookie) must go with it.
    expect(redactText('cookie:eyJhbGciOiJIUzI1NiJ9.abc.def; session=s3cr3t')).toBe(
      `cookie:${REDACTED}`,
    );
    expect(redactText('Set-Cookie:eyJhbGciOiJIUzI1NiJ9.abc.def; Path=/; sid=abc\nnext')).toBe(
      `Set-Cookie:${REDACTED}\nnext`,
    );
    expect(redactText(`Authorization: ${REDACTED}`)).toBe(`Authorization: ${REDACTED}`);
  });

  it('removes every part of a JWT, and an XBL credential however it is spaced', () => {
    expect(redactText('user token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end')).toBe(
      `user token ${REDACTED} end`,
    );
    expect(redactText('sent XBL3.0  x=uhs;tok done')).toBe(`sent XBL3.0 x=${REDACTED} done`);
    expect(redactText('sent XBL3.0\tx=uhs done')).toBe(`sent XBL3.0 x=${REDACTED} done`);
  });

  it('removes an RpsTicket however it is quoted or spaced', () => {
    expect(redactText('RpsTicket: d=tok1 next')).toBe(`RpsTicket: ${REDACTED} next`);
    expect(redactText('"RpsTicket":"t=tok2" next')).toBe(`"RpsTicket":"${REDACTED}" next`);
    expect(redactText("RpsTicket='d=tok3' next")).toBe(`RpsTicket='${REDACTED}' next`);
    expect(redactText('RpsTicket = t=tok4&x=1')).toBe(`RpsTicket = ${REDACTED}&x=1`);
  });

  // Each pattern on a form only it catches: spacing, quoting and names a near pattern would miss.
  it.each([
    ['GET https://cdn.example/p?sig=abcd1234&x=1', `GET https://cdn.example/p?sig=${REDACTED}&x=1`],
    ['GET https://h.example/p?key=s3cr3t&keep=1', `GET https://h.example/p?key=${REDACTED}&keep=1`],
    [
      'GET https://h.example/p?a=1&api_token=t0k3n#frag',
      `GET https://h.example/p?a=1&api_token=${REDACTED}#frag`,
    ],
    ['body {"refresh_token":"abc\\"def","ok":1}', `body {"refresh_token":"${REDACTED}","ok":1}`],
    [
      'body {"token":"v","xbl_token_value":"w"}',
      `body {"token":"${REDACTED}","xbl_token_value":"${REDACTED}"}`,
    ],
    ["opts { access_token: 'EwA123' }", `opts { access_token: '${REDACTED}' }`],
    ["token: 'EwB456'", `token: '${REDACTED}'`],
    [
      `opts { 'code-verifier': "cv1", device-code: 'dc2', devicecode: 'dc3' }`,
      `opts { 'code-verifier': "${REDACTED}", device-code: '${REDACTED}', devicecode: '${REDACTED}' }`,
    ],
    ["opts { password :  'pw' }", `opts { password :  '${REDACTED}' }`],
    ['retrying with Bearer   s3cr3tT0ken now', `retrying with Bearer ${REDACTED} now`],
    ['Cookie:  a=b; c=d', `Cookie:  ${REDACTED}`],
    ['open rallypoint-dev://join/abc?x=1 now', `open rallypoint-dev://join/abc?${REDACTED} now`],
    [
      'open ms-xbl-0a1b2c3d://inviteHandleAccept?handle=1 now',
      `open ms-xbl-0a1b2c3d://inviteHandleAccept?handle=1…&${REDACTED} now`,
    ],
    [
      'see ws://localhost:1234/connect?x=1 and wss://h/p',
      'see ws://localhost:1234/connect?x=1 and wss://h/p',
    ],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('removes bearer tokens outside headers', () => {
    expect(redactText('retrying with Bearer s3cr3tT0ken now')).toBe(
      `retrying with Bearer ${REDACTED} now`,
    );
  });

  it('removes secret fields of JSON held as a string inside JSON, however deep', () => {
    const inner = JSON.stringify({ access_token: 's3cr3t-1', password: 'a\nb', keep: 'me' });
    expect(redactText(JSON.stringify({ body: inner }))).toBe(
      JSON.stringify({
        body: `{"access_token":"${REDACTED}","password":"${REDACTED}","keep":"me"}`,
      }),
    );
    const twice = JSON.stringify({
      outer: JSON.stringify({ body: JSON.stringify({ xblToken: 's3cr3t-2' }) }),
    });
    expect(redactText(twice)).not.toContain('s3cr3t-2');
    expect(redactText(twice)).toContain(String.raw`\\\"${REDACTED}\\\"`);
  });

  it('removes token, authorization and signature fields of JSON text', () => {
    const out = redactText(
      '{"token":"abc\\"def","xblToken":"x","Authorization":"y","signature":"z","keep":"me"}',
    );
    expect(out).toBe(
      `{"token":"${REDACTED}","xblToken":"${REDACTED}","Authorization":"${REDACTED}","signature":"${REDACTED}","keep":"me"}`,
    );
  });

  it('keeps the scheme, action and handle prefix of an invite link and drops its query', () => {
    const out = redactText(`received ${inviteLink} from the OS`);
    expect(out).toBe(
      `received rallypoint://inviteHandleAccept?handle=0f3c12ab…&${REDACTED} from the OS`,
    );
    expect(out).not.toContain('2814613569642996');
    expect(out).not.toContain('lobby');
  });

  it('redacts invite links in any letter case and without a handle', () => {
    expect(redactText('RallyPoint://activityHandleJoin?joinerXuid=1&x=<script>')).toBe(
      `RallyPoint://activityHandleJoin?${REDACTED}`,
    );
    expect(redactText('rallypoint://inviteHandleAccept#frag=1')).toBe(
      `rallypoint://inviteHandleAccept?${REDACTED}`,
    );
  });

  it('leaves a link without a query alone', () => {
    expect(redactText('rallypoint://inviteHandleAccept')).toBe('rallypoint://inviteHandleAccept');
  });

  it('removes credential query parameters of other URLs', () => {
    expect(redactText('GET http://127.0.0.1:9/x?access_token=abc&page=2')).toBe(
      `GET http://127.0.0.1:9/x?access_token=${REDACTED}&page=2`,
    );
  });

  it('leaves ordinary text unchanged', () => {
    const text = 'joined session 0f3c12ab after 2 attempts (HTTP 200)';
    expect(redactText(text)).toBe(text);
  });
});

describe('redact', () => {
  it('drops the values of keys that end with a secret name or contain token, and keeps the rest', () => {
    // Every key name redacted when keys had to match a name exactly, and still is.
    const exact = [
      'authorization',
      'Proxy-Authorization',
      'cookie',
      'set-cookie',
      'password',
      'passwd',
      'secret',
      'client_secret',
      'signature',
      'x-xbl-signature',
      'RpsTicket',
      'device_code',
      'code_verifier',
      'codeverifier',
      'pkcecodeverifier',
      'tokenish',
      'accessToken',
    ];
    // A prefix says whose secret it is: these leaked while names had to match exactly.
    const prefixed = [
      'userPassword',
      'clientSecret',
      'deviceCode',
      'device-code',
      'pkce_code_verifier',
      'code-verifier',
      'xblSignature',
      'sessionCookie',
      'x-ms-authorization',
    ];
    const kept = [
      'x-authorization-hint',
      'passwords',
      'cookiePolicy',
      'signatureCount',
      'secretName',
      'code',
      'errorCode',
      'device',
      'verifier',
    ];
    const input = Object.fromEntries(
      [...exact, ...prefixed, ...kept].map((key) => [key, `value of ${key}`]),
    );
    expect(redact(input)).toEqual({
      ...Object.fromEntries([...exact, ...prefixed].map((key) => [key, REDACTED])),
      ...Object.fromEntries(kept.map((key) => [key, `value of ${key}`])),
    });
  });

  it('replaces secret keys at any depth and redacts strings inside nested values', () => {
    const input = {
      request: {
        headers: { Authorization: 'XBL3.0 x=1;2', 'x-xbl-contract-version': '107' },
        body: { member: { me: { constants: {} } }, deviceToken: 'dev-tok' },
      },
      links: [inviteLink],
      tokens: new Map([['refreshToken', 'r-tok']]),
    };
    const out = redact(input) as typeof input;
    const text = JSON.stringify(out, (_key, value: unknown) =>
      value instanceof Map ? Object.fromEntries(value) : value,
    );
    expect(text).not.toMatch(/XBL3\.0 x=1;2|dev-tok|r-tok|2814613569642996/);
    expect(out.request.headers['x-xbl-contract-version']).toBe('107');
    expect(out.request.headers.Authorization).toBe(REDACTED);
  });

  it('redacts secrets held in a Map inside a logged object: by key, in values and in keys', () => {
    const objectKey = { id: 'k' };
    const map = new Map<unknown, unknown>([
      ['refreshToken', 'r-tok-1'],
      ['Authorization', 'XBL3.0 x=1111;secret-a'],
      ['request', { headers: { authorization: 'Bearer secret-b-long' }, url: inviteLink }],
      ['note', 'retried with XBL3.0 x=2222;secret-c'],
      [inviteLink, 'pending'],
      [objectKey, { password: 'secret-d' }],
      ['keep', 'me'],
      [7, 'seven'],
    ]);
    const input = { join: { attempts: 2, state: map } };
    const out = redact(input) as { join: { attempts: number; state: Map<unknown, unknown> } };
    const copy = out.join.state;
    expect(copy).toBeInstanceOf(Map);
    expect(copy).not.toBe(map);
    expect(out.join.attempts).toBe(2);
    expect(copy.get('refreshToken')).toBe(REDACTED);
    expect(copy.get('Authorization')).toBe(REDACTED);
    expect(copy.get('request')).toEqual({
      headers: { authorization: REDACTED },
      url: `rallypoint://inviteHandleAccept?handle=0f3c12ab…&${REDACTED}`,
    });
    expect(copy.get('note')).toBe(`retried with XBL3.0 x=${REDACTED}`);
    expect(copy.get(`rallypoint://inviteHandleAccept?handle=0f3c12ab…&${REDACTED}`)).toBe(
      'pending',
    );
    expect(copy.has(inviteLink)).toBe(false);
    expect(copy.get('keep')).toBe('me');
    expect(copy.get(7)).toBe('seven');
    const [, objectValue] = [...copy.entries()].find(([key]) => (key as { id?: string }).id) ?? [];
    expect(objectValue).toEqual({ password: REDACTED });
    expect(copy.size).toBe(map.size);
    const text = JSON.stringify([...copy.entries()]);
    for (const secret of ['r-tok-1', '1111', 'secret-', '2814613569642996']) {
      expect(text).not.toContain(secret);
    }
    // The caller's Map still holds the real values.
    expect(map.get('refreshToken')).toBe('r-tok-1');
    expect(map.has(inviteLink)).toBe(true);
  });

  it('redacts the items of a Set', () => {
    const out = redact({ seen: new Set(['XBL3.0 x=9;secret-e', inviteLink, 'plain']) }) as {
      seen: Set<unknown>;
    };
    expect(out.seen).toBeInstanceOf(Set);
    expect([...out.seen]).toEqual([
      `XBL3.0 x=${REDACTED}`,
      `rallypoint://inviteHandleAccept?handle=0f3c12ab…&${REDACTED}`,
      'plain',
    ]);
  });

  it('never mutates the input', () => {
    const input = { authorization: 'XBL3.0 x=a;b', nested: { text: inviteLink } };
    const snapshot = structuredClone(input);
    redact(input);
    expect(input).toEqual(snapshot);
  });

  it('rebuilds Errors with redacted message, stack, own fields and cause', () => {
    const cause = new Error('upstream said XBL3.0 x=9;zzz');
    const error = Object.assign(new Error(`PUT failed for ${inviteLink}`, { cause }), {
      code: 'ERR_NON_2XX',
      options: { headers: { authorization: 'XBL3.0 x=7;yyy' } },
    });
    const out = redact(error) as Error & {
      code: string;
      options: { headers: Record<string, string> };
    };
    expect(out).toBeInstanceOf(Error);
    expect(out.message).not.toContain('2814613569642996');
    expect(out.stack).not.toContain('2814613569642996');
    expect(out.code).toBe('ERR_NON_2XX');
    expect(out.options.headers.authorization).toBe(REDACTED);
    expect(String((out.cause as Error).message)).not.toContain('zzz');
    expect(error.message).toContain('2814613569642996');
  });

  it('copies a cycle as the same cycle, redacted, and leaves the input as it was', () => {
    const cyclic: Record<string, unknown> = { token: 'abc', note: `via ${inviteLink}` };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, { back: cyclic }];
    const out = redact(cyclic) as Record<string, unknown> & {
      self: unknown;
      list: [unknown, { back: unknown }];
    };
    expect(out).not.toBe(cyclic);
    expect(out.token).toBe(REDACTED);
    expect(out.note).toBe(`via rallypoint://inviteHandleAccept?handle=0f3c12ab…&${REDACTED}`);
    expect(out.self).toBe(out);
    expect(out.list[0]).toBe(out);
    expect(out.list[1].back).toBe(out);
    expect(cyclic.token).toBe('abc');
    expect(cyclic.self).toBe(cyclic);
  });

  it('copies a value seen twice once, and cycles through Maps, arrays and Error causes', () => {
    const shared = { password: 'hunter2' };
    const map = new Map<string, unknown>([['shared', shared]]);
    map.set('again', map);
    const error = new Error('outer') as Error & { cause?: unknown };
    error.cause = error;
    const list: unknown[] = ['Bearer secret-f-long'];
    list.push(list);
    const set = new Set<unknown>(['x']);
    set.add(set);
    const out = redact({ a: shared, b: shared, map, error, list, set }) as {
      a: unknown;
      b: unknown;
      map: Map<string, unknown>;
      error: Error;
      list: unknown[];
      set: Set<unknown>;
    };
    expect(out.list).toEqual([`Bearer ${REDACTED}`, out.list]);
    expect(out.list[1]).toBe(out.list);
    expect([...out.set][1]).toBe(out.set);
    expect(out.a).toEqual({ password: REDACTED });
    expect(out.b).toBe(out.a);
    expect(out.map.get('shared')).toBe(out.a);
    expect(out.map.get('again')).toBe(out.map);
    expect(out.error.cause).toBe(out.error);
  });

  it('cuts values nested deeper than eight levels, and redacts what it keeps', () => {
    let deep: Record<string, unknown> = { leaf: 'XBL3.0 x=1;2' };
    for (let i = 0; i < 50; i += 1) deep = { deep };
    expect(JSON.stringify(redact(deep))).not.toContain('x=1;2');
    // Depth 0 is the value itself: eight levels are copied, the ninth is cut.
    let eight: unknown = 'XBL3.0 x=1;2';
    for (let i = 0; i < 8; i += 1) eight = [eight];
    expect(redact(eight)).toEqual([[[[[[[[`XBL3.0 x=${REDACTED}`]]]]]]]].map((x) => x));
    expect(redact([eight])).toEqual([[[[[[[['[too deep]']]]]]]]]);
  });

  it('names functions, keeps dates and patterns, and turns URLs and Headers into redacted text', () => {
    function namedHandler() {}
    expect(redact(namedHandler)).toBe('[function namedHandler]');
    expect(redact([() => 0])).toEqual(['[function anonymous]']);
    const date = new Date(0);
    const pattern = /x/g;
    expect(redact(date)).toBe(date);
    expect(redact(pattern)).toBe(pattern);
    expect(redact(new URL('http://127.0.0.1:9/x?access_token=abc'))).toBe(
      `http://127.0.0.1:9/x?access_token=${REDACTED}`,
    );
    const headers = new Headers({ authorization: 'XBL3.0 x=1;2', accept: 'application/json' });
    expect(redact({ headers })).toEqual({
      headers: { authorization: REDACTED, accept: 'application/json' },
    });
  });

  it('cuts at the same depth through objects, Maps, Sets, Error fields and causes', () => {
    const nine = (wrap: (inner: unknown) => unknown): unknown => {
      let value: unknown = 'leaf';
      for (let i = 0; i < 9; i += 1) value = wrap(value);
      return value;
    };
    const unwrap = (value: unknown, step: (outer: unknown) => unknown): unknown => {
      let inner = value;
      for (let i = 0; i < 8; i += 1) inner = step(inner);
      return inner;
    };
    const object = redact(nine((inner) => ({ inner })));
    expect(unwrap(object, (o) => (o as { inner: unknown }).inner)).toBe('[too deep]');
    const map = redact(nine((inner) => new Map([['inner', inner]])));
    expect(unwrap(map, (o) => (o as Map<string, unknown>).get('inner'))).toBe('[too deep]');
    const set = redact(nine((inner) => new Set([inner])));
    expect(unwrap(set, (o) => [...(o as Set<unknown>)][0])).toBe('[too deep]');
    const keyed = redact(nine((inner) => new Map([[inner, 'v']])));
    expect(unwrap(keyed, (o) => [...(o as Map<unknown, unknown>).keys()][0])).toBe('[too deep]');
    const fields = redact(nine((inner) => Object.assign(new Error('e'), { inner })));
    expect(unwrap(fields, (o) => (o as { inner: unknown }).inner)).toBe('[too deep]');
    const causes = redact(nine((inner) => new Error('e', { cause: inner })));
    expect(unwrap(causes, (o) => (o as Error).cause)).toBe('[too deep]');
  });

  it('adds no cause or stack an Error did not have, and survives keys that are symbols', () => {
    const plain = new Error('no cause');
    const out = redact(plain) as Error;
    expect(Object.hasOwn(out, 'cause')).toBe(false);
    const stackless = new Error('no stack');
    stackless.stack = undefined;
    expect((redact(stackless) as Error).stack).toBeUndefined();
    const symbol = Symbol('token');
    const map = redact(new Map<unknown, unknown>([[symbol, 'value']])) as Map<unknown, unknown>;
    expect(map.get(symbol)).toBe('value');
  });

  it('passes numbers, booleans, null and undefined through', () => {
    expect(redact(42)).toBe(42);
    expect(redact(false)).toBe(false);
    expect(redact(null)).toBe(null);
    expect(redact(undefined)).toBe(undefined);
  });

  it('never lets a generated token through, wherever it is embedded', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9._\-+/=]{12,64}$/);
    const userHash = fc.stringMatching(/^[0-9]{6,20}$/);
    const filler = fc.string({ maxLength: 30 }).map((text) => text.replace(/[\n\r]/g, ' '));
    fc.assert(
      fc.property(token, userHash, filler, filler, (secret, uhs, before, after) => {
        const header = `XBL3.0 x=${uhs};${secret}`;
        const logged = redact([
          `${before} Authorization: ${header} ${after}`,
          { headers: { authorization: header }, text: `${before}${header}` },
          new Error(`${before} ${header} ${after}`),
          `${before} {"token":"${secret}"} ${after}`,
        ]);
        const text = JSON.stringify(logged, (_key, value: unknown) =>
          value instanceof Error ? `${value.message}\n${value.stack ?? ''}` : value,
        );
        return !text.includes(secret) && !text.includes(`${uhs};`);
      }),
    );
  });

  it('never lets an invite query value through', () => {
    const xuid = fc.stringMatching(/^[1-9][0-9]{11,16}$/);
    fc.assert(
      fc.property(fc.uuid(), xuid, xuid, (id, invited, sender) => {
        const link = `rallypoint://inviteHandleAccept?handle=${id}&invitedXuid=${invited}&senderXuid=${sender}`;
        const text = JSON.stringify(redact({ message: `got ${link}`, link }));
        return !text.includes(invited) && !text.includes(sender) && !text.includes(id);
      }),
    );
  });
});

describe('redactText on other invite schemes', () => {
  it('covers the development scheme, ms-xbl title links and a studio scheme', () => {
    for (const link of [
      'rallypoint-dev://inviteHandleAccept?handle=abcdef12-0000&invitedXuid=99887766',
      'ms-xbl-52414c59://inviteHandleAccept?handle=abcdef12-0000&invitedXuid=99887766',
      'mygame://inviteHandleAccept/?handle=abcdef12-0000&invitedXuid=99887766',
    ]) {
      const out = redactText(`link ${link} end`);
      expect(out).not.toContain('99887766');
      expect(out).toContain('handle=abcdef12…');
      expect(out).toMatch(/ end$/);
    }
  });

  it('leaves web URLs without credentials untouched', () => {
    const text = 'PUT http://127.0.0.1:4000/handles/abc/session?x=1 https://a.example/?page=2';
    expect(redactText(text)).toBe(text);
  });
});

describe('redactText on encoded Xbox Live credentials', () => {
  it('says which shape was removed: the scheme stays when it was there, and only then', () => {
    expect(redactText('sent XBL3.0%20x%3D0123abcd%3BeyJhbGciOi.x end')).toBe(
      `sent XBL3.0 x=${REDACTED} end`,
    );
    expect(redactText('form xbl3.0+x=0123abcd;opaque-token end')).toBe(
      `form XBL3.0 x=${REDACTED} end`,
    );
    expect(redactText('cache x=0123abcd;opaque-token end')).toBe(`cache x=${REDACTED} end`);
    expect(redactText('cache x%3D0123abcd%3Bopaque-token end')).toBe(`cache x=${REDACTED} end`);
  });
});
