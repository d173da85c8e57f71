/**
 * A game that never started must not be signalled: Node gives a child whose start failed no pid,
 * reports the failure only on the next tick, and a `kill` before then signals a pid it never set:
 * 0 in a fresh process, that is the caller's whole process group, the launcher itself. (In a
 * process that has allocated more, such as a test worker, it is whatever that memory held, which is
 * why this runs in a fresh one.) The program is bundled with esbuild and run by plain Node in a
 * process group of its own, so that if the rule breaks only it dies.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, expect, it } from 'vitest';

const scratch = mkdtempSync(join(tmpdir(), 'rallypoint-never-started-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it(
  'killing or quitting a game that never started signals nothing',
  { timeout: 30_000 },
  async () => {
    const program = join(scratch, 'quit-game-never-started.mjs');
    buildSync({
      entryPoints: [join(import.meta.dirname, 'programs/quit-game-never-started.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: program,
      logLevel: 'error',
    });
    const child = spawn(process.execPath, [program], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(JSON.parse(stdout)).toEqual({
      exit: { code: null, signal: null, startError: 'ENOENT' },
      quit: true,
    });
  },
);
