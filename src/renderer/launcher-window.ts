/**
 * The window's controller: keeps the latest join view, recent list and account view from main,
 * shows the home screen or the join screen (with the account panel above it while nobody is
 * signed in, and Switch account when asked), and manages focus the way a keyboard player expects: onto the primary
 * action when an error appears or a join starts, back to the heading when returning home, and
 * never lost when the button that had it goes away.
 */
import type { AccountView } from '../shared/account-view';
import type { LauncherState, RallypointBridge, RecentInvite } from '../shared/ipc-contract';
import type { JoinView } from '../shared/join-view';
import { idlePlayView, type PlayView } from '../shared/play-view';
import { noRosterView, type RosterView } from '../shared/roster-view';
import { renderAccountChip } from './account-chip';
import { renderAccountPicker } from './account-picker';
import { el } from './dom';
import { renderHome } from './home-view';
import { renderInbox } from './inbox-list';
import type { InboxView } from '../shared/inbox-view';
import { InviteDialogView } from './invite-dialog';
import type { Translator } from './i18n/translator';
import type { JoinAction } from './join-actions';
import { JoinScreen } from './join-screen';
import { renderPlayCard } from './play-card';
import { RosterPanel } from './roster-panel';
import { renderSignInPanel } from './sign-in-panel';

/** What the window asks main to do: a join action, the demo, or an account action. */
type WindowAction = JoinAction | 'tryDemo' | 'signIn' | 'cancelSignIn' | 'signOut' | 'play';

/** How often the home screen refreshes "5 minutes ago". */
const relativeTimeRefreshMs = 30_000;

/**
 * How often an open window asks main to read the inbox again, besides when it gains focus. Main
 * throttles on its side too (at most one query per 15 s unless forced), so focus flapping never
 * reaches the directory more often.
 */
const inboxRefreshMs = 60_000;

