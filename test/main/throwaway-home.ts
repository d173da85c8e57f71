/**
 * Points the launcher's home at a fresh temporary folder and clears every `RALLYPOINT_` variable,
 * for tests that boot the launcher in this process. Development builds register their URL scheme
 * with the desktop on start-up, and the launcher keeps settings and logs under the home: a test
 * must touch neither the real home nor inherit settings from the shell that runs it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function useThrowawayHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'rallypoint-home-'));
  process.env.HOME = home;
  process.env.XDG_DATA_HOME = join(home, 'data');
  process.env.XDG_CONFIG_HOME = join(home, 'config');
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('RALLYPOINT_')) delete process.env[name];
  }
  return home;
}
