/**
 * Stand-in Electron distributions for packing offline (the real binaries cannot be downloaded
 * here), and the child process that packs with them (pack-dir.ts).
 *
 * The stand-in binary is a stub script, but it carries a real fuse wire: the sentinel
 * @electron/fuses searches for, wire version 1, and Electron 45's stock fuse values. So the fuse
 * flip electron-builder performs is the real one, and a test can read the result back.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FuseV1Options } from '@electron/fuses';
import { repoRoot } from './electron-builder-config';

const run = promisify(execFile);

/** The marker @electron/fuses looks for in an Electron binary. */
const fuseSentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron 45's stock fuse wire in FuseV1Options order: '1' enabled, '0' disabled. Starting from
 * the stock values means every fuse the configuration sets must visibly change.
 */
export const stockFuseWire: Readonly<Record<FuseV1Options, '0' | '1'>> = {
  [FuseV1Options.RunAsNode]: '1',
  [FuseV1Options.EnableCookieEncryption]: '0',
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: '1',
  [FuseV1Options.EnableNodeCliInspectArguments]: '1',
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: '0',
  [FuseV1Options.OnlyLoadAppFromAsar]: '0',
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: '0',
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: '1',
};

/** The sentinel, wire version 1, the fuse count, then one byte per fuse. */
function fuseWire(): Buffer {
  const count = Object.keys(stockFuseWire).length;
  const wire = Array.from({ length: count }, (_, index) => stockFuseWire[index as FuseV1Options]);
  return Buffer.concat([
    Buffer.from(fuseSentinel),
    Buffer.from([1, count]),
    Buffer.from(wire.join('')),
  ]);
}

/** A stub script with a fuse wire inside, for the Linux and macOS binaries. */
function fusedStub(): Buffer {
  return Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in Electron for packaging tests" >&2\nexit 1\n'),
    fuseWire(),
    Buffer.from('\n'),
  ]);
}

/** An unpacked Linux Electron: `electron` (renamed to the executable name on pack). */
export function writeStandInLinuxElectron(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'electron'), fusedStub(), { mode: 0o755 });
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
  writeFileSync(join(dir, 'version'), '45.5.0');
}

function infoPlist(name: string, identifier: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0"><dict>',
    `<key>CFBundleExecutable</key><string>${name}</string>`,
    `<key>CFBundleIdentifier</key><string>${identifier}</string>`,
    `<key>CFBundleName</key><string>${name}</string>`,
    '<key>CFBundlePackageType</key><string>APPL</string>',
    '</dict></plist>',
    '',
  ].join('\n');
}

/**
 * An unpacked macOS Electron.app with the files electron-builder rewrites: the app and helper
 * Info.plist files, the executables it renames, and the framework binary that holds the fuses.
 */
export function writeStandInMacElectron(dir: string): void {
  const contents = join(dir, 'Electron.app/Contents');
  const helper = join(contents, 'Frameworks/Electron Helper.app/Contents');
  const framework = join(contents, 'Frameworks/Electron Framework.framework');
  for (const folder of [
    join(contents, 'MacOS'),
    join(contents, 'Resources'),
    join(helper, 'MacOS'),
    framework,
  ]) {
    mkdirSync(folder, { recursive: true });
  }
  writeFileSync(join(contents, 'Info.plist'), infoPlist('Electron', 'com.github.Electron'));
  writeFileSync(join(contents, 'MacOS/Electron'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  writeFileSync(join(contents, 'Resources/electron.icns'), 'stand-in icon\n');
  writeFileSync(
    join(helper, 'Info.plist'),
    infoPlist('Electron Helper', 'com.github.Electron.helper'),
  );
  writeFileSync(join(helper, 'MacOS/Electron Helper'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  writeFileSync(join(framework, 'Electron Framework'), fusedStub());
}

/**
 * An unpacked Windows Electron: `electron.exe` must be a real PE image, because electron-builder
 * rewrites its version information and icon and adds the asar integrity resource. makensis makes
 * one (a do-nothing program with Electron's version block); the fuse wire is appended after it.
 */
export async function writeStandInWindowsElectron(dir: string, makensis: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const version = (key: string, value: string) => `VIAddVersionKey /LANG=1033 "${key}" "${value}"`;
  writeFileSync(
    join(dir, 'stand-in.nsi'),
    [
      'Unicode true',
      'Target amd64-unicode',
      'Name "Electron"',
      'OutFile "electron.exe"',
      'SilentInstall silent',
      'RequestExecutionLevel user',
      'VIProductVersion "45.5.0.0"',
      'VIFileVersion "45.5.0.0"',
      version('ProductName', 'Electron'),
      version('FileDescription', 'Electron'),
      version('CompanyName', 'GitHub, Inc.'),
      version('LegalCopyright', 'Copyright (C) GitHub, Inc.'),
      version('FileVersion', '45.5.0'),
      version('ProductVersion', '45.5.0'),
      version('InternalName', 'electron.exe'),
      version('OriginalFilename', 'electron.exe'),
      'Section',
      'SectionEnd',
      '',
    ].join('\n'),
  );
  await run(makensis, ['-V2', '-WX', 'stand-in.nsi'], { cwd: dir, timeout: 60_000 });
  rmSync(join(dir, 'stand-in.nsi'));
  // Data after the last PE section is ignored by Windows and kept by electron-builder's rewrite.
  appendFileSync(join(dir, 'electron.exe'), fuseWire());
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
  writeFileSync(join(dir, 'version'), '45.5.0');
}

/** What pack-dir.ts reports. */
export interface PackResult {
  readonly appOutDir: string;
  readonly desktopEntries: { readonly deb?: string; readonly appImage?: string };
  readonly desktopIcons: ReadonlyArray<{ readonly file: string; readonly size: number }>;
}

/**
 * Runs pack-dir.ts on a project snapshot with the given Electron distribution (a stand-in, or
 * the real one where it exists) as a child process, bounded in time. Until the main
 * process is built (dist/main/main.cjs), electron-builder's check that the entry file is in the
 * asar is turned off with `sanityCheck: false`; everything else still runs.
 */
export async function packProjectDir(
  platform: 'linux' | 'mac' | 'win',
  projectDir: string,
  electronDist: string,
  outputDir: string,
  sanityCheck: boolean,
): Promise<PackResult> {
  const args = [
    join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
    join(repoRoot, 'test/installer/pack-dir.ts'),
    platform,
    projectDir,
    electronDist,
    outputDir,
    ...(sanityCheck ? [] : ['--no-sanity-check']),
  ];
  const { stdout } = await run(process.execPath, args, {
    cwd: repoRoot,
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, ELECTRON_BUILDER_OFFLINE: 'true', CI: 'true' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as PackResult;
}
