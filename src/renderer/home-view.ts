/**
 * The home screen, shown while no invite is active: recent invites with their outcome, an empty
 * state that explains what will happen, and in development builds a demo invite button.
 */
import type { RecentInvite } from '../shared/ipc-contract';
import { el } from './dom';
import { errorText } from './error-text';
import type { Translator } from './i18n/translator';
import { senderText } from './sender-text';

export interface HomeProps {
  readonly recent: readonly RecentInvite[];
  readonly devMode: boolean;
  readonly now: number;
  readonly onTryDemo: () => void;
}

/** How many recent invites the home screen lists; older ones stay in main's history only. */
const shownRecent = 8;

export function renderHome(t: Translator, props: HomeProps): HTMLElement {
  const list = props.recent.length
    ? el(
        'ul',
        { className: 'recent-list', attrs: { 'aria-labelledby': 'home-title' } },
        ...[...props.recent]
          .sort((a, b) => b.at - a.at)
          .slice(0, shownRecent)
          .map((item) => recentItem(t, item, props.now)),
      )
    : el(
        'div',
        { className: 'empty-state' },
        el('div', { className: 'empty-mark', attrs: { 'aria-hidden': 'true' } }),
        el('h2', { className: 'empty-title' }, t.text('home.empty.title')),
        el('p', { className: 'empty-body' }, t.text('home.empty.body')),
      );

  const dev =
    props.devMode &&
    el(
      'div',
      { className: 'dev-tools' },
      el('span', { className: 'dev-badge' }, t.text('home.devMode')),
      el(
        'button',
        {
          className: 'button button-primary',
          attrs: { type: 'button', 'data-action': 'tryDemo' },
          onClick: props.onTryDemo,
        },
        t.text('home.demo'),
      ),
    );

  return el(
    'section',
    { className: 'card home', attrs: { 'aria-labelledby': 'home-title' } },
    el(
      'h1',
      { className: 'card-title', attrs: { id: 'home-title', tabindex: '-1' } },
      t.text('home.title'),
    ),
    list,
    dev,
  );
}

function recentItem(t: Translator, item: RecentInvite, now: number): HTMLElement {
  const joined = item.outcome === 'joined';
  const outcome = joined ? t.text('outcome.joined') : t.text(errorText(item.outcome).short);
  const at = Number.isFinite(item.at) ? item.at : now;
  return el(
    'li',
    { className: 'recent-item' },
    el(
      'span',
      { className: 'recent-text' },
      el('span', { className: 'recent-from' }, senderText(t, 'recent', item.kind, item.from)),
      el(
        'time',
        { className: 'recent-time', attrs: { datetime: new Date(at).toISOString() } },
        t.relativeTime(at, now),
      ),
    ),
    el('span', { className: `badge ${joined ? 'badge-success' : 'badge-failure'}` }, outcome),
  );
}
