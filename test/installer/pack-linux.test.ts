/**
 * Packs the launcher offline with electron-builder's real pipeline (pack-dir.ts, a child
 * process) around a stand-in Electron binary that carries a real fuse wire, then checks what would
 * ship: the asar holds the built program and nothing else, the fuses are flipped as configured,
 * and the desktop entries the deb and the AppImage install pass `desktop-file-validate` and claim
 * the invite schemes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, programOrSkip } from '../host-tools';
import { loadResolvedBuilderConfig, registeredSchemes, repoRoot } from './electron-builder-config';
import { linuxIconSizes } from '../../scripts/render-icons';
import { sampleDevDependencies, snapshotProject } from './project-snapshot';
import {
  packProjectDir,
  stockFuseWire,
  writeStandInLinuxElectron,
  type PackResult,
} from './stand-in-electron';

const run = promisify(execFile);

const desktopFileValidate = programOrSkip(
  { name: 'desktop-file-validate', source: 'Debian package desktop-file-utils' },
  'the desktop entries checked by desktop-file-validate',
);

const workDir = mkdtempSync(join(tmpdir(), 'rallypoint-pack-'));
/** Taken before the tests are collected, so skips can depend on what it holds. */
const project = await snapshotProject(join(workDir, 'project'));
const mainBuilt = existsSync(join(project, 'dist/main/main.cjs'));
let packed: PackResult;
let asarEntries: string[] = [];

beforeAll(async () => {
  const electronDist = join(workDir, 'electron-dist');
  writeStandInLinuxElectron(electronDist);
  packed = await packProjectDir('linux', project, electronDist, join(workDir, 'out'), mainBuilt);
  asarEntries = listPackage(join(packed.appOutDir, 'resources/app.asar'), { isPack: false }).map(
    (entry) => entry.replaceAll('\\', '/'),
  );
}, 300_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function debEntry(): string {
  return packed.desktopEntries.deb ?? 'missing deb desktop entry';
}
function appImageEntry(): string {
  return packed.desktopEntries.appImage ?? 'missing AppImage desktop entry';
}

describe('packed app (electron-builder --linux dir, offline)', () => {
  it('ships the studio settings next to the asar, as <resources>/studio-settings.json', () => {
    const shipped = join(packed.appOutDir, 'resources/studio-settings.json');
    expect(readFileSync(shipped, 'utf8')).toBe(
      readFileSync(join(project, 'build/studio-settings.json'), 'utf8'),
    );
  });

  it('names the executable rallypoint and packs an app.asar', () => {
    expect(existsSync(join(packed.appOutDir, 'rallypoint'))).toBe(true);
    expect(existsSync(join(packed.appOutDir, 'resources/app.asar'))).toBe(true);
    expect(existsSync(join(packed.appOutDir, 'resources/app'))).toBe(false);
  });

  it.skipIf(!mainBuilt)('holds the main process bundle electron starts', () => {
    expect(asarEntries).toContain('/dist/main/main.cjs');
  });

  it('holds the built preload and renderer, and package.json', () => {
    for (const file of [
      '/package.json',
      '/dist/preload/preload.cjs',
      '/dist/renderer/index.html',
    ]) {
      if (file === '/package.json' || existsSync(join(project, file))) {
        expect(asarEntries).toContain(file);
      }
    }
  });

  it('holds no sources, tests, benches, scripts, build resources or source maps', () => {
    const forbidden = /^\/(src|test|bench|scripts|build|release|\.ci|\.git)(\/|$)/;
    expect(asarEntries.filter((entry) => forbidden.test(entry))).toEqual([]);
    expect(asarEntries.filter((entry) => entry.endsWith('.map'))).toEqual([]);
    const ownFiles = asarEntries.filter((entry) => !entry.startsWith('/node_modules/'));
    expect(ownFiles.filter((entry) => /\.(ts|tsx|mts|cts)$/.test(entry))).toEqual([]);
    for (const file of [
      '/electron-builder.yml',
      '/tsconfig.json',
      '/vitest.config.ts',
      '/README.md',
    ]) {
      expect(asarEntries).not.toContain(file);
    }
  });

  it('ships production dependencies only', () => {
    const topLevel = new Set(
      asarEntries
        .filter((entry) => entry.startsWith('/node_modules/'))
        .map((entry) =>
          entry
            .split('/')
            .slice(2, entry.split('/')[2]?.startsWith('@') ? 4 : 3)
            .join('/'),
        ),
    );
    for (const dependency of ['got', 'xstate', 'zod', 'electron-log']) {
      expect(topLevel.has(dependency), dependency).toBe(true);
    }
    for (const devDependency of [...sampleDevDependencies, 'electron', 'vitest']) {
      expect(topLevel.has(devDependency), devDependency).toBe(false);
    }
  });

  it('carries desktopName in the packed package.json, so Electron names its desktop entry', () => {
    const packedPackage = JSON.parse(
      extractFile(join(packed.appOutDir, 'resources/app.asar'), 'package.json').toString('utf8'),
    ) as { desktopName?: string; main?: string };
    expect(packedPackage.desktopName).toBe('rallypoint.desktop');
    expect(packedPackage.main).toBe('dist/main/main.cjs');
  });

  it('flips every configured fuse in the binary', async () => {
    const config = await loadResolvedBuilderConfig();
    const fuses = config.electronFuses ?? {};
    const expected: Partial<Record<FuseV1Options, boolean | null | undefined>> = {
      [FuseV1Options.RunAsNode]: fuses.runAsNode,
      [FuseV1Options.EnableCookieEncryption]: fuses.enableCookieEncryption,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]:
        fuses.enableNodeOptionsEnvironmentVariable,
      [FuseV1Options.EnableNodeCliInspectArguments]: fuses.enableNodeCliInspectArguments,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]:
        fuses.enableEmbeddedAsarIntegrityValidation,
      [FuseV1Options.OnlyLoadAppFromAsar]: fuses.onlyLoadAppFromAsar,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: fuses.grantFileProtocolExtraPrivileges,
    };
    const wire = await getCurrentFuseWire(join(packed.appOutDir, 'rallypoint'));
    for (const [index, value] of Object.entries(expected)) {
      const option = Number(index) as FuseV1Options;
      const state = String.fromCharCode(wire[option] as number);
      expect(value, FuseV1Options[option]).toBeTypeOf('boolean');
      expect(state, FuseV1Options[option]).toBe(value ? '1' : '0');
      expect(state, `${FuseV1Options[option]} should differ from stock`).not.toBe(
        stockFuseWire[option],
      );
    }
    // Fuses the config leaves alone keep Electron's value.
    const untouched = String.fromCharCode(
      wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot] as number,
    );
    expect(untouched).toBe(stockFuseWire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]);
  });
});

