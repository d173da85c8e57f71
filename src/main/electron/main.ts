/**
 * The Electron entry and the launcher's one composition root: link intake → join flow → IPC →
 * window. Everything here is wiring; the logic lives in Electron-free modules.
 *
 * Order matters. Logging, link intake (the macOS `open-url` listener and the single-instance lock)
 * and the privileged app scheme are set up synchronously on import, before `ready` and before any
 * `await`, because Electron does not replay a launching link to late listeners and only accepts
 * privileged schemes before `ready`. Links that arrive before the window and the join flow exist
 * wait in the intake's queue and are delivered when `attach` runs.
 *
 * One thing comes before all of that: when the first argument is `--rallypoint-demo-game`, this
 * process is the demo game the launcher started (src/main/demo-game-mode.ts), not a launcher. It
 * must decide so before link intake, which would take the single-instance lock, hand this
 * process's argv to the running launcher and quit.
 */
import { join as joinPath } from 'node:path';
import { app, dialog, session, type BrowserWindow } from 'electron';
import { runDemoGame } from '../../demo-game/run-demo-game';
import type { Invite } from '../../shared/invite';
import { inviteLinkConfigFor, parseInviteLink } from '../../shared/invite-link';
import type { LauncherState } from '../../shared/ipc-contract';
import { noRosterView, type RosterView } from '../../shared/roster-view';
import type { RunningDirectory } from '../../directory/directory-options';
import { ActiveJoin } from '../active-join';
import type { InviteDialog } from '../invite-dialog/invite-dialog';
import { defaultGameTitle } from '../join/launcher-config';
import { LinkIntake } from '../intake/link-intake';
import { IpcRefusedError } from '../ipc/ipc-refusal';
import { createLauncherHandlers } from '../ipc/launcher-handlers';
import { TokenBucket } from '../ipc/token-bucket';
import { demoGameLaunch } from '../demo-game-mode';
import { createLauncherPlay, type LauncherPlay } from '../game/launcher-play';
import { LauncherView } from '../launcher-view';
import {
  gamertagFor,
  readSettingsFile,
  readStudioSettings,
  resolveLauncherSettings,
  studioSettingsPath,
  type LauncherSettings,
} from '../launcher-settings';
import type { LauncherAccounts, StackIdentity } from '../join-stack';
import { createLauncherAccount, type LauncherAccount } from '../launcher-account';
import type { LauncherLoggers } from '../logging/configure-logging';
import { logJoinPhases } from '../logging/join-phase-log';
import { RecentInvites } from '../recent-invites';
import { RecentInvitesFile } from '../recent-invites-file';
import { registerAppScheme, serveAppScheme } from './app-protocol';
import { createTypedIpcMain } from './ipc-main';
import { createWindowInviteDialog, whenInviteDialogReady } from './invite-dialog-wiring';
import { installLinkIntake } from './link-intake-adapter';
import { mainLogPath, setUpMainLogging } from './logging';
import { launcherTokenStore } from './safe-storage-cipher';
import { systemBrowser } from './system-browser';
import { bringToFront, createLauncherWindow, guardSession, guardWebContents } from './window';
import { startWindowInbox } from './window-inbox';

/**
 * In demo-game mode, the demo game's exit code once it ended; undefined in a launcher. Decided
 * here, on the module's first lines, before anything below touches the app.
 */
export const demoGame: Promise<number> | undefined = runDemoGameIfAsked();

/**
 * Runs the demo game over this process's stdin/stdout when the launch asks for it: no window, no
 * single-instance lock, no protocol registration, no dock icon; the app exits when the game does
 * (on `{"type":"quit"}` or when stdin ends).
 */
function runDemoGameIfAsked(): Promise<number> | undefined {
  const gameArgv = demoGameLaunch(process.argv, app.isPackaged);
  if (gameArgv === undefined) return undefined;
  app.dock?.hide();
  // Its own browser profile, so it never shares files with the launcher that started it.
  app.setPath('userData', joinPath(app.getPath('temp'), 'rallypoint-demo-game'));
  return new Promise((resolve) => {
    runDemoGame({
      argv: gameArgv,
      input: process.stdin,
      output: process.stdout,
      joinId: process.env.RALLYPOINT_JOIN_ID,
      exit: (code) => {
        // The last protocol line must leave before the process does (pipes are async on Windows).
        process.stdout.write('', () => {
          resolve(code);
          app.exit(code);
        });
      },
    });
  });
}

