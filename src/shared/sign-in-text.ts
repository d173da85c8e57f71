/**
 * What the player reads about signing in, in English and Japanese: one sentence and one action
 * per sign-in error, and the few words of the sign-in controls. The renderer's catalogues spread
 * these in (src/renderer/i18n), and the command line prints the English ones, so both say the same.
 * Keys follow the catalogue's `area.name` style; `{gamertag}` is a placeholder.
 */

/** Every sign-in error code (src/main/account/sign-in-error.ts), as the catalogues name them. */
export const signInErrorCodes = [
  'no-xbox-profile',
  'region-unavailable',
  'adult-verification-needed',
  'child-needs-family',
  'xsts-refused',
  'session-expired',
  'not-signed-in',
  'cancelled',
  'code-expired',
  'service-unavailable',
  'malformed-response',
] as const;

export const signInTextEn = {
  'signIn.action.signIn': 'Sign in',
  'signIn.action.signOut': 'Sign out',
  'signIn.action.switchAccount': 'Switch account',
  'signIn.action.cancel': 'Cancel',
  'signIn.signedOut': 'Sign in with your Microsoft account to accept invites.',
  'signIn.inBrowser': 'Continue in your browser. Come back here when you’re done.',
  'signIn.deviceCode': 'Go to {uri} and enter the code {code}.',
  'signIn.signedInAs': 'Signed in as {gamertag}',
  'signIn.inviteWaiting': 'Sign in to accept the invite that just arrived.',
  'signIn.heading': 'Your Xbox account',
  'signIn.signingInTitle': 'Signing in…',
  'signIn.failedTitle': 'Sign-in didn’t work',
  'signIn.account': 'Account',
  'signIn.picker.title': 'Switch account',
  'signIn.picker.cached': 'Accounts signed in on this PC',
  'signIn.picker.none': 'No other account is signed in on this PC yet.',
  'signIn.picker.another': 'Sign in with another account',
  'sender.aFriend': 'a friend',

  'signIn.error.no-xbox-profile': 'This Microsoft account doesn’t have an Xbox profile yet.',
  'signIn.error.no-xbox-profile.action': 'Create one at xbox.com, then sign in again.',
  'signIn.error.region-unavailable':
    'Xbox Live isn’t available in the country or region of this account.',
  'signIn.error.region-unavailable.action': 'Sign in with an account from another region.',
  'signIn.error.adult-verification-needed':
    'This account needs adult verification before it can play online.',
  'signIn.error.adult-verification-needed.action':
    'Complete the verification at xbox.com, then sign in again.',
  'signIn.error.child-needs-family':
    'This is a child account that isn’t part of a Microsoft family yet.',
  'signIn.error.child-needs-family.action':
    'Ask a parent to add you to their family at family.microsoft.com.',
  'signIn.error.xsts-refused': 'Xbox Live didn’t accept this account.',
  'signIn.error.xsts-refused.action': 'Sign in with another account, or try again later.',
  'signIn.error.session-expired': 'You were signed out because your sign-in expired.',
  'signIn.error.session-expired.action': 'Sign in again.',
  'signIn.error.not-signed-in': 'You aren’t signed in.',
  'signIn.error.not-signed-in.action': 'Sign in with your Microsoft account.',
  'signIn.error.cancelled': 'Sign-in was cancelled.',
  'signIn.error.cancelled.action': 'Sign in again when you’re ready.',
  'signIn.error.code-expired': 'The sign-in code expired before it was used.',
  'signIn.error.code-expired.action': 'Start the sign-in again to get a new code.',
  'signIn.error.service-unavailable': 'The sign-in service can’t be reached right now.',
  'signIn.error.service-unavailable.action': 'Check your connection and try again.',
  'signIn.error.malformed-response': 'The sign-in service sent an answer Rallypoint can’t use.',
  'signIn.error.malformed-response.action':
    'Try again later; if it keeps happening, update Rallypoint.',
} as const;

