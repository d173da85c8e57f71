/**
 * The account panel of a window nobody is signed in to: Sign in (signed out), "Continue in your
 * browser" with Cancel (signing in), or the sign-in error in one sentence and one action with Sign
 * in again (failed). When an invite arrived meanwhile it says so: the invite waits for sign-in.
 */
import type { AccountView } from '../shared/account-view';
import { signInErrorCodes } from '../shared/sign-in-text';
import { el } from './dom';
import type { TextKey } from './i18n/catalogue';
import type { Translator } from './i18n/translator';

/** Every account state but signed in. */
export type SignedOutView = Exclude<AccountView, { state: 'signed-in' }>;

export interface SignInPanelActions {
  readonly onSignIn: () => void;
  readonly onCancel: () => void;
}

/** The sentence and action keys of a failure; a code from a newer main reads as a sentence too. */
function signInErrorKeys(code: string): {
  readonly text: TextKey;
  readonly action: TextKey;
} {
  const known = (signInErrorCodes as readonly string[]).includes(code)
    ? (code as (typeof signInErrorCodes)[number])
    : 'malformed-response';
  return { text: `signIn.error.${known}`, action: `signIn.error.${known}.action` };
}

export function renderSignInPanel(
  t: Translator,
  view: SignedOutView,
  actions: SignInPanelActions,
): HTMLElement {
  const button = (action: 'signIn' | 'cancelSignIn', primary: boolean) =>
    el(
      'button',
      {
        className: `button ${primary ? 'button-primary' : 'button-secondary'}`,
        attrs: { type: 'button', 'data-action': action },
        onClick: action === 'signIn' ? actions.onSignIn : actions.onCancel,
      },
      t.text(action === 'signIn' ? 'signIn.action.signIn' : 'signIn.action.cancel'),
    );
  const waiting =
    view.inviteWaiting && el('p', { className: 'sign-in-waiting' }, t.text('signIn.inviteWaiting'));

  let body: HTMLElement[];
  if (view.state === 'signing-in') {
    body = [
      el(
        'p',
        { className: 'sign-in-text', attrs: { role: 'status' } },
        el('span', { className: 'sign-in-spinner', attrs: { 'aria-hidden': 'true' } }),
        t.text('signIn.inBrowser'),
      ),
      el('div', { className: 'actions' }, button('cancelSignIn', true)),
    ];
  } else if (view.state === 'failed') {
    const keys = signInErrorKeys(view.code);
    body = [
      el(
        'div',
        { className: 'error-box', attrs: { role: 'alert' } },
        el('p', { className: 'error-title' }, t.text('signIn.failedTitle')),
        el('p', { className: 'error-body' }, t.text(keys.text)),
        el('p', { className: 'error-body error-action' }, t.text(keys.action)),
      ),
      el('div', { className: 'actions' }, button('signIn', true)),
    ];
  } else {
    body = [
      el('p', { className: 'sign-in-text' }, t.text('signIn.signedOut')),
      el('div', { className: 'actions' }, button('signIn', true)),
    ];
  }
  return el(
    'section',
    {
      className: `card sign-in sign-in-${view.state}`,
      attrs: { 'aria-labelledby': 'sign-in-title', 'data-account-state': view.state },
    },
    el(
      'h2',
      { className: 'sign-in-title', attrs: { id: 'sign-in-title', tabindex: '-1' } },
      t.text(view.state === 'signing-in' ? 'signIn.signingInTitle' : 'signIn.heading'),
    ),
    waiting,
    ...body,
  );
}
