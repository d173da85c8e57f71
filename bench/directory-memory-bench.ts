/**
 * What the directory keeps in its heap for each player who joined: the part of a join that every
 * young-generation garbage collection copies while it stops the directory, so the part that sets
 * the join workload's p99 (docs/benchmarks.md). Runs the directory in this process, joins players
 * into 16-seat sessions through activity handles as `directory-bench` does, and compares two heap
 * snapshots taken after a full collection: one halfway through the joins and one at the end. The
 * difference, divided by the players who joined in between, is what each one keeps, by kind of
 * heap object. The baseline is the member's own JSON in the session document the directory
 * answers: the ratio says how many bytes of heap a member costs per byte of its data.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startDirectory } from '../src/directory/start-directory';
import { contract, hostSession, joinBody, joinPath, scid, seats, tokens } from './directory-bench';

/** Longer than Node's 5 s keep-alive timeout, which the directory keeps. */
const idleConnectionsClosedMs = 6_000;

/** A full collection on demand, without starting node with `--expose-gc`. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

interface HeapCount {
  count: number;
  bytes: number;
}

/** Heap objects by kind (V8's node type; objects also by constructor name), with their own sizes. */
function countHeap(file: string): Map<string, HeapCount> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const counts = new Map<string, HeapCount>();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt] ?? 0] ?? '?';
    const kind = type === 'object' ? `object ${strings[nodes[i + nameAt] ?? 0] ?? ''}` : type;
    const entry = counts.get(kind) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += nodes[i + sizeAt] ?? 0;
    counts.set(kind, entry);
  }
  return counts;
}

/**
 * Joins players `from` to `to` into their sessions through the sessions' handles, one at a time
 * over one kept-alive connection. Through `node:http` rather than `fetch`: the heap is shared with
 * the directory, and fetch leaves weak references and timers behind that a snapshot would count.
 */
async function joinAll(
  url: string,
  handles: readonly string[],
  joiners: ReadonlyArray<{ xuid: string; authorization: string }>,
  range: { from: number; to: number },
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let k = range.from; k < range.to; k += 1) {
      const joiner = joiners[k];
      if (!joiner) throw new Error('missing joiner');
      const body = joinBody(joiner.xuid);
      const status = await new Promise<number>((resolve, reject) => {
        const call = request(
          `${url}${joinPath(handles, k)}`,
          {
            method: 'PUT',
            agent,
            headers: { ...contract, authorization: joiner.authorization },
          },
          (answer) => {
            answer.resume();
            answer.on('end', () => resolve(answer.statusCode ?? 0));
          },
        );
        call.on('error', reject);
        call.end(body);
      });
      if (status !== 200 && status !== 201) throw new Error(`join ${k}: ${status}`);
    }
  } finally {
    agent.destroy();
  }
}

/** A full collection, then another once finalization callbacks queued by the first have run. */
async function settleHeap(gc: () => void): Promise<void> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
}

export default async function directoryMemoryBench(): Promise<void> {
  const gc = collector();
  // Whole sessions in each half, so both halves fill sessions the same way.
  const sessionsPerHalf = Math.ceil(Number(process.env.BENCH_MEMORY_JOINS ?? 6_000) / (seats - 1));
  const perHalf = sessionsPerHalf * (seats - 1);
  const folder = mkdtempSync(join(tmpdir(), 'rallypoint-heap-'));
  const directory = await startDirectory({
    port: 0,
    rateLimits: false,
    devIdentities: { max: 1_000_000 },
  });
  try {
    const { url } = directory;
    const hosts = await tokens(url, 2 * sessionsPerHalf, '25330');
    const joiners = await tokens(url, 2 * perHalf, '25331');
    // Minting opens a hundred connections at once; let the directory close the idle ones before
    // the first snapshot, so their teardown is not counted against the players.
    await new Promise((resolve) => setTimeout(resolve, idleConnectionsClosedMs));
    const handles: string[] = [];
    for (const [s, host] of hosts.entries())
      handles.push(await hostSession(url, host, `memory-${s}`));
    // The first half also warms up the code, so the second adds only what the players keep.
    await joinAll(url, handles, joiners, { from: 0, to: perHalf });
    await settleHeap(gc);
    const before = countHeap(writeHeapSnapshot(join(folder, 'half.heapsnapshot')));
    await joinAll(url, handles, joiners, { from: perHalf, to: 2 * perHalf });
    await settleHeap(gc);
    const after = countHeap(writeHeapSnapshot(join(folder, 'end.heapsnapshot')));

    const rows: Array<{ kind: string; count: number; bytes: number }> = [];
    for (const kind of new Set([...before.keys(), ...after.keys()])) {
      const then = before.get(kind) ?? { count: 0, bytes: 0 };
      const now = after.get(kind) ?? { count: 0, bytes: 0 };
      rows.push({
        kind,
        count: (now.count - then.count) / perHalf,
        bytes: (now.bytes - then.bytes) / perHalf,
      });
    }
    const kept = rows.reduce((sum, row) => sum + row.bytes, 0);
    const objects = rows.reduce((sum, row) => sum + row.count, 0);

    // The baseline: one full session's members as the directory renders them.
    const document = (await (
      await fetch(`${url}/serviceconfigs/${scid}/sessionTemplates/game/sessions/memory-0`, {
        headers: { ...contract, authorization: hosts[0]?.authorization ?? '' },
      })
    ).json()) as { members: Record<string, unknown> };
    const members = Object.values(document.members);
    const memberJsonBytes =
      members.reduce<number>((sum, member) => sum + Buffer.byteLength(JSON.stringify(member)), 0) /
      members.length;

    console.log(`directory memory: ${perHalf} players joined between two heap snapshots`);
    for (const row of rows
      .filter((r) => Math.abs(r.bytes) >= 8 || Math.abs(r.count) >= 0.2)
      .sort((a, b) => b.bytes - a.bytes)) {
      console.log(
        `  ${row.kind.padEnd(36)} ${row.count.toFixed(2).padStart(6)} per player ${row.bytes.toFixed(0).padStart(6)} B`,
      );
    }
    console.log(
      `kept per joined player: ${kept.toFixed(0)} B in ${objects.toFixed(1)} heap objects : ` +
        `the member's JSON in the session document, ${memberJsonBytes.toFixed(0)} B: ` +
        `ratio ${(kept / memberJsonBytes).toFixed(2)}`,
    );
  } finally {
    await directory.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
