/**
 * Decides how to tell the operating system that our scheme opens the launcher. Pure: it returns
 * the steps and the exact arguments and file contents, and the registrar carries them out, so every
 * platform's decision is tested on any machine.
 */
import path from 'node:path';
import type { InviteLinkConfig } from '../../shared/invite-link';
import { isDesktopEntrySafe, renderDesktopEntry } from './desktop-entry';

/** What the plan depends on; the Electron adapter fills it from `app` and `process`. */
export interface RegistrationEnvironment {
  readonly platform: NodeJS.Platform;
  /** `app.isPackaged`. */
  readonly isPackaged: boolean;
  /** `process.defaultApp`: true when the stock Electron binary runs our folder (`electron .`). */
  readonly defaultApp: boolean;
  readonly execPath: string;
  /** `app.getAppPath()`: the folder Electron loaded, which `electron` must be given again. */
  readonly appPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type RegistrationStep =
  | {
      readonly kind: 'set-default-protocol-client';
      readonly scheme: string;
      /** Windows only (Electron ignores them elsewhere): the command that receives the link. */
      readonly path: string;
      readonly args: readonly string[];
    }
  | {
      readonly kind: 'write-desktop-entry';
      readonly directory: string;
      readonly fileName: string;
      readonly contents: string;
    }
  | {
      readonly kind: 'xdg-mime-default';
      readonly fileName: string;
      readonly mimeTypes: readonly string[];
    };

export interface ProtocolRegistrationPlan {
  readonly schemes: readonly string[];
  /** Why the plan looks the way it does, for the log. */
  readonly summary: string;
  readonly steps: readonly RegistrationStep[];
  /** Set when registration cannot happen at all; the launcher still runs. */
  readonly skipped?: string;
}

/** The desktop entry file we own for a scheme (never the installer's own `rallypoint.desktop`). */
const desktopEntryFileName = (scheme: string): string => `${scheme}-url-handler.desktop`;

/**
 * The schemes a build claims. A packaged build claims the game's own scheme and its console title
 * scheme `ms-xbl-<title id>`, as the installers do. A development build claims only its own
 * `-dev` scheme so it never takes links away from the installed launcher. `ms-xbl-multiplayer`
 * belongs to the Xbox platform and is never claimed, only accepted when delivered.
 */
export function schemesToRegister(config: InviteLinkConfig, isPackaged: boolean): string[] {
  const own = config.schemes[0];
  if (own === undefined) return [];
  return isPackaged ? [own, `ms-xbl-${config.titleId.toLowerCase()}`] : [own];
}

/** `$XDG_DATA_HOME/applications`, defaulting to `~/.local/share/applications` as the spec says. */
export function userApplicationsDirectory(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const dataHome = env.XDG_DATA_HOME;
  if (dataHome !== undefined && path.posix.isAbsolute(dataHome)) {
    return path.posix.join(dataHome, 'applications');
  }
  const home = env.HOME;
  if (home === undefined || !path.posix.isAbsolute(home)) return undefined;
  return path.posix.join(home, '.local', 'share', 'applications');
}

/**
 * The plan for a build's schemes. Every form puts the link after a `--` guard, so nothing in it can be
 * read as a Chromium or Electron switch (the CVE-2018-1000006 lesson).
 *
 * - Windows: `setAsDefaultProtocolClient` writes `HKCU\Software\Classes\<scheme>` with the command
 *   the quoted `<exe>`, then `[<app path>] --`, then the quoted `"%1"`. A development build must name the app folder, because the
 *   stock `electron.exe` does not know which app to load otherwise; it is resolved to an absolute
 *   path since the registry command runs from anywhere.
 * - macOS: the scheme must be declared in Info.plist by the packager; the call only makes this
 *   bundle the default handler.
 * - Linux packaged (deb/rpm): the installed desktop entry declares the scheme; Electron makes it
 *   the default through `CHROME_DESKTOP`.
 * - Linux AppImage or development: nothing is installed, so we write our own desktop entry for
 *   the real program (`$APPIMAGE`, not the temporary mount in `execPath`) and make it the default
 *   with `xdg-mime`.
 */
export function planProtocolRegistration(
  schemes: readonly string[],
  environment: RegistrationEnvironment,
): ProtocolRegistrationPlan {
  const { platform, isPackaged, defaultApp, execPath, env } = environment;
  const appImage = env.APPIMAGE;
  const development = !isPackaged;

  if (platform === 'linux' && (development || appImage !== undefined)) {
    // Stryker disable next-line ConditionalExpression: in this branch a packaged build always has APPIMAGE (the `if` above)
    const program = !development && appImage !== undefined ? appImage : execPath;
    const command = development && defaultApp ? [execPath, environment.appPath] : [program];
    const what = development ? 'development build' : 'AppImage';
    const directory = userApplicationsDirectory(env);
    if (directory === undefined) {
      return {
        schemes,
        summary: what,
        steps: [],
        skipped: 'neither XDG_DATA_HOME nor HOME is set',
      };
    }
    if (!command.every(isDesktopEntrySafe)) {
      return {
        schemes,
        summary: what,
        steps: [],
        skipped: 'the program path has control characters',
      };
    }
    const [first] = schemes;
    if (first === undefined) return { schemes, summary: what, steps: [], skipped: 'no scheme' };
    const fileName = desktopEntryFileName(first);
    const contents = renderDesktopEntry({
      name: development ? 'Rallypoint (development)' : 'Rallypoint',
      comment: 'Opens Rallypoint invite links',
      command,
      tryExec: program,
      schemes,
      hidden: development,
    });
    const mimeTypes = schemes.map((scheme) => `x-scheme-handler/${scheme}`);
    return {
      schemes,
      summary: `Linux ${what}: own desktop entry in ${directory}`,
      steps: [
        { kind: 'write-desktop-entry', directory, fileName, contents },
        { kind: 'xdg-mime-default', fileName, mimeTypes },
      ],
    };
  }

  const resolve = platform === 'win32' ? path.win32.resolve : path.posix.resolve;
  const args = development && defaultApp ? [resolve(environment.appPath), '--'] : ['--'];
  return {
    schemes,
    summary: `${platform} ${development ? 'development' : 'packaged'} build`,
    steps: schemes.map((scheme) => ({
      kind: 'set-default-protocol-client' as const,
      scheme,
      path: execPath,
      args,
    })),
  };
}
