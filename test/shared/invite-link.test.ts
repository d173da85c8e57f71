import { describe, expect, it } from 'vitest';
import {
  checkInviteLinkConfig,
  defaultInviteLinkConfig,
  developmentInviteLinkConfig,
  findInviteLinkInArgv,
  inviteLinkConfigFor,
  inviteLinkErrorCodes,
  leadingScheme,
  parseInviteLink,
  type InviteLinkErrorCode,
} from '../../src/shared/invite-link';
import { inviteRoutes } from '../../src/shared/invite-routes';

const config = defaultInviteLinkConfig;
const handle = 'd7853aa1-6500-4fa8-a744-e093e77a4ba8';
const invited = '2814616402722312';
const sender = '2814650950488554';
const query = `handle=${handle}&invitedXuid=${invited}&senderXuid=${sender}`;
const link = `rallypoint://inviteHandleAccept?${query}`;
const expectedInvite = { kind: 'invite', handleId: handle, localXuid: invited, remoteXuid: sender };

function codeOf(raw: string): InviteLinkErrorCode | 'accepted' {
  const result = parseInviteLink(raw, config);
  return result.ok ? 'accepted' : result.error.code;
}

describe('parseInviteLink: the route table examples', () => {
  for (const route of inviteRoutes) {
    for (const example of route.examples) {
      it(`${route.action}: ${example.why}`, () => {
        const result = parseInviteLink(example.link, config);
        expect(result).toMatchObject({ ok: true, invite: example.invite });
        if (result.ok) expect(result.invite).toStrictEqual(example.invite);
      });
    }
  }
});

describe('parseInviteLink: real-world forms (docs/mpsd-protocol.md §1)', () => {
  const accepted: [string, string, object][] = [
    [
      'documented inviteHandleAccept with context',
      `ms-xbl-multiplayer://inviteHandleAccept?${query}&context=lobby-7`,
      { ...expectedInvite, context: 'lobby-7' },
    ],
    [
      'documented activityHandleJoin with its literal ?&',
      `ms-xbl-multiplayer://activityHandleJoin?&handle=${handle}&joinerXuid=${invited}&joineeXuid=${sender}`,
      { kind: 'join', handleId: handle, localXuid: invited, remoteXuid: sender },
    ],
    [
      'console title scheme ms-xbl-<titleId> (the demo title)',
      `ms-xbl-52414c59://inviteHandleAccept?${query}`,
      expectedInvite,
    ],
    [
      'upper-case hex title id, as in XSAPI test data',
      `ms-xbl-52414C59://inviteHandleAccept?${query}`,
      expectedInvite,
    ],
    [
      "EA GdkInvitesSample: '/' before '?' and reordered parameters",
      `ms-xbl-multiplayer://inviteHandleAccept/?invitedXuid=${invited}&handle=${handle}&senderXuid=${sender}`,
      expectedInvite,
    ],
    ['lower-case action', `rallypoint://invitehandleaccept?${query}`, expectedInvite],
    ['upper-case scheme', `RALLYPOINT://inviteHandleAccept?${query}`, expectedInvite],
    ['one trailing slash after the query', `${link}/`, expectedInvite],
    [
      'one trailing slash after "/?" too',
      `rallypoint://inviteHandleAccept/?${query}/`,
      expectedInvite,
    ],
    [
      'leading empty pair and doubled "&"',
      `rallypoint://inviteHandleAccept?&${query.replace('&', '&&')}`,
      expectedInvite,
    ],
    [
      'percent-encoded handle and XUID',
      `rallypoint://inviteHandleAccept?handle=D7853AA1%2d6500-4fa8-a744-e093e77a4ba8&invitedXuid=%32814616402722312&senderXuid=${sender}`,
      expectedInvite,
    ],
    ['percent-encoded parameter name', link.replace('handle=', 'h%61ndle='), expectedInvite],
    ['parameter names in another case', link.replace('invitedXuid', 'INVITEDXUID'), expectedInvite],
    ['an unknown parameter is ignored', `${link}&mode=ranked&mode=casual`, expectedInvite],
    ['an empty context counts as none', `${link}&context=`, expectedInvite],
    [
      'a context decoded from UTF-8 and "+"',
      `${link}&context=caf%C3%A9+%F0%9F%8E%AE`,
      { ...expectedInvite, context: 'café 🎮' },
    ],
    ['leading zeros in an XUID', link.replace(`=${invited}`, `=000${invited}`), expectedInvite],
    [
      'the largest XUID',
      link.replace(`=${sender}`, '=18446744073709551615'),
      { ...expectedInvite, remoteXuid: '18446744073709551615' },
    ],
    [
      'context on a join link is ignored',
      `rallypoint://activityHandleJoin?&handle=${handle}&joinerXuid=${invited}&joineeXuid=${sender}&context=x`,
      { kind: 'join', handleId: handle, localXuid: invited, remoteXuid: sender },
    ],
  ];
  for (const [why, raw, invite] of accepted) {
    it(`accepts ${why}`, () => {
      const result = parseInviteLink(raw, config);
      expect(result.ok ? result.invite : result.error).toStrictEqual(invite);
    });
  }

  it('reports the scheme and action as written', () => {
    expect(
      parseInviteLink(`MS-XBL-MULTIPLAYER://InviteHandleAccept?${query}`, config),
    ).toMatchObject({ ok: true, scheme: 'MS-XBL-MULTIPLAYER', action: 'InviteHandleAccept' });
  });

  it('accepts the development scheme only with the development config', () => {
    const dev = link.replace('rallypoint:', 'rallypoint-dev:');
    expect(parseInviteLink(dev, config).ok).toBe(false);
    expect(parseInviteLink(dev, developmentInviteLinkConfig).ok).toBe(true);
  });
});

