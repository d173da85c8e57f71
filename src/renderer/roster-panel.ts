/**
 * The live roster on the joined screen: who is in the session (name, picture, host, you), and how
 * many seats are taken. Main pushes a new `RosterView` whenever the directory says the session
 * changed; the panel is one region updated in place. The seat line is a polite live region, so a
 * player joining or leaving is announced once; names are other players' text, shown as text only.
 */
import type { RosterMember, RosterView } from '../shared/roster-view';
import { allowedPictureUrl } from '../shared/sender-picture';
import { el, setText } from './dom';
import type { TextKey } from './i18n/catalogue';
import { displayName, type Translator } from './i18n/translator';

const statusText: Partial<Record<RosterMember['status'], TextKey>> = {
  reserved: 'roster.reserved',
  inactive: 'roster.inactive',
};

export class RosterPanel {
  readonly element: HTMLElement;
  private readonly seats = el('p', { className: 'roster-seats', attrs: { 'aria-live': 'polite' } });
  private readonly list = el('ul', { className: 'roster-list' });
  private drawnKey = '';

  constructor(private readonly t: Translator) {
    this.element = el(
      'section',
      { className: 'roster', attrs: { 'aria-labelledby': 'roster-title', hidden: '' } },
      el(
        'h2',
        { className: 'roster-title', attrs: { id: 'roster-title' } },
        t.text('roster.title'),
      ),
      this.seats,
      this.list,
    );
  }

  /** Shows `view`; hidden while no session is followed. */
  update(view: RosterView): void {
    if (view.state === 'none') {
      this.element.hidden = true;
      return;
    }
    this.element.hidden = false;
    if (view.state === 'ended') {
      setText(this.seats, this.t.text('roster.ended'));
      this.list.replaceChildren();
      this.drawnKey = 'ended';
      return;
    }
    setText(this.seats, this.t.plural('roster.seats', view.seatsUsed, { max: view.seatsMax }));
    // Redrawn only when what is shown changed (a tap for a property change keeps the list).
    const key = JSON.stringify(view.members);
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    this.list.replaceChildren(...view.members.map((member) => this.row(member)));
  }

  private row(member: RosterMember): HTMLLIElement {
    const picture = allowedPictureUrl(member.pictureUrl);
    const image =
      picture === undefined
        ? this.emptyPicture()
        : el('img', {
            className: 'roster-picture',
            attrs: {
              src: picture,
              alt: '',
              width: '32',
              height: '32',
              referrerpolicy: 'no-referrer',
              decoding: 'async',
            },
          });
    if (image instanceof HTMLImageElement) {
      // A picture that fails to load leaves the empty circle, not a broken image.
      image.addEventListener('error', () => image.replaceWith(this.emptyPicture()), { once: true });
    }
    const status = statusText[member.status];
    const badges = [
      member.isHost ? this.badge(this.t.text('roster.host'), 'roster-badge-host') : undefined,
      member.isYou ? this.badge(this.t.text('roster.you'), 'roster-badge-you') : undefined,
      status ? this.badge(this.t.text(status), 'roster-badge-status') : undefined,
    ];
    return el(
      'li',
      { className: 'roster-member', attrs: { 'data-member': member.key } },
      image,
      el('span', { className: 'roster-name' }, this.name(member.gamertag)),
      ...badges,
    );
  }

  /** The member's name, cleaned and shortened like every player's name; unnamed: "A player". */
  private name(gamertag: string | undefined): string {
    const shown = gamertag === undefined ? '' : displayName(gamertag).trim();
    return shown === '' ? this.t.text('roster.unknownPlayer') : shown;
  }

  private emptyPicture(): HTMLSpanElement {
    return el('span', {
      className: 'roster-picture roster-picture-empty',
      attrs: { 'aria-hidden': 'true' },
    });
  }

  private badge(text: string, className: string): HTMLSpanElement {
    return el('span', { className: `roster-badge ${className}` }, text);
  }
}
