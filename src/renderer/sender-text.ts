/**
 * How the window names an invite's sender: by gamertag once main knows it, otherwise "a friend"
 * (its own sentence in each language, so Japanese never reads "フレンド さん"), never a XUID. A
 * name that is nothing but control characters once cleaned counts as unknown. The picture is drawn
 * only from the origins the page's CSP lists (`allowedPictureUrl`, src/shared/sender-picture.ts);
 * main already dropped every other one.
 */
import { displayName, type Translator } from './i18n/translator';
import type { TextKey } from './i18n/catalogue';

type Kind = 'invite' | 'join';

const named: Readonly<Record<'title' | 'recent', Record<Kind, TextKey>>> = {
  title: { invite: 'join.title.invite', join: 'join.title.join' },
  recent: { invite: 'recent.invite', join: 'recent.join' },
};

const unnamed: Readonly<Record<'title' | 'recent', Record<Kind, TextKey>>> = {
  title: { invite: 'join.title.inviteFromFriend', join: 'join.title.joinFromFriend' },
  recent: { invite: 'recent.inviteFromFriend', join: 'recent.joinFromFriend' },
};

/** The join screen's title or a recent entry's line for a sender named `from` (or nobody). */
export function senderText(
  t: Translator,
  where: 'title' | 'recent',
  kind: Kind,
  from: string | undefined,
): string {
  return from !== undefined && displayName(from).trim() !== ''
    ? t.text(named[where][kind], { from })
    : t.text(unnamed[where][kind]);
}
