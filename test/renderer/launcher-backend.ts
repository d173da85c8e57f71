/**
 * What Electron main does for the window, composed for the browser tests from main's own parts:
 * the real join stack (`createLauncherJoin`: directory client, dev-token sign-in, game hand-off to
 * the real demo game process, xstate join machine) behind main's `ActiveJoin`, main's
 * `LauncherView` (which shows refused links), main's handler table (`createLauncherHandlers`) and
 * main's recent-invites list and main's Play glue (`createLauncherPlay`, over each stack's game).
 * Only Electron is missing: pushes go to
 * the test host instead of `webContents.send`. "Switch account" signs in as the account the failed
 * invite was for, the way an account picker would, and accepts the invite again.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActiveJoin } from '../../src/main/active-join';
import { createLauncherPlay } from '../../src/main/game/launcher-play';
import { accountPicture } from '../../src/main/account/account-picture';
import { createAccountManager } from '../../src/main/account/account-manager';
import { localSignInSettings } from '../../src/main/account/sign-in-settings';
import { fileTokenStore } from '../../src/main/account/token-cache';
import { createLauncherAccount, type LauncherAccount } from '../../src/main/launcher-account';
import { InviteDialog, joinedInviteSession } from '../../src/main/invite-dialog/invite-dialog';
import { createLauncherHandlers } from '../../src/main/ipc/launcher-handlers';
import type { InboxPlayer } from '../../src/main/inbox/launcher-inbox';
import { wireLauncherInbox, type WiredInbox } from '../../src/main/inbox/launcher-inbox-wiring';
import { TokenBucket } from '../../src/main/ipc/token-bucket';
import { LauncherView } from '../../src/main/launcher-view';
import { createLauncherJoin, type LauncherJoin } from '../../src/main/join/join-service';
import {
  defaultGameTitle,
  demoGameSettings,
  resolveLauncherConfig,
} from '../../src/main/join/launcher-config';
import type { RetryPolicyOptions } from '../../src/main/join/retry-policy';
import { RecentInvites } from '../../src/main/recent-invites';
import { developmentInviteLinkConfig, parseInviteLink } from '../../src/shared/invite-link';
import { logLevels, type LogLevel } from '../../src/shared/ipc-contract';
import type { JoinView } from '../../src/shared/join-view';
import { noRosterView, type RosterView } from '../../src/shared/roster-view';
import type { InvokeHandlers, TestHost } from './test-host';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Account {
  readonly xuid: string;
  readonly gamertag: string;
  /** Development identities only: whom the player follows (whom the invite dialog lists). */
  readonly follows?: readonly string[];
}

export interface LauncherBackendOptions {
  /** Where the launcher talks to the session directory (the directory, or a front for it). */
  readonly directoryUrl: string;
  /** The invite link "Try a demo invite" accepts. */
  readonly demoInviteLink: string;
  /** Signed in at start. */
  readonly signedIn: Account;
  /** The accounts on this PC that "Switch account" may choose from. */
  readonly accounts: readonly Account[];
  readonly locale: string;
  readonly devMode: boolean;
  /** Backoff tuning, so retry tests wait a second instead of several. */
  readonly retry?: RetryPolicyOptions;
  /** Extra arguments for the demo game, e.g. `--mode refuse` to make every join fail. */
  readonly gameArgs?: readonly string[];
  /** The game's Play arguments in place of the demo game's (`--play`), e.g. a crashing program. */
  readonly playArgs?: readonly string[];
  /**
   * Real sign-in instead of development identities: the account code main builds (against the
   * directory's own identity services), with this stand-in for `shell.openExternal`.
   */
  readonly openBrowser?: (url: string) => Promise<void>;
  /**
   * The inbox of the signed-in player (main's own wiring, src/main/inbox), read through these
   * calls; `firstRun` as main decides it from the recent-invites file.
   */
  readonly inbox?: { readonly player: InboxPlayer; readonly firstRun: boolean };
}

export interface LauncherBackend {
  readonly handlers: InvokeHandlers;
  /** Connects pushes to the page host; call once the host exists. */
  attach(host: TestHost): void;
  /** Takes an invite link as if the OS had opened it; a refused link shows as `invalid-link`. */
  accept(link: string): void;
  view(): JoinView;
  /** Who is signed in now. */
  signedIn(): Account;
  /** Every line the page logged. */
  readonly logs: readonly { level: LogLevel; message: string }[];
  /** Every line the game printed besides its protocol lines (the demo game's log, in order). */
  readonly gameOutput: readonly string[];
  /** The inbox, when `options.inbox` asked for one. */
  readonly inbox: WiredInbox | undefined;
  /** Asks the game Play started to quit, as a player closing it would (a normal exit). */
  quitGame(): boolean;
  close(): Promise<void>;
}

