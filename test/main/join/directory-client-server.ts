/**
 * Tiny node:http servers on loopback for the directory client's tests: each answers exactly what a
 * test needs (captured requests, chosen statuses, headers and bodies, silence), plus a scripted
 * token provider and a client with fixed headers.
 */
import type { ServerResponse } from 'node:http';
import {
  createDirectoryClient,
  type DirectoryClientOptions,
} from '../../../src/main/join/directory-client';
import type { AccessToken, TokenProvider } from '../../../src/main/join/token-provider';
import { ok } from '../../../src/shared/result';
import {
  startStubServer,
  type ReceivedRequest,
  type StubHandler,
  type StubServer,
} from '../../stub-http-server';
import { Secret } from '../../../src/main/account/secret';

export const handleId = '0f3c12ab-5d6e-4f70-8a9b-0c1d2e3f4a5b';
export const sessionLocation = '/serviceconfigs/scid-1/sessionTemplates/game/sessions/s1';

/** One request as the server saw it. */
export type Captured = ReceivedRequest;

export type Handler = StubHandler;

const servers: StubServer[] = [];

/** Closes every server started so far; each test file runs it after each test. */
export async function closeServers(): Promise<void> {
  for (const server of servers.splice(0)) await server.close();
}

/** A directory on 127.0.0.1 (port 0) that records each request and lets `handler` answer it. */
export async function serve(handler: Handler): Promise<{ url: string; requests: Captured[] }> {
  const server = await startStubServer(handler);
  servers.push(server);
  return { url: server.url, requests: server.requests };
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
      const access: AccessToken = { xuid: '2814', userHash: 'uh1', token: new Secret(token) };
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
