/**
 * The account cache on its own, on real files in a temporary folder: what is written (and with
 * which file mode), what reads back, what an unreadable or out-of-shape cache becomes, the
 * encrypted store with encryption on and off, and the Secret and sign-in error types it uses.
 */
import { mkdtemp, readFile, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/main/account/secret';
import { signInError, xstsRefusal } from '../../../src/main/account/sign-in-error';
import {
  encryptedTokenStore,
  fileTokenStore,
  loadCache,
  saveCache,
  type TokenCacheContents,
  type TokenCipher,
} from '../../../src/main/account/token-cache';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'rallypoint-token-cache-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const alice = {
  xuid: '2814616402722312',
  gamertag: 'Alice',
  userHash: 'uhs-1',
  refreshToken: new Secret('refresh-alice'),
  xsts: { token: new Secret('xsts-alice'), expiresAt: 1_900_000_000_000 },
};
const bob = { xuid: '17', gamertag: 'Bob', userHash: 'uhs-2', refreshToken: new Secret('r-bob') };

/** The cache as plain values, secrets revealed, to compare. */
function revealed(contents: TokenCacheContents) {
  return {
    ...contents,
    accounts: contents.accounts.map((account) => ({
      ...account,
      refreshToken: account.refreshToken.reveal(),
      ...(account.xsts
        ? { xsts: { token: account.xsts.token.reveal(), expiresAt: account.xsts.expiresAt } }
        : {}),
    })),
  };
}

/** A reversible stand-in for safeStorage that can be switched off. */
function fakeCipher(available = true): TokenCipher & { on: boolean } {
  return {
    on: available,
    isAvailable() {
      return this.on;
    },
    encrypt: (text) => Buffer.from(`enc:${Buffer.from(text).toString('base64')}`),
    decrypt: (data) => {
      const text = data.toString('utf8');
      if (!text.startsWith('enc:')) throw new Error('not ours');
      return Buffer.from(text.slice(4), 'base64').toString('utf8');
    },
  };
}

describe('saveCache and loadCache', () => {
  it('write version 1 with the secrets revealed only in the stored text, and read it back', async () => {
    const store = fileTokenStore(path.join(folder, 'deep', 'accounts.json'));
    await saveCache(store, { current: alice.xuid, accounts: [alice, bob] });
    const text = await readFile(path.join(folder, 'deep', 'accounts.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({
      version: 1,
      current: alice.xuid,
      accounts: [
        {
          xuid: alice.xuid,
          gamertag: 'Alice',
          userHash: 'uhs-1',
          refreshToken: 'refresh-alice',
          xsts: { token: 'xsts-alice', expiresAt: 1_900_000_000_000 },
        },
        { xuid: '17', gamertag: 'Bob', userHash: 'uhs-2', refreshToken: 'r-bob' },
      ],
    });
    expect(await store.read()).toBe(text);
    const loaded = await loadCache(store);
    expect(loaded.accounts[0]?.refreshToken).toBeInstanceOf(Secret);
    expect(loaded.accounts[0]?.xsts?.token).toBeInstanceOf(Secret);
    expect(revealed(loaded)).toEqual(revealed({ current: alice.xuid, accounts: [alice, bob] }));
    expect(loaded.accounts[1]).not.toHaveProperty('xsts');
  });

  it('no current account: none written, none read', async () => {
    const store = fileTokenStore(path.join(folder, 'accounts.json'));
    await saveCache(store, { accounts: [bob] });
    expect(
      JSON.parse(await readFile(path.join(folder, 'accounts.json'), 'utf8')),
    ).not.toHaveProperty('current');
    expect(await loadCache(store)).not.toHaveProperty('current');
  });

  it('the file and its folder are the user’s only, and no temporary file is left', async () => {
    const file = path.join(folder, 'config', 'accounts.json');
    await saveCache(fileTokenStore(file), { accounts: [bob] });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect(await readdir(path.dirname(file))).toEqual(['accounts.json']);
  });

  it('an existing file with wider permissions is replaced by one of mode 0600', async () => {
    const file = path.join(folder, 'accounts.json');
    await writeFile(file, 'old', { mode: 0o644 });
    await saveCache(fileTokenStore(file), { accounts: [bob] });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('anything unreadable or out of shape is an empty cache', async () => {
    const file = path.join(folder, 'accounts.json');
    const store = fileTokenStore(file);
    expect(await loadCache(store)).toEqual({ accounts: [] });
    const good = { xuid: '1', gamertag: 'G', userHash: 'h', refreshToken: 'r' };
    const cases: unknown[] = [
      'not json',
      { version: 2, accounts: [] },
      { accounts: [] },
      { version: 1, accounts: [{ ...good, xuid: 'x1' }] },
      { version: 1, accounts: [{ ...good, xuid: '' }] },
      { version: 1, accounts: [{ ...good, xuid: '1'.repeat(21) }] },
      { version: 1, accounts: [{ ...good, xuid: ' 1' }] },
      { version: 1, accounts: [{ ...good, xuid: '1 ' }] },
      { version: 1, accounts: [{ ...good, gamertag: '' }] },
      { version: 1, accounts: [{ ...good, gamertag: 'g'.repeat(65) }] },
      { version: 1, accounts: [{ ...good, userHash: '' }] },
      { version: 1, accounts: [{ ...good, userHash: 'h'.repeat(129) }] },
      { version: 1, accounts: [{ ...good, refreshToken: '' }] },
      { version: 1, accounts: [{ ...good, xsts: { token: '', expiresAt: 1 } }] },
      { version: 1, accounts: [{ ...good, xsts: { token: 't' } }] },
      { version: 1, accounts: Array.from({ length: 17 }, () => good) },
      { version: 1, current: 5, accounts: [] },
    ];
    for (const value of cases) {
      await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));
      expect(await loadCache(store), JSON.stringify(value)).toEqual({ accounts: [] });
    }
  });

  it('the edges of each field are read', async () => {
    const file = path.join(folder, 'accounts.json');
    const edge = {
      xuid: '1'.repeat(20),
      gamertag: 'g'.repeat(64),
      userHash: 'h'.repeat(128),
      refreshToken: 'r',
    };
    await writeFile(
      file,
      JSON.stringify({ version: 1, accounts: Array.from({ length: 16 }, () => edge) }),
    );
    const loaded = await loadCache(fileTokenStore(file));
    expect(loaded.accounts).toHaveLength(16);
    expect(loaded.accounts[0]?.xuid).toBe('1'.repeat(20));
  });

  it('clear removes the file, and is fine when there is none', async () => {
    const file = path.join(folder, 'accounts.json');
    const store = fileTokenStore(file);
    await saveCache(store, { accounts: [bob] });
    await store.clear();
    await expect(stat(file)).rejects.toThrow();
    await expect(store.clear()).resolves.toBeUndefined();
  });
});