/** Builds the demo game from source into a private folder: other test files rebuild dist/. */
async function buildDemoGame(folder: string): Promise<string> {
  const outfile = join(folder, 'demo-game.mjs');
  await build({
    entryPoints: [join(root, 'src/demo-game/demo-game.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
  return outfile;
}

export async function startLauncherBackend(
  options: LauncherBackendOptions,
): Promise<LauncherBackend> {
  const folder = mkdtempSync(join(tmpdir(), 'rallypoint-window-'));
  const gameScript = await buildDemoGame(folder);
  const recent = new RecentInvites();
  const logs: { level: LogLevel; message: string }[] = [];
  const gameOutput: string[] = [];
  let host: TestHost | undefined;
  let account = options.signedIn;
  let roster: RosterView = noRosterView;

  // With real sign-in, every stack joins with the signed-in account's XSTS tokens.
  const manager =
    options.openBrowser === undefined
      ? undefined
      : createAccountManager({
          settings: localSignInSettings(options.directoryUrl),
          store: fileTokenStore(join(folder, 'accounts.json')),
        });
  const play = createLauncherPlay({
    player: () => account,
    log: { info: () => undefined, warn: () => undefined },
  });
  play.subscribe((view) => host?.push('play:view', view));
  let stack: LauncherJoin | undefined;
  const buildStack = (who: Account): LauncherJoin => {
    const game = demoGameSettings(gameScript);
    const gameArgs = Array.isArray(game.args) ? game.args : [];
    const config = resolveLauncherConfig({
      directoryUrl: options.directoryUrl,
      identity: who,
      game: {
        ...game,
        args: [...gameArgs, ...(options.gameArgs ?? [])],
        ...(options.playArgs ? { playArgs: options.playArgs } : {}),
        ackTimeoutMs: 10_000,
      },
      ...(options.retry ? { retry: options.retry } : {}),
      locale: options.locale,
    });
    if (!config.ok) throw new Error(config.error.message);
    stack = play.track(
      createLauncherJoin(config.value, {
        ...(manager === undefined ? {} : { tokens: manager.tokenProvider() }),
        onGameOutput: (_stream, line) => void gameOutput.push(line),
        // Main pushes the joined session's live roster the same way (join-stack.ts).
        onRoster: (view) => {
          roster = view;
          host?.push('session:roster', view);
        },
      }),
    );
    return stack;
  };

  const active = new ActiveJoin(buildStack(account));
  const launcherView = new LauncherView(active);
  launcherView.subscribe((view) => {
    host?.push('join:view', view);
    if (recent.observe(view)) host?.push('launcher:recent', recent.list());
  });

  const signIn: LauncherAccount | undefined =
    manager === undefined || options.openBrowser === undefined
      ? undefined
      : createLauncherAccount({
          accounts: manager,
          openBrowser: options.openBrowser,
          join: active,
          picture: (xuid) =>
            accountPicture(xuid, {
              profileUrl: localSignInSettings(options.directoryUrl).profileUrl,
              tokens: manager.tokenProvider(),
            }),
          log: () => undefined,
        });
  signIn?.subscribe((view) => host?.push('account:view', view));
  await signIn?.service.load();

  const accept = (link: string): void => {
    const parsed = parseInviteLink(link, developmentInviteLinkConfig);
    if (!parsed.ok) return launcherView.showRejectedLink(parsed.error);
    if (signIn) signIn.offerInvite(parsed.invite);
    else active.submit(parsed.invite);
  };

  // The inbox follows a development identity that never changes: the account view says who.
  const inbox =
    options.inbox === undefined
      ? undefined
      : wireLauncherInbox({
          account: {
            view: () => ({
              state: 'signed-in',
              xuid: account.xuid,
              gamertag: account.gamertag,
              others: [],
            }),
            subscribe: () => () => undefined,
          },
          playerFor: () => options.inbox!.player,
          submit: (invite) => (signIn ? signIn.offerInvite(invite) : active.submit(invite)),
          push: (view) => host?.push('inbox:view', view),
          firstRun: options.inbox.firstRun,
          minIntervalMs: 0,
          log: () => undefined,
        });
  await inbox?.inbox.refresh('start', true);

  const rendererLog = Object.fromEntries(
    logLevels.map((level) => [
      level,
      (...data: unknown[]) => void logs.push({ level, message: data.map(String).join(' ') }),
    ]),
  ) as Record<LogLevel, (...data: unknown[]) => void>;

  const handlers: InvokeHandlers = createLauncherHandlers({
    state: () => ({
      view: launcherView.current(),
      recent: recent.list(),
      locale: options.locale,
      devMode: options.devMode,
      ...(signIn ? { account: signIn.view() } : {}),
      ...(inbox ? { inbox: inbox.inbox.view() } : {}),
      play: play.view(),
      roster,
    }),
    retry: () => active.retry(),
    cancel: () => active.cancel(),
    dismiss: () => launcherView.dismiss(),
    switchAccount: async () => {
      const invite = active.lastInvite();
      const target = options.accounts.find((a) => a.xuid === invite?.localXuid);
      if (!invite || !target) throw new Error('no account on this PC matches the invite');
      account = target;
      await active.replace(buildStack(account));
      active.submit(invite);
    },
    tryDemoInvite: options.devMode ? () => accept(options.demoInviteLink) : undefined,
    account: signIn?.handlers,
    inbox: inbox?.handlers,
    // Main's invite dialog: the running game's session, else the one the window's join brought
    // the player into (as main.ts wires it).
    inviteDialog: new InviteDialog({
      session: () => play.session() ?? joinedInviteSession(active),
      title: defaultGameTitle,
      webInviteBase: options.directoryUrl,
      pictureOrigin: new URL(options.directoryUrl).origin,
      show: () => host?.push('invite-dialog:show', { requestedBy: 'game' }),
      writeClipboard: () => undefined,
    }),
    rendererLog,
    rendererLogBudget: new TokenBucket({ capacity: 100, refillPerSecond: 20 }),
    play: () => void play.play(),
  });

  return {
    handlers,
    attach: (pageHost) => {
      host = pageHost;
    },
    accept,
    view: () => launcherView.current(),
    signedIn: () => account,
    logs,
    gameOutput,
    inbox,
    quitGame: () => stack?.playable?.send({ type: 'quit' }) === true,
    async close() {
      inbox?.stop();
      launcherView.close();
      await play.close();
      await active.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
