import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execLine, renderDesktopEntry } from '../../../src/main/intake/desktop-entry';
import { writeDesktopEntryFile } from '../../../src/main/intake/desktop-entry-file';
import {
  ProtocolRegistrar,
  type RegistrarPorts,
} from '../../../src/main/intake/protocol-registrar';
import {
  planProtocolRegistration,
  schemesToRegister,
  userApplicationsDirectory,
  type RegistrationEnvironment,
} from '../../../src/main/intake/protocol-registration-plan';
import { runXdgMimeDefault } from '../../../src/main/intake/xdg-mime-default';
import {
  defaultInviteLinkConfig,
  developmentInviteLinkConfig,
} from '../../../src/shared/invite-link';
import { programOrSkip } from '../../host-tools';
import { RecordingLogger } from './recording-logger';

const run = promisify(execFile);

const hasValidator =
  programOrSkip(
    { name: 'desktop-file-validate', source: 'Debian package desktop-file-utils' },
    'generated desktop entries checked by desktop-file-validate',
  ) !== undefined;
const hasXdgMime =
  programOrSkip(
    { name: 'xdg-mime', source: 'Debian package xdg-utils' },
    'making the entry the default handler with real xdg-mime',
  ) !== undefined;

const windows: RegistrationEnvironment = {
  platform: 'win32',
  isPackaged: true,
  defaultApp: false,
  execPath: 'C:\\Users\\Ana\\AppData\\Local\\Programs\\Rallypoint\\Rallypoint.exe',
  appPath: 'C:\\Users\\Ana\\AppData\\Local\\Programs\\Rallypoint\\resources\\app.asar',
  env: {},
};

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
});

describe('planProtocolRegistration', () => {
  it('Windows packaged: the executable, then the "--" guard before the link', () => {
    const plan = planProtocolRegistration(['rallypoint', 'ms-xbl-52414c59'], windows);
    expect(plan.steps).toEqual([
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
    ]);
  });

  it('Windows development: electron.exe, the resolved app folder, then "--"', () => {
    const plan = planProtocolRegistration(['rallypoint-dev'], {
      ...windows,
      isPackaged: false,
      defaultApp: true,
      execPath: 'C:\\repo\\node_modules\\electron\\dist\\electron.exe',
      appPath: 'C:\\repo\\.\\dist\\..',
    });
    expect(plan.steps).toEqual([
      {
        kind: 'set-default-protocol-client',
        scheme: 'rallypoint-dev',
        path: 'C:\\repo\\node_modules\\electron\\dist\\electron.exe',
        args: ['C:\\repo', '--'],
      },
    ]);
  });

  it('macOS: Electron makes the bundle the handler of its Info.plist scheme', () => {
    const plan = planProtocolRegistration(['rallypoint'], {
      ...windows,
      platform: 'darwin',
      execPath: '/Applications/Rallypoint.app/Contents/MacOS/Rallypoint',
    });
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({
      kind: 'set-default-protocol-client',
      scheme: 'rallypoint',
    });
  });

  it('Linux deb/rpm: the installed desktop entry is made the default through Electron', () => {
    const plan = planProtocolRegistration(['rallypoint'], {
      ...windows,
      platform: 'linux',
      execPath: '/opt/Rallypoint/rallypoint',
      env: { HOME: '/home/ana' },
    });
    expect(plan.steps.map((step) => step.kind)).toEqual(['set-default-protocol-client']);
  });

  it('Linux AppImage: an own desktop entry for $APPIMAGE (not the mount), then xdg-mime', () => {
    const plan = planProtocolRegistration(['rallypoint', 'ms-xbl-52414c59'], {
      ...windows,
      platform: 'linux',
      execPath: '/tmp/.mount_RallyXYZ/rallypoint',
      env: { HOME: '/home/ana', APPIMAGE: '/home/ana/Apps/Rallypoint 1.0.AppImage' },
    });
    expect(plan.skipped).toBeUndefined();
    const [write, mime] = plan.steps;
    expect(write).toMatchObject({
      kind: 'write-desktop-entry',
      directory: '/home/ana/.local/share/applications',
      fileName: 'rallypoint-url-handler.desktop',
    });
    expect(mime).toEqual({
      kind: 'xdg-mime-default',
      fileName: 'rallypoint-url-handler.desktop',
      mimeTypes: ['x-scheme-handler/rallypoint', 'x-scheme-handler/ms-xbl-52414c59'],
    });
    const contents = write?.kind === 'write-desktop-entry' ? write.contents : '';
    expect(contents).toContain('Exec="/home/ana/Apps/Rallypoint 1.0.AppImage" -- %U\n');
    expect(contents).toContain(
      'MimeType=x-scheme-handler/rallypoint;x-scheme-handler/ms-xbl-52414c59;\n',
    );
    expect(contents).not.toContain('.mount_');
    expect(contents).not.toContain('NoDisplay');
  });

  it('Linux development: a hidden entry that runs electron with the app folder', () => {
    const plan = planProtocolRegistration(['rallypoint-dev'], {
      platform: 'linux',
      isPackaged: false,
      defaultApp: true,
      execPath: '/repo/node_modules/electron/dist/electron',
      appPath: '/repo',
      env: { HOME: '/home/ana', XDG_DATA_HOME: '/data' },
    });
    const write = plan.steps[0];
    expect(write).toMatchObject({
      directory: '/data/applications',
      fileName: 'rallypoint-dev-url-handler.desktop',
    });
    const contents = write?.kind === 'write-desktop-entry' ? write.contents : '';
    expect(contents).toContain('Exec="/repo/node_modules/electron/dist/electron" "/repo" -- %U\n');
    expect(contents).toContain('NoDisplay=true\n');
  });

  it('skips, with a reason, when there is nowhere to write or the path cannot be written', () => {
    const linux = { ...windows, platform: 'linux' as const, env: { APPIMAGE: '/a/R.AppImage' } };
    expect(planProtocolRegistration(['rallypoint'], linux).skipped).toMatch(/HOME/);
    expect(
      planProtocolRegistration(['rallypoint'], {
        ...linux,
        env: { HOME: '/home/ana', XDG_DATA_HOME: 'relative/ignored', APPIMAGE: '/a/R\n.AppImage' },
      }).skipped,
    ).toMatch(/control characters/);
  });

  it('follows the XDG base directory spec for the applications folder', () => {
    expect(userApplicationsDirectory({ XDG_DATA_HOME: '/x', HOME: '/h' })).toBe('/x/applications');
    expect(userApplicationsDirectory({ XDG_DATA_HOME: 'rel', HOME: '/h' })).toBe(
      '/h/.local/share/applications',
    );
    expect(userApplicationsDirectory({})).toBeUndefined();
  });
});

