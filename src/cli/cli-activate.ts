/**
 * `rallypoint activate` and `rallypoint demo`: the launcher's join flow without a window. Both run
 * the very machine the launcher runs (createLauncherJoin), print its views, and turn the outcome
 * into an exit code a script can branch on.
 */
import { existsSync } from 'node:fs';
import type { TokenProvider } from '../main/join/token-provider';
import { cliSignInFiles } from './cli-config-folder';
import { cliLog } from './cli-log';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningDirectory } from '../directory/directory-options';
import type { Invite } from '../shared/invite';
import { defaultInviteLinkConfig, parseInviteLink } from '../shared/invite-link';
import type { JoinView } from '../shared/join-view';
import { createLauncherJoin } from '../main/join/join-service';
import { splitArgsTemplate } from '../main/join/game-args';
import { createPlayController } from '../main/game/play-controller';
import {
  defaultGameTitle,
  demoGameSettings,
  resolveLauncherConfig,
  type LauncherConfigInput,
} from '../main/join/launcher-config';
import { err, ok, type Result } from '../shared/result';
import type { ActivateOptions } from './cli-args';
import { exitCodes, joinErrorExitCodes } from './cli-exit-codes';
import { createProgressPrinter, type ProgressPrinter } from './cli-progress';
import { createInboxPlayer } from '../main/inbox/inbox-player';
import { inviteOfItem } from '../main/inbox/inbox-query';
import { createDevTokenProvider } from '../main/join/token-provider';
import { inboxErrorExitCodes, inboxErrorText } from './cli-inbox-errors';
import type { CliIo } from './cli-io';

/** The built demo game next to this program (dist/cli → dist/demo-game), or under ./dist. */
export function findDemoGame(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, '..', 'demo-game', 'demo-game.js'),
    resolve('dist', 'demo-game', 'demo-game.js'),
  ];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0] ?? '';
}

/** `rallypoint activate <link>`, or `rallypoint activate --invite N`. */
export async function runActivate(options: ActivateOptions, io: CliIo): Promise<number> {
  const printer = createProgressPrinter(io.out, { json: options.json });
  if (options.inviteIndex !== undefined)
    return activateFromInbox(options, options.inviteIndex, printer, io);
  const parsed = parseInviteLink(options.link ?? '', defaultInviteLinkConfig);
  if (!parsed.ok) {
    const view: JoinView = {
      phase: 'failed',
      attempt: 0,
      canRetry: false,
      error: { code: 'invalid-link', message: parsed.error.message },
    };
    printer.show(view);
    return exitCodes.invalidLink;
  }
  let directory: RunningDirectory | undefined;
  let directoryUrl = options.directory;
  if (directoryUrl === undefined) {
    directory = await startEmbeddedDirectory(false, io);
    if (!directory) return exitCodes.directoryStart;
    directoryUrl = directory.url;
    printer.note(
      `  ✔ embedded local directory at ${directoryUrl} (it knows only its own sessions)`,
    );
  }
  try {
    return await activate(parsed.invite, directoryUrl, options, printer, io);
  } finally {
    await directory?.close();
  }
}

/** `rallypoint demo`: the embedded directory, its demo invite, the demo game, joined and tidied up. */
export async function runDemo(options: ActivateOptions, io: CliIo): Promise<number> {
  const intro = createProgressPrinter(io.out, { json: options.json });
  intro.note('Rallypoint demo: accept an invite, join the session, start the game.');
  intro.note('');
  const directory = await startEmbeddedDirectory(true, io);
  if (!directory?.demo) return exitCodes.directoryStart;
  const { demo } = directory;
  const printer = createProgressPrinter(io.out, { json: options.json });
  try {
    printer.note(`  ✔ local session directory running at ${directory.url}`);
    printer.note(`  ✔ ${demo.host.gamertag} is hosting a game and invited ${demo.player.gamertag}`);
    printer.note(`    invite link: ${demo.inviteLink}`);
    const parsed = parseInviteLink(demo.inviteLink, defaultInviteLinkConfig);
    if (!parsed.ok) {
      io.err(`demo: the demo invite link did not parse: ${parsed.error.message}`);
      return exitCodes.internalError;
    }
    printer.note(`  ✔ the link is valid: handle ${parsed.invite.handleId}`);
    // The demo's invite is for its demo player, never the account signed in on this machine.
    // Without --xuid the demo player signs in for real (device code → user token → XSTS).
    let signedIn: SignedIn | undefined;
    if (options.xuid === undefined) {
      printer.note(
        `  … signing ${demo.player.gamertag} in with the device-code flow against the directory's identity services`,
      );
      const { signInDemoPlayer } = await import('./cli-demo-sign-in');
      const account = await signInDemoPlayer(directory.url, demo.player, printer.note);
      if (!account.ok) {
        io.err(`demo: sign-in failed: ${account.error}`);
        return exitCodes.internalError;
      }
      signedIn = { ...account.value.account, ...account.value };
      printer.note(
        `  ✔ signed in as ${account.value.account.gamertag} (OAuth access token → Xbox user token → XSTS); the join uses this XSTS token`,
      );
    }
    return await activate(
      parsed.invite,
      directory.url,
      {
        ...options,
        xuid: options.xuid ?? demo.player.xuid,
        gamertag: options.gamertag ?? demo.player.gamertag,
      },
      printer,
      io,
      signedIn,
    );
  } finally {
    await directory.close();
    printer.note('  ✔ local session directory stopped');
  }
}

