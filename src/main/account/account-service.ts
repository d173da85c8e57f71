/**
 * The launcher's account state for the window: wraps the {@link AccountManager} with one
 * {@link AccountView} stream, a cancellable browser sign-in, and the invite that arrived while
 * nobody was signed in, which is kept and handed on once sign-in succeeds. The wrong-account
 * error's Switch account uses {@link AccountService.switchTo} with a cached XUID or a new sign-in;
 * it never signs in as whatever account an (untrusted) link names.
 */
import type { AccountView } from '../../shared/account-view';
import type { Invite } from '../../shared/invite';
import type { AccountManager } from './account-manager';
import { signInError } from './sign-in-error';

export interface AccountService {
  view(): AccountView;
  subscribe(listener: (view: AccountView) => void): () => void;
  /** Reads the cache once at start-up. */
  load(): Promise<void>;
  /** Starts a browser sign-in; a second call while one runs does nothing. */
  signIn(): Promise<void>;
  cancelSignIn(): void;
  switchTo(xuid: string): Promise<boolean>;
  signOut(): Promise<void>;
  /**
   * An invite arrived: joined at once when signed in (returns true), else kept (latest wins) for
   * after sign-in and false is returned.
   */
  offerInvite(invite: Invite): boolean;
}

export interface AccountServiceDeps {
  readonly accounts: AccountManager;
  /** Opens the authorize URL in the system browser (Electron `shell.openExternal`). */
  readonly openBrowser: (url: string) => Promise<void> | void;
  /** Starts the join of an invite with the signed-in account. */
  readonly join: (invite: Invite) => void;
  readonly log?: (line: string) => void;
  /**
   * The account's picture as a `data:` URL; looked up after the signed-in view went out, which is
   * published again with it. Any failure leaves the chip with the gamertag's initial.
   */
  readonly picture?: (xuid: string) => Promise<string | undefined>;
}

export function createAccountService(deps: AccountServiceDeps): AccountService {
  const log = deps.log ?? (() => undefined);
  const listeners = new Set<(view: AccountView) => void>();
  let current: AccountView = { state: 'signed-out', inviteWaiting: false };
  let waiting: Invite | undefined;
  let signingIn: AbortController | undefined;
  const pictures = new Map<string, string>();

  const publish = (view: AccountView) => {
    current = view;
    for (const listener of [...listeners]) listener(view);
  };

  async function refresh(): Promise<void> {
    const account = await deps.accounts.current();
    if (account === undefined) {
      publish({ state: 'signed-out', inviteWaiting: waiting !== undefined });
      return;
    }
    const others = (await deps.accounts.accounts()).filter((other) => other.xuid !== account.xuid);
    const known = pictures.get(account.xuid);
    const view: AccountView = {
      state: 'signed-in',
      xuid: account.xuid,
      gamertag: account.gamertag,
      ...(known ? { picture: known } : {}),
      others,
    };
    publish(view);
    if (known === undefined && deps.picture) void addPicture(view, deps.picture);
  }

  async function addPicture(
    view: Extract<AccountView, { state: 'signed-in' }>,
    lookUp: (xuid: string) => Promise<string | undefined>,
  ): Promise<void> {
    let picture: string | undefined;
    // Stryker disable BlockStatement: an emptied catch block leaves the picture undefined as well
    try {
      picture = await lookUp(view.xuid);
    } catch {
      picture = undefined;
    }
    // Stryker restore BlockStatement
    if (picture === undefined) {
      log('account: no picture for the account chip; it shows an initial');
      return;
    }
    pictures.set(view.xuid, picture);
    // Only if the player is still on that account and nothing newer was published meanwhile.
    if (current === view) publish({ ...view, picture });
  }

  function releaseWaiting(): void {
    const invite = waiting;
    waiting = undefined;
    if (invite) {
      log('account: signed in; continuing the invite that arrived while signed out');
      deps.join(invite);
    }
  }

  return {
    view: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    load: refresh,
    async signIn() {
      if (signingIn) return;
      const controller = new AbortController();
      signingIn = controller;
      publish({ state: 'signing-in', inviteWaiting: waiting !== undefined });
      try {
        let result: Awaited<ReturnType<AccountManager['signInWithBrowser']>>;
        try {
          result = await deps.accounts.signInWithBrowser(deps.openBrowser, controller.signal);
        } catch (error) {
          // The browser could not be opened (or something else threw): a typed failure, never a
          // window stuck on "continue in your browser".
          log(
            `account: sign-in could not start: ${error instanceof Error ? error.message : 'error'}`,
          );
          result = {
            ok: false,
            // Stryker disable next-line StringLiteral: only this failure's code is published and logged
            error: signInError('service-unavailable', 'the sign-in page could not be opened'),
          };
        }
        if (!result.ok) {
          log(`account: sign-in failed: ${result.error.code}`);
          publish({
            state: 'failed',
            code: result.error.code,
            inviteWaiting: waiting !== undefined,
          });
          return;
        }
        await refresh();
        releaseWaiting();
      } finally {
        signingIn = undefined;
      }
    },
    cancelSignIn() {
      signingIn?.abort();
    },
    async switchTo(xuid) {
      const switched = await deps.accounts.switchTo(xuid);
      await refresh();
      return switched;
    },
    async signOut() {
      signingIn?.abort();
      await deps.accounts.signOut();
      await refresh();
    },
    offerInvite(invite) {
      if (current.state === 'signed-in') {
        deps.join(invite);
        return true;
      }
      waiting = invite;
      log('account: an invite arrived while signed out; it waits for sign-in');
      publish(
        current.state === 'signing-in'
          ? { state: 'signing-in', inviteWaiting: true }
          : // Stryker disable next-line ConditionalExpression: a signed-out view spread with the invite is the last branch's view
            current.state === 'failed'
            ? { ...current, inviteWaiting: true }
            : { state: 'signed-out', inviteWaiting: true },
      );
      return false;
    },
  };
}
