/**
 * `npm run directory`: runs the local session directory until SIGINT or SIGTERM. Prints
 * `directory listening on http://HOST:PORT` once it accepts requests (and the demo invite link
 * with `--seed demo`), so scripts and tests can wait for that line.
 */
import { bindingWarnings } from './binding-policy';
import { directoryUsage, parseDirectoryArgs } from './cli-args';
import { DirectoryStartError, startDirectory } from './start-directory';

async function main(): Promise<number> {
  const parsed = parseDirectoryArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`directory: ${parsed.error}\n\n${directoryUsage}\n`);
    return 2;
  }
  if (parsed.value.kind === 'help') {
    process.stdout.write(`${directoryUsage}\n`);
    return 0;
  }
  const { options, logRequests } = parsed.value;
  // Said before listening, so it is seen even when the address cannot be bound.
  for (const warning of bindingWarnings(
    options.host ?? '127.0.0.1',
    options.devIdentities?.enabled,
  )) {
    process.stderr.write(`directory: warning: ${warning}\n`);
  }
  let directory;
  try {
    directory = await startDirectory(
      logRequests
        ? {
            ...options,
            onRequest: (entry) =>
              process.stdout.write(
                `${entry.method} ${entry.path} -> ${entry.status} in ${entry.ms.toFixed(1)} ms${entry.xuid ? ` (xuid ${entry.xuid})` : ''}\n`,
              ),
          }
        : options,
    );
  } catch (error) {
    const message = error instanceof DirectoryStartError ? error.message : String(error);
    process.stderr.write(`directory: ${message}\n`);
    return 1;
  }
  process.stdout.write(`directory listening on ${directory.url}\n`);
  if (directory.demo) {
    const { demo } = directory;
    process.stdout.write(
      `demo session: ${demo.sessionRef.scid}/${demo.sessionRef.templateName}/${demo.sessionRef.name} hosted by ${demo.host.gamertag} (${demo.host.xuid}) at ${demo.connectionAddress}\n`,
    );
    process.stdout.write(`demo player: ${demo.player.gamertag} (${demo.player.xuid})\n`);
    process.stdout.write(`invite link: ${demo.inviteLink}\n`);
  }
  const running = directory;
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stdout.write(`directory: ${signal}, closing\n`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  const faults = running.faultLog.count();
  if (faults > 0) process.stdout.write(`directory: injected ${faults} faults\n`);
  return 0;
}

process.exitCode = await main();
