/**
 * Builds the join stack for one identity: the directory client (got), the token provider and the
 * join machine (xstate). It is the heavy half of the launcher, so Electron's main imports this
 * module only after the first window is open (the build makes it dist/main/join-stack.cjs).
 */
import type { JoinStack } from './active-join';
import { createLauncherJoin } from './join/join-service';
import { resolveLauncherConfig } from './join/launcher-config';
import type { LauncherSettings } from './launcher-settings';
import type { LauncherLoggers } from './logging/configure-logging';

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
): JoinStack {
  const config = resolveLauncherConfig({ ...settings.join, directoryUrl, identity });
  if (!config.ok) throw new Error(`Settings: ${config.error.message}`);
  logs.join.info(`join flow for ${identity.gamertag} (xuid …${identity.xuid.slice(-4)})`);
  return createLauncherJoin(config.value, {
    log: logs.join,
    onGameStarted: (pid) => logs.join.info(`game started (pid ${pid ?? 'unknown'})`),
    onGameOutput: (stream, line) => logs.join.debug(`game ${stream}: ${line}`),
  });
}
