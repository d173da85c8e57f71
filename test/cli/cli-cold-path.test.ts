/**
 * What the command line loads on its cold paths, proven by taking code away: the built program is
 * copied outside the repository (no node_modules to fall back on), the chunks a path must not need
 * are deleted (found by the sources their source maps list), and the command still works.
 * `rallypoint help` runs without any chunk holding got, zod, xstate, the join flow or the
 * directory; `rallypoint activate --directory URL` joins without the directory's chunk. The join
 * flow (join-flow.cjs) is compiled through a V8 code cache in RALLYPOINT_CACHE_DIR: written by the
 * first run, used by the next, replaced when V8 refuses it or the bundle changes.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  builtPrograms,
  createSession,
  host,
  player,
  removeBuiltPrograms,
  testDirectory,
} from '../main/join/join-service-fixture';

const copies: string[] = [];
afterAll(() => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
  removeBuiltPrograms();
});

/** A copy of dist/cli and dist/demo-game in the temp folder; returns its cli folder. */
function copyPrograms(): string {
  const built = builtPrograms();
  const copy = mkdtempSync(join(tmpdir(), 'rallypoint-cli-'));
  copies.push(copy);
  cpSync(join(built.cli, '..'), join(copy, 'cli'), { recursive: true });
  cpSync(join(built.demoGame, '..'), join(copy, 'demo-game'), { recursive: true });
  return join(copy, 'cli');
}

/** Deletes every chunk (never the entry) whose sources match; returns the deleted files. */
function deleteChunks(cli: string, unwanted: RegExp): string[] {
  const deleted: string[] = [];
  for (const file of readdirSync(cli)) {
    if (!/\.c?js$/.test(file) || file === 'rallypoint.js') continue;
    const { sources } = JSON.parse(readFileSync(join(cli, `${file}.map`), 'utf8')) as {
      sources: string[];
    };
    if (sources.some((source) => unwanted.test(source))) {
      rmSync(join(cli, file));
      deleted.push(file);
    }
  }
  return deleted;
}

/** A fresh code cache folder in the temp folder, removed after the file. */
function cacheFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'rallypoint-cache-'));
  copies.push(folder);
  return folder;
}

function run(
  cli: string,
  args: readonly string[],
  cache = cacheFolder(),
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(cli, 'rallypoint.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RALLYPOINT_CACHE_DIR: cache },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the command line cold paths', () => {
  it('help works with got, zod, xstate, the join flow and the directory deleted', async () => {
    const cli = copyPrograms();
    const deleted = deleteChunks(
      cli,
      /node_modules\/(got|zod|xstate)\/|src\/main\/|src\/directory\/|cli-activate/,
    );
    expect(deleted.length).toBeGreaterThan(0);
    const help = await run(cli, ['help']);
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('rallypoint activate <invite-link>');
    const usage = await run(cli, ['bogus']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown command');
  });

  it('activate --directory joins with the directory deleted and no node_modules', async () => {
    const cli = copyPrograms();
    expect(deleteChunks(cli, /src\/directory\//).length).toBeGreaterThan(0);
    const directory = await testDirectory();
    try {
      const session = await createSession(directory.url);
      const me = player(811);
      const invite = await session.invite(me);
      const link = `rallypoint://inviteHandleAccept/?handle=${invite.handleId}&invitedXuid=${me.xuid}&senderXuid=${host.xuid}`;
      const activate = await run(cli, ['activate', link, '--directory', directory.url, '--json']);
      expect(activate.stderr).not.toContain('Cannot find');
      expect(activate.code, activate.stderr).toBe(0);
      expect(activate.stdout).toContain('"phase":"joined"');
    } finally {
      await directory.close();
    }
  });

  it('activate compiles the join flow through a code cache it writes, uses and replaces', async () => {
    const cli = copyPrograms();
    const cache = cacheFolder();
    const directory = await testDirectory();
    const activate = async (n: number) => {
      const session = await createSession(directory.url);
      const me = player(820 + n);
      const invite = await session.invite(me);
      const link = `rallypoint://inviteHandleAccept/?handle=${invite.handleId}&invitedXuid=${me.xuid}&senderXuid=${host.xuid}`;
      const result = await run(
        cli,
        ['activate', link, '--directory', directory.url, '--json', '--verbose'],
        cache,
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('"phase":"joined"');
      return result.stderr;
    };
    const cacheFiles = () => readdirSync(cache).filter((file) => file.endsWith('.v8cache'));
    try {
      expect(await activate(1)).toContain('log: code cache written');
      const [written] = cacheFiles();
      expect(written).toMatch(/^join-flow\.cjs-[0-9a-f]{32}-node.+\.v8cache$/);
      expect(await activate(2)).toContain('log: code cache used');

      // Data V8 refuses (another V8, a damaged file) is replaced, and the command still joins.
      writeFileSync(join(cache, written ?? ''), Buffer.alloc(4096, 7));
      expect(await activate(3)).toContain('log: code cache written');
      expect(await activate(4)).toContain('log: code cache used');

      // A rebuilt bundle (another content hash) gets its own cache; the old one is deleted.
      const bundle = join(cli, 'join-flow.cjs');
      const text = readFileSync(bundle, 'utf8');
      writeFileSync(bundle, text.replace(/sha256=[0-9a-f]{64}/, `sha256=${'ab'.repeat(32)}`));
      expect(await activate(5)).toContain('log: code cache written');
      expect(cacheFiles()).toEqual([expect.stringContaining(`-${'ab'.repeat(16)}-`)]);
      expect(existsSync(join(cache, written ?? ''))).toBe(false);
    } finally {
      await directory.close();
    }
    // Five whole activations, each a cold process: slow on a loaded machine.
  }, 180_000);
});