async function startEmbeddedDirectory(
  seedDemo: boolean,
  io: CliIo,
): Promise<RunningDirectory | undefined> {
  try {
    // Loaded only here: `activate --directory URL` never needs the directory's code.
    const { startDirectory } = await import('../directory/start-directory');
    return await startDirectory({ port: 0, ...(seedDemo ? { seed: 'demo' as const } : {}) });
  } catch (error) {
    io.err(`could not start the embedded directory: ${String(error)}`);
    return undefined;
  }
}

/** The account a join runs as, and the profile service that names its invites' senders. */
interface SignedIn {
  readonly xuid: string;
  readonly gamertag: string;
  readonly tokens: TokenProvider;
  readonly profileUrl?: string;
}

/** The account signed in on this machine, unless --xuid names a development identity. */
async function signedInAccountFor(
  options: ActivateOptions,
  directoryUrl: string,
  printer: ProgressPrinter,
  io: CliIo,
): Promise<SignedIn | undefined> {
  if (options.xuid !== undefined || !existsSync(cliSignInFiles().settings)) return undefined;
  const { signedInAccount } = await import('./cli-sign-in');
  const found = await signedInAccount(options, io, directoryUrl);
  if (!found) return undefined;
  printer.note(`  ✔ signed in as ${found.account.gamertag}`);
  return {
    ...found.account,
    tokens: found.accounts.tokenProvider(),
    profileUrl: found.settings.profileUrl,
  };
}

/**
 * `activate --invite N`: reads the inbox exactly as `rallypoint invites` lists it and accepts the
 * Nth item through the same join as a link.
 */
async function activateFromInbox(
  options: ActivateOptions,
  index: number,
  printer: ProgressPrinter,
  io: CliIo,
): Promise<number> {
  const directoryUrl = options.directory;
  if (directoryUrl === undefined) {
    io.err('rallypoint: activate --invite needs --directory');
    return exitCodes.usage;
  }
  const account = await signedInAccountFor(options, directoryUrl, printer, io);
  const xuid = account?.xuid ?? options.xuid;
  if (xuid === undefined) {
    io.err(`rallypoint: ${inboxErrorText['not-signed-in']}`);
    return inboxErrorExitCodes['not-signed-in'];
  }
  const gamertag = options.gamertag ?? account?.gamertag ?? `Player${xuid.slice(-4)}`;
  const profileUrl =
    account?.profileUrl ?? `${directoryUrl.replace(/\/+$/, '')}/users/batch/profile/settings`;
  const signedIn: SignedIn = account ?? {
    xuid,
    gamertag,
    profileUrl,
    tokens: createDevTokenProvider({
      baseUrl: directoryUrl,
      xuid,
      gamertag,
      ...(options.follows?.length ? { follows: options.follows } : {}),
    }),
  };
  const log = cliLog(options, io);
  const read = await createInboxPlayer({
    directoryUrl,
    xuid,
    tokens: signedIn.tokens,
    scid: options.scid ?? defaultGameTitle.scid,
    profileUrl,
    ...(log ? { log } : {}),
  }).read(AbortSignal.timeout(30_000));
  if (!read.ok) {
    io.err(`rallypoint: ${inboxErrorText[read.error.code]}`);
    if (options.verbose) io.err(`log: ${read.error.message}`);
    return inboxErrorExitCodes[read.error.code];
  }
  const item = read.value[index - 1];
  if (item === undefined) {
    io.err(
      `rallypoint: there is no invite ${index}: the inbox lists ${read.value.length} (see \`rallypoint invites\`)`,
    );
    return exitCodes.invalidLink;
  }
  printer.note(
    `  ✔ invite ${index}: ${item.from ?? 'a friend'} (${item.kind}, handle ${item.handleId})`,
  );
  return activate(
    inviteOfItem(item, xuid),
    directoryUrl,
    { ...options, xuid, gamertag },
    printer,
    io,
    signedIn,
  );
}

