/**
 * The Windows installer's protocol registration (build/installer.nsh): which keys each scheme gets,
 * the quoting and `--` guard of the command, that uninstall removes exactly what install wrote and
 * only when it still points at our executable, and that NSIS itself compiles the include.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { programOrSkip } from '../host-tools';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResolvedBuilderConfig, registeredSchemes, repoRoot } from './electron-builder-config';
import {
  expandNsisMacro,
  parseNsisMacros,
  tokenizeNsisLine,
  type NsisInstruction,
} from './nsis-macros';

const run = promisify(execFile);
const includePath = join(repoRoot, 'build/installer.nsh');
const includeText = readFileSync(includePath, 'utf8');
const macros = parseNsisMacros(includeText);

/** The exact command Windows runs for a link: quoted exe, `--` guard, quoted link last. */
const expectedCommand = '"$INSTDIR\\${APP_EXECUTABLE_FILENAME}" -- "%1"';
const quotedExe = '"$INSTDIR\\${APP_EXECUTABLE_FILENAME}"';
const registryOps = new Set(['WriteRegStr', 'WriteRegExpandStr', 'WriteRegDWORD', 'WriteRegBin']);
const deleteOps = new Set(['DeleteRegKey', 'DeleteRegValue']);

const install = expandNsisMacro(macros, 'customInstall');
const uninstall = expandNsisMacro(macros, 'customUnInstall');

function classesKey(scheme: string): string {
  return `Software\\Classes\\${scheme}`;
}

/** Writes per registry path: `key` → value name → data. */
function writtenValues(instructions: readonly NsisInstruction[]): Map<string, Map<string, string>> {
  const keys = new Map<string, Map<string, string>>();
  for (const { command, args } of instructions) {
    if (!registryOps.has(command)) continue;
    const [root, key = '', name = '', value = ''] = args;
    expect(root, `${command} ${key}`).toBe('HKCU');
    const values = keys.get(key) ?? new Map<string, string>();
    values.set(name, value);
    keys.set(key, values);
  }
  return keys;
}

describe('Windows installer include (build/installer.nsh)', () => {
  it('defines the two hooks electron-builder inserts, and nothing that clashes with its own', () => {
    expect([...macros.keys()].sort()).toEqual(
      [
        'customInstall',
        'customUnInstall',
        'rallypointRegisterUrlScheme',
        'rallypointUnregisterUrlScheme',
      ].sort(),
    );
    // The hook names electron-builder looks for, read from its own templates.
    const templates = join(repoRoot, 'node_modules/app-builder-lib/templates/nsis');
    expect(readFileSync(join(templates, 'installSection.nsh'), 'utf8')).toContain(
      '!insertmacro customInstall',
    );
    expect(readFileSync(join(templates, 'uninstaller.nsh'), 'utf8')).toContain(
      '!insertmacro customUnInstall',
    );
    expect(readFileSync(join(templates, 'common.nsh'), 'utf8')).toContain(
      '!define APP_EXECUTABLE_FILENAME "${PRODUCT_FILENAME}.exe"',
    );
  });

  it('registers exactly the schemes electron-builder.yml declares, with the protocol names', async () => {
    const config = await loadResolvedBuilderConfig();
    const calls = install.filter((i) => i.command === 'DetailPrint');
    expect(calls.map((i) => i.args[0])).toEqual(
      registeredSchemes(config).map((scheme) => `Registering ${scheme}:// links`),
    );
    const protocols = [config.protocols ?? []].flat();
    const written = writtenValues(install);
    for (const protocol of protocols) {
      for (const scheme of [protocol.schemes].flat()) {
        expect(written.get(classesKey(scheme))?.get('')).toBe(`URL:${protocol.name}`);
      }
    }
  });

  it('gives each scheme a URL Protocol marker, an icon and a guarded, quoted open command', async () => {
    const config = await loadResolvedBuilderConfig();
    const written = writtenValues(install);
    const schemes = registeredSchemes(config);
    const expectedKeys = schemes.flatMap((scheme) => [
      classesKey(scheme),
      `${classesKey(scheme)}\\DefaultIcon`,
      `${classesKey(scheme)}\\shell\\open\\command`,
    ]);
    expect([...written.keys()].sort()).toEqual(expectedKeys.sort());
    for (const scheme of schemes) {
      const root = written.get(classesKey(scheme));
      expect([...(root?.keys() ?? [])].sort()).toEqual(['', 'URL Protocol']);
      expect(root?.get('URL Protocol')).toBe('');
      expect(written.get(`${classesKey(scheme)}\\DefaultIcon`)?.get('')).toBe(`${quotedExe},0`);
      const command = written.get(`${classesKey(scheme)}\\shell\\open\\command`)?.get('');
      expect(command).toBe(expectedCommand);
      // The link is the last argument, quoted, after `--` (CVE-2018-1000006).
      expect(command?.endsWith(' -- "%1"')).toBe(true);
    }
  });

  it('writes into a clean key, so a leftover DelegateExecute from another handler cannot win', () => {
    for (const scheme of install.filter((i) => i.command === 'DeleteRegKey')) {
      const writesAfter = install.slice(install.indexOf(scheme) + 1);
      expect(writesAfter.some((i) => i.args[1] === scheme.args[1])).toBe(true);
    }
  });

  it('uninstall removes exactly the keys install wrote, each only if it still runs our exe', async () => {
    const config = await loadResolvedBuilderConfig();
    const written = writtenValues(install);
    const writtenRoots = [...written.keys()].filter((key) => !key.slice(17).includes('\\'));
    const deletes = uninstall.filter((i) => deleteOps.has(i.command));
    expect(deletes.every((i) => i.command === 'DeleteRegKey' && i.args[0] === 'HKCU')).toBe(true);
    expect(deletes.map((i) => i.args[1]).sort()).toEqual(writtenRoots.sort());
    expect(writtenRoots.sort()).toEqual(registeredSchemes(config).map(classesKey).sort());
    // No other kind of registry change on uninstall.
    expect(uninstall.filter((i) => registryOps.has(i.command))).toEqual([]);

    for (const deletion of deletes) {
      const at = uninstall.indexOf(deletion);
      const before = uninstall.slice(0, at);
      const read = before.findLast((i) => i.command === 'ReadRegStr');
      const guard = before.findLast((i) => i.command === '${if}');
      expect(read?.args.slice(1)).toEqual([
        'HKCU',
        `${deletion.args[1]}\\shell\\open\\command`,
        '',
      ]);
      expect(guard?.args).toEqual([read?.args[0], '==', quotedExe]);
      // The compared prefix is as long as the quoted exe path.
      const length = before.findLast((i) => i.command === 'StrLen');
      expect(length?.args[1]).toBe(quotedExe);
      const endIf = uninstall.slice(at).find((i) => i.command === '${endIf}');
      expect(endIf).toBeDefined();
    }
  });

  it('keeps the keys when the old uninstaller runs as part of an update', () => {
    const first = uninstall[0];
    const last = uninstall.at(-1);
    expect(first?.line).toBe('${ifNot} ${isUpdated}');
    expect(last?.line).toBe('${endIf}');
  });

  it('never touches HKLM, HKCR or the machine-wide hive', () => {
    for (const line of includeText.split('\n')) {
      const words = tokenizeNsisLine(line.trim());
      if (registryOps.has(words[0] ?? '') || deleteOps.has(words[0] ?? '')) {
        expect(words[1], line).toBe('HKCU');
      }
    }
  });
});

