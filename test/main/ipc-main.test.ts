/**
 * The typed ipcMain wrapper against the faked Electron: handlers run only for the launcher
 * window's top frame on the app origin with well-formed arguments; everything else is refused with
 * a coded error and a log line, and main keeps running.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTypedIpcMain } from '../../src/main/electron/ipc-main';
import { IPC_REFUSAL_PREFIX } from '../../src/main/ipc/ipc-refusal';
import { APP_ENTRY_URL } from '../../src/main/security/app-origin';
import {
  FakeBrowserWindow,
  FakeWebContents,
  current,
  fakeFrame,
  resetFakeElectron,
} from '../fakes/electron';
import { recordingLogger } from '../fakes/recording-logger';

vi.mock('electron', async () => (await import('../fakes/electron')).electronMockFactory());

function setUp() {
  const fake = resetFakeElectron();
  const window = new FakeBrowserWindow();
  void window.loadURL(APP_ENTRY_URL);
  const log = recordingLogger();
  const ipc = createTypedIpcMain({ trustedWebContentsId: () => window.webContents.id, log });
  const calls: unknown[][] = [];
  ipc.handle('log:write', (level, message) => {
    calls.push([level, message]);
  });
  ipc.handle('join:retry', () => {
    calls.push(['retry']);
  });
  return { fake, window, log, ipc, calls };
}

describe('typed ipcMain: sender checks', () => {
  let env: ReturnType<typeof setUp>;
  beforeEach(() => {
    env = setUp();
  });

  it('runs the handler for the launcher window top frame on the app origin', async () => {
    await env.fake.ipcMain.invoke('log:write', env.window.webContents, ['info', 'hello']);
    expect(env.calls).toEqual([['info', 'hello']]);
  });

  it('refuses another webContents', async () => {
    const other = new FakeWebContents(current().session.defaultSession);
    await other.loadURL(APP_ENTRY_URL);
    await expect(env.fake.ipcMain.invoke('join:retry', other)).rejects.toThrow(
      `${IPC_REFUSAL_PREFIX}unknown-sender`,
    );
    expect(env.calls).toEqual([]);
    expect(env.log.lines('warn').join('\n')).toMatch(/refused join:retry: unknown-sender/);
  });

  it('refuses the right webContents once it shows another origin', async () => {
    await env.window.loadURL('https://evil.example/index.html');
    await expect(env.fake.ipcMain.invoke('join:retry', env.window.webContents)).rejects.toThrow(
      'foreign-origin',
    );
    await env.window.loadURL('file:///etc/passwd');
    await expect(env.fake.ipcMain.invoke('join:retry', env.window.webContents)).rejects.toThrow(
      'foreign-origin',
    );
    await env.window.loadURL('app://rallypoint.evil.example/index.html');
    await expect(env.fake.ipcMain.invoke('join:retry', env.window.webContents)).rejects.toThrow(
      'foreign-origin',
    );
    expect(env.calls).toEqual([]);
  });

  it('refuses a subframe, even one on the app origin', async () => {
    const top = env.window.webContents.mainFrame;
    const child = fakeFrame(APP_ENTRY_URL, top);
    await expect(
      env.fake.ipcMain.invoke('join:retry', env.window.webContents, [], child),
    ).rejects.toThrow('subframe');
    expect(env.calls).toEqual([]);
  });

  it('refuses when the sending frame is gone', async () => {
    await expect(
      env.fake.ipcMain.invoke('join:retry', env.window.webContents, [], null),
    ).rejects.toThrow('frame-gone');
    const destroyed = fakeFrame(APP_ENTRY_URL);
    destroyed.destroyed = true;
    await expect(
      env.fake.ipcMain.invoke('join:retry', env.window.webContents, [], destroyed),
    ).rejects.toThrow('frame-gone');
  });

  it('refuses everything while there is no window', async () => {
    const log = recordingLogger();
    resetFakeElectron();
    const ipc = createTypedIpcMain({ trustedWebContentsId: () => undefined, log });
    ipc.handle('join:cancel', () => undefined);
    const stray = new FakeWebContents(current().session.defaultSession);
    await stray.loadURL(APP_ENTRY_URL);
    await expect(current().ipcMain.invoke('join:cancel', stray)).rejects.toThrow('unknown-sender');
  });
});

describe('typed ipcMain: argument checks', () => {
  let env: ReturnType<typeof setUp>;
  beforeEach(() => {
    env = setUp();
  });

  const bad: [string, unknown[]][] = [
    ['missing arguments', []],
    ['an unknown level', ['fatal', 'x']],
    ['a non-string message', ['info', { toString: 'x' }]],
    ['an extra argument', ['info', 'x', 'y']],
    ['a message over the size limit', ['info', 'x'.repeat(4_001)]],
    ['a prototype-polluting object', [JSON.parse('{"__proto__":{"polluted":1}}'), 'x']],
  ];
  for (const [name, args] of bad) {
    it(`refuses log:write with ${name}`, async () => {
      await expect(
        env.fake.ipcMain.invoke('log:write', env.window.webContents, args),
      ).rejects.toThrow(`${IPC_REFUSAL_PREFIX}bad-arguments`);
      expect(env.calls).toEqual([]);
    });
  }

  it('refuses arguments on a channel that takes none', async () => {
    await expect(
      env.fake.ipcMain.invoke('join:retry', env.window.webContents, ['sneaky']),
    ).rejects.toThrow('bad-arguments');
    expect(env.log.lines('warn').join('\n')).toMatch(/1 argument\(s\) refused/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers a failing handler with a coded error and logs the cause', async () => {
    env.ipc.handle('join:cancel', () => {
      throw new Error('boom with XBL3.0 x=1;secret');
    });
    await expect(env.fake.ipcMain.invoke('join:cancel', env.window.webContents)).rejects.toThrow(
      /^rallypoint-ipc:handler-failed$/,
    );
    expect(env.log.lines('error').join('\n')).toMatch(/handler for join:cancel failed/);
  });

  it('removes its handlers on dispose', () => {
    env.ipc.dispose();
    expect(env.fake.ipcMain.handlers.size).toBe(0);
  });
});

describe('typed ipcMain: push', () => {
  it('sends to a live webContents and skips a destroyed one', () => {
    const env = setUp();
    expect(env.ipc.push(env.window.webContents as never, 'launcher:recent', [])).toBe(true);
    expect(env.window.webContents.pushes('launcher:recent')).toEqual([[]]);
    env.window.close();
    expect(env.ipc.push(env.window.webContents as never, 'launcher:recent', [])).toBe(false);
  });
});
