/**
 * The packaged launcher's executable doubles as the demo game. Packaged builds cannot run
 * `dist/demo-game/demo-game.js` the development way (Electron in Node mode needs
 * `ELECTRON_RUN_AS_NODE`, which the `runAsNode` fuse switches off), so the launcher starts itself
 * with a reserved first argument instead, and main runs the demo game in place of the launcher.
 *
 * Why an invite link can never produce the flag: the flag counts only as the very first argument
 * after the program (packaged) or after the app path (development). Every way a link arrives puts
 * something else there: the Windows protocol command is `Rallypoint.exe -- "%1"` (the `--` guard
 * comes first), the Linux desktop entries pass `%U`, which expands to URLs, and a URL starts with
 * its scheme (`rallypoint:…`), never with `-`; macOS delivers links through `open-url`, not argv;
 * a second instance's argv is read by the link intake only. Anyone who can put the flag first can
 * already run the executable with any arguments, and the demo game does no more than echo JSON.
 */
import { splitArgsTemplate } from './join/game-args';
import {
  demoGameArgsTemplate,
  demoGamePlayArgsTemplate,
  type LauncherConfigInput,
} from './join/launcher-config';

/** The reserved first argument. */
export const DEMO_GAME_FLAG = '--rallypoint-demo-game';

/**
 * The demo game's own arguments when this launch is the demo game, else undefined. `argv` is
 * `process.argv`: `[exe, …]` in a packaged build, `[electron, appPath, …]` in development.
 */
export function demoGameLaunch(
  argv: readonly string[],
  isPackaged: boolean,
): readonly string[] | undefined {
  const flagIndex = isPackaged ? 1 : 2;
  return argv[flagIndex] === DEMO_GAME_FLAG ? argv.slice(flagIndex + 1) : undefined;
}

/** The packaged build's default game: the launcher's own executable in demo-game mode. */
export function selfHostedDemoGameSettings(executable: string): LauncherConfigInput['game'] {
  const template = splitArgsTemplate(demoGameArgsTemplate);
  const play = splitArgsTemplate(demoGamePlayArgsTemplate);
  return {
    executable,
    args: [DEMO_GAME_FLAG, ...(template.ok ? template.value : [])],
    playArgs: [DEMO_GAME_FLAG, ...(play.ok ? play.value : [])],
  };
}
