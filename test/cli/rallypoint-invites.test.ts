/**
 * `rallypoint invites` and `rallypoint activate --invite N` as real child processes against a
 * real local directory on loopback: the invites sent to the player and a followed player's game
 * are listed, numbered newest first (a stranger's game is not); `--json` prints one object a
 * line; `activate --invite 1` joins the newest through the same join flow as a link; a number
 * past the list or a malformed one is refused with its exit code.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/cli-exit-codes';
import { builtPrograms, removeBuiltPrograms } from '../main/join/join-service-fixture';
import { scid, startInboxScenario, type InboxScenario } from '../main/inbox/inbox-scenario';

let scene: InboxScenario;
let configHome: string;
let older = '';
let newer = '';

beforeAll(async () => {
  scene = await startInboxScenario();
  // No sign-in on this machine: the --xuid development identity is the player.
  configHome = mkdtempSync(join(tmpdir(), 'rallypoint-invites-'));
  older = (await scene.invite('Capture the flag')).handleId;
  newer = (await scene.invite('Ranked duel')).handleId;
});
afterAll(async () => {
  await scene?.close();
  rmSync(configHome, { recursive: true, force: true });
  removeBuiltPrograms();
});

function rallypoint(
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [builtPrograms().cli, ...args],
      { timeout: 60_000, env: { ...process.env, XDG_CONFIG_HOME: configHome } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const player = () => [
  '--directory',
  scene.url,
  '--xuid',
  scene.me.xuid,
  '--gamertag',
  scene.me.gamertag,
  '--follows',
  scene.friend.xuid,
  '--scid',
  scid,
];

describe('rallypoint invites', () => {
  it('lists invites and followed players’ games, numbered newest first', async () => {
    const { code, stdout, stderr } = await rallypoint(['invites', ...player()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    // The friend's game was posted first (when the scene was set), then the two invites.
    expect(lines[0]).toMatch(/^ {2}1\. TestHost invited you · "Ranked duel" · 1 of 16 players · /);
    expect(lines[0]).toContain(`(handle ${newer})`);
    expect(lines[1]).toMatch(/^ {2}2\. TestHost invited you · "Capture the flag" · /);
    expect(lines[1]).toContain(`(handle ${older})`);
    expect(lines[2]).toMatch(/^ {2}3\. FollowedFriend is playing · 1 of 8 players · /);
    expect(lines[2]).toContain(`(handle ${scene.friendActivity})`);
    expect(stdout).not.toContain(scene.strangerActivity);
  });

  it('--json prints one object a line with its index', async () => {
    const { code, stdout } = await rallypoint(['invites', ...player(), '--json']);
    expect(code).toBe(0);
    const items = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(items.map((item) => [item.index, item.handleId, item.kind])).toEqual([
      [1, newer, 'invite'],
      [2, older, 'invite'],
      [3, scene.friendActivity, 'join'],
    ]);
    expect(items[0]).toMatchObject({
      from: 'TestHost',
      context: 'Ranked duel',
      maxMembersCount: 16,
    });
    expect(items[0]?.postedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('activate --invite N joins the Nth listed invite through the join flow', async () => {
    // The game's own lines go to stderr with --json; stdout is the views.
    const { code, stdout } = await rallypoint(['activate', '--invite', '1', ...player(), '--json']);
    expect(code).toBe(exitCodes.joined);
    const views = stdout
      .trimEnd()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { phase: string; invite?: { handleId: string } });
    const joined = views.find((view) => view.phase === 'joined');
    expect(joined?.invite?.handleId).toBe(newer);
  });

  it('refuses a number past the list, and a malformed one, with their exit codes', async () => {
    const past = await rallypoint(['activate', '--invite', '9', ...player()]);
    expect(past.code).toBe(exitCodes.invalidLink);
    expect(past.stderr).toMatch(/there is no invite 9: the inbox lists 3/);
    const zero = await rallypoint(['activate', '--invite', '0', ...player()]);
    expect(zero.code).toBe(exitCodes.usage);
    const both = await rallypoint(['activate', 'rallypoint://x', '--invite', '1', ...player()]);
    expect(both.code).toBe(exitCodes.usage);
    const noDirectory = await rallypoint(['invites', '--xuid', scene.me.xuid]);
    expect(noDirectory.code).toBe(exitCodes.usage);
  });
});
