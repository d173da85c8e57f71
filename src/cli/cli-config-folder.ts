/**
 * Where the command line keeps its sign-in: the OS's per-user config folder
 * (`%APPDATA%\Rallypoint`, `~/Library/Application Support/Rallypoint`,
 * `$XDG_CONFIG_HOME/rallypoint` or `~/.config/rallypoint`).
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
