/**
 * The inbox read against a directory that answers badly, over real loopback HTTP: every answer is
 * untrusted, so a wrong shape, an error status or a result that does not fit becomes a typed
 * failure or is left out, never a throw, and nothing of another player's text reaches the list
 * unfiltered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInbox } from '../../../src/main/inbox/inbox-query';
import { createDirectoryClient } from '../../../src/main/join/directory-client';
import { ok } from '../../../src/shared/result';
import { Secret } from '../../../src/main/account/secret';

const me = '2533274960000001';
const scid = '0b8f9c2e-1d3a-4e5f-8a7b-6c5d4e3f2a1b';
const now = Date.parse('2026-03-01T10:00:00Z');
/** What the stand-in directory answers to the next handle queries: status and body. */
let answer: { status: number; body: string } = { status: 200, body: '{"results":[]}' };
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function read() {
  const calls = createDirectoryClient({
    baseUrl: url,
    tokens: {
      getToken: () =>
        Promise.resolve(ok({ xuid: me, userHash: 'u', token: new Secret('secret-token-x') })),
    },
  });
  return readInbox({ calls, xuid: me, scid, now: () => now }, AbortSignal.timeout(10_000));
}

const invite = (extra: Record<string, unknown> = {}) => ({
  id: '4f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c',
  type: 'invite',
  invitedXuid: me,
  senderXuid: '2533274811111111',
  expiration: '2026-03-01T11:00:00.000Z',
  relatedInfo: { membersCount: 1, maxMembersCount: 4, postedTime: '2026-03-01T09:59:00.000Z' },
  ...extra,
});

describe('reading the inbox from an untrusted directory', () => {
  it('turns error statuses and wrong shapes into typed failures', async () => {
    const cases: [number, string, string][] = [
      [500, 'oops', 'directory-unavailable'],
      [429, '', 'rate-limited'],
      [403, 'no', 'unauthorized'],
      [200, 'not json', 'malformed-response'],
      [200, '{"results":{}}', 'malformed-response'],
      [200, '[]', 'malformed-response'],
    ];
    for (const [status, body, code] of cases) {
      answer = { status, body };
      const result = await read();
      expect(result.ok, `${status} ${body}`).toBe(false);
      if (!result.ok) {
        expect(result.error.code, `${status} ${body}`).toBe(code);
        expect(result.error.message).not.toContain('secret-token-x');
      }
    }
  });

  it('leaves out results that do not fit and strips unsafe characters from the context', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        results: [
          invite({ inviteAttributes: { context: 'Ranked\u202E duel\u0007\u200B' } }),
          invite({ id: 'not-a-guid' }),
          invite({ id: '5f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c', invitedXuid: '2533274999999999' }),
          invite({
            id: '6f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c',
            expiration: '2026-03-01T09:00:00.000Z',
          }),
          invite({ id: '7f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c', relatedInfo: { membersCount: -1 } }),
          {
            id: '8f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c',
            type: 'activity',
            ownerXuid: me,
            expiration: '2026-03-01T11:00:00.000Z',
          },
          {
            id: '9f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c',
            type: 'activity',
            ownerXuid: '2533274822222222',
            expiration: '2026-03-01T11:00:00.000Z',
            relatedInfo: { membersCount: 4, maxMembersCount: 4 },
          },
          'garbage',
          null,
        ],
      }),
    };
    const result = await read();
    expect(result).toEqual({
      ok: true,
      value: [
        {
          kind: 'invite',
          handleId: '4f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c',
          fromXuid: '2533274811111111',
          context: 'Ranked duel',
          membersCount: 1,
          maxMembersCount: 4,
          postedAt: Date.parse('2026-03-01T09:59:00.000Z'),
          expiresAt: Date.parse('2026-03-01T11:00:00.000Z'),
        },
      ],
    });
  });
});
