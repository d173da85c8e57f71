/**
 * The one channel map between the main process and the launcher window. Main's typed `ipcMain`
 * wrapper and the preload's typed `ipcRenderer` wrapper are both written against these types, so a
 * renamed channel or a changed payload fails the type check on both sides at once. This module
 * holds names and types only (no runtime dependencies), so the preload and renderer bundles stay
 * small; main checks every argument at run time in its own module.
 */
import type { AccountView } from './account-view';
import type { InboxView } from './inbox-view';
import type {
  InviteDialogFriends,
  InviteDialogRequest,
  InviteDialogSent,
} from './invite-dialog-view';
import type { JoinErrorCode, JoinView } from './join-view';
import type { PlayView } from './play-view';
import type { RosterView } from './roster-view';

/** One invite the player handled recently, for the home view. */
export interface RecentInvite {
  readonly handleId: string;
  readonly kind: 'invite' | 'join';
  /** The sender's gamertag; absent when it was never known (the window says "a friend"). */
  readonly from?: string;
  readonly outcome: 'joined' | JoinErrorCode;
  /** Epoch milliseconds when the outcome was reached. */
  readonly at: number;
}

/** Everything the window needs to draw itself from scratch (after a reload, say). */
export interface LauncherState {
  readonly view: JoinView;
  readonly recent: readonly RecentInvite[];
  /** BCP 47 tag of the system locale; the renderer picks its catalogue from it. */
  readonly locale: string;
  /** True in development builds: the window then offers "try a demo invite". */
  readonly devMode: boolean;
  /**
   * The signed-in account (src/shared/account-view.ts). Absent when the launcher plays a
   * development identity (settings `signIn: "development"`): no Sign in, no account chip.
   */
  readonly account?: AccountView;
  /** The inbox (src/shared/inbox-view.ts); absent while the launcher plays a development identity. */
  readonly inbox?: InboxView;
  /** Play: the game the launcher started with no session (src/shared/play-view.ts). */
  readonly play?: PlayView;
  /**
   * The live roster of the joined session as last pushed (`session:roster`), so a reloaded window
   * shows it at once; absent means none is followed.
   */
  readonly roster?: RosterView;
  /** A game asked for the invite dialog and the player has not closed it yet. */
  readonly inviteDialog?: InviteDialogRequest;
}

/** Longest XUID the account channels accept (a 64-bit number has at most 20 digits). */
export const xuidPattern = /^[1-9]\d{0,19}$/;

/** The levels the page may log at, checked by the preload and again by main. */
export const logLevels = ['error', 'warn', 'info', 'debug'] as const;

export type LogLevel = (typeof logLevels)[number];

/**
 * Longest renderer log message: the preload cuts a line to it, main refuses anything longer (a
 * page that bypasses the preload), so a runaway page cannot flood the log file.
 */
export const maxRendererLogLength = 2_000;

/** Request/response channels: the renderer asks, main answers. */
export interface InvokeChannels {
  'launcher:get-state': { args: []; result: LauncherState };
  'join:retry': { args: []; result: void };
  'join:cancel': { args: []; result: void };
  'join:dismiss': { args: []; result: void };
  'join:switch-account': { args: []; result: void };
  'dev:try-demo-invite': { args: []; result: void };
  'log:write': { args: [level: LogLevel, message: string]; result: void };
  /** Starts a browser sign-in (the answer comes as `account:view` pushes). */
  'account:sign-in': { args: []; result: void };
  'account:cancel-sign-in': { args: []; result: void };
  /** Makes a cached account current; refused when `xuid` is not one of the cached accounts. */
  'account:switch': { args: [xuid: string]; result: void };
  'account:sign-out': { args: []; result: void };
  /** Asks main to read the inbox again (window focus, the window's timer); main throttles it. */
  'inbox:refresh': { args: []; result: void };
  /** Accepts an inbox item by handle id: the same join as a clicked link. */
  'inbox:accept': { args: [handleId: string]; result: void };
  /** Declines an invite of the inbox: its handle is deleted. */
  'inbox:decline': { args: [handleId: string]; result: void };
  /** Starts the configured game with no session (answers as `play:view` pushes). */
  'play:start': { args: []; result: void };
  /** The invite dialog's friends (src/shared/invite-dialog-view.ts); main pins the session. */
  'invite-dialog:friends': { args: []; result: InviteDialogFriends };
  /** One invite per friend (only friends the dialog listed); `message` '' for none. */
  'invite-dialog:send': { args: [xuids: string[], message: string]; result: InviteDialogSent };
  /** Copies the web invite link of an invite the dialog sent; refused for any other handle. */
  'invite-dialog:copy-link': { args: [handleId: string]; result: void };
  /** The player closed the dialog (a game that asked for it hears so). */
  'invite-dialog:closed': { args: []; result: void };
}

/** Push channels: main tells the renderer. */
export interface PushChannels {
  'join:view': JoinView;
  'launcher:recent': readonly RecentInvite[];
  'account:view': AccountView;
  'inbox:view': InboxView;
  'play:view': PlayView;
  /** The live roster of the joined session (session-roster.ts); `none` when no session is followed. */
  'session:roster': RosterView;
  /** A game asked for the invite dialog: the window shows it. */
  'invite-dialog:show': InviteDialogRequest;
}

export type InvokeChannel = keyof InvokeChannels;
export type PushChannel = keyof PushChannels;

/** Every invoke channel name, for the handlers main must register and the preload may call. */
export const invokeChannels = [
  'launcher:get-state',
  'join:retry',
  'join:cancel',
  'join:dismiss',
  'join:switch-account',
  'dev:try-demo-invite',
  'log:write',
  'account:sign-in',
  'account:cancel-sign-in',
  'account:switch',
  'account:sign-out',
  'inbox:refresh',
  'inbox:accept',
  'inbox:decline',
  'play:start',
  'invite-dialog:friends',
  'invite-dialog:send',
  'invite-dialog:copy-link',
  'invite-dialog:closed',
] as const satisfies readonly InvokeChannel[];

/** What the preload exposes as `window.rallypoint`: functions only, no Electron objects. */
export interface RallypointBridge {
  getState(): Promise<LauncherState>;
  retry(): Promise<void>;
  cancel(): Promise<void>;
  dismiss(): Promise<void>;
  switchAccount(): Promise<void>;
  tryDemoInvite(): Promise<void>;
  log(level: LogLevel, message: string): void;
  onJoinView(callback: (view: JoinView) => void): () => void;
  onRecent(callback: (recent: readonly RecentInvite[]) => void): () => void;
  signIn(): Promise<void>;
  cancelSignIn(): Promise<void>;
  switchTo(xuid: string): Promise<void>;
  signOut(): Promise<void>;
  onAccountView(callback: (view: AccountView) => void): () => void;
  refreshInbox(): Promise<void>;
  acceptInboxItem(handleId: string): Promise<void>;
  declineInvite(handleId: string): Promise<void>;
  onInbox(callback: (view: InboxView) => void): () => void;
  play(): Promise<void>;
  onPlayView(callback: (view: PlayView) => void): () => void;
  onRoster(callback: (view: RosterView) => void): () => void;
  inviteFriends(): Promise<InviteDialogFriends>;
  sendInvites(xuids: string[], message: string): Promise<InviteDialogSent>;
  copyInviteLink(handleId: string): Promise<void>;
  inviteDialogClosed(): Promise<void>;
  onInviteDialogShow(callback: (request: InviteDialogRequest) => void): () => void;
}
