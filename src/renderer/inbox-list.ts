/**
 * The inbox on the home screen: invites sent to the player and friends' games they can join,
 * newest first, each with the sender's picture and name, the invite's context, the players and how
 * long ago, and Join (and Decline for an invite). On the first run after install the newest
 * invite comes first as a join card of its own, so one click joins. Everything shown of another
 * player is text (names and context already passed the player-text rule in main, and
 * `displayName` applies it again); pictures only from the origins the CSP lists.
 */
import type { InboxItem, InboxView } from '../shared/inbox-view';
import { allowedPictureUrl } from '../shared/sender-picture';
import { el } from './dom';
import type { TextKey } from './i18n/catalogue';
import { displayName, type Translator } from './i18n/translator';

export interface InboxActions {
  readonly onAccept: (handleId: string) => void;
  readonly onDecline: (handleId: string) => void;
}

/** The inbox's parts on the home screen; both absent while nobody is signed in. */
export interface InboxParts {
  /** The first run's join card. */
  readonly offer?: HTMLElement;
  readonly list?: HTMLElement;
}

const senderLine: Readonly<Record<InboxItem['kind'], readonly [TextKey, TextKey]>> = {
  invite: ['inbox.invite', 'inbox.inviteFromFriend'],
  join: ['inbox.join', 'inbox.joinFromFriend'],
};

function whoText(t: Translator, item: InboxItem): string {
  const [named, unnamed] = senderLine[item.kind];
  return item.from !== undefined && displayName(item.from).trim() !== ''
    ? t.text(named, { from: item.from })
    : t.text(unnamed);
}

function picture(item: InboxItem, className: string): HTMLElement | false {
  const url = allowedPictureUrl(item.pictureUrl);
  if (url === undefined) return false;
  const image = el('img', { className, attrs: { src: url, alt: '' } });
  image.addEventListener('error', () => image.remove());
  return image;
}

/** "2 of 8 players · 5 minutes ago", or the parts of it that are known. */
function metaText(t: Translator, item: InboxItem, now: number): string {
  const parts: string[] = [];
  if (item.membersCount !== undefined && item.maxMembersCount !== undefined) {
    parts.push(t.plural('inbox.players', item.maxMembersCount, { members: item.membersCount }));
  }
  parts.push(t.relativeTime(Math.min(item.postedAt, now), now));
  return parts.join(' · ');
}

function buttons(
  t: Translator,
  item: InboxItem,
  actions: InboxActions,
  describedBy: string,
  primaryAction: string,
): HTMLElement {
  return el(
    'div',
    { className: 'inbox-actions' },
    el(
      'button',
      {
        className: 'button button-primary',
        attrs: { type: 'button', 'data-action': primaryAction, 'aria-describedby': describedBy },
        onClick: () => actions.onAccept(item.handleId),
      },
      t.text('inbox.accept'),
    ),
    item.kind === 'invite' &&
      el(
        'button',
        {
          className: 'button button-secondary',
          attrs: { type: 'button', 'data-action': 'inboxDecline', 'aria-describedby': describedBy },
          onClick: () => actions.onDecline(item.handleId),
        },
        t.text('inbox.decline'),
      ),
  );
}

function itemRow(t: Translator, item: InboxItem, now: number, actions: InboxActions): HTMLElement {
  const fromId = `inbox-from-${item.handleId}`;
  return el(
    'li',
    { className: 'inbox-item', attrs: { 'data-handle-id': item.handleId, 'data-kind': item.kind } },
    picture(item, 'inbox-picture'),
    el(
      'span',
      { className: 'inbox-text' },
      el('span', { className: 'inbox-from', attrs: { id: fromId } }, whoText(t, item)),
      item.context !== undefined &&
        el('span', { className: 'inbox-context' }, displayName(item.context)),
      el('span', { className: 'inbox-meta' }, metaText(t, item, now)),
    ),
    buttons(t, item, actions, fromId, 'inboxAccept'),
  );
}

function offerCard(
  t: Translator,
  item: InboxItem,
  now: number,
  actions: InboxActions,
): HTMLElement {
  return el(
    'section',
    {
      className: 'card join-offer',
      attrs: { 'aria-labelledby': 'join-offer-title', 'data-handle-id': item.handleId },
    },
    el('p', { className: 'eyebrow' }, t.text('inbox.offer.eyebrow')),
    el(
      'div',
      { className: 'join-offer-head' },
      picture(item, 'sender-picture'),
      el('h2', { className: 'card-title', attrs: { id: 'join-offer-title' } }, whoText(t, item)),
    ),
    item.context !== undefined &&
      el('p', { className: 'inbox-context' }, displayName(item.context)),
    el('p', { className: 'inbox-meta' }, metaText(t, item, now)),
    el('p', { className: 'join-offer-body' }, t.text('inbox.offer.body')),
    buttons(t, item, actions, 'join-offer-title', 'offerAccept'),
  );
}

/** Draws the inbox for the home screen; nothing while signed out or before main sent one. */
export function renderInbox(
  t: Translator,
  view: InboxView | undefined,
  now: number,
  actions: InboxActions,
): InboxParts {
  if (view === undefined || view.state === 'signed-out') return {};
  const offer = view.firstRunOffer;
  const items = view.items.filter((item) => item.handleId !== offer?.handleId);
  let body: HTMLElement;
  if (items.length > 0) {
    body = el(
      'ul',
      { className: 'inbox-list', attrs: { 'aria-labelledby': 'inbox-title' } },
      ...items.map((item) => itemRow(t, item, now, actions)),
    );
  } else if (view.state === 'failed') {
    body = el('p', { className: 'inbox-note' }, t.text('inbox.failed'));
  } else {
    body = el(
      'p',
      { className: 'inbox-note' },
      view.state === 'loading' ? '' : t.text('inbox.empty'),
    );
  }
  const list = el(
    'section',
    {
      className: 'card inbox',
      attrs: { 'aria-labelledby': 'inbox-title', 'aria-busy': String(view.state === 'loading') },
    },
    el('h2', { className: 'card-title', attrs: { id: 'inbox-title' } }, t.text('inbox.title')),
    items.length > 0 && view.state === 'failed'
      ? el('p', { className: 'inbox-note' }, t.text('inbox.failed'))
      : false,
    body,
  );
  return { ...(offer === undefined ? {} : { offer: offerCard(t, offer, now, actions) }), list };
}
