/**
 * The registrar carrying out plans with recorded ports: the calls in order, what stops a plan,
 * and every line it logs (the only trace a player's support request has of registration).
 */
import { describe, expect, it } from 'vitest';
import {
  ProtocolRegistrar,
  type RegistrarPorts,
} from '../../../src/main/intake/protocol-registrar';
import {
  planProtocolRegistration,
  type ProtocolRegistrationPlan,
  type RegistrationEnvironment,
} from '../../../src/main/intake/protocol-registration-plan';
import { RecordingLogger } from './recording-logger';

const windows: RegistrationEnvironment = {
  platform: 'win32',
  isPackaged: true,
  defaultApp: false,
  execPath: 'C:\\Rallypoint\\Rallypoint.exe',
  appPath: 'C:\\Rallypoint\\resources\\app.asar',
  env: {},
};

/** Ports that record each call and succeed, unless `overrides` says otherwise. */
function ports(overrides: Partial<RegistrarPorts> = {}) {
  const calls: string[] = [];
  const logger = new RecordingLogger();
  const value: RegistrarPorts = {
    setAsDefaultProtocolClient: (scheme, exe, args) => {
      calls.push(`set ${scheme} ${exe} ${JSON.stringify(args)}`);
      return true;
    },
    writeDesktopEntry: async (dir, fileName, contents) => {
      calls.push(`write ${dir}/${fileName} ${contents.length}`);
      return 'written';
    },
    runXdgMimeDefault: async (fileName, mimeTypes) => {
      calls.push(`xdg-mime ${fileName} ${mimeTypes.join(' ')}`);
      return { ok: true };
    },
    logger,
    ...overrides,
  };
  return { calls, logger, value };
}

const appImagePlan = planProtocolRegistration(['rallypoint', 'ms-xbl-52414c59'], {
  ...windows,
  platform: 'linux',
  env: { HOME: '/home/ana', APPIMAGE: '/home/ana/R.AppImage' },
});
const windowsPlan = planProtocolRegistration(['rallypoint', 'ms-xbl-52414c59'], windows);
const entryLength = (plan: ProtocolRegistrationPlan): number => {
  const step = plan.steps[0];
  return step?.kind === 'write-desktop-entry' ? step.contents.length : -1;
};

describe('ProtocolRegistrar', () => {
  it('Linux: writes the entry, makes it the default, and logs each step', async () => {
    const { calls, logger, value } = ports();
    expect(await new ProtocolRegistrar(value).run(appImagePlan)).toBe('registered');
    expect(calls).toEqual([
      `write /home/ana/.local/share/applications/rallypoint-url-handler.desktop ${entryLength(appImagePlan)}`,
      'xdg-mime rallypoint-url-handler.desktop x-scheme-handler/rallypoint x-scheme-handler/ms-xbl-52414c59',
    ]);
    expect(logger.lines).toEqual([
      'info registration: rallypoint, ms-xbl-52414c59 for Linux AppImage: own desktop entry in /home/ana/.local/share/applications',
      'info registration: desktop entry rallypoint-url-handler.desktop written',
      'info registration: rallypoint-url-handler.desktop is the default for x-scheme-handler/rallypoint, x-scheme-handler/ms-xbl-52414c59',
    ]);
  });

  it('an entry already in place is logged as unchanged', async () => {
    const { logger, value } = ports({ writeDesktopEntry: async () => 'unchanged' });
    expect(await new ProtocolRegistrar(value).run(appImagePlan)).toBe('registered');
    expect(logger.lines[1]).toBe(
      'info registration: desktop entry rallypoint-url-handler.desktop unchanged',
    );
  });

  it('Windows: passes each scheme with the command and its guard to Electron, and logs it', async () => {
    const { calls, logger, value } = ports();
    expect(await new ProtocolRegistrar(value).run(windowsPlan)).toBe('registered');
    expect(calls).toEqual([
      `set rallypoint ${windows.execPath} ["--"]`,
      `set ms-xbl-52414c59 ${windows.execPath} ["--"]`,
    ]);
    expect(logger.lines).toEqual([
      'info registration: rallypoint, ms-xbl-52414c59 for win32 packaged build',
      'info registration: default client for rallypoint (args --)',
      'info registration: default client for ms-xbl-52414c59 (args --)',
    ]);
  });

  it('a development build logs the app folder it passes', async () => {
    const { logger, value } = ports();
    const plan = planProtocolRegistration(['rallypoint-dev'], {
      ...windows,
      isPackaged: false,
      defaultApp: true,
      appPath: 'C:\\repo',
    });
    await new ProtocolRegistrar(value).run(plan);
    expect(logger.lines[1]).toBe(
      'info registration: default client for rallypoint-dev (args C:\\repo --)',
    );
  });

  it('a refused scheme stops the plan and says which', async () => {
    const { calls, logger, value } = ports({
      setAsDefaultProtocolClient: (scheme) => {
        calls.push(`set ${scheme}`);
        return false;
      },
    });
    expect(await new ProtocolRegistrar(value).run(windowsPlan)).toBe('failed');
    expect(calls).toEqual(['set rallypoint']);
    expect(logger.lines).toEqual([
      'info registration: rallypoint, ms-xbl-52414c59 for win32 packaged build',
      'warn registration: the OS refused rallypoint as our scheme',
    ]);
  });

  it('a failing xdg-mime is logged with its reason and detail, not fatal', async () => {
    const { logger, value } = ports({
      runXdgMimeDefault: async () => ({
        ok: false,
        reason: 'not-installed',
        detail: 'xdg-mime was not found',
      }),
    });
    expect(await new ProtocolRegistrar(value).run(appImagePlan)).toBe('failed');
    expect(logger.lines.at(-1)).toBe(
      'warn registration: xdg-mime not-installed: xdg-mime was not found',
    );
    expect(logger.lines.filter((line) => line.includes('is the default'))).toEqual([]);
  });

  it('an I/O error stops the plan and is logged with its message, not thrown', async () => {
    const { calls, logger, value } = ports({
      writeDesktopEntry: async () => {
        throw new Error('EACCES: permission denied');
      },
    });
    expect(await new ProtocolRegistrar(value).run(appImagePlan)).toBe('failed');
    expect(calls).toEqual([]);
    expect(logger.lines.at(-1)).toBe(
      'error registration: write-desktop-entry failed: EACCES: permission denied',
    );
  });

  it('something thrown that is not an Error is logged as unknown', async () => {
    const { logger, value } = ports({
      setAsDefaultProtocolClient: () => {
        throw 'registry locked';
      },
    });
    expect(await new ProtocolRegistrar(value).run(windowsPlan)).toBe('failed');
    expect(logger.lines.at(-1)).toBe(
      'error registration: set-default-protocol-client failed: unknown error',
    );
  });

  it('reports a skipped plan with its summary and reason, and touches nothing', async () => {
    const { calls, logger, value } = ports();
    const plan = planProtocolRegistration(['rallypoint', 'ms-xbl-52414c59'], {
      ...windows,
      platform: 'linux',
      env: { APPIMAGE: '/R' },
    });
    expect(await new ProtocolRegistrar(value).run(plan)).toBe('skipped');
    expect(calls).toEqual([]);
    expect(logger.lines).toEqual([
      'warn registration: rallypoint, ms-xbl-52414c59 not registered (AppImage): neither XDG_DATA_HOME nor HOME is set',
    ]);
  });
});
