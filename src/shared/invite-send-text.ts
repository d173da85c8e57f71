/**
 * What the player reads when sending invites (or hosting a session to invite into) goes wrong,
 * in English and Japanese: one sentence per failure code. The command line prints the English
 * ones; the window's invite dialog spreads these into its catalogues, so both say the same.
 * `{name}` is the friend's gamertag (or XUID when the launcher does not know it).
 */

/** Every way one invite (or the hosting it needs) can fail, as main and the game channel name them. */
export const inviteErrorCodes = [
  'not-signed-in',
  'not-in-session',
  'session-full',
  'not-allowed',
  'rate-limited',
  'unknown-player',
  'already-in-session',
  'directory-unavailable',
  'unauthorized',
  'malformed-response',
] as const;

export type InviteErrorCode = (typeof inviteErrorCodes)[number];

/** English sentences per failure code; the window's catalogue spreads them in. */
export const inviteSendTextEn: Readonly<Record<`invite.error.${InviteErrorCode}`, string>> = {
  'invite.error.not-signed-in': 'Sign in to invite friends.',
  'invite.error.not-in-session':
    'You’re not in a game session, so there’s nothing to invite {name} to.',
  'invite.error.session-full': 'The game is full, so {name} can’t be invited right now.',
  'invite.error.not-allowed': 'This game doesn’t let {name} join.',
  'invite.error.rate-limited':
    'You’ve sent a lot of invites. Wait a moment, then invite {name} again.',
  'invite.error.unknown-player': 'There’s no friend called {name}.',
  'invite.error.already-in-session': '{name} is already in your game.',
  'invite.error.directory-unavailable':
    'The invite to {name} couldn’t be sent. Check your connection and try again.',
  'invite.error.unauthorized': 'Your sign-in expired. Sign in again to invite {name}.',
  'invite.error.malformed-response':
    'The invite to {name} couldn’t be sent because Xbox Live answered something unexpected.',
};

/** Japanese sentences per failure code; the window's catalogue spreads them in. */
export const inviteSendTextJa: Readonly<Record<`invite.error.${InviteErrorCode}`, string>> = {
  'invite.error.not-signed-in': 'フレンドを招待するにはサインインしてください。',
  'invite.error.not-in-session':
    'ゲームのセッションに参加していないため、{name} さんを招待できません。',
  'invite.error.session-full': 'ゲームが満員のため、今は {name} さんを招待できません。',
  'invite.error.not-allowed': 'このゲームには {name} さんは参加できません。',
  'invite.error.rate-limited':
    '招待を送りすぎました。しばらく待ってから {name} さんをもう一度招待してください。',
  'invite.error.unknown-player': '{name} というフレンドは見つかりません。',
  'invite.error.already-in-session': '{name} さんはすでにゲームに参加しています。',
  'invite.error.directory-unavailable':
    '{name} さんへの招待を送れませんでした。接続を確認してもう一度お試しください。',
  'invite.error.unauthorized':
    'サインインの有効期限が切れました。もう一度サインインして {name} さんを招待してください。',
  'invite.error.malformed-response':
    'Xbox Live から予期しない応答があったため、{name} さんへの招待を送れませんでした。',
};

/** The English sentence for a failure, with the friend's name filled in. */
export function inviteErrorText(
  code: InviteErrorCode,
  name: string,
  locale: 'en' | 'ja' = 'en',
): string {
  const table = locale === 'ja' ? inviteSendTextJa : inviteSendTextEn;
  return table[`invite.error.${code}`].replaceAll('{name}', name);
}
