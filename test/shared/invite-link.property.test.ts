import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Invite } from '../../src/shared/invite';
import {
  defaultInviteLinkConfig,
  findInviteLinkInArgv,
  inviteLinkErrorCodes,
  maxXuid,
  parseInviteLink,
  type InviteLinkErrorCode,
} from '../../src/shared/invite-link';
import { inviteRoutes } from '../../src/shared/invite-routes';
import { stripUnsafePlayerText } from '../../src/shared/player-text';

const config = defaultInviteLinkConfig;
const runs = { numRuns: 400 };

// ---- generators for valid links -------------------------------------------------------------

const hexDigits = (count: number) =>
  fc
    .array(fc.constantFrom(...'0123456789abcdef'), { minLength: count, maxLength: count })
    .map((digits) => digits.join(''));

/** Any non-nil GUID in canonical lower case. */
const guid = fc
  .tuple(hexDigits(8), hexDigits(4), hexDigits(4), hexDigits(4), hexDigits(12))
  .map((parts) => parts.join('-'))
  .filter((value) => /[1-9a-f]/.test(value));

const xuid = fc.bigInt({ min: 1n, max: maxXuid }).map((value) => value.toString());

/** Title contexts: any text the player-text rule allows, up to 100 code points. */
const context = fc
  .string({ unit: 'grapheme', maxLength: 100 })
  .map(stripUnsafePlayerText)
  .filter((text) => text.length > 0 && [...text].length <= 256);

const invite: fc.Arbitrary<Invite> = fc
  .record({
    kind: fc.constantFrom<Invite['kind']>('invite', 'join'),
    handleId: guid,
    localXuid: xuid,
    remoteXuid: xuid,
    context: fc.option(context, { nil: undefined }),
  })
  .map(({ context: text, ...rest }) =>
    rest.kind === 'invite' && text !== undefined ? { ...rest, context: text } : rest,
  );

/** How a sender happened to spell the link: everything the parser promises to tolerate. */
interface Spelling {
  readonly scheme: 'own' | 'title' | 'multiplayer';
  readonly caseFlips: readonly boolean[];
  readonly slashBeforeQuery: boolean;
  readonly leadingAmpersand: boolean;
  readonly trailingSlash: boolean;
  readonly upperHandle: boolean;
  readonly leadingZeros: number;
  readonly encodeMask: readonly boolean[];
  readonly order: readonly number[];
  readonly extras: readonly [string, string][];
}

const spelling: fc.Arbitrary<Spelling> = fc.record({
  scheme: fc.constantFrom('own', 'title', 'multiplayer'),
  caseFlips: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
  slashBeforeQuery: fc.boolean(),
  leadingAmpersand: fc.boolean(),
  trailingSlash: fc.boolean(),
  upperHandle: fc.boolean(),
  leadingZeros: fc.integer({ min: 0, max: 3 }),
  encodeMask: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
  order: fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
  extras: fc.array(
    fc.tuple(
      fc.constantFrom('mode', 'ref', 'utm_source', 'x'),
      fc.stringMatching(/^[a-z0-9]{0,8}$/),
    ),
    { maxLength: 2 },
  ),
});

const flipCase = (text: string, flips: readonly boolean[]) =>
  [...text]
    .map((char, index) => (flips[index % flips.length] ? char.toUpperCase() : char.toLowerCase()))
    .join('');

/** Percent-encodes every character that is not unreserved, and some unreserved ones too. */
function encode(text: string, mask: readonly boolean[]): string {
  return [...text]
    .map((char, index) => {
      const unreserved = /^[A-Za-z0-9._~-]$/.test(char);
      if (unreserved && !mask[index % mask.length]) return char;
      return [...new TextEncoder().encode(char)]
        .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
        .map((escape) => (mask[(index + 1) % mask.length] ? escape.toUpperCase() : escape))
        .join('');
    })
    .join('');
}

/** The link's parts, so a test can break exactly one of them. */
interface LinkParts {
  scheme: string;
  authority: string;
  path: string;
  pairs: [string, string][];
  leadingAmpersand: boolean;
  trailingSlash: boolean;
}

