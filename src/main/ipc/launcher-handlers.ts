/**
 * What main answers on each invoke channel, as a plain table with no Electron in it: the
 * composition root fills in the collaborators, the typed ipcMain wrapper puts the sender and
 * argument checks in front. Development-only channels refuse with `not-available` in packaged
 * builds instead of being absent, so the renderer gets a clear answer rather than "no handler".
 */
import type { LauncherState, LogLevel } from '../../shared/ipc-contract';
import type { Logger } from '../logging/logger';
import { escapeControlCharacters } from '../logging/untrusted-text';
import { inviteDialogHandlers, type InviteDialogPort } from './invite-dialog-handlers';
import type { InvokeHandlers } from './invoke-handler';
import { IpcRefusedError } from './ipc-refusal';
import type { TokenBucket } from './token-bucket';

/** What the account channels do; see src/main/launcher-account.ts. */
export interface AccountHandlerDeps {
  /** Starts a browser sign-in and returns at once; progress goes out as account views. */
  readonly signIn: () => void;
  readonly cancelSignIn: () => void;
  /** False when `xuid` is not a cached account (the channel then refuses). */
  readonly switchTo: (xuid: string) => Promise<boolean>;
  readonly signOut: () => Promise<void>;
}

/** What the inbox channels do; see src/main/inbox/launcher-inbox.ts. */
export interface InboxHandlerDeps {
  readonly refresh: () => void;
  /** False when `handleId` is not in the inbox (the channel then refuses). */
  readonly accept: (handleId: string) => boolean | Promise<boolean>;
  readonly decline: (handleId: string) => Promise<boolean>;
}

export interface LauncherHandlerDeps {
  /** The full picture for a window that (re)loads. */
  readonly state: () => LauncherState | Promise<LauncherState>;
  readonly retry: () => void;
  readonly cancel: () => void;
  readonly dismiss: () => void;
  /** Signs in as the account the invite was for, then retries (development identity only). */
  readonly switchAccount: () => void | Promise<void>;
  /** Submits the embedded directory's demo invite; undefined when there is none (packaged, or a remote directory). */
  readonly tryDemoInvite: (() => void | Promise<void>) | undefined;
  /**
   * The signed-in account's actions; undefined while the launcher plays a development identity,
   * and the account channels then refuse with `not-available`.
   */
  readonly account?: AccountHandlerDeps | undefined;
  /** The inbox's actions; undefined (the channels refuse with `not-available`) without one. */
  readonly inbox?: InboxHandlerDeps | undefined;
  /** Where the window's own log lines go (the `renderer` scope). */
  readonly rendererLog: Logger;
  /** Caps renderer log lines; over the cap they are dropped and counted. */
  readonly rendererLogBudget: TokenBucket;
  /** Play (src/main/game/launcher-play.ts); undefined where there is none, and the channel refuses. */
  readonly play?: (() => void | Promise<void>) | undefined;
  /** The invite dialog (src/main/invite-dialog); without it its channels refuse `not-available`. */
  readonly inviteDialog?: InviteDialogPort | undefined;
}

/** Builds the handler table for every channel of the contract. */
export function createLauncherHandlers(deps: LauncherHandlerDeps): InvokeHandlers {
  const account = (): AccountHandlerDeps => {
    if (deps.account === undefined) throw new IpcRefusedError('not-available');
    return deps.account;
  };
  const inbox = (): InboxHandlerDeps => {
    if (deps.inbox === undefined) throw new IpcRefusedError('not-available');
    return deps.inbox;
  };
  return {
    'launcher:get-state': () => deps.state(),
    'join:retry': () => deps.retry(),
    'join:cancel': () => deps.cancel(),
    'join:dismiss': () => deps.dismiss(),
    'join:switch-account': () => deps.switchAccount(),
    'dev:try-demo-invite': () => {
      if (deps.tryDemoInvite === undefined) throw new IpcRefusedError('not-available');
      return deps.tryDemoInvite();
    },
    'log:write': (level: LogLevel, message: string) => {
      if (!deps.rendererLogBudget.take()) return;
      const dropped = deps.rendererLogBudget.drainDropped();
      if (dropped > 0)
        deps.rendererLog.warn(`dropped ${dropped} renderer log line(s): too many at once`);
      deps.rendererLog[level](escapeControlCharacters(message));
    },
    'account:sign-in': () => account().signIn(),
    'account:cancel-sign-in': () => account().cancelSignIn(),
    'account:switch': async (xuid: string) => {
      // Only a cached account: never one the renderer (or a link behind it) merely names.
      if (!(await account().switchTo(xuid))) throw new IpcRefusedError('not-available');
    },
    'account:sign-out': () => account().signOut(),
    'inbox:refresh': () => inbox().refresh(),
    'inbox:accept': async (handleId: string) => {
      if (!(await inbox().accept(handleId))) throw new IpcRefusedError('not-available');
    },
    'inbox:decline': async (handleId: string) => {
      if (!(await inbox().decline(handleId))) throw new IpcRefusedError('not-available');
    },
    'play:start': () => {
      if (deps.play === undefined) throw new IpcRefusedError('not-available');
      return deps.play();
    },
    ...inviteDialogHandlers(deps.inviteDialog),
  };
}
