/**
 * A copy of what electron-builder packs from this repository, taken at one instant: the manifests,
 * the configuration and build resources, the built dist/, the production dependency tree as npm
 * reports it, and (to prove they are left out) the sources, the tests and a few development
 * dependencies. Packing the copy keeps the pack tests stable while other test runs rebuild dist/.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './electron-builder-config';

const run = promisify(execFile);

/** Development dependencies copied into the snapshot so "devDependencies never ship" can fail. */
export const sampleDevDependencies = ['js-yaml', 'fast-check', 'globals'] as const;

const projectEntries = [
  'package.json',
  'package-lock.json',
  'electron-builder.yml',
  'build',
  'dist',
  'src',
  'test',
];

/** Copies the project into `into` (which must not exist yet); returns `into`. */
export async function snapshotProject(into: string): Promise<string> {
  mkdirSync(into, { recursive: true });
  for (const entry of projectEntries) await copyEntry(entry, into);
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: repoRoot,
    timeout: 60_000,
    maxBuffer: 8 * 1024 * 1024,
  });
  const productionPaths = stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(join(repoRoot, 'node_modules')));
  const devPaths = sampleDevDependencies.map((name) => join(repoRoot, 'node_modules', name));
  for (const path of [...productionPaths, ...devPaths]) {
    const target = join(into, relative(repoRoot, path));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(path, target, { recursive: true });
  }
  return into;
}

/**
 * Copies one project entry. Another test run may be rebuilding dist/ (it deletes, then writes,
 * within about a second): a copy that loses files to that is retried from scratch a few times.
 */
async function copyEntry(entry: string, into: string): Promise<void> {
  const from = join(repoRoot, entry);
  const to = join(into, entry);
  for (let attempt = 1; ; attempt += 1) {
    try {
      if (existsSync(from)) cpSync(from, to, { recursive: true });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
      rmSync(to, { recursive: true, force: true });
      await new Promise((done) => setTimeout(done, 1500));
    }
  }
}
