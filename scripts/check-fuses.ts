/**
 * Checks the Electron fuses of a packaged Rallypoint against `electronFuses` in
 * electron-builder.yml. Run it in CI after `npm run dist`, before publishing: it catches a build
 * whose fuses were not flipped (a changed Electron fuse layout, a skipped step, a hand-copied
 * binary) even though the installer looks fine.
 *
 *   tsx scripts/check-fuses.ts release/linux-unpacked/rallypoint
 *   tsx scripts/check-fuses.ts "release/win-unpacked/Rallypoint.exe"
 *   tsx scripts/check-fuses.ts release/mac-universal/Rallypoint.app
 *
 * Prints one line per configured fuse. Exit code: 0 all match, 1 a fuse differs, 2 the binary or
 * the configuration cannot be read.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { load } from 'js-yaml';

/** A fuse's state as the binary records it. */
export type FuseState = 'enabled' | 'disabled' | 'removed' | 'absent';

/** One configured fuse compared with the binary. */
export interface FuseCheck {
  readonly fuse: string;
  readonly expected: 'enabled' | 'disabled';
  readonly actual: FuseState;
  readonly ok: boolean;
}

/** Why a check could not run at all. Closed, so callers and the exit code can switch over it. */
export type FuseCheckError =
  | { readonly code: 'unreadable-config'; readonly message: string }
  | { readonly code: 'unknown-fuse'; readonly message: string }
  | { readonly code: 'unreadable-binary'; readonly message: string };

export type FuseCheckResult =
  | { readonly ok: true; readonly checks: readonly FuseCheck[] }
  | { readonly ok: false; readonly error: FuseCheckError };

/** Config keys that are options of the flip, not fuses. */
const notFuses = new Set(['resetAdHocDarwinSignature', 'strictlyRequireAllFuses']);

/** `runAsNode` → FuseV1Options.RunAsNode: electron-builder's keys are the enum names, camel-cased. */
export function fuseOptionFor(configKey: string): FuseV1Options | undefined {
  const name = configKey.charAt(0).toUpperCase() + configKey.slice(1);
  const value = (FuseV1Options as unknown as Record<string, unknown>)[name];
  return typeof value === 'number' ? (value as FuseV1Options) : undefined;
}

/** Reads `electronFuses` from electron-builder.yml. */
export function readConfiguredFuses(
  configPath: string,
): { ok: true; fuses: Record<string, boolean> } | { ok: false; error: FuseCheckError } {
  let document: unknown;
  try {
    document = load(readFileSync(configPath, 'utf8'));
  } catch (error) {
    return { ok: false, error: { code: 'unreadable-config', message: String(error) } };
  }
  const fuses = (document as { electronFuses?: unknown } | null)?.electronFuses;
  if (fuses === null || typeof fuses !== 'object') {
    return {
      ok: false,
      error: { code: 'unreadable-config', message: `no electronFuses in ${configPath}` },
    };
  }
  const configured: Record<string, boolean> = {};
  for (const [key, value] of Object.entries(fuses)) {
    if (notFuses.has(key)) continue;
    if (typeof value !== 'boolean') {
      return {
        ok: false,
        error: { code: 'unreadable-config', message: `electronFuses.${key} is not true/false` },
      };
    }
    configured[key] = value;
  }
  return { ok: true, fuses: configured };
}

/** Compares configured fuses with a fuse wire read by @electron/fuses (byte values per index). */
export function compareFuses(
  configured: Readonly<Record<string, boolean>>,
  wire: Readonly<Record<number, number>>,
): FuseCheckResult {
  const checks: FuseCheck[] = [];
  for (const [key, wanted] of Object.entries(configured)) {
    const option = fuseOptionFor(key);
    if (option === undefined) {
      return {
        ok: false,
        error: { code: 'unknown-fuse', message: `electronFuses.${key} is not a fuse` },
      };
    }
    const expected = wanted ? 'enabled' : 'disabled';
    const actual = stateOf(wire[option]);
    checks.push({ fuse: key, expected, actual, ok: actual === expected });
  }
  return { ok: true, checks };
}

function stateOf(byte: number | undefined): FuseState {
  switch (byte) {
    case 0x31:
      return 'enabled';
    case 0x30:
      return 'disabled';
    case 0x72:
      return 'removed';
    default:
      return 'absent';
  }
}

/** Reads the binary's fuse wire and compares it with the configuration. */
export async function checkFuses(binaryPath: string, configPath: string): Promise<FuseCheckResult> {
  const configured = readConfiguredFuses(configPath);
  if (!configured.ok) return configured;
  let wire: Record<number, number>;
  try {
    wire = (await getCurrentFuseWire(binaryPath)) as unknown as Record<number, number>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'unreadable-binary', message } };
  }
  return compareFuses(configured.fuses, wire);
}

async function main(argv: readonly string[]): Promise<number> {
  const [binary] = argv;
  if (!binary) {
    console.error('usage: tsx scripts/check-fuses.ts <packaged app or executable>');
    return 2;
  }
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const result = await checkFuses(resolve(binary), join(root, 'electron-builder.yml'));
  if (!result.ok) {
    console.error(`cannot check fuses (${result.error.code}): ${result.error.message}`);
    return 2;
  }
  for (const check of result.checks) {
    const mark = check.ok ? 'ok  ' : 'FAIL';
    console.log(`${mark} ${check.fuse}: expected ${check.expected}, binary has ${check.actual}`);
  }
  return result.checks.every((check) => check.ok) ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
