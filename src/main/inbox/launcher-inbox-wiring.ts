/**
 * Connects the inbox to the signed-in account and to the window, with no Electron in it: the
 * inbox follows the account (a sign-in, a switch or a sign-out refreshes it at once), every new
 * inbox goes out through `push`, and the window's channels get their handlers. Main adds a few
 * lines around this; the browser tests' backend uses it as it is.
 */
import type { AccountView } from '../../shared/account-view';
import type { InboxView } from '../../shared/inbox-view';
import type { Invite } from '../../shared/invite';
import type { InboxHandlerDeps } from '../ipc/launcher-handlers';
import { LauncherInbox, type InboxPlayer } from './launcher-inbox';

export interface InboxWiringDeps {
  /** The signed-in account: its view says who, its changes move the inbox. */
  readonly account: {
    view(): AccountView;
    subscribe(listener: (view: AccountView) => void): () => void;
  };
  /** The inbox calls of the account `xuid` (src/main/inbox/inbox-player.ts). */
  readonly playerFor: (xuid: string) => InboxPlayer;
  /** Hands an accepted item to the same path a clicked invite link takes. */
  readonly submit: (invite: Invite) => void;
  readonly push: (view: InboxView) => void;
  readonly firstRun: boolean;
  readonly minIntervalMs?: number;
  readonly log: (line: string) => void;
}

export interface WiredInbox {
  readonly inbox: LauncherInbox;
  /** What the `inbox:*` channels call. */
  readonly handlers: InboxHandlerDeps;
  stop(): void;
}

/** Builds the inbox for the account, reads it once and follows the account from then on. */
export function wireLauncherInbox(deps: InboxWiringDeps): WiredInbox {
  let player: InboxPlayer | undefined;
  const current = (): InboxPlayer | undefined => {
    const view = deps.account.view();
    if (view.state !== 'signed-in') return undefined;
    if (player?.xuid !== view.xuid) player = deps.playerFor(view.xuid);
    return player;
  };
  const inbox = new LauncherInbox({
    player: current,
    submit: deps.submit,
    firstRun: deps.firstRun,
    log: deps.log,
    ...(deps.minIntervalMs === undefined ? {} : { minIntervalMs: deps.minIntervalMs }),
  });
  const stopPush = inbox.subscribe(deps.push);
  let signedInAs = signedInXuid(deps.account.view());
  const stopAccount = deps.account.subscribe((view) => {
    const now = signedInXuid(view);
    if (now === signedInAs) return;
    signedInAs = now;
    void inbox.refresh(now === undefined ? 'signed out' : 'signed in', true);
  });
  void inbox.refresh('start', true);
  return {
    inbox,
    handlers: {
      refresh: () => void inbox.refresh('window'),
      accept: (handleId) => inbox.accept(handleId).ok,
      decline: async (handleId) => (await inbox.decline(handleId)).ok,
    },
    stop() {
      stopPush();
      stopAccount();
    },
  };
}

function signedInXuid(view: AccountView): string | undefined {
  return view.state === 'signed-in' ? view.xuid : undefined;
}