export type SignInTextKey = keyof typeof signInTextEn;

export const signInTextJa: Record<SignInTextKey, string> = {
  'signIn.action.signIn': 'サインイン',
  'signIn.action.signOut': 'サインアウト',
  'signIn.action.switchAccount': 'アカウントを切り替える',
  'signIn.action.cancel': 'キャンセル',
  'signIn.signedOut': '招待を受けるには Microsoft アカウントでサインインしてください。',
  'signIn.inBrowser': 'ブラウザーで続けてください。終わったらここに戻ってください。',
  'signIn.deviceCode': '{uri} を開き、コード {code} を入力してください。',
  'signIn.signedInAs': '{gamertag} としてサインイン中',
  'signIn.inviteWaiting': '届いた招待を受けるにはサインインしてください。',
  'signIn.heading': 'Xbox アカウント',
  'signIn.signingInTitle': 'サインインしています…',
  'signIn.failedTitle': 'サインインできませんでした',
  'signIn.account': 'アカウント',
  'signIn.picker.title': 'アカウントの切り替え',
  'signIn.picker.cached': 'この PC でサインインしたアカウント',
  'signIn.picker.none': 'この PC でサインインしている他のアカウントはまだありません。',
  'signIn.picker.another': '別のアカウントでサインイン',
  'sender.aFriend': 'フレンド',

  'signIn.error.no-xbox-profile':
    'この Microsoft アカウントにはまだ Xbox プロフィールがありません。',
  'signIn.error.no-xbox-profile.action':
    'xbox.com でプロフィールを作成してから、もう一度サインインしてください。',
  'signIn.error.region-unavailable':
    'このアカウントの国または地域では Xbox Live を利用できません。',
  'signIn.error.region-unavailable.action': '別の地域のアカウントでサインインしてください。',
  'signIn.error.adult-verification-needed':
    'このアカウントはオンラインで遊ぶ前に成人認証が必要です。',
  'signIn.error.adult-verification-needed.action':
    'xbox.com で認証を完了してから、もう一度サインインしてください。',
  'signIn.error.child-needs-family':
    'これは Microsoft ファミリーに追加されていない子どものアカウントです。',
  'signIn.error.child-needs-family.action':
    '保護者に family.microsoft.com でファミリーに追加してもらってください。',
  'signIn.error.xsts-refused': 'Xbox Live がこのアカウントを受け付けませんでした。',
  'signIn.error.xsts-refused.action':
    '別のアカウントでサインインするか、しばらくしてから再試行してください。',
  'signIn.error.session-expired': 'サインインの有効期限が切れたため、サインアウトしました。',
  'signIn.error.session-expired.action': 'もう一度サインインしてください。',
  'signIn.error.not-signed-in': 'サインインしていません。',
  'signIn.error.not-signed-in.action': 'Microsoft アカウントでサインインしてください。',
  'signIn.error.cancelled': 'サインインはキャンセルされました。',
  'signIn.error.cancelled.action': '準備ができたらもう一度サインインしてください。',
  'signIn.error.code-expired': 'サインイン コードが使われる前に期限切れになりました。',
  'signIn.error.code-expired.action':
    'もう一度サインインを始めて、新しいコードを受け取ってください。',
  'signIn.error.service-unavailable': '現在サインイン サービスに接続できません。',
  'signIn.error.service-unavailable.action': '接続を確認して、もう一度お試しください。',
  'signIn.error.malformed-response':
    'サインイン サービスから Rallypoint が使えない応答が返されました。',
  'signIn.error.malformed-response.action':
    '後でもう一度お試しください。続く場合は Rallypoint を更新してください。',
};

/** The English sentence and action of a sign-in error, for the command line. */
export function signInErrorTextEn(code: (typeof signInErrorCodes)[number]): {
  readonly text: string;
  readonly action: string;
} {
  return {
    text: signInTextEn[`signIn.error.${code}`],
    action: signInTextEn[`signIn.error.${code}.action`],
  };
}
