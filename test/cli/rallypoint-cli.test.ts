/**
 * The `rallypoint` command line as a real child process (the built program), against a local
 * directory this test starts: exit codes, `--json` views, the human progress text, Ctrl-C, and the
 * `demo` command that `npm run demo` runs.
 */
import { spawn } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import type { JoinView } from '../../src/shared/join-view';
import {
  builtPrograms,
  createSession,
  host,
  player,
  removeBuiltPrograms,
  testDirectory,
} from '../main/join/join-service-fixture';

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function rallypoint(
  args: readonly string[],
  options: { onStdout?: (text: string, interrupt: () => void) => void } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtPrograms().cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(stdout, () => child.kill('SIGINT'));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const jsonLines = (stdout: string): JoinView[] =>
  stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JoinView);

const linkFor = (handleId: string, invited: string, sender = host.xuid) =>
  `rallypoint://inviteHandleAccept/?handle=${handleId}&invitedXuid=${invited}&senderXuid=${sender}`;

let directory: RunningDirectory | undefined;
afterEach(async () => {
  await directory?.close();
  directory = undefined;
});
afterAll(removeBuiltPrograms);

describe('rallypoint activate', () => {
  it('--json: one view per line, ends joined, exit 0, and the session is left afterwards', async () => {
    directory = await testDirectory();
    const session = await createSession(directory.url);
    const me = player(501);
    const invite = await session.invite(me);

    const run = await rallypoint([
      'activate',
      linkFor(invite.handleId, me.xuid),
      '--directory',
      directory.url,
      '--json',
    ]);

    expect(run.code, run.stderr).toBe(0);
    const views = jsonLines(run.stdout);
    // The sender's profile lands beside the write: whenever it arrives, the view in that phase is
    // printed again with the name and picture.
    const phases = views.map((view) => view.phase);
    expect(phases.filter((phase, i) => phase !== phases[i - 1])).toEqual([
      'activating',
      'writingSession',
      'joining',
      'joined',
    ]);
    expect(views.at(-1)).toMatchObject({
      phase: 'joined',
      invite: {
        handleId: invite.handleId,
        from: host.gamertag,
        pictureUrl: `${directory.url}/people/pictures/${host.xuid}.svg`,
      },
      session: { membersCount: 2 },
    });
    // The sender is a name or nobody, never their XUID.
    expect(views.map((view) => view.invite?.from).filter((from) => from === host.xuid)).toEqual([]);
    // Game output goes to stderr in JSON mode so stdout stays parseable.
    expect(run.stderr).toContain('demo game started');
    expect(await session.memberXuids()).toEqual([host.xuid]);
  });

  it('human output names each step', async () => {
    directory = await testDirectory();
    const session = await createSession(directory.url);
    const me = player(502);
    const invite = await session.invite(me);
    const run = await rallypoint([
      'activate',
      linkFor(invite.handleId, me.xuid),
      '--directory',
      directory.url,
    ]);
    expect(run.code, run.stderr).toBe(0);
    // The first frame comes before any name is known: "a friend", never the XUID.
    expect(run.stdout).toContain('accepting the invite from a friend');
    expect(run.stdout).not.toContain(host.xuid);
    expect(run.stdout).toContain('joining the session');
    expect(run.stdout).toContain(`✔ joined ${host.gamertag}'s session (2/16 players)`);
    expect(run.stdout).toContain('game │ connecting to 127.0.0.1:30000');
    expect(run.stdout).toContain('left the session and closed the game');
  });

  it('an invalid link: exit 3 with the parser message, nothing contacted', async () => {
    const run = await rallypoint([
      'activate',
      'rallypoint://inviteHandleAccept/?handle=not-a-guid&invitedXuid=1&senderXuid=2',
      '--json',
      '--directory',
      'http://127.0.0.1:9',
    ]);
    expect(run.code).toBe(3);
    const [view] = jsonLines(run.stdout);
    expect(view).toMatchObject({
      phase: 'failed',
      attempt: 0,
      canRetry: false,
      error: { code: 'invalid-link' },
    });
    expect(view?.error?.message).not.toContain('not-a-guid');
  });

  it('an expired invite: exit 10', async () => {
    directory = await testDirectory();
    const me = player(503);
    const run = await rallypoint([
      'activate',
      linkFor('6b1d1a52-3c0e-4a8f-9b7d-2e4f6a8c0d13', me.xuid),
      '--directory',
      directory.url,
      '--json',
    ]);
    expect(run.code).toBe(10);
    expect(jsonLines(run.stdout).at(-1)?.error?.code).toBe('invite-expired');
  });

  it('signed in as someone else: exit 15 (wrong-account)', async () => {
    directory = await testDirectory();
    const session = await createSession(directory.url);
    const invited = player(504);
    const invite = await session.invite(invited);
    const run = await rallypoint([
      'activate',
      linkFor(invite.handleId, invited.xuid),
      '--directory',
      directory.url,
      '--xuid',
      player(505).xuid,
    ]);
    expect(run.code).toBe(15);
    expect(run.stdout).toContain('This invite is for a different account.');
  });

  it('a game that crashes: exit 30, and the player is not left in the session', async () => {
    directory = await testDirectory();
    const session = await createSession(directory.url);
    const me = player(506);
    const invite = await session.invite(me);
    const run = await rallypoint([
      'activate',
      linkFor(invite.handleId, me.xuid),
      '--directory',
      directory.url,
      // `=` form: the value itself starts with "--".
      '--game-args=--join {sessionRef} --connect {connection} --mode crash',
    ]);
    expect(run.code).toBe(30);
    expect(run.stdout).toContain('The game could not join the session.');
    expect(await session.memberXuids()).toEqual([host.xuid]);
  });

  it('Ctrl-C during a slow write: exit 130 and no member left behind', async () => {
    directory = await testDirectory({ faults: { latencyMs: 1500 } });
    const session = await createSession(directory.url);
    const me = player(507);
    const invite = await session.invite(me);
    let interrupted = false;
    const run = await rallypoint(
      ['activate', linkFor(invite.handleId, me.xuid), '--directory', directory.url],
      {
        onStdout: (text, interrupt) => {
          if (!interrupted && text.includes('joining the session')) {
            interrupted = true;
            interrupt();
          }
        },
      },
    );
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('Joining was cancelled.');
    expect(await session.memberXuids()).toEqual([host.xuid]);
  });

  it('--stay keeps the player in the session until Ctrl-C, then leaves and exits 0', async () => {
    directory = await testDirectory();
    const session = await createSession(directory.url);
    const me = player(508);
    const invite = await session.invite(me);
    let membersWhileStaying: string[] = [];
    let asked = false;
    const run = await rallypoint(
      ['activate', linkFor(invite.handleId, me.xuid), '--directory', directory.url, '--stay'],
      {
        onStdout: (text, interrupt) => {
          if (asked || !text.includes('staying in the session')) return;
          asked = true;
          void session.memberXuids().then((members) => {
            membersWhileStaying = members;
            interrupt();
          });
        },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(membersWhileStaying).toEqual([host.xuid, me.xuid]);
    expect(run.stdout).toContain('left the session and closed the game');
    expect(await session.memberXuids()).toEqual([host.xuid]);
  });

  it('usage errors: exit 2 with the usage text', async () => {
    const run = await rallypoint(['activate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('activate needs the invite link');
    expect(run.stderr).toContain('Usage:');
    const unknown = await rallypoint(['activate', 'x', '--frobnicate']);
    expect(unknown.code).toBe(2);
  });
});

describe('rallypoint demo (npm run demo)', () => {
  it('starts the embedded directory, signs the demo player in, joins the demo game, cleans up, exit 0', async () => {
    const run = await rallypoint(['demo']);
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout;
    const steps = [
      'local session directory running at http://127.0.0.1:',
      'RallyHost is hosting a game and invited RallyPlayer',
      'the link is valid',
      // The demo player signs in with the real device-code chain, not a development token.
      'signing RallyPlayer in with the device-code flow',
      'entered for you',
      'signed in as RallyPlayer (OAuth access token → Xbox user token → XSTS)',
      'joining the session',
      'handing the session to the game',
      'game │ demo game started',
      "✔ joined RallyHost's session (2/16 players, hosted by RallyHost)",
      'left the session and closed the game',
      'local session directory stopped',
    ];
    let position = 0;
    for (const step of steps) {
      const found = out.indexOf(step, position);
      expect(found, `"${step}" in order in:\n${out}`).toBeGreaterThanOrEqual(0);
      position = found;
    }
  });
});
