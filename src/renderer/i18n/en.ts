/** English: the source catalogue. Placeholders are `{name}`; numbers are formatted by Intl. */
import type { Plural } from './plural';
import { rosterTextEn } from './roster-text';
import { inviteSendTextEn } from '../../shared/invite-send-text';
import { signInTextEn } from '../../shared/sign-in-text';

export const en = {
  lang: 'en',
  'app.name': 'Rallypoint',
  'app.loading': 'Getting Rallypoint ready…',
  'app.bridgeMissing':
    'This window could not connect to Rallypoint. Close it and open Rallypoint again.',
  'app.actionFailed': 'That didn’t work. Please try again.',

  'home.title': 'Recent invites',
  'home.empty.title': 'No invites yet',
  'home.empty.body':
    'When a friend invites you to play, Rallypoint opens and takes you straight into their game.',
  'home.demo': 'Try a demo invite',
  'home.devMode': 'Developer mode',

  'play.region': 'Play',
  'play.button': 'Play',
  'play.starting.title': 'Starting the game…',
  'play.starting.body': 'Just a moment while the game opens.',
  'play.playing.title': 'Playing',
  'play.playing.body': 'The game is running. When you close it, you’ll be back here.',
  'play.session.host': 'You’re hosting a session.',
  'play.session.member': 'You’re in a friend’s session.',
  'play.players': 'Players',
  'play.member.host': '{name} (host)',
  'play.exit.code': 'The game closed unexpectedly (exit code {code}).',
  'play.exit.signal': 'The game was stopped unexpectedly ({signal}).',
  'play.exit.notFound':
    'The game couldn’t start: its program wasn’t found. Check that it’s installed.',
  'play.exit.notExecutable': 'The game couldn’t start: its program can’t be run.',
  'play.exit.startFailed': 'The game couldn’t start. Try again in a moment.',
  'play.exit.unknown': 'The game closed unexpectedly.',

  'recent.invite': 'Invite from {from}',
  'recent.join': 'From {from}’s profile',
  'recent.inviteFromFriend': 'Invite from a friend',
  'recent.joinFromFriend': 'From a friend’s profile',
  'outcome.joined': 'Joined',

  'join.kind.invite': 'Game invite',
  'join.kind.join': 'Join from profile',
  'join.title.invite': '{from} invited you to play',
  'join.title.join': 'Joining {from}’s game',
  'join.title.inviteFromFriend': 'A friend invited you to play',
  'join.title.joinFromFriend': 'Joining a friend’s game',
  'join.title.noInvite': 'An invite link was opened',
  'join.steps': 'Join progress',

  'step.received': 'Invite received',
  'step.signingIn': 'Signing in',
  'step.joiningSession': 'Joining session',
  'step.startingGame': 'Starting game',
  'step.inGame': 'In game',

  'status.done': 'Done',
  'status.inProgress': 'In progress',
  'status.pending': 'Waiting',
  'status.failed': 'Failed',
  'status.cancelled': 'Stopped',

  'progress.activating': 'Checking the invite and signing you in…',
  'progress.writingSession': 'Saving your spot in the session…',
  'progress.retrying': 'The session service didn’t answer. Trying again shortly…',
  'progress.joining': 'Starting the game…',
  'progress.joined': 'You’re in. Have fun!',
  'progress.attempt': 'Attempt {attempt}',
  'progress.failedAttempt': 'Attempt {attempt} didn’t go through.',
  'progress.retryingNow': 'Trying again now…',
  'progress.countdown': {
    one: 'Next try in {count} second',
    other: 'Next try in {count} seconds',
  },

  'session.players': {
    one: '{count} of {max} player',
    other: '{count} of {max} players',
  },
  'session.host': 'Hosted by {host}',

  'action.retry': 'Try again',
  'action.retryNow': 'Try now',
  'action.cancel': 'Cancel',
  'action.switchAccount': 'Switch account',
  'action.dismiss': 'Dismiss',

  'error.invalid-link.title': 'This invite link doesn’t work',
  'error.invalid-link.body':
    'The link is damaged or incomplete. Ask your friend to send the invite again.',
  'error.invalid-link.short': 'Broken link',
  'error.invite-expired.title': 'This invite has expired',
  'error.invite-expired.body':
    'The game session has ended or the invite is too old. Ask your friend for a new invite.',
  'error.invite-expired.short': 'Expired',
  'error.session-full.title': 'The game is full',
  'error.session-full.body':
    'Every spot in this session is taken. Try again when someone leaves, or ask your friend to invite you to another game.',
  'error.session-full.short': 'Game full',
  'error.not-allowed.title': 'You can’t join this game',
  'error.not-allowed.body':
    'The session is closed to new players, or only people the host allows can join.',
  'error.not-allowed.short': 'Not allowed',
  'error.conflict.title': 'The game changed while you were joining',
  'error.conflict.body':
    'Someone else updated the session at the same moment. Trying again usually fixes this.',
  'error.conflict.short': 'Session changed',
  'error.unauthorized.title': 'Your sign-in has expired',
  'error.unauthorized.body': 'Rallypoint needs you to sign in again before it can join the game.',
  'error.unauthorized.short': 'Signed out',
  'error.wrong-account.title': 'This invite is for a different account',
  'error.wrong-account.body':
    'The invite was sent to another player on this PC. Switch to that account to join.',
  'error.wrong-account.short': 'Wrong account',
  'error.directory-unavailable.title': 'Can’t reach the game service',
  'error.directory-unavailable.body':
    'Check your internet connection, then try again. The service may also be busy for a moment.',
  'error.directory-unavailable.short': 'Service unreachable',
  'error.rate-limited.title': 'Too many tries in a row',
  'error.rate-limited.body':
    'The game service asked us to slow down. Wait a moment, then try again.',
  'error.rate-limited.short': 'Too many tries',
  'error.malformed-response.title': 'The game service sent an answer we couldn’t read',
  'error.malformed-response.body':
    'This is usually temporary. Try again; if it keeps happening, update Rallypoint.',
  'error.malformed-response.short': 'Unreadable answer',
  'error.game-failed.title': 'The game didn’t start',
  'error.game-failed.body':
    'Your spot in the session is saved. Check that the game is installed, then try again.',
  'error.game-failed.short': 'Game didn’t start',
  'error.cancelled.title': 'Joining cancelled',
  'error.cancelled.body': 'You stopped joining. You can try again while the invite is still open.',
  'error.cancelled.short': 'Cancelled',
  'error.unknown.title': 'Something went wrong while joining',
  'error.unknown.body': 'Try again in a moment. If it keeps happening, restart Rallypoint.',
  'error.unknown.short': 'Didn’t join',

  'inbox.title': 'Invites and friends playing',
  'inbox.invite': '{from} invited you',
  'inbox.inviteFromFriend': 'A friend invited you',
  'inbox.join': '{from} is playing',
  'inbox.joinFromFriend': 'A friend is playing',
  'inbox.accept': 'Join',
  'inbox.decline': 'Decline',
  'inbox.empty':
    'No invites right now. When a friend invites you or starts a game you can join, it shows up here.',
  'inbox.failed': 'Rallypoint couldn’t check your invites. It will try again shortly.',
  'inbox.offer.eyebrow': 'Welcome to Rallypoint',
  'inbox.offer.body': 'This invite is waiting for you. Join with one click.',
  // Plural by the session's size: "1 of 16 players", "1 of 1 player".
  'inbox.players': {
    one: '{members} of {count} player',
    other: '{members} of {count} players',
  },

  ...signInTextEn,
  ...rosterTextEn,

  'inviteDialog.open': 'Invite friends',
  'inviteDialog.title': 'Invite friends',
  'inviteDialog.intro': 'Choose friends to invite into your game.',
  'inviteDialog.loading': 'Getting your friends…',
  'inviteDialog.loadFailed': 'Your friends couldn’t be loaded. Close this and try again.',
  'inviteDialog.notInSession': 'Join or host a game first, then invite friends into it.',
  'inviteDialog.empty': 'You don’t follow anyone yet, so there’s nobody to invite.',
  'inviteDialog.search': 'Search friends',
  'inviteDialog.noMatch': 'No friend matches “{query}”.',
  'inviteDialog.friends': 'Friends',
  'inviteDialog.online': 'Online',
  'inviteDialog.offline': 'Offline',
  'inviteDialog.message': 'Message (optional)',
  'inviteDialog.messageHint': 'Shown with the invite. Up to 256 characters.',
  'inviteDialog.sendNone': 'Send invites',
  'inviteDialog.send': {
    one: 'Send {count} invite',
    other: 'Send {count} invites',
  },
  'inviteDialog.sending': 'Sending invites…',
  'inviteDialog.sent': 'Invite sent',
  'inviteDialog.summary': {
    one: '{count} invite sent.',
    other: '{count} invites sent.',
  },
  'inviteDialog.noneSent': 'No invites were sent.',
  'inviteDialog.copyLink': 'Copy invite link',
  'inviteDialog.copyLinkFor': 'Copy invite link for {name}',
  'inviteDialog.linkCopied': 'Invite link for {name} copied.',
  'inviteDialog.close': 'Close',
  'inviteDialog.pickSomeone': 'Choose at least one friend.',

  ...inviteSendTextEn,
} satisfies Record<string, string | Plural>;
