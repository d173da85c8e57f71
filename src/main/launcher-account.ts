/**
 * The launcher's signed-in account between the window, the join flow and sign-in, with no
 * Electron in it: the composition root (src/main/electron/main.ts) supplies the browser opener
 * (`shell.openExternal`) and the join flow. Invites go through here: joined at once when an
 * account is signed in, kept while nobody is. After a sign-in or a switch to a cached account,
 * the invite that failed with `wrong-account` is tried again with the new account; the account is
 * always one the player chose (cached, or signed in through the browser), never the XUID an
 * (untrusted) link names.
 */
import type { AccountView } from '../shared/account-view';
import type { Invite } from '../shared/invite';
import type { JoinView } from '../shared/join-view';
import type { AccountManager } from './account/account-manager';
import { createAccountService, type AccountService } from './account/account-service';
import type { AccountHandlerDeps } from './ipc/launcher-handlers';

export interface LauncherAccountDeps {
  readonly accounts: AccountManager;
  /** Opens the authorize URL in the system browser. */
  readonly openBrowser: (url: string) => Promise<void> | void;
  /** The join flow (ActiveJoin): starting an invite, its view and its last invite. */
  readonly join: {
    submit(invite: Invite): void;
    view(): JoinView;
    lastInvite(): Invite | undefined;
  };
  /** The account's picture as a `data:` URL, when there is one (src/main/account/account-picture.ts). */
  readonly picture?: (xuid: string) => Promise<string | undefined>;
  readonly log: (line: string) => void;
}

export interface LauncherAccount {
  readonly service: AccountService;
  /** What the `account:*` IPC channels call. */
  readonly handlers: AccountHandlerDeps;
  /** An invite from a link or the demo button: joined when signed in, else kept for after sign-in. */
  offerInvite(invite: Invite): void;
  subscribe(listener: (view: AccountView) => void): () => void;
  view(): AccountView;
}

export function createLauncherAccount(deps: LauncherAccountDeps): LauncherAccount {
  const { log } = deps;
  const service = createAccountService({
    accounts: deps.accounts,
    openBrowser: deps.openBrowser,
    join: (invite) => deps.join.submit(invite),
    log,
    ...(deps.picture ? { picture: deps.picture } : {}),
  });

  /** The invite the join flow refused for being sent to another account, if it still shows. */
  const wrongAccountInvite = (): Invite | undefined => {
    const view = deps.join.view();
    return view.phase === 'failed' && view.error?.code === 'wrong-account'
      ? deps.join.lastInvite()
      : undefined;
  };

  const retryWrongAccount = (invite: Invite | undefined, why: string): void => {
    if (invite === undefined || service.view().state !== 'signed-in') return;
    // A newer invite (kept during the sign-in, say) already went to the join: it wins.
    if (deps.join.lastInvite() !== invite) return;
    log(`account: ${why}; trying the invite that was sent to another account again`);
    deps.join.submit(invite);
  };

  return {
    service,
    offerInvite: (invite) => void service.offerInvite(invite),
    subscribe: (listener) => service.subscribe(listener),
    view: () => service.view(),
    handlers: {
      signIn() {
        const refused = wrongAccountInvite();
        log('account: the player asked to sign in');
        service
          .signIn()
          .then(() => retryWrongAccount(refused, 'signed in'))
          .catch((error: unknown) => log(`account: sign-in failed unexpectedly: ${String(error)}`));
      },
      cancelSignIn() {
        log('account: the player cancelled the sign-in');
        service.cancelSignIn();
      },
      async switchTo(xuid) {
        const refused = wrongAccountInvite();
        const switched = await service.switchTo(xuid);
        log(
          switched
            ? `account: switched to a cached account (…${xuid.slice(-4)})`
            : 'account: refused a switch to an account that is not cached',
        );
        if (switched) retryWrongAccount(refused, 'switched account');
        return switched;
      },
      async signOut() {
        log('account: the player signed out');
        await service.signOut();
      },
    },
  };
}
