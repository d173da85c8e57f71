/**
 * One esbuild pass builds every program of the project into dist/.
 *
 * esbuild is the single bundler because the project needs three output shapes that it produces
 * from one config in well under a second: CommonJS for Electron's main process and the sandboxed
 * preload (which can only `require`), an ES module for the renderer page, and ES modules for the
 * Node programs (directory, command line, demo game). Entries that do not exist yet are skipped so
 * the build never blocks on unfinished programs.
 */
import { build, type BuildOptions } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

interface Entry {
  readonly source: string;
  readonly outfile: string;
  readonly options: BuildOptions;
}

const nodeProgram: BuildOptions = {
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
};

const entries: Entry[] = [
  {
    source: 'src/main/electron/main.ts',
    outfile: 'main/main.cjs',
    // Electron loads main as CommonJS; got is ESM-only, so everything but electron is bundled in.
    options: { platform: 'node', format: 'cjs', target: 'node22', external: ['electron'] },
  },
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
  {
    source: 'src/cli/rallypoint.ts',
    outfile: 'cli/rallypoint.js',
    options: { ...nodeProgram, banner: { js: '#!/usr/bin/env node' } },
  },
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
        await build({
          entryPoints: [join(root, entry.source)],
          outfile,
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
