/**
 * Packs the macOS app offline with electron-builder's real pipeline around a stand-in Electron.app
 * (stand-in-electron.ts) and reads back the Info.plist electron-builder wrote: macOS learns the
 * invite schemes from CFBundleURLTypes there, and Electron checks the asar against
 * ElectronAsarIntegrity when the integrity fuse is on. The dmg itself needs macOS (hdiutil).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRawHeader } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { parsePlistFile } from 'app-builder-lib/out/util/plist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadResolvedBuilderConfig, repoRoot } from './electron-builder-config';
import { snapshotProject } from './project-snapshot';
import { packProjectDir, writeStandInMacElectron, type PackResult } from './stand-in-electron';

interface UrlType {
  readonly CFBundleURLName: string;
  readonly CFBundleTypeRole: string;
  readonly CFBundleURLSchemes: string[];
}

interface AppInfoPlist {
  readonly CFBundleIdentifier: string;
  readonly CFBundleExecutable: string;
  readonly CFBundleIconFile?: string;
  readonly CFBundleURLTypes?: UrlType[];
  readonly ElectronAsarIntegrity?: Record<string, { algorithm: string; hash: string }>;
}

const workDir = mkdtempSync(join(tmpdir(), 'rallypoint-pack-mac-'));
/** Taken before the tests are collected, so skips can depend on what it holds. */
const project = await snapshotProject(join(workDir, 'project'));
const mainBuilt = existsSync(join(project, 'dist/main/main.cjs'));
let packed: PackResult;
let appContents = '';
let plist: AppInfoPlist;

beforeAll(async () => {
  const electronDist = join(workDir, 'electron-dist');
  writeStandInMacElectron(electronDist);
  packed = await packProjectDir('mac', project, electronDist, join(workDir, 'out'), mainBuilt);
  appContents = join(packed.appOutDir, 'Rallypoint.app/Contents');
  plist = (await parsePlistFile(join(appContents, 'Info.plist'))) as AppInfoPlist;
}, 300_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('packed macOS app (electron-builder --mac dir, offline)', () => {
  it('declares one CFBundleURLTypes entry per protocol, with its name, role and schemes', async () => {
    const config = await loadResolvedBuilderConfig();
    const expected = [config.protocols ?? []].flat().map((protocol) => ({
      CFBundleURLName: protocol.name,
      CFBundleTypeRole: protocol.role ?? 'Editor',
      CFBundleURLSchemes: [protocol.schemes].flat(),
    }));
    expect(plist.CFBundleURLTypes).toEqual(expected);
    expect(plist.CFBundleURLTypes?.flatMap((type) => type.CFBundleURLSchemes)).toEqual([
      'rallypoint',
      'ms-xbl-52414c59',
    ]);
  });

  it('is identified by the app id and runs the Rallypoint executable', () => {
    expect(plist.CFBundleIdentifier).toBe('gg.rallypoint.launcher');
    expect(plist.CFBundleExecutable).toBe('Rallypoint');
    expect(existsSync(join(appContents, 'MacOS/Rallypoint'))).toBe(true);
  });

  it('shows the Rallypoint icon, shipped as the committed icns without conversion', () => {
    expect(plist.CFBundleIconFile).toBe('icon.icns');
    const shipped = readFileSync(join(appContents, 'Resources/icon.icns'));
    expect(shipped.equals(readFileSync(join(repoRoot, 'build/icon.icns')))).toBe(true);
  });

  it('ships the studio settings in Contents/Resources, next to the asar', () => {
    expect(readFileSync(join(appContents, 'Resources/studio-settings.json'), 'utf8')).toBe(
      readFileSync(join(project, 'build/studio-settings.json'), 'utf8'),
    );
  });

  it('records the asar header hash Electron validates when the integrity fuse is on', () => {
    const integrity = plist.ElectronAsarIntegrity?.['Resources/app.asar'];
    const { headerString } = getRawHeader(join(appContents, 'Resources/app.asar'));
    expect(integrity?.algorithm).toBe('SHA256');
    expect(integrity?.hash).toBe(createHash('sha256').update(headerString).digest('hex'));
  });

  it('flips the fuses in the Electron Framework binary', async () => {
    const wire = await getCurrentFuseWire(join(packed.appOutDir, 'Rallypoint.app'));
    const state = (option: FuseV1Options) => String.fromCharCode(wire[option] as number);
    expect(state(FuseV1Options.RunAsNode)).toBe('0');
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe('1');
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe('1');
    expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe('0');
  });
});
