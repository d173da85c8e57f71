/**
 * Each redaction rule on its own, against inputs of the shape it covers. Several rules overlap (a
 * JSON field is also an inspected object's field, a URL's `access_token=` is also a form field), so
 * in the whole pipeline a weakened rule can hide behind another; run alone, it fails here. Each
 * input is picked so that a narrower pattern (a quantifier dropped, a class negated, an anchor or
 * look-around flipped) gives another result. The whole pipeline is tested in logging-redact.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  REDACTION_RULES,
  applyRedactionRule,
  redactText,
  type RedactionRule,
} from '../../src/main/logging/redact';

const R = REDACTED;

/** For each rule: inputs and what that rule alone makes of them (the same text: it must not touch it). */
const shapes: Record<string, ReadonlyArray<readonly [input: string, alone: string]>> = {
  'invite-link': [
    [
      'open rallypoint:inviteHandleAccept?handle=0f3c12ab-9d4e&invitedXuid=281 now',
      `open rallypoint:inviteHandleAccept?handle=0f3c12ab…&${R} now`,
    ],
    ['open rallypoint-dev://join/abc?x=1 now', `open rallypoint-dev://join/abc?${R} now`],
    [
      'open ms-xbl-0a1b2c3d:inviteHandleAccept?handle=1 now',
      `open ms-xbl-0a1b2c3d:inviteHandleAccept?handle=1…&${R} now`,
    ],
    [
      'open mygame://invite?handle=abcdef1234&from=99 now',
      `open mygame://invite?handle=abcdef12…&${R} now`,
    ],
    ['RallyPoint://activityHandleJoin#x=1', `RallyPoint://activityHandleJoin?${R}`],
    ['a rallypoint:x?1 b rallypoint:y?2', `a rallypoint:x?${R} b rallypoint:y?${R}`],
    ['"rallypoint:x?y=1",next', `"rallypoint:x?${R}",next`],
    ['rallypoint:inviteHandleAccept', 'rallypoint:inviteHandleAccept'],
    [
      'web http://h/p?x=1 https://h/p?x=1 ws://h/p?x=1 wss://h/p?x=1 file:///p?x=1 app://rp/p?x=1 devtools://d/p?x=1 data://x?y=1',
      'web http://h/p?x=1 https://h/p?x=1 ws://h/p?x=1 wss://h/p?x=1 file:///p?x=1 app://rp/p?x=1 devtools://d/p?x=1 data://x?y=1',
    ],
    ['ms-xbl-0a1b2c3:x?y=1', 'ms-xbl-0a1b2c3:x?y=1'],
  ],
  'xbl-token': [
    ['sent XBL3.0 x=1234567890123;eyJhbGciOi.secret-part end', `sent XBL3.0 x=${R} end`],
    ['sent XBL3.0  x=uhs;tok done', `sent XBL3.0 x=${R} done`],
    ['sent XBL3.0\tx=uhs done', `sent XBL3.0 x=${R} done`],
    ['{"auth":"xbl3.0 x=uhs;tok.en"}', `{"auth":"XBL3.0 x=${R}"}`],
    ['XBL3.0 x=a;b, XBL3.0 x=c;d', `XBL3.0 x=${R}, XBL3.0 x=${R}`],
    ['XBL3.0 is the scheme; XBL3.0+x=a;b', 'XBL3.0 is the scheme; XBL3.0+x=a;b'],
  ],
  'xbl-token-encoded': [
    ['sent XBL3.0%20x%3D0123abcd%3BeyJhbGciOi.x end', `sent XBL3.0 x=${R} end`],
    ['form xbl3.0+x=0123abcd;opaque-token end', `form XBL3.0 x=${R} end`],
    ['form XBL3.0+x=0123abcd end', `form XBL3.0 x=${R} end`],
    ['form XBL3.0+x=0123abcd;opaque-token&next=1', `form XBL3.0 x=${R}&next=1`],
    ['cache x=0123abcd;opaque-token end', `cache x=${R} end`],
    ['cache x%3D0123abcd%3Bopaque-token end', `cache x=${R} end`],
    ['x=0123abcd;opaque-token', `x=${R}`],
    ['max=1;min=2 and x=;y and x=ab cd;e', 'max=1;min=2 and x=;y and x=ab cd;e'],
  ],
  jwt: [
    ['user token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end', `user token ${R} end`],
    ['jwe eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d end', `jwe ${R} end`],
    ['a eyJhbGciOi.x, b eyJhbGciOi.y', `a ${R}, b ${R}`],
    [
      'eyJhbGciOi without a dot, keyJabcd.efgh, eyJab.c',
      'eyJhbGciOi without a dot, keyJabcd.efgh, eyJab.c',
    ],
  ],
  'rps-ticket': [
    ['RpsTicket: d=tok1 next', `RpsTicket: ${R} next`],
    ['"RpsTicket":"t=tok2" next', `"RpsTicket":"${R}" next`],
    ["RpsTicket='d=tok3' next", `RpsTicket='${R}' next`],
    ['RpsTicket = t=tok4&x=1', `RpsTicket = ${R}&x=1`],
    ['rpsticket:d=tok5,next', `rpsticket:${R},next`],
    ['RpsTicket: x=tok6', 'RpsTicket: x=tok6'],
  ],
  'scheme-token': [
    ['retrying with Bearer s3cr3tT0ken now', `retrying with Bearer ${R} now`],
    ['retrying with Bearer   s3cr3tT0ken now', `retrying with Bearer ${R} now`],
    ['Basic dXNlcjpwYXNz== then Bearer a.b-c_d~e+f/g', `Basic ${R} then Bearer ${R}`],
    ['a Bearer of bad news', 'a Bearer of bad news'],
  ],
  'auth-header-line': [
    [
      'PUT /x\nAuthorization: Bearer abc.def\nAccept: */*',
      `PUT /x\nAuthorization: ${R}\nAccept: */*`,
    ],
    ['Cookie:  a=b; c=d', `Cookie:  ${R}`],
    ['cookie = a=b', `cookie = ${R}`],
    ['Proxy-Authorization:Basic xyz', `Proxy-Authorization:${R}`],
    ['set-cookie: id=1\r\nnext', `set-cookie: ${R}\r\nnext`],
    [`Authorization: ${R}`, `Authorization: ${R}`],
  ],
  'json-secret-field': [
    ['body {"refresh_token":"abc\\"def","ok":1}', `body {"refresh_token":"${R}","ok":1}`],
    ['{"token":"v","xbl_token_value":"w"}', `{"token":"${R}","xbl_token_value":"${R}"}`],
    [
      '{"xblToken" : "x", "Authorization":  "y","signature":"z","password":"p","secret":"s","keep":"me"}',
      `{"xblToken" : "${R}", "Authorization":  "${R}","signature":"${R}","password":"${R}","secret":"${R}","keep":"me"}`,
    ],
    [`{"token":"${'a'.repeat(9000)}"}`, `{"token":"${R}"}`],
    ['{"tokens_seen":3,"note":"token"}', '{"tokens_seen":3,"note":"token"}'],
  ],
  'escaped-json-secret-field': [
    [
      String.raw`{"body":"{\"access_token\":\"s3cr3t\",\"xbl_token_value\" :  \"v\",\"x\":1}"}`,
      String.raw`{"body":"{\"access_token\":\"${R}\",\"xbl_token_value\" :  \"${R}\",\"x\":1}"}`,
    ],
    [
      String.raw`{"body":"{\"password\":\"a\\nb\\\\c\",\"token\": \"t\"}"}`,
      String.raw`{"body":"{\"password\":\"${R}\",\"token\": \"${R}\"}"}`,
    ],
    [
      String.raw`{"o":"{\"b\":\"{\\\"Authorization\\\":\\\"XBL\\\\\\nx\\\"}\"}"}`,
      String.raw`{"o":"{\"b\":\"{\\\"Authorization\\\":\\\"${R}\\\"}\"}"}`,
    ],
    [
      String.raw`{"token":"plain"} {"b":"{\"note\":\"token\",\"tokens\":3}"} \"secret\":\"unclosed`,
      String.raw`{"token":"plain"} {"b":"{\"note\":\"token\",\"tokens\":3}"} \"secret\":\"unclosed`,
    ],
  ],
  'url-secret-param': [
    ['GET https://cdn.example/p?sig=abcd1234&x=1', `GET https://cdn.example/p?sig=${R}&x=1`],
    ['GET https://h.example/p?key=s3cr3t&keep=1', `GET https://h.example/p?key=${R}&keep=1`],
    [
      'GET http://127.0.0.1:9/x?ACCESS_TOKEN=abc&page=2',
      `GET http://127.0.0.1:9/x?ACCESS_TOKEN=${R}&page=2`,
    ],
    ['GET /p?a=1&api_token=t0k3n#frag', `GET /p?a=1&api_token=${R}#frag`],
    [
      'GET /cb?code=c0de&signature=s1g&password=pw',
      `GET /cb?code=${R}&signature=${R}&password=${R}`,
    ],
    ['GET /p?page=2&keyboard=1&signal=3', 'GET /p?page=2&keyboard=1&signal=3'],
  ],
  'form-secret': [
    [
      'grant_type=refresh_token&refresh_token=r3fr3sh&client_id=x',
      `grant_type=refresh_token&refresh_token=${R}&client_id=x`,
    ],
    ['a=1&code_verifier=v3r1f13r', `a=1&code_verifier=${R}`],
    ['code=abc&device_code=d3v', `code=${R}&device_code=${R}`],
    [' client_secret=s3cr3t password=hunter2;', ` client_secret=${R} password=${R};`],
    ['body access_token%3Dabc123', `body access_token%3D${R}`],
    ['token=t0k', `token=${R}`],
    ['barcode=123 keycode=4', 'barcode=123 keycode=4'],
    [`token=${R}`, `token=${R}`],
  ],
  'inspected-secret-field': [
    ["opts { access_token: 'EwA123' }", `opts { access_token: '${R}' }`],
    ["token: 'EwB456'", `token: '${R}'`],
    [
      `{ 'refresh_token': 'r1', "accessToken": "a2", refreshTokenValue: \`v3\` }`,
      `{ 'refresh_token': '${R}', "accessToken": "${R}", refreshTokenValue: \`${R}\` }`,
    ],
    ["{ password: 'pw' }", `{ password: '${R}' }`],
    ["{ password :  'pw' }", `{ password :  '${R}' }`],
    [
      `{ 'code-verifier': "cv1", codeVerifier: 'cv2', device-code: 'dc2', deviceCode: 'dc3' }`,
      `{ 'code-verifier': "${R}", codeVerifier: '${R}', device-code: '${R}', deviceCode: '${R}' }`,
    ],
    [
      "{a:1,secret:'s',rpsticket:'d=x',authorization:'a'}",
      `{a:1,secret:'${R}',rpsticket:'${R}',authorization:'${R}'}`,
    ],
    ["{ token: 'it\\'s' }", `{ token: '${R}' }`],
    [
      "{ tokens: 3, secretName: 'x', gamertag: 'Sam' }",
      "{ tokens: 3, secretName: 'x', gamertag: 'Sam' }",
    ],
  ],
};

