import { execFile } from 'node:child_process';

/** How `xdg-mime default` went; a failure is reported, never thrown. */
export type XdgMimeOutcome =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'not-installed' | 'failed' | 'timed-out';
      readonly detail: string;
    };

export interface XdgMimeOptions {
  /** The program to run; tests point it elsewhere. */
  readonly command?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/**
 * Runs `xdg-mime default <file> <mime types…>` to make our desktop entry the handler of our scheme.
 * Spawned directly, without a shell, so no path or scheme is ever interpreted. xdg-utils writes
 * `mimeapps.list` under `$XDG_CONFIG_HOME`; desktops that ignore it still see the entry's MimeType.
 */
export function runXdgMimeDefault(
  fileName: string,
  mimeTypes: readonly string[],
  options: XdgMimeOptions = {},
): Promise<XdgMimeOutcome> {
  return new Promise((resolve) => {
    execFile(
      options.command ?? 'xdg-mime',
      ['default', fileName, ...mimeTypes],
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 10_000, shell: false },
      (error, _stdout, stderr) => {
        if (error === null) {
          resolve({ ok: true });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          resolve({ ok: false, reason: 'not-installed', detail: 'xdg-mime was not found' });
        } else if (error.killed) {
          resolve({ ok: false, reason: 'timed-out', detail: 'xdg-mime did not finish in time' });
        } else {
          // Stryker disable next-line StringLiteral: split always gives a first element, so the `?? ''` is never reached
          const firstLine = String(stderr).trim().split('\n')[0] ?? '';
          resolve({ ok: false, reason: 'failed', detail: `exit ${String(code)}: ${firstLine}` });
        }
      },
    );
  });
}
