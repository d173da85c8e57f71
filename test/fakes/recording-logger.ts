/** A Logger that keeps every line, for asserting what main decided to log. */
import { format } from 'node:util';
import type { Logger } from '../../src/main/logging/logger';

export type RecordedLevel = 'error' | 'warn' | 'info' | 'debug';

export interface RecordingLogger extends Logger {
  readonly entries: { level: RecordedLevel; text: string }[];
  lines(level?: RecordedLevel): string[];
}

export function recordingLogger(): RecordingLogger {
  const entries: { level: RecordedLevel; text: string }[] = [];
  const at =
    (level: RecordedLevel) =>
    (...data: unknown[]) => {
      entries.push({ level, text: format(...data) });
    };
  return {
    entries,
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    lines: (level) =>
      entries.filter((entry) => level === undefined || entry.level === level).map((e) => e.text),
  };
}