/** What the composition root built; tests drive it, `before-quit` closes it. */
export interface Launcher {
  readonly settings: LauncherSettings;
  readonly directoryUrl: string;
  /** The embedded directory, when main started one. */
  readonly directory: RunningDirectory | undefined;
  readonly join: ActiveJoin;
  readonly view: LauncherView;
  readonly recent: RecentInvites;
  /** The signed-in account; undefined when the settings ask for a development identity. */
  readonly account: LauncherAccount | undefined;
  /** The window's invite dialog (a game's "open the invite dialog" goes to `requestFromGame`). */
  readonly inviteDialog: InviteDialog;
  window(): BrowserWindow | undefined;
  /** Leaves any written session, stops the game main started and the embedded directory. */
  close(): Promise<void>;
}

/** How long quitting may take to leave a session and stop the game before the app exits anyway. */
const QUIT_BUDGET_MS = 8_000;

/**
 * Boots the launcher. Synchronous up to `app.whenReady()`; resolves with the composed launcher,
 * or undefined in a second instance (it handed its link to the running launcher and exits).
 */
export function bootLauncher(): Promise<Launcher | undefined> {
  const devMode = !app.isPackaged;
  const logs = setUpMainLogging({ devMode });
  logs.app.info(
    `Rallypoint ${app.getVersion()} starting (${devMode ? 'development' : 'packaged'}), log: ${mainLogPath()}`,
  );

  let launcher: Launcher | undefined;
  let openWindow: () => void = () => undefined;
  const intake = new LinkIntake({
    config: inviteLinkConfigFor(app.isPackaged),
    logger: logs.intake,
    onArrivalWhileDetached: () => openWindow(),
  });
  if (installLinkIntake(app, intake, { logger: logs.intake }) === 'secondary') {
    return Promise.resolve(undefined);
  }

  const settings = readSettings();

  // Every renderer sandboxed, not only the launcher window's (devtools, anything created later).
  app.enableSandbox();
  registerAppScheme();
  const externalLinkOrigins = settings.ok ? settings.value.externalLinkOrigins : [];
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, { log: logs.window, externalLinkOrigins });
  });
  app.on('window-all-closed', () => {
    // macOS apps stay in the dock with no window; a link or a dock click opens one again.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => openWindow());

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || launcher === undefined) return;
    event.preventDefault();
    quitting = true;
    logs.app.info('quitting: leaving any session and stopping the game');
    const budget = new Promise<void>((resolve) => setTimeout(resolve, QUIT_BUDGET_MS).unref());
    void Promise.race([launcher.close(), budget])
      .catch((error: unknown) => logs.app.error('shutdown failed', error))
      .finally(() => app.quit());
  });

  return app.whenReady().then(async () => {
    if (!settings.ok) {
      failStart(logs, `Settings: ${settings.error.message}`);
      return undefined;
    }
    try {
      launcher = await composeLauncher(settings.value, intake, logs, (open) => {
        openWindow = open;
      });
      return launcher;
    } catch (error) {
      failStart(logs, error instanceof Error ? error.message : String(error));
      return undefined;
    }
  });
}

/** Reads both settings files and resolves the settings; the paths are all Electron supplies. */
function readSettings(): ReturnType<typeof resolveLauncherSettings> {
  const appRoot = app.getAppPath();
  const studio = readStudioSettings(
    studioSettingsPath({
      isPackaged: app.isPackaged,
      // Electron sets it; undefined only where main runs under plain Node (tests).
      resourcesPath: process.resourcesPath as string | undefined,
      appRoot,
    }),
  );
  if (!studio.ok) return studio;
  const user = readSettingsFile(process.env, app.getPath('userData'));
  if (!user.ok) return user;
  return resolveLauncherSettings({
    env: process.env,
    isPackaged: app.isPackaged,
    appRoot,
    userData: app.getPath('userData'),
    execPath: process.execPath,
    settingsFile: user.value,
    studioSettings: studio.value,
  });
}

/**
 * Builds everything that needs `ready`. The window comes first: IPC, the view and the window are
 * light; the embedded directory and the join stack (got, xstate) are imported after the window is
 * open, and link intake is attached once they are ready (links wait in the intake's queue until
 * then). The window's requests that need them wait for `services`.
 */
