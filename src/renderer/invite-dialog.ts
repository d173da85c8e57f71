/**
 * The invite dialog: a native modal `<dialog>` (the page behind it is inert, so focus stays inside;
 * Escape closes it; it is labelled by its heading) listing the player's friends with pictures and
 * online state, a search box that filters them, one checkbox per friend, an optional message, and
 * Send. After sending, each friend's row says "Invite sent" (with Copy invite link) or, in the
 * player's words, why not. Names are another player's text: shown only as text, through
 * `displayName` (src/shared/player-text.ts's rule).
 */
import type {
  InviteDialogFriends,
  InviteFriendView,
  InviteSendOutcomeView,
} from '../shared/invite-dialog-view';
import { maxInviteMessageLength } from '../shared/invite-dialog-view';
import type { RallypointBridge } from '../shared/ipc-contract';
import { stripUnsafePlayerText } from '../shared/player-text';
import { el, setText } from './dom';
import { displayName, type Translator } from './i18n/translator';

type DialogBridge = Pick<
  RallypointBridge,
  'inviteFriends' | 'sendInvites' | 'copyInviteLink' | 'inviteDialogClosed' | 'log'
>;

/** One friend's row and the controls in it. */
interface FriendRow {
  readonly friend: InviteFriendView;
  readonly name: string;
  readonly item: HTMLLIElement;
  readonly checkbox: HTMLInputElement;
  readonly outcome: HTMLElement;
}

/** Online friends first, then offline, then those whose state is unknown; stable within each. */
function presenceRank(friend: InviteFriendView): number {
  return friend.online === true ? 0 : friend.online === false ? 1 : 2;
}

export class InviteDialogView {
  readonly element: HTMLDialogElement;
  private readonly status: HTMLElement;
  private readonly body: HTMLElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly message: HTMLInputElement;
  private rows: FriendRow[] = [];
  private sending = false;
  /** Bumped on every open, so an answer for an earlier opening is ignored. */
  private generation = 0;

  constructor(
    private readonly t: Translator,
    private readonly bridge: DialogBridge,
  ) {
    this.status = el('p', {
      className: 'invite-status',
      attrs: { role: 'status', id: 'invite-dialog-status' },
    });
    this.body = el('div', { className: 'invite-body' });
    this.message = el('input', {
      className: 'invite-input',
      attrs: {
        id: 'invite-message',
        type: 'text',
        maxlength: String(maxInviteMessageLength),
        autocomplete: 'off',
        'aria-describedby': 'invite-message-hint',
      },
    });
    this.sendButton = el(
      'button',
      {
        className: 'button button-primary',
        attrs: { type: 'button', 'data-action': 'sendInvites' },
        onClick: () => void this.send(),
      },
      t.text('inviteDialog.sendNone'),
    );
    this.element = el(
      'dialog',
      { className: 'invite-dialog', attrs: { 'aria-labelledby': 'invite-dialog-title' } },
      el(
        'h2',
        { className: 'invite-title', attrs: { id: 'invite-dialog-title' } },
        t.text('inviteDialog.title'),
      ),
      el('p', { className: 'invite-intro' }, t.text('inviteDialog.intro')),
      this.body,
      el(
        'div',
        { className: 'invite-field' },
        el('label', { attrs: { for: 'invite-message' } }, t.text('inviteDialog.message')),
        this.message,
        el(
          'p',
          { className: 'invite-hint', attrs: { id: 'invite-message-hint' } },
          t.text('inviteDialog.messageHint'),
        ),
      ),
      this.status,
      el(
        'div',
        { className: 'actions' },
        this.sendButton,
        el(
          'button',
          {
            className: 'button button-secondary',
            attrs: { type: 'button', 'data-action': 'closeInvite' },
            onClick: () => this.element.close(),
          },
          t.text('inviteDialog.close'),
        ),
      ),
    );
    // A modal dialog makes the page behind it inert, but Tab past the last control would still
    // leave the page for the browser's own UI: focus wraps around inside the dialog instead.
    this.element.addEventListener('keydown', (event) => this.keepFocusInside(event));
    // Escape (the `cancel` event) and Close both end in `close`: main hears it once per opening.
    this.element.addEventListener('close', () => {
      this.bridge.inviteDialogClosed().catch((error: unknown) => {
        this.bridge.log('warn', `invite dialog: closing was not heard: ${String(error)}`);
      });
    });
  }

