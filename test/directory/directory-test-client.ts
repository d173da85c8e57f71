/**
 * A tiny HTTP client for the directory tests: real requests over loopback with `fetch`, the
 * contract-version header by default, and dev identities minted through `POST /dev/tokens`.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import { parseSessionDocument, type SessionDocument } from '../../src/shared/mpsd/session-document';
import { strictSessionDocument } from './strict-decoders';

export interface Player {
  readonly xuid: string;
  readonly gamertag: string;
  readonly authorization: string;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface CallOptions {
  readonly as?: Player;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Leave out `x-xbl-contract-version`. */
  readonly noContract?: boolean;
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (!options.noContract) headers['x-xbl-contract-version'] ??= '107';
  if (options.as) headers.authorization ??= options.as.authorization;
  let body: string | undefined = options.rawBody;
  // A raw body is still declared JSON unless the test says otherwise: the directory refuses
  // bodies of any other type (415) before reading them.
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  const response = await fetch(base + path, { method, headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: <T>() => JSON.parse(text) as T,
  };
}

let nextXuid = 2_533_274_900_000_000n;

/** Mints a dev identity with a fresh XUID (or the given one). */
export async function player(
  base: string,
  gamertag: string,
  extra: { xuid?: string; titleId?: string; deviceId?: string; follows?: string[] } = {},
): Promise<Player> {
  nextXuid += 1n;
  const xuid = extra.xuid ?? String(nextXuid);
  const answer = await call(base, 'POST', '/dev/tokens', {
    body: { ...extra, xuid, gamertag },
    noContract: true,
  });
  expect(answer.status, answer.text).toBe(201);
  const issued = answer.json<{ authorization: string; xuid: string; gamertag: string }>();
  return { xuid: issued.xuid, gamertag: issued.gamertag, authorization: issued.authorization };
}

export const scid = '0b5f1c2a-3d4e-4f60-8a1b-2c3d4e5f6a7b';

export function sessionUrl(name: string, template = 'default', serviceConfig = scid): string {
  return `/serviceconfigs/${serviceConfig}/sessionTemplates/${template}/sessions/${name}`;
}

/** The body XSAPI sends to join as active (docs/mpsd-protocol.md §2.5). */
export function joinBody(
  who: Player,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    members: {
      me: {
        constants: { system: { xuid: who.xuid, initialize: true } },
        properties: { system: { active: true, ...extra } },
      },
    },
  };
}

const rfc1123 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Asserts that an answer carries a session document XSAPI would accept: the §5.6 validator, a
 * strict typed decoder (Go `encoding/json` rules, strict-decoders.ts), plus the headers XSAPI reads
 * and the invariants the directory promises (lower-case enums, string XUIDs, membersInfo counts that
 * match the members).
 */
export function expectSessionDocument(answer: Answer): SessionDocument {
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.headers.get('etag')).toBeTruthy();
  expect(answer.headers.get('date')).toMatch(rfc1123);
  expect(answer.headers.get('content-location')).toMatch(
    /^\/serviceconfigs\/[^/]+\/sessionTemplates\/[^/]+\/sessions\/[^/]+$/,
  );
  const raw = answer.json<Record<string, unknown>>();
  const parsed = parseSessionDocument(raw);
  if (!parsed.ok)
    throw new Error(`session document rejected: ${parsed.error.message}\n${answer.text}`);
  const strict = strictSessionDocument.safeParse(raw);
  if (!strict.success) {
    throw new Error(`strict typed decoding failed: ${strict.error.message}\n${answer.text}`);
  }
  const doc = parsed.value;
  const members = Object.entries((raw.members ?? {}) as Record<string, Record<string, unknown>>);
  const info = raw.membersInfo as Record<string, number>;
  expect(info.count).toBe(members.length);
  expect(info.accepted).toBe(members.filter(([, m]) => m.reserved !== true).length);
  expect(info.active).toBe(
    members.filter(
      ([, m]) => (m.properties as { system: { active?: boolean } }).system.active === true,
    ).length,
  );
  const indices = new Set<number>();
  for (const [key, member] of members) {
    const system = (member.constants as { system: { xuid: unknown; index: unknown } }).system;
    expect(typeof system.xuid).toBe('string');
    expect(String(system.index)).toBe(key);
    expect(indices.has(Number(key))).toBe(false);
    indices.add(Number(key));
    expect(Number(key)).toBeLessThan(info.next ?? 0);
  }
  const constants = (raw.constants as { system: Record<string, unknown> }).system;
  for (const name of ['visibility']) {
    const value = constants[name];
    if (typeof value === 'string') expect(value).toBe(value.toLowerCase());
  }
  for (const timeout of [
    'reservedRemovalTimeout',
    'inactiveRemovalTimeout',
    'readyRemovalTimeout',
    'sessionEmptyTimeout',
  ]) {
    const value = constants[timeout];
    expect(value === null || Number.isInteger(value)).toBe(true);
  }
  expect(typeof raw.contractVersion).toBe('number');
  expect(typeof raw.changeNumber).toBe('number');
  expect(raw.branch).toMatch(/^[0-9a-f-]{36}$/);
  expect(raw.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  return doc;
}

