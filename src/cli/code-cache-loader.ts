/**
 * Requires a CommonJS bundle through a V8 code cache, so a cold `rallypoint activate` does not
 * compile its join flow (got, zod, xstate: about 400 KB) from source on every run. Node 20 has no
 * code cache for ES modules (`module.enableCompileCache` is Node 22), hence the join flow is a
 * CommonJS bundle (scripts/build.ts) compiled here with `vm.Script` and `cachedData`.
 *
 * The cache lives in the user's cache folder, one file per bundle content, Node version and
 * architecture: the bundle's first line carries the SHA-256 of its content (written by the build),
 * because V8 itself checks only the source length. V8 refuses data from another V8 build or flags;
 * then, and when there is no cache yet, a new one is written after the bundle's top level ran (so
 * it holds what that run compiled too) and older ones of that bundle are deleted. Any file-system
 * failure only means compiling from source. The cache is as trusted as the rest of the user's
 * folders: whoever can write there can already change what the user runs.
 *
 * Why not a package: `v8-compile-cache` (and its fork `v8-compile-cache-lib`) hooks every
 * `require`, keys entries with a SHA-1 (loading node:crypto at start), produces its data before the
 * code runs (so without the functions run at load) and writes it only at process exit, which a
 * killed or interrupted command never reaches.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** What happened to the code cache; the command line logs it with `--verbose`. */
export type CodeCacheOutcome =
  /** Compiled from the cache. */
  | 'used'
  /** No usable cache (none yet, or V8 refused it): compiled from source and a cache written. */
  | 'written'
  /** Compiled from source; the cache could not be written (`reason` says why). */
  | 'unwritable'
  /** The bundle carries no content hash (not built by scripts/build.ts): no cache. */
  | 'unhashed';

export interface CodeCachedModule {
  readonly exports: unknown;
  readonly cache: CodeCacheOutcome;
  readonly reason?: string;
  /**
   * Call when the command is done. After a run that wrote the cache, this writes it again with
   * every function the run has compiled since (the request, the machine, the parsing), so the next
   * run compiles none of them either. Otherwise it does nothing.
   */
  readonly finish: () => void;
}

const hashLine = /^\/\/# rallypoint-bundle-sha256=([0-9a-f]{64})$/m;

/** The cache file of one bundle content on this Node version and architecture. */
function cacheFileName(bundle: string, hash: string): string {
  return `${basename(bundle)}-${hash.slice(0, 32)}-node${process.versions.v8}-${process.arch}.v8cache`;
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes atomically (a half-written file is never read) and removes the bundle's older caches. */
function writeCache(folder: string, bundle: string, file: string, data: Buffer): void {
  mkdirSync(folder, { recursive: true });
  const temporary = join(folder, `${file}.${process.pid}.tmp`);
  writeFileSync(temporary, data);
  renameSync(temporary, join(folder, file));
  for (const other of readdirSync(folder)) {
    if (other !== file && other.startsWith(`${basename(bundle)}-`) && other.endsWith('.v8cache'))
      rmSync(join(folder, other), { force: true });
  }
}

/** Runs the CommonJS bundle at `bundle` (absolute path) and returns its `module.exports`. */
export function requireWithCodeCache(bundle: string, cacheFolder: string): CodeCachedModule {
  const source = readFileSync(bundle, 'utf8');
  const hash = hashLine.exec(source.slice(0, 200))?.[1];
  const cacheFile = hash === undefined ? undefined : cacheFileName(bundle, hash);
  const cachedData = cacheFile === undefined ? undefined : readCache(join(cacheFolder, cacheFile));
  // The CommonJS wrapper on the first line, so line numbers (and the source map) stay right.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: bundle, ...(cachedData ? { cachedData } : {}) },
  );
  const module = { exports: {} as unknown, id: bundle, filename: bundle };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const done = { exports: module.exports, finish: () => undefined };
  if (cacheFile === undefined) return { ...done, cache: 'unhashed' };
  if (cachedData && !script.cachedDataRejected) return { ...done, cache: 'used' };
  // Written now, so a run that is killed later still leaves a cache; rewritten by `finish`.
  const write = () => writeCache(cacheFolder, bundle, cacheFile, script.createCachedData());
  try {
    write();
  } catch (error) {
    return { ...done, cache: 'unwritable', reason: String(error) };
  }
  return {
    ...done,
    cache: 'written',
    finish: () => {
      try {
        write();
      } catch {
        // The cache written at load stays; it only lacks what this run compiled since.
      }
    },
  };
}
