/**
 * The screen for one invite activation: who invited and to what, the session summary, the five
 * steps with their status, the progress sentence, attempt and retry countdown, the error in player
 * words, and the actions that fit. It is built once per activation and updated in place, so the
 * live regions stay the same nodes (screen readers announce changes, not re-insertions) and a
 * focused button survives every update that keeps it.
 */
import type { JoinView } from '../shared/join-view';
import { startCountdown } from './countdown';
import { el, setText } from './dom';
import { errorText } from './error-text';
import type { TextKey } from './i18n/catalogue';
import type { Translator } from './i18n/translator';
import { joinActions, type JoinAction } from './join-actions';
import { joinSteps, stepStates, type StepStatus } from './join-steps';
import { senderText } from './sender-text';
import { allowedPictureUrl } from '../shared/sender-picture';

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

const progressKey: Readonly<Record<Exclude<JoinView['phase'], 'idle' | 'failed'>, TextKey>> = {
  activating: 'progress.activating',
  writingSession: 'progress.writingSession',
  retrying: 'progress.retrying',
  joining: 'progress.joining',
  joined: 'progress.joined',
};

export class JoinScreen {
  readonly element: HTMLElement;
  private readonly eyebrow = el('p', { className: 'eyebrow' });
  private readonly title = el('h1', {
    className: 'card-title',
    attrs: { id: 'join-title', tabindex: '-1' },
  });
  /**
   * The sender's picture: decorative (`alt=""`), since the title names them. In the page only
   * while main gives a URL the CSP allows, and taken out again if it fails to load.
   */
  private readonly picture = el('img', {
    className: 'sender-picture',
    attrs: { alt: '', width: '56', height: '56', referrerpolicy: 'no-referrer', decoding: 'async' },
  });
  private pictureUrl: string | undefined;
  private readonly header = el(
    'div',
    { className: 'join-header' },
    el('div', {}, this.eyebrow, this.title),
  );
  private readonly summary = el('p', { className: 'session-summary' });
  private readonly steps: HTMLOListElement;
  private readonly stepRows: readonly { item: HTMLLIElement; status: HTMLSpanElement }[];
  private readonly status = el('div', { className: 'status' });
  /** `aria-live="polite"`: the progress sentence. */
  private readonly progress = el('p', {
    className: 'status-line',
    attrs: { 'aria-live': 'polite' },
  });
  private readonly attempt = el('p', { className: 'attempt' });
  private readonly countdown = el('p', { className: 'countdown' });
  /** `role="alert"`: always present, empty until an error appears, so its arrival is announced. */
  private readonly alert = el('div', { className: 'error-region', attrs: { role: 'alert' } });
  private readonly actions = el('div', { className: 'actions' });
  private actionsKey = '';
  private errorKey = '';
  private summaryKey: string | undefined;
  private stopCountdown: (() => void) | undefined;

  constructor(
    private readonly t: Translator,
    private readonly onAction: (action: JoinAction) => void,
    private readonly now: () => number,
  ) {
    // The five rows are built once; updates change only their class and status word.
    this.stepRows = joinSteps.map((step) => {
      const status = el('span', { className: 'step-status' });
      const item = el(
        'li',
        { className: 'step' },
        el('span', { className: 'step-icon', attrs: { 'aria-hidden': 'true' } }),
        el('span', { className: 'step-label' }, t.text(`step.${step}`)),
        status,
      );
      return { item, status };
    });
    this.steps = el(
      'ol',
      { className: 'steps', attrs: { 'aria-label': t.text('join.steps') } },
      ...this.stepRows.map((row) => row.item),
    );
    this.status.append(this.progress, this.attempt, this.countdown);
    this.picture.addEventListener('error', () => this.picture.remove());
    this.element = el(
      'section',
      { className: 'card join', attrs: { 'aria-labelledby': 'join-title' } },
      this.header,
      this.summary,
      this.steps,
      this.status,
      this.alert,
      this.actions,
    );
  }

  /** Draws `view`; returns true when an error newly appeared (the caller then moves focus). */
  update(view: JoinView): boolean {
    const { t } = this;
    const invite = view.invite;
    const className = `card join join-${view.phase}`;
    if (this.element.className !== className) this.element.className = className;
    setText(this.eyebrow, t.text(invite?.kind === 'join' ? 'join.kind.join' : 'join.kind.invite'));
    setText(
      this.title,
      invite ? senderText(t, 'title', invite.kind, invite.from) : t.text('join.title.noInvite'),
    );
    this.drawPicture(allowedPictureUrl(invite?.pictureUrl));
    this.drawSummary(view);
    this.drawSteps(view);
    this.drawStatus(view);
    const errorAppeared = this.drawError(view);
    this.drawActions(view);
    return errorAppeared;
  }

