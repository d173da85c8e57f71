/**
 * The screen for one invite activation: who invited and to what, the five steps with their
 * status, the session summary, the retry countdown, the error in player words, and the actions
 * that fit. It is rebuilt from the view on every change; the live regions passed in are kept
 * across rebuilds so screen readers announce changes rather than new nodes.
 */
import type { JoinView } from '../shared/join-view';
import { el, setText } from './dom';
import type { TextKey } from './i18n/catalogue';
import type { Translator } from './i18n/translator';
import { joinActions, type JoinAction } from './join-actions';
import { stepStates, type StepStatus } from './join-steps';

export interface LiveRegions {
  /** `aria-live="polite"`: the current progress sentence. */
  readonly status: HTMLElement;
  /** `role="alert"`: the error title and explanation. */
  readonly alert: HTMLElement;
}

export interface JoinPanel {
  readonly element: HTMLElement;
  /** The button that takes focus when an error appears. */
  readonly primary: HTMLButtonElement | undefined;
  /** Where the retry countdown is written, present only while retrying. */
  readonly countdown: HTMLElement | undefined;
}

const actionText: Readonly<Record<JoinAction, TextKey>> = {
  retry: 'action.retry',
  cancel: 'action.cancel',
  switchAccount: 'action.switchAccount',
  dismiss: 'action.dismiss',
};

const statusText: Readonly<Record<StepStatus, TextKey>> = {
  done: 'status.done',
  inProgress: 'status.inProgress',
  pending: 'status.pending',
  failed: 'status.failed',
};

export function renderJoinPanel(
  t: Translator,
  view: JoinView,
  live: LiveRegions,
  onAction: (action: JoinAction) => void,
): JoinPanel {
  const invite = view.invite;
  const title = invite
    ? t.text(invite.kind === 'join' ? 'join.title.join' : 'join.title.invite', {
        from: invite.from,
      })
    : t.text('join.title.noInvite');

  const steps = el(
    'ol',
    { className: 'steps', attrs: { 'aria-label': t.text('join.steps') } },
    ...stepStates(view).map(({ step, status }) =>
      el(
        'li',
        {
          className: `step step-${status}`,
          attrs: status === 'inProgress' ? { 'aria-current': 'step' } : {},
        },
        el('span', { className: 'step-icon', attrs: { 'aria-hidden': 'true' } }),
        el('span', { className: 'step-label' }, t.text(`step.${step}`)),
        el(
          'span',
          { className: 'step-status' },
          t.text(
            status === 'failed' && view.error?.code === 'cancelled'
              ? 'status.cancelled'
              : statusText[status],
          ),
        ),
      ),
    ),
  );

  const session = view.session;
  const summary =
    session &&
    el(
      'p',
      { className: 'session-summary' },
      el(
        'span',
        { className: 'chip' },
        t.plural('session.players', session.maxMembersCount, {
          count: session.membersCount,
          max: session.maxMembersCount,
        }),
      ),
      session.hostGamertag &&
        el('span', { className: 'chip' }, t.text('session.host', { host: session.hostGamertag })),
    );

  setText(live.status, progressSentence(t, view));
  const error = view.phase === 'failed' ? view.error : undefined;
  live.alert.replaceChildren();
  live.alert.classList.toggle('is-empty', !error);
  if (error) {
    live.alert.append(
      el('h2', { className: 'error-title' }, t.text(`error.${error.code}.title`)),
      el('p', { className: 'error-body' }, t.text(`error.${error.code}.body`)),
    );
  }

  const attempt =
    (view.phase === 'retrying' || (view.phase === 'writingSession' && view.attempt > 1)) &&
    el(
      'p',
      { className: 'attempt' },
      t.text(view.phase === 'retrying' ? 'progress.failedAttempt' : 'progress.attempt', {
        attempt: view.attempt,
      }),
    );
  const countdown =
    view.phase === 'retrying' && view.nextRetryAt !== undefined
      ? el('p', { className: 'countdown', attrs: { 'data-testid': 'countdown' } })
      : undefined;

  const { actions, primary } = joinActions(view);
  let primaryButton: HTMLButtonElement | undefined;
  const buttons = actions.map((action) => {
    const button = el(
      'button',
      {
        className: `button ${action === primary && action !== 'cancel' ? 'button-primary' : 'button-secondary'}`,
        attrs: { type: 'button', 'data-action': action },
        onClick: () => onAction(action),
      },
      t.text(
        action === 'retry' && view.phase === 'retrying' ? 'action.retryNow' : actionText[action],
      ),
    );
    if (action === primary) primaryButton = button;
    return button;
  });

  const element = el(
    'section',
    { className: `card join join-${view.phase}`, attrs: { 'aria-labelledby': 'join-title' } },
    el(
      'p',
      { className: 'eyebrow' },
      t.text(invite?.kind === 'join' ? 'join.kind.join' : 'join.kind.invite'),
    ),
    el('h1', { className: 'card-title', attrs: { id: 'join-title', tabindex: '-1' } }, title),
    summary,
    steps,
    el(
      'div',
      { className: `status${live.status.textContent || attempt || countdown ? '' : ' is-empty'}` },
      live.status,
      attempt,
      countdown,
    ),
    live.alert,
    el('div', { className: 'actions' }, ...buttons),
  );
  return { element, primary: primaryButton, countdown };
}

const progressKey: Readonly<Record<Exclude<JoinView['phase'], 'idle' | 'failed'>, TextKey>> = {
  activating: 'progress.activating',
  writingSession: 'progress.writingSession',
  retrying: 'progress.retrying',
  joining: 'progress.joining',
  joined: 'progress.joined',
};

function progressSentence(t: Translator, view: JoinView): string {
  if (view.phase === 'idle' || view.phase === 'failed') return '';
  return t.text(progressKey[view.phase]);
}
