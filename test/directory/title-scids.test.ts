/**
 * A templates file can bind service configs to titles; a token of another title then gets 403 on
 * everything that touches that SCID (sessions, handles to it, sessions by handle), as MPSD answers
 * "The requested service config cannot be accessed". SCIDs not bound stay open to every title.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import {
  call,
  joinBody,
  player,
  scid as openScid,
  sessionUrl,
  type Player,
} from './directory-test-client';

const boundScid = '7e1a2b3c-4d5e-4f60-8a1b-9c8d7e6f5a4b';
let directory: RunningDirectory;
let owner: Player;
let stranger: Player;

beforeAll(async () => {
  const shipped = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../src/directory/session-templates.json'), 'utf8'),
  ) as Record<string, unknown>;
  const file = join(mkdtempSync(join(tmpdir(), 'rp-scids-')), 'templates.json');
  writeFileSync(
    file,
    JSON.stringify({
      ...shipped,
      serviceConfigs: { [boundScid.toUpperCase()]: { titleIds: ['1111'] } },
    }),
  );
  directory = await startDirectory({ rateLimits: false, templatesFile: file });
  owner = await player(directory.url, 'Title Owner', { titleId: '1111' });
  stranger = await player(directory.url, 'Other Title', { titleId: '2222' });
});
afterAll(() => directory.close());

describe('SCIDs bound to titles', () => {
  it('refuses a token of another title with 403 on sessions, handles and sessions by handle', async () => {
    const path = sessionUrl('bound-game', 'game', boundScid);
    expect(
      (await call(directory.url, 'PUT', path, { as: stranger, body: joinBody(stranger) })).status,
    ).toBe(403);
    expect(
      (await call(directory.url, 'PUT', path, { as: owner, body: joinBody(owner) })).status,
    ).toBe(201);
    const read = await call(directory.url, 'GET', path, { as: stranger });
    expect(read.status).toBe(403);
    expect(read.text).toMatch(/service config cannot be accessed/);
    expect(
      (await call(directory.url, 'DELETE', `${path}/members/me`, { as: stranger })).status,
    ).toBe(403);

    const sessionRef = { scid: boundScid, templateName: 'game', name: 'bound-game' };
    const handle = await call(directory.url, 'POST', '/handles', {
      as: owner,
      body: { version: 1, type: 'activity', sessionRef },
    });
    expect(handle.status).toBe(201);
    const id = handle.json<{ id: string }>().id;
    expect((await call(directory.url, 'GET', `/handles/${id}`, { as: stranger })).status).toBe(403);
    expect(
      (await call(directory.url, 'GET', `/handles/${id}/session`, { as: stranger })).status,
    ).toBe(403);
    expect(
      (
        await call(directory.url, 'PUT', `/handles/${id}/session`, {
          as: stranger,
          body: joinBody(stranger),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(directory.url, 'POST', '/handles', {
          as: stranger,
          body: { version: 1, type: 'activity', sessionRef },
        })
      ).status,
    ).toBe(403);

    const colleague = await player(directory.url, 'Same Title', { titleId: '1111' });
    expect(
      (
        await call(directory.url, 'PUT', `/handles/${id}/session`, {
          as: colleague,
          body: joinBody(colleague),
        })
      ).status,
    ).toBe(200);
  });

  it('leaves SCIDs the file does not bind open to every title', async () => {
    const path = sessionUrl('open-game', 'game', openScid);
    expect(
      (await call(directory.url, 'PUT', path, { as: stranger, body: joinBody(stranger) })).status,
    ).toBe(201);
    expect(
      (await call(directory.url, 'PUT', path, { as: owner, body: joinBody(owner) })).status,
    ).toBe(200);
  });

  it('refuses a templates file whose serviceConfigs are malformed', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rp-scids-')), 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        templates: { default: {} },
        serviceConfigs: { 'not-a-guid': { titleIds: ['1'] } },
      }),
    );
    await expect(startDirectory({ templatesFile: file })).rejects.toThrow(/invalid serviceConfigs/);
  });
});
