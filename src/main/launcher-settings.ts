/**
 * Where the Electron launcher's settings come from, resolved once at start-up. Layers, strongest
 * first: environment variables, the player's settings file (`RALLYPOINT_CONFIG` or
 * `<userData>/settings.json`), the studio settings shipped inside the installer
 * (`<resources>/studio-settings.json`, from the repository's build/studio-settings.json), then
 * defaults that make `npm start` work with nothing configured (embedded directory, the demo's
 * invited player, the demo game). Both files share one schema and are checked one by one, so a bad
 * value is reported with the file it came from; a top-level key of the player's file replaces the
 * studio's value of that key as a whole (a `game` is never assembled from two files).
 *
 * Everything here is pure but the two small file readers at the end; the Electron adapter
 * (src/main/electron/main.ts) only supplies paths and the parsed files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { err, ok, type Result } from '../shared/result';
import {
  checkSignInSettings,
  microsoftSignInSettings,
  type SignInSettings,
} from './account/sign-in-settings';
import { selfHostedDemoGameSettings } from './demo-game-mode';
import {
  demoGameSettings,
  resolveLauncherConfig,
  type LauncherConfigInput,
} from './join/launcher-config';

/** The demo's invited player: signed in by default in development so the demo invite just works. */
export const defaultDevIdentity = { xuid: '2533274800000002', gamertag: 'RallyPlayer' } as const;

/** The studio settings' file name, in the package's resources and in the repository's build/. */
export const STUDIO_SETTINGS_FILE = 'studio-settings.json';

/** A settings file that was read: where it is (for messages) and its parsed JSON. */
export interface SettingsSource {
  readonly path: string;
  readonly value: unknown;
}

export interface LauncherEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isPackaged: boolean;
  /** The app's root folder (`app.getAppPath()`), holding dist/. */
  readonly appRoot: string;
  /** `app.getPath('userData')`. */
  readonly userData: string;
  /** The launcher's own executable (`process.execPath`): the packaged build's demo game. */
  readonly execPath: string;
  /** The player's settings file, when there is one. */
  readonly settingsFile?: SettingsSource;
  /** The studio settings shipped in the package, when there are any. */
  readonly studioSettings?: SettingsSource;
}

/** The embedded directory, or one named in the settings. */
export type DirectoryChoice =
  | { readonly kind: 'embedded'; readonly seedDemo: boolean }
  | { readonly kind: 'configured'; readonly url: string };

/**
 * How the launcher signs the player in: a development identity (the local directory's
 * `POST /dev/tokens`, no window sign-in), the session directory's own identity services (the
 * local directory plays them; the default), or the sign-in services a studio names (Microsoft's).
 */
export type SignInChoice =
  | { readonly kind: 'development' }
  | { readonly kind: 'directory' }
  | { readonly kind: 'services'; readonly settings: SignInSettings };

export interface LauncherSettings {
  readonly devMode: boolean;
  readonly directory: DirectoryChoice;
  readonly signIn: SignInChoice;
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

/** The files' own keys; the join keys are checked by the join flow's schema (below). */
const settingsFileSchema = z
  .object({
    directoryUrl: z.string().min(1).optional(),
    identity: z.object({ xuid: z.string(), gamertag: z.string() }).optional(),
    externalLinkOrigins: z.array(z.url({ protocol: /^https$/ })).optional(),
    signIn: z
      .union([
        z.enum(['development', 'directory']),
        z
          .object({
            clientId: z.string().min(1),
            sandbox: z.string().min(1).optional(),
            authority: z.string().optional(),
            scope: z.string().min(1).optional(),
            userTokenUrl: z.string().optional(),
            xstsUrl: z.string().optional(),
            profileUrl: z.string().optional(),
            relyingParty: z.string().min(1).optional(),
          })
          .strict(),
      ])
      .optional(),
  })
  .passthrough();

/** The `signIn` environment variable's values. */
const signInModes = ['development', 'directory'] as const;

type SettingsLayer = z.infer<typeof settingsFileSchema>;

/** Stand-ins for what a file may leave to another layer, so the rest of it can be checked alone. */
const placeholderJoin = {
  directoryUrl: 'http://127.0.0.1',
  identity: defaultDevIdentity,
  game: { executable: 'game' },
} as const;

/**
 * Checks one settings file on its own: its own keys, then everything the join flow will read
 * (unknown keys, `game` and its argument template, time budgets, the directory URL's safety).
 * Errors name the file and the setting.
 */
function checkLayer(
  source: SettingsSource,
  label: string,
): Result<SettingsLayer, LauncherSettingsError> {
  const where = `${label} ${source.path}`;
  const value = source.value ?? {};
  const parsed = settingsFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') || 'settings';
    return err({
      code: 'invalid-settings',
      message: `${where}: ${path} ${issue?.message ?? 'is invalid'}`,
    });
  }
  // Not the parsed value: zod fills defaults, and a default must not hide a lower layer's value.
  const { externalLinkOrigins: _origins, signIn, ...joinPart } = value as SettingsLayer;
  if (typeof signIn === 'object') {
    const checked = checkSignInSettings(servicesSettings(signIn));
    if (!checked.ok)
      return err({ code: 'invalid-settings', message: `${where}: ${checked.error}` });
  }
  const config = resolveLauncherConfig({ ...placeholderJoin, ...joinPart });
  if (!config.ok) {
    const message = config.error.message.replace(/^config /, '');
    return err({ code: 'invalid-settings', message: `${where}: ${message}` });
  }
  return ok(value as SettingsLayer);
}

