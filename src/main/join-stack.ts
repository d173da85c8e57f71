/**
 * Builds the join stack for one identity: the directory client (got), the token provider and the
 * join machine (xstate). It is the heavy half of the launcher, so Electron's main imports this
 * module only after the first window is open (the build makes it dist/main/join-stack.cjs).
 */
import type { RosterView } from '../shared/roster-view';
import { accountPicture } from './account/account-picture';
import { createAccountManager, type AccountManager } from './account/account-manager';
import { localSignInSettings, type SignInSettings } from './account/sign-in-settings';
import type { TokenStore } from './account/token-cache';
import { createLauncherJoin, type LauncherJoin } from './join/join-service';
import type { TokenProvider } from './join/token-provider';
import { resolveLauncherConfig } from './join/launcher-config';
import type { LauncherSettings } from './launcher-settings';
import type { LauncherLoggers } from './logging/configure-logging';

// The inbox's directory calls use got too: main reaches them through this lazily loaded bundle.
export { createInboxPlayer } from './inbox/inbox-player';
export { wireLauncherInbox } from './inbox/launcher-inbox-wiring';
/** The invite dialog's logic travels with the join stack (got, zod), out of main.cjs. */
export { InviteDialog, joinedInviteSession } from './invite-dialog/invite-dialog';

/** Who is signed in: the join stack's token provider is built for one identity. */
export interface StackIdentity {
  readonly xuid: string;
  readonly gamertag: string;
}

/** A join stack for `identity` against `directoryUrl`; throws when the settings do not resolve. */
export function buildJoinStack(
  settings: LauncherSettings,
  directoryUrl: string,
  identity: StackIdentity,
  logs: LauncherLoggers,
  account?: SignedInServices,
  onRoster?: (view: RosterView) => void,
): LauncherJoin {
  const tokens = account?.tokens;
  const config = resolveLauncherConfig({ ...settings.join, directoryUrl, identity });
  if (!config.ok) throw new Error(`Settings: ${config.error.message}`);
  logs.join.info(
    tokens === undefined
      ? `join flow for the development identity ${identity.gamertag} (xuid …${identity.xuid.slice(-4)})`
      : 'join flow for the signed-in account',
  );
  return createLauncherJoin(config.value, {
    // A signed-in account's tokens name the sender through that account's profile service; the
    // development identity's default to the local directory's own.
    ...(account === undefined ? {} : { tokens: account.tokens, profileUrl: account.profileUrl }),
    log: logs.join,
    onGameStarted: (pid) => logs.join.info(`game started (pid ${pid ?? 'unknown'})`),
    onGameOutput: (stream, line) => logs.join.debug(`game ${stream}: ${line}`),
    // The joined session's live roster, followed on the presence connection (session-roster.ts).
    ...(onRoster ? { onRoster } : {}),
  });
}

/** What a join needs from the signed-in account: its tokens and its profile service. */
export interface SignedInServices {
  readonly tokens: TokenProvider;
  readonly profileUrl: string;
}

/** The signed-in accounts and their pictures, built with the heavy half (openid-client, got). */
export interface LauncherAccounts {
  readonly manager: AccountManager;
  readonly profileUrl: string;
  readonly picture: (xuid: string) => Promise<string | undefined>;
}

/**
 * Accounts for the launcher: the sign-in services (a studio's, or the session directory's own at
 * `directoryUrl`) and the token cache `store` (encrypted with safeStorage by the caller).
 */
export function buildLauncherAccounts(
  services: SignInSettings | undefined,
  directoryUrl: string,
  store: TokenStore,
  logs: LauncherLoggers,
): LauncherAccounts {
  const settings = services ?? localSignInSettings(directoryUrl);
  logs.app.info(`sign-in services: ${new URL(settings.authority).origin}`);
  const log = (line: string) => logs.app.info(line);
  const manager = createAccountManager({ settings, store, log });
  return {
    manager,
    profileUrl: settings.profileUrl,
    picture: (xuid) =>
      accountPicture(xuid, {
        profileUrl: settings.profileUrl,
        tokens: manager.tokenProvider(),
        log,
      }),
  };
}