function ruleNamed(name: string): RedactionRule {
  const rule = REDACTION_RULES.find((candidate) => candidate.name === name);
  if (rule === undefined) throw new Error(`no redaction rule named ${name}`);
  return rule;
}

describe('each redaction rule alone', () => {
  it('has inputs of its shape here, every rule of the pipeline and no other', () => {
    expect(REDACTION_RULES.map((rule) => rule.name).sort()).toEqual(Object.keys(shapes).sort());
  });

  describe.each(Object.entries(shapes))('%s', (name, cases) => {
    // A backslash in a test's name kept StrykerJS's vitest runner from running the tests selected
    // with it (the mutant was scored survived, no test run): names show a backslash as "⧵", and
    // line breaks and tabs as "␤", "␍", "␉".
    const named = cases.map(([input, alone]) => ({
      input,
      alone,
      title: input
        .replaceAll('\\', '⧵')
        .replaceAll('\n', '␤')
        .replaceAll('\r', '␍')
        .replaceAll('\t', '␉'),
    }));
    it.each(named)('$title', ({ input, alone }) => {
      expect(applyRedactionRule(input, ruleNamed(name))).toBe(alone);
    });
  });
});

describe('the rules together', () => {
  it('redact where one rule leaves text for the next: an XBL credential in a header line', () => {
    const text = [
      'open rallypoint:inviteHandleAccept?handle=0f3c12ab-9d4e&access_token=abc',
      'Authorization: XBL3.0 x=1;2',
      `{"token":"v"} { token: 'w' } refresh_token=x`,
    ].join('\n');
    expect(redactText(text)).toBe(
      [
        `open rallypoint:inviteHandleAccept?handle=0f3c12ab…&${R}`,
        `Authorization: ${R}`,
        `{"token":"${R}"} { token: '${R}' } refresh_token=${R}`,
      ].join('\n'),
    );
  });
});