describe('desktop entry Exec quoting', () => {
  it('quotes every argument and escapes what the spec reserves', () => {
    expect(execLine(['/a b/R"x`$y%z'])).toBe('"/a b/R\\\\"x\\\\`\\\\$y%%z" -- %U');
    expect(execLine(['C:\\odd'])).toBe('"C:\\\\\\\\odd" -- %U');
  });

  it('renders every key of the entry, one per line, in order', () => {
    const text = renderDesktopEntry({
      name: 'Rallypoint',
      comment: 'Opens; links',
      command: ['/opt/R.AppImage'],
      tryExec: '/opt/R\\x.AppImage',
      schemes: ['rallypoint', 'ms-xbl-52414c59'],
      hidden: true,
    });
    expect(text).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Rallypoint',
        'Comment=Opens; links',
        'TryExec=/opt/R\\\\x.AppImage',
        'Exec="/opt/R.AppImage" -- %U',
        'Terminal=false',
        'Categories=Game;',
        'MimeType=x-scheme-handler/rallypoint;x-scheme-handler/ms-xbl-52414c59;',
        'NoDisplay=true',
        '',
      ].join('\n'),
    );
  });
});

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'rallypoint-intake-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe.skipIf(!hasValidator)('generated desktop entries pass desktop-file-validate', () => {
  const awkwardPaths = [
    '/home/ana/Apps/Rallypoint-1.0.0.AppImage',
    '/home/ana/My Games/Rallypoint 1.0.AppImage',
    '/home/ana/$HOME/`whoami`/"quoted"/100%/back\\slash/Rallypoint.AppImage',
    "/home/ana/it's; rm -rf ~ &/Rallypoint.AppImage",
  ];
  for (const appImage of awkwardPaths) {
    it(`valid for ${appImage}`, async () => {
      const plan = planProtocolRegistration(['rallypoint', 'ms-xbl-52414c59'], {
        platform: 'linux',
        isPackaged: true,
        defaultApp: false,
        execPath: '/tmp/.mount_x/rallypoint',
        appPath: '/tmp/.mount_x/resources/app.asar',
        env: { HOME: directory, APPIMAGE: appImage },
      });
      const write = plan.steps[0];
      if (write?.kind !== 'write-desktop-entry') throw new Error('expected a desktop entry step');
      const file = path.join(directory, write.fileName);
      await writeFile(file, write.contents);
      // desktop-file-validate exits non-zero and prints the problem on any error.
      const { stdout, stderr } = await run('desktop-file-validate', [file]);
      expect(`${stdout}${stderr}`.trim()).toBe('');
    });
  }

  it('valid for the hidden development entry', async () => {
    const file = path.join(directory, 'rallypoint-dev-url-handler.desktop');
    await writeFile(
      file,
      renderDesktopEntry({
        name: 'Rallypoint (development)',
        comment: 'Opens Rallypoint invite links',
        command: ['/repo/node_modules/electron/dist/electron', '/repo'],
        tryExec: '/repo/node_modules/electron/dist/electron',
        schemes: ['rallypoint-dev'],
        hidden: true,
      }),
    );
    const { stdout, stderr } = await run('desktop-file-validate', [file]);
    expect(`${stdout}${stderr}`.trim()).toBe('');
  });

  it('desktop-file-validate does reject a broken entry (the check can fail)', async () => {
    const file = path.join(directory, 'broken.desktop');
    await writeFile(file, '[Desktop Entry]\nType=Application\nExec="/a$b" %U\n');
    await expect(run('desktop-file-validate', [file])).rejects.toThrow();
  });
});

