/**
 * The inbox in the Electron launcher: once the services and the signed-in account are up, builds
 * the account's inbox (src/main/inbox) against the session directory and the game's SCID, and
 * until then answers the window's inbox channels as "loading". Kept out of main.ts, which only
 * creates it, passes its handlers and state on, and stops it.
 */
import { emptyInboxView, type InboxView } from '../../shared/inbox-view';
import type { Invite } from '../../shared/invite';
import type { InboxHandlerDeps } from '../ipc/launcher-handlers';
import type { LauncherAccount } from '../launcher-account';
import type { LauncherAccounts } from '../join-stack';
import { defaultGameTitle } from '../join/launcher-config';
import type { LauncherSettings } from '../launcher-settings';
import type { Logger } from '../logging/logger';
import type { WiredInbox } from '../inbox/launcher-inbox-wiring';

export interface WindowInboxDeps {
  readonly settings: LauncherSettings;
  readonly services: Promise<{
    readonly directoryUrl: string;
    readonly accounts: LauncherAccounts | undefined;
  }>;
  readonly account: Promise<LauncherAccount | undefined>;
  /** True when the launcher started with no recent-invites file: the first run after install. */
  readonly firstRun: boolean;
  /** The path a clicked invite link takes (main's `offer`). */
  readonly submit: (invite: Invite) => void;
  readonly push: (view: InboxView) => void;
  readonly log: Logger;
}

export interface WindowInbox {
  readonly handlers: InboxHandlerDeps;
  /** For `launcher:get-state`: the inbox now ("loading" until it is built). */
  view(): InboxView;
  stop(): void;
}

/** Starts building the inbox; its channels wait for it. */
export function startWindowInbox(deps: WindowInboxDeps): WindowInbox {
  let stopped = false;
  const wired: Promise<WiredInbox | undefined> = Promise.all([deps.services, deps.account]).then(
    async ([{ directoryUrl, accounts }, account]) => {
      if (stopped || accounts === undefined || account === undefined) return undefined;
      // Both live in the join stack's lazily loaded bundle (got), already loaded by now.
      const { createInboxPlayer, wireLauncherInbox } = await import('../join-stack');
      const tokens = accounts.manager.tokenProvider();
      deps.log.info(`inbox: following the signed-in account${deps.firstRun ? ' (first run)' : ''}`);
      return wireLauncherInbox({
        account,
        playerFor: (xuid) =>
          createInboxPlayer({
            directoryUrl,
            xuid,
            tokens,
            scid: deps.settings.join.game.scid ?? defaultGameTitle.scid,
            profileUrl: accounts.profileUrl,
            log: deps.log,
          }),
        submit: deps.submit,
        push: deps.push,
        firstRun: deps.firstRun,
        log: (line) => deps.log.info(line),
      });
    },
  );
  wired.catch((error: unknown) => deps.log.error('the inbox could not start', error));
  let built: WiredInbox | undefined;
  void wired.then((inbox) => (built = inbox)).catch(() => undefined);
  return {
    handlers: {
      refresh: () => void wired.then((inbox) => inbox?.handlers.refresh()).catch(() => undefined),
      accept: async (handleId) => (await wired)?.handlers.accept(handleId) ?? false,
      decline: async (handleId) => (await wired)?.handlers.decline(handleId) ?? false,
    },
    view: () => built?.inbox.view() ?? emptyInboxView,
    stop() {
      stopped = true;
      built?.stop();
    },
  };
}
