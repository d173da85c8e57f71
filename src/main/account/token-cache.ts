/**
 * Where signed-in accounts are kept between runs: refresh tokens and the last XSTS token per
 * account, and which account is current. The command line keeps a file only the user can read
 * (mode 0600) in the OS config folder; the launcher keeps the same text encrypted by Electron's
 * `safeStorage` (src/main/electron/safe-storage-cipher.ts) behind {@link TokenCipher}. Sign-out
 * deletes the file.
 */
import { chmod, mkdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import { Secret } from './secret';

/** One cached account. Secrets stay {@link Secret}s until the store serialises them. */
export interface CachedAccount {
  readonly xuid: string;
  readonly gamertag: string;
  readonly userHash: string;
  readonly refreshToken: Secret;
  readonly xsts?: { readonly token: Secret; readonly expiresAt: number };
}

export interface TokenCacheContents {
  readonly current?: string;
  readonly accounts: readonly CachedAccount[];
}

const emptyCache: TokenCacheContents = { accounts: [] };

/** Raw storage of the cache text; {@link fileTokenStore} or {@link encryptedTokenStore}. */
export interface TokenStore {
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
  /** Removes everything stored; no error when nothing was. */
  clear(): Promise<void>;
}

/** Encryption at rest; the launcher's is Electron safeStorage, tests use a fake. */
export interface TokenCipher {
  isAvailable(): boolean;
  encrypt(text: string): Buffer;
  decrypt(data: Buffer): string;
}

// Stryker disable BlockStatement: an emptied catch block here gives undefined (no text) as well
/** A file readable and writable by the user only, written atomically (temp file, then rename). */
export function fileTokenStore(path: string): TokenStore {
  return {
    async read() {
      try {
        return await readFile(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    async write(text) {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${process.pid}.tmp`;
      // Stryker disable next-line ObjectLiteral: the chmod below sets 0600 before the rename shows the file
      await writeFile(temporary, text, { mode: 0o600 });
      await chmod(temporary, 0o600);
      await rename(temporary, path);
    },
    async clear() {
      await rm(path, { force: true });
    },
  };
}

/** The same file, its contents encrypted; refuses to store anything when encryption is off. */
export function encryptedTokenStore(path: string, cipher: TokenCipher): TokenStore {
  const file = fileTokenStore(path);
  return {
    async read() {
      if (!cipher.isAvailable()) return undefined;
      try {
        const data = await readFile(path);
        return cipher.decrypt(data);
      } catch {
        return undefined;
      }
    },
    async write(text) {
      if (!cipher.isAvailable()) return;
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, cipher.encrypt(text), { mode: 0o600 });
      await rename(temporary, path);
    },
    clear: file.clear,
  };
}

const storedAccount = z.object({
  xuid: z.string().regex(/^\d{1,20}$/),
  gamertag: z.string().min(1).max(64),
  userHash: z.string().min(1).max(128),
  refreshToken: z.string().min(1),
  xsts: z.object({ token: z.string().min(1), expiresAt: z.number() }).optional(),
});
const storedCache = z.object({
  version: z.literal(1),
  current: z.string().optional(),
  accounts: z.array(storedAccount).max(16),
});

/** Reads the cache; anything unreadable is an empty cache (the player signs in again). */
export async function loadCache(store: TokenStore): Promise<TokenCacheContents> {
  const text = await store.read();
  // Stryker disable next-line ConditionalExpression: JSON.parse(undefined) throws, which also gives the empty cache
  if (text === undefined) return emptyCache;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return emptyCache;
  }
  const parsed = storedCache.safeParse(json);
  if (!parsed.success) return emptyCache;
  return {
    ...(parsed.data.current === undefined ? {} : { current: parsed.data.current }),
    accounts: parsed.data.accounts.map((account) => ({
      xuid: account.xuid,
      gamertag: account.gamertag,
      userHash: account.userHash,
      refreshToken: new Secret(account.refreshToken),
      ...(account.xsts
        ? { xsts: { token: new Secret(account.xsts.token), expiresAt: account.xsts.expiresAt } }
        : {}),
    })),
  };
}

// Stryker restore BlockStatement
/** Writes the cache, revealing its secrets only into the text the store keeps. */
export async function saveCache(store: TokenStore, contents: TokenCacheContents): Promise<void> {
  const text = JSON.stringify({
    version: 1,
    // Stryker disable next-line ConditionalExpression: JSON.stringify leaves out a current of undefined
    ...(contents.current === undefined ? {} : { current: contents.current }),
    accounts: contents.accounts.map((account) => ({
      xuid: account.xuid,
      gamertag: account.gamertag,
      userHash: account.userHash,
      refreshToken: account.refreshToken.reveal(),
      ...(account.xsts
        ? { xsts: { token: account.xsts.token.reveal(), expiresAt: account.xsts.expiresAt } }
        : {}),
    })),
  });
  await store.write(text);
}
