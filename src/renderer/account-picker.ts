/**
 * Switch account: the other accounts signed in on this PC, and a new sign-in. Opened from the
 * account chip and from the join screen's wrong-account error; it lists only what main cached,
 * so the window never offers (or signs in as) the account an invite link names.
 */
import { el } from './dom';
import { accountAvatar, type SignedInView } from './account-chip';
import { displayName, type Translator } from './i18n/translator';

export interface AccountPickerActions {
  readonly onPick: (xuid: string) => void;
  readonly onSignIn: () => void;
  readonly onClose: () => void;
}

export function renderAccountPicker(
  t: Translator,
  view: SignedInView,
  actions: AccountPickerActions,
): HTMLElement {
  const cached = view.others.length
    ? el(
        'ul',
        { className: 'picker-list', attrs: { 'aria-labelledby': 'picker-cached' } },
        ...view.others.map((other) =>
          el(
            'li',
            {},
            el(
              'button',
              {
                className: 'picker-account',
                attrs: { type: 'button', 'data-action': 'switchTo', 'data-xuid': other.xuid },
                onClick: () => actions.onPick(other.xuid),
              },
              accountAvatar(other.gamertag, undefined),
              el('span', { className: 'account-name' }, displayName(other.gamertag)),
            ),
          ),
        ),
      )
    : el('p', { className: 'sign-in-text' }, t.text('signIn.picker.none'));
  return el(
    'section',
    {
      className: 'card account-picker',
      attrs: { 'aria-labelledby': 'picker-title', 'data-account-state': 'picker' },
    },
    el(
      'h2',
      { className: 'sign-in-title', attrs: { id: 'picker-title', tabindex: '-1' } },
      t.text('signIn.picker.title'),
    ),
    el(
      'p',
      { className: 'picker-caption', attrs: { id: 'picker-cached' } },
      t.text('signIn.picker.cached'),
    ),
    cached,
    el(
      'div',
      { className: 'actions' },
      el(
        'button',
        {
          className: 'button button-primary',
          attrs: { type: 'button', 'data-action': 'signInAnother' },
          onClick: actions.onSignIn,
        },
        t.text('signIn.picker.another'),
      ),
      el(
        'button',
        {
          className: 'button button-secondary',
          attrs: { type: 'button', 'data-action': 'closePicker' },
          onClick: actions.onClose,
        },
        t.text('signIn.action.cancel'),
      ),
    ),
  );
}
