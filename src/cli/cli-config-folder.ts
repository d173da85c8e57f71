/**
 * Where the command line keeps its files: its sign-in in the OS's per-user config folder
 * (`%APPDATA%\Rallypoint`, `~/Library/Application Support/Rallypoint`,
 * `$XDG_CONFIG_HOME/rallypoint` or `~/.config/rallypoint`), and its compiled-code cache in the
 * per-user cache folder, which the OS or the user may empty at any time.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder; `env` and `platform` are parameters so tests can point it elsewhere. */
export function cliConfigFolder(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Rallypoint');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Rallypoint');
  const base =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/')
      ? env.XDG_CONFIG_HOME
      : join(homedir(), '.config');
  return join(base, 'rallypoint');
}

/** The token cache (mode 0600) and the non-secret sign-in settings it was made with. */
export function cliSignInFiles(folder = cliConfigFolder()): { tokens: string; settings: string } {
  return { tokens: join(folder, 'accounts.json'), settings: join(folder, 'sign-in.json') };
}

/**
 * The code cache's folder (src/cli/code-cache-loader.ts): `RALLYPOINT_CACHE_DIR` when set, else
 * `%LOCALAPPDATA%\Rallypoint\Cache`, `~/Library/Caches/Rallypoint`, `$XDG_CACHE_HOME/rallypoint`
 * or `~/.cache/rallypoint`.
 */
export function cliCacheFolder(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.RALLYPOINT_CACHE_DIR) return env.RALLYPOINT_CACHE_DIR;
  if (platform === 'win32')
    return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'Rallypoint', 'Cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'Rallypoint');
  const base =
    env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/')
      ? env.XDG_CACHE_HOME
      : join(homedir(), '.cache');
  return join(base, 'rallypoint');
}
