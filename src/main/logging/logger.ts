/**
 * The one logger shape every module of main writes to. electron-log's scoped loggers satisfy it
 * and so do the test recorders; modules that write only some levels take a `Pick` of it. Lines
 * never carry tokens: the redaction hook is a second line of defence, not the first.
 */
export interface Logger {
  error(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  info(...data: unknown[]): void;
  debug(...data: unknown[]): void;
}