describe('parseInviteLink: rejections, each with its own code', () => {
  const rejected: [string, string, InviteLinkErrorCode][] = [
    ['2049 characters', `${link}&pad=${'a'.repeat(2049 - link.length - 5)}`, 'too-long'],
    ['a space', link.replace('&senderXuid', ' &senderXuid'), 'forbidden-character'],
    ['a tab', `${link}\t`, 'forbidden-character'],
    ['a newline', `${link}\n`, 'forbidden-character'],
    ['a NUL', link.replace('invite', 'invite\0'), 'forbidden-character'],
    ['a no-break space', link.replace('?', '\u00a0?'), 'forbidden-character'],
    ['a right-to-left override', link.replace('?', '\u202e?'), 'forbidden-character'],
    ['a lone surrogate', `${link}\ud800`, 'forbidden-character'],
    ['an encoded newline in the context', `${link}&context=a%0Ab`, 'forbidden-character'],
    // Issue 18: percent-encoded bidi and zero-width characters used to reach the game.
    [
      'an encoded right-to-left override (U+202E)',
      `${link}&context=a%E2%80%AEb`,
      'forbidden-character',
    ],
    [
      'an encoded right-to-left isolate (U+2067)',
      `${link}&context=%E2%81%A7gg`,
      'forbidden-character',
    ],
    [
      'an encoded pop directional isolate (U+2069)',
      `${link}&context=gg%E2%81%A9`,
      'forbidden-character',
    ],
    [
      'an encoded zero-width space (U+200B)',
      `${link}&context=squad%E2%80%8Bup`,
      'forbidden-character',
    ],
    ['an encoded zero-width joiner (U+200D)', `${link}&context=a%E2%80%8Db`, 'forbidden-character'],
    ['an encoded byte order mark (U+FEFF)', `${link}&context=%EF%BB%BFx`, 'forbidden-character'],
    ['an encoded left-to-right mark (U+200E)', `${link}&context=x%E2%80%8E`, 'forbidden-character'],
    ['an encoded C1 control (U+0085)', `${link}&context=x%C2%85`, 'forbidden-character'],
    ['an encoded line separator (U+2028)', `${link}&context=x%E2%80%A8y`, 'forbidden-character'],
    ['no scheme', `//inviteHandleAccept?${query}`, 'not-a-link'],
    ['an empty string', '', 'not-a-link'],
    ['no "//" after the scheme', `rallypoint:inviteHandleAccept?${query}`, 'not-a-link'],
    [
      'the docs typo "ms-xbl-multiplayer//"',
      `ms-xbl-multiplayer//inviteHandleAccept?${query}`,
      'not-a-link',
    ],
    ['another scheme', link.replace('rallypoint', 'https'), 'unknown-scheme'],
    ['another title id', link.replace('rallypoint', 'ms-xbl-7a970ea1'), 'unknown-scheme'],
    [
      'a scheme that only starts like ours',
      link.replace('rallypoint', 'rallypointx'),
      'unknown-scheme',
    ],
    ['user info', link.replace('://', '://player@'), 'forbidden-url-part'],
    ['user and password', link.replace('://', '://a:b@'), 'forbidden-url-part'],
    ['a port', link.replace('Accept?', 'Accept:443?'), 'forbidden-url-part'],
    ['a fragment', `${link}#top`, 'forbidden-url-part'],
    ['an empty fragment', `${link}#`, 'forbidden-url-part'],
    ['an unknown action', link.replace('inviteHandleAccept', 'inviteAccept'), 'unknown-action'],
    [
      'the MPA form',
      `rallypoint://inviteAccept?invitedUser=${invited}&sender=${sender}&connectionString=x`,
      'unknown-action',
    ],
    ['an empty action', `rallypoint:///inviteHandleAccept?${query}`, 'unknown-action'],
    ['a percent-encoded action', link.replace('invite', '%69nvite'), 'unknown-action'],
    ['an extra path segment', link.replace('?', '/join?'), 'extra-path'],
    ['a dot segment', link.replace('?', '/..?'), 'extra-path'],
    ['two slashes before the query', link.replace('?', '//?'), 'extra-path'],
    ['a bad escape', `${link}&context=%zz`, 'malformed-encoding'],
    ['a truncated escape', `${link}&context=abc%`, 'malformed-encoding'],
    ['invalid UTF-8', `${link}&context=%E0%A4`, 'malformed-encoding'],
    ['an encoded surrogate', `${link}&context=%ED%A0%80`, 'malformed-encoding'],
    ['a malformed unknown parameter', `${link}&x%=1`, 'malformed-encoding'],
    ['no query', 'rallypoint://inviteHandleAccept', 'missing-parameter'],
    ['no handle', link.replace(`handle=${handle}&`, ''), 'missing-parameter'],
    ['no invitedXuid', link.replace(`&invitedXuid=${invited}`, ''), 'missing-parameter'],
    ['no senderXuid', link.replace(`&senderXuid=${sender}`, ''), 'missing-parameter'],
    [
      'join parameters on an invite',
      `rallypoint://inviteHandleAccept?handle=${handle}&joinerXuid=${invited}&joineeXuid=${sender}`,
      'missing-parameter',
    ],
    ['an empty handle', link.replace(`handle=${handle}`, 'handle='), 'empty-parameter'],
    ['a handle without "="', link.replace(`handle=${handle}`, 'handle'), 'empty-parameter'],
    ['an empty XUID', link.replace(`senderXuid=${sender}`, 'senderXuid='), 'empty-parameter'],
    ['a repeated handle', `${link}&handle=${handle}`, 'repeated-parameter'],
    ['a repeated XUID in another case', `${link}&SENDERXUID=${sender}`, 'repeated-parameter'],
    ['a repeated context', `${link}&context=a&context=b`, 'repeated-parameter'],
    ['a handle that is not a GUID', link.replace(handle, 'not-a-guid'), 'invalid-handle'],
    ['a GUID in braces', link.replace(handle, `{${handle}}`), 'invalid-handle'],
    ['a GUID without dashes', link.replace(handle, handle.replaceAll('-', '')), 'invalid-handle'],
    ['a handle with 36 characters and more', link.replace(handle, `${handle}0`), 'invalid-handle'],
    ['a non-hex GUID', link.replace(handle, handle.replace('d', 'g')), 'invalid-handle'],
    [
      'the nil GUID',
      link.replace(handle, '00000000-0000-0000-0000-000000000000'),
      'invalid-handle',
    ],
    ['a negative XUID', link.replace(`=${invited}`, '=-1'), 'invalid-xuid'],
    ['a hex XUID', link.replace(`=${invited}`, '=0x10'), 'invalid-xuid'],
    ['a 21-digit XUID', link.replace(`=${invited}`, '=100000000000000000000'), 'invalid-xuid'],
    ['an XUID above 2^64-1', link.replace(`=${sender}`, '=18446744073709551616'), 'invalid-xuid'],
    ['XUID zero', link.replace(`=${sender}`, '=0'), 'invalid-xuid'],
    ['an XUID with a decimal point', link.replace(`=${sender}`, '=1.5'), 'invalid-xuid'],
    ['a 257-character context', `${link}&context=${'x'.repeat(257)}`, 'context-too-long'],
    [
      'a 257-code-point encoded context',
      `${link}&context=${'%C3%A9'.repeat(257)}`,
      'context-too-long',
    ],
  ];
  for (const [why, raw, code] of rejected) {
    it(`rejects ${why} as ${code}`, () => {
      expect(codeOf(raw)).toBe(code);
    });
  }

  it('counts the context in code points, not UTF-16 units: 150 emoji are 150, not 300', () => {
    const emoji = '\u{1F3AE}';
    const encoded = encodeURIComponent(emoji);
    const many = parseInviteLink(`${link}&context=${encoded.repeat(150)}`, config);
    expect(many).toMatchObject({
      ok: true,
      invite: { ...expectedInvite, context: emoji.repeat(150) },
    });
    // The limit itself: 255 letters and an emoji are 256 code points (257 UTF-16 units) and pass;
    // one letter more is 257 and does not.
    const atLimit = `${'x'.repeat(255)}${emoji}`;
    expect(parseInviteLink(`${link}&context=${'x'.repeat(255)}${encoded}`, config)).toMatchObject({
      ok: true,
      invite: { ...expectedInvite, context: atLimit },
    });
    expect(codeOf(`${link}&context=${'x'.repeat(256)}${encoded}`)).toBe('context-too-long');
  });

  it('accepts exactly 2048 characters and a 256-code-point context', () => {
    expect(codeOf(`${link}&pad=${'a'.repeat(2048 - link.length - 5)}`)).toBe('accepted');
    expect(codeOf(`${link}&context=${'%C3%A9'.repeat(256)}`)).toBe('accepted');
  });

  it('every code in the union is produced by some input above, or by the argv scan', () => {
    const produced = new Set<string>(rejected.map(([, , code]) => code));
    produced.add('multiple-links');
    expect([...inviteLinkErrorCodes].sort()).toEqual([...produced].sort());
  });

  it('never echoes the query in an error message', () => {
    const secretish = 'd7853aa1-6500-4fa8-a744-e093e77a4bzz';
    const result = parseInviteLink(link.replace(handle, secretish), config);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).not.toContain(secretish);
    for (const [, raw] of rejected) {
      const outcome = parseInviteLink(raw, config);
      if (!outcome.ok) expect(outcome.error.message).not.toContain(invited);
    }
  });

  it('treats non-string input as not a link instead of throwing', () => {
    expect(parseInviteLink(undefined as unknown as string, config)).toMatchObject({
      ok: false,
      error: { code: 'not-a-link' },
    });
  });
});

