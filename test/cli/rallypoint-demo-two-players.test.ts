/**
 * `rallypoint demo --two-players` as a real child process, as `npm run demo -- --two-players` runs
 * it: its own local directory, Alice's `play` and `invite`, Bob's inbox and `activate --stay`, all
 * real processes. It must end on its own with exit 0 once both demo games reported the other
 * player, every player line behind its prefix, and nothing left running.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/cli-args';
import { builtPrograms, removeBuiltPrograms } from '../main/join/join-service-fixture';

const home = mkdtempSync(join(tmpdir(), 'rallypoint-two-players-'));
afterAll(() => {
  removeBuiltPrograms();
  rmSync(home, { recursive: true, force: true });
});

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [builtPrograms().cli, 'demo', '--two-players'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: home },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('rallypoint demo --two-players', () => {
  it('Alice plays and invites, Bob accepts, both games report the other; both sides prefixed', async () => {
    const { code, stdout, stderr } = await runDemo();
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const lines = stdout.split('\n');

    // Alice's side: Play, hosting, the invite sent, her game seeing Bob.
    expect(lines).toContain('A │   … starting the game');
    expect(stdout).toMatch(/^A │ {3}✔ hosting session \/serviceconfigs\/\S+$/m);
    const sent = /^A │ {3}✔ invited 2533274800000522 \(handle ([0-9a-f-]{36})\)$/m.exec(stdout);
    expect(sent).not.toBeNull();
    expect(lines).toContain('A │     game │ players in the session: Alice (host), Bob');

    // Bob's side: the same handle in his inbox, accepted, his game seeing Alice.
    expect(lines).toContain(`B │ inbox: an invite from Alice (handle ${sent?.[1] ?? ''})`);
    expect(stdout).toMatch(/^B │ {3}✔ joined Alice's session \(2\/4 players, hosted by Alice\)/m);
    expect(lines).toContain('B │     game │ players in the session: Alice (host), Bob');

    // Both stopped cleanly, the director's own lines carry no prefix.
    expect(lines).toContain('B │   ✔ left the session and closed the game');
    expect(lines).toContain('A │   ✔ the game exited');
    expect(lines).toContain('  ✔ two players, one session, both games saw each other');
    expect(lines.filter((line) => line !== '').at(-1)).toBe('  ✔ local session directory stopped');
    expect(lines.filter((line) => /^[AB] │/.test(line)).length).toBeGreaterThan(20);
  }, 180_000);

  it('is a demo option only', () => {
    expect(parseCliArgs(['demo', '--two-players'])).toMatchObject({
      ok: true,
      value: { kind: 'demo', options: { twoPlayers: true } },
    });
    expect(parseCliArgs(['activate', 'rallypoint://x', '--two-players'])).toEqual({
      ok: false,
      error: '--two-players is a demo option',
    });
  });
});
