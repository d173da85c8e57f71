/**
 * Boots the launcher's real entry module (src/main/electron/main.ts) in this process with only
 * Electron faked: a fresh fake, the given argv, a fresh module graph so the entry runs again, then
 * `ready`, and the window's page loaded from the app origin. The test file itself mocks `electron`
 * with the fake (`vi.mock` only works there) and closes the launcher it gets back.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import type { Launcher } from '../../src/main/electron/main';
import { APP_ENTRY_URL } from '../../src/main/security/app-origin';
import { FakeBrowserWindow, resetFakeElectron } from '../fakes/electron';
import { useThrowawayHome } from './throwaway-home';

export interface BootedLauncher {
  readonly launcher: Launcher;
  readonly window: FakeBrowserWindow;
}

export async function bootLauncher(argv: readonly string[] = []): Promise<BootedLauncher> {
  const fake = resetFakeElectron();
  process.argv = [process.execPath, '.', ...argv];
  vi.resetModules();
  const entry = await import('../../src/main/electron/main');
  fake.app.makeReady();
  const launcher = await entry.launcher;
  if (launcher === undefined) throw new Error('launcher did not boot');
  const window = FakeBrowserWindow.instances[0];
  if (window === undefined) throw new Error('no window');
  await window.webContents.loadURL(APP_ENTRY_URL);
  return { launcher, window };
}

/**
 * The hooks of a test file that boots the launcher: before each test a throwaway home (and, with
 * `developmentSignIn`, the development identity instead of a real sign-in); after it the process's
 * argv and environment as they were, then `cleanUp` closes what the test started.
 */
export function useCompositionHooks(options: {
  readonly developmentSignIn?: boolean;
  readonly cleanUp: () => Promise<void>;
}): void {
  const savedArgv = process.argv;
  const savedEnv = { ...process.env };
  beforeEach(() => {
    useThrowawayHome();
    if (options.developmentSignIn) process.env.RALLYPOINT_SIGN_IN = 'development';
  });
  afterEach(async () => {
    process.argv = savedArgv;
    process.env = { ...savedEnv };
    await options.cleanUp();
  });
}

/** Closes what a test started, in the order given (the launcher before its directory). */
export async function closeInOrder(
  ...started: ReadonlyArray<{ close(): Promise<unknown> } | undefined>
): Promise<void> {
  for (const each of started) await each?.close();
}
