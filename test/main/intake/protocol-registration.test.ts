/**
 * Registration against the host's own programs: generated desktop entries checked by
 * `desktop-file-validate`, and the real `xdg-mime` making one the default handler. Each test skips
 * with its reason where the program is missing. The plan, the entry text, the file, the stand-in
 * `xdg-mime` runs and the registrar have fast unit tests of their own next to this file.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderDesktopEntry } from '../../../src/main/intake/desktop-entry';
import { writeDesktopEntryFile } from '../../../src/main/intake/desktop-entry-file';
import { planProtocolRegistration } from '../../../src/main/intake/protocol-registration-plan';
import { runXdgMimeDefault } from '../../../src/main/intake/xdg-mime-default';
import { programOrSkip } from '../../host-tools';
import { useTemporaryDirectory } from './temporary-directory';

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

const directory = useTemporaryDirectory();

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
        env: { HOME: directory(), APPIMAGE: appImage },
      });
      const write = plan.steps[0];
      if (write?.kind !== 'write-desktop-entry') throw new Error('expected a desktop entry step');
      const file = path.join(directory(), write.fileName);
      await writeFile(file, write.contents);
      // desktop-file-validate exits non-zero and prints the problem on any error.
      const { stdout, stderr } = await run('desktop-file-validate', [file]);
      expect(`${stdout}${stderr}`.trim()).toBe('');
    });
  }

  it('valid for the hidden development entry', async () => {
    const file = path.join(directory(), 'rallypoint-dev-url-handler.desktop');
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
    const file = path.join(directory(), 'broken.desktop');
    await writeFile(file, '[Desktop Entry]\nType=Application\nExec="/a$b" %U\n');
    await expect(run('desktop-file-validate', [file])).rejects.toThrow();
  });
});

describe('runXdgMimeDefault with the real xdg-mime', () => {
  it.skipIf(!hasXdgMime)('makes the entry the default handler (real xdg-mime)', async () => {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: directory(),
      XDG_CONFIG_HOME: path.join(directory(), 'config'),
      XDG_DATA_HOME: path.join(directory(), 'data'),
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
});
