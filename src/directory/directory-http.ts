/**
 * The directory's HTTP front: the Host and Origin checks, routing, fault injection,
 * authentication, the contract-version check, rate limits, the body's content type and its
 * parsing, in that order, then the title check and one call into `DirectoryService`. Plain
 * `node:http` keeps the per-request cost close to a bare server (see bench/directory-bench.ts); zod
 * does the schema validation a framework would otherwise bring.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { andThen, isPending, type Awaitable } from './awaitable';
import type { Clock } from './clock';
import type { RequestLogEntry } from './directory-options';
import type { ConnectionGuard } from './connection-guard';
import type { DevTokenDesk } from './dev-token-desk';
import type { CallerIdentity, DevTokenRegistry } from './dev-tokens';
import type { DirectoryAnswer } from './directory-answer';
import type { DirectoryService, WriteOptions } from './directory-service';
import type { FaultDecision, FaultInjector } from './fault-injector';
import { matchRoute, type Route } from './http-routes';
import type { PresenceHub } from './presence-hub';
import type { RateLimitGate } from './rate-limit-gate';
import type { RateLimitExceeded } from './rate-limiter';
import { jsonText } from './json-numbers';
import { readJsonBody } from './request-body';
import type { RequestGuard } from './request-guard';
import type { ServiceConfigAccess } from './service-config-access';
import { sessionKey, sessionPath } from './session-record';

export interface DirectoryHttpDeps {
  readonly service: DirectoryService;
  readonly tokens: DevTokenRegistry;
  /** In memory (answers at once) or shared by several processes (answers by promise). */
  readonly rateLimiter?: RateLimitGate;
  readonly faults: FaultInjector;
  readonly clock: Clock;
  /** Host, Origin and Content-Type rules (request-guard.ts). */
  readonly requestGuard: RequestGuard;
  /** `POST /dev/tokens`, bounded (dev-token-desk.ts). */
  readonly devTokens: DevTokenDesk;
  /** Which titles may use which SCIDs. */
  readonly serviceConfigs: ServiceConfigAccess;
  /** The connection cap; told when a request is being served and when it was answered. */
  readonly connections?: ConnectionGuard;
  /** Presence connections, to track members written with one of their connection ids. */
  readonly presence?: PresenceHub;
  /** Called once per finished request; never given tokens, bodies or query strings. */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /** The web invite page (src/directory/invite-page); answers `/invite/…` before anything else. */
  readonly invitePage?: {
    handle(request: IncomingMessage, response: ServerResponse, pathname: string): boolean;
  };
  /** The identity and people services (src/directory/identity); answers their paths first. */
  readonly identity?: {
    handle(request: IncomingMessage, response: ServerResponse, pathname: string): boolean;
  };
}

/** Lowest `x-xbl-contract-version` the handle and session URIs accept. */
const minimumContractVersion = 104;

const bodyErrors = {
  'too-large': [413, 'The request body is larger than 64 KB.'],
  'invalid-json': [400, 'The request body is not valid JSON.'],
  'too-deep': [400, 'The request body nests objects or arrays more than 32 levels deep.'],
  empty: [400, 'The request needs a JSON body.'],
  aborted: [400, 'The request body was cut off.'],
} as const;

