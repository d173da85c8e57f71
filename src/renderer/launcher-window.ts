/**
 * The window's controller: keeps the latest join view and recent list from main, shows the home
 * screen or the join screen, and manages focus the way a keyboard player expects: onto the primary
 * action when an error appears or a join starts, back to the heading when returning home, and
 * never lost when the button that had it goes away.
 */
import type { LauncherState, RallypointBridge, RecentInvite } from '../shared/ipc-contract';
import type { JoinView } from '../shared/join-view';
import { el } from './dom';
import { renderHome } from './home-view';
import type { Translator } from './i18n/translator';
import type { JoinAction } from './join-actions';
import { JoinScreen } from './join-screen';

/** How often the home screen refreshes "5 minutes ago". */
const relativeTimeRefreshMs = 30_000;

export class LauncherWindow {
  private view: JoinView;
  private recent: readonly RecentInvite[];
  private readonly devMode: boolean;
  private readonly content: HTMLElement;
  private readonly notice: HTMLElement;
  private joinScreen: JoinScreen | undefined;
  private homeTimer: ReturnType<typeof setInterval> | undefined;

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
    this.render(false);
  }

  setView(view: JoinView): void {
    // A notice about a refused action is stale once the join has moved on.
    if (view.phase !== this.view.phase) this.notice.textContent = '';
    this.view = view;
    this.render(true);
  }

  setRecent(recent: readonly RecentInvite[]): void {
    this.recent = recent;
    if (this.view.phase === 'idle') this.drawHome(false);
  }

  private render(moveFocus: boolean): void {
    if (this.view.phase === 'idle') {
      const wasJoin = this.joinScreen !== undefined;
      this.joinScreen?.dispose();
      this.joinScreen = undefined;
      this.drawHome(moveFocus && wasJoin);
      return;
    }
    this.stopHomeTimer();
    const focusWasInside = this.content.contains(document.activeElement);
    let screen = this.joinScreen;
    const isNew = screen === undefined;
    if (!screen) {
      screen = new JoinScreen(this.t, (action) => this.run(action), this.now);
      this.joinScreen = screen;
      this.content.replaceChildren(screen.element);
    }
    const errorAppeared = screen.update(this.view);
    const focusLost = focusWasInside && !this.content.contains(document.activeElement);
    if (errorAppeared || (moveFocus && isNew) || focusLost) {
      const primary = screen.primaryButton(this.view);
      if (primary) primary.focus();
      else this.focusHeading();
    }
  }

  private drawHome(focusHeading: boolean): void {
    const focused = document.activeElement?.getAttribute('data-action');
    this.content.replaceChildren(
      renderHome(this.t, {
        recent: this.recent,
        devMode: this.devMode,
        now: this.now(),
        onTryDemo: () => this.run('tryDemo'),
      }),
    );
    if (focusHeading) this.focusHeading();
    else if (focused)
      this.content.querySelector<HTMLElement>(`[data-action="${focused}"]`)?.focus();
    // "2 minutes ago" must not go stale while the window stays open.
    this.homeTimer ??= setInterval(() => this.drawHome(false), relativeTimeRefreshMs);
  }

  private stopHomeTimer(): void {
    if (this.homeTimer !== undefined) clearInterval(this.homeTimer);
    this.homeTimer = undefined;
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
