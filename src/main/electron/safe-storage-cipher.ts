/**
 * The launcher's token cache encryption: Electron `safeStorage` (the OS keychain, DPAPI or the
 * Secret Service) behind the {@link TokenCipher} interface the account code uses, so that code
 * stays free of `electron` and its tests use a fake.
 */
import { app, safeStorage } from 'electron';
import { join } from 'node:path';
import { encryptedTokenStore, type TokenCipher, type TokenStore } from '../account/token-cache';

/** safeStorage as a TokenCipher. When it is unavailable the cache stores nothing. */
function safeStorageCipher(): TokenCipher {
  return {
    isAvailable: () => safeStorage.isEncryptionAvailable(),
    encrypt: (text) => safeStorage.encryptString(text),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}

/** `<userData>/accounts.bin`, encrypted; call after the app is ready. */
export function launcherTokenStore(): TokenStore {
  return encryptedTokenStore(join(app.getPath('userData'), 'accounts.bin'), safeStorageCipher());
}
