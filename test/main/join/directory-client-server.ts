/**
 * Tiny node:http servers on loopback for the directory client's tests: each answers exactly what a
 * test needs (captured requests, chosen statuses, headers and bodies, silence), plus a scripted
 * token provider and a client with fixed headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createDirectoryClient,
  type DirectoryClientOptions,
} from '../../../src/main/join/directory-client';
import type { AccessToken, TokenProvider } from '../../../src/main/join/token-provider';
import { ok } from '../../../src/shared/result';

export const handleId = '0f3c12ab-5d6e-4f70-8a9b-0c1d2e3f4a5b';
export const sessionLocation = '/serviceconfigs/scid-1/sessionTemplates/game/sessions/s1';

/** One request as the server saw it. */
export interface Captured {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Handler = (request: Captured, response: ServerResponse) => void;

const servers: Server[] = [];

/** Closes every server started so far; each test file runs it after each test. */
export async function closeServers(): Promise<void> {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A directory on 127.0.0.1 (port 0) that records each request and lets `handler` answer it. */
export async function serve(handler: Handler): Promise<{ url: string; requests: Captured[] }> {
  const requests: Captured[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const captured = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      handler(captured, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests };
}

/** A valid session document listing `xuids` in chain order, with `max` seats. */
export function session(xuids: readonly string[], max = 8): Record<string, unknown> {
  const members: Record<string, unknown> = {};
  xuids.forEach((xuid, index) => {
    members[String(index)] = {
      next: index + 1,
      constants: { system: { xuid, index } },
      properties: { system: { active: true } },
      gamertag: `Player${xuid}`,
    };
  });
  return {
    membersInfo: { first: 0, next: xuids.length, count: xuids.length },
    constants: { system: { maxMembersCount: max, visibility: 'open' } },
    members,
  };
}

/** Answers JSON with the session's Content-Location and an ETag unless `headers` says otherwise. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-location': sessionLocation,
    etag: '"e1"',
    ...headers,
  });
  response.end(JSON.stringify(body));
}

/** Tokens from a list, one per call, recording what each call asked for. */
export function scriptedTokens(tokens: readonly string[]): TokenProvider & { calls: boolean[] } {
  const calls: boolean[] = [];
  return {
    calls,
    getToken({ forceRefresh }) {
      calls.push(forceRefresh);
      const token = tokens[Math.min(calls.length - 1, tokens.length - 1)] ?? 'none';
      const access: AccessToken = { xuid: '2814', userHash: 'uh1', token };
      return Promise.resolve(ok(access));
    },
  };
}

/** A client of the directory at `url` with token `tok-1` and Accept-Language `de-DE`. */
export function client(url: string, extra: Partial<DirectoryClientOptions> = {}) {
  return createDirectoryClient({
    baseUrl: url,
    tokens: scriptedTokens(['tok-1']),
    locale: 'de-DE',
    ...extra,
  });
}

export const signal = (): AbortSignal => new AbortController().signal;
