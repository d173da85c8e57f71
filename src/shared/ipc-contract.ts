/**
 * The one channel map between the main process and the launcher window. Main's typed `ipcMain`
 * wrapper and the preload's typed `ipcRenderer` wrapper are both written against these types, so a
 * renamed channel or a changed payload fails the type check on both sides at once. This module
 * holds names and types only (no runtime dependencies), so the preload and renderer bundles stay
 * small; main checks every argument at run time in its own module.
 */
import type { JoinErrorCode, JoinView } from './join-view';

/** One invite the player handled recently, for the home view. */
export interface RecentInvite {
  readonly handleId: string;
  readonly kind: 'invite' | 'join';
  readonly from: string;
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
}

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
}

/** Push channels: main tells the renderer. */
export interface PushChannels {
  'join:view': JoinView;
  'launcher:recent': readonly RecentInvite[];
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
}