function send(response: ServerResponse, answer: DirectoryAnswer): void {
  if (response.headersSent || response.destroyed) return;
  switch (answer.kind) {
    case 'session': {
      response.writeHead(answer.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': answer.document.bytes,
        etag: answer.record.etag,
        'content-location': sessionPath(answer.record.ref),
        'cache-control': 'no-store',
      });
      // A document whose UTF-8 length equals its length in characters is ASCII, and then its
      // Latin-1 bytes are its UTF-8 bytes: written as Latin-1, Node copies the characters instead
      // of encoding each one (most documents; gamertags and custom properties may not be ASCII).
      const { text, bytes } = answer.document;
      response.end(text, bytes === text.length ? 'latin1' : 'utf8');
      return;
    }
    case 'empty': {
      const headers: Record<string, string> = { 'cache-control': 'no-store' };
      if (answer.etag !== undefined) headers.etag = answer.etag;
      response.writeHead(answer.status, headers);
      response.end();
      return;
    }
    case 'json': {
      const body = jsonText(answer.body);
      response.writeHead(answer.status, {
        ...answer.headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      response.end(body);
      return;
    }
    case 'text': {
      response.writeHead(answer.status, {
        ...answer.headers,
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(answer.message),
      });
      response.end(answer.message);
      return;
    }
  }
}

const text = (
  status: number,
  message: string,
  headers?: Record<string, string>,
): DirectoryAnswer => ({
  kind: 'text',
  status,
  message,
  headers,
});

function bodyError(reason: keyof typeof bodyErrors): DirectoryAnswer {
  const [status, message] = bodyErrors[reason];
  return text(status, message);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Writes an error the directory survived to stderr with its stack, so an operator can find it; the
 * caller only gets a 500. `what` never carries a query string or a header, so no token reaches it.
 */
export function reportError(what: string, error: unknown): void {
  process.stderr.write(`directory: ${what}: ${String((error as Error)?.stack ?? error)}\n`);
}

/** `members.me.properties.system.connection` of a session PUT body, if it is a string. */
function connectionOf(body: unknown): string | undefined {
  const connection = (
    body as {
      members?: { me?: { properties?: { system?: { connection?: unknown } } } | null };
    } | null
  )?.members?.me?.properties?.system?.connection;
  return typeof connection === 'string' ? connection : undefined;
}

/** The routes that need a caller: every one but `POST /dev/tokens`. */
type ApiRoute = Exclude<Route, { readonly name: 'dev-tokens' }>;

/** Everything the steps after routing need to know about one request. */
interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly method: string;
  readonly query: URLSearchParams | undefined;
  readonly route: ApiRoute;
}

/**
 * The `node:http` request listener; never throws (internal errors answer 500 and go to stderr).
 *
 * It is written as steps that call each other rather than as one async function: with the in-memory
 * store nothing a request needs is ever waited for except its body, so a request is answered inside
 * the stream event that completes its body (a GET inside the `'request'` event itself). An async
 * function would park at every `await` until the microtask queue came round, and that cost a join
 * more than its write (docs/directory.md, "Design"). With a store that answers
 * by promise, the last step runs when the promise settles. Each entry point from Node (the
 * listener, the body callback, the latency timer, a settled promise) is wrapped by `guard`, so a
 * throw anywhere answers 500 instead of crashing the process.
 */
export function createDirectoryListener(deps: DirectoryHttpDeps) {
  const { service, tokens, faults, clock, rateLimiter, onRequest } = deps;
  const { requestGuard, devTokens, serviceConfigs, connections, presence } = deps;
  /** The caller of each request once authenticated, for the request log. */
  const callers = new WeakMap<IncomingMessage, string>();

  /** Sends an answer; the connection then waits for its next request (connection-guard.ts). */
  function reply(request: IncomingMessage, response: ServerResponse, value: DirectoryAnswer): void {
    send(response, value);
    connections?.idle(request.socket);
  }

  /** Refuses a request without reading its body, and closes the connection after the answer. */
  function refuseUnread(
    request: IncomingMessage,
    response: ServerResponse,
    value: DirectoryAnswer,
  ): void {
    if (request.method === 'PUT' || request.method === 'POST') {
      response.setHeader('connection', 'close');
    }
    reply(request, response, value);
  }

  function fail(request: IncomingMessage, response: ServerResponse, error: unknown): void {
    reportError(`internal error on ${request.method} ${request.url?.split('?')[0]}`, error);
    reply(request, response, text(500, 'Internal server error.'));
  }

  function guard(request: IncomingMessage, response: ServerResponse, step: () => void): void {
    try {
      step();
    } catch (error) {
      fail(request, response, error);
    }
  }

  /** Sends an answer now, or when it comes; `reset` drops the connection instead (the fault). */
  function answer(exchange: Exchange, produced: Awaitable<DirectoryAnswer>, reset: boolean): void {
    const { request, response } = exchange;
    const deliver = (value: DirectoryAnswer) => {
      if (reset) request.socket.destroy();
      else reply(request, response, value);
    };
    if (!isPending(produced)) return deliver(produced);
    connections?.busy(request.socket);
    produced.then(
      (value) => guard(request, response, () => deliver(value)),
      (error: unknown) => fail(request, response, error),
    );
  }

  /** Routing, and the routes that need no caller; then `afterLatency`, delayed if faults say so. */
  function handle(request: IncomingMessage, response: ServerResponse): void {
    const refused = requestGuard.check(request);
    if (refused) return refuseUnread(request, response, refused);
    const method = request.method ?? 'GET';
    const rawUrl = request.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const pathname = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    // Most requests carry no query; only `nocommit` is read from one.
    const query = queryAt < 0 ? undefined : new URLSearchParams(rawUrl.slice(queryAt + 1));
    if (deps.invitePage?.handle(request, response, pathname)) return;
    if (deps.identity?.handle(request, response, pathname)) return;
    const match = matchRoute(pathname);
    if (match.kind === 'bad-path')
      return refuseUnread(request, response, text(400, 'The request URI is not valid.'));
    if (match.kind === 'not-found')
      return refuseUnread(request, response, text(404, 'The requested resource does not exist.'));
    if (!match.methods.includes(method)) {
      return refuseUnread(
        request,
        response,
        text(405, `${method} is not allowed here; use ${match.methods.join(' or ')}.`, {
          allow: match.methods.join(', '),
        }),
      );
    }
    const { route } = match;
    if (route.name === 'dev-tokens') {
      const refusal =
        devTokens.admit(request.socket.remoteAddress) ?? requestGuard.checkBodyType(request);
      if (refusal) return refuseUnread(request, response, refusal);
      return readJsonBody(request, (body) =>
        guard(request, response, () => {
          // On PostgreSQL the identity cap is counted in the database: the answer may come later.
          const issued = body.ok ? devTokens.issue(body.value) : bodyError(body.reason);
          if (!isPending(issued)) return reply(request, response, issued);
          connections?.busy(request.socket);
          issued.then(
            (value) => guard(request, response, () => reply(request, response, value)),
            (error: unknown) => fail(request, response, error),
          );
        }),
      );
    }
    const exchange: Exchange = { request, response, method, query, route };

    const fault = faults.decide(method, pathname, clock.now());
    if (faults.latencyMs > 0) {
      connections?.busy(request.socket);
      setTimeout(
        () => guard(request, response, () => afterLatency(exchange, fault)),
        faults.latencyMs,
      );
      return;
    }
    afterLatency(exchange, fault);
  }

  /** Injected faults, authentication, the contract version and rate limits; then the body. */
  function afterLatency(exchange: Exchange, fault: FaultDecision): void {
    const { request, response } = exchange;
    const retryAfter = fault === 'none' ? '' : String(faults.retryAfterSeconds);
    switch (fault) {
      case '503':
        return reply(
          request,
          response,
          text(503, 'The service is temporarily unavailable (injected fault).', {
            'retry-after': retryAfter,
          }),
        );
      case '500':
        return reply(request, response, text(500, 'Internal server error (injected fault).'));
      case '429':
        return reply(request, response, {
          kind: 'json',
          status: 429,
          body: {
            version: 1,
            currentRequests: 31,
            maxRequests: 30,
            periodInSeconds: 15,
            limitType: 'Rate',
          },
          headers: { 'retry-after': retryAfter },
        });
      case 'reset-before-apply':
        request.socket.destroy();
        return;
      default:
        break;
    }

    const auth = tokens.verify(header(request, 'authorization'));
    if (!auth.ok) {
      const reason = {
        missing: 'The request has no Authorization header.',
        malformed: 'The Authorization header is not of the form "XBL3.0 x=<userhash>;<token>".',
        unknown: 'The Authorization token is not valid for this directory.',
        expired: 'The Authorization token has expired; ask for a new one.',
      }[auth.reason];
      return refuseUnread(request, response, text(401, reason, { 'www-authenticate': 'XBL3.0' }));
    }
    const caller = auth.identity;
    if (service.sweepDue()) {
      service.sweepIfDue().catch((error: unknown) => reportError('sweep failed', error));
    }
    if (onRequest) callers.set(request, caller.xuid);

    const contract = header(request, 'x-xbl-contract-version');
    const contractVersion = contract === undefined ? NaN : Number(contract.trim());
    if (!Number.isInteger(contractVersion) || contractVersion < minimumContractVersion) {
      return refuseUnread(
        request,
        response,
        text(
          400,
          `The x-xbl-contract-version header is missing or below ${minimumContractVersion}; send 107.`,
        ),
      );
    }

    if (!rateLimiter) return afterRateLimit(exchange, caller, fault, undefined);
    const taken = rateLimiter.take(`${caller.xuid}:${caller.titleId}`, clock.now());
    if (!isPending(taken)) return afterRateLimit(exchange, caller, fault, taken);
    taken.then(
      (exceeded) =>
        guard(request, response, () => afterRateLimit(exchange, caller, fault, exceeded)),
      (error: unknown) => fail(request, response, error),
    );
  }

  /** The 429 if the rate limit was exceeded; else the body, then the service. */
  function afterRateLimit(
    exchange: Exchange,
    caller: CallerIdentity,
    fault: FaultDecision,
    exceeded: RateLimitExceeded | undefined,
  ): void {
    const { request, response, method } = exchange;
    if (exceeded) {
      const { retryAfterSeconds, ...body } = exceeded;
      return refuseUnread(request, response, {
        kind: 'json',
        status: 429,
        body,
        headers: { 'retry-after': String(retryAfterSeconds) },
      });
    }

    const reset = fault === 'reset-after-apply';
    if (method !== 'PUT' && method !== 'POST') {
      return answer(exchange, checkTitle(exchange, caller, undefined), reset);
    }
    const notJson = requestGuard.checkBodyType(request);
    if (notJson) return refuseUnread(request, response, notJson);
    readJsonBody(request, (read) =>
      guard(request, response, () => {
        if (read.ok) return answer(exchange, checkTitle(exchange, caller, read.value), reset);
        if (read.reason === 'too-large') response.setHeader('connection', 'close');
        reply(request, response, bodyError(read.reason));
      }),
    );
  }

  /**
   * The title check (service-config-access.ts), then the service call. With no SCID bound to
   * titles (the default) it costs one property read.
   */
  function checkTitle(
    exchange: Exchange,
    caller: CallerIdentity,
    body: unknown,
  ): Awaitable<DirectoryAnswer> {
    if (serviceConfigs.open) return callService(exchange, caller, body);
    const { route } = exchange;
    const { titleId } = caller;
    switch (route.name) {
      case 'session':
      case 'session-member-me':
        return serviceConfigs.check(route.ref.scid, titleId) ?? callService(exchange, caller, body);
      case 'handles': {
        const refs = body as {
          sessionRef?: { scid?: unknown };
          originSessionRef?: { scid?: unknown };
        };
        return (
          serviceConfigs.check(refs?.sessionRef?.scid, titleId) ??
          serviceConfigs.check(refs?.originSessionRef?.scid, titleId) ??
          callService(exchange, caller, body)
        );
      }
      case 'handle':
      case 'handle-session':
        return andThen(
          service.handleScid(route.handleId),
          (scid) => serviceConfigs.check(scid, titleId) ?? callService(exchange, caller, body),
        );
      case 'handles-query': {
        const scid = (body as { scid?: unknown } | undefined)?.scid;
        return serviceConfigs.check(scid, titleId) ?? callService(exchange, caller, body);
      }
    }
  }

  /**
   * After a session PUT that wrote one of the caller's open presence connection ids, the session
   * is tracked by that connection (presence-hub.ts). Costs a few property reads on other PUTs.
   */
  function trackPresence(
    produced: Awaitable<DirectoryAnswer>,
    caller: CallerIdentity,
    body: unknown,
  ): Awaitable<DirectoryAnswer> {
    if (presence === undefined) return produced;
    const connection = connectionOf(body);
    if (connection === undefined || !presence.isOpenFor(connection, caller.xuid)) return produced;
    return andThen(produced, (value) => {
      if (value.kind === 'session' && value.status !== 412) {
        presence.bind(connection, caller.xuid, sessionKey(value.record.ref));
      }
      return value;
    });
  }

  /** The one call into the service a route and method stand for. */
  function callService(
    exchange: Exchange,
    caller: CallerIdentity,
    body: unknown,
  ): Awaitable<DirectoryAnswer> {
    const { request, method, query, route } = exchange;
    const writeOptions: WriteOptions = {
      ifMatch: header(request, 'if-match'),
      ifNoneMatch: header(request, 'if-none-match'),
      noCommit: query?.get('nocommit')?.toLowerCase() === 'true',
    };
    switch (route.name) {
      case 'handles':
        return service.createHandle(caller, body);
      case 'handles-query':
        return service.queryHandles(
          caller,
          body,
          new Set(
            (query?.get('include') ?? '')
              .toLowerCase()
              .split(',')
              .map((part) => part.trim()),
          ),
        );
      case 'handle':
        return method === 'GET'
          ? service.getHandle(caller, route.handleId)
          : service.deleteHandle(caller, route.handleId);
      case 'handle-session':
        return method === 'GET'
          ? service.getSessionByHandle(caller, route.handleId, writeOptions.ifNoneMatch)
          : trackPresence(
              service.putSessionByHandle(caller, route.handleId, body, writeOptions),
              caller,
              body,
            );
      case 'session':
        return method === 'GET'
          ? service.getSession(caller, route.ref, writeOptions.ifNoneMatch)
          : trackPresence(service.putSession(caller, route.ref, body, writeOptions), caller, body);
      case 'session-member-me':
        return service.leaveSession(caller, route.ref, writeOptions);
    }
  }

  return (request: IncomingMessage, response: ServerResponse): void => {
    if (onRequest) {
      const started = performance.now();
      response.once('close', () => {
        onRequest({
          method: request.method ?? 'GET',
          path: (request.url ?? '/').split('?')[0] ?? '/',
          status: response.writableFinished ? response.statusCode : 'reset',
          ms: performance.now() - started,
          xuid: callers.get(request),
        });
      });
    }
    guard(request, response, () => handle(request, response));
  };
}
