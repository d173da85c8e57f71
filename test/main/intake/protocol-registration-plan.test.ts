/**
 * The registration plan of every kind of build on every platform, read whole: the schemes, the
 * summary the registrar logs, each step's command and its `--` guard, and the desktop entry text.
 * Pure, so it runs on any machine; protocol-registration.test.ts checks the entries against
 * `desktop-file-validate` and real `xdg-mime`.
 */
import { describe, expect, it } from 'vitest';
import {
  planProtocolRegistration,
  schemesToRegister,
  userApplicationsDirectory,
  type RegistrationEnvironment,
} from '../../../src/main/intake/protocol-registration-plan';
import {
  defaultInviteLinkConfig,
  developmentInviteLinkConfig,
} from '../../../src/shared/invite-link';

const windows: RegistrationEnvironment = {
  platform: 'win32',
  isPackaged: true,
  defaultApp: false,
  execPath: 'C:\\Users\\Ana\\AppData\\Local\\Programs\\Rallypoint\\Rallypoint.exe',
  appPath: 'C:\\Users\\Ana\\AppData\\Local\\Programs\\Rallypoint\\resources\\app.asar',
  env: {},
};

/** A Linux development checkout run with the stock Electron binary (`electron .`). */
const linuxDevelopment: RegistrationEnvironment = {
  platform: 'linux',
  isPackaged: false,
  defaultApp: true,
  execPath: '/repo/node_modules/electron/dist/electron',
  appPath: '/repo',
  env: { HOME: '/home/ana' },
};

/** The desktop entry text, one element a line, ending with a newline. */
const entry = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('which schemes a build claims', () => {
  it('packaged: the game scheme and its console title scheme, never ms-xbl-multiplayer', () => {
    expect(schemesToRegister(defaultInviteLinkConfig, true)).toEqual([
      'rallypoint',
      'ms-xbl-52414c59',
    ]);
  });

  it('development: only rallypoint-dev, so the installed launcher keeps its links', () => {
    expect(schemesToRegister(developmentInviteLinkConfig, false)).toEqual(['rallypoint-dev']);
  });

  it('the title scheme is lower-case whatever the case of the configured title id', () => {
    expect(schemesToRegister({ ...defaultInviteLinkConfig, titleId: '52414C59' }, true)).toEqual([
      'rallypoint',
      'ms-xbl-52414c59',
    ]);
  });

  it('a config without a scheme claims nothing, not even the title scheme', () => {
    expect(schemesToRegister({ ...defaultInviteLinkConfig, schemes: [] }, true)).toEqual([]);
  });
});

describe('userApplicationsDirectory', () => {
  it('follows the XDG base directory spec for the applications folder', () => {
    expect(userApplicationsDirectory({ XDG_DATA_HOME: '/x', HOME: '/h' })).toBe('/x/applications');
    expect(userApplicationsDirectory({ XDG_DATA_HOME: 'rel', HOME: '/h' })).toBe(
      '/h/.local/share/applications',
    );
    expect(userApplicationsDirectory({ HOME: '/h' })).toBe('/h/.local/share/applications');
    expect(userApplicationsDirectory({})).toBeUndefined();
  });

  it('a relative HOME is no place to write either', () => {
    expect(userApplicationsDirectory({ HOME: 'home/ana' })).toBeUndefined();
    expect(userApplicationsDirectory({ XDG_DATA_HOME: 'data', HOME: 'home/ana' })).toBeUndefined();
  });
});

