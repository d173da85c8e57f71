/**
 * Entry of the launcher window's page. It reads the whole launcher state once, picks the language
 * from the system locale, then follows main's pushes. Without the preload's bridge (the page
 * opened outside Rallypoint) it says so instead of failing silently.
 */
import type { RallypointBridge } from '../shared/ipc-contract';
import { el } from './dom';
import { createTranslator, type Translator } from './i18n/translator';
import { LauncherWindow } from './launcher-window';

declare global {
  interface Window {
    /** Exposed by the preload through the context bridge; absent outside Rallypoint. */
    readonly rallypoint?: RallypointBridge;
  }
}

async function start(root: HTMLElement): Promise<void> {
  const bridge = window.rallypoint;
  const fallback = createTranslator(navigator.language);
  if (!bridge) {
    showProblem(root, fallback, fallback.text('app.bridgeMissing'));
    return;
  }
  root.setAttribute('aria-busy', 'true');
  root.textContent = fallback.text('app.loading');
  try {
    const state = await bridge.getState();
    const t = createTranslator(state.locale);
    document.documentElement.lang = t.lang;
    document.title = t.text('app.name');
    const launcher = new LauncherWindow(root, bridge, t, state);
    // Subscribing in the same task the state arrived in loses nothing: a push main sent before
    // answering is already part of the state, and one sent after arrives as a later task.
    bridge.onJoinView((view) => launcher.setView(view));
    bridge.onRecent((recent) => launcher.setRecent(recent));
    bridge.onAccountView((account) => launcher.setAccount(account));
    bridge.onInbox((inbox) => launcher.setInbox(inbox));
    bridge.onPlayView((play) => launcher.setPlay(play));
    bridge.onRoster((roster) => launcher.setRoster(roster));
    bridge.onInviteDialogShow(() => launcher.openInviteDialog());
    root.removeAttribute('aria-busy');
  } catch (error) {
    bridge.log('error', `launcher window failed to start: ${String(error)}`);
    showProblem(root, fallback, fallback.text('app.bridgeMissing'));
  }
}

function showProblem(root: HTMLElement, t: Translator, message: string): void {
  document.documentElement.lang = t.lang;
  root.removeAttribute('aria-busy');
  root.replaceChildren(
    el(
      'main',
      { className: 'content' },
      el('h1', { className: 'fatal-title' }, t.text('app.name')),
      el('p', { className: 'fatal', attrs: { role: 'alert' } }, message),
    ),
  );
}

const root = document.getElementById('app');
if (root) void start(root);