  /** Shows the dialog (modal) and loads the friends; a second call while open reloads them. */
  open(): void {
    this.generation += 1;
    const generation = this.generation;
    if (!this.element.open) this.element.showModal();
    this.rows = [];
    this.message.value = '';
    this.body.replaceChildren();
    this.element.setAttribute('aria-busy', 'true');
    setText(this.status, this.t.text('inviteDialog.loading'));
    this.updateSendButton();
    this.bridge.inviteFriends().then(
      (answer) => {
        if (generation === this.generation) this.showFriends(answer);
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.bridge.log('warn', `invite dialog: friends not loaded: ${String(error)}`);
        this.showFriends({ ok: false, code: 'directory-unavailable' });
      },
    );
  }

  private keepFocusInside(event: KeyboardEvent): void {
    if (event.key !== 'Tab') return;
    const focusable = [
      ...this.element.querySelectorAll<HTMLElement>('button, input, [tabindex="0"]'),
    ].filter((node) => !(node as HTMLInputElement).disabled && node.offsetParent !== null);
    const first = focusable[0];
    const last = focusable.at(-1);
    if (first === undefined || last === undefined) return;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !this.element.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !this.element.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  private showFriends(answer: InviteDialogFriends): void {
    this.element.removeAttribute('aria-busy');
    if (!answer.ok) {
      setText(
        this.status,
        this.t.text(
          answer.code === 'not-in-session'
            ? 'inviteDialog.notInSession'
            : 'inviteDialog.loadFailed',
        ),
      );
      this.element.querySelector<HTMLElement>('[data-action="closeInvite"]')?.focus();
      return;
    }
    if (answer.friends.length === 0) {
      setText(this.status, this.t.text('inviteDialog.empty'));
      this.element.querySelector<HTMLElement>('[data-action="closeInvite"]')?.focus();
      return;
    }
    setText(this.status, '');
    const friends = [...answer.friends].sort((a, b) => presenceRank(a) - presenceRank(b));
    this.rows = friends.map((friend) => this.friendRow(friend));
    const search = el('input', {
      className: 'invite-input',
      attrs: { id: 'invite-search', type: 'search', autocomplete: 'off' },
    });
    const noMatch = el('p', { className: 'invite-hint', attrs: { hidden: '' } });
    search.addEventListener('input', () => {
      const query = stripUnsafePlayerText(search.value).trim().toLowerCase();
      let shown = 0;
      for (const row of this.rows) {
        const matches =
          query === '' || row.name.toLowerCase().includes(query) || row.friend.xuid.includes(query);
        row.item.hidden = !matches;
        if (matches) shown += 1;
      }
      noMatch.hidden = shown > 0;
      setText(
        noMatch,
        shown > 0 ? '' : this.t.text('inviteDialog.noMatch', { query: search.value }),
      );
    });
    this.body.replaceChildren(
      el(
        'div',
        { className: 'invite-field' },
        el('label', { attrs: { for: 'invite-search' } }, this.t.text('inviteDialog.search')),
        search,
      ),
      el(
        'fieldset',
        { className: 'invite-friends' },
        el('legend', { className: 'invite-legend' }, this.t.text('inviteDialog.friends')),
        el('ul', { className: 'friend-list' }, ...this.rows.map((row) => row.item)),
        noMatch,
      ),
    );
    search.focus();
  }

  private friendRow(friend: InviteFriendView): FriendRow {
    const name = displayName(friend.gamertag ?? friend.xuid);
    const id = `invite-friend-${friend.xuid}`;
    const checkbox = el('input', {
      className: 'friend-check',
      attrs: { type: 'checkbox', id, value: friend.xuid },
    });
    checkbox.addEventListener('change', () => this.updateSendButton());
    const picture = friend.pictureUrl
      ? el('img', {
          className: 'avatar',
          attrs: { src: friend.pictureUrl, alt: '', width: '32', height: '32' },
        })
      : el(
          'span',
          { className: 'avatar avatar-initial', attrs: { 'aria-hidden': 'true' } },
          [...name][0]?.toUpperCase() ?? '?',
        );
    const presence =
      friend.online === undefined
        ? undefined
        : el(
            'span',
            { className: `presence presence-${friend.online ? 'online' : 'offline'}` },
            this.t.text(friend.online ? 'inviteDialog.online' : 'inviteDialog.offline'),
          );
    const outcome = el('div', { className: 'friend-outcome' });
    const item = el(
      'li',
      { className: 'friend-item', attrs: { 'data-xuid': friend.xuid } },
      el(
        'label',
        { className: 'friend-label', attrs: { for: id } },
        checkbox,
        picture,
        el('span', { className: 'friend-name' }, name),
        presence,
      ),
      outcome,
    );
    return { friend, name, item, checkbox, outcome };
  }

  private selected(): FriendRow[] {
    return this.rows.filter((row) => row.checkbox.checked && !row.checkbox.disabled);
  }

  private updateSendButton(): void {
    const count = this.selected().length;
    setText(
      this.sendButton,
      count === 0
        ? this.t.text('inviteDialog.sendNone')
        : this.t.plural('inviteDialog.send', count),
    );
    this.sendButton.disabled = this.sending || this.rows.length === 0;
  }

  private async send(): Promise<void> {
    const chosen = this.selected();
    if (chosen.length === 0) {
      setText(this.status, this.t.text('inviteDialog.pickSomeone'));
      return;
    }
    const generation = this.generation;
    this.sending = true;
    this.updateSendButton();
    setText(this.status, this.t.text('inviteDialog.sending'));
    const message = [...stripUnsafePlayerText(this.message.value)]
      .slice(0, maxInviteMessageLength)
      .join('');
    let outcomes: readonly InviteSendOutcomeView[];
    try {
      const answer = await this.bridge.sendInvites(
        chosen.map((row) => row.friend.xuid),
        message,
      );
      outcomes = answer.ok
        ? answer.outcomes
        : chosen.map((row) => ({ xuid: row.friend.xuid, sent: false, code: answer.code }));
    } catch (error) {
      this.bridge.log('warn', `invite dialog: sending failed: ${String(error)}`);
      outcomes = chosen.map((row) => ({
        xuid: row.friend.xuid,
        sent: false,
        code: 'directory-unavailable',
      }));
    }
    if (generation !== this.generation) return;
    this.sending = false;
    for (const outcome of outcomes) {
      const row = this.rows.find((candidate) => candidate.friend.xuid === outcome.xuid);
      if (row) this.showOutcome(row, outcome);
    }
    const sent = outcomes.filter((outcome) => outcome.sent).length;
    setText(
      this.status,
      sent === 0
        ? this.t.text('inviteDialog.noneSent')
        : this.t.plural('inviteDialog.summary', sent),
    );
    this.updateSendButton();
  }

  private showOutcome(row: FriendRow, outcome: InviteSendOutcomeView): void {
    row.item.classList.toggle('friend-sent', outcome.sent);
    row.item.classList.toggle('friend-failed', !outcome.sent);
    if (!outcome.sent) {
      // Unchecked, so the player can pick them again once the reason is gone.
      row.checkbox.checked = false;
      row.outcome.replaceChildren(
        el(
          'span',
          { className: 'badge badge-failure' },
          this.t.text(`invite.error.${outcome.code}`, { name: row.name }),
        ),
      );
      return;
    }
    // Invited: not offered again in this opening.
    row.checkbox.checked = false;
    row.checkbox.disabled = true;
    const copy = el(
      'button',
      {
        className: 'button button-quiet',
        attrs: {
          type: 'button',
          'data-action': 'copyInviteLink',
          'aria-label': this.t.text('inviteDialog.copyLinkFor', { name: row.name }),
        },
        onClick: () => {
          this.bridge.copyInviteLink(outcome.handleId).then(
            () => setText(this.status, this.t.text('inviteDialog.linkCopied', { name: row.name })),
            (error: unknown) => {
              setText(this.status, this.t.text('app.actionFailed'));
              this.bridge.log('warn', `invite dialog: copy failed: ${String(error)}`);
            },
          );
        },
      },
      this.t.text('inviteDialog.copyLink'),
    );
    row.outcome.replaceChildren(
      el('span', { className: 'badge badge-success' }, this.t.text('inviteDialog.sent')),
      copy,
    );
  }
}
