/**
 * What the web invite page may tell whoever opens it. The page is public: anyone holding the link
 * can load it, signed in or not, so it shows only what the session would show an anonymous
 * reader: a caller who is no member, on no member's device and followed by no member, reading
 * directly (not as the proven invitee). session-access.ts decides, with the same rule MPSD's
 * reads use. When that reader may read the session (visibility `open` or `visible`,
 * readRestriction `none`), the page names the sender (gamertag and picture), the game, the
 * number of players and seats and the invite's context. Otherwise it says only that this is an
 * invite: no name, picture, game, count or context.
 *
 * Either way the page carries the app link, which names the handle, the invited player's XUID and
 * the sender's XUID: exactly what the `rallypoint://` link the sender could have pasted carries,
 * and what the launcher needs to act on it. It never carries a token.
 */
import type { CallerIdentity } from '../dev-tokens';
import type { InvitePageFacts } from '../directory-service';
import type { LocalProfile } from '../people/profile';
import { checkRead } from '../session-access';

/** What the page shows about an invite. Player-written strings are raw here (escaped later). */
export type AnonymousInviteView =
  | {
      readonly kind: 'named';
      readonly senderGamertag: string;
      /** Below the directory's root, when the profile service knows the sender. */
      readonly senderPicturePath?: string;
      readonly membersCount: number;
      /** 0 when the session sets no limit. */
      readonly maxMembersCount: number;
      readonly context?: string;
    }
  | { readonly kind: 'anonymous' };

/** A reader with no identity: matches no member, device or follow list. */
const anonymousReader: CallerIdentity = {
  xuid: '',
  gamertag: '',
  titleId: '',
  deviceId: '',
  deviceToken: '',
  follows: [],
};

/** The view of `facts` an anonymous visitor may have; `profileOf` is the profile service. */
export function anonymousInviteView(
  facts: InvitePageFacts,
  profileOf: (xuid: string) => LocalProfile | undefined,
): AnonymousInviteView {
  const { handle, session } = facts;
  if (checkRead(session, anonymousReader, { via: 'direct' }) !== undefined) {
    return { kind: 'anonymous' };
  }
  const senderXuid = handle.senderXuid ?? '';
  const profile = profileOf(senderXuid);
  const member = session.members.find((candidate) => candidate.xuid === senderXuid);
  const senderGamertag = profile?.gamertag ?? member?.gamertag ?? '';
  // A sender this directory cannot name is not worth a sentence with a blank in it.
  if (senderGamertag === '') return { kind: 'anonymous' };
  const max = session.constantsSystem.maxMembersCount;
  const context = handle.inviteAttributes?.context;
  return {
    kind: 'named',
    senderGamertag,
    ...(profile === undefined ? {} : { senderPicturePath: profile.picturePath }),
    membersCount: session.members.filter((candidate) => !candidate.reserved).length,
    maxMembersCount: typeof max === 'number' && Number.isInteger(max) && max > 0 ? max : 0,
    ...(context ? { context } : {}),
  };
}
