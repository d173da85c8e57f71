/**
 * The checks that keep web pages out. A page in the player's browser can send requests to the
 * embedded directory's port; the directory refuses, before routing:
 * - a `Host` that is not one of its own names (DNS rebinding: the page's own name, rebound to
 *   127.0.0.1, would otherwise make it same-origin and let it read the answers);
 * - any `Origin` not explicitly allowed (none by default: the launcher, the CLI and game clients
 *   send none, browsers send one on every cross-origin request and on every POST/PUT);
 * - a body whose `Content-Type` is not `application/json`, so no "simple" cross-site request
 *   (a form post, a no-cors fetch) is ever applied.
 * Each check is a string comparison or a set lookup: cheap enough for every request.
 */
import type { IncomingMessage } from 'node:http';
import type { DirectoryAnswer } from './directory-answer';

export interface RequestGuardOptions {
  /** Allowed `Origin` values, exactly as browsers send them (`http://127.0.0.1:5173`). */
  readonly origins: ReadonlySet<string>;
}

const refusal = (status: number, message: string): DirectoryAnswer => ({
  kind: 'text',
  status,
  message,
});

const badHost = refusal(
  421,
  'The Host header does not name this directory. It answers only its own address (a web page whose name points here is refused).',
);
const badOrigin = refusal(
  403,
  'Requests from web pages are refused: this Origin is not allowed (see the directory --allow-origin flag).',
);
const notJson = refusal(415, 'The request body must be sent with Content-Type: application/json.');

/** Host and Origin checks of one directory. */
export class RequestGuard {
  /** Allowed `Host` values (lower case, with port); undefined allows any. */
  #hosts: ReadonlySet<string> | undefined = new Set();
  readonly #origins: ReadonlySet<string>;
  /** The allowed host a client nearly always sends, compared before the set lookup. */
  #usualHost: string | undefined;

  constructor(options: RequestGuardOptions) {
    this.#origins = options.origins;
  }

  /**
   * Sets the `Host` values answered, once the port is known (before that every request is
   * refused); undefined answers any. The first value is the one compared first.
   */
  allowHosts(hosts: ReadonlySet<string> | undefined): void {
    this.#hosts = hosts;
    // Stryker disable next-line ConditionalExpression,ArrayDeclaration: the usual host is only a fast path before the set lookup, which answers the same
    this.#usualHost = hosts === undefined ? undefined : [...hosts][0];
  }

  /** The refusal for a request from the wrong host or origin, else undefined. */
  check(request: IncomingMessage): DirectoryAnswer | undefined {
    const headers = request.headers;
    if (this.#hosts !== undefined) {
      const host = headers.host;
      if (host === undefined) return badHost;
      // Stryker disable next-line ConditionalExpression: comparing the usual host first is a fast path; the set holds it too
      if (host !== this.#usualHost && !this.#hosts.has(host.toLowerCase())) return badHost;
    }
    const origin = headers.origin;
    if (origin === undefined || this.#origins.has(origin)) return undefined;
    // A page the directory serves itself (the sign-in pages of src/directory/identity) posts its
    // forms with its own origin; with the Host already proven to be one of the directory's own
    // names, that origin can only be the directory's.
    if (this.#hosts !== undefined && origin === `http://${headers.host}`) return undefined;
    return badOrigin;
  }

  /** The refusal for a body that is not declared JSON, else undefined. */
  checkBodyType(request: IncomingMessage): DirectoryAnswer | undefined {
    return isJsonMediaType(request.headers['content-type']) ? undefined : notJson;
  }
}

/** `application/json`, with or without parameters (`; charset=utf-8`), in any letter case. */
function isJsonMediaType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const semicolon = value.indexOf(';');
  // Stryker disable next-line EqualityOperator: at 0 the whole value starts with ";" and is no JSON type either way
  const type = (semicolon < 0 ? value : value.slice(0, semicolon)).trim();
  // Stryker disable next-line ConditionalExpression: the length test only skips lower-casing; the comparison decides alone
  return type.length === 16 && type.toLowerCase() === 'application/json';
}