describe('Linux desktop entries (deb and AppImage), as electron-builder writes them', () => {
  function entryKeys(file: string): Map<string, string> {
    const keys = new Map<string, string>();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const at = line.indexOf('=');
      if (at > 0) keys.set(line.slice(0, at), line.slice(at + 1));
    }
    return keys;
  }

  it.skipIf(!desktopFileValidate)('pass desktop-file-validate', async () => {
    for (const file of [debEntry(), appImageEntry()]) {
      const { stdout, stderr } = await run(desktopFileValidate ?? 'desktop-file-validate', [file], {
        timeout: 30_000,
      });
      expect(`${stdout}${stderr}`.trim(), file).toBe('');
    }
  });

  it.skipIf(!desktopFileValidate)(
    'fail desktop-file-validate when broken (the check can fail)',
    async () => {
      const broken = join(workDir, 'broken.desktop');
      writeFileSync(
        broken,
        readFileSync(debEntry(), 'utf8').replace('Type=Application', 'Type=Nonsense'),
      );
      await expect(run(desktopFileValidate ?? 'desktop-file-validate', [broken])).rejects.toThrow();
    },
  );

  it('are named rallypoint.desktop and claim every invite scheme', async () => {
    const config = await loadResolvedBuilderConfig();
    const expected = registeredSchemes(config)
      .map((scheme) => `x-scheme-handler/${scheme};`)
      .join('');
    for (const file of [debEntry(), appImageEntry()]) {
      expect(file.endsWith('/rallypoint.desktop')).toBe(true);
      const keys = entryKeys(file);
      expect(keys.get('MimeType')).toBe(expected);
      expect(keys.get('StartupWMClass')).toBe('rallypoint');
      expect(keys.get('Categories')).toBe('Game;');
      // %U hands the link to the launcher as one argument, never through a shell.
      expect(keys.get('Exec')).toMatch(/ %U$/);
    }
    expect(entryKeys(debEntry()).get('Exec')).toBe('/opt/Rallypoint/rallypoint %U');
    expect(entryKeys(appImageEntry()).get('Exec')).toMatch(/^AppRun .*%U$/);
  });

  it('install the rendered icon set as is, with no conversion tool to download', () => {
    const sizes = packed.desktopIcons.map((icon) => icon.size).sort((a, b) => a - b);
    expect(sizes).toEqual([...linuxIconSizes]);
    for (const icon of packed.desktopIcons) {
      expect(icon.file.endsWith(`/build/icons/${icon.size}x${icon.size}.png`), icon.file).toBe(
        true,
      );
    }
  });

  it('are registered on deb install by update-desktop-database', () => {
    const script = readFileSync(
      join(repoRoot, 'node_modules/app-builder-lib/templates/linux/after-install.tpl'),
      'utf8',
    );
    expect(script).toContain('update-desktop-database');
  });
});

/** The real Electron binary, where it has been downloaded (`npx install-electron`); not here. */
const realElectronDist = join(repoRoot, 'node_modules/electron/dist');
const hasRealElectron = existsSync(join(realElectronDist, 'electron'));
if (!hasRealElectron) {
  announceSkip(
    'the Electron binary',
    "node_modules/electron/dist, downloaded by electron's install script",
    'the app packed with the real Electron binary',
  );
}

describe.skipIf(!hasRealElectron)('packed with the real Electron binary', () => {
  it('has its fuses flipped as configured, by the CI check script', async () => {
    const out = join(workDir, 'real-out');
    const real = await packProjectDir('linux', project, realElectronDist, out, mainBuilt);
    const { stdout } = await run(
      process.execPath,
      [
        join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
        join(repoRoot, 'scripts/check-fuses.ts'),
        join(real.appOutDir, 'rallypoint'),
      ],
      { cwd: repoRoot, timeout: 60_000 },
    );
    expect(stdout).not.toContain('FAIL');
  }, 300_000);
});