const makensis = programOrSkip(
  { name: 'makensis', source: 'Debian package nsis' },
  'the Windows installer include compiled by makensis',
);

describe.skipIf(!makensis)('Windows installer include compiled by makensis', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'rallypoint-nsis-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  /**
   * A minimal installer that defines what electron-builder's templates define before they insert
   * the hooks (LogicLib, APP_EXECUTABLE_FILENAME, the isUpdated test) and inserts them the same way.
   */
  function harness(include: string): string {
    return [
      'Unicode true',
      '!include LogicLib.nsh',
      '!define PRODUCT_FILENAME "Rallypoint"',
      '!define APP_EXECUTABLE_FILENAME "${PRODUCT_FILENAME}.exe"',
      '!macro _rallypointHarnessIsUpdated _a _b _t _f',
      '  StrCmp $R9 "updated" `${_t}` `${_f}`',
      '!macroend',
      '!define isUpdated `"" rallypointHarnessIsUpdated ""`',
      `!include "${include}"`,
      'Name "Rallypoint include harness"',
      `OutFile "${join(workDir, 'harness.exe')}"`,
      'RequestExecutionLevel user',
      'InstallDir "$LOCALAPPDATA\\Programs\\Rallypoint"',
      'Section "Install"',
      '  !insertmacro customInstall',
      '  WriteUninstaller "$INSTDIR\\Uninstall Rallypoint.exe"',
      'SectionEnd',
      'Section "Uninstall"',
      '  !insertmacro customUnInstall',
      'SectionEnd',
      '',
    ].join('\n');
  }

  async function compile(include: string): Promise<{ ok: boolean; output: string }> {
    const script = join(workDir, 'harness.nsi');
    writeFileSync(script, harness(include));
    try {
      const { stdout, stderr } = await run(makensis ?? 'makensis', ['-V2', '-WX', script], {
        timeout: 60_000,
      });
      return { ok: true, output: stdout + stderr };
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
    }
  }

  it('compiles with warnings treated as errors', async () => {
    const result = await compile(includePath);
    expect(result.output).not.toMatch(/error/i);
    expect(result.ok).toBe(true);
    expect(existsSync(join(workDir, 'harness.exe'))).toBe(true);
  });

  it('would catch a broken include (the harness is not a rubber stamp)', async () => {
    const broken = join(workDir, 'broken.nsh');
    writeFileSync(broken, includeText.replace('WriteRegStr HKCU', 'WriteRegStrr HKCU'));
    const result = await compile(broken);
    expect(result.ok).toBe(false);
  });
});
