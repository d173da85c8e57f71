/** Japanese. Typed as `Catalogue`, so a missing or extra key is a compile error. */
import type { Catalogue } from './catalogue';
import { rosterTextJa } from './roster-text';
import { inviteSendTextJa } from '../../shared/invite-send-text';
import { signInTextJa } from '../../shared/sign-in-text';

export const ja: Catalogue = {
  lang: 'ja',
  'app.name': 'Rallypoint',
  'app.loading': 'Rallypoint を準備しています…',
  'app.bridgeMissing':
    'このウィンドウは Rallypoint に接続できませんでした。閉じてから Rallypoint をもう一度開いてください。',
  'app.actionFailed': 'うまくいきませんでした。もう一度お試しください。',

  'home.title': '最近の招待',
  'home.empty.title': '招待はまだありません',
  'home.empty.body':
    'フレンドからゲームに招待されると、Rallypoint が開いてそのままフレンドのゲームに参加できます。',
  'home.demo': 'デモ招待を試す',
  'home.devMode': '開発者モード',

  'play.region': 'プレイ',
  'play.button': 'プレイ',
  'play.starting.title': 'ゲームを起動しています…',
  'play.starting.body': 'ゲームが開くまで少しお待ちください。',
  'play.playing.title': 'プレイ中',
  'play.playing.body': 'ゲームを実行中です。ゲームを閉じるとここに戻ります。',
  'play.session.host': 'セッションをホストしています。',
  'play.session.member': 'フレンドのセッションに参加しています。',
  'play.players': 'プレイヤー',
  'play.member.host': '{name}（ホスト）',
  'play.exit.code': 'ゲームが予期せず終了しました（終了コード {code}）。',
  'play.exit.signal': 'ゲームが予期せず停止しました（{signal}）。',
  'play.exit.notFound':
    'ゲームを起動できませんでした。プログラムが見つかりません。インストールされているか確認してください。',
  'play.exit.notExecutable': 'ゲームを起動できませんでした。プログラムを実行できません。',
  'play.exit.startFailed': 'ゲームを起動できませんでした。少し待ってからもう一度お試しください。',
  'play.exit.unknown': 'ゲームが予期せず終了しました。',

  'recent.invite': '{from} さんからの招待',
  'recent.join': '{from} さんのプロフィールから',
  'recent.inviteFromFriend': 'フレンドからの招待',
  'recent.joinFromFriend': 'フレンドのプロフィールから',
  'outcome.joined': '参加済み',

  'join.kind.invite': 'ゲームへの招待',
  'join.kind.join': 'プロフィールから参加',
  'join.title.invite': '{from} さんがあなたをゲームに招待しました',
  'join.title.join': '{from} さんのゲームに参加しています',
  'join.title.inviteFromFriend': 'フレンドがあなたをゲームに招待しました',
  'join.title.joinFromFriend': 'フレンドのゲームに参加しています',
  'join.title.noInvite': '招待リンクが開かれました',
  'join.steps': '参加の進行状況',

  'step.received': '招待を受信',
  'step.signingIn': 'サインイン',
  'step.joiningSession': 'セッションに参加',
  'step.startingGame': 'ゲームを起動',
  'step.inGame': 'プレイ中',

  'status.done': '完了',
  'status.inProgress': '処理中',
  'status.pending': '待機中',
  'status.failed': '失敗',
  'status.cancelled': '中止',

  'progress.activating': '招待を確認してサインインしています…',
  'progress.writingSession': 'セッションにあなたの枠を確保しています…',
  'progress.retrying': 'セッションサービスから応答がありません。まもなく再試行します…',
  'progress.joining': 'ゲームを起動しています…',
  'progress.joined': '参加しました。楽しんでください！',
  'progress.attempt': '{attempt} 回目の試行',
  'progress.failedAttempt': '{attempt} 回目の試行は完了しませんでした。',
  'progress.retryingNow': '再試行しています…',
  'progress.countdown': { other: 'あと {count} 秒で再試行' },

  'session.players': { other: 'プレイヤー {count} / {max} 人' },
  'session.host': 'ホスト: {host}',

  'action.retry': '再試行',
  'action.retryNow': '今すぐ再試行',
  'action.cancel': 'キャンセル',
  'action.switchAccount': 'アカウントを切り替える',
  'action.dismiss': '閉じる',

  'error.invalid-link.title': 'この招待リンクは使えません',
  'error.invalid-link.body':
    'リンクが壊れているか、一部が欠けています。フレンドにもう一度招待を送ってもらってください。',
  'error.invalid-link.short': '無効なリンク',
  'error.invite-expired.title': 'この招待は期限切れです',
  'error.invite-expired.body':
    'ゲームセッションが終了したか、招待が古くなっています。フレンドに新しい招待を頼んでください。',
  'error.invite-expired.short': '期限切れ',
  'error.session-full.title': 'このゲームは満員です',
  'error.session-full.body':
    'セッションの枠がすべて埋まっています。誰かが抜けたら再試行するか、別のゲームに招待してもらってください。',
  'error.session-full.short': '満員',
  'error.not-allowed.title': 'このゲームには参加できません',
  'error.not-allowed.body':
    'セッションが新しいプレイヤーを受け付けていないか、ホストが許可した人だけが参加できます。',
  'error.not-allowed.short': '参加不可',
  'error.conflict.title': '参加中にゲームの状態が変わりました',
  'error.conflict.body':
    '同じタイミングで別の人がセッションを更新しました。たいていは再試行で解決します。',
  'error.conflict.short': 'セッション変更',
  'error.unauthorized.title': 'サインインの有効期限が切れました',
  'error.unauthorized.body': 'ゲームに参加するには、もう一度サインインする必要があります。',
  'error.unauthorized.short': 'サインアウト',
  'error.wrong-account.title': 'この招待は別のアカウント宛てです',
  'error.wrong-account.body':
    'この招待はこの PC の別のプレイヤーに送られました。そのアカウントに切り替えると参加できます。',
  'error.wrong-account.short': '別のアカウント',
  'error.directory-unavailable.title': 'ゲームサービスに接続できません',
  'error.directory-unavailable.body':
    'インターネット接続を確認してから再試行してください。サービスが一時的に混み合っている可能性もあります。',
  'error.directory-unavailable.short': '接続できません',
  'error.rate-limited.title': '短時間に試行が多すぎます',
  'error.rate-limited.body':
    'ゲームサービスから間隔をあけるよう求められました。少し待ってから再試行してください。',
  'error.rate-limited.short': '試行回数超過',
  'error.malformed-response.title': 'ゲームサービスの応答を読み取れませんでした',
  'error.malformed-response.body':
    '通常は一時的な問題です。再試行しても続く場合は Rallypoint を更新してください。',
  'error.malformed-response.short': '読み取り不可',
  'error.game-failed.title': 'ゲームが起動しませんでした',
  'error.game-failed.body':
    'セッションの枠は確保されています。ゲームがインストールされているか確認してから再試行してください。',
  'error.game-failed.short': '起動失敗',
  'error.cancelled.title': '参加をキャンセルしました',
  'error.cancelled.body': '参加を中止しました。招待が有効なあいだは再試行できます。',
  'error.cancelled.short': 'キャンセル済み',
  'error.unknown.title': '参加中に問題が発生しました',
  'error.unknown.body':
    'しばらくしてから再試行してください。繰り返し起こる場合は Rallypoint を再起動してください。',
  'error.unknown.short': '参加できず',

  'inbox.title': '招待とプレイ中のフレンド',
  'inbox.invite': '{from} さんから招待が届いています',
  'inbox.inviteFromFriend': 'フレンドから招待が届いています',
  'inbox.join': '{from} さんがプレイ中です',
  'inbox.joinFromFriend': 'フレンドがプレイ中です',
  'inbox.accept': '参加する',
  'inbox.decline': '断る',
  'inbox.empty':
    '今は招待がありません。フレンドから招待されたり、参加できるゲームをフレンドが始めたりすると、ここに表示されます。',
  'inbox.failed': '招待を確認できませんでした。まもなくもう一度確認します。',
  'inbox.offer.eyebrow': 'Rallypoint へようこそ',
  'inbox.offer.body': 'この招待があなたを待っています。ワンクリックで参加できます。',
  'inbox.players': { other: 'プレイヤー {members} / {count} 人' },

  ...signInTextJa,
  ...rosterTextJa,

  'inviteDialog.open': 'フレンドを招待',
  'inviteDialog.title': 'フレンドを招待',
  'inviteDialog.intro': 'ゲームに招待するフレンドを選んでください。',
  'inviteDialog.loading': 'フレンドを読み込んでいます…',
  'inviteDialog.loadFailed':
    'フレンドを読み込めませんでした。いったん閉じてからもう一度お試しください。',
  'inviteDialog.notInSession':
    '先にゲームに参加するかゲームをホストしてから、フレンドを招待してください。',
  'inviteDialog.empty': 'まだ誰もフォローしていないため、招待できるフレンドがいません。',
  'inviteDialog.search': 'フレンドを検索',
  'inviteDialog.noMatch': '「{query}」に一致するフレンドはいません。',
  'inviteDialog.friends': 'フレンド',
  'inviteDialog.online': 'オンライン',
  'inviteDialog.offline': 'オフライン',
  'inviteDialog.message': 'メッセージ（任意）',
  'inviteDialog.messageHint': '招待と一緒に表示されます。256 文字まで。',
  'inviteDialog.sendNone': '招待を送信',
  'inviteDialog.send': {
    other: '{count} 件の招待を送信',
  },
  'inviteDialog.sending': '招待を送信しています…',
  'inviteDialog.sent': '招待を送信しました',
  'inviteDialog.summary': {
    other: '{count} 件の招待を送信しました。',
  },
  'inviteDialog.noneSent': '招待は送信されませんでした。',
  'inviteDialog.copyLink': '招待リンクをコピー',
  'inviteDialog.copyLinkFor': '{name} さんの招待リンクをコピー',
  'inviteDialog.linkCopied': '{name} さんの招待リンクをコピーしました。',
  'inviteDialog.close': '閉じる',
  'inviteDialog.pickSomeone': 'フレンドを 1 人以上選んでください。',

  ...inviteSendTextJa,
};
