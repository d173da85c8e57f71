/**
 * The roster's words (roster-panel.ts) in English and Japanese, spread into the catalogues so the
 * roster's strings live beside each other rather than among every other screen's.
 */
import type { Plural } from './plural';

export const rosterTextEn = {
  'roster.title': 'Players in this session',
  'roster.seats': {
    one: '{count} of {max} seat taken',
    other: '{count} of {max} seats taken',
  } as Plural,
  'roster.unknownPlayer': 'A player',
  'roster.host': 'Host',
  'roster.you': 'You',
  'roster.reserved': 'Invited',
  'roster.inactive': 'Away',
  'roster.ended': 'This session has ended.',
};

export const rosterTextJa: typeof rosterTextEn = {
  'roster.title': 'このセッションのプレイヤー',
  'roster.seats': { other: '{max} 席中 {count} 席が埋まっています' },
  'roster.unknownPlayer': 'プレイヤー',
  'roster.host': 'ホスト',
  'roster.you': 'あなた',
  'roster.reserved': '招待中',
  'roster.inactive': '離席中',
  'roster.ended': 'このセッションは終了しました。',
};