export class LauncherWindow {
  private view: JoinView;
  private recent: readonly RecentInvite[];
  private readonly devMode: boolean;
  private readonly content: HTMLElement;
  private readonly notice: HTMLElement;
  /** Undefined while the launcher plays a development identity: no account UI at all. */
  private account: AccountView | undefined;
  private pickerOpen = false;
  private readonly accountSlot: HTMLElement;
  private readonly chipSlot: HTMLElement;
  /** The home or the join screen, below the account panel. */
  private readonly screen: HTMLElement;
  private joinScreen: JoinScreen | undefined;
  private roster: RosterView = noRosterView;
  private readonly rosterPanel: RosterPanel;
  /** "Invite friends" while the player is in a session, and the dialog it opens. */
  private readonly inviteSlot: HTMLElement;
  private readonly inviteDialog: InviteDialogView;
  private homeTimer: ReturnType<typeof setInterval> | undefined;
  /** Undefined while the launcher plays a development identity: no inbox at all. */
  private inbox: InboxView | undefined;
  /** Play: the game started with no session (idle when none runs). */
  private play: PlayView;
  /** The Play card's live region, kept across redraws (Starting… → Playing). */
  private readonly playStatus: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly bridge: RallypointBridge,
    private readonly t: Translator,
    state: LauncherState,
    private readonly now: () => number = Date.now,
  ) {
    this.view = state.view;
    this.rosterPanel = new RosterPanel(t);
    this.recent = state.recent;
    this.devMode = state.devMode;
    this.account = state.account;
    this.play = state.play ?? idlePlayView;
    this.roster = state.roster ?? noRosterView;
    this.playStatus = el('p', {
      className: 'play-status',
      attrs: { role: 'status', id: 'play-status', tabindex: '-1' },
    });
    this.notice = el('p', { className: 'notice', attrs: { role: 'status' } });
    this.content = el('main', { className: 'content', attrs: { id: 'content' } });
    this.accountSlot = el('div', { className: 'account-slot' });
    this.chipSlot = el('div', { className: 'chip-slot' });
    this.screen = el('div', { className: 'screen' });
    this.inviteSlot = el('div', { className: 'invite-slot' });
    this.inviteDialog = new InviteDialogView(t, bridge);
    this.inviteDialog.element.addEventListener('close', () => {
      const opener = this.inviteSlot.querySelector<HTMLElement>('button');
      if (opener) opener.focus();
      else this.focusHeading();
    });
    this.content.append(this.accountSlot, this.screen, this.inviteSlot);
    root.replaceChildren(
      el(
        'header',
        { className: 'app-header' },
        el('span', { className: 'brand-mark', attrs: { 'aria-hidden': 'true' } }),
        el('span', { className: 'brand-name' }, t.text('app.name')),
        this.chipSlot,
      ),
      this.content,
      this.notice,
      this.inviteDialog.element,
    );
    this.inbox = state.inbox;
    this.drawAccount(false);
    this.render(false);
    if (this.inbox !== undefined) this.followInbox();
    if (state.inviteDialog !== undefined) this.openInviteDialog();
  }

  /** A new inbox from main: redraws the home; a first-run join card that just appeared gets focus. */
  setInbox(view: InboxView): void {
    const offerBefore = this.inbox?.firstRunOffer?.handleId;
    this.inbox = view;
    if (this.view.phase !== 'idle') return;
    this.drawHome(false);
    const offer = view.firstRunOffer?.handleId;
    if (offer !== undefined && offer !== offerBefore) {
      this.screen.querySelector<HTMLElement>('[data-action="offerAccept"]')?.focus();
    }
  }

  /** Asks main for a fresh inbox when the window gains focus and on a modest timer while open. */
  private followInbox(): void {
    const refresh = () =>
      this.bridge.refreshInbox().catch((error: unknown) => {
        this.bridge.log('warn', `inbox refresh failed: ${String(error)}`);
      });
    window.addEventListener('focus', () => void refresh());
    setInterval(() => void refresh(), inboxRefreshMs);
  }

  /** Shows the invite dialog (the player pressed Invite friends, or the game asked for it). */
  openInviteDialog(): void {
    this.inviteDialog.open();
  }

  /** A new account view from main: redraws the chip and the account panel. */
  setAccount(view: AccountView): void {
    const previous = this.account?.state;
    this.account = view;
    if (view.state !== 'signed-in') this.pickerOpen = false;
    this.drawAccount(previous !== view.state);
  }

  setView(view: JoinView): void {
    // A notice about a refused action is stale once the join has moved on.
    if (view.phase !== this.view.phase) this.notice.textContent = '';
    this.view = view;
    this.render(true);
  }

  /** A new Play view from main: the Play card shows Starting…, Playing, then Play again. */
  setPlay(view: PlayView): void {
    this.play = view;
    if (this.view.phase === 'idle') this.drawHome(false);
    const hadFocus = this.inviteSlot.contains(document.activeElement);
    this.drawInviteButton();
    // Invite friends went away under the focus (the game left its session or ended): focus goes
    // to Play, or to what the Play card says now, never to <body>.
    if (hadFocus && !this.inviteSlot.contains(document.activeElement)) {
      this.focusPlay();
    }
  }

  /** The live roster of the joined session; shown under the join screen while joined. */
  setRoster(view: RosterView): void {
    this.roster = view;
    // The players chip on the join screen follows the roster's count.
    if (this.joinScreen && this.view.phase === 'joined') {
      this.joinScreen.update(liveSessionCount(this.view, this.roster));
    }
    this.drawRoster();
  }

  /** In the page only while joined and main follows a session, beside the join screen. */
  private drawRoster(): void {
    const shown = this.view.phase === 'joined' && this.joinScreen !== undefined;
    const view = shown ? this.roster : noRosterView;
    this.rosterPanel.update(view);
    if (view.state === 'none') this.rosterPanel.element.remove();
    else if (this.rosterPanel.element.parentNode !== this.screen) {
      this.screen.append(this.rosterPanel.element);
    }
  }

  setRecent(recent: readonly RecentInvite[]): void {
    this.recent = recent;
    if (this.view.phase === 'idle') this.drawHome(false);
  }

  private drawAccount(stateChanged: boolean): void {
    const account = this.account;
    const focusWasInside =
      this.accountSlot.contains(document.activeElement) ||
      this.chipSlot.contains(document.activeElement);
    this.chipSlot.replaceChildren(
      account?.state === 'signed-in'
        ? renderAccountChip(this.t, account, {
            onSwitch: () => this.openPicker(),
            onSignOut: () => this.run('signOut'),
          })
        : '',
    );
    let panel: HTMLElement | undefined;
    if (account !== undefined && account.state !== 'signed-in') {
      panel = renderSignInPanel(this.t, account, {
        onSignIn: () => this.run('signIn'),
        onCancel: () => this.run('cancelSignIn'),
      });
    } else if (account?.state === 'signed-in' && this.pickerOpen) {
      panel = renderAccountPicker(this.t, account, {
        onPick: (xuid) => {
          this.closePicker();
          this.call('switchTo', () => this.bridge.switchTo(xuid));
        },
        onSignIn: () => {
          this.closePicker();
          this.run('signIn');
        },
        onClose: () => this.closePicker(),
      });
    }
    this.accountSlot.replaceChildren(panel ?? '');
    // Focus follows the player's account action: onto the new panel's first button (Cancel while
    // signing in, Sign in again after a failure), never lost with the button that had it.
    const focusLost =
      focusWasInside &&
      !this.accountSlot.contains(document.activeElement) &&
      !this.chipSlot.contains(document.activeElement);
    if (panel !== undefined && (focusLost || (stateChanged && account?.state === 'failed'))) {
      panel.querySelector<HTMLElement>('button')?.focus();
    } else if (focusLost) {
      const chipButton = this.chipSlot.querySelector<HTMLElement>('button');
      if (chipButton) chipButton.focus();
      else this.focusHeading();
    }
  }

  private openPicker(): void {
    this.pickerOpen = true;
    this.drawAccount(false);
    this.accountSlot.querySelector<HTMLElement>('h2')?.focus();
  }

  private closePicker(): void {
    this.pickerOpen = false;
    this.drawAccount(false);
    if (!this.accountSlot.contains(document.activeElement)) {
      this.chipSlot.querySelector<HTMLElement>('[data-action="switchAccount"]')?.focus();
    }
  }

  private render(moveFocus: boolean): void {
    this.drawInviteButton();
    if (this.view.phase === 'idle') {
      const wasJoin = this.joinScreen !== undefined;
      this.joinScreen?.dispose();
      this.joinScreen = undefined;
      this.drawHome(moveFocus && wasJoin);
      return;
    }
    this.stopHomeTimer();
    const focusWasInside = this.screen.contains(document.activeElement);
    let screen = this.joinScreen;
    const isNew = screen === undefined;
    if (!screen) {
      screen = new JoinScreen(this.t, (action) => this.run(action), this.now);
      this.joinScreen = screen;
      this.screen.replaceChildren(screen.element);
    }
    const errorAppeared = screen.update(liveSessionCount(this.view, this.roster));
    this.drawRoster();
    const focusLost = focusWasInside && !this.screen.contains(document.activeElement);
    if (errorAppeared || (moveFocus && isNew) || focusLost) {
      const primary = screen.primaryButton(this.view);
      if (primary) primary.focus();
      else this.focusHeading();
    }
  }

  /**
   * Invite friends appears while the player is in a session: the one an invite brought them to,
   * or the one the game Play started is in.
   */
  private drawInviteButton(): void {
    const wanted =
      this.view.phase === 'joined' ||
      (this.play.phase === 'playing' && this.play.session !== undefined);
    const present = this.inviteSlot.firstElementChild !== null;
    if (wanted === present) return;
    this.inviteSlot.replaceChildren(
      wanted
        ? el(
            'button',
            {
              className: 'button button-secondary',
              attrs: { type: 'button', 'data-action': 'inviteFriends', 'aria-haspopup': 'dialog' },
              onClick: () => this.openInviteDialog(),
            },
            this.t.text('inviteDialog.open'),
          )
        : '',
    );
  }

  /** Focus for a Play card that changed under it: Play, else what the card says, else the heading. */
  private focusPlay(): void {
    const play = this.screen.querySelector<HTMLElement>('[data-action="play"]');
    if (play) play.focus();
    else if (!this.playStatus.hidden) this.playStatus.focus();
    else this.focusHeading();
  }

  private drawHome(focusHeading: boolean): void {
    const active = document.activeElement;
    const focused = active?.getAttribute('data-action');
    const focusWasInside = this.screen.contains(active);
    const focusedId = focusWasInside ? active?.id : undefined;
    const inbox = renderInbox(this.t, this.inbox, this.now(), {
      onAccept: (handleId) => this.call('inboxAccept', () => this.bridge.acceptInboxItem(handleId)),
      onDecline: (handleId) => this.call('inboxDecline', () => this.bridge.declineInvite(handleId)),
    });
    this.screen.replaceChildren(
      inbox.offer ?? '',
      renderPlayCard(this.t, {
        view: this.play,
        onPlay: () => this.run('play'),
        status: this.playStatus,
      }),
      inbox.list ?? '',
      renderHome(this.t, {
        recent: this.recent,
        devMode: this.devMode,
        now: this.now(),
        onTryDemo: () => this.run('tryDemo'),
      }),
    );
    if (focusHeading) this.focusHeading();
    else if (focused) this.screen.querySelector<HTMLElement>(`[data-action="${focused}"]`)?.focus();
    else if (focusedId) this.screen.querySelector<HTMLElement>(`#${focusedId}`)?.focus();
    // Play goes away while the game runs and comes back when it ends: focus follows it there,
    // onto what the card says now or the Play button, never onto <body>.
    if (focusWasInside && !this.screen.contains(document.activeElement)) {
      this.focusPlay();
    }
    // "2 minutes ago" must not go stale while the window stays open.
    this.homeTimer ??= setInterval(() => this.drawHome(false), relativeTimeRefreshMs);
  }

  private stopHomeTimer(): void {
    if (this.homeTimer !== undefined) clearInterval(this.homeTimer);
    this.homeTimer = undefined;
  }

  private focusHeading(): void {
    this.screen.querySelector<HTMLElement>('h1')?.focus();
  }

  private run(action: WindowAction): void {
    // With real sign-in, Switch account is the picker of cached accounts and a new sign-in; only
    // a development identity asks main to become the invited account.
    if (action === 'switchAccount' && this.account !== undefined) {
      if (this.account.state === 'signed-in') this.openPicker();
      else this.run('signIn');
      return;
    }
    const calls: Record<WindowAction, () => Promise<void>> = {
      retry: () => this.bridge.retry(),
      cancel: () => this.bridge.cancel(),
      switchAccount: () => this.bridge.switchAccount(),
      dismiss: () => this.bridge.dismiss(),
      tryDemo: () => this.bridge.tryDemoInvite(),
      signIn: () => this.bridge.signIn(),
      cancelSignIn: () => this.bridge.cancelSignIn(),
      signOut: () => this.bridge.signOut(),
      play: () => this.bridge.play(),
    };
    this.call(action, calls[action]);
  }

  private call(action: string, invoke: () => Promise<void>): void {
    this.notice.textContent = '';
    invoke().catch((error: unknown) => {
      this.notice.textContent = this.t.text('app.actionFailed');
      this.bridge.log('warn', `window action ${action} failed: ${String(error)}`);
    });
  }
}

/**
 * The join view with the session's player count taken from the live roster while joined: the
 * count in the view is the one read at join time, the roster follows the session as it changes.
 */
function liveSessionCount(view: JoinView, roster: RosterView): JoinView {
  if (view.phase !== 'joined' || view.session === undefined || roster.state !== 'live') return view;
  return {
    ...view,
    session: { ...view.session, membersCount: roster.seatsUsed, maxMembersCount: roster.seatsMax },
  };
}
