/**
 * `npm run directory -- --workers N …` as a real child process (the built dist/directory/cli.js or
 * a private copy of it): waits for its listening line, keeps every line it prints (stdout and
 * stderr) so a test can wait for or count the workers' lines, and stops it with SIGTERM the way an
 * operator would.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The directory program the global setup builds. */
export const builtDirectoryProgram = join(import.meta.dirname, '../../dist/directory/cli.js');

/** A running directory command line and what it printed so far. */
export interface DirectoryProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** The URL of its `directory listening on URL` line. */
  readonly url: string;
  /** Every line printed so far, stdout and stderr interleaved as they arrived. */
  readonly lines: readonly string[];
  /** The first line from index `after` on (printed already or later) matching `pattern`, within 60 s. */
  lineMatching(pattern: RegExp, after?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then the exit code once every worker closed. */
  stop(): Promise<number | null>;
}

/** Starts `node program …args` and resolves once it prints its listening line. */
export async function startDirectoryProcess(
  args: readonly string[],
  program: string = builtDirectoryProgram,
): Promise<DirectoryProcess> {
  const child = spawn(process.execPath, [program, ...args], { stdio: 'pipe' });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const resolve of waiters.splice(0)) resolve();
  };
  const exited = new Promise<number | null>((resolve) =>
    // 'close' rather than 'exit': by then every line the process printed has been read.
    child.once('close', (code) => {
      wake();
      resolve(code);
    }),
  );
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      wake();
    });
  }
  const lineMatching = async (pattern: RegExp, after = 0): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      for (const line of lines.slice(after)) {
        const match = pattern.exec(line);
        if (match) return match;
      }
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the directory exited; last lines:\n${lines.slice(-15).join('\n')}`);
      if (Date.now() > deadline)
        throw new Error(
          `no line matched ${pattern} in 60 s; last lines:\n${lines.slice(-15).join('\n')}`,
        );
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 1000);
      });
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  try {
    const url = (await lineMatching(/^directory listening on (\S+)$/))[1] ?? '';
    return { child, url, lines, lineMatching, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
