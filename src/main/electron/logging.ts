/**
 * electron-log for the main process. The launcher uses electron-log's Node build rather than
 * `electron-log/main`: the latter registers its own raw `__ELECTRON_LOG__` ipcMain listeners on
 * import, a renderer-to-main channel with no sender check. Renderer lines instead arrive over the
 * checked `log:write` invoke, and only the file location comes from Electron.
 */
import { app } from 'electron';
import log from 'electron-log/node';
import { join } from 'node:path';
import { configureLogging, type LauncherLoggers } from '../logging/configure-logging';

export interface MainLoggingOptions {
  /** Development builds log debug lines and echo to the console. */
  readonly devMode: boolean;
}

/** File: `<logs>/main.log` (rotated at 2 MiB); console: info in development, warnings when packaged. */
export function setUpMainLogging(options: MainLoggingOptions): LauncherLoggers {
  // Without an argument this picks the platform's usual folder (~/Library/Logs/<app> on macOS,
  // <userData>/logs elsewhere) and makes getPath('logs') valid before `ready`.
  app.setAppLogsPath();
  const loggers = configureLogging(log, {
    file: join(app.getPath('logs'), 'main.log'),
    fileLevel: options.devMode ? 'debug' : 'info',
    consoleLevel: options.devMode ? 'info' : 'warn',
  });
  // Uncaught errors are logged (through the same redaction hook) instead of Electron's modal
  // dialog, which a player cannot act on.
  log.errorHandler.startCatching({ showDialog: false });
  return loggers;
}

/** The log file's path, for start-up error boxes and support requests (docs/security.md). */
export function mainLogPath(): string {
  return join(app.getPath('logs'), 'main.log');
}
