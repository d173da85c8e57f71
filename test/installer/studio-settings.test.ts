/**
 * The studio settings ride along in every installer: electron-builder.yml copies
 * build/studio-settings.json to `<resources>/studio-settings.json`, exactly where the packaged
 * launcher looks (studioSettingsPath), and the repository's copy is a valid settings file that
 * configures nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  STUDIO_SETTINGS_FILE,
  resolveLauncherSettings,
  studioSettingsPath,
} from '../../src/main/launcher-settings';
import {
  loadResolvedBuilderConfig,
  readRawBuilderConfig,
  repoRoot,
} from './electron-builder-config';

interface FileSet {
  from?: string;
  to?: string;
}

function fileSets(value: unknown): FileSet[] {
  return [value ?? []]
    .flat()
    .map((entry) => (typeof entry === 'string' ? { from: entry, to: entry } : (entry as FileSet)));
}

describe('studio settings in electron-builder.yml', () => {
  it('copies build/studio-settings.json into the resources folder as studio-settings.json', async () => {
    const expected = { from: `build/${STUDIO_SETTINGS_FILE}`, to: STUDIO_SETTINGS_FILE };
    expect(fileSets(readRawBuilderConfig().extraResources)).toContainEqual(expected);
    const config = await loadResolvedBuilderConfig();
    expect(fileSets(config.extraResources)).toContainEqual(expected);
  });

  it('puts it where the packaged launcher reads it', () => {
    const path = studioSettingsPath({ isPackaged: true, resourcesPath: '/res', appRoot: '/app' });
    expect(path).toBe(join('/res', STUDIO_SETTINGS_FILE));
    expect(basename(path!)).toBe(STUDIO_SETTINGS_FILE);
  });

  it('ships a repository copy that is valid and configures nothing', () => {
    const file = join(repoRoot, 'build', STUDIO_SETTINGS_FILE);
    expect(existsSync(file)).toBe(true);
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    expect(value).toEqual({});
    const settings = resolveLauncherSettings({
      env: {},
      isPackaged: true,
      appRoot: '/app',
      userData: '/data',
      execPath: '/opt/Rallypoint/rallypoint',
      studioSettings: { path: file, value },
    });
    expect(settings.ok).toBe(true);
  });

  it('is not packed into the asar as well (only dist/** and package.json are)', async () => {
    const config = await loadResolvedBuilderConfig();
    const files = [config.files ?? []].flat().map(String);
    expect(files.some((pattern) => pattern.includes('studio-settings'))).toBe(false);
  });
});
