/**
 * A copy of what electron-builder packs from this repository, taken at one instant: the manifests,
 * the configuration and build resources, the built dist/, the production dependency tree as npm
 * reports it, and (to prove they are left out) the sources, the tests and a few development
 * dependencies. Packing the copy keeps the pack tests stable while other test runs rebuild dist/.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './electron-builder-config';

const run = promisify(execFile);

/** Development dependencies copied into the snapshot so "devDependencies never ship" can fail. */
export const sampleDevDependencies = ['js-yaml', 'ws', 'globals'] as const;

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
  for (const entry of projectEntries) {
    const from = join(repoRoot, entry);
    if (existsSync(from)) cpSync(from, join(into, entry), { recursive: true });
  }
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
