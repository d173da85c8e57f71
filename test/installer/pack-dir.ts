/**
 * Packs the launcher with electron-builder's real pipeline, offline, as
 * `electron-builder --linux dir --config electron-builder.yml -c.electronDist=<dir>` (or `--mac`,
 * `--win`)
 * would: file filters, asar, production node_modules, extraMetadata, Info.plist generation and the
 * fuse flip all run for real; only the Electron distribution is a stand-in (stand-in-electron.ts),
 * because nothing can be downloaded here.
 *
 * On Linux it also asks electron-builder's own deb and AppImage target classes for the desktop
 * entries they would install, and writes them next to the packed app: those targets need tools
 * (fpm, appimagetool) that cannot be downloaded here.
 *
 * It packs a snapshot of the project (project-snapshot.ts) rather than the working tree, so another
 * test run rebuilding dist/ at the same moment cannot pull files away mid-pack.
 *
 * Usage (run by the pack tests as a child process):
 *   tsx test/installer/pack-dir.ts <linux|mac|win> <projectDir> <electronDist> <outputDir>
 *     [--no-sanity-check]
 * Prints one JSON line: { appOutDir, desktopEntries: { deb, appImage }, desktopIcons } (Linux
 * only fills the last two).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AfterPackContext } from 'app-builder-lib';
import type { LinuxPackager } from 'app-builder-lib/out/linuxPackager';
import { LinuxTargetHelper } from 'app-builder-lib/out/targets/LinuxTargetHelper';
import { Arch, build, Platform } from 'electron-builder';
import { repoRoot } from './electron-builder-config';

// These two modules are CommonJS with a `default` export: require keeps the class itself.
const require = createRequire(import.meta.url);
const { default: FpmTarget } =
  require('app-builder-lib/out/targets/FpmTarget') as typeof import('app-builder-lib/out/targets/FpmTarget');
const { default: AppImageTarget } =
  require('app-builder-lib/out/targets/appimage/AppImageTarget') as typeof import('app-builder-lib/out/targets/appimage/AppImageTarget');

const [platformName, projectDir, electronDist, outputDir, flag] = process.argv.slice(2);
const platforms = { linux: Platform.LINUX, mac: Platform.MAC, win: Platform.WINDOWS } as const;
if (
  !(platformName === 'linux' || platformName === 'mac' || platformName === 'win') ||
  !projectDir ||
  !electronDist ||
  !outputDir
) {
  console.error(
    'usage: pack-dir.ts <linux|mac|win> <projectDir> <electronDist> <outputDir> [--no-sanity-check]',
  );
  process.exit(2);
}
const platform = platforms[platformName];

const desktopEntries: Record<string, string> = {};
let desktopIcons: Array<{ file: string; size: number }> = [];
let appOutDir = '';

function installedElectronVersion(): string {
  const pkg = readFileSync(join(repoRoot, 'node_modules/electron/package.json'), 'utf8');
  return (JSON.parse(pkg) as { version: string }).version;
}

async function afterPack(context: AfterPackContext): Promise<void> {
  appOutDir = context.appOutDir;
  if (platform === Platform.LINUX) await writeDesktopEntries(context);
}

async function writeDesktopEntries(context: AfterPackContext): Promise<void> {
  const packager = context.packager as LinuxPackager;
  const helper = new LinuxTargetHelper(packager);
  const fileName = `${helper.getDesktopFileName()}.desktop`;

  const deb = new FpmTarget('deb', packager, helper, outputDir ?? '');
  const debEntry = await helper.computeDesktopEntry(deb.options);

  // The icon set both targets install under /usr/share/icons (or inside the AppImage).
  desktopIcons = (await helper.icons).map(({ file, size }) => ({ file, size }));

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
  projectDir,
  targets: platform.createTarget('dir', Arch.x64),
  publish: 'never',
  config: {
    // A path in `extends` loads that file and merges these options over it, like `-c.` flags.
    extends: join(projectDir, 'electron-builder.yml'),
    electronDist,
    // What electron-builder reads from the installed electron package, which the snapshot omits.
    electronVersion: installedElectronVersion(),
    directories: { output: outputDir },
    disableSanityCheckAsar: flag === '--no-sanity-check',
    afterPack,
  },
});

console.log(JSON.stringify({ appOutDir, desktopEntries, desktopIcons }));
