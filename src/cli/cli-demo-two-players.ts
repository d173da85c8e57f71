/**
 * `rallypoint demo --two-players`: the whole Play-and-invite loop on one machine, both sides in
 * one terminal. It starts the local directory in-process, then runs this same command line as
 * child processes, one per player, exactly as two players would: Alice `rallypoint play` (her demo
 * game asks the launcher to host a session), Alice `rallypoint invite` (Bob), Bob's inbox
 * (`POST /handles/query` with his own token), Bob `rallypoint activate <link> --stay`. It ends once
 * both demo games report the other player, stopping both sides as Ctrl-C would. Every line of a
 * player is printed behind that player's prefix (`A │`, `B │`); the director's own lines have none.
 * Exit 0 when both games saw each other, 1 when a step failed, 130 after Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as z from 'zod';
import type { RunningDirectory } from '../directory/directory-options';
import { createDirectoryClient } from '../main/join/directory-client';
import { createDevTokenProvider } from '../main/join/token-provider';
import { inviteAppLink } from '../shared/invite-share-links';
import type { CliIo } from './cli-io';
import type { ActivateOptions } from './cli-args';
import { exitCodes, joinErrorExitCodes } from './cli-exit-codes';

/** The two demo players: development identities the local directory issues tokens for. */
export const demoPlayers = {
  alice: { xuid: '2533274800000511', gamertag: 'Alice' },
  bob: { xuid: '2533274800000522', gamertag: 'Bob' },
} as const;

/** How long one step may take on a busy machine before the demo gives up and says which. */
const stepBudgetMs = 90_000;

/** A step that did not happen: the demo says which, then stops both sides. */
class DemoStepFailed extends Error {}

/** One command line run as a child process, its lines printed behind its player's prefix. */
interface PlayerCommand {
  /** Resolves with the first captured group (or the whole match) once a line matches. */
  shows(pattern: RegExp, step: string): Promise<string>;
  readonly exited: Promise<number | null>;
  /** Asks it to stop as Ctrl-C would (it leaves its session, its game quits). */
  interrupt(): void;
  readonly child: ChildProcess;
}

function runCommand(
  io: CliIo,
  prefix: string,
  args: readonly string[],
  configHome: string,
  stopped: AbortSignal,
): PlayerCommand {
  const entry = process.argv[1] ?? '';
  const child = spawn(process.execPath, [entry, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Each player's sign-in and `playing.json` live in a folder of their own.
    env: { ...process.env, XDG_CONFIG_HOME: configHome, APPDATA: configHome },
  });
  const lines: string[] = [];
  const waiters = new Set<(line: string) => void>();
  const read = (stream: NodeJS.ReadableStream | null) => {
    if (!stream) return;
    createInterface({ input: stream }).on('line', (line) => {
      io.out(`${prefix} │ ${line}`);
      lines.push(line);
      for (const waiter of [...waiters]) waiter(line);
    });
  };
  read(child.stdout);
  read(child.stderr);
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (code, signal) => resolve(signal === null ? code : null));
  });
  return {
    child,
    exited,
    interrupt: () => void child.kill('SIGINT'),
    shows(pattern, step) {
      const pick = (match: RegExpExecArray) => match[1] ?? match[0];
      for (const line of lines) {
        const match = pattern.exec(line);
        if (match) return Promise.resolve(pick(match));
      }
      return new Promise((resolve, reject) => {
        const done = (outcome: () => void) => {
          waiters.delete(waiter);
          clearTimeout(timer);
          stopped.removeEventListener('abort', onStop);
          outcome();
        };
        const waiter = (line: string) => {
          const match = pattern.exec(line);
          if (match) done(() => resolve(pick(match)));
        };
        const onStop = () => done(() => reject(new DemoStepFailed(`stopped before ${step}`)));
        const timer = setTimeout(
          () => done(() => reject(new DemoStepFailed(`${step}: nothing after 90 s`))),
          stepBudgetMs,
        );
        waiters.add(waiter);
        stopped.addEventListener('abort', onStop, { once: true });
        void exited.then(() =>
          done(() => reject(new DemoStepFailed(`${step}: ${prefix}'s command ended first`))),
        );
      });
    },
  };
}

const inviteQueryAnswer = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      senderXuid: z.string(),
      inviteAttributes: z.object({ context: z.string().optional() }).optional(),
    }),
  ),
});

/** Bob's inbox: the invites the directory holds for him, read with his own token. */
async function bobsInvite(
  directoryUrl: string,
  signal: AbortSignal,
): Promise<{ handleId: string; senderXuid: string; context?: string }> {
  const { bob } = demoPlayers;
  const calls = createDirectoryClient({
    baseUrl: directoryUrl,
    tokens: createDevTokenProvider({ baseUrl: directoryUrl, ...bob }),
  });
  const answer = await calls.call('POST', '/handles/query', { type: 'invite' }, { signal });
  if (!answer.ok) throw new DemoStepFailed(`Bob's inbox: ${answer.error.message}`);
  if (answer.value.status !== 200)
    throw new DemoStepFailed(`Bob's inbox: the directory answered ${answer.value.status}`);
  const parsed = inviteQueryAnswer.safeParse(JSON.parse(answer.value.text));
  const invite = parsed.success
    ? parsed.data.results.find((result) => result.senderXuid === demoPlayers.alice.xuid)
    : undefined;
  if (!invite) throw new DemoStepFailed("Bob's inbox holds no invite from Alice");
  const context = invite.inviteAttributes?.context;
  return {
    handleId: invite.id,
    senderXuid: invite.senderXuid,
    ...(context === undefined ? {} : { context }),
  };
}

