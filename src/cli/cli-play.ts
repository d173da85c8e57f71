/**
 * `rallypoint play`: Play without a window. Starts the configured game (the demo game by default)
 * with no session through the same Play controller the launcher uses, prints Starting… / Playing /
 * the session and its players, answers the game's channel requests (a demo game asks to host), and
 * exits when the game does: 0 after a normal exit, 30 when it crashed, 130 after Ctrl-C (the game
 * is asked to quit and the hosted session is left).
 */
import { existsSync } from 'node:fs';
import type { RunningDirectory } from '../directory/directory-options';
import { createPlayController } from '../main/game/play-controller';
import { splitArgsTemplate } from '../main/join/game-args';
import { createLauncherJoin } from '../main/join/join-service';
import {
  defaultGameTitle,
  demoGameSettings,
  resolveLauncherConfig,
  type LauncherConfigInput,
} from '../main/join/launcher-config';
import { createDevTokenProvider, type TokenProvider } from '../main/join/token-provider';
import type { PlayView } from '../shared/play-view';
import { err, ok, type Result } from '../shared/result';
import { findDemoGame } from './cli-activate';
import type { CliIo } from './cli-io';
import { cliSignInFiles } from './cli-config-folder';
import { cliLog } from './cli-log';
import { exitCodes, joinErrorExitCodes } from './cli-exit-codes';
import type { PlayerOptions, PlayOptions } from './cli-play-args';
import { clearPlayState, writePlayState } from './cli-play-state';

/** The demo's host: who plays when nobody is signed in and no --xuid is given. */
const defaultPlayer = { xuid: '2533274800000001', gamertag: 'RallyHost' } as const;

/** The player of a play or invite command: --xuid, else the signed-in account, else the demo host. */
export async function cliPlayer(
  options: PlayerOptions,
  directoryUrl: string,
  io: CliIo,
): Promise<{ xuid: string; gamertag: string; tokens?: TokenProvider; profileUrl?: string }> {
  if (options.xuid === undefined && existsSync(cliSignInFiles().settings)) {
    const { signedInAccount } = await import('./cli-sign-in');
    const found = await signedInAccount({ ...options }, io, directoryUrl);
    if (found) {
      return {
        ...found.account,
        tokens: found.accounts.tokenProvider(),
        profileUrl: found.settings.profileUrl,
      };
    }
  }
  const xuid = options.xuid ?? defaultPlayer.xuid;
  return {
    xuid,
    gamertag:
      options.gamertag ??
      (xuid === defaultPlayer.xuid ? defaultPlayer.gamertag : `Player${xuid.slice(-4)}`),
  };
}

/**
 * The tokens the player's directory calls carry: the signed-in account's, else a development
 * identity's (minted by the directory, following `--follows`).
 */
export function cliPlayerTokens(
  player: Awaited<ReturnType<typeof cliPlayer>>,
  options: Pick<PlayerOptions, 'follows'>,
  directoryUrl: string,
): TokenProvider {
  return (
    player.tokens ??
    createDevTokenProvider({
      baseUrl: directoryUrl,
      xuid: player.xuid,
      gamertag: player.gamertag,
      ...(options.follows.length > 0 ? { follows: options.follows } : {}),
    })
  );
}

function gameSettings(options: PlayOptions): Result<LauncherConfigInput['game'], string> {
  if (options.game !== undefined) {
    return ok({
      executable: options.game,
      ...(options.gameArgs === undefined ? {} : { args: options.gameArgs }),
      ...(options.playArgs === undefined ? {} : { playArgs: options.playArgs }),
    });
  }
  const script = findDemoGame();
  const demo = demoGameSettings(script);
  if (options.playArgs === undefined) return ok(demo);
  const args = splitArgsTemplate(options.playArgs);
  if (!args.ok) return err(`--play-args: ${args.error}`);
  return ok({ ...demo, playArgs: [script, ...args.value] });
}

