/**
 * scripts/check-fuses.ts: the CI check that a packaged binary's fuses match electron-builder.yml.
 * Pure comparison first, then the script as a real child process on stand-in binaries before and
 * after @electron/fuses flips them.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compareFuses,
  fuseOptionFor,
  readConfiguredFuses,
  type FuseCheckResult,
} from '../../scripts/check-fuses';
import { appBuilderSchemePath, builderConfigPath, repoRoot } from './electron-builder-config';
import { writeStandInLinuxElectron } from './stand-in-electron';

const run = promisify(execFile);
const workDir = mkdtempSync(join(tmpdir(), 'rallypoint-fuses-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const enabled = 0x31;
const disabled = 0x30;

function checksOf(result: FuseCheckResult) {
  if (!result.ok) throw new Error(result.error.message);
  return result.checks;
}

describe('fuse comparison', () => {
  it('knows every fuse electron-builder accepts in electronFuses', () => {
    const scheme = JSON.parse(readFileSync(appBuilderSchemePath, 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    const keys = Object.keys(scheme.definitions.FuseOptionsV1.properties).filter(
      (key) => key !== 'resetAdHocDarwinSignature',
    );
    expect(keys.length).toBeGreaterThanOrEqual(8);
    for (const key of keys) expect(fuseOptionFor(key), key).toBeTypeOf('number');
    expect(fuseOptionFor('runAsNode')).toBe(FuseV1Options.RunAsNode);
    expect(fuseOptionFor('notAFuse')).toBeUndefined();
  });

  it('passes a wire that matches and names each fuse that does not', () => {
    const configured = { runAsNode: false, enableCookieEncryption: true };
    const good = checksOf(
      compareFuses(configured, {
        [FuseV1Options.RunAsNode]: disabled,
        [FuseV1Options.EnableCookieEncryption]: enabled,
      }),
    );
    expect(good.every((check) => check.ok)).toBe(true);

    const bad = checksOf(
      compareFuses(configured, {
        [FuseV1Options.RunAsNode]: enabled,
        [FuseV1Options.EnableCookieEncryption]: 0x72,
      }),
    );
    expect(bad).toEqual([
      { fuse: 'runAsNode', expected: 'disabled', actual: 'enabled', ok: false },
      { fuse: 'enableCookieEncryption', expected: 'enabled', actual: 'removed', ok: false },
    ]);
    // A wire too short for the fuse (an older Electron) is not a pass.
    expect(checksOf(compareFuses({ runAsNode: false }, {}))[0]?.actual).toBe('absent');
  });

  it('refuses a configuration key that is not a fuse instead of ignoring it', () => {
    const result = compareFuses({ runAsNod: false }, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('unknown-fuse');
  });

  it('reads the fuses from electron-builder.yml', () => {
    const configured = readConfiguredFuses(builderConfigPath);
    expect(configured.ok && configured.fuses.runAsNode).toBe(false);
    const missing = readConfiguredFuses(join(workDir, 'nope.yml'));
    expect(missing.ok ? undefined : missing.error.code).toBe('unreadable-config');
  });
});

describe('scripts/check-fuses.ts as a command', () => {
  const tsx = join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
  const script = join(repoRoot, 'scripts/check-fuses.ts');

  async function check(binary: string): Promise<{ code: number; output: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [tsx, script, binary], {
        cwd: repoRoot,
        timeout: 60_000,
      });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failure.code ?? -1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
    }
  }

  it('fails a stock binary, naming every fuse left as Electron ships it', async () => {
    const dist = join(workDir, 'stock');
    writeStandInLinuxElectron(dist);
    const result = await check(join(dist, 'electron'));
    expect(result.code).toBe(1);
    expect(result.output).toContain('FAIL runAsNode: expected disabled, binary has enabled');
    expect(result.output).toContain(
      'FAIL onlyLoadAppFromAsar: expected enabled, binary has disabled',
    );
  });

  it('passes the binary once the configured fuses are flipped', async () => {
    const dist = join(workDir, 'flipped');
    writeStandInLinuxElectron(dist);
    const configured = readConfiguredFuses(builderConfigPath);
    if (!configured.ok) throw new Error(configured.error.message);
    const config: Partial<Record<FuseV1Options, boolean>> = {};
    for (const [key, value] of Object.entries(configured.fuses)) {
      const option = fuseOptionFor(key);
      if (option !== undefined) config[option] = value;
    }
    await flipFuses(join(dist, 'electron'), { version: FuseVersion.V1, ...config });
    const result = await check(join(dist, 'electron'));
    expect(result.output).not.toContain('FAIL');
    expect(result.code).toBe(0);
  });

  it('exits 2 with a reason for something that is not an Electron binary', async () => {
    const notElectron = join(workDir, 'not-electron');
    writeFileSync(notElectron, 'just text\n');
    const result = await check(notElectron);
    expect(result.code).toBe(2);
    expect(result.output).toContain('unreadable-binary');

    const copy = join(workDir, 'missing-dir', 'electron');
    expect(() => copyFileSync(notElectron, copy)).toThrow();
    expect((await check(copy)).code).toBe(2);
  });
});