async function composeLauncher(
  settings: LauncherSettings,
  intake: LinkIntake,
  logs: LauncherLoggers,
  exposeOpenWindow: (open: () => void) => void,
): Promise<Launcher> {
  guardSession(session.defaultSession, logs.window);
  serveAppScheme(session.defaultSession, {
    root: settings.rendererRoot,
    devMode: settings.devMode,
    log: logs.window,
  });

  const join = new ActiveJoin();
  const view = new LauncherView(join, (error) => logs.ipc.warn('a view listener failed', error));
  logJoinPhases(view, logs.join);

  const recentFile = new RecentInvitesFile(settings.recentInvitesFile);
  const loaded = await recentFile.load();
  if (loaded.status === 'unreadable') {
    logs.app.warn(`recent invites file unreadable (${loaded.reason}); starting with an empty list`);
  }
  const recent = new RecentInvites({ initial: loaded.status === 'loaded' ? loaded.recent : [] });
  // The first run after install: no recent-invites file yet (docs/launcher-window.md, "Inbox").
  const firstRun = loaded.status === 'missing';

  let window: BrowserWindow | undefined;
  const ipc = createTypedIpcMain({
    trustedWebContentsId: () =>
      window?.isDestroyed() === false ? window.webContents.id : undefined,
    log: logs.ipc,
  });
  view.subscribe((current) => {
    if (window !== undefined) ipc.push(window.webContents, 'join:view', current);
  });
  view.subscribe((current) => {
    if (!recent.observe(current)) return;
    if (window !== undefined) ipc.push(window.webContents, 'launcher:recent', recent.list());
    recentFile.save(recent.list()).catch((error: unknown) => {
      logs.app.warn('could not save the recent invites', error);
    });
  });

  let identity: StackIdentity = settings.identity;
  // Play (src/main/game/launcher-play.ts): a controller on each join stack's game.
  let player: () => StackIdentity = () => identity;
  const play = createLauncherPlay({
    player: () => player(),
    log: logs.join,
    // A game's `open-invite-dialog` opens the window's dialog for the game's own session.
    openInviteDialog: async (session) => (await inviteDialog).requestFromGame(session),
  });
  play.subscribe((current) => {
    if (window !== undefined) ipc.push(window.webContents, 'play:view', current);
  });
  // The roster as last pushed: part of the window's state, so a reloaded window shows it at once.
  let lastRoster: RosterView = noRosterView;
  // Started right after the first window is created (below), never before it.
  let windowCreated: () => void = () => undefined;
  const services = new Promise<void>((resolve) => (windowCreated = resolve)).then(() =>
    startServices(
      settings,
      logs,
      (stack) => join.replace(stack),
      identity,
      play.track,
      (roster) => {
        lastRoster = roster;
        if (window !== undefined) ipc.push(window.webContents, 'session:roster', roster);
      },
    ),
  );
  // Failures surface where `services` is awaited below; this only keeps the rejection handled.
  services.catch(() => undefined);

  const submit = (invite: Invite, source: string) => {
    if (join.inFlightHandleId() === invite.handleId) {
      logs.join.info(`${source}: handle=${invite.handleId.slice(0, 8)}… is already joining`);
      return;
    }
    join.submit(invite);
  };

  // The signed-in account (settings `signIn`): built once the services are up, because sign-in
  // goes to the directory's own identity services unless a studio names others.
  const signingIn = settings.signIn.kind !== 'development';
  const account = services.then(({ accounts }) => {
    if (accounts === undefined) return undefined;
    const built = createLauncherAccount({
      accounts: accounts.manager,
      openBrowser: systemBrowser((line) => logs.app.info(line)),
      join: {
        submit: (invite) => submit(invite, 'account'),
        view: () => join.view(),
        lastInvite: () => join.lastInvite(),
      },
      picture: accounts.picture,
      log: (line) => logs.app.info(line),
    });
    built.subscribe((current) => {
      if (window !== undefined) ipc.push(window.webContents, 'account:view', current);
    });
    return built.service.load().then(() => built);
  });
  account.catch(() => undefined);
  void account.then((signedIn) => {
    if (signedIn === undefined) return;
    player = () => {
      const current = signedIn.view();
      return current.state === 'signed-in' ? current : identity;
    };
  });
  /** Invites from links and the demo button: through the account when one signs the player in. */
  const offer = async (invite: Invite, source: string): Promise<void> => {
    const signedIn = await account;
    if (signedIn === undefined || join.inFlightHandleId() === invite.handleId) {
      submit(invite, source);
      return;
    }
    signedIn.offerInvite(invite);
  };

  const inbox = signingIn
    ? startWindowInbox({
        settings,
        services,
        account,
        firstRun,
        submit: (invite) => {
          offer(invite, 'inbox').catch((error: unknown) =>
            logs.join.error('an inbox invite could not be offered', error),
          );
        },
        push: (current) => window && ipc.push(window.webContents, 'inbox:view', current),
        log: logs.app,
      })
    : undefined;
  // The invite dialog: the session of the game Play started, else the joined invite's session.
  const inviteDialog = services.then(({ directoryUrl }) =>
    createWindowInviteDialog({
      join,
      hostedSession: () => play.session(),
      directoryUrl,
      titleId: settings.join.game?.titleId ?? defaultGameTitle.titleId,
      log: logs.app,
      show: () => {
        open();
        if (window !== undefined)
          ipc.push(window.webContents, 'invite-dialog:show', { requestedBy: 'game' });
      },
    }),
  );
  inviteDialog.catch(() => undefined);

  ipc.handleAll(
    createLauncherHandlers({
      state: async (): Promise<LauncherState> => {
        const { demoInvite } = await services;
        const signedIn = await account;
        const inviteRequest = (await inviteDialog).pendingRequest();
        return {
          view: view.current(),
          recent: recent.list(),
          locale: app.getLocale(),
          devMode: demoInvite !== undefined,
          ...(signedIn === undefined ? {} : { account: signedIn.view() }),
          ...(inbox === undefined ? {} : { inbox: inbox.view() }),
          play: play.view(),
          roster: lastRoster,
          ...(inviteRequest === undefined ? {} : { inviteDialog: inviteRequest }),
        };
      },
      retry: () => join.retry(),
      cancel: () => join.cancel(),
      dismiss: () => view.dismiss(),
      switchAccount: async () => {
        // With real sign-in the window offers the cached accounts and a new sign-in itself
        // (account:switch, account:sign-in); it never becomes the account a link names.
        if (signingIn) throw new IpcRefusedError('not-available');
        const { buildStack } = await services;
        const invite = join.lastInvite();
        if (invite === undefined) throw new IpcRefusedError('not-available');
        // A real identity provider would show its account picker here; the development identity
        // simply becomes the account the invite was sent to.
        identity = { xuid: invite.localXuid, gamertag: gamertagFor(invite.localXuid) };
        logs.join.info(`switching the development identity to xuid …${invite.localXuid.slice(-4)}`);
        await join.replace(buildStack(identity));
        join.submit(invite);
      },
      tryDemoInvite: async () => {
        const { demoInvite } = await services;
        if (demoInvite === undefined) throw new IpcRefusedError('not-available');
        await offer(demoInvite, 'demo invite');
      },
      account: signingIn
        ? {
            signIn: () => void account.then((signedIn) => signedIn?.handlers.signIn()),
            cancelSignIn: () => void account.then((signedIn) => signedIn?.handlers.cancelSignIn()),
            switchTo: async (xuid) => (await account)?.handlers.switchTo(xuid) ?? false,
            signOut: async () => (await account)?.handlers.signOut(),
          }
        : undefined,
      inbox: inbox?.handlers,
      rendererLog: logs.renderer,
      rendererLogBudget: new TokenBucket({ capacity: 100, refillPerSecond: 20 }),
      play: async () => {
        await services;
        play.play();
      },
      inviteDialog: whenInviteDialogReady(inviteDialog),
    }),
  );

  const detachIntake: { current: (() => void) | undefined } = { current: undefined };
  let servicesReady = false;
  const attachIntake = (): void => {
    if (!servicesReady || window === undefined || detachIntake.current !== undefined) return;
    detachIntake.current = intake.attach({
      submit: (invite) => {
        offer(invite, 'intake').catch((error: unknown) =>
          logs.join.error('an invite could not be offered', error),
        );
      },
      inFlightHandleId: () => join.inFlightHandleId(),
      rejectLink: (error) => view.showRejectedLink(error),
      revealWindow: () => {
        if (window !== undefined) bringToFront(window);
      },
    });
  };
  const open = (): void => {
    if (window !== undefined && !window.isDestroyed()) {
      bringToFront(window);
      return;
    }
    window = createLauncherWindow({
      preloadPath: settings.preloadPath,
      devMode: settings.devMode,
      log: logs.window,
      externalLinkOrigins: settings.externalLinkOrigins,
    });
    window.on('closed', () => {
      window = undefined;
      detachIntake.current?.();
      detachIntake.current = undefined;
    });
    attachIntake();
  };
  exposeOpenWindow(open);
  open();
  windowCreated();

  const { directory, directoryUrl } = await services;
  const signedIn = await account;
  const dialog = await inviteDialog;
  servicesReady = true;
  attachIntake();

  let closing: Promise<void> | undefined;
  return {
    settings,
    directoryUrl,
    directory,
    join,
    view,
    recent,
    account: signedIn,
    inviteDialog: dialog,
    window: () => window,
    close() {
      closing ??= (async () => {
        // A sign-in still waiting for the browser stops listening on its loopback port.
        signedIn?.service.cancelSignIn();
        inbox?.stop();
        ipc.dispose();
        view.close();
        await play.close();
        await join.close();
        await directory?.close();
        logs.app.info('launcher closed');
      })();
      return closing;
    },
  };
}

