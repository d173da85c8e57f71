/**
 * `npm run directory -- --workers N`: N directory processes sharing one port (node:cluster; the
 * primary accepts connections and hands them out in turn) and one shared store. The primary serves
 * nothing itself: it starts the embedded PostgreSQL server if asked, runs the migrations once,
 * forks the workers, restarts one that dies, and on SIGINT/SIGTERM asks each to close gracefully
 * before it stops the database. Workers get their configuration (the store URL with its password)
 * by IPC, never by argv or environment, so it shows in no process listing.
 */
import cluster, { type Worker } from 'node:cluster';
import type { DemoSeedResult, DirectoryOptions } from './directory-options';
import { describeFaults } from './fault-injector';
import { createPool } from './store/directory-backend';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresServer,
} from './store/embedded-postgres-server';
import { migrate } from './store/postgres-migrations';
import { parseStoreSpec } from './store/store-spec';
import { DirectoryStartError, startDirectory } from './start-directory';

/** How long a closing worker lets requests in flight finish. */
const workerShutdownGraceMs = 10_000;

/** What a worker is told to run: JSON-safe directory options plus its place in the cluster. */
interface WorkerConfig {
  readonly kind: 'config';
  readonly number: number;
  readonly options: DirectoryOptions;
  readonly logRequests: boolean;
}

/** Messages a worker sends the primary. */
type WorkerReport =
  /** Sent once the worker listens for messages: a message sent before that would be lost. */
  | { readonly kind: 'waiting' }
  | { readonly kind: 'listening'; readonly url: string; readonly demo?: DemoSeedResult }
  | { readonly kind: 'failed'; readonly message: string };

/** Output of the cluster, so the command line and tests see one stream of lines. */
export interface ClusterOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Prints the demo lines `npm run directory -- --seed demo` promises. */
export function printDemo(output: ClusterOutput, demo: DemoSeedResult): void {
  output.out(
    `demo session: ${demo.sessionRef.scid}/${demo.sessionRef.templateName}/${demo.sessionRef.name} hosted by ${demo.host.gamertag} (${demo.host.xuid}) at ${demo.connectionAddress}`,
  );
  output.out(`demo player: ${demo.player.gamertag} (${demo.player.xuid})`);
  output.out(`invite link: ${demo.inviteLink}`);
}

/** Prints each finished request, for `--log-requests`. */
export function requestLogger(output: ClusterOutput): DirectoryOptions['onRequest'] {
  return (entry) =>
    output.out(
      `${entry.method} ${entry.path} -> ${entry.status} in ${entry.ms.toFixed(1)} ms${entry.xuid ? ` (xuid ${entry.xuid})` : ''}`,
    );
}

/**
 * Runs the primary until SIGINT or SIGTERM; resolves with the exit code. `options.store` must name
 * a shared store when `workers` is more than one (the command line checks it).
 */
