/**
 * Starts the local session directory in this process: the launcher's embedded default, the peer of
 * every integration test, and what `npm run directory` runs.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DirectoryOptions, RunningDirectory } from './directory-options';
import { DevTokenRegistry } from './dev-tokens';
import { createDirectoryListener } from './directory-http';
import { DirectoryService } from './directory-service';
import { FaultInjector } from './fault-injector';
import { MemorySessionStore } from './memory-session-store';
import { RateLimiter, mpsdRateLimits } from './rate-limiter';
import { seedDemo } from './demo-seed';
import type { SessionStore } from './session-store';
import { loadSessionTemplates } from './session-templates';

/** Default handle lifetime: an invite older than an hour is stale for a player. */
export const defaultHandleLifetimeMs = 60 * 60 * 1000;
/** Title ID given to dev tokens that name none. */
export const defaultTitleId = '1717113201';
/** Where the demo host says its game listens. */
export const defaultDemoConnectionAddress = '127.0.0.1:30000';

/** Why the directory could not start. */
export class DirectoryStartError extends Error {
  constructor(
    readonly code: 'templates' | 'listen',
    message: string,
  ) {
    super(message);
    this.name = 'DirectoryStartError';
  }
}

/**
 * Starts a directory and resolves once it listens. Rejects with `DirectoryStartError` when the
 * templates file is invalid or the address cannot be bound.
 */
export async function startDirectory(
  options: DirectoryOptions = {},
  store: SessionStore = new MemorySessionStore(),
): Promise<RunningDirectory> {
  const templates = loadSessionTemplates(options.templatesFile);
  if (!templates.ok) throw new DirectoryStartError('templates', templates.error);
  const clock = options.clock ?? { now: () => Date.now() };
  const tokens = new DevTokenRegistry();
  const faults = new FaultInjector(options.faults);
  const rateLimiter =
    options.rateLimits === false
      ? undefined
      : new RateLimiter({ ...mpsdRateLimits, ...options.rateLimits });
  const service = new DirectoryService({
    store,
    templates: templates.value,
    tokens,
    clock,
    handleLifetimeMs: options.handleLifetimeMs ?? defaultHandleLifetimeMs,
    defaultTitleId: options.defaultTitleId ?? defaultTitleId,
    strictTemplates: options.strictTemplates === true,
    log: options.onLog ?? ((message) => process.stderr.write(`directory: ${message}\n`)),
  });
  const server = createServer(
    { keepAliveTimeout: 10_000 },
    createDirectoryListener({
      service,
      tokens,
      faults,
      clock,
      rateLimiter,
      onRequest: options.onRequest,
    }),
  );
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(
        new DirectoryStartError(
          'listen',
          `cannot listen on ${host}:${options.port ?? 0}: ${error.message}`,
        ),
      );
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const demo =
    options.seed === 'demo'
      ? await seedDemo(
          service,
          tokens,
          templates.value,
          options.demoConnectionAddress ?? defaultDemoConnectionAddress,
        )
      : undefined;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    demo,
    faultLog: faults,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
