/**
 * The launcher's User-Agent: the build's version, else the repository's package.json, else the
 * development version; worked out once per process. Each test loads the module afresh (it keeps the
 * version) and points the working directory at a temporary folder of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'rallypoint-user-agent-'));
  vi.spyOn(process, 'cwd').mockReturnValue(folder);
  vi.stubEnv('RALLYPOINT_VERSION', undefined);
  vi.resetModules();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  rmSync(folder, { recursive: true, force: true });
});

async function userAgent(): Promise<string> {
  const { rallypointUserAgent } = await import('../../../src/main/join/user-agent');
  return rallypointUserAgent();
}

function manifest(text: string): void {
  writeFileSync(join(folder, 'package.json'), text);
}

describe('rallypointUserAgent', () => {
  it('names the version the build defined', async () => {
    vi.stubEnv('RALLYPOINT_VERSION', '3.4.5-beta.1');
    manifest(JSON.stringify({ name: 'rallypoint', version: '1.0.0' }));
    expect(await userAgent()).toBe('Rallypoint/3.4.5-beta.1');
  });

  it('reads the repository package.json when the build defined none (or an empty one)', async () => {
    vi.stubEnv('RALLYPOINT_VERSION', '');
    manifest(JSON.stringify({ name: 'rallypoint', version: '1.2.3' }));
    expect(await userAgent()).toBe('Rallypoint/1.2.3');
  });

  it.each([
    ['no package.json', undefined],
    ['a package.json that is not JSON', '{"name": "rallypoint",'],
    ['JSON null', 'null'],
    ['a JSON string', '"rallypoint"'],
    ['another package', JSON.stringify({ name: 'left-pad', version: '1.2.3' })],
    ['no name', JSON.stringify({ version: '1.2.3' })],
    ['no version', JSON.stringify({ name: 'rallypoint' })],
    ['a version that is not text', JSON.stringify({ name: 'rallypoint', version: 7 })],
  ])('is the development version with %s', async (_name, text) => {
    if (text !== undefined) manifest(text);
    expect(await userAgent()).toBe('Rallypoint/0.0.0-dev');
  });

  it.each([
    ['the build', () => vi.stubEnv('RALLYPOINT_VERSION', '2.0.0'), 'Rallypoint/2.0.0'],
    [
      'package.json',
      () => manifest(JSON.stringify({ name: 'rallypoint', version: '2.0.1' })),
      'Rallypoint/2.0.1',
    ],
    ['nowhere', () => undefined, 'Rallypoint/0.0.0-dev'],
  ])('keeps the version from %s for the rest of the process', async (_name, arrange, expected) => {
    arrange();
    const { rallypointUserAgent } = await import('../../../src/main/join/user-agent');
    expect(rallypointUserAgent()).toBe(expected);
    vi.stubEnv('RALLYPOINT_VERSION', '9.9.9');
    manifest(JSON.stringify({ name: 'rallypoint', version: '8.8.8' }));
    expect(rallypointUserAgent()).toBe(expected);
  });
});
