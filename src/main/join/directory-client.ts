/**
 * The launcher's client for an MPSD-compatible session directory: join a session through an invite
 * or activity handle (`PUT /handles/{handleId}/session`), read it, and leave it again.
 *
 * One call is one attempt. Inside it the client resolves what can be resolved without waiting: a
 * 401 gets one token refresh, a 412 adopts the session the directory sent back, and with
 * `checkMembershipFirst` a join first looks whether an earlier, unanswered write already made the
 * player a member. Everything else comes back as a typed DirectoryError for the join machine, which
 * owns retries, countdowns and the overall deadline (got's own retry is off).
 */
import { rallypointUserAgent } from './user-agent';
import got, { type Got } from 'got';
import {
  findMemberByXuid,
  isSessionFull,
  parseHandleDocument,
  parseSessionDocument,
  sessionPath,
  type SessionDocument,
} from '../../shared/mpsd/session-document';
import { guidPattern } from '../../shared/guid';
import { err, ok, type Result } from '../../shared/result';
import type { Logger } from '../logging/logger';
import {
  classifyStatus,
  classifyTransportError,
  directoryError,
  excerpt,
  type DirectoryError,
} from './directory-error';
import { parseRetryAfter } from './retry-policy';
import { systemLocale } from './system-locale';
import type { AccessToken, TokenError, TokenProvider } from './token-provider';

export type { DirectoryError, DirectoryErrorCode } from './directory-error';

/** MPSD contract version the client speaks (XSAPI sends the same). */
export const contractVersion = '107';

/**
 * Largest answer read (4 MiB). A full 100-member session is around 100 KB and large sessions list
 * only the caller, so anything bigger is broken or hostile and must not fill the launcher's memory.
 */
const maxAnswerBytes = 4 * 1024 * 1024;

/** Default time one attempt (all its requests together) may take. */
const defaultAttemptTimeoutMs = 5000;

/** Who joins, and how the other players can reach them once they are in. */
export interface MemberJoin {
  readonly xuid: string;
  /** Base64 secure device address the game publishes for peer-to-peer connections. */
  readonly secureDeviceAddress?: string;
  /** RTA connection id, when the game holds a real-time activity subscription. */
  readonly connection?: string;
}

export interface SessionWrite {
  readonly session: SessionDocument;
  /** Path of the session, from Content-Location (or built from the handle's sessionRef) — where leave() writes. */
  readonly contentLocation: string;
  readonly etag?: string;
  /** true when this call made the caller a member (false when it was already one, e.g. found by checkMembershipFirst). */
  readonly joined: boolean;
}

/** A session as read, with where it lives. */
export interface SessionRead {
  readonly session: SessionDocument;
  readonly contentLocation: string;
  readonly etag?: string;
}

type DirectoryMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** One answer of the directory, as {@link DirectoryCalls.call} returns it. */
export interface DirectoryAnswerText {
  readonly status: number;
  /** The body (at most 4 MiB); an error body has any echoed token cut out. */
  readonly text: string;
  readonly etag?: string;
  readonly contentLocation?: string;
  readonly retryAfterMs?: number;
}

/**
 * Any other request with the player's token (hosting a session, sending invites, the people
 * list): the same headers, size cap, one-refresh-on-401 and logging as the join's own requests.
 */
export interface DirectoryCalls {
  call(
    method: DirectoryMethod,
    path: string,
    body: unknown,
    options: { readonly signal: AbortSignal; readonly headers?: Readonly<Record<string, string>> },
  ): Promise<Result<DirectoryAnswerText, DirectoryError>>;
}

export interface DirectoryClient {
  joinByHandle(
    handleId: string,
    member: MemberJoin,
    options: {
      signal: AbortSignal;
      checkMembershipFirst?: boolean;
      /**
       * ETag of a copy read earlier: the write then only applies if the session is unchanged
       * (MPSD's synchronized update); otherwise the 412's session is adopted or reported.
       */
      ifMatch?: string;
    },
  ): Promise<Result<SessionWrite, DirectoryError>>;
  /** The session behind a handle; `undefined` when the handle is valid but its session is gone (204). */
  readByHandle(
    handleId: string,
    options: { signal: AbortSignal },
  ): Promise<Result<SessionDocument | undefined, DirectoryError>>;
  /** Removes the caller from the session at `contentLocation`; a session already gone counts as left. */
  leave(
    contentLocation: string,
    options: { signal: AbortSignal },
  ): Promise<Result<void, DirectoryError>>;
}

