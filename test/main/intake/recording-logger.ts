import type { Logger } from '../../../src/main/logging/logger';

/** Keeps every line so tests can assert on decisions and on what must never be logged. */
export class RecordingLogger implements Pick<Logger, 'info' | 'warn' | 'error'> {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
  /** Every line joined, for `toContain` / `not.toContain`. */
  get text(): string {
    return this.lines.join('\n');
  }
}
