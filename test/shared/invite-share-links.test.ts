/**
 * Both shareable forms of an invite (src/shared/invite-share-links.ts): the app link parses back
 * to the invite it was made from, and the web link follows the route table's examples.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultInviteLinkConfig, maxXuid, parseInviteLink } from '../../src/shared/invite-link';
import { webInviteRoute } from '../../src/shared/invite-routes';
import { inviteShareLinks, webInviteBase } from '../../src/shared/invite-share-links';
import { stripUnsafePlayerText } from '../../src/shared/player-text';

const handleId = 'd7853aa1-6500-4fa8-a744-e093e77a4ba8';
const invite = { handleId, invitedXuid: '2814616402722312', senderXuid: '2814650950488554' };

describe('inviteShareLinks', () => {
  for (const example of webInviteRoute.examples) {
    it(`makes the web link of the route table: ${example.why}`, () => {
      const links = inviteShareLinks({ ...invite, handleId: example.handleId }, example.base);
      expect(links.ok && links.value.webLink).toBe(example.link);
    });
  }

  it('makes the documented app form, which the parser reads back', () => {
    const links = inviteShareLinks({ ...invite, context: 'squad up' }, 'https://play.example.com');
    expect(links).toEqual({
      ok: true,
      value: {
        appLink: `rallypoint://inviteHandleAccept?handle=${handleId}&invitedXuid=2814616402722312&senderXuid=2814650950488554&context=squad%20up`,
        webLink: `https://play.example.com/invite/${handleId}`,
      },
    });
  });

  it('refuses what no link may carry, with a reason', () => {
    const base = 'https://play.example.com';
    const refused: [string, Parameters<typeof inviteShareLinks>[0], string][] = [
      ['a handle that is no GUID', { ...invite, handleId: 'x' }, 'GUID'],
      ['the nil handle', { ...invite, handleId: '00000000-0000-0000-0000-000000000000' }, 'GUID'],
      ['a zero XUID', { ...invite, invitedXuid: '0' }, 'invited XUID'],
      ['a sender above 2^64', { ...invite, senderXuid: '18446744073709551616' }, 'sender XUID'],
      ['a bidi override in the context', { ...invite, context: 'a\u202Eb' }, 'format'],
      ['a long context', { ...invite, context: 'x'.repeat(257) }, 'longer than 256'],
    ];
    for (const [why, value, reason] of refused) {
      const links = inviteShareLinks(value, base);
      expect(links.ok, why).toBe(false);
      expect(links.ok ? '' : links.error, why).toContain(reason);
    }
  });

  it('counts the context in code points, as the parser does: 150 emoji fit, 257 code points do not', () => {
    const base = 'https://play.example.com';
    const emoji = '\u{1F3AE}';
    const links = inviteShareLinks({ ...invite, context: emoji.repeat(150) }, base);
    expect(links.ok).toBe(true);
    const parsed = links.ok ? parseInviteLink(links.value.appLink, defaultInviteLinkConfig) : links;
    expect(parsed).toMatchObject({ ok: true, invite: { context: emoji.repeat(150) } });
    // 255 letters and an emoji are 256 code points (257 UTF-16 units): the limit itself.
    expect(inviteShareLinks({ ...invite, context: `${'x'.repeat(255)}${emoji}` }, base).ok).toBe(
      true,
    );
    expect(inviteShareLinks({ ...invite, context: `${'x'.repeat(256)}${emoji}` }, base).ok).toBe(
      false,
    );
  });

  it('takes only a plain http(s) base URL', () => {
    expect(webInviteBase('https://play.example.com/rp')).toEqual({
      ok: true,
      value: 'https://play.example.com/rp/',
    });
    for (const bad of ['ftp://x', 'not a url', 'https://u:p@x', 'https://x/?q=1', 'https://x/#f'])
      expect(webInviteBase(bad).ok, bad).toBe(false);
  });

  it('parses every app link it makes back to the same invite', () => {
    const xuid = fc.bigInt({ min: 1n, max: maxXuid }).map(String);
    const guid = fc.uuid().filter((value) => !/^[0-]+$/.test(value));
    const context = fc.string({ unit: 'grapheme', maxLength: 60 }).map(stripUnsafePlayerText);
    fc.assert(
      fc.property(guid, xuid, xuid, fc.option(context, { nil: undefined }), (id, a, b, text) => {
        const links = inviteShareLinks(
          { handleId: id, invitedXuid: a, senderXuid: b, context: text },
          'https://play.example.com',
        );
        expect(links.ok).toBe(true);
        if (!links.ok) return;
        const parsed = parseInviteLink(links.value.appLink, defaultInviteLinkConfig);
        expect(parsed).toMatchObject({
          ok: true,
          invite: {
            kind: 'invite',
            handleId: id.toLowerCase(),
            localXuid: a,
            remoteXuid: b,
            ...(text ? { context: text } : {}),
          },
        });
        expect(links.value.webLink).toBe(`https://play.example.com/invite/${id.toLowerCase()}`);
      }),
      { numRuns: 300 },
    );
  });
});