describe('encryptedTokenStore', () => {
  it('keeps only ciphertext on disk, mode 0600, and reads it back', async () => {
    const file = path.join(folder, 'sub', 'accounts.bin');
    const store = encryptedTokenStore(file, fakeCipher());
    await saveCache(store, { current: alice.xuid, accounts: [alice] });
    const raw = await readFile(file, 'utf8');
    expect(raw.startsWith('enc:')).toBe(true);
    expect(raw).not.toContain('refresh-alice');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect(await readdir(path.dirname(file))).toEqual(['accounts.bin']);
    expect(revealed(await loadCache(store))).toEqual(
      revealed({ current: alice.xuid, accounts: [alice] }),
    );
    await store.clear();
    await expect(stat(file)).rejects.toThrow();
  });

  it('with encryption off: writes nothing and reads nothing', async () => {
    const file = path.join(folder, 'accounts.bin');
    const cipher = fakeCipher();
    const store = encryptedTokenStore(file, cipher);
    await saveCache(store, { accounts: [bob] });
    cipher.on = false;
    expect(await store.read()).toBeUndefined();
    await rm(file);
    await saveCache(store, { accounts: [bob] });
    await expect(stat(file)).rejects.toThrow();
  });

  it('a file it cannot decrypt, or none, is nothing stored', async () => {
    const file = path.join(folder, 'accounts.bin');
    const store = encryptedTokenStore(file, fakeCipher());
    expect(await store.read()).toBeUndefined();
    await writeFile(file, 'plain text');
    expect(await store.read()).toBeUndefined();
  });
});

describe('Secret', () => {
  it('prints [redacted] every way but reveal()', () => {
    const secret = new Secret('tok-123');
    expect(secret.reveal()).toBe('tok-123');
    expect(String(secret)).toBe('[redacted]');
    expect(secret.toString()).toBe('[redacted]');
    expect(`${secret}`).toBe('[redacted]');
    expect(`x${secret as unknown as string}`).toBe('x[redacted]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(inspect({ secret })).toBe('{ secret: [redacted] }');
    expect(inspect(secret)).not.toContain('tok-123');
  });

  it('equals another Secret in a test only when both hold the same value', () => {
    // test/secret-equality.ts: without it the private field is invisible and any two are equal.
    expect({ token: new Secret('a') }).toStrictEqual({ token: new Secret('a') });
    expect({ token: new Secret('a') }).not.toStrictEqual({ token: new Secret('b') });
    expect(new Secret('a')).not.toEqual('a');
  });
});

describe('sign-in errors', () => {
  it('XSTS refusals keep their XErr and map the known ones', () => {
    expect(xstsRefusal(2148916233)).toEqual({
      code: 'no-xbox-profile',
      message: 'XSTS refused the account (XErr 2148916233)',
      retryable: false,
      xerr: 2148916233,
    });
    expect(xstsRefusal(2148916235).code).toBe('region-unavailable');
    expect(xstsRefusal(2148916236).code).toBe('adult-verification-needed');
    expect(xstsRefusal(2148916237).code).toBe('adult-verification-needed');
    expect(xstsRefusal(2148916238).code).toBe('child-needs-family');
    expect(xstsRefusal(2148916234).code).toBe('xsts-refused');
  });

  it('signInError is not retryable unless said', () => {
    expect(signInError('cancelled', 'closed')).toEqual({
      code: 'cancelled',
      message: 'closed',
      retryable: false,
    });
    expect(signInError('service-unavailable', '503', true).retryable).toBe(true);
  });
});