function spell(value: Invite, how: Spelling): LinkParts {
  const route = inviteRoutes.find((candidate) => candidate.kind === value.kind)!;
  const scheme = {
    own: 'rallypoint',
    title: `ms-xbl-${config.titleId}`,
    multiplayer: 'ms-xbl-multiplayer',
  }[how.scheme];
  // Leading zeros are tolerated while the XUID stays within 20 digits.
  const zeros = '0'.repeat(Math.min(how.leadingZeros, 20 - value.localXuid.length));
  const named: [string, string][] = [
    ['handle', how.upperHandle ? value.handleId.toUpperCase() : value.handleId],
    [route.localParam, zeros + value.localXuid],
    [route.remoteParam, value.remoteXuid],
  ];
  if (value.context !== undefined) named.push(['context', value.context]);
  named.push(...how.extras);
  const ordered = how.order
    .filter((index) => index < named.length)
    .map((index) => named[index]!)
    .concat(named.slice(6));
  return {
    scheme: flipCase(scheme, how.caseFlips),
    authority: flipCase(route.action, how.caseFlips.slice(7)),
    path: how.slashBeforeQuery ? '/' : '',
    pairs: ordered.map(([name, text]) => [name, encode(text, how.encodeMask)]),
    leadingAmpersand: how.leadingAmpersand,
    trailingSlash: how.trailingSlash,
  };
}

function render(parts: LinkParts): string {
  const query = parts.pairs.map(([name, value]) => `${name}=${value}`).join('&');
  return (
    `${parts.scheme}://${parts.authority}${parts.path}?` +
    `${parts.leadingAmpersand ? '&' : ''}${query}${parts.trailingSlash ? '/' : ''}`
  );
}

const validLink = fc
  .tuple(invite, spelling)
  .map(([value, how]) => ({ invite: value, parts: spell(value, how) }))
  .filter(({ parts }) => render(parts).length <= 2000);

// ---- properties ------------------------------------------------------------------------------

/** Strings made of link pieces reach far deeper into the parser than uniform random text. */
const linkish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'rallypoint',
        'ms-xbl-multiplayer',
        'ms-xbl-52414c59',
        '://',
        ':',
        '//',
        '/',
        '?',
        '&',
        '=',
        '#',
        '@',
        '%',
        '%4',
        '%e2%82',
        '+',
        'inviteHandleAccept',
        'activityHandleJoin',
        'handle',
        'invitedXuid',
        'senderXuid',
        'joinerXuid',
        'joineeXuid',
        'context',
        'd7853aa1-6500-4fa8-a744-e093e77a4ba8',
        '18446744073709551616',
        '12345',
        '\u0000',
        ' ',
      ),
      fc.string({ unit: 'binary', maxLength: 8 }),
    ),
    { maxLength: 30 },
  )
  .map((pieces) => pieces.join(''));

describe('parseInviteLink properties', () => {
  it('never throws and always answers an invite or a known code, on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 3000 }), linkish), (raw) => {
        const result = parseInviteLink(raw, config);
        if (result.ok) {
          expect(result.invite.handleId).toMatch(/^[0-9a-f-]{36}$/);
        } else {
          expect(inviteLinkErrorCodes).toContain(result.error.code);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parses every valid spelling back to the invite it was made from', () => {
    fc.assert(
      fc.property(validLink, ({ invite: expected, parts }) => {
        const result = parseInviteLink(render(parts), config);
        expect(result.ok ? result.invite : result.error).toStrictEqual(expected);
      }),
      runs,
    );
  });

  it('only accepts links that WHATWG URL also reads, with the same action', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          validLink.map(({ parts }) => render(parts)),
          linkish,
        ),
        (raw) => {
          const result = parseInviteLink(raw, config);
          if (!result.ok) return;
          const url = new URL(raw);
          expect(url.hostname.toLowerCase()).toBe(result.action.toLowerCase());
          expect(url.username + url.password + url.port + url.hash).toBe('');
        },
      ),
      runs,
    );
  });

  it('finds a valid link wherever Chromium put it among switches', () => {
    const switches = fc.array(
      fc.oneof(
        fc.constantFrom('--', '--allow-file-access-from-files', '--inspect=9229', '.', '/opt/app'),
        fc.stringMatching(/^--[a-z-]{1,20}(=[0-9]{1,12})?$/),
      ),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(validLink, switches, fc.nat(), ({ invite: expected, parts }, others, at) => {
        const argv = ['/opt/Rallypoint/rallypoint', ...others];
        argv.splice(1 + (at % argv.length), 0, render(parts));
        expect(findInviteLinkInArgv(argv, config)).toMatchObject({
          kind: 'invite',
          invite: expected,
        });
      }),
      runs,
    );
  });
});

// ---- one fault at a time ---------------------------------------------------------------------

type Fault = (parts: LinkParts, pick: number) => string;

const requiredIndex = (parts: LinkParts, pick: number) => {
  const required = parts.pairs
    .map(([name], index) => ({ name, index }))
    .filter(({ name }) => /^(handle|invitedxuid|senderxuid|joinerxuid|joineexuid)$/i.test(name));
  return required[pick % required.length]!.index;
};
const withPairs = (parts: LinkParts, pairs: [string, string][]) => render({ ...parts, pairs });
const replaceValue = (parts: LinkParts, index: number, value: string) =>
  withPairs(
    parts,
    parts.pairs.map((pair, at) => (at === index ? [pair[0], value] : pair)),
  );
