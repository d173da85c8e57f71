/**
 * Programs a few tests need that npm cannot install (makensis, desktop-file-validate, Wine, the
 * Electron binary). A test looks its program up here before it is collected and, when the program
 * is missing, skips with exactly one line on the test output naming the program and where it
 * comes from; `.ci/run` installs them so CI runs those tests. See docs/testing.md.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** True for a file this process may run (a bind-mounted /dev/null or a folder is not one). */
export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The path of `name` on PATH, else the first of `places` (for packages that install a program
 * off PATH, such as Debian's wine64 in /usr/lib/wine), else undefined.
 */
export function findProgram(name: string, places: readonly string[] = []): string | undefined {
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, name));
  return [...onPath, ...places].find(isExecutableFile);
}

/**
 * Prints the one line a skipped test leaves in the default reporter's output. Written straight to
 * stdout rather than through `console`, which vitest would wrap in a header and a blank line.
 */
export function announceSkip(missing: string, source: string, skipped: string): void {
  process.stdout.write(`skipped without ${missing} (${source}): ${skipped}\n`);
}

/** Looks a program up and, when it is missing, announces what is skipped for it. */
export function programOrSkip(
  program: { name: string; source: string; places?: readonly string[] },
  skipped: string,
): string | undefined {
  const found = findProgram(program.name, program.places);
  if (found === undefined) announceSkip(program.name, program.source, skipped);
  return found;
}

/**
 * The real Electron binary, or why there is none. electron's install script downloads it from
 * outside the npm registry, so it is absent on machines that reach only npm; this never triggers
 * that download (`require('electron')` would try to). ELECTRON_OVERRIDE_DIST_PATH is honoured as
 * electron itself does.
 */
export function findElectronBinary(): { path: string } | { reason: string } {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) {
    return { reason: "node_modules/electron/path.txt missing: electron's download did not run" };
  }
  const relative = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(root, 'node_modules/electron/dist');
  const binary = join(dist, relative);
  return existsSync(binary) ? { path: binary } : { reason: `nothing at ${binary}` };
}

/** The Electron binary's path, or undefined after announcing what is skipped without it. */
export function electronOrSkip(skipped: string): string | undefined {
  const found = findElectronBinary();
  if ('reason' in found) announceSkip('the Electron binary', found.reason, skipped);
  return 'path' in found ? found.path : undefined;
}