/** Where the client logs its decisions; lines never carry tokens. */
type DirectoryLog = Pick<Logger, 'info' | 'warn'>;

export interface DirectoryClientOptions {
  /** Directory root, e.g. the embedded local directory's `http://127.0.0.1:<port>`; a path prefix is kept. */
  readonly baseUrl: string;
  readonly tokens: TokenProvider;
  /** Budget of one attempt in milliseconds, all its requests together. Default 5000. */
  readonly attemptTimeoutMs?: number;
  /** BCP 47 tag for Accept-Language. Default: the system locale. */
  readonly locale?: string;
  readonly log?: DirectoryLog;
  /** Overrides the User-Agent header (default `Rallypoint/<version>`). */
  readonly userAgent?: string;
}

/** The Authorization header value MPSD expects. */
export function authorizationHeader(token: AccessToken): string {
  return `XBL3.0 x=${token.userHash};${token.token.reveal()}`;
}

/** The join delta: the caller, active, with how to reach them (see xsapi-fixtures write bodies). */
function joinRequestBody(member: MemberJoin): unknown {
  return {
    members: {
      me: {
        constants: { system: { xuid: member.xuid, initialize: true } },
        properties: {
          system: {
            active: true,
            // Stryker disable next-line ConditionalExpression: JSON.stringify leaves out a field holding undefined
            ...(member.secureDeviceAddress === undefined
              ? {}
              : { secureDeviceAddress: member.secureDeviceAddress }),
            // Stryker disable next-line ConditionalExpression: JSON.stringify leaves out a field holding undefined
            ...(member.connection === undefined ? {} : { connection: member.connection }),
          },
        },
      },
    },
  };
}

const leaveRequestBody = { members: { me: null } };