  /** The button to focus when an error appears or focus would otherwise be lost. */
  primaryButton(view: JoinView): HTMLButtonElement | null {
    const { primary } = joinActions(view);
    return primary ? this.actions.querySelector(`[data-action="${primary}"]`) : null;
  }

  dispose(): void {
    this.stopCountdown?.();
    this.stopCountdown = undefined;
  }

  private drawPicture(url: string | undefined): void {
    if (url === this.pictureUrl) return;
    this.pictureUrl = url;
    if (url === undefined) {
      this.picture.remove();
      this.picture.removeAttribute('src');
      return;
    }
    this.picture.src = url;
    if (!this.picture.isConnected) this.header.prepend(this.picture);
  }

  private drawSummary(view: JoinView): void {
    const session = view.session;
    const key = session
      ? `${session.membersCount}/${session.maxMembersCount}/${session.hostGamertag ?? ''}`
      : '';
    if (key === this.summaryKey) return;
    this.summaryKey = key;
    this.summary.hidden = !session;
    if (!session) return this.summary.replaceChildren();
    this.summary.replaceChildren(
      el(
        'span',
        { className: 'chip' },
        this.t.plural('session.players', session.maxMembersCount, {
          count: session.membersCount,
          max: session.maxMembersCount,
        }),
      ),
      ...(session.hostGamertag
        ? [
            el(
              'span',
              { className: 'chip' },
              this.t.text('session.host', { host: session.hostGamertag }),
            ),
          ]
        : []),
    );
  }

  private drawSteps(view: JoinView): void {
    stepStates(view).forEach(({ status }, index) => {
      const row = this.stepRows[index];
      if (!row) return;
      const className = `step step-${status}`;
      if (row.item.className !== className) row.item.className = className;
      if (status === 'inProgress') row.item.setAttribute('aria-current', 'step');
      else row.item.removeAttribute('aria-current');
      setText(
        row.status,
        this.t.text(
          status === 'failed' && view.error?.code === 'cancelled'
            ? 'status.cancelled'
            : statusText[status],
        ),
      );
    });
  }

  private drawStatus(view: JoinView): void {
    const { t } = this;
    const phase = view.phase;
    setText(
      this.progress,
      phase === 'idle' || phase === 'failed' ? '' : t.text(progressKey[phase]),
    );
    const showAttempt = phase === 'retrying' || (phase === 'writingSession' && view.attempt > 1);
    setText(
      this.attempt,
      showAttempt
        ? t.text(phase === 'retrying' ? 'progress.failedAttempt' : 'progress.attempt', {
            attempt: view.attempt,
          })
        : '',
    );
    this.stopCountdown?.();
    this.stopCountdown = undefined;
    const nextRetryAt = view.nextRetryAt;
    this.countdown.hidden = phase !== 'retrying' || nextRetryAt === undefined;
    if (phase === 'retrying' && nextRetryAt !== undefined) {
      this.stopCountdown = startCountdown(
        this.countdown,
        nextRetryAt,
        {
          remaining: (seconds) => t.plural('progress.countdown', seconds),
          due: () => t.text('progress.retryingNow'),
        },
        this.now,
      );
    } else {
      setText(this.countdown, '');
    }
    this.status.hidden = !this.progress.textContent && !showAttempt && this.countdown.hidden;
  }

  private drawError(view: JoinView): boolean {
    const error = view.phase === 'failed' ? view.error : undefined;
    const key = error ? error.code : '';
    if (key === this.errorKey) return false;
    this.errorKey = key;
    if (!error) {
      this.alert.replaceChildren();
      return false;
    }
    const text = errorText(error.code);
    this.alert.replaceChildren(
      el(
        'div',
        { className: 'error-box' },
        el('h2', { className: 'error-title' }, this.t.text(text.title)),
        el('p', { className: 'error-body' }, this.t.text(text.body)),
      ),
    );
    return true;
  }

  private drawActions(view: JoinView): void {
    const { actions, primary } = joinActions(view);
    const key = `${view.phase === 'retrying' ? 'retrying:' : ''}${actions.join(',')}:${primary ?? ''}`;
    if (key === this.actionsKey) return;
    this.actionsKey = key;
    this.actions.replaceChildren(
      ...actions.map((action) =>
        el(
          'button',
          {
            className: `button ${action === primary && action !== 'cancel' ? 'button-primary' : 'button-secondary'}`,
            attrs: { type: 'button', 'data-action': action },
            onClick: () => this.onAction(action),
          },
          this.t.text(
            action === 'retry' && view.phase === 'retrying'
              ? 'action.retryNow'
              : actionText[action],
          ),
        ),
      ),
    );
  }
}
