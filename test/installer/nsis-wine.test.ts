/**
 * Runs the Windows protocol registration for real: build/installer.nsh is compiled by makensis
 * into a small 64-bit installer with electron-builder's hook points, which Wine then installs and
 * uninstalls silently while the tests read the registry back with `reg query`. This proves the
 * exact values Windows will see, with an install folder that has a space in it, and the
 * uninstaller's "only if it is still ours" and "not during an update" rules.
 *
 * Wine reads protocol handlers from HKLM only (it does not merge HKCU\Software\Classes into
 * HKEY_CLASSES_ROOT as Windows does), so starting a link through the shell cannot be shown here;
 * the command string checked below is what Windows runs, with %1 replaced by the link.
 *
 * Needs makensis (Debian nsis) and Wine 64-bit (Debian wine64); skipped where either is absent.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programOrSkip } from '../host-tools';
import { loadResolvedBuilderConfig, registeredSchemes, repoRoot } from './electron-builder-config';

const run = promisify(execFile);

const makensis = programOrSkip(
  { name: 'makensis', source: 'Debian package nsis' },
  'the Windows installer include under Wine',
);
/** Debian's wine64 installs the 64-bit loader off PATH. */
const wine = programOrSkip(
  { name: 'wine64', source: 'Debian package wine64', places: ['/usr/lib/wine/wine64'] },
  'the Windows installer include under Wine',
);
const wineserver = ['/usr/lib/wine/wineserver64', '/usr/lib/wine/wineserver', '/usr/bin/wineserver']
  .filter((path) => existsSync(path))
  .at(0);

/** The install folder, with a space: player profiles often have one ("C:\Users\Jane Doe"). */
const installDir = 'C:\\Games\\Rally Point';
const exe = `${installDir}\\Rallypoint.exe`;
const uninstaller = `${installDir}\\Uninstall Rallypoint.exe`;
/** Each Wine program start takes seconds on a loaded machine; a test starts up to a dozen. */
const wineTestTimeout = 180_000;

/** A registry value as `reg query` prints it. */
interface RegistryValue {
  readonly type: string;
  readonly data: string;
}