/** Resolves the settings; never throws. A bad settings file is an error the caller shows and logs. */
export function resolveLauncherSettings(
  environment: LauncherEnvironment,
): Result<LauncherSettings, LauncherSettingsError> {
  let merged: SettingsLayer = {};
  const layers = [
    { source: environment.studioSettings, label: 'studio settings' },
    { source: environment.settingsFile, label: 'settings file' },
  ];
  for (const { source, label } of layers) {
    if (source === undefined) continue;
    const layer = checkLayer(source, label);
    if (!layer.ok) return layer;
    merged = { ...merged, ...layer.value };
  }
  const { directoryUrl, identity, externalLinkOrigins, signIn, ...joinSettings } = merged;
  const { env } = environment;
  const signInEnv = nonEmpty(env.RALLYPOINT_SIGN_IN);
  if (signInEnv !== undefined && !(signInModes as readonly string[]).includes(signInEnv)) {
    return err({
      code: 'invalid-settings',
      message: `RALLYPOINT_SIGN_IN must be one of ${signInModes.join(', ')}`,
    });
  }
  const signInSetting = (signInEnv as (typeof signInModes)[number] | undefined) ?? signIn;
  const devMode = !environment.isPackaged;
  const configuredUrl = nonEmpty(env.RALLYPOINT_DIRECTORY_URL) ?? directoryUrl;
  const join_ = joinSettings as Omit<LauncherConfigInput, 'directoryUrl' | 'identity'>;
  return ok({
    devMode,
    directory:
      configuredUrl === undefined
        ? { kind: 'embedded', seedDemo: devMode }
        : { kind: 'configured', url: configuredUrl },
    signIn:
      signInSetting === undefined || signInSetting === 'directory'
        ? { kind: 'directory' }
        : signInSetting === 'development'
          ? { kind: 'development' }
          : { kind: 'services', settings: servicesSettings(signInSetting) },
    identity: {
      xuid: nonEmpty(env.RALLYPOINT_DEV_XUID) ?? identity?.xuid ?? defaultDevIdentity.xuid,
      gamertag:
        nonEmpty(env.RALLYPOINT_DEV_GAMERTAG) ?? identity?.gamertag ?? defaultDevIdentity.gamertag,
    },
    join: { ...join_, game: join_.game ?? defaultGame(environment) },
    externalLinkOrigins: (externalLinkOrigins ?? []).map((origin) => new URL(origin).origin),
    recentInvitesFile: join(environment.userData, 'recent-invites.json'),
    preloadPath: join(environment.appRoot, 'dist', 'preload', 'preload.cjs'),
    rendererRoot: join(environment.appRoot, 'dist', 'renderer'),
  });
}

/** A studio's `signIn` object: Microsoft's services, with any URL the studio overrides. */
function servicesSettings(
  setting: Exclude<NonNullable<SettingsLayer['signIn']>, string>,
): SignInSettings {
  const { clientId, sandbox, ...overrides } = setting;
  const defined = Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== undefined),
  );
  return { ...microsoftSignInSettings(clientId, sandbox), ...defined };
}

/**
 * The demo game when no layer names a game. Development runs the built script with the same
 * Electron (or Node) in Node mode; a packaged build cannot (its `runAsNode` fuse is off), so it
 * starts its own executable in demo-game mode (src/main/demo-game-mode.ts).
 */
function defaultGame(environment: LauncherEnvironment): LauncherConfigInput['game'] {
  return environment.isPackaged
    ? selfHostedDemoGameSettings(environment.execPath)
    : demoGameSettings(join(environment.appRoot, 'dist', 'demo-game', 'demo-game.js'));
}

/**
 * Where the studio settings are: `<resources>/studio-settings.json` in a packaged build (copied
 * there by electron-builder's `extraResources`), `<app root>/build/studio-settings.json` in
 * development. Undefined when a packaged build reports no resources folder.
 */
export function studioSettingsPath(where: {
  readonly isPackaged: boolean;
  readonly resourcesPath: string | undefined;
  readonly appRoot: string;
}): string | undefined {
  if (!where.isPackaged) return join(where.appRoot, 'build', STUDIO_SETTINGS_FILE);
  return where.resourcesPath === undefined
    ? undefined
    : join(where.resourcesPath, STUDIO_SETTINGS_FILE);
}

/** Gamertag for an account switched to by XUID alone (development identities only). */
export function gamertagFor(xuid: string): string {
  return xuid === defaultDevIdentity.xuid ? defaultDevIdentity.gamertag : `Player${xuid.slice(-4)}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * The player's settings file: `RALLYPOINT_CONFIG` when set (a missing file is then an error), else
 * `<userData>/settings.json` when it exists. Returns undefined when there is none.
 */
export function readSettingsFile(
  env: Readonly<Record<string, string | undefined>>,
  userData: string,
): Result<SettingsSource | undefined, LauncherSettingsError> {
  const explicit = nonEmpty(env.RALLYPOINT_CONFIG);
  return readJsonFile(explicit ?? join(userData, 'settings.json'), explicit === undefined);
}

/** The studio settings file; a missing one is no error (the studio configured nothing). */
export function readStudioSettings(
  path: string | undefined,
): Result<SettingsSource | undefined, LauncherSettingsError> {
  return path === undefined ? ok(undefined) : readJsonFile(path, true);
}

function readJsonFile(
  path: string,
  missingIsNone: boolean,
): Result<SettingsSource | undefined, LauncherSettingsError> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (missingIsNone && (error as NodeJS.ErrnoException).code === 'ENOENT') return ok(undefined);
    return err({
      code: 'invalid-settings',
      message: `cannot read ${path}: ${(error as Error).message}`,
    });
  }
  try {
    return ok({ path, value: JSON.parse(text) as unknown });
  } catch {
    return err({ code: 'invalid-settings', message: `${path} is not valid JSON` });
  }
}