describe('planProtocolRegistration: Windows and macOS', () => {
  it('Windows packaged: the executable, then the "--" guard before the link, for each scheme', () => {
    expect(planProtocolRegistration(['rallypoint', 'ms-xbl-52414c59'], windows)).toEqual({
      schemes: ['rallypoint', 'ms-xbl-52414c59'],
      summary: 'win32 packaged build',
      steps: [
        {
          kind: 'set-default-protocol-client',
          scheme: 'rallypoint',
          path: windows.execPath,
          args: ['--'],
        },
        {
          kind: 'set-default-protocol-client',
          scheme: 'ms-xbl-52414c59',
          path: windows.execPath,
          args: ['--'],
        },
      ],
    });
  });

  it('Windows development: electron.exe, the resolved app folder, then "--"', () => {
    expect(
      planProtocolRegistration(['rallypoint-dev'], {
        ...windows,
        isPackaged: false,
        defaultApp: true,
        execPath: 'C:\\repo\\node_modules\\electron\\dist\\electron.exe',
        appPath: 'C:\\repo\\.\\dist\\..',
      }),
    ).toEqual({
      schemes: ['rallypoint-dev'],
      summary: 'win32 development build',
      steps: [
        {
          kind: 'set-default-protocol-client',
          scheme: 'rallypoint-dev',
          path: 'C:\\repo\\node_modules\\electron\\dist\\electron.exe',
          args: ['C:\\repo', '--'],
        },
      ],
    });
  });

  it('an unpackaged build that is its own program (not `electron .`) names no app folder', () => {
    const plan = planProtocolRegistration(['rallypoint-dev'], { ...windows, isPackaged: false });
    expect(plan.summary).toBe('win32 development build');
    expect(plan.steps).toEqual([
      {
        kind: 'set-default-protocol-client',
        scheme: 'rallypoint-dev',
        path: windows.execPath,
        args: ['--'],
      },
    ]);
  });

  it('a packaged build never names the app folder, even if Electron says defaultApp', () => {
    expect(
      planProtocolRegistration(['rallypoint'], { ...windows, defaultApp: true }).steps,
    ).toEqual([
      {
        kind: 'set-default-protocol-client',
        scheme: 'rallypoint',
        path: windows.execPath,
        args: ['--'],
      },
    ]);
  });

  it('macOS: Electron makes the bundle the handler of its Info.plist scheme', () => {
    const execPath = '/Applications/Rallypoint.app/Contents/MacOS/Rallypoint';
    expect(
      planProtocolRegistration(['rallypoint'], {
        ...windows,
        platform: 'darwin',
        execPath,
        env: { HOME: '/Users/ana' },
      }),
    ).toEqual({
      schemes: ['rallypoint'],
      summary: 'darwin packaged build',
      steps: [
        { kind: 'set-default-protocol-client', scheme: 'rallypoint', path: execPath, args: ['--'] },
      ],
    });
  });

  it('macOS development: the app folder is resolved as a POSIX path', () => {
    const plan = planProtocolRegistration(['rallypoint-dev'], {
      ...linuxDevelopment,
      platform: 'darwin',
      appPath: '/repo/./dist/..',
    });
    expect(plan.summary).toBe('darwin development build');
    expect(plan.steps).toEqual([
      {
        kind: 'set-default-protocol-client',
        scheme: 'rallypoint-dev',
        path: linuxDevelopment.execPath,
        args: ['/repo', '--'],
      },
    ]);
  });
});