describe('parseInviteLink: the message of each refusal', () => {
  const noXuid = `rallypoint://inviteHandleAccept?handle=${handle}&senderXuid=${sender}`;
  const join = `rallypoint://activityHandleJoin?handle=${handle}&joineeXuid=${sender}`;
  const messages: [string, string, InviteLinkErrorCode, string][] = [
    [
      'over 2048 characters',
      'x'.repeat(2049),
      'too-long',
      'The link is longer than 2048 characters.',
    ],
    [
      'whitespace',
      `${link} `,
      'forbidden-character',
      'The link contains whitespace or control characters.',
    ],
    ['no scheme', 'inviteHandleAccept', 'not-a-link', 'The link has no URL scheme.'],
    [
      'another scheme',
      link.replace('rallypoint:', 'other:'),
      'unknown-scheme',
      'The link does not belong to this game.',
    ],
    ['no "//"', link.replace('://', ':'), 'not-a-link', 'The link has no "//" after its scheme.'],
    ['a fragment', `${link}#x`, 'forbidden-url-part', 'Invite links carry no fragment ("#").'],
    [
      'a user name',
      link.replace('://', '://me@'),
      'forbidden-url-part',
      'Invite links carry no user name or password.',
    ],
    [
      'a port',
      link.replace('Accept?', 'Accept:1?'),
      'forbidden-url-part',
      'Invite links carry no port.',
    ],
    [
      'another action',
      link.replace('inviteHandleAccept', 'gift'),
      'unknown-action',
      'The link asks for something other than an invite or a join.',
    ],
    [
      'a path',
      link.replace('Accept?', 'Accept/x?'),
      'extra-path',
      'The link has path segments after its action.',
    ],
    [
      'a bad escape',
      `${link}&context=%zz`,
      'malformed-encoding',
      'The link contains a malformed percent-encoding.',
    ],
    [
      'a second handle',
      `${link}&handle=${handle}`,
      'repeated-parameter',
      'The "handle" parameter appears more than once.',
    ],
    [
      'a second context',
      `${link}&context=a&CONTEXT=b`,
      'repeated-parameter',
      'The "context" parameter appears more than once.',
    ],
    ['no invitedXuid', noXuid, 'missing-parameter', 'The "invitedXuid" parameter is missing.'],
    ['no joinerXuid', join, 'missing-parameter', 'The "joinerXuid" parameter is missing.'],
    [
      'an empty senderXuid',
      link.replace(`=${sender}`, '='),
      'empty-parameter',
      'The "senderXuid" parameter is empty.',
    ],
    [
      'a handle that is no GUID',
      link.replace(handle, 'abc'),
      'invalid-handle',
      'The handle is not a GUID (8-4-4-4-12 hexadecimal digits).',
    ],
    [
      'the nil GUID',
      link.replace(handle, '00000000-0000-0000-0000-000000000000'),
      'invalid-handle',
      'The handle is all zeros.',
    ],
    [
      'a bad invitedXuid',
      link.replace(`=${invited}`, '=x'),
      'invalid-xuid',
      'The "invitedXuid" parameter is not a valid XUID.',
    ],
    [
      'a bad senderXuid',
      link.replace(`=${sender}`, '=x'),
      'invalid-xuid',
      'The "senderXuid" parameter is not a valid XUID.',
    ],
    [
      'a long context',
      `${link}&context=${'x'.repeat(257)}`,
      'context-too-long',
      'The context is longer than 256 characters.',
    ],
    [
      'a control character in the context',
      `${link}&context=a%07`,
      'forbidden-character',
      'The context contains control characters.',
    ],
    [
      'a format character in the context',
      `${link}&context=a%E2%80%AE`,
      'forbidden-character',
      'The context contains format characters (bidi controls or zero-width characters).',
    ],
  ];
  for (const [why, raw, code, message] of messages) {
    it(`${why}: ${message}`, () => {
      expect(parseInviteLink(raw, config)).toEqual({ ok: false, error: { code, message } });
    });
  }

  it('a value that is not text: "The link is not text."', () => {
    expect(parseInviteLink(42 as unknown as string, config)).toEqual({
      ok: false,
      error: { code: 'not-a-link', message: 'The link is not text.' },
    });
  });

  it('reads a path only up to the query, and forgives exactly one "/" a browser added', () => {
    const bare = 'rallypoint://inviteHandleAccept';
    // Without a query the whole rest is the path: a segment after the action is refused...
    expect(codeOf(`${bare}/x`)).toBe('extra-path');
    expect(codeOf(`${bare}///`)).toBe('extra-path');
    // ...while "/" and a browser's extra "/" on it leave just an action without parameters.
    expect(codeOf(`${bare}/`)).toBe('missing-parameter');
    expect(codeOf(`${bare}//`)).toBe('missing-parameter');
  });
});