describe('writeDesktopEntryFile', () => {
  it('creates the folder, writes once, and leaves an identical file alone', async () => {
    const target = path.join(directory, 'share', 'applications');
    expect(await writeDesktopEntryFile(target, 'x.desktop', 'one\n')).toBe('written');
    const first = await stat(path.join(target, 'x.desktop'));
    expect(await writeDesktopEntryFile(target, 'x.desktop', 'one\n')).toBe('unchanged');
    expect((await stat(path.join(target, 'x.desktop'))).mtimeMs).toBe(first.mtimeMs);
    expect(await writeDesktopEntryFile(target, 'x.desktop', 'two\n')).toBe('written');
    expect(await readFile(path.join(target, 'x.desktop'), 'utf8')).toBe('two\n');
    expect(await readdir(target)).toEqual(['x.desktop']);
  });

  it('rejects when the folder cannot be created', async () => {
    const blocker = path.join(directory, 'file');
    await writeFile(blocker, '');
    await expect(
      writeDesktopEntryFile(path.join(blocker, 'apps'), 'x.desktop', 'x'),
    ).rejects.toThrow();
  });
});

describe('runXdgMimeDefault', () => {
  it.skipIf(!hasXdgMime)('makes the entry the default handler (real xdg-mime)', async () => {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: directory,
      XDG_CONFIG_HOME: path.join(directory, 'config'),
      XDG_DATA_HOME: path.join(directory, 'data'),
    };
    await writeDesktopEntryFile(
      path.join(env.XDG_DATA_HOME, 'applications'),
      'rallypoint-url-handler.desktop',
      renderDesktopEntry({
        name: 'Rallypoint',
        comment: 'Opens Rallypoint invite links',
        command: ['/opt/R.AppImage'],
        tryExec: '/opt/R.AppImage',
        schemes: ['rallypoint', 'ms-xbl-52414c59'],
        hidden: false,
      }),
    );
    const outcome = await runXdgMimeDefault(
      'rallypoint-url-handler.desktop',
      ['x-scheme-handler/rallypoint', 'x-scheme-handler/ms-xbl-52414c59'],
      { env },
    );
    expect(outcome).toEqual({ ok: true });
    const query = await run('xdg-mime', ['query', 'default', 'x-scheme-handler/ms-xbl-52414c59'], {
      env,
    });
    expect(query.stdout.trim()).toBe('rallypoint-url-handler.desktop');
  });

  it('reports a missing program as not-installed', async () => {
    const outcome = await runXdgMimeDefault('x.desktop', ['x-scheme-handler/x'], {
      command: path.join(directory, 'no-such-xdg-mime'),
    });
    expect(outcome).toMatchObject({ ok: false, reason: 'not-installed' });
  });

  it('reports a failing program as failed, with its first line of stderr', async () => {
    const script = path.join(directory, 'xdg-mime');
    await writeFile(script, '#!/bin/sh\necho "xdg-mime: cannot write" >&2\nexit 4\n', {
      mode: 0o755,
    });
    const outcome = await runXdgMimeDefault('x.desktop', ['x-scheme-handler/x'], {
      command: script,
    });
    expect(outcome).toEqual({
      ok: false,
      reason: 'failed',
      detail: 'exit 4: xdg-mime: cannot write',
    });
  });

  it('reports a program that does not finish in time as timed-out, and stops it', async () => {
    const script = path.join(directory, 'xdg-mime');
    await writeFile(script, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const outcome = await runXdgMimeDefault('x.desktop', ['x-scheme-handler/x'], {
      command: script,
      timeoutMs: 200,
    });
    expect(outcome).toEqual({
      ok: false,
      reason: 'timed-out',
      detail: 'xdg-mime did not finish in time',
    });
  });

  it('passes arguments without a shell', async () => {
    const script = path.join(directory, 'xdg-mime');
    const log = path.join(directory, 'args');
    await writeFile(script, `#!/bin/sh\nfor a in "$@"; do echo "$a"; done > '${log}'\n`, {
      mode: 0o755,
    });
    const evil = 'x.desktop; touch pwned';
    expect(await runXdgMimeDefault(evil, ['$(id)'], { command: script })).toEqual({ ok: true });
    expect(await readFile(log, 'utf8')).toBe(`default\n${evil}\n$(id)\n`);
    expect(await readdir(directory)).not.toContain('pwned');
  });
});

