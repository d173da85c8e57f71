/**
 * What Electron main does for the window, rebuilt for the browser tests from the real parts: the
 * real join stack (`createLauncherJoin`: directory client, dev-token sign-in, game hand-off to the
 * real demo game process, xstate join machine) against a real local directory, the real recent
 * invites list, and the IPC contract's handlers. "Switch account" signs in as the account the
 * failed invite was for, the way an account picker would, and accepts the invite again.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLauncherJoin, type LauncherJoin } from '../../src/main/join/join-service';
import { demoGameSettings, resolveLauncherConfig } from '../../src/main/join/launcher-config';
import type { RetryPolicyOptions } from '../../src/main/join/retry-policy';
import { RecentInvites } from '../../src/main/recent-invites';
import type { Invite } from '../../src/shared/invite';
import { developmentInviteLinkConfig, parseInviteLink } from '../../src/shared/invite-link';
import type { LogLevel } from '../../src/shared/ipc-contract';
import type { JoinView } from '../../src/shared/join-view';
import type { InvokeHandlers, TestHost } from './test-host';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Account {
  readonly xuid: string;
  readonly gamertag: string;
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
}

export interface LauncherBackend {
  readonly handlers: InvokeHandlers;
  /** Connects pushes to the page host; call once the host exists. */
  attach(host: TestHost): void;
  /** Accepts an invite link as if the OS had opened it. */
  accept(link: string): void;
  view(): JoinView;
  /** Who is signed in now. */
  signedIn(): Account;
  /** Every line the page logged. */
  readonly logs: readonly { level: LogLevel; message: string }[];
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
  let host: TestHost | undefined;
  let account = options.signedIn;
  let lastInvite: Invite | undefined;
  let unsubscribe: (() => void) | undefined;

  const startJoin = (who: Account): LauncherJoin => {
    const config = resolveLauncherConfig({
      directoryUrl: options.directoryUrl,
      identity: who,
      game: { ...demoGameSettings(gameScript), ackTimeoutMs: 10_000 },
      ...(options.retry ? { retry: options.retry } : {}),
      locale: options.locale,
    });
    if (!config.ok) throw new Error(config.error.message);
    const launcherJoin = createLauncherJoin(config.value);
    unsubscribe?.();
    unsubscribe = launcherJoin.service.subscribe((view) => {
      host?.push('join:view', view);
      if (recent.observe(view)) host?.push('launcher:recent', recent.list());
    });
    return launcherJoin;
  };

  let current = startJoin(account);

  const submit = (invite: Invite): void => {
    lastInvite = invite;
    current.service.submit(invite);
  };

  const accept = (link: string): void => {
    const parsed = parseInviteLink(link, developmentInviteLinkConfig);
    if (!parsed.ok) throw new Error(`test link refused: ${parsed.error.code}`);
    submit(parsed.invite);
  };

  const handlers: InvokeHandlers = {
    'launcher:get-state': () => ({
      view: current.service.view(),
      recent: recent.list(),
      locale: options.locale,
      devMode: options.devMode,
    }),
    'join:retry': () => current.service.retry(),
    'join:cancel': () => current.service.cancel(),
    'join:dismiss': () => current.service.dismiss(),
    'join:switch-account': async () => {
      const invite = lastInvite;
      const target = options.accounts.find((a) => a.xuid === invite?.localXuid);
      if (!invite || !target) throw new Error('no account on this PC matches the invite');
      const previous = current;
      await previous.close();
      account = target;
      current = startJoin(account);
      host?.push('join:view', current.service.view());
      submit(invite);
    },
    'dev:try-demo-invite': () => accept(options.demoInviteLink),
    'log:write': (level, message) => void logs.push({ level, message }),
  };

  return {
    handlers,
    attach: (pageHost) => {
      host = pageHost;
    },
    accept,
    view: () => current.service.view(),
    signedIn: () => account,
    logs,
    async close() {
      unsubscribe?.();
      await current.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
