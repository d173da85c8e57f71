/**
 * The launcher's token cache through the Electron adapter (faked electron): what reaches the disk
 * is safeStorage's output, never the tokens, and reading it back gives the accounts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, expect, it, vi } from 'vitest';
import { resetFakeElectron } from '../../fakes/electron';
import { launcherTokenStore } from '../../../src/main/electron/safe-storage-cipher';
import { loadCache, saveCache } from '../../../src/main/account/token-cache';
import { Secret } from '../../../src/main/account/secret';

vi.mock('electron', async () => (await import('../../fakes/electron')).electronMockFactory());

beforeEach(() => {
  resetFakeElectron();
});

it('stores the cache encrypted by safeStorage in userData and reads it back', async () => {
  const { app } = await import('electron');
  const store = launcherTokenStore();
  const refresh = 'M.C5-refresh-token-value';
  await saveCache(store, {
    current: '2535400000000001',
    accounts: [
      {
        xuid: '2535400000000001',
        gamertag: 'Ada',
        userHash: 'abc',
        refreshToken: new Secret(refresh),
      },
    ],
  });
  const bytes = readFileSync(join(app.getPath('userData'), 'accounts.bin'));
  expect(bytes.includes(Buffer.from(refresh))).toBe(false);
  const loaded = await loadCache(store);
  expect(loaded.accounts[0]?.refreshToken.reveal()).toBe(refresh);
  await store.clear();
  expect((await loadCache(store)).accounts).toEqual([]);
});
