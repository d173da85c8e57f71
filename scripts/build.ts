/**
 * One esbuild pass builds every program of the project into dist/.
 *
 * esbuild is the single bundler because the project needs three output shapes that it produces
 * from one config in well under a second: CommonJS for Electron's main process and the sandboxed
 * preload (which can only `require`), an ES module for the renderer page, and ES modules for the
 * Node programs (directory, command line, demo game). Entries that do not exist yet are skipped so
 * the build never blocks on unfinished programs.
 *
 * Cold start shapes two of them (docs/benchmarks.md, "Cold start"):
 * - Electron's main is CommonJS, where esbuild cannot split code, so each module main loads with a
 *   dynamic `import()` and that is listed in `lazyMainModules` becomes its own CommonJS file next
 *   to main.cjs, required only when that `import()` runs. The embedded directory is one.
 * - The command line bundles its dependencies in (no node_modules tree walk at start) and is split
 *   at its dynamic imports, so `rallypoint help` loads only argument parsing.
 */
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

interface Entry {
  readonly source: string;
  /** The output file, relative to dist/; with `splitting`, chunks are written beside it. */
  readonly outfile: string;
  readonly options: BuildOptions;
}

/**
 * Modules Electron's main imports lazily, and the CommonJS file (in dist/main) each becomes. Their
 * `import()` in main is rewritten to a `require` of that file, so main.cjs stays small.
 */
export const lazyMainModules: Readonly<Record<string, string>> = {
  'src/directory/start-directory.ts': 'main/embedded-directory.cjs',
  'src/main/join-stack.ts': 'main/join-stack.cjs',
};

const electronMain: BuildOptions = {
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  // Electron provides `electron`; everything else is bundled (got is ESM-only).
  external: ['electron'],
  // A lazy module is loaded with `require` (inside asar, synchronous, no ESM loader).
  supported: { 'dynamic-import': false },
  // Less to read and parse before the first window; names stay, so stack traces in logs read.
  minifyWhitespace: true,
  minifySyntax: true,
};

/** Rewrites main's dynamic imports of `lazyMainModules` to their separate bundles. */
const lazyMainImports: Plugin = {
  name: 'lazy-main-imports',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData === 'lazy-main-imports') return;
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'lazy-main-imports',
      });
      const target = lazyMainModules[relative(root, resolved.path).split(sep).join('/')];
      return target === undefined
        ? undefined
        : { path: `./${target.slice('main/'.length)}`, external: true };
    });
  },
};

const nodeProgram: BuildOptions = {
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
};

const commandLine: BuildOptions = {
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  minify: true,
  chunkNames: '[name]-[hash]',
  // Bundled CommonJS dependencies (got's http2-wrapper, …) call `require`, which ESM lacks.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __rallypointRequire } from 'node:module';",
      'const require = __rallypointRequire(import.meta.url);',
    ].join('\n'),
  },
};

const entries: Entry[] = [
  {
    source: 'src/main/electron/main.ts',
    outfile: 'main/main.cjs',
    options: { ...electronMain, plugins: [lazyMainImports] },
  },
  ...Object.entries(lazyMainModules).map(([source, outfile]): Entry => ({
    source,
    outfile,
    options: electronMain,
  })),
  {
    source: 'src/preload/preload.ts',
    outfile: 'preload/preload.cjs',
    // A sandboxed preload can require only `electron` and a few polyfilled modules: one file.
    options: { platform: 'node', format: 'cjs', target: 'chrome130', external: ['electron'] },
  },
  {
    source: 'src/renderer/app.ts',
    outfile: 'renderer/app.js',
    options: { platform: 'browser', format: 'esm', target: 'chrome120', minify: true },
  },
  { source: 'src/directory/cli.ts', outfile: 'directory/cli.js', options: nodeProgram },
  { source: 'src/cli/rallypoint.ts', outfile: 'cli/rallypoint.js', options: commandLine },
  { source: 'src/demo-game/demo-game.ts', outfile: 'demo-game/demo-game.js', options: nodeProgram },
];

/** Builds every existing entry; returns the output files written. */
export async function buildAll(): Promise<string[]> {
  rmSync(dist, { recursive: true, force: true });
  const written: string[] = [];
  await Promise.all(
    entries
      .filter((entry) => existsSync(join(root, entry.source)))
      .map(async (entry) => {
        const outfile = join(dist, entry.outfile);
        const target = entry.options.splitting
          ? {
              entryPoints: { [basename(outfile, extname(outfile))]: join(root, entry.source) },
              outdir: dirname(outfile),
            }
          : { entryPoints: [join(root, entry.source)], outfile };
        await build({
          ...target,
          bundle: true,
          sourcemap: 'linked',
          logLevel: 'warning',
          define: { 'process.env.RALLYPOINT_VERSION': JSON.stringify(packageVersion()) },
          ...entry.options,
        });
        written.push(outfile);
      }),
  );
  copyRendererAssets();
  return written;
}

function packageVersion(): string {
  // Read at build time so the User-Agent carries the real version without file reads at run time.
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** Static renderer files (HTML, CSS) are copied beside the bundle. */
function copyRendererAssets(): void {
  const from = join(root, 'src/renderer');
  if (!existsSync(from)) return;
  const to = join(dist, 'renderer');
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (name.endsWith('.html') || name.endsWith('.css'))
      copyFileSync(join(from, name), join(to, name));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await buildAll();
  console.log(`built ${files.length} bundles into dist/`);
}
