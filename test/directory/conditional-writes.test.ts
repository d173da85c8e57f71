/**
 * XSAPI's write modes over real HTTP (mpsd-protocol.md §2.4): `If-Match: *` updates a session only
 * if it exists (UpdateExisting), `If-None-Match: *` creates it only if it does not (CreateNew), and
 * `If-Match: <etag>` writes only over the version the client read (SynchronizedUpdate). Each mode is
 * checked both ways, and a refused write must leave the session as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import {
  call,
  expectSessionDocument,
  joinBody,
  player,
  sessionUrl,
  type Player,
} from './directory-test-client';

let directory: RunningDirectory;
let url: string;
let host: Player;
let guest: Player;
let counter = 0;
const fresh = () => sessionUrl(`conditional-${++counter}`);

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false });
  url = directory.url;
  host = await player(url, 'Conditional Host');
  guest = await player(url, 'Conditional Guest');
});
afterAll(() => directory.close());

/** Creates a session with the host in it; returns its path and ETag. */
async function existing(): Promise<{ path: string; etag: string }> {
  const path = fresh();
  const created = await call(url, 'PUT', path, { as: host, body: joinBody(host) });
  expect(created.status, created.text).toBe(201);
  return { path, etag: created.headers.get('etag') ?? '' };
}

async function memberCount(path: string): Promise<number | undefined> {
  const read = await call(url, 'GET', path, { as: host });
  if (read.status === 204) return undefined;
  return expectSessionDocument(read).membersInfo.count;
}

describe('If-Match: * (update only an existing session)', () => {
  it('writes to an existing session whatever its ETag', async () => {
    const { path, etag } = await existing();
    const joined = await call(url, 'PUT', path, {
      as: guest,
      body: joinBody(guest),
      headers: { 'if-match': '*' },
    });
    expect(joined.status, joined.text).toBe(200);
    expect(expectSessionDocument(joined).membersInfo.count).toBe(2);
    expect(joined.headers.get('etag')).not.toBe(etag);
    expect(await memberCount(path)).toBe(2);
  });

  it('accepts * inside a list and with spaces around it', async () => {
    const { path } = await existing();
    const answer = await call(url, 'PUT', path, {
      as: guest,
      body: joinBody(guest),
      headers: { 'if-match': '"not-it", * ' },
    });
    expect(answer.status, answer.text).toBe(200);
  });

  it('refuses with an empty 412 when there is no session, and creates none', async () => {
    const path = fresh();
    const answer = await call(url, 'PUT', path, {
      as: host,
      body: joinBody(host),
      headers: { 'if-match': '*' },
    });
    expect(answer.status).toBe(412);
    expect(answer.text).toBe('');
    expect(await memberCount(path)).toBeUndefined();
  });
});

describe('If-None-Match: * (create only a new session)', () => {
  it('creates a session that does not exist yet', async () => {
    const path = fresh();
    const answer = await call(url, 'PUT', path, {
      as: host,
      body: joinBody(host),
      headers: { 'if-none-match': '*' },
    });
    expect(answer.status, answer.text).toBe(201);
    expect(await memberCount(path)).toBe(1);
  });

  it('refuses with 412 and the current session when it exists, which stays as it was', async () => {
    const { path, etag } = await existing();
    const answer = await call(url, 'PUT', path, {
      as: guest,
      body: joinBody(guest),
      headers: { 'if-none-match': '*' },
    });
    expect(answer.status).toBe(412);
    expect(answer.headers.get('etag')).toBe(etag);
    expect(expectSessionDocument(answer).membersInfo.count).toBe(1);
    expect(await memberCount(path)).toBe(1);
  });
});

describe('If-Match: <etag> (write over the version read)', () => {
  it('writes when the ETag is current, quoted, weak or bare, alone or in a list', async () => {
    const { path } = await existing();
    let etag = (await call(url, 'GET', path, { as: host })).headers.get('etag') ?? '';
    for (const [index, header] of [
      (tag: string) => tag,
      (tag: string) => `W/${tag}`,
      (tag: string) => tag.replace(/^"|"$/g, ''),
      (tag: string) => `"stale-1", ${tag}`,
    ].entries()) {
      const answer = await call(url, 'PUT', path, {
        as: host,
        body: { properties: { custom: { round: index } } },
        headers: { 'if-match': header(etag) },
      });
      expect(answer.status, `${header(etag)}: ${answer.text}`).toBe(200);
      const next = answer.headers.get('etag') ?? '';
      expect(next).not.toBe(etag);
      etag = next;
    }
  });

  it('refuses a stale ETag with 412 and the current session, leaving it unchanged', async () => {
    const { path, etag } = await existing();
    const moved = await call(url, 'PUT', path, {
      as: host,
      body: { properties: { custom: { moved: true } } },
    });
    expect(moved.status).toBe(200);
    const current = moved.headers.get('etag') ?? '';
    const stale = await call(url, 'PUT', path, {
      as: guest,
      body: joinBody(guest),
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe(current);
    expect(await memberCount(path)).toBe(1);
  });
});