export async function runDirectoryCluster(
  workers: number,
  options: DirectoryOptions,
  logRequests: boolean,
  output: ClusterOutput,
): Promise<number> {
  const spec = parseStoreSpec(options.store ?? 'memory');
  if (!spec.ok) {
    output.err(`directory: ${spec.error}`);
    return 2;
  }
  let embedded: EmbeddedPostgresServer | undefined;
  let storeUrl = options.store ?? 'memory';
  try {
    if (spec.value.kind === 'embedded-postgres') {
      embedded = await startEmbeddedPostgres({
        dataDir: spec.value.dataDir,
        log: (line) => output.out(`directory: ${line}`),
      });
      storeUrl = embedded.url;
    }
    if (spec.value.kind !== 'memory') {
      // Once here rather than racing in every worker (the advisory lock would sort that out too).
      const pool = createPool(storeUrl, 1, (line) => output.err(`directory: ${line}`));
      try {
        const report = await migrate(pool, undefined, {
          advisoryLock: options.storeFeatures?.advisoryLocks ?? true,
          log: (line) => output.out(`directory: ${line}`),
        });
        output.out(`directory: postgres schema at version ${report.current}`);
      } finally {
        await pool.end();
      }
    }
  } catch (error) {
    await embedded?.stop().catch(() => undefined);
    output.err(`directory: cannot open the store: ${String((error as Error)?.message ?? error)}`);
    return 1;
  }

  // The kernel hands connections to the workers (each accepts on the shared socket) rather than
  // the primary round-robin: a connection the primary had handed to a worker that then died before
  // accepting it stayed open and was never answered (seen with SIGKILL during joins), where the
  // kernel's way closes a dead worker's connections and the others accept the rest.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const { clock: _clock, onRequest: _onRequest, onStoreLog: _onStoreLog, ...plain } = options;
  let shuttingDown = false;
  // Every worker listens with the same arguments: node:cluster shares one listening socket per
  // (address, port) as asked, so with port 0 all workers (and restarted ones) get the same port.
  const port = options.port ?? 0;
  const live = new Map<number, Worker>();
  const restarts: number[] = [];
  let fatal: ((code: number) => void) | undefined;
  const failed = new Promise<number>((resolve) => (fatal = resolve));

  /** Forks worker `number`; resolves once it listens (or rejects with its start error). */
  const fork = (number: number, seed: boolean) =>
    new Promise<{ url: string; demo?: DemoSeedResult }>((resolve, reject) => {
      const worker = cluster.fork({ RALLYPOINT_DIRECTORY_WORKER: String(number) });
      live.set(number, worker);
      const config: WorkerConfig = {
        kind: 'config',
        number,
        logRequests,
        options: {
          ...plain,
          port,
          store: storeUrl,
          seed: seed ? options.seed : undefined,
          // Each worker draws its own fault sequence (seed + number - 1): with one seed for all,
          // every worker would fault the same request of its sequence.
          faults: plain.faults && { ...plain.faults, seed: (plain.faults.seed ?? 1) + number - 1 },
          shutdownGraceMs: workerShutdownGraceMs,
        },
      };
      worker.on('message', (report: WorkerReport) => {
        if (report.kind === 'waiting') worker.send(config);
        else if (report.kind === 'listening') resolve(report);
        else reject(new Error(report.message));
      });
      worker.once('exit', (code, signal) => {
        reject(new Error(`worker ${number} exited before listening (${signal ?? code})`));
        if (live.get(number) !== worker) return;
        live.delete(number);
        if (shuttingDown) return;
        const now = Date.now();
        restarts.push(now);
        while (restarts.length > 0 && (restarts[0] ?? 0) < now - 10_000) restarts.shift();
        if (restarts.length > 10) {
          output.err('directory: workers keep dying (more than 10 restarts in 10 s); stopping');
          fatal?.(1);
          return;
        }
        output.err(
          `directory: worker ${number} (pid ${worker.process.pid}) died (${signal ?? `exit ${code}`}); restarting it`,
        );
        fork(number, false).catch((error: unknown) =>
          output.err(`directory: worker ${number} did not restart: ${String(error)}`),
        );
      });
    });

  let url: string;
  let demo: DemoSeedResult | undefined;
  try {
    // The first worker alone seeds the demo session; the others start once it listens.
    const first = await fork(1, true);
    url = first.url;
    demo = first.demo;
    await Promise.all(Array.from({ length: workers - 1 }, (_, i) => fork(i + 2, false)));
  } catch (error) {
    shuttingDown = true;
    output.err(`directory: ${String((error as Error)?.message ?? error)}`);
    await stopWorkers(live);
    await embedded?.stop().catch(() => undefined);
    return 1;
  }
  output.out(`directory listening on ${url}`);
  if (demo) printDemo(output, demo);

  const code = await Promise.race([
    failed,
    new Promise<number>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        output.out(`directory: ${signal}, closing ${live.size} workers`);
        resolve(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }),
  ]);
  shuttingDown = true;
  await stopWorkers(live);
  await embedded?.stop().catch(() => undefined);
  return code;
}

/** Asks every worker to close gracefully; kills those still running after the grace period. */
async function stopWorkers(live: Map<number, Worker>): Promise<void> {
  const exits = [...live.values()].map(
    (worker) =>
      new Promise<void>((resolve) => {
        if (worker.isDead()) return resolve();
        const kill = setTimeout(
          () => worker.process.kill('SIGKILL'),
          workerShutdownGraceMs + 5_000,
        );
        worker.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        if (worker.isConnected()) worker.send({ kind: 'shutdown' });
        else worker.process.kill('SIGTERM');
      }),
  );
  await Promise.all(exits);
  live.clear();
}

/**
 * A worker's life: wait for the configuration, start the directory, report, and close gracefully
 * when the primary says so or goes away. SIGINT and SIGTERM are the primary's to handle (a
 * terminal's Ctrl-C reaches every process of the group).
 */
export function runDirectoryWorker(output: ClusterOutput): void {
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  let close: (() => Promise<void>) | undefined;
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await close?.().catch(() => undefined);
    process.exit(0);
  };
  process.on('disconnect', () => void shutdown());
  process.on('message', (message: WorkerConfig | { kind: 'shutdown' }) => {
    if (message.kind === 'shutdown') return void shutdown();
    if (message.kind !== 'config' || close) return;
    const { number, logRequests } = message;
    startDirectory({
      ...message.options,
      onRequest: logRequests ? requestLogger(output) : undefined,
      onStoreLog: (line) => output.err(`directory worker ${number}: ${line}`),
    }).then(
      (running) => {
        close = async () => {
          await running.close();
          const faults = describeFaults(running.faultLog);
          if (faults) output.out(`directory worker ${number}: ${faults}`);
        };
        output.out(
          `directory worker ${number} (pid ${process.pid}) serving ${running.url}, store ${running.store}`,
        );
        const report: WorkerReport = { kind: 'listening', url: running.url, demo: running.demo };
        process.send?.(report);
        if (closing) void close?.();
      },
      (error: unknown) => {
        const text =
          error instanceof DirectoryStartError ? error.message : String((error as Error)?.message);
        const report: WorkerReport = { kind: 'failed', message: text };
        process.send?.(report, undefined, {}, () => process.exit(1));
      },
    );
  });
  const waiting: WorkerReport = { kind: 'waiting' };
  process.send?.(waiting);
}

/** Whether this process is a worker of `runDirectoryCluster`. */
export const isDirectoryWorker = (): boolean => cluster.isWorker;
