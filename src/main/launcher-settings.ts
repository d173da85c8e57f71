/**
 * Where the Electron launcher's settings come from, resolved once at start-up: environment
 * variables first, then an optional JSON settings file, then defaults that make `npm start` work
 * with nothing configured (embedded directory, the demo's invited player, the demo game). The join
 * settings themselves are validated by the join flow's own schema (src/main/join/launcher-config.ts)
 * once the directory URL is known; this module only decides which values go in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../shared/result';
import { demoGameSettings, type LauncherConfigInput } from './join/launcher-config';

/** The demo's invited player: signed in by default in development so the demo invite just works. */
export const defaultDevIdentity = { xuid: '2533274800000002', gamertag: 'RallyPlayer' } as const;

export interface LauncherEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isPackaged: boolean;
  /** The app's root folder (`app.getAppPath()`), holding dist/. */
  readonly appRoot: string;
  /** `app.getPath('userData')`. */
  readonly userData: string;
  /** Parsed JSON of the settings file, when there is one. */
  readonly settingsFile?: unknown;
}

/** The embedded directory, or one named in the settings. */
export type DirectoryChoice =
  | { readonly kind: 'embedded'; readonly seedDemo: boolean }
  | { readonly kind: 'configured'; readonly url: string };

export interface LauncherSettings {
  readonly devMode: boolean;
  readonly directory: DirectoryChoice;
  readonly identity: { readonly xuid: string; readonly gamertag: string };
  /** Everything of the join settings but the directory URL and identity. */
  readonly join: Omit<LauncherConfigInput, 'directoryUrl' | 'identity'>;
  /** https origins the window may open in the system browser. */
  readonly externalLinkOrigins: readonly string[];
  /** Where the recent-invites list is kept. */
  readonly recentInvitesFile: string;
  readonly preloadPath: string;
  readonly rendererRoot: string;
}

export interface LauncherSettingsError {
  readonly code: 'invalid-settings';
  readonly message: string;
}

/** The file's own keys; the join keys pass through to the join flow's stricter schema. */
const settingsFileSchema = z
  .object({
    directoryUrl: z.string().min(1).optional(),
    identity: z.object({ xuid: z.string(), gamertag: z.string() }).optional(),
    externalLinkOrigins: z.array(z.url({ protocol: /^https$/ })).optional(),
  })
  .passthrough();

/** Resolves the settings; never throws. A bad settings file is an error the caller shows and logs. */
export function resolveLauncherSettings(
  environment: LauncherEnvironment,
): Result<LauncherSettings, LauncherSettingsError> {
  const file = settingsFileSchema.safeParse(environment.settingsFile ?? {});
  if (!file.success) {
    const issue = file.error.issues[0];
    const path = issue?.path.map(String).join('.') || 'settings';
    return err({ code: 'invalid-settings', message: `${path} ${issue?.message ?? 'is invalid'}` });
  }
  const { directoryUrl, identity, externalLinkOrigins, ...joinSettings } = file.data;
  const { env } = environment;
  const devMode = !environment.isPackaged;
  const configuredUrl = nonEmpty(env.RALLYPOINT_DIRECTORY_URL) ?? directoryUrl;
  const demoGame = join(environment.appRoot, 'dist', 'demo-game', 'demo-game.js');
  const join_ = joinSettings as Omit<LauncherConfigInput, 'directoryUrl' | 'identity'>;
  if (join_.game === undefined && environment.isPackaged) {
    // The demo game runs under ELECTRON_RUN_AS_NODE, which the packaged build's fuses switch off:
    // without this check the launcher would start a second copy of itself as "the game".
    return err({
      code: 'invalid-settings',
      message:
        "game is not configured: a packaged launcher starts the studio's game (settings file: game.executable); the demo game runs only in development builds",
    });
  }
  return ok({
    devMode,
    directory:
      configuredUrl === undefined
        ? { kind: 'embedded', seedDemo: devMode }
        : { kind: 'configured', url: configuredUrl },
    identity: {
      xuid: nonEmpty(env.RALLYPOINT_DEV_XUID) ?? identity?.xuid ?? defaultDevIdentity.xuid,
      gamertag:
        nonEmpty(env.RALLYPOINT_DEV_GAMERTAG) ?? identity?.gamertag ?? defaultDevIdentity.gamertag,
    },
    join: {
      ...join_,
      game: join_.game ?? demoGameSettings(demoGame),
    },
    externalLinkOrigins: (externalLinkOrigins ?? []).map((origin) => new URL(origin).origin),
    recentInvitesFile: join(environment.userData, 'recent-invites.json'),
    preloadPath: join(environment.appRoot, 'dist', 'preload', 'preload.cjs'),
    rendererRoot: join(environment.appRoot, 'dist', 'renderer'),
  });
}

/** Gamertag for an account switched to by XUID alone (development identities only). */
export function gamertagFor(xuid: string): string {
  return xuid === defaultDevIdentity.xuid ? defaultDevIdentity.gamertag : `Player${xuid.slice(-4)}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * The settings file: `RALLYPOINT_CONFIG` when set (a missing file is then an error), else
 * `<userData>/settings.json` when it exists. Returns undefined when there is none.
 */
export function readSettingsFile(
  env: Readonly<Record<string, string | undefined>>,
  userData: string,
): Result<unknown, LauncherSettingsError> {
  const explicit = nonEmpty(env.RALLYPOINT_CONFIG);
  const path = explicit ?? join(userData, 'settings.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (explicit === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      return ok(undefined);
    }
    return err({
      code: 'invalid-settings',
      message: `cannot read ${path}: ${(error as Error).message}`,
    });
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err({ code: 'invalid-settings', message: `${path} is not valid JSON` });
  }
}