describe('planProtocolRegistration: Linux', () => {
  it('deb/rpm: the installed desktop entry is made the default through Electron', () => {
    expect(
      planProtocolRegistration(['rallypoint'], {
        ...windows,
        platform: 'linux',
        execPath: '/opt/Rallypoint/rallypoint',
        env: { HOME: '/home/ana' },
      }),
    ).toEqual({
      schemes: ['rallypoint'],
      summary: 'linux packaged build',
      steps: [
        {
          kind: 'set-default-protocol-client',
          scheme: 'rallypoint',
          path: '/opt/Rallypoint/rallypoint',
          args: ['--'],
        },
      ],
    });
  });

  it('AppImage: an own desktop entry for $APPIMAGE (not the mount), then xdg-mime', () => {
    expect(
      planProtocolRegistration(['rallypoint', 'ms-xbl-52414c59'], {
        ...windows,
        platform: 'linux',
        defaultApp: true,
        execPath: '/tmp/.mount_RallyXYZ/rallypoint',
        env: { HOME: '/home/ana', APPIMAGE: '/home/ana/Apps/Rallypoint 1.0.AppImage' },
      }),
    ).toEqual({
      schemes: ['rallypoint', 'ms-xbl-52414c59'],
      summary: 'Linux AppImage: own desktop entry in /home/ana/.local/share/applications',
      steps: [
        {
          kind: 'write-desktop-entry',
          directory: '/home/ana/.local/share/applications',
          fileName: 'rallypoint-url-handler.desktop',
          contents: entry(
            '[Desktop Entry]',
            'Type=Application',
            'Name=Rallypoint',
            'Comment=Opens Rallypoint invite links',
            'TryExec=/home/ana/Apps/Rallypoint 1.0.AppImage',
            'Exec="/home/ana/Apps/Rallypoint 1.0.AppImage" -- %U',
            'Terminal=false',
            'Categories=Game;',
            'MimeType=x-scheme-handler/rallypoint;x-scheme-handler/ms-xbl-52414c59;',
          ),
        },
        {
          kind: 'xdg-mime-default',
          fileName: 'rallypoint-url-handler.desktop',
          mimeTypes: ['x-scheme-handler/rallypoint', 'x-scheme-handler/ms-xbl-52414c59'],
        },
      ],
    });
  });

  it('development: a hidden entry that runs electron with the app folder', () => {
    expect(
      planProtocolRegistration(['rallypoint-dev'], {
        ...linuxDevelopment,
        env: { HOME: '/home/ana', XDG_DATA_HOME: '/data' },
      }),
    ).toEqual({
      schemes: ['rallypoint-dev'],
      summary: 'Linux development build: own desktop entry in /data/applications',
      steps: [
        {
          kind: 'write-desktop-entry',
          directory: '/data/applications',
          fileName: 'rallypoint-dev-url-handler.desktop',
          contents: entry(
            '[Desktop Entry]',
            'Type=Application',
            'Name=Rallypoint (development)',
            'Comment=Opens Rallypoint invite links',
            'TryExec=/repo/node_modules/electron/dist/electron',
            'Exec="/repo/node_modules/electron/dist/electron" "/repo" -- %U',
            'Terminal=false',
            'Categories=Game;',
            'MimeType=x-scheme-handler/rallypoint-dev;',
            'NoDisplay=true',
          ),
        },
        {
          kind: 'xdg-mime-default',
          fileName: 'rallypoint-dev-url-handler.desktop',
          mimeTypes: ['x-scheme-handler/rallypoint-dev'],
        },
      ],
    });
  });

  it('development as its own program: the entry runs that program alone', () => {
    const plan = planProtocolRegistration(['rallypoint-dev'], {
      ...linuxDevelopment,
      defaultApp: false,
      execPath: '/repo/out/rallypoint',
    });
    const write = plan.steps[0];
    expect(write?.kind === 'write-desktop-entry' && write.contents).toContain(
      'Exec="/repo/out/rallypoint" -- %U\n',
    );
  });

  it('development run from inside an AppImage shell still registers the development program', () => {
    const plan = planProtocolRegistration(['rallypoint-dev'], {
      ...linuxDevelopment,
      env: { HOME: '/home/ana', APPIMAGE: '/home/ana/Apps/Rallypoint.AppImage' },
    });
    expect(plan.summary).toBe(
      'Linux development build: own desktop entry in /home/ana/.local/share/applications',
    );
    const write = plan.steps[0];
    const contents = write?.kind === 'write-desktop-entry' ? write.contents : '';
    expect(contents).toContain('TryExec=/repo/node_modules/electron/dist/electron\n');
    expect(contents).toContain('Exec="/repo/node_modules/electron/dist/electron" "/repo" -- %U\n');
    expect(contents).not.toContain('AppImage');
  });

  it('skips, with its reason, when there is nowhere to write', () => {
    expect(
      planProtocolRegistration(['rallypoint'], {
        ...windows,
        platform: 'linux',
        env: { APPIMAGE: '/a/R.AppImage' },
      }),
    ).toEqual({
      schemes: ['rallypoint'],
      summary: 'AppImage',
      steps: [],
      skipped: 'neither XDG_DATA_HOME nor HOME is set',
    });
    expect(planProtocolRegistration(['rallypoint-dev'], { ...linuxDevelopment, env: {} })).toEqual({
      schemes: ['rallypoint-dev'],
      summary: 'development build',
      steps: [],
      skipped: 'neither XDG_DATA_HOME nor HOME is set',
    });
  });

  it('skips when any part of the command has control characters, the program or the app folder', () => {
    const skipped = {
      summary: 'development build',
      steps: [],
      skipped: 'the program path has control characters',
    };
    expect(
      planProtocolRegistration(['rallypoint-dev'], { ...linuxDevelopment, appPath: '/re\npo' }),
    ).toEqual({ schemes: ['rallypoint-dev'], ...skipped });
    expect(
      planProtocolRegistration(['rallypoint-dev'], {
        ...linuxDevelopment,
        execPath: '/repo/electron\u0007',
      }),
    ).toEqual({ schemes: ['rallypoint-dev'], ...skipped });
    expect(
      planProtocolRegistration(['rallypoint'], {
        ...windows,
        platform: 'linux',
        env: { HOME: '/home/ana', XDG_DATA_HOME: 'relative/ignored', APPIMAGE: '/a/R\n.AppImage' },
      }),
    ).toEqual({ schemes: ['rallypoint'], ...skipped, summary: 'AppImage' });
  });

  it('skips when there is no scheme to claim', () => {
    expect(planProtocolRegistration([], linuxDevelopment)).toEqual({
      schemes: [],
      summary: 'development build',
      steps: [],
      skipped: 'no scheme',
    });
  });
});
