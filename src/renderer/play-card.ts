/**
 * Play in the window: the home's Play card — the button, how the last game ended when it crashed,
 * and while the game starts and runs what it is doing and who is in its session. Main
 * sends PlayViews (src/shared/play-view.ts); how a game ended arrives as data and is said here in
 * the player's language, never as the log's English.
 */
import type { PlayExit, PlayView } from '../shared/play-view';
import { el, setText } from './dom';
import { displayName, type Translator } from './i18n/translator';

export interface PlayCardProps {
  readonly view: PlayView;
  readonly onPlay: () => void;
  /**
   * The card's live region, made once by the window and moved into each new card, so a screen
   * reader hears Starting… and Playing as changes of one region rather than new ones.
   */
  readonly status: HTMLElement;
}

/**
 * The home's Play card. Idle: the Play button, and an alert when the last game crashed. Starting
 * and playing: what the game is doing, its session and its players, in place of the button (one
 * game at a time).
 */
export function renderPlayCard(t: Translator, props: PlayCardProps): HTMLElement {
  const { view, status } = props;
  if (view.phase === 'idle') {
    setText(status, '');
    status.hidden = true;
    const crashed = view.lastExit?.crashed === true ? view.lastExit : undefined;
    return el(
      'section',
      { className: 'card play-card', attrs: { 'aria-label': t.text('play.region') } },
      status,
      el(
        'button',
        {
          className: 'button button-primary play-button',
          attrs: { type: 'button', 'data-action': 'play' },
          onClick: props.onPlay,
        },
        t.text('play.button'),
      ),
      crashed &&
        el('p', { className: 'play-exit', attrs: { role: 'alert' } }, exitText(t, crashed)),
    );
  }
  const starting = view.phase === 'starting';
  status.hidden = false;
  setText(status, t.text(starting ? 'play.starting.title' : 'play.playing.title'));
  const session = view.session;
  const players =
    session !== undefined && session.members.length > 0
      ? el(
          'ul',
          { className: 'play-players', attrs: { 'aria-label': t.text('play.players') } },
          ...session.members.map((member) => {
            const name = member.gamertag ?? member.xuid;
            return el(
              'li',
              { className: 'play-player' },
              member.host ? t.text('play.member.host', { name }) : displayName(name),
            );
          }),
        )
      : undefined;
  return el(
    'section',
    {
      className: 'card play-card',
      attrs: { 'aria-label': t.text('play.region'), 'data-phase': view.phase },
    },
    status,
    el(
      'p',
      { className: 'play-body' },
      t.text(starting ? 'play.starting.body' : 'play.playing.body'),
    ),
    session &&
      el(
        'p',
        { className: 'play-session' },
        t.text(session.role === 'host' ? 'play.session.host' : 'play.session.member'),
      ),
    players,
  );
}

/** A crashed game's end in player words. */
export function exitText(t: Translator, exit: PlayExit): string {
  const reason = exit.reason;
  switch (reason?.kind) {
    case 'exit-code':
      return reason.code === null
        ? t.text('play.exit.unknown')
        : t.text('play.exit.code', { code: reason.code });
    case 'signal':
      return t.text('play.exit.signal', { signal: reason.signal });
    case 'not-found':
      return t.text('play.exit.notFound');
    case 'not-executable':
      return t.text('play.exit.notExecutable');
    case 'start-failed':
      return t.text('play.exit.startFailed');
    case undefined:
      return t.text('play.exit.unknown');
  }
}
