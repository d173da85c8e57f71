/**
 * The logger the intake writes its decisions to. Injected rather than imported so the logic runs
 * (and is asserted on) without electron-log; the composition root passes electron-log's scoped
 * logger, whose redaction hook is a second line of defence: intake already never logs a query.
 */
export interface IntakeLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