/** What `directoryWithPlayer` gives a test file; read its fields inside tests, after `beforeAll`. */
export interface DirectoryWithPlayer {
  readonly url: string;
  readonly someone: Player;
}

/**
 * A directory with rate limits off and one player, started before the file's tests and closed after
 * them: the set-up several test files need, written once.
 */
export function directoryWithPlayer(gamertag: string): DirectoryWithPlayer {
  let directory: RunningDirectory | undefined;
  let someone: Player | undefined;
  beforeAll(async () => {
    directory = await startDirectory({ rateLimits: false });
    someone = await player(directory.url, gamertag);
  });
  afterAll(() => directory?.close());
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('directoryWithPlayer: read it inside a test');
    return value;
  };
  return {
    get url() {
      return started(directory).url;
    },
    get someone() {
      return started(someone);
    },
  };
}

/**
 * Writes ten custom properties of `blob` each into the session at `path` and expects the 512 KB
 * document cap to refuse the last two: the first eight fit whether `blob` is 60 KB of one-byte
 * characters or 30 K two-byte ones.
 */
export async function expectCapAfterEightBlobs(
  base: string,
  as: Player,
  path: string,
  blob: string,
): Promise<void> {
  const statuses: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    const body = { properties: { custom: { [`blob${i}`]: blob } } };
    statuses.push((await call(base, 'PUT', path, { as, body })).status);
  }
  expect(statuses.slice(0, 8)).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
  expect(statuses.slice(8)).toEqual([413, 413]);
}

/** `Host` of the last raw connection opened: the directory answers only its own address. */
let rawHost = '127.0.0.1';

/**
 * The head of a raw `PUT` with a JSON body of `length` bytes, for tests that send bytes by hand, to
 * the directory of the last `rawConnection`.
 */
export function requestHead(path: string, who: Player, length: number): string {
  return (
    `PUT ${path} HTTP/1.1\r\nhost: ${rawHost}\r\nauthorization: ${who.authorization}\r\n` +
    `x-xbl-contract-version: 107\r\ncontent-type: application/json\r\n` +
    `content-length: ${length}\r\n\r\n`
  );
}

/** A raw connection to the directory at `url`, collecting everything it answers. */
export async function rawConnection(
  url: string,
): Promise<{ socket: Socket; received: () => string }> {
  const { port } = new URL(url);
  rawHost = `127.0.0.1:${port}`;
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  return { socket, received: () => text };
}

/**
 * Opens a presence connection (`ws://…/connect`) as `who`, which makes them "Online" to the
 * presence service; resolves once it is open, with the function that closes it.
 */
export async function holdPresence(base: string, who: Player): Promise<() => Promise<void>> {
  const { default: WebSocket } = await import('ws');
  const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/connect`, {
    headers: { authorization: who.authorization },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return () =>
    new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    });
}