describe('ProtocolRegistrar', () => {
  function ports(overrides: Partial<RegistrarPorts> = {}) {
    const calls: string[] = [];
    const logger = new RecordingLogger();
    const value: RegistrarPorts = {
      setAsDefaultProtocolClient: (scheme, exe, args) => {
        calls.push(`set ${scheme} ${exe} ${args.join(' ')}`);
        return true;
      },
      writeDesktopEntry: async (dir, fileName) => {
        calls.push(`write ${dir}/${fileName}`);
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

  const appImagePlan = planProtocolRegistration(['rallypoint'], {
    ...windows,
    platform: 'linux',
    env: { HOME: '/home/ana', APPIMAGE: '/home/ana/R.AppImage' },
  });

  it('carries out each step in order and logs it', async () => {
    const { calls, logger, value } = ports();
    expect(await new ProtocolRegistrar(value).run(appImagePlan)).toBe('registered');
    expect(calls).toEqual([
      'write /home/ana/.local/share/applications/rallypoint-url-handler.desktop',
      'xdg-mime rallypoint-url-handler.desktop x-scheme-handler/rallypoint',
    ]);
    expect(logger.text).toContain('rallypoint-url-handler.desktop is the default');
  });

  it('passes the Windows command with its guard to Electron', async () => {
    const { calls, value } = ports();
    await new ProtocolRegistrar(value).run(planProtocolRegistration(['rallypoint'], windows));
    expect(calls).toEqual([`set rallypoint ${windows.execPath} --`]);
  });

  it('a failing xdg-mime is logged, not fatal', async () => {
    const { logger, value } = ports({
      runXdgMimeDefault: async () => ({
        ok: false,
        reason: 'not-installed',
        detail: 'xdg-mime was not found',
      }),
    });
    expect(await new ProtocolRegistrar(value).run(appImagePlan)).toBe('failed');
    expect(logger.text).toContain('warn registration: xdg-mime not-installed');
  });

  it('an I/O error or a refused registration is logged, not thrown', async () => {
    const broken = ports({
      writeDesktopEntry: async () => {
        throw new Error('EACCES: permission denied');
      },
    });
    expect(await new ProtocolRegistrar(broken.value).run(appImagePlan)).toBe('failed');
    expect(broken.logger.text).toContain('error registration: write-desktop-entry failed: EACCES');
    const refused = ports({ setAsDefaultProtocolClient: () => false });
    expect(
      await new ProtocolRegistrar(refused.value).run(
        planProtocolRegistration(['rallypoint'], windows),
      ),
    ).toBe('failed');
    expect(refused.logger.text).toContain('the OS refused rallypoint');
  });

  it('reports a skipped plan with its reason', async () => {
    const { logger, value } = ports();
    const plan = planProtocolRegistration(['rallypoint'], {
      ...windows,
      platform: 'linux',
      env: { APPIMAGE: '/R' },
    });
    expect(await new ProtocolRegistrar(value).run(plan)).toBe('skipped');
    expect(logger.text).toContain('not registered');
  });
});