async function activate(
  invite: Invite,
  directoryUrl: string,
  options: ActivateOptions,
  printer: ProgressPrinter,
  io: CliIo,
  given?: SignedIn,
): Promise<number> {
  // Without --xuid the signed-in account joins; without one either, the invited player's
  // development identity (the embedded directory's default).
  const signedIn = given ?? (await signedInAccountFor(options, directoryUrl, printer, io));
  const xuid = signedIn?.xuid ?? options.xuid ?? invite.localXuid;
  const game = gameSettings(options);
  if (!game.ok) {
    io.err(`rallypoint: ${game.error}`);
    return exitCodes.invalidConfig;
  }
  const config = resolveLauncherConfig({
    directoryUrl,
    identity: {
      xuid,
      gamertag: options.gamertag ?? signedIn?.gamertag ?? `Player${xuid.slice(-4)}`,
    },
    game: game.value,
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
  });
  if (!config.ok) {
    io.err(`rallypoint: ${config.error.message}`);
    return exitCodes.invalidConfig;
  }
  const log = cliLog(options, io);
  const launcher = createLauncherJoin(config.value, {
    ...(log ? { log } : {}),
    ...(signedIn ? { tokens: signedIn.tokens } : {}),
    ...(signedIn?.profileUrl ? { profileUrl: signedIn.profileUrl } : {}),
    onGameOutput: (_stream, line) =>
      options.json ? io.err(`game │ ${line}`) : io.out(`    game │ ${line}`),
  });

  // The game's channel requests are answered, and it hears who is in the session it joined.
  const channel = launcher.playable
    ? createPlayController({
        game: launcher.playable,
        calls: launcher.calls,
        identity: config.value.identity,
        title: config.value.game.title ?? defaultGameTitle,
        ...(log ? { log } : {}),
      })
    : undefined;

  let finish: (view: JoinView) => void = () => undefined;
  const outcome = new Promise<JoinView>((resolve) => (finish = resolve));
  let settled = false;
  const unsubscribe = launcher.service.subscribe((view) => {
    if (settled) return;
    printer.show(view);
    if (view.phase === 'joined' || view.phase === 'failed') {
      settled = true;
      finish(view);
    }
  });

  let interrupted = false;
  let stopStaying: () => void = () => undefined;
  const onSignal = () => {
    if (interrupted) process.exit(joinErrorExitCodes.cancelled);
    interrupted = true;
    if (settled) stopStaying();
    else launcher.service.cancel();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    launcher.service.submit(invite);
    const final = await outcome;
    unsubscribe();
    if (final.phase === 'joined' && options.stay && !interrupted) {
      printer.note('    staying in the session; press Ctrl-C to leave');
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (!launcher.game.isRunning()) done();
        }, 250);
        const done = () => {
          clearInterval(timer);
          resolve();
        };
        stopStaying = done;
      });
    }
    await channel?.stop();
    await launcher.close();
    if (final.phase === 'joined') {
      printer.note('  ✔ left the session and closed the game');
      return exitCodes.joined;
    }
    return final.error ? joinErrorExitCodes[final.error.code] : exitCodes.internalError;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * The game from the flags: `--game` names another executable (with `--game-args` or the default
 * template); without it the demo game runs, optionally with other arguments after its script.
 */
function gameSettings(options: ActivateOptions): Result<LauncherConfigInput['game'], string> {
  const tuning = {
    ...(options.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: options.ackTimeoutMs }),
    ...(options.connectionProperty === undefined
      ? {}
      : { connectionProperty: options.connectionProperty }),
  };
  if (options.game !== undefined) {
    return ok({
      executable: options.game,
      ...(options.gameArgs === undefined ? {} : { args: options.gameArgs }),
      ...tuning,
    });
  }
  const script = findDemoGame();
  const demo = demoGameSettings(script);
  if (options.gameArgs === undefined) return ok({ ...demo, ...tuning });
  const args = splitArgsTemplate(options.gameArgs);
  if (!args.ok) return err(`--game-args: ${args.error}`);
  return ok({ ...demo, args: [script, ...args.value], ...tuning });
}