describe.skipIf(!makensis || !wine)('Windows installer include under Wine', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'rallypoint-wine-'));
  const prefix = join(workDir, 'prefix');
  const env = {
    ...process.env,
    WINEPREFIX: prefix,
    WINEDEBUG: '-all',
    // No Mono or Gecko install prompts: nothing here needs them.
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    DISPLAY: '',
  };
  let schemes: string[] = [];

  /**
   * Runs a Windows program. Wine rebuilds the command line from argv and quotes any argument with
   * a space, but NSIS wants `/D=` and `_?=` unquoted and last: so a path with a space is passed
   * as two argv words, which Wine joins back with one space.
   */
  async function wineRun(args: readonly string[]): Promise<{ code: number; output: string }> {
    try {
      const { stdout, stderr } = await run(wine ?? 'wine', [...args], {
        env,
        timeout: 120_000,
      });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      return {
        code: failure.code ?? -1,
        output: `${failure.stdout ?? ''}${failure.stderr ?? ''}`,
      };
    }
  }

  const unquotedPath = (flag: string, path: string): string[] => {
    const [first = '', ...rest] = `${flag}${path}`.split(' ');
    return [first, ...rest];
  };

  /** Every value under a key and its subkeys, by key path relative to HKCU\Software\Classes. */
  async function readClassesKey(
    scheme: string,
  ): Promise<Map<string, Map<string, RegistryValue>> | undefined> {
    const root = `HKEY_CURRENT_USER\\Software\\Classes\\${scheme}`;
    const { code, output } = await wineRun(['reg', 'query', root, '/s']);
    if (code !== 0) return undefined;
    const keys = new Map<string, Map<string, RegistryValue>>();
    let current: Map<string, RegistryValue> | undefined;
    for (const line of output.split(/\r?\n/)) {
      if (line.startsWith('HKEY_')) {
        current = new Map();
        keys.set(line.slice('HKEY_CURRENT_USER\\Software\\Classes\\'.length).trim(), current);
      } else if (line.startsWith('    ') && current) {
        const [name = '', type = '', ...data] = line.slice(4).split('    ');
        current.set(name === '(Default)' ? '' : name, { type, data: data.join('    ') });
      }
    }
    return keys;
  }

  /** Polls until `check` holds: a program Wine starts may still be finishing. */
  async function eventually(check: () => Promise<boolean>): Promise<boolean> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      if (await check()) return true;
      await new Promise((done) => setTimeout(done, 500));
    }
    return false;
  }

  async function install(): Promise<void> {
    const result = await wineRun([
      join(workDir, 'harness.exe'),
      '/S',
      ...unquotedPath('/D=', installDir),
    ]);
    expect(result.code, result.output).toBe(0);
    expect(
      await eventually(async () => (await readClassesKey(schemes[0] ?? '')) !== undefined),
    ).toBe(true);
  }

  async function uninstall(extra: readonly string[] = []): Promise<void> {
    const result = await wineRun([uninstaller, '/S', ...extra, ...unquotedPath('_?=', installDir)]);
    expect(result.code, result.output).toBe(0);
  }

  beforeAll(async () => {
    schemes = registeredSchemes(await loadResolvedBuilderConfig());
    // A stand-in Rallypoint.exe (any Windows program will do) and the harness that installs it
    // with the include, inserted where electron-builder inserts it.
    writeFileSync(
      join(workDir, 'stand-in.nsi'),
      [
        'Unicode true',
        'Target amd64-unicode',
        'Name "Rallypoint stand-in"',
        'OutFile "Rallypoint.exe"',
        'SilentInstall silent',
        'RequestExecutionLevel user',
        'Section',
        'SectionEnd',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(workDir, 'harness.nsi'),
      [
        'Unicode true',
        'Target amd64-unicode',
        '!include LogicLib.nsh',
        '!include FileFunc.nsh',
        '!define PRODUCT_FILENAME "Rallypoint"',
        '!define APP_EXECUTABLE_FILENAME "${PRODUCT_FILENAME}.exe"',
        // electron-builder's isUpdated: the old uninstaller runs with --updated during an update.
        'Var rallypointHarnessParameters',
        '!macro _rallypointHarnessIsUpdated _a _b _t _f',
        '  ${GetParameters} $rallypointHarnessParameters',
        '  ClearErrors',
        '  ${GetOptions} $rallypointHarnessParameters "--updated" $R9',
        '  IfErrors `${_f}` `${_t}`',
        '!macroend',
        '!define isUpdated `"" rallypointHarnessIsUpdated ""`',
        `!include "${join(repoRoot, 'build/installer.nsh')}"`,
        'Name "Rallypoint include harness"',
        'OutFile "harness.exe"',
        'RequestExecutionLevel user',
        'InstallDir "$LOCALAPPDATA\\Programs\\Rallypoint"',
        'Section "Install"',
        '  SetOutPath $INSTDIR',
        '  File "Rallypoint.exe"',
        '  !insertmacro customInstall',
        '  WriteUninstaller "$INSTDIR\\Uninstall Rallypoint.exe"',
        'SectionEnd',
        'Section "Uninstall"',
        '  !insertmacro customUnInstall',
        'SectionEnd',
        '',
      ].join('\n'),
    );
    for (const script of ['stand-in.nsi', 'harness.nsi']) {
      await run(makensis ?? 'makensis', ['-V2', '-WX', script], {
        cwd: workDir,
        timeout: 60_000,
      });
    }
    // Creates the Wine prefix (the slow part, once).
    const boot = await wineRun(['cmd', '/c', 'echo', 'ready']);
    expect(boot.output).toContain('ready');
  }, 300_000);

  afterAll(async () => {
    if (wineserver) await run(wineserver, ['-k'], { env }).catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  });

  it(
    'writes each scheme exactly as Windows needs it, with the link after `--`',
    async () => {
      await install();
      for (const scheme of schemes) {
        const keys = await readClassesKey(scheme);
        expect(keys?.get(scheme)?.get('URL Protocol')).toEqual({ type: 'REG_SZ', data: '' });
        expect(keys?.get(scheme)?.get('')?.data).toMatch(/^URL:.+/);
        expect(keys?.get(`${scheme}\\DefaultIcon`)?.get('')?.data).toBe(`"${exe}",0`);
        expect(keys?.get(`${scheme}\\shell\\open\\command`)?.get('')).toEqual({
          type: 'REG_SZ',
          data: `"${exe}" -- "%1"`,
        });
      }
      expect(existsSync(join(prefix, 'drive_c/Games/Rally Point/Rallypoint.exe'))).toBe(true);
    },
    wineTestTimeout,
  );

  it(
    'takes the key over cleanly: a stale DelegateExecute from another handler is gone',
    async () => {
      const [scheme = ''] = schemes;
      const command = `HKEY_CURRENT_USER\\Software\\Classes\\${scheme}\\shell\\open\\command`;
      const added = await wineRun([
        'reg',
        'add',
        command,
        '/v',
        'DelegateExecute',
        '/d',
        '{00000000-0000-0000-0000-000000000000}',
        '/f',
      ]);
      expect(added.code, added.output).toBe(0);
      expect(
        (await readClassesKey(scheme))
          ?.get(`${scheme}\\shell\\open\\command`)
          ?.has('DelegateExecute'),
      ).toBe(true);
      await install();
      expect(
        (await readClassesKey(scheme))
          ?.get(`${scheme}\\shell\\open\\command`)
          ?.has('DelegateExecute'),
      ).toBe(false);
    },
    wineTestTimeout,
  );

  it(
    'keeps the keys when the uninstaller runs as part of an update',
    async () => {
      await install();
      await uninstall(['--updated']);
      // Give a late uninstaller time to act, then check nothing was removed.
      await new Promise((done) => setTimeout(done, 1500));
      for (const scheme of schemes) expect(await readClassesKey(scheme)).toBeDefined();
    },
    wineTestTimeout,
  );

  it(
    'removes its keys on uninstall, but leaves a scheme another app has claimed since',
    async () => {
      await install();
      const [ours = '', claimed = ''] = schemes;
      const otherCommand = '"C:\\Other Game\\game.exe" "%1"';
      const added = await wineRun([
        'reg',
        'add',
        `HKEY_CURRENT_USER\\Software\\Classes\\${claimed}\\shell\\open\\command`,
        '/ve',
        '/d',
        otherCommand,
        '/f',
      ]);
      expect(added.code, added.output).toBe(0);

      await uninstall();
      expect(await eventually(async () => (await readClassesKey(ours)) === undefined)).toBe(true);
      const kept = await readClassesKey(claimed);
      expect(kept?.get(`${claimed}\\shell\\open\\command`)?.get('')?.data).toBe(otherCommand);
    },
    wineTestTimeout,
  );
});
