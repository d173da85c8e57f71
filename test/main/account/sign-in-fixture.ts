/**
 * A local directory whose identity services the sign-in tests talk to over loopback HTTP, a clock
 * that can jump forward, and the "player" who completes sign-in pages by POSTing their forms the
 * way a browser would.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { RequestLogEntry, RunningDirectory } from '../../../src/directory/directory-options';
import { startDirectory } from '../../../src/directory/start-directory';
import type { TokenCipher } from '../../../src/main/account/token-cache';

export interface SignInDirectory {
  readonly directory: RunningDirectory;
  /** Moves the directory's clock forward. */
  advance(ms: number): void;
  /** The directory's clock, for the launcher side of the test. */
  now(): number;
  /** Every finished request so far (method, path, status; no tokens). */
  readonly requests: RequestLogEntry[];
}

export async function signInDirectory(
  identity: Record<string, number> = {},
): Promise<SignInDirectory> {
  let offset = 0;
  const requests: RequestLogEntry[] = [];
  const directory = await startDirectory({
    onRequest: (entry) => requests.push(entry),
    port: 0,
    rateLimits: false,
    clock: { now: () => Date.now() + offset },
    identity: { devicePollIntervalS: 1, ...identity },
  });
  return { directory, advance: (ms) => (offset += ms), now: () => Date.now() + offset, requests };
}

/** Completes the device-code page as a player would: user code and a development account. */
export async function completeDeviceCode(
  verificationUri: string,
  userCode: string,
  account: Record<string, string>,
): Promise<number> {
  const response = await fetch(verificationUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_code: userCode, ...account }).toString(),
  });
  await response.text();
  return response.status;
}

/**
 * Plays the system browser on the authorize page: reads its hidden fields, submits `decision`
 * (with the development account when allowing) and follows the redirect to the launcher's
 * loopback listener, as a browser would. Resolves once the listener answered.
 */
export async function completeAuthorizePage(
  url: string,
  decision: 'allow' | 'cancel',
  account: Record<string, string> = {},
): Promise<void> {
  const page = await (await fetch(url)).text();
  const hidden = [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
    ([, name, value]) => [name ?? '', (value ?? '').replace(/&amp;/g, '&')] as [string, string],
  );
  const fields: [string, string][] = [...hidden, ['decision', decision]];
  if (decision === 'allow') fields.push(...Object.entries(account));
  const answer = await fetch(new URL('/consumers/oauth2/v2.0/authorize', url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (location === null)
    throw new Error(`the authorize page answered ${answer.status}, no redirect`);
  await (await fetch(location)).text();
}

/** A real cipher (AES-256-GCM, random key) standing in for Electron safeStorage. */
export function fakeSafeStorage(available = true): TokenCipher {
  const key = randomBytes(32);
  return {
    isAvailable: () => available,
    encrypt(text) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