function describe(view: PlayView, previous: PlayView | undefined): string[] {
  const lines: string[] = [];
  if (view.phase !== previous?.phase) {
    if (view.phase === 'starting') lines.push('  … starting the game');
    if (view.phase === 'playing') lines.push(`  ✔ playing (pid ${view.pid ?? '?'})`);
    if (view.phase === 'idle') {
      lines.push(
        view.lastExit?.crashed
          ? `  ✖ the game crashed (${view.lastExit.description})`
          : '  ✔ the game exited',
      );
    }
  }
  if (view.session && view.session.sessionRef !== previous?.session?.sessionRef) {
    lines.push(
      `  ✔ ${view.session.role === 'host' ? 'hosting' : 'in'} session ${view.session.sessionRef}`,
    );
  }
  const members = view.session?.members ?? [];
  if (
    members.length > 0 &&
    JSON.stringify(members) !== JSON.stringify(previous?.session?.members)
  ) {
    const names = members.map(
      (member) => `${member.gamertag ?? member.xuid}${member.host ? ' (host)' : ''}`,
    );
    lines.push(`  ✔ players: ${names.join(', ')}`);
  }
  return lines;
}

/** `rallypoint play`. */
export async function runPlay(options: PlayOptions, io: CliIo): Promise<number> {
  let directory: RunningDirectory | undefined;
  let directoryUrl = options.directory;
  if (directoryUrl === undefined) {
    try {
      const { startDirectory } = await import('../directory/start-directory');
      directory = await startDirectory({ port: 0 });
    } catch (error) {
      io.err(`could not start the embedded directory: ${String(error)}`);
      return exitCodes.directoryStart;
    }
    directoryUrl = directory.url;
    if (!options.json) io.out(`  ✔ embedded local directory at ${directoryUrl}`);
  }
  try {
    return await play(options, directoryUrl, io);
  } finally {
    await directory?.close();
  }
}

async function play(options: PlayOptions, directoryUrl: string, io: CliIo): Promise<number> {
  const player = await cliPlayer(options, directoryUrl, io);
  const game = gameSettings(options);
  if (!game.ok) {
    io.err(`rallypoint: ${game.error}`);
    return exitCodes.invalidConfig;
  }
  const config = resolveLauncherConfig({
    directoryUrl,
    identity: {
      xuid: player.xuid,
      gamertag: player.gamertag,
      ...(options.follows.length > 0 ? { follows: options.follows } : {}),
    },
    game: game.value,
  });
  if (!config.ok) {
    io.err(`rallypoint: ${config.error.message}`);
    return exitCodes.invalidConfig;
  }
  const log = cliLog(options, io);
  const launcher = createLauncherJoin(config.value, {
    ...(log ? { log } : {}),
    ...(player.tokens ? { tokens: player.tokens } : {}),
    onGameOutput: (_stream, line) =>
      options.json ? io.err(`game │ ${line}`) : io.out(`    game │ ${line}`),
  });
  if (!launcher.playable) return exitCodes.internalError;
  const controller = createPlayController({
    game: launcher.playable,
    calls: launcher.calls,
    identity: { xuid: player.xuid, gamertag: player.gamertag },
    title: config.value.game.title ?? defaultGameTitle,
    ...(log ? { log } : {}),
  });
  if (!options.json) io.out(`  ✔ playing as ${player.gamertag} (${player.xuid})`);

  let previous: PlayView | undefined;
  let finish: (view: PlayView) => void = () => undefined;
  const ended = new Promise<PlayView>((resolve) => (finish = resolve));
  controller.subscribe((view) => {
    if (options.json) io.out(JSON.stringify(view));
    else for (const line of describe(view, previous)) io.out(line);
    if (
      view.session?.role === 'host' &&
      view.session.sessionRef !== previous?.session?.sessionRef
    ) {
      writePlayState({
        directoryUrl,
        xuid: player.xuid,
        gamertag: player.gamertag,
        sessionRef: view.session.sessionRef,
        pid: process.pid,
      });
    }
    previous = view;
    if (view.phase === 'idle') finish(view);
  });

  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(joinErrorExitCodes.cancelled);
    interrupted = true;
    void launcher.close();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const started = controller.play();
    if (!started.ok) {
      io.err(`rallypoint: ${started.error.message}`);
      return exitCodes.internalError;
    }
    const final = await ended;
    await controller.stop();
    await launcher.close();
    if (interrupted) return joinErrorExitCodes.cancelled;
    return final.lastExit?.crashed ? joinErrorExitCodes['game-failed'] : exitCodes.joined;
  } finally {
    clearPlayState();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
