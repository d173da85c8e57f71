/**
 * The intake adapter on the real Electron binary: a cold-start link in argv, then a second launch
 * that hands its link to the first and exits. Skipped where the binary is absent (it cannot be
 * downloaded on the project machines); the same behaviour is covered on a faked app in
 * link-intake.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronOrSkip } from '../../host-tools';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const electron = electronOrSkip('the intake adapter on the real Electron binary');
const handleA = 'd7853aa1-6500-4fa8-a744-e093e77a4ba8';
const handleB = '0f3c12ab-1111-4222-8333-944455556666';
const link = (handle: string) =>
  `rallypoint://inviteHandleAccept?handle=${handle}&invitedXuid=2814616402722312&senderXuid=2814650950488554`;

/** Collects a child's JSON lines and resolves when one matches. */
function watch(child: ChildProcess) {
  const events: Record<string, unknown>[] = [];
  const waiters: { test: (event: Record<string, unknown>) => boolean; done: () => void }[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        const event = JSON.parse(line) as Record<string, unknown>;
        events.push(event);
        for (const waiter of waiters.filter((candidate) => candidate.test(event))) waiter.done();
      } catch {
        // Chromium's own output: not ours.
      }
    }
  });
  const until = (test: (event: Record<string, unknown>) => boolean) =>
    new Promise<void>((resolve) => {
      if (events.some(test)) resolve();
      else waiters.push({ test, done: resolve });
    });
  return { events, until };
}

describe.skipIf(electron === undefined)('intake on the real Electron binary', () => {
  let work: string;
  let probe: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'rallypoint-electron-intake-'));
    probe = path.join(work, 'probe.cjs');
    await build({
      entryPoints: [path.join(root, 'test/main/intake/fixtures/intake-probe-main.ts')],
      outfile: probe,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill();
    await rm(work, { recursive: true, force: true });
  });

  const launch = (linkArgument: string) => {
    const headless = process.platform === 'linux' && !process.env.DISPLAY;
    const switches = ['--no-sandbox', ...(headless ? ['--ozone-platform=headless'] : [])];
    const child = spawn(electron!, [probe, ...switches, '--', linkArgument], {
      env: { ...process.env, RALLYPOINT_PROBE_USER_DATA: path.join(work, 'user-data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return child;
  };

  it('delivers the cold-start link, then takes over a second launch', async () => {
    const first = launch(link(handleA));
    const primary = watch(first);
    await primary.until((event) => event.ready === true);
    expect(primary.events).toContainEqual({ role: 'primary' });
    await primary.until((event) => event.submit !== undefined);

    const second = launch(link(handleB));
    const secondary = watch(second);
    const exitCode = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(exitCode).toBe(0);
    // app.exit may end the process before the probe prints its role; the log line comes first.
    expect(secondary.events.map((event) => String(event.log))).toContainEqual(
      expect.stringContaining('handed over, quitting'),
    );

    await primary.until(
      (event) => (event.submit as { handleId?: string } | undefined)?.handleId === handleB,
    );
    const submitted = primary.events
      .filter((event) => event.submit !== undefined)
      .map((event) => (event.submit as { handleId: string }).handleId);
    expect(submitted).toEqual([handleA, handleB]);
    expect(primary.events).toContainEqual({ reveal: true });
  });
});