/** What the lazily loaded half of main provides once it is up. */
interface Services {
  readonly directory: RunningDirectory | undefined;
  readonly directoryUrl: string;
  /** The embedded directory's demo invite (development builds only). */
  readonly demoInvite: Invite | undefined;
  readonly buildStack: (identity: StackIdentity) => Parameters<ActiveJoin['replace']>[0];
  /** The signed-in accounts, unless the settings ask for a development identity. */
  readonly accounts: LauncherAccounts | undefined;
}

/**
 * Loads and starts the heavy half: the embedded directory when configured, then the join stack
 * for the signed-in identity, which it hands to `attachStack`.
 */
async function startServices(
  settings: LauncherSettings,
  logs: LauncherLoggers,
  attachStack: (stack: Parameters<ActiveJoin['replace']>[0]) => Promise<void>,
  identity: StackIdentity,
  track: LauncherPlay['track'],
  onRoster: (view: RosterView) => void,
): Promise<Services> {
  const directory =
    settings.directory.kind === 'embedded'
      ? await startEmbeddedDirectory(settings.directory.seedDemo, logs)
      : undefined;
  const directoryUrl = directory?.url ?? (settings.directory as { url: string }).url;
  logs.directory.info(
    directory === undefined
      ? `using the configured session directory ${directoryUrl}`
      : `embedded session directory listening on ${directoryUrl}${directory.demo ? ' with the demo session' : ''}`,
  );
  // The build turns this import() into dist/main/join-stack.cjs, required only now.
  const { buildJoinStack, buildLauncherAccounts } = await import('../join-stack');
  const signIn = settings.signIn;
  // The token cache is encrypted with safeStorage (the OS keychain); see docs/sign-in.md.
  const accounts =
    signIn.kind === 'development'
      ? undefined
      : buildLauncherAccounts(
          signIn.kind === 'services' ? signIn.settings : undefined,
          directoryUrl,
          launcherTokenStore(),
          logs,
        );
  const signedIn =
    accounts === undefined
      ? undefined
      : { tokens: accounts.manager.tokenProvider(), profileUrl: accounts.profileUrl };
  const buildStack = (who: StackIdentity) =>
    track(buildJoinStack(settings, directoryUrl, who, logs, signedIn, onRoster));
  await attachStack(buildStack(identity));
  return {
    directory,
    directoryUrl,
    demoInvite: demoInviteOf(directory, settings.devMode),
    buildStack,
    accounts,
  };
}

