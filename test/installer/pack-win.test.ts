/**
 * Packs the Windows app offline with electron-builder's real pipeline around a stand-in
 * electron.exe (a real PE image made by makensis, see stand-in-electron.ts) and reads the packed
 * Rallypoint.exe back: electron-builder rewrote its version information and icon, embedded the asar
 * integrity resource Electron checks at start, and flipped the fuses. The NSIS installer around it
 * needs electron-builder's NSIS bundle from GitHub, so it is not built here; its protocol include is
 * tested on its own (nsis-include, nsis-wine).
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getRawHeader, listPackage } from '@electron/asar';
import { NtExecutable, NtExecutableResource, Resource } from 'resedit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programOrSkip } from '../host-tools';
import { repoRoot } from './electron-builder-config';
import { snapshotProject } from './project-snapshot';
import { packProjectDir, writeStandInWindowsElectron, type PackResult } from './stand-in-electron';

const run = promisify(execFile);
const makensis = programOrSkip(
  { name: 'makensis', source: 'Debian package nsis' },
  'the packed Windows app (electron-builder --win dir)',
);

describe.skipIf(!makensis)('packed Windows app (electron-builder --win dir, offline)', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'rallypoint-pack-win-'));
  let packed: PackResult;
  let exePath = '';
  let resources: NtExecutableResource;

  beforeAll(async () => {
    const project = await snapshotProject(join(workDir, 'project'));
    const electronDist = join(workDir, 'electron-dist');
    await writeStandInWindowsElectron(electronDist, makensis ?? 'makensis');
    const mainBuilt = existsSync(join(project, 'dist/main/main.cjs'));
    packed = await packProjectDir('win', project, electronDist, join(workDir, 'out'), mainBuilt);
    exePath = join(packed.appOutDir, 'Rallypoint.exe');
    const executable = NtExecutable.from(readFileSync(exePath), { ignoreCert: true });
    resources = NtExecutableResource.from(executable);
  }, 300_000);

  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('names the executable Rallypoint.exe, the file the installer registers for links', () => {
    expect(existsSync(exePath)).toBe(true);
    expect(existsSync(join(packed.appOutDir, 'electron.exe'))).toBe(false);
    expect(listPackage(join(packed.appOutDir, 'resources/app.asar'), { isPack: false })).toContain(
      '/package.json',
    );
  });

  it('ships the studio settings next to the asar, as resources\\studio-settings.json', () => {
    expect(existsSync(join(packed.appOutDir, 'resources/studio-settings.json'))).toBe(true);
  });

  it('carries Rallypoint version information, not Electron’s', () => {
    const [info] = Resource.VersionInfo.fromEntries(resources.entries);
    const strings = info?.getStringValues({ lang: 1033, codepage: 1200 });
    expect(strings?.ProductName).toBe('Rallypoint');
    expect(strings?.FileDescription).toBe('Rallypoint');
    expect(strings?.FileVersion).toBe('0.1.0');
    expect(strings?.LegalCopyright).toBe('Copyright © 2026 Rallypoint');
  });

  it('shows build/icon.ico as its icon: the first icon group holds all of its sizes', () => {
    const ico = readFileSync(join(repoRoot, 'build/icon.ico'));
    const icoSizes = Array.from(
      { length: ico.readUInt16LE(4) },
      (_, index) => ico[6 + index * 16] || 256,
    ).sort((a, b) => a - b);
    // Explorer shows the first group; the stand-in's own extra icon group may follow it.
    const [main] = Resource.IconGroupEntry.fromEntries(resources.entries).sort(
      (a, b) => Number(a.id) - Number(b.id),
    );
    const sizes = (main?.icons ?? []).map((icon) => icon.width || 256).sort((a, b) => a - b);
    expect(sizes).toEqual(icoSizes);
    expect(sizes).toContain(256);
  });

  it('embeds the asar integrity record Electron checks when the integrity fuse is on', () => {
    const entry = resources.entries.find(
      (candidate) => candidate.type === 'INTEGRITY' && candidate.id === 'ELECTRONASAR',
    );
    const record = JSON.parse(Buffer.from(entry?.bin ?? new ArrayBuffer(0)).toString('utf8')) as [
      { file: string; alg: string; value: string },
    ];
    const { headerString } = getRawHeader(join(packed.appOutDir, 'resources/app.asar'));
    expect(record).toEqual([
      {
        file: 'resources\\app.asar',
        alg: 'SHA256',
        value: createHash('sha256').update(headerString).digest('hex'),
      },
    ]);
  });

  it('has its fuses flipped, by the CI check script', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
        join(repoRoot, 'scripts/check-fuses.ts'),
        exePath,
      ],
      { cwd: repoRoot, timeout: 60_000 },
    );
    expect(stdout).toContain('ok   runAsNode: expected disabled, binary has disabled');
    expect(stdout).not.toContain('FAIL');
  });
});