describe('leadingScheme', () => {
  it('is the text before the first colon when that is a scheme of 1 to 64 characters', () => {
    expect(leadingScheme('rallypoint://x')).toBe('rallypoint');
    expect(leadingScheme('a:b')).toBe('a');
    expect(leadingScheme(`${'a'.repeat(64)}://x`)).toBe('a'.repeat(64));
    expect(leadingScheme(`${'a'.repeat(65)}://x`)).toBeUndefined();
    expect(leadingScheme('rallypoint')).toBeUndefined();
    expect(leadingScheme('://x')).toBeUndefined();
    expect(leadingScheme('1abc://x')).toBeUndefined();
  });
});

describe('checkInviteLinkConfig', () => {
  it('names every problem of a config', () => {
    expect(checkInviteLinkConfig({ ...config, titleId: 'xyz', schemes: [] })).toEqual([
      'title id must be 8 hex digits, got "xyz"',
      'at least one scheme is needed',
    ]);
    expect(checkInviteLinkConfig({ ...config, schemes: ['ok', 'not ok'] })).toEqual([
      '"not ok" is not a URL scheme name',
    ]);
    expect(checkInviteLinkConfig(config)).toEqual([]);
  });

  it('wants the whole title id to be 8 hex digits, and then only trusts ms-xbl links of it', () => {
    for (const titleId of ['x52414c59', '52414c59x', '152414c59']) {
      const bad = { ...config, titleId };
      expect(checkInviteLinkConfig(bad)).toEqual([
        `title id must be 8 hex digits, got "${titleId}"`,
      ]);
      // A mistyped title id never makes its ms-xbl scheme ours: the link is refused, not joined.
      expect(parseInviteLink(`ms-xbl-${titleId}://inviteHandleAccept?${query}`, bad)).toMatchObject(
        { ok: false, error: { code: 'unknown-scheme' } },
      );
    }
  });
});

