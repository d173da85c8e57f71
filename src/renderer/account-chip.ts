/**
 * The signed-in account in the window's header: picture (or the gamertag's initial), gamertag,
 * and the two things a player does with it, Switch account and Sign out.
 */
import type { AccountView } from '../shared/account-view';
import { el } from './dom';
import { displayName, type Translator } from './i18n/translator';

export type SignedInView = Extract<AccountView, { state: 'signed-in' }>;

export interface AccountChipActions {
  readonly onSwitch: () => void;
  readonly onSignOut: () => void;
}

/** The picture of an account, or its initial on a coloured disc when there is none. */
export function accountAvatar(gamertag: string, picture: string | undefined): HTMLElement {
  // Only a data: URL (main fetched the picture): the window's CSP allows no remote image.
  if (picture !== undefined && picture.startsWith('data:image/')) {
    return el('img', { className: 'avatar', attrs: { src: picture, alt: '' } });
  }
  const initial = [...displayName(gamertag).trim()][0]?.toUpperCase() ?? '?';
  return el(
    'span',
    { className: 'avatar avatar-initial', attrs: { 'aria-hidden': 'true' } },
    initial,
  );
}

export function renderAccountChip(
  t: Translator,
  view: SignedInView,
  actions: AccountChipActions,
): HTMLElement {
  const button = (action: 'switchAccount' | 'signOut') =>
    el(
      'button',
      {
        className: 'button button-quiet',
        attrs: { type: 'button', 'data-action': action },
        onClick: action === 'switchAccount' ? actions.onSwitch : actions.onSignOut,
      },
      t.text(action === 'switchAccount' ? 'signIn.action.switchAccount' : 'signIn.action.signOut'),
    );
  return el(
    'section',
    {
      className: 'account-chip',
      attrs: { 'aria-label': t.text('signIn.account'), 'data-account-state': 'signed-in' },
    },
    accountAvatar(view.gamertag, view.picture),
    el(
      'span',
      {
        className: 'account-name',
        attrs: { title: t.text('signIn.signedInAs', { gamertag: view.gamertag }) },
      },
      displayName(view.gamertag),
    ),
    button('switchAccount'),
    button('signOut'),
  );
}
