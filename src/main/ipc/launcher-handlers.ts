/**
 * What main answers on each invoke channel, as a plain table with no Electron in it: the
 * composition root fills in the collaborators, the typed ipcMain wrapper puts the sender and
 * argument checks in front. Development-only channels refuse with `not-available` in packaged
 * builds instead of being absent, so the renderer gets a clear answer rather than "no handler".
 */
import type { LauncherState, LogLevel } from '../../shared/ipc-contract';
import type { Logger } from '../logging/logger';
import { escapeControlCharacters } from '../logging/untrusted-text';
import type { InvokeHandlers } from './invoke-handler';
import { IpcRefusedError } from './ipc-refusal';
import type { TokenBucket } from './token-bucket';

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
  /** Where the window's own log lines go (the `renderer` scope). */
  readonly rendererLog: Logger;
  /** Caps renderer log lines; over the cap they are dropped and counted. */
  readonly rendererLogBudget: TokenBucket;
}

/** Builds the handler table for every channel of the contract. */
export function createLauncherHandlers(deps: LauncherHandlerDeps): InvokeHandlers {
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
  };
}