/**
 * Starts the embedded directory. Its code is imported here, not at the top: the build turns this
 * `import()` into a separate bundle (dist/main/embedded-directory.cjs), so a launcher configured
 * with a remote directory never loads it and main.cjs stays small.
 */
async function startEmbeddedDirectory(
  seedDemo: boolean,
  logs: LauncherLoggers,
): Promise<RunningDirectory> {
  logs.directory.info('loading the embedded session directory');
  const { startDirectory } = await import('../../directory/start-directory');
  return startDirectory(seedDemo ? { seed: 'demo' } : {});
}

/** The embedded directory's demo invite, parsed like any link, in development builds only. */
function demoInviteOf(
  directory: RunningDirectory | undefined,
  devMode: boolean,
): Invite | undefined {
  if (!devMode || directory?.demo === undefined) return undefined;
  const parsed = parseInviteLink(directory.demo.inviteLink, inviteLinkConfigFor(false));
  return parsed.ok ? parsed.invite : undefined;
}

/** A start-up failure the player must see: an error box naming the log file, then exit. */
function failStart(logs: LauncherLoggers, message: string): void {
  logs.app.error(`cannot start: ${message}`);
  dialog.showErrorBox(
    'Rallypoint could not start',
    `${message}\n\nDetails are in the log file:\n${mainLogPath()}`,
  );
  app.exit(1);
}

/**
 * The running launcher (undefined in a second instance and in demo-game mode); the promise tests
 * and tools await.
 */
export const launcher: Promise<Launcher | undefined> =
  demoGame === undefined ? bootLauncher() : Promise.resolve(undefined);
