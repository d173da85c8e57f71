/**
 * The command line's log: with `--verbose` the launcher's log lines go to stderr, prefixed `log:`,
 * so stdout stays the command's own output (and its `--json` lines); without it there is none.
 */
import type { Logger } from '../main/logging/logger';

/** Log lines on stderr with --verbose, else no logger. */
export function cliLog(
  options: { readonly verbose: boolean },
  io: { readonly err: (line: string) => void },
): Pick<Logger, 'info' | 'warn'> | undefined {
  return options.verbose
    ? {
        info: (...data) => io.err(`log: ${data.join(' ')}`),
        warn: (...data) => io.err(`log: warning: ${data.join(' ')}`),
      }
    : undefined;
}
