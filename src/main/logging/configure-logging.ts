/**
 * Sets up an electron-log instance the way the launcher needs it and hands out one scoped logger
 * per concern. Kept free of Electron so the same setup runs in tests against a real electron-log
 * writing to a temporary folder; the Electron adapter only supplies the log file's path.
 */
import type { LevelOption, NodeLogger } from 'electron-log';
import type { Logger } from './logger';
import { createRedactionHook, isRedactionHook } from './redaction-hook';

/** Every scope main logs under; `renderer` carries the window's own lines from `log:write`. */
export const logScopes = [
  'app',
  'intake',
  'join',
  'ipc',
  'window',
  'directory',
  'renderer',
] as const;

export type LogScope = (typeof logScopes)[number];

export type LauncherLoggers = { readonly [S in LogScope]: Logger };

export interface LoggingOptions {
  /** Absolute path of the log file; false writes no file (tests, `--no-log-file`). */
  readonly file: string | false;
  /** Lowest level written to the file. */
  readonly fileLevel?: LevelOption;
  /** Lowest level printed on the console; packaged builds keep the console quiet. */
  readonly consoleLevel?: LevelOption;
  /** Rotate the file to `.old.log` past this many bytes. */
  readonly maxFileBytes?: number;
}

/** 2 MiB keeps a few days of normal use, small enough to attach to a bug report. */
const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Configures transports, installs the redaction hook exactly once, and returns the scoped loggers.
 * The IPC and remote transports are switched off: renderer lines arrive over the sender-checked
 * `log:write` channel, and logs never leave the machine on their own.
 */
export function configureLogging(log: NodeLogger, options: LoggingOptions): LauncherLoggers {
  const { file, console: consoleTransport, ipc, remote } = log.transports;
  if (options.file === false) {
    file.level = false;
  } else {
    const path = options.file;
    file.level = options.fileLevel ?? 'info';
    file.resolvePathFn = () => path;
    file.maxSize = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }
  consoleTransport.level = options.consoleLevel ?? 'info';
  if (ipc) ipc.level = false;
  if (remote) remote.level = false;

  if (!log.hooks.some((hook) => isRedactionHook(hook))) {
    log.hooks.push(createRedactionHook());
  }
  log.scope.labelPadding = false;

  const loggers = {} as Record<LogScope, Logger>;
  for (const scope of logScopes) loggers[scope] = log.scope(scope);
  return loggers;
}
