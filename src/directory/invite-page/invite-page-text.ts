/**
 * The web invite page's words in English and Japanese, and which of the two a visitor gets: the
 * best match of their `Accept-Language` (q-values and all, read by `negotiator`), English when
 * nothing matches. Sentences take already escaped HTML for their parameters, so the catalogue
 * decides word order and the renderer decides escaping.
 */
import Negotiator from 'negotiator';
import type { IncomingHttpHeaders } from 'node:http';

export type PageLanguage = 'en' | 'ja';

const pageLanguages: readonly PageLanguage[] = ['en', 'ja'];

/** The language for a request's `Accept-Language`; English unless Japanese is preferred. */
export function pageLanguageOf(headers: IncomingHttpHeaders): PageLanguage {
  const best = new Negotiator({ headers }).language([...pageLanguages]);
  return best === 'ja' ? 'ja' : 'en';
}

/** Every sentence of the page. Parameters are HTML, already escaped by the caller. */
export interface PageText {
  readonly invitedBy: (sender: string, game: string) => string;
  readonly invitedAnonymous: string;
  readonly anonymousNote: string;
  readonly players: (count: number, max: number) => string;
  readonly documentTitle: (game: string) => string;
  readonly anonymousDocumentTitle: string;
  readonly opening: string;
  readonly openLink: string;
  readonly getTitle: string;
  readonly getLead: string;
  readonly download: Readonly<Record<'windows' | 'macos' | 'linux', string>>;
  readonly otherPlatforms: string;
  readonly noDownloads: string;
  readonly openAgain: string;
  readonly gone: string;
  readonly goneDetail: string;
  readonly platformNames: Readonly<Record<'windows' | 'macos' | 'linux', string>>;
}

const en: PageText = {
  invitedBy: (sender, game) => `${sender} invited you to play ${game}`,
  invitedAnonymous: 'You have been invited to a game',
  anonymousNote: 'Open the invite in Rallypoint to see who sent it.',
  players: (count, max) =>
    max > 0 ? `${count} of ${max} players` : `${count} ${count === 1 ? 'player' : 'players'}`,
  documentTitle: (game) => `Invite to ${game} · Rallypoint`,
  anonymousDocumentTitle: 'Invite · Rallypoint',
  opening: 'Opening Rallypoint…',
  openLink: 'Open in Rallypoint',
  getTitle: 'Get Rallypoint',
  getLead:
    'Rallypoint did not open. If it is not installed yet, install it, then open the invite again.',
  download: {
    windows: 'Download for Windows',
    macos: 'Download for macOS',
    linux: 'Download for Linux',
  },
  otherPlatforms: 'Other platforms:',
  noDownloads: 'Ask the game’s studio where to get Rallypoint.',
  openAgain: 'Open again',
  gone: 'This invite is no longer available',
  goneDetail:
    'It may have expired or been withdrawn, or the link is incomplete. Ask your friend to send a new invite.',
  platformNames: { windows: 'Windows', macos: 'macOS', linux: 'Linux' },
};

const ja: PageText = {
  invitedBy: (sender, game) => `${sender}さんから${game}への招待が届きました`,
  invitedAnonymous: 'ゲームへの招待が届きました',
  anonymousNote: 'Rallypointで招待を開くと、送った人が表示されます。',
  players: (count, max) => (max > 0 ? `プレイヤー ${count}/${max}人` : `プレイヤー ${count}人`),
  documentTitle: (game) => `${game}への招待 · Rallypoint`,
  anonymousDocumentTitle: '招待 · Rallypoint',
  opening: 'Rallypointを開いています…',
  openLink: 'Rallypointで開く',
  getTitle: 'Rallypointを入手',
  getLead:
    'Rallypointが開きませんでした。まだインストールしていない場合は、インストールしてからもう一度招待を開いてください。',
  download: {
    windows: 'Windows版をダウンロード',
    macos: 'macOS版をダウンロード',
    linux: 'Linux版をダウンロード',
  },
  otherPlatforms: 'その他のプラットフォーム：',
  noDownloads: 'Rallypointの入手方法はゲームのスタジオにお問い合わせください。',
  openAgain: 'もう一度開く',
  gone: 'この招待は利用できません',
  goneDetail:
    '期限が切れたか、取り消されたか、リンクが不完全です。新しい招待を送ってもらってください。',
  platformNames: { windows: 'Windows', macos: 'macOS', linux: 'Linux' },
};

/** The catalogue of one language. */
export function pageText(language: PageLanguage): PageText {
  return language === 'ja' ? ja : en;
}
