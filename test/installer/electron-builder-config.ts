/**
 * Loads electron-builder.yml the way the `electron-builder` command does, without building: the
 * same loader (`getConfig`), the same defaults and the same validation (`validateConfiguration`,
 * which checks app-builder-lib's scheme.json and throws for removed options). The installer tests
 * assert on this resolved configuration, so they see what a real `npm run dist` would see.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { load } from 'js-yaml';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const builderConfigPath = join(repoRoot, 'electron-builder.yml');
export const appBuilderSchemePath = join(repoRoot, 'node_modules/app-builder-lib/scheme.json');

/** The YAML as written, before electron-builder merges defaults into it. */
export function readRawBuilderConfig(): Record<string, unknown> {
  return load(readFileSync(builderConfigPath, 'utf8')) as Record<string, unknown>;
}

/** The configuration electron-builder would build with; throws what electron-builder would throw. */
export async function loadResolvedBuilderConfig(): Promise<Configuration> {
  const config = await getConfig(repoRoot, builderConfigPath, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

/** Every URL scheme the installers register, in file order. */
export function registeredSchemes(config: Pick<Configuration, 'protocols'>): string[] {
  const protocols = config.protocols == null ? [] : [config.protocols].flat();
  return protocols.flatMap((protocol) => [protocol.schemes].flat());
}
