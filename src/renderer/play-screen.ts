/**
 * Play in the window: the home's Play card (the button, and how the last game ended when it
 * crashed) and the screen shown while the game starts and runs (who is in its session). Main
 * sends PlayViews (src/shared/play-view.ts); how a game ended arrives as data and is said here in
 * the player's language, never as the log's English.
 */
import type { PlayExit, PlayView } from '../shared/play-view';
import { el } from './dom';
import { displayName, type Translator } from './i18n/translator';

export interface PlayCardProps {
  /** How the previous game ended, when it crashed. */
  readonly lastExit: PlayExit | undefined;
  readonly onPlay: () => void;
}

/** The home's Play card: one primary button, and an alert when the last game crashed. */
export function renderPlayCard(t: Translator, props: PlayCardProps): HTMLElement {
  const crashed = props.lastExit?.crashed === true ? props.lastExit : undefined;
  return el(
    'section',
    { className: 'card play-card', attrs: { 'aria-label': t.text('play.region') } },
    el(
      'button',
      {
        className: 'button button-primary play-button',
        attrs: { type: 'button', 'data-action': 'play' },
        onClick: props.onPlay,
      },
      t.text('play.button'),
    ),
    crashed && el('p', { className: 'play-exit', attrs: { role: 'alert' } }, exitText(t, crashed)),
  );
}

/** The screen while the game starts and runs, in place of the home. */
export function renderPlayScreen(t: Translator, view: PlayView): HTMLElement {
  const starting = view.phase === 'starting';
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
      className: 'card play-screen',
      attrs: { 'aria-labelledby': 'play-title', 'data-phase': view.phase },
    },
    el(
      'h1',
      { className: 'card-title', attrs: { id: 'play-title', tabindex: '-1' } },
      t.text(starting ? 'play.starting.title' : 'play.playing.title'),
    ),
    el(
      'p',
      { className: 'play-status', attrs: { role: 'status' } },
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
