/**
 * The window's controller: keeps the latest join view and recent list from main, redraws the
 * home or join screen, runs the retry countdown and manages focus the way a keyboard player
 * expects (the primary action when an error appears, the same button across redraws).
 */
import type { LauncherState, RallypointBridge, RecentInvite } from '../shared/ipc-contract';
import type { JoinView } from '../shared/join-view';
import { startCountdown } from './countdown';
import { el } from './dom';
import { renderHome } from './home-view';
import type { Translator } from './i18n/translator';
import type { JoinAction } from './join-actions';
import { renderJoinPanel, type LiveRegions } from './join-panel';

export class LauncherWindow {
  private view: JoinView;
  private recent: readonly RecentInvite[];
  private readonly devMode: boolean;
  private readonly live: LiveRegions;
  private readonly content: HTMLElement;
  private readonly notice: HTMLElement;
  private stopCountdown: (() => void) | undefined;
  private stopRelativeTimes: (() => void) | undefined;

  constructor(
    root: HTMLElement,
    private readonly bridge: RallypointBridge,
    private readonly t: Translator,
    state: LauncherState,
    private readonly now: () => number = Date.now,
  ) {
    this.view = state.view;
    this.recent = state.recent;
    this.devMode = state.devMode;
    this.live = {
      status: el('p', { className: 'status-line', attrs: { 'aria-live': 'polite' } }),
      alert: el('div', { className: 'error-box is-empty', attrs: { role: 'alert' } }),
    };
    this.notice = el('p', { className: 'notice', attrs: { role: 'status' } });
    this.content = el('main', { className: 'content', attrs: { id: 'content' } });
    root.replaceChildren(
      el(
        'header',
        { className: 'app-header' },
        el('span', { className: 'brand-mark', attrs: { 'aria-hidden': 'true' } }),
        el('span', { className: 'brand-name' }, t.text('app.name')),
      ),
      this.content,
      this.notice,
    );
    this.render(undefined);
  }

  setView(view: JoinView): void {
    const previous = this.view;
    this.view = view;
    this.render(previous);
  }

  setRecent(recent: readonly RecentInvite[]): void {
    this.recent = recent;
    if (this.view.phase === 'idle') this.render(this.view);
  }

  private render(previous: JoinView | undefined): void {
    this.stopCountdown?.();
    this.stopCountdown = undefined;
    this.stopRelativeTimes?.();
    this.stopRelativeTimes = undefined;
    const focusedAction = document.activeElement?.getAttribute('data-action') ?? undefined;
    const focusWasInside = this.content.contains(document.activeElement);

    if (this.view.phase === 'idle') {
      this.live.status.textContent = '';
      this.live.alert.replaceChildren();
      const draw = (): void => {
        this.content.replaceChildren(
          renderHome(this.t, {
            recent: this.recent,
            devMode: this.devMode,
            now: this.now(),
            onTryDemo: () => this.run('tryDemo'),
          }),
        );
      };
      draw();
      // "2 minutes ago" must not go stale while the window stays open.
      const timer = setInterval(() => {
        const keep = document.activeElement?.getAttribute('data-action');
        draw();
        if (keep) this.focusAction(keep);
      }, 30_000);
      this.stopRelativeTimes = () => clearInterval(timer);
      if (previous && previous.phase !== 'idle') this.focusHeading();
      else if (focusedAction) this.focusAction(focusedAction);
      return;
    }

    const panel = renderJoinPanel(this.t, this.view, this.live, (action) => this.run(action));
    this.content.replaceChildren(panel.element);
    const nextRetryAt = this.view.nextRetryAt;
    if (panel.countdown && nextRetryAt !== undefined) {
      const target = panel.countdown;
      this.stopCountdown = startCountdown(
        target,
        nextRetryAt,
        {
          remaining: (seconds) => this.t.plural('progress.countdown', seconds),
          due: () => this.t.text('progress.retryingNow'),
        },
        this.now,
      );
    }

    const errorAppeared =
      this.view.phase === 'failed' &&
      (previous?.phase !== 'failed' || previous.error?.code !== this.view.error?.code);
    if (errorAppeared && panel.primary) panel.primary.focus();
    else if (focusedAction && this.focusAction(focusedAction)) return;
    else if (focusWasInside || previous?.phase === 'idle') {
      if (panel.primary) panel.primary.focus();
      else this.focusHeading();
    }
  }

  private focusAction(action: string): boolean {
    const button = this.content.querySelector<HTMLElement>(`[data-action="${action}"]`);
    button?.focus();
    return button !== null;
  }

  private focusHeading(): void {
    this.content.querySelector<HTMLElement>('h1')?.focus();
  }

  private run(action: JoinAction | 'tryDemo'): void {
    this.notice.textContent = '';
    const calls: Record<JoinAction | 'tryDemo', () => Promise<void>> = {
      retry: () => this.bridge.retry(),
      cancel: () => this.bridge.cancel(),
      switchAccount: () => this.bridge.switchAccount(),
      dismiss: () => this.bridge.dismiss(),
      tryDemo: () => this.bridge.tryDemoInvite(),
    };
    calls[action]().catch((error: unknown) => {
      this.notice.textContent = this.t.text('app.actionFailed');
      this.bridge.log('warn', `window action ${action} failed: ${String(error)}`);
    });
  }
}