/** `/serviceconfigs/{scid}/sessionTemplates/{tpl}/sessions/{name}`, template spelled either way. */
const sessionPathPattern =
  /^\/serviceconfigs\/([^/?#]+)\/sessiontemplates\/([^/?#]+)\/sessions\/([^/?#]+)$/i;

/** True for the only shape of Content-Location the client writes to: a session path, no tricks. */
export function isSessionPath(path: string): boolean {
  const match = sessionPathPattern.exec(path);
  if (match === null) return false;
  return match.slice(1).every((segment) => {
    let decoded: string;
    // Stryker disable BlockStatement: an emptied catch returns undefined, which stops every() as false does
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return false;
    }
    // Stryker restore BlockStatement
    return decoded !== '.' && decoded !== '..' && !decoded.includes('/');
  });
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly etag?: string;
  readonly contentLocation?: string;
  readonly retryAfterMs?: number;
}

/** The signals of one attempt: the caller's (cancel, deadline) and the attempt's own timeout. */
interface Attempt {
  readonly caller: AbortSignal;
  /**
   * Held here, not only inside `signal`: Node 20 keeps `AbortSignal.timeout()` and the inputs of
   * `AbortSignal.any()` by weak reference, so a timeout nothing else holds can be collected before
   * it fires, and the attempt would then never time out (seen under a full test run's GC load).
   */
  readonly timeout: AbortSignal;
  readonly signal: AbortSignal;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Error bodies feed developer messages and logs: a token the directory echoed is cut out. */
function withoutSecret(text: string, secret: string): string {
  return secret.length >= 8 ? text.split(secret).join('[redacted]') : text;
}

/** JSON of a directory answer's text, or undefined when it is not JSON; never throws. */
export function parseJson(text: string): unknown {
  // Stryker disable BlockStatement: an emptied catch block returns undefined as well
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// Stryker restore BlockStatement

/** The origin of an http(s) URL; undefined for anything else, so a bad setting fails as a value. */
function httpOrigin(url: string): string | undefined {
  // Stryker disable BlockStatement: an emptied catch block returns undefined as well
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

// Stryker restore BlockStatement

/**
 * Creates a client bound to one directory and one player's token provider. Never throws: a base
 * URL that is not http(s) makes every call fail with a non-retryable directory-unavailable.
 */
export function createDirectoryClient(
  options: DirectoryClientOptions,
): DirectoryClient & DirectoryCalls {
  const base = options.baseUrl.replace(/\/+$/, '');
  const origin = httpOrigin(base);
  const attemptTimeoutMs = options.attemptTimeoutMs ?? defaultAttemptTimeoutMs;
  const log: DirectoryLog = options.log ?? { info: () => undefined, warn: () => undefined };
  const http: Got = got.extend({
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: 'text',
    headers: {
      'x-xbl-contract-version': contractVersion,
      'content-type': 'application/json; charset=utf-8',
      'accept-language': options.locale ?? systemLocale(),
      'user-agent': options.userAgent ?? rallypointUserAgent(),
    },
  });

  function startAttempt(caller: AbortSignal): Attempt {
    const timeout = AbortSignal.timeout(attemptTimeoutMs);
    return { caller, timeout, signal: AbortSignal.any([caller, timeout]) };
  }

  function timedOut(attempt: Attempt): boolean {
    return attempt.signal.aborted && !attempt.caller.aborted;
  }

  const misconfigured = (): Result<never, DirectoryError> =>
    err(
      directoryError(
        'directory-unavailable',
        `directory URL is not http(s): ${excerpt(base, 80)}`,
        {
          retryable: false,
        },
      ),
    );

  async function exchange(
    method: DirectoryMethod,
    path: string,
    body: unknown,
    token: AccessToken,
    attempt: Attempt,
    extraHeaders: Readonly<Record<string, string>>,
  ): Promise<Result<Answer, DirectoryError>> {
    if (origin === undefined) return misconfigured();
    const started = Date.now();
    const write = method !== 'GET';
    let oversized = false;
    try {
      const request = http(`${base}${path}`, {
        method,
        headers: { ...extraHeaders, authorization: authorizationHeader(token) },
        // Stryker disable next-line ConditionalExpression: got sends no body for a body of undefined, which JSON.stringify(undefined) is
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: attempt.signal,
      });
      request.on('downloadProgress', ({ transferred }) => {
        if (transferred > maxAnswerBytes && !oversized) {
          oversized = true;
          request.cancel();
        }
      });
      const response = await request;
      const status = response.statusCode;
      log.info(`directory ${method} ${path} → ${status} in ${Date.now() - started} ms`);
      const etag = header(response.headers.etag);
      const contentLocation = header(response.headers['content-location']);
      const retryAfterMs = parseRetryAfter(header(response.headers['retry-after']), Date.now());
      return ok({
        status,
        text: status >= 300 ? withoutSecret(response.body, token.token.reveal()) : response.body,
        ...(etag === undefined ? {} : { etag }),
        ...(contentLocation === undefined ? {} : { contentLocation }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    } catch (error) {
      const failure =
        oversized && !attempt.caller.aborted
          ? directoryError('malformed-response', `answer larger than ${maxAnswerBytes} bytes`, {
              ambiguous: write,
            })
          : classifyTransportError(error, {
              write,
              callerSignal: attempt.caller,
              timedOut: timedOut(attempt),
            });
      log.warn(
        `directory ${method} ${path} failed after ${Date.now() - started} ms: ${failure.code} (${failure.message})`,
      );
      return err(failure);
    }
  }

  function fromTokenError(error: TokenError, attempt: Attempt): DirectoryError {
    if (attempt.caller.aborted) return directoryError('cancelled', 'aborted while getting a token');
    if (timedOut(attempt)) {
      return directoryError('directory-unavailable', 'no token within the attempt timeout');
    }
    return directoryError(error.code, `token: ${error.message}`, {
      retryable: error.retryable,
      // Stryker disable next-line ConditionalExpression: directoryError leaves out a status of undefined too
      ...(error.status === undefined ? {} : { status: error.status }),
      // Stryker disable next-line ConditionalExpression: directoryError leaves out a Retry-After of undefined too
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  }

  /** One request with the player's token; a 401 gets exactly one forced refresh and resend. */
  async function authorized(
    method: DirectoryMethod,
    path: string,
    body: unknown,
    attempt: Attempt,
    extraHeaders: Readonly<Record<string, string>> = {},
  ): Promise<Result<Answer, DirectoryError>> {
    const token = await options.tokens.getToken({ forceRefresh: false, signal: attempt.signal });
    if (!token.ok) return err(fromTokenError(token.error, attempt));
    const first = await exchange(method, path, body, token.value, attempt, extraHeaders);
    if (!first.ok || first.value.status !== 401) return first;
    log.warn(`directory refused the token for ${method} ${path} (401); refreshing it once`);
    const fresh = await options.tokens.getToken({ forceRefresh: true, signal: attempt.signal });
    if (!fresh.ok) return err(fromTokenError(fresh.error, attempt));
    const second = await exchange(method, path, body, fresh.value, attempt, extraHeaders);
    if (!second.ok || second.value.status !== 401) return second;
    return err(
      directoryError('unauthorized', 'directory refused a freshly issued token (401)', {
        status: 401,
      }),
    );
  }

  /** Where the session lives: the answer's Content-Location, else the handle's sessionRef. */
  async function locate(
    answer: Answer,
    handleId: string,
    attempt: Attempt,
  ): Promise<Result<string, DirectoryError>> {
    if (answer.contentLocation !== undefined) {
      const path = toSessionPath(answer.contentLocation);
      if (path !== undefined) return ok(path);
      return err(
        directoryError(
          'malformed-response',
          `Content-Location is not a session path: ${excerpt(answer.contentLocation, 120)}`,
        ),
      );
    }
    const handle = await authorized('GET', `/handles/${handleId}`, undefined, attempt);
    if (!handle.ok) return handle;
    if (handle.value.status !== 200) {
      return err(classifyStatus({ ...handle.value, write: false }));
    }
    const parsed = parseHandleDocument(parseJson(handle.value.text));
    if (!parsed.ok) {
      return err(directoryError('malformed-response', `handle: ${parsed.error.message}`));
    }
    return ok(sessionPath(parsed.value.sessionRef));
  }

  function toSessionPath(location: string): string | undefined {
    let path = location;
    if (!location.startsWith('/')) {
      // An absolute Content-Location is only followed on the directory's own origin.
      let url: URL;
      try {
        url = new URL(location);
      } catch {
        return undefined;
      }
      if (url.origin !== origin) return undefined;
      path = url.pathname;
    }
    return isSessionPath(path) ? path : undefined;
  }

  /** A 2xx session answer, validated and located. */
  async function sessionFrom(
    answer: Answer,
    handleId: string,
    attempt: Attempt,
    write: boolean,
  ): Promise<Result<SessionRead, DirectoryError>> {
    const json = parseJson(answer.text);
    if (json === undefined) {
      return err(
        directoryError('malformed-response', 'session answer is not JSON', {
          status: answer.status,
          ambiguous: write,
        }),
      );
    }
    const parsed = parseSessionDocument(json);
    if (!parsed.ok) {
      return err(
        directoryError('malformed-response', `session answer: ${parsed.error.message}`, {
          status: answer.status,
          ambiguous: write,
        }),
      );
    }
    const location = await locate(answer, handleId, attempt);
    if (!location.ok)
      return err({ ...location.error, ambiguous: write || location.error.ambiguous });
    return ok({
      session: parsed.value,
      contentLocation: location.value,
      ...(answer.etag === undefined ? {} : { etag: answer.etag }),
    });
  }

  /** A session carried by an error answer (403, 412), when it is one. */
  function sessionIn(answer: Answer): SessionDocument | undefined {
    const parsed = parseSessionDocument(parseJson(answer.text));
    return parsed.ok ? parsed.value : undefined;
  }

  async function read(
    handleId: string,
    attempt: Attempt,
  ): Promise<Result<SessionRead | undefined, DirectoryError>> {
    const answer = await authorized('GET', `/handles/${handleId}/session`, undefined, attempt);
    if (!answer.ok) return answer;
    const { status } = answer.value;
    if (status === 204) return ok(undefined);
    if (status === 200) return sessionFrom(answer.value, handleId, attempt, false);
    // Stryker disable next-line ConditionalExpression: classifyStatus reads sessionFull only for a 403
    const session = status === 403 ? sessionIn(answer.value) : undefined;
    return err(
      classifyStatus({
        ...answer.value,
        write: false,
        ...(session === undefined ? {} : { sessionFull: isSessionFull(session) }),
      }),
    );
  }

  function badHandle(handleId: string): DirectoryError {
    return directoryError('invite-expired', `not a handle id: ${excerpt(handleId, 60)}`);
  }

  async function call(
    method: DirectoryMethod,
    path: string,
    body: unknown,
    callOptions: {
      readonly signal: AbortSignal;
      readonly headers?: Readonly<Record<string, string>>;
    },
  ): Promise<Result<DirectoryAnswerText, DirectoryError>> {
    return authorized(method, path, body, startAttempt(callOptions.signal), callOptions.headers);
  }

  return {
    call,
    async joinByHandle(handleId, member, { signal, checkMembershipFirst = false, ifMatch }) {
      if (!guidPattern.test(handleId)) return err(badHandle(handleId));
      const attempt = startAttempt(signal);
      if (checkMembershipFirst) {
        const current = await read(handleId, attempt);
        // The earlier write is still unaccounted for, so a failure here stays ambiguous.
        if (!current.ok) return err({ ...current.error, ambiguous: true });
        if (current.value !== undefined && findMemberByXuid(current.value.session, member.xuid)) {
          log.info(`already a member of the session behind handle ${handleId}; not writing again`);
          return ok({ ...current.value, joined: false });
        }
      }
      const path = `/handles/${handleId}/session`;
      const precondition: Record<string, string> =
        // Stryker disable next-line ConditionalExpression: got leaves out a header whose value is undefined
        ifMatch === undefined ? {} : { 'if-match': ifMatch };
      const answer = await authorized('PUT', path, joinRequestBody(member), attempt, precondition);
      if (!answer.ok) return answer;
      const { status } = answer.value;
      if (status === 200 || status === 201) {
        const written = await sessionFrom(answer.value, handleId, attempt, true);
        if (!written.ok) return written;
        if (findMemberByXuid(written.value.session, member.xuid) === undefined) {
          return err(
            directoryError('malformed-response', 'the written session does not list the player', {
              status,
              ambiguous: true,
            }),
          );
        }
        return ok({ ...written.value, joined: true });
      }
      if (status === 204) {
        return err(
          directoryError('invite-expired', 'the session behind the handle is gone (204)', {
            status,
          }),
        );
      }
      if (status === 412) {
        // The directory sent its current session instead: if we are in it, the join happened.
        const session = sessionIn(answer.value);
        if (session !== undefined && findMemberByXuid(session, member.xuid) !== undefined) {
          const adopted = await sessionFrom(answer.value, handleId, attempt, true);
          if (adopted.ok) {
            log.info(`412 on handle ${handleId}: adopted the current session, already a member`);
            return ok({ ...adopted.value, joined: false });
          }
          return adopted;
        }
        // Stryker disable next-line BooleanLiteral: classifyStatus reads write only for a 5xx, and this is a 412
        return err(classifyStatus({ ...answer.value, write: true }));
      }
      // Stryker disable next-line ConditionalExpression: classifyStatus reads sessionFull only for a 403
      const session = status === 403 ? sessionIn(answer.value) : undefined;
      return err(
        classifyStatus({
          ...answer.value,
          write: true,
          ...(session === undefined ? {} : { sessionFull: isSessionFull(session) }),
        }),
      );
    },

    async readByHandle(handleId, { signal }) {
      if (!guidPattern.test(handleId)) return err(badHandle(handleId));
      const result = await read(handleId, startAttempt(signal));
      return result.ok ? ok(result.value?.session) : result;
    },

    async leave(contentLocation, { signal }) {
      const path = toSessionPath(contentLocation);
      if (path === undefined) {
        return err(directoryError('malformed-response', 'leave() needs a session path'));
      }
      const answer = await authorized('PUT', path, leaveRequestBody, startAttempt(signal));
      if (!answer.ok) return answer;
      const { status } = answer.value;
      // 204: the session was deleted as we left; 404: it was already gone. Either way, we are out.
      if (status === 200 || status === 201 || status === 204 || status === 404)
        return ok(undefined);
      return err(classifyStatus({ ...answer.value, write: true }));
    },
  };
}
