/**
 * `npm run directory`: runs the local session directory until SIGINT or SIGTERM. Prints
 * `directory listening on http://HOST:PORT` once it accepts requests (and the demo invite link
 * with `--seed demo`), so scripts and tests can wait for that line. With `--workers N` this process
 * supervises N worker processes (`directory-workers.ts`) and prints the same lines.
 */
import { bindingWarnings } from './binding-policy';
import { directoryUsage, parseDirectoryArgs } from './cli-args';
import {
  isDirectoryWorker,
  printDemo,
  requestLogger,
  runDirectoryCluster,
  runDirectoryWorker,
  type ClusterOutput,
} from './directory-workers';
import { describeFaults } from './fault-injector';
import { DirectoryStartError, startDirectory } from './start-directory';

const output: ClusterOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** How long a closing directory lets requests in flight finish. */
const shutdownGraceMs = 10_000;

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
  const { options, logRequests, workers } = parsed.value;
  // Said before listening, so it is seen even when the address cannot be bound.
  for (const warning of bindingWarnings(
    options.host ?? '127.0.0.1',
    options.devIdentities?.enabled,
  )) {
    output.err(`directory: warning: ${warning}`);
  }
  if (workers !== undefined) return runDirectoryCluster(workers, options, logRequests, output);
  let directory;
  try {
    directory = await startDirectory({
      ...options,
      shutdownGraceMs,
      onRequest: logRequests ? requestLogger(output) : undefined,
      onStoreLog: (line) => output.err(`directory: ${line}`),
    });
  } catch (error) {
    const message = error instanceof DirectoryStartError ? error.message : String(error);
    process.stderr.write(`directory: ${message}\n`);
    return 1;
  }
  output.out(`directory process ${process.pid} serving ${directory.url}, store ${directory.store}`);
  output.out(`directory listening on ${directory.url}`);
  if (directory.demo) printDemo(output, directory.demo);
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
  const faults = describeFaults(running.faultLog);
  if (faults) output.out(`directory: ${faults}`);
  return 0;
}

if (isDirectoryWorker()) runDirectoryWorker(output);
else process.exitCode = await main();
