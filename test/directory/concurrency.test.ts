/**
 * Concurrent writes over real connections: seats are never oversold, indices never shared, and no
 * write is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import {
  call,
  expectSessionDocument,
  joinBody,
  player,
  scid,
  sessionUrl,
  type Player,
} from './directory-test-client';

let directory: RunningDirectory;
let players: Player[];

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false });
  players = [];
  for (let i = 0; i < 200; i += 1) players.push(await player(directory.url, `Racer ${i}`));
});

afterAll(() => directory.close());

function expectConsistent(doc: ReturnType<typeof expectSessionDocument>, seats: number): void {
  const members = Object.values(doc.members ?? {});
  expect(members).toHaveLength(seats);
  const xuids = new Set(members.map((member) => member.constants?.system?.xuid));
  expect(xuids.size).toBe(seats);
  expect(doc.membersInfo).toMatchObject({
    count: seats,
    accepted: seats,
    active: seats,
    first: 0,
    next: seats,
  });
}

describe('concurrent joins', () => {
  it('200 parallel joins into a 16-seat session: 16 members, 184 answers "full"', async () => {
    const path = sessionUrl('race-16', 'game');
    const answers = await Promise.all(
      players.map((p) => call(directory.url, 'PUT', path, { as: p, body: joinBody(p) })),
    );
    const byStatus = new Map<number, number>();
    for (const answer of answers)
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    expect(byStatus.get(201)).toBe(1);
    expect(byStatus.get(200)).toBe(15);
    expect(byStatus.get(403)).toBe(184);
    for (const answer of answers.filter((a) => a.status === 403))
      expect(answer.text).toMatch(/session is full/);
    const indices = new Set<string>();
    answers.forEach((answer, i) => {
      if (answer.status >= 300) return;
      const doc = expectSessionDocument(answer);
      const mine = Object.entries(doc.members ?? {}).find(
        ([, m]) => m.constants?.system?.xuid === players[i]?.xuid,
      );
      expect(mine, `joiner ${i} is in the session it was answered`).toBeDefined();
      indices.add(mine?.[0] ?? '');
    });
    expect(indices.size).toBe(16);
    const final = expectSessionDocument(await call(directory.url, 'GET', path, { as: players[0] }));
    expectConsistent(final, 16);
    expect(Object.keys(final.members ?? {}).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 16 }, (_, i) => String(i)),
    );
  });

  it('200 parallel joins by an activity handle into a hosted 16-seat session', async () => {
    const [host, ...rest] = players;
    if (!host) throw new Error('no players');
    const name = 'race-handle';
    expect(
      (
        await call(directory.url, 'PUT', sessionUrl(name, 'game'), {
          as: host,
          body: joinBody(host),
        })
      ).status,
    ).toBe(201);
    const handle = await call(directory.url, 'POST', '/handles', {
      as: host,
      body: { version: 1, type: 'activity', sessionRef: { scid, templateName: 'game', name } },
    });
    expect(handle.status).toBe(201);
    const id = handle.json<{ id: string }>().id;
    const answers = await Promise.all(
      rest.map((p) =>
        call(directory.url, 'PUT', `/handles/${id}/session`, { as: p, body: joinBody(p) }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(15);
    expect(answers.filter((a) => a.status === 403)).toHaveLength(184);
    expectConsistent(
      expectSessionDocument(
        await call(directory.url, 'GET', sessionUrl(name, 'game'), { as: host }),
      ),
      16,
    );
  });

  it('parallel property writes by every member are all kept', async () => {
    const path = sessionUrl('many-writers');
    const writers = players.slice(0, 60);
    for (const p of writers)
      expect(
        (await call(directory.url, 'PUT', path, { as: p, body: joinBody(p) })).status,
      ).toBeLessThan(300);
    const before = expectSessionDocument(
      await call(directory.url, 'GET', path, { as: writers[0] }),
    );
    const rounds = 3;
    const writes = writers.flatMap((p, i) =>
      Array.from({ length: rounds }, (_, round) =>
        call(directory.url, 'PUT', path, {
          as: p,
          body: {
            members: { me: { properties: { custom: { [`round${round}`]: i } } } },
            properties: { custom: { [`writer${i}r${round}`]: true } },
          },
        }),
      ),
    );
    const answers = await Promise.all(writes);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const after = expectSessionDocument(await call(directory.url, 'GET', path, { as: writers[0] }));
    expect(after.changeNumber).toBe((before.changeNumber ?? 0) + writers.length * rounds);
    expect(Object.keys(after.properties?.custom ?? {})).toHaveLength(writers.length * rounds);
    for (const [index, member] of Object.entries(after.members ?? {})) {
      expect(member.properties?.custom).toEqual({
        round0: Number(index),
        round1: Number(index),
        round2: Number(index),
      });
    }
  });
});
