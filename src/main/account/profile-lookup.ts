/**
 * Who sent an invite, by name and picture: `POST /users/batch/profile/settings` (contract 2,
 * `Gamertag` and `GameDisplayPicRaw`) with the signed-in account's token. Meant to run in parallel
 * with the session write and never to delay or fail it: every problem is an answer without a
 * profile, and the window then says "a friend" (`sender.aFriend`), never a XUID.
 */
import got from 'got';
import * as z from 'zod';
import type { TokenProvider } from '../join/token-provider';
import { isLoopbackHttp } from './sign-in-settings';

export interface PlayerProfile {
  readonly xuid: string;
  readonly gamertag: string;
  /** https (or loopback http) URL of the picture; absent when the service gave none usable. */
  readonly pictureUrl?: string;
}

const answer = z.object({
  profileUsers: z
    .array(
      z.object({
        id: z.string(),
        settings: z.array(z.object({ id: z.string(), value: z.string().max(2048) })).max(20),
      }),
    )
    .max(100),
});

/** Whether a URL's host names this machine: `localhost`, 127.0.0.0/8 or `::1` (also IPv4-mapped). */
function namesThisMachine(url: URL): boolean {
  // Stryker disable next-line Regex: a URL's hostname has brackets only around a whole IPv6 address, so neither anchor changes a match
  const unbracketed = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // A trailing dot (`localhost.`) names the same host.
  const host = unbracketed.replace(/\.$/, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    // Stryker disable next-line Regex: a host ending in a dotted quad is parsed as IPv4 and written back from its first octet, so the `^` changes no match (the other changes are killed)
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '::1' ||
    /^::ffff:7f[0-9a-f]{2}:/.test(host)
  );
}

/**
 * The picture URL a profile answer may hand the launcher, which downloads it: https, or http on
 * this machine (the local directory). A picture on this machine is taken only from a profile
 * service on this machine too: otherwise a remote service could make the launcher send requests
 * to the player's own ports.
 */
export function usablePicture(value: string | undefined, profileUrl: string): string | undefined {
  // Stryker disable next-line ConditionalExpression: new URL(undefined) throws, which gives undefined as well
  if (value === undefined) return undefined;
  // Stryker disable BlockStatement: an emptied catch block returns undefined as well
  try {
    const url = new URL(value);
    if (url.username || url.password) return undefined;
    if (namesThisMachine(url) && !namesThisMachine(new URL(profileUrl))) return undefined;
    return url.protocol === 'https:' || isLoopbackHttp(value) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

// Stryker restore BlockStatement
export interface ProfileLookupOptions {
  readonly profileUrl: string;
  readonly tokens: TokenProvider;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/** The profiles of `xuids` the service knows; an empty map on any failure. */
export async function lookupProfiles(
  xuids: readonly string[],
  options: ProfileLookupOptions,
): Promise<ReadonlyMap<string, PlayerProfile>> {
  const found = new Map<string, PlayerProfile>();
  const wanted = [...new Set(xuids.filter((xuid) => /^\d{1,20}$/.test(xuid)))].slice(0, 100);
  if (wanted.length === 0) return found;
  const log = options.log ?? (() => undefined);
  const token = await options.tokens.getToken({
    forceRefresh: false,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!token.ok) {
    log(`profile lookup skipped: no token (${token.error.code})`);
    return found;
  }
  let body: string;
  try {
    const response = await got.post(options.profileUrl, {
      json: { userIds: wanted, settings: ['Gamertag', 'GameDisplayPicRaw'] },
      headers: {
        authorization: `XBL3.0 x=${token.value.userHash};${token.value.token.reveal()}`,
        'x-xbl-contract-version': '2',
        accept: 'application/json',
      },
      timeout: { request: options.timeoutMs ?? 3000 },
      // Stryker disable next-line ObjectLiteral: got retries no POST by default; the 503 test sees one request
      retry: { limit: 0 },
      followRedirect: false,
      responseType: 'text',
      ...(options.signal ? { signal: options.signal } : {}),
    });
    body = response.body;
  } catch (error) {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: got fails only with its RequestError, an Error that always has a code
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
    log(`profile lookup failed (${code}); the sender is shown as a friend`);
    return found;
  }
  let json: unknown;
  // Stryker disable BlockStatement: an emptied catch block leaves json undefined as well
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  // Stryker restore BlockStatement
  const parsed = answer.safeParse(json);
  if (!parsed.success) {
    log('profile lookup answer has the wrong shape; the sender is shown as a friend');
    return found;
  }
  for (const user of parsed.data.profileUsers) {
    if (!wanted.includes(user.id)) continue;
    const setting = (id: string) => user.settings.find((entry) => entry.id === id)?.value;
    const gamertag = setting('Gamertag')?.trim();
    if (!gamertag || gamertag.length > 32) continue;
    const pictureUrl = usablePicture(setting('GameDisplayPicRaw'), options.profileUrl);
    found.set(user.id, { xuid: user.id, gamertag, ...(pictureUrl ? { pictureUrl } : {}) });
  }
  log(`profile lookup: ${found.size} of ${wanted.length} player(s) named`);
  return found;
}
