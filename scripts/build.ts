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
 * - The command line bundles its dependencies in (no node_modules tree walk at start). Its entry
 *   holds only argument parsing (and is split at its dynamic imports, so `rallypoint help` loads
 *   nothing else). The join flow `activate` and `demo` run is one CommonJS file, join-flow.cjs, so
 *   the entry can compile it with a V8 code cache (src/cli/code-cache-loader.ts), which ES modules
 *   cannot have on Node 20; its first line carries a hash of its content that keys the cache. The
 *   embedded directory it starts is another file beside it, required only when it is started.
 */
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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

/** Modules the command line's join flow imports lazily, and the CommonJS file each becomes. */
export const lazyCliModules: Readonly<Record<string, string>> = {
  'src/directory/start-directory.ts': 'cli/embedded-directory.cjs',
};

/**
 * Rewrites dynamic imports of the `lazy` modules to `require`s of their separate bundles, which
 * live in the same folder as the importing bundle.
 */
const lazyImports = (lazy: Readonly<Record<string, string>>): Plugin => ({
  name: 'lazy-imports',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData === 'lazy-imports') return;
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'lazy-imports',
      });
      const target = lazy[relative(root, resolved.path).split(sep).join('/')];
      return target === undefined ? undefined : { path: `./${basename(target)}`, external: true };
    });
  },
});

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

/**
 * got's type checker (@sindresorhus/is) builds two `Intl.ListFormat`s when it loads, only to word
 * the message of a failed assertion. The first `Intl` object a process creates loads ICU's locale
 * data: about 20 ms of CPU, a fifth of Node's own start, before the first request of
 * `rallypoint activate`. This build step makes both formatters build on first use; if a new
 * version no longer has them, the build says so and leaves the file as it is.
 */
const deferListFormats: Plugin = {
  name: 'defer-list-formats',
  setup(pluginBuild) {
    pluginBuild.onLoad(
      { filter: /[\\/]@sindresorhus[\\/]is[\\/]distribution[\\/]index\.js$/ },
      (args) => {
        const text = readFileSync(args.path, 'utf8');
        const deferred = text.replaceAll('new Intl.ListFormat(', 'deferredListFormat(');
        if (deferred === text) {
          return { warnings: [{ text: 'no Intl.ListFormat left to defer: remove this step' }] };
        }
        const helper = [
          'function deferredListFormat(locale, options) {',
          '  let format;',
          '  return { format: (list) => (format ??= new Intl.ListFormat(locale, options)).format(list) };',
          '}',
        ].join('\n');
        return { contents: `${deferred}\n${helper}\n`, loader: 'js' };
      },
    );
  },
};

/**
 * got imports http2-wrapper at load, which loads Node's http2, tls, https and assert, and uses it
 * only for a request with its `http2` option over https, which Rallypoint never sets. In the
 * command line's join flow it stands behind an object that requires it on first property read.
 */
const deferHttp2Wrapper: Plugin = {
  name: 'defer-http2-wrapper',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^http2-wrapper$/ }, async (args) => {
      if (args.pluginData === 'defer-http2-wrapper') return undefined;
      const real = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'defer-http2-wrapper',
      });
      return { path: args.path, namespace: 'deferred', pluginData: real.path };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'deferred' }, (args) => ({
      contents: [
        'let real;',
        `const load = () => (real ??= require(${JSON.stringify(args.pluginData)}));`,
        'module.exports = new Proxy({}, { get: (_, key) => load()[key] });',
      ].join('\n'),
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/** The first line of join-flow.cjs; the build replaces the zeros with the file's SHA-256. */
export const bundleHashLine = `//# rallypoint-bundle-sha256=${'0'.repeat(64)}`;

/** The command line's CommonJS parts: no `import.meta`, no native `import()` (see the loader). */
const commandLineCjs: BuildOptions = {
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: process.env.NOMIN ? false : true,
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__rallypointFileUrl' },
  banner: {
    js: `${bundleHashLine}\nvar __rallypointFileUrl = require('node:url').pathToFileURL(__filename).href;`,
  },
};

const entries: Entry[] = [
  {
    source: 'src/main/electron/main.ts',
    outfile: 'main/main.cjs',
    options: { ...electronMain, plugins: [lazyImports(lazyMainModules)] },
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
  {
    source: 'src/cli/cli-activate.ts',
    outfile: 'cli/join-flow.cjs',
    options: {
      ...commandLineCjs,
      plugins: [lazyImports(lazyCliModules), deferListFormats, deferHttp2Wrapper],
    },
  },
  ...Object.entries(lazyCliModules).map(([source, outfile]): Entry => ({
    source,
    outfile,
    options: commandLineCjs,
  })),
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
        if (entry.options.banner === commandLineCjs.banner) stampBundleHash(outfile);
        written.push(outfile);
      }),
  );
  copyRendererAssets();
  return written;
}

/** Writes the file's SHA-256 (taken with the zeros in place) into its first line. */
function stampBundleHash(file: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.startsWith(bundleHashLine))
    throw new Error(`${file} does not start with its hash line`);
  const hash = createHash('sha256').update(text).digest('hex');
  writeFileSync(file, text.replace('0'.repeat(64), hash));
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
