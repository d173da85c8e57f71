/**
 * Play and invite end to end through the command line, two identities on one local directory on
 * 127.0.0.1:0, every program a real child process: Alice `rallypoint play` → her demo game asks the
 * launcher to host → `rallypoint invite` sends Bob an invite handle → Bob finds it with
 * `POST /handles/query` → Bob `rallypoint activate --stay` → both are members, and both demo games
 * print the other player.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { call } from '../directory/directory-test-client';
import {
  authorization,
  builtPrograms,
  removeBuiltPrograms,
  testDirectory,
} from '../main/join/join-service-fixture';

interface Program {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches. */
  shows(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

const homes: string[] = [];
const programs: Program[] = [];
let directory: RunningDirectory | undefined;
afterEach(async () => {
  for (const program of programs.splice(0)) program.child.kill('SIGKILL');
  await directory?.close();
  directory = undefined;
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});
afterAll(removeBuiltPrograms);

/** A config folder of its own per player, so their `playing.json` and sign-ins never mix. */
function home(): string {
  const folder = mkdtempSync(join(tmpdir(), 'rallypoint-play-'));
  homes.push(folder);
  return folder;
}

function rallypoint(args: readonly string[], configHome: string): Program {
  const child = spawn(process.execPath, [builtPrograms().cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: configHome },
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (text: string) => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of [...waiters]) {
      const match = waiter.pattern.exec(stdout);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match[0]);
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const program: Program = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    shows: (pattern) => {
      const match = pattern.exec(stdout);
      if (match) return Promise.resolve(match[0]);
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
  };
  programs.push(program);
  return program;
}

const alice = { xuid: '2533274800000411', gamertag: 'Alice' };
const bob = { xuid: '2533274800000422', gamertag: 'Bob' };

describe('rallypoint play + invite + activate', () => {
  it('Alice plays and hosts, invites Bob, Bob accepts: both members, both games see each other', async () => {
    directory = await testDirectory();
    const url = directory.url;
    const aliceHome = home();
    const play = rallypoint(
      [
        'play',
        '--directory',
        url,
        '--xuid',
        alice.xuid,
        '--gamertag',
        alice.gamertag,
        '--follows',
        bob.xuid,
      ],
      aliceHome,
    );
    const hosting = await play.shows(/✔ hosting session (\S+)/);
    const sessionRef = hosting.replace('✔ hosting session ', '');
    expect(play.stdout()).toContain('… starting the game');
    expect(play.stdout()).toMatch(/✔ playing \(pid \d+\)/);
    await play.shows(/game │ players in the session: Alice \(host\)/);

    // A gamertag nobody follows is refused in the player's words, with its own exit code.
    const unknown = rallypoint(['invite', 'Nobody'], aliceHome);
    expect(await unknown.exited).toBe(54);
    expect(unknown.stdout()).toContain('There’s no friend called Nobody.');

    // `invite` finds the directory, player and session of the running `play` on its own.
    const invite = rallypoint(['invite', bob.xuid, '--context', 'harbor at 8'], aliceHome);
    expect(await invite.exited).toBe(0);
    expect(invite.stdout()).toMatch(/✔ invited 2533274800000422 \(handle [0-9a-f-]{36}\)/);

    const bobAuthorization = await authorization(url, bob);
    const query = await call(url, 'POST', '/handles/query', {
      headers: { authorization: bobAuthorization },
      body: { type: 'invite' },
    });
    const results = query.json<{
      results: { id: string; senderXuid: string; inviteAttributes: { context?: string } }[];
    }>().results;
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      senderXuid: alice.xuid,
      inviteAttributes: { context: 'harbor at 8' },
    });

    const link = `rallypoint://inviteHandleAccept/?handle=${results[0]?.id ?? ''}&invitedXuid=${bob.xuid}&senderXuid=${alice.xuid}`;
    const activate = rallypoint(
      [
        'activate',
        link,
        '--directory',
        url,
        '--xuid',
        bob.xuid,
        '--gamertag',
        bob.gamertag,
        '--stay',
      ],
      home(),
    );
    await activate.shows(/✔ joined Alice's session/);
    await activate.shows(/game │ players in the session: Alice \(host\), Bob/);
    await play.shows(/game │ players in the session: Alice \(host\), Bob/);
    await play.shows(/✔ players: Alice \(host\), Bob/);

    const session = await call(url, 'GET', sessionRef, {
      headers: { authorization: await authorization(url, alice) },
    });
    const members = Object.values(
      session.json<{ members: Record<string, { constants: { system: { xuid: string } } }> }>()
        .members,
    ).map((member) => member.constants.system.xuid);
    expect(members.sort()).toEqual([alice.xuid, bob.xuid].sort());

    activate.child.kill('SIGINT');
    expect(await activate.exited).toBe(0);
    play.child.kill('SIGINT');
    expect(await play.exited).toBe(130);
    expect(play.stdout()).toContain('✔ the game exited');
  }, 120_000);
});