describe('findInviteLinkInArgv', () => {
  it('skips arguments that are not text', () => {
    const argv = [42, null, link] as unknown as string[];
    expect(findInviteLinkInArgv(argv, config)).toMatchObject({ kind: 'invite' });
  });

  it('says how many links it found when there is more than one', () => {
    expect(findInviteLinkInArgv([link, link, link], config)).toEqual({
      kind: 'rejected',
      error: {
        code: 'multiple-links',
        message: 'The command line holds 3 links; exactly one is accepted.',
      },
    });
  });

  const exe = 'C:\\Program Files\\Rallypoint\\Rallypoint.exe';

  it('finds the link after the "--" guard of a packaged Windows launch', () => {
    expect(findInviteLinkInArgv([exe, '--', link], config)).toStrictEqual({
      kind: 'invite',
      invite: expectedInvite,
      scheme: 'rallypoint',
      action: 'inviteHandleAccept',
    });
  });

  it('finds the link in a development launch (electron <app path> -- <link>)', () => {
    const argv = ['/repo/node_modules/electron/dist/electron', '/repo', '--', link];
    expect(findInviteLinkInArgv(argv, config)).toMatchObject({ kind: 'invite' });
  });

  it('finds the link when Chromium reorders argv and adds switches', () => {
    const argv = [
      exe,
      '--allow-file-access-from-files',
      link,
      '--',
      '--original-process-start-time=13370000000000000',
    ];
    expect(findInviteLinkInArgv(argv, config)).toMatchObject({
      kind: 'invite',
      invite: expectedInvite,
    });
  });

  it('trusts nothing else in argv: injected switches are ignored, not acted on', () => {
    const argv = [exe, '--gpu-launcher=calc.exe', '--inspect=9229', '--', link];
    expect(findInviteLinkInArgv(argv, config)).toMatchObject({ kind: 'invite' });
  });

  it('rejects a link that tried to break out of its quotes', () => {
    const argv = [exe, '--', `${link}" --gpu-launcher="calc.exe`];
    expect(findInviteLinkInArgv(argv, config)).toMatchObject({
      kind: 'rejected',
      error: { code: 'forbidden-character' },
    });
  });

  it('reports none when argv holds no link of ours', () => {
    expect(findInviteLinkInArgv([exe], config)).toStrictEqual({ kind: 'none' });
    expect(findInviteLinkInArgv([], config)).toStrictEqual({ kind: 'none' });
    expect(
      findInviteLinkInArgv([exe, 'https://example.com/?rallypoint://x', 'C:\\games'], config),
    ).toStrictEqual({ kind: 'none' });
  });

  it('rejects two links, even identical ones', () => {
    const other = link.replace('rallypoint', 'ms-xbl-multiplayer');
    for (const argv of [
      [exe, link, other],
      [exe, '--', link, link],
    ]) {
      expect(findInviteLinkInArgv(argv, config)).toMatchObject({
        kind: 'rejected',
        error: { code: 'multiple-links' },
      });
    }
  });

  it('reports a malformed link of ours as rejected, not as none', () => {
    expect(findInviteLinkInArgv([exe, '--', 'rallypoint:oops'], config)).toMatchObject({
      kind: 'rejected',
      error: { code: 'not-a-link' },
    });
    expect(findInviteLinkInArgv([exe, '--', 'RALLYPOINT://nope'], config)).toMatchObject({
      kind: 'rejected',
      error: { code: 'unknown-action' },
    });
  });
});

describe('inviteLinkConfigFor', () => {
  it('gives development builds their own scheme first, packaged builds the product scheme', () => {
    expect(inviteLinkConfigFor(true)).toBe(defaultInviteLinkConfig);
    expect(inviteLinkConfigFor(false).schemes[0]).toBe('rallypoint-dev');
    expect(inviteLinkConfigFor(false).schemes).toContain('rallypoint');
  });
});

describe('checkInviteLinkConfig', () => {
  it('accepts the shipped configs and names the problems of a bad one', () => {
    expect(checkInviteLinkConfig(defaultInviteLinkConfig)).toEqual([]);
    expect(checkInviteLinkConfig(developmentInviteLinkConfig)).toEqual([]);
    expect(checkInviteLinkConfig({ schemes: ['1bad', 'ok'], titleId: 'xyz' })).toHaveLength(2);
    expect(checkInviteLinkConfig({ schemes: [], titleId: '52414c59' })).toHaveLength(1);
  });
});
