/**
 * `rallypoint`: the launcher's command line. `activate <link>` accepts one invite headless (what
 * a studio's CI or a developer without a window uses); `demo` runs the whole flow on this machine;
 * `play` starts the game with no session and `invite` invites friends into its session.
 * Exit codes are listed in src/cli/cli-exit-codes.ts and docs/join-flow.md.
 *
 * Only argument parsing loads up front: the join flow (got, zod, xstate) is imported when a
 * command needs it, so `rallypoint help` and usage errors start as fast as Node itself.
 */
import { parseCliArgs, usage } from './cli-args';
import { exitCodes } from './cli-exit-codes';

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
      return (await import('./cli-activate')).runActivate(command.value.options, io);
    case 'demo':
      return (await import('./cli-activate')).runDemo(command.value.options, io);
    case 'invite-link':
      return (await import('./cli-invite-link')).runInviteLink(command.value.options, io);
    case 'play':
      return (await import('./cli-play')).runPlay(command.value.options, io);
    case 'invite':
      return (await import('./cli-invite')).runInvite(command.value.options, io);
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