/** `rallypoint demo --two-players`. */
export async function runTwoPlayerDemo(options: ActivateOptions, io: CliIo): Promise<number> {
  const { alice, bob } = demoPlayers;
  io.out('Rallypoint two-player demo: Alice plays and invites Bob, Bob accepts, both games');
  io.out('see each other. Alice’s lines start with “A │”, Bob’s with “B │”.');
  io.out('');
  let directory: RunningDirectory;
  try {
    const { startDirectory } = await import('../directory/start-directory');
    directory = await startDirectory({ port: 0 });
  } catch (error) {
    io.err(`demo: could not start the local directory: ${String(error)}`);
    return exitCodes.directoryStart;
  }
  const url = directory.url;
  io.out(`  ✔ local session directory running at ${url}`);
  const homes = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'rallypoint-demo-player-')));
  const [aliceHome = '', bobHome = ''] = homes;
  const stop = new AbortController();
  const commands: PlayerCommand[] = [];
  const start = (prefix: 'A' | 'B', args: readonly string[], home: string) => {
    const command = runCommand(
      io,
      prefix,
      [...args, ...(options.verbose ? ['--verbose'] : [])],
      home,
      stop.signal,
    );
    commands.push(command);
    return command;
  };
  const identity = (who: { xuid: string; gamertag: string }) => [
    '--directory',
    url,
    '--xuid',
    who.xuid,
    '--gamertag',
    who.gamertag,
  ];
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    io.out(`  … Alice (${alice.xuid}) presses Play`);
    const play = start('A', ['play', ...identity(alice), '--follows', bob.xuid], aliceHome);
    const sessionRef = await play.shows(/✔ hosting session (\S+)/, 'Alice’s game hosting');
    io.out(`  ✔ Alice’s demo game hosts ${sessionRef}`);

    io.out(`  … Alice invites Bob (${bob.xuid})`);
    const invite = start(
      'A',
      [
        'invite',
        bob.xuid,
        ...identity(alice),
        '--follows',
        bob.xuid,
        '--session',
        sessionRef,
        '--context',
        'two-player demo',
      ],
      aliceHome,
    );
    const invited = await invite.exited;
    if (invited !== 0) throw new DemoStepFailed(`Alice’s invite failed (exit ${String(invited)})`);

    const found = await bobsInvite(
      url,
      AbortSignal.any([stop.signal, AbortSignal.timeout(30_000)]),
    );
    io.out(`B │ inbox: an invite from Alice (handle ${found.handleId})`);
    const link = inviteAppLink({
      handleId: found.handleId,
      invitedXuid: bob.xuid,
      senderXuid: found.senderXuid,
      ...(found.context === undefined ? {} : { context: found.context }),
    });
    if (!link.ok) throw new DemoStepFailed(`the invite link could not be made: ${link.error}`);

    io.out('  … Bob accepts the invite');
    const activate = start('B', ['activate', link.value, ...identity(bob), '--stay'], bobHome);
    const bothSeen = /game │ players in the session: (.*\bAlice\b.*\bBob\b.*)$/;
    const [seenByBob, seenByAlice] = await Promise.all([
      activate.shows(bothSeen, 'Bob’s game seeing Alice'),
      play.shows(bothSeen, 'Alice’s game seeing Bob'),
    ]);
    io.out(`  ✔ Alice’s game reports: ${seenByAlice}`);
    io.out(`  ✔ Bob’s game reports: ${seenByBob}`);

    io.out('  … both players quit (Bob leaves the session, then Alice stops playing)');
    activate.interrupt();
    const bobExit = await activate.exited;
    play.interrupt();
    const aliceExit = await play.exited;
    if (bobExit !== exitCodes.joined || aliceExit !== joinErrorExitCodes.cancelled) {
      throw new DemoStepFailed(
        `the players did not stop cleanly (Bob ${String(bobExit)}, Alice ${String(aliceExit)})`,
      );
    }
    io.out('  ✔ two players, one session, both games saw each other');
    return exitCodes.joined;
  } catch (error) {
    if (interrupted) {
      io.err('demo: stopped (Ctrl-C)');
    } else {
      io.err(`demo: ${error instanceof DemoStepFailed ? error.message : String(error)}`);
    }
    return interrupted ? joinErrorExitCodes.cancelled : exitCodes.internalError;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stop.abort();
    // Whatever still runs is asked to stop as Ctrl-C would, and awaited before the directory goes.
    for (const command of commands) {
      if (command.child.exitCode === null && command.child.signalCode === null) command.interrupt();
    }
    await Promise.all(commands.map((command) => command.exited));
    await directory.close();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
    io.out('  ✔ local session directory stopped');
  }
}
