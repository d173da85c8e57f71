/**
 * Packs the launcher for Linux with electron-builder's real pipeline, offline, as
 * `electron-builder --linux dir --config electron-builder.yml -c.electronDist=<dir>` would:
 * file filters, asar, production node_modules, extraMetadata and the fuse flip all run for real;
 * only the Electron binary is a stand-in (no download is possible here).
 *
 * After packing it also asks electron-builder's own Linux target classes for the desktop entries
 * the deb and the AppImage would install, and writes them next to the packed app, because those
 * targets need tools (fpm, appimagetool) that cannot be downloaded here.
 *
 * Usage (run by pack-linux.test.ts as a child process):
 *   tsx test/installer/pack-linux-dir.ts <electronDist> <outputDir> [--no-sanity-check]
 * Prints one JSON line: { appOutDir, desktopEntries: { deb, appImage } }.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AfterPackContext } from 'app-builder-lib';
import type { LinuxPackager } from 'app-builder-lib/out/linuxPackager';
import { LinuxTargetHelper } from 'app-builder-lib/out/targets/LinuxTargetHelper';
import { Arch, build, Platform } from 'electron-builder';
import { builderConfigPath, repoRoot } from './electron-builder-config';

// These two modules are CommonJS with a `default` export: require keeps the class itself.
const require = createRequire(import.meta.url);
const { default: FpmTarget } =
  require('app-builder-lib/out/targets/FpmTarget') as typeof import('app-builder-lib/out/targets/FpmTarget');
const { default: AppImageTarget } =
  require('app-builder-lib/out/targets/appimage/AppImageTarget') as typeof import('app-builder-lib/out/targets/appimage/AppImageTarget');

const [electronDist, outputDir, flag] = process.argv.slice(2);
if (!electronDist || !outputDir) {
  console.error('usage: pack-linux-dir.ts <electronDist> <outputDir> [--no-sanity-check]');
  process.exit(2);
}

const desktopEntries: Record<string, string> = {};
let appOutDir = '';

async function writeDesktopEntries(context: AfterPackContext): Promise<void> {
  appOutDir = context.appOutDir;
  const packager = context.packager as LinuxPackager;
  const helper = new LinuxTargetHelper(packager);
  const fileName = `${helper.getDesktopFileName()}.desktop`;

  const deb = new FpmTarget('deb', packager, helper, outputDir ?? '');
  const debEntry = await helper.computeDesktopEntry(deb.options);

  const appImage = new AppImageTarget('appImage', packager, helper, outputDir ?? '');
  // The AppImage target computes its entry (Exec=AppRun …) lazily in a private field.
  const lazy = (appImage as unknown as { desktopEntry: { value: Promise<string> } }).desktopEntry;
  const appImageEntry = await lazy.value;

  for (const [target, entry] of [
    ['deb', debEntry],
    ['appImage', appImageEntry],
  ] as const) {
    const dir = join(outputDir ?? '', 'desktop-entries', target);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, fileName);
    writeFileSync(file, entry);
    desktopEntries[target] = file;
  }
}

await build({
  projectDir: repoRoot,
  targets: Platform.LINUX.createTarget('dir', Arch.x64),
  publish: 'never',
  config: {
    // A path in `extends` loads that file and merges these options over it, like `-c.` flags.
    extends: builderConfigPath,
    electronDist,
    directories: { output: outputDir },
    disableSanityCheckAsar: flag === '--no-sanity-check',
    afterPack: writeDesktopEntries,
  },
});

console.log(JSON.stringify({ appOutDir, desktopEntries }));
