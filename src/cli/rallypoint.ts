/**
 * `rallypoint`: the launcher's command line. `activate <link>` accepts one invite headless (what
 * a studio's CI or a developer without a window uses); `demo` runs the whole flow on this machine;
 * `play` starts the game with no session and `invite` invites friends into its session.
 * Exit codes are listed in src/cli/cli-exit-codes.ts and docs/join-flow.md.
 *
 * Only argument parsing loads up front: the join flow (got, zod, xstate) is loaded when a
 * command needs it, so `rallypoint help` and usage errors start as fast as Node itself. The join
 * flow is the built join-flow.cjs beside this file (cli-activate.ts and what it imports), compiled
 * through a V8 code cache so `activate` does not compile it from source on every run.
 */
import { fileURLToPath } from 'node:url';
import type * as JoinFlow from './cli-activate';
import { parseCliArgs, usage } from './cli-args';
import { cliCacheFolder } from './cli-config-folder';
import { exitCodes } from './cli-exit-codes';
import { requireWithCodeCache } from './code-cache-loader';

/**
 * Runs `command` with the join flow bundle, compiled through the code cache; `--verbose` says how
 * the cache went.
 */
async function withJoinFlow(
  log: ((line: string) => void) | undefined,
  command: (flow: typeof JoinFlow) => Promise<number>,
): Promise<number> {
  const bundle = fileURLToPath(new URL('./join-flow.cjs', import.meta.url));
  const loaded = requireWithCodeCache(bundle, cliCacheFolder());
  log?.(`log: code cache ${loaded.cache}${loaded.reason ? `: ${loaded.reason}` : ''}`);
  try {
    // The build makes join-flow.cjs from cli-activate.ts, so its exports are that module's.
    return await command(loaded.exports as typeof JoinFlow);
  } finally {
    loaded.finish();
  }
}

async function main(): Promise<number> {
  const command = parseCliArgs(process.argv.slice(2));
  if (!command.ok) {
    process.stderr.write(`rallypoint: ${command.error}\n\n${usage}\n`);
    return exitCodes.usage;
  }
  const io = {
    out: (line: string) => process.stdout.write(`${line}\n`),
    err: (line: string) => process.stderr.write(`${line}\n`),
  };
  switch (command.value.kind) {
    case 'help':
      io.out(usage);
      return exitCodes.joined;
    case 'activate':
    case 'demo': {
      if (command.value.kind === 'demo' && command.value.options.twoPlayers) {
        // Both players are this command line as child processes; this one only directs them.
        return (await import('./cli-demo-two-players')).runTwoPlayerDemo(command.value.options, io);
      }
      const { kind, options } = command.value;
      return withJoinFlow(options.verbose ? io.err : undefined, (flow) =>
        kind === 'activate' ? flow.runActivate(options, io) : flow.runDemo(options, io),
      );
    }
    case 'invite-link':
      return (await import('./cli-invite-link')).runInviteLink(command.value.options, io);
    case 'play':
      return (await import('./cli-play')).runPlay(command.value.options, io);
    case 'invite':
      return (await import('./cli-invite')).runInvite(command.value.options, io);
    case 'invites':
      return (await import('./cli-invites')).runInvites(command.value.options, io);
    case 'account': {
      // Loaded on demand: the join commands never pay for OAuth.
      const account = await import('./cli-sign-in');
      const run = {
        'sign-in': account.runSignIn,
        'sign-out': account.runSignOut,
        whoami: account.runWhoami,
      };
      return run[command.value.command](command.value.options, io);
    }
  }
}

let code: number;
try {
  code = await main();
} catch (error) {
  process.stderr.write(`rallypoint: unexpected error: ${String(error)}\n`);
  code = exitCodes.internalError;
}
process.exitCode = code;
// Idle keep-alive sockets to a remote directory must not hold the process open.
setTimeout(() => process.exit(code), 1000).unref();