const isHandle = (parts: LinkParts, index: number) => parts.pairs[index]![0] === 'handle';

const faults: Record<Exclude<InviteLinkErrorCode, 'multiple-links'>, Fault> = {
  'not-a-link': (parts, pick) =>
    [
      render(parts).replace('://', ':'),
      render(parts).replace(/^[^:]*/, ''),
      render(parts).replace(/^[^:]*/, '1x'),
    ][pick % 3]!,
  'too-long': (parts) => {
    const raw = render({ ...parts, trailingSlash: false });
    return `${raw}&pad=${'p'.repeat(Math.max(0, 2044 - raw.length))}`;
  },
  'forbidden-character': (parts, pick) => {
    const raw = render(parts);
    const bad = [
      ' ',
      '\t',
      '\n',
      '\r',
      '\u0000',
      '\u007f',
      '\u0085',
      '\u00a0',
      '\u2028',
      '\u202e',
      '\ufeff',
    ];
    const at = pick % (raw.length + 1);
    return raw.slice(0, at) + bad[pick % bad.length]! + raw.slice(at);
  },
  'unknown-scheme': (parts, pick) =>
    render({
      ...parts,
      scheme: ['https', 'file', 'ms-xbl-12345678', 'rallypoint-dev', 'ms-xbl', 'javascript'][
        pick % 6
      ]!,
    }),
  'forbidden-url-part': (parts, pick) =>
    [
      render({ ...parts, authority: `player@${parts.authority}` }),
      render({ ...parts, authority: `${parts.authority}:${pick % 65536}` }),
      `${render(parts)}#${'frag'.slice(0, pick % 5)}`,
    ][pick % 3]!,
  'unknown-action': (parts, pick) =>
    render({
      ...parts,
      authority: ['', 'inviteAccept', 'activityHandleJoinX', 'launch', 'evil.example.com'][
        pick % 5
      ]!,
    }),
  'extra-path': (parts, pick) =>
    render({
      ...parts,
      path: ['/x', '/..', '//', '/a/b', '/.'][pick % 5]! + (pick % 2 ? '/' : ''),
    }),
  'malformed-encoding': (parts, pick) =>
    withPairs(parts, [
      ...parts.pairs,
      ['extra', ['%', '%g0', '%4', '%c3', '%ff', '%ed%a0%80'][pick % 6]!],
    ]),
  'missing-parameter': (parts, pick) => {
    const index = requiredIndex(parts, pick);
    return withPairs(
      parts,
      parts.pairs.filter((_, at) => at !== index),
    );
  },
  'empty-parameter': (parts, pick) => replaceValue(parts, requiredIndex(parts, pick), ''),
  'repeated-parameter': (parts, pick) => {
    const pair = parts.pairs[requiredIndex(parts, pick)]!;
    return withPairs(parts, [...parts.pairs, [pair[0].toUpperCase(), pair[1]]]);
  },
  'invalid-handle': (parts, pick) => {
    const index = parts.pairs.findIndex(([name]) => name === 'handle');
    const bad = ['00000000-0000-0000-0000-000000000000', 'xyz', '{0}', '1234', 'g'.repeat(36)];
    return replaceValue(parts, index, bad[pick % bad.length]!);
  },
  'invalid-xuid': (parts, pick) => {
    let index = requiredIndex(parts, pick);
    if (isHandle(parts, index)) index = requiredIndex(parts, pick + 1);
    const bad = ['0', '18446744073709551616', '1'.repeat(21), '-5', '1e3', 'abc', '00'];
    return replaceValue(parts, index, bad[pick % bad.length]!);
  },
  'context-too-long': (parts, pick) => {
    const kept = parts.pairs.filter(([name]) => name !== 'context');
    return withPairs(parts, [...kept, ['context', 'c'.repeat(257 + (pick % 300))]]);
  },
};

describe('parseInviteLink rejects every single fault with its code', () => {
  for (const [code, fault] of Object.entries(faults)) {
    it(code, () => {
      const links =
        code === 'context-too-long'
          ? validLink.filter(({ invite: value }) => value.kind === 'invite')
          : validLink;
      fc.assert(
        fc.property(links, fc.nat(), ({ parts }, pick) => {
          const raw = fault(parts, pick);
          const result = parseInviteLink(raw, config);
          expect(result.ok ? 'accepted' : result.error.code).toBe(code);
        }),
        { numRuns: 150 },
      );
    });
  }
});
