/**
 * `GET /statsz`: an operator's view of one directory process over real loopback HTTP. Its counts
 * follow what the process holds (identities, sessions, handles, renderings, connections), it needs
 * no token, and it names no player, session or token.
 */
import { afterEach, expect, it } from 'vitest';
import type { DirectoryStats, RunningDirectory } from '../../src/directory/directory-options';
import { startDirectory } from '../../src/directory/start-directory';
import { call, joinBody, player, sessionUrl } from './directory-test-client';

let directory: RunningDirectory | undefined;
afterEach(async () => {
  await directory?.close();
  directory = undefined;
});

async function statsz(url: string): Promise<{ status: number; text: string; type: string }> {
  const answer = await fetch(`${url}/statsz`);
  return {
    status: answer.status,
    text: await answer.text(),
    type: answer.headers.get('content-type') ?? '',
  };
}

it('counts what the process holds, without a token, and names no one', async () => {
  directory = await startDirectory({ port: 0, rateLimits: false });
  const empty = await statsz(directory.url);
  expect(empty.status).toBe(200);
  expect(empty.type).toBe('application/json');
  expect(JSON.parse(empty.text)).toMatchObject({
    devIdentities: 0,
    presenceConnections: 0,
    renderedSessions: 0,
    stored: { sessions: 0, handles: 0 },
  });

  const host = await player(directory.url, 'Stats Host');
  const joined = await call(directory.url, 'PUT', sessionUrl('counted'), {
    as: host,
    body: joinBody(host),
  });
  expect(joined.status).toBe(201);

  const after = await statsz(directory.url);
  const stats = JSON.parse(after.text) as DirectoryStats;
  expect(stats).toMatchObject({
    devIdentities: 1,
    renderedSessions: 1,
    stored: { sessions: 1, handles: 0 },
  });
  expect(stats.connections.open).toBeGreaterThanOrEqual(1);
  // The same numbers the embedding process reads in-process.
  expect(directory.stats()).toMatchObject({ devIdentities: 1, renderedSessions: 1 });
  for (const secret of [host.xuid, host.gamertag, host.authorization, 'counted']) {
    expect(after.text).not.toContain(secret);
  }
});

it('answers only GET and HEAD', async () => {
  directory = await startDirectory({ port: 0, rateLimits: false });
  const posted = await fetch(`${directory.url}/statsz`, { method: 'POST' });
  expect(posted.status).toBe(405);
  expect(posted.headers.get('allow')).toBe('GET, HEAD');
});
