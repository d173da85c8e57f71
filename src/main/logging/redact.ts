/**
 * Redaction of secrets and untrusted invite data from anything that is about to be logged.
 *
 * Log files leave the machine (players attach them to bug reports), so every value passes through
 * here first: Xbox Live tokens (`XBL3.0 x=<userhash>;<token>`), bearer tokens, `Authorization`
 * headers, JSON fields that carry tokens or signatures, and the query of invite links (which holds
 * player XUIDs and can be crafted by any web page). The module is pure and dependency-free so the
 * electron-log hook, the command line and tests all share one definition of "safe to log".
 */

/** What replaces a secret. Fixed text, so a redacted log line never hints at the secret's length. */
export const REDACTED = '[redacted]';

/** How many characters of an invite's handle id survive, enough to correlate log lines. */
const HANDLE_PREFIX_LENGTH = 8;

/** Deeper structures than this are cut off: logs never need them and cycles stay harmless. */
const MAX_DEPTH = 8;

/** Object keys whose values are secrets wherever they appear (compared case-insensitively). */
const SECRET_KEY =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|password|passwd|secret|client_secret|signature|x-xbl-signature|rpsticket|device_code|code_verifier|codeverifier|pkcecodeverifier)$|token/i;

/** `XBL3.0 x=<userhash>;<token>`: the whole credential goes, including the user hash. */
const XBL_TOKEN = /XBL3\.0\s+x=[^\s"',;]*(?:;[^\s"',]*)?/gi;

/**
 * The same credential URL-encoded (`XBL3.0%20x%3D…%3B…`) or form-encoded (`XBL3.0+x=…`), and
 * `x=<uhs>;<token>` without its scheme (plain or encoded), as it appears in cache dumps and bodies.
 */
const XBL_TOKEN_ENCODED =
  /XBL3\.0(?:%20|\+)x(?:=|%3D)[^\s"',;&]{0,128}(?:(?:;|%3B)[^\s"',&]{0,8192})?|(?<![A-Za-z0-9_])x(?:=|%3D)[A-Za-z0-9]{1,64}(?:;|%3B)[^\s"',;&]{1,4096}/gi;

/** A JWT or JWE anywhere (`eyJ…` header, dot-separated base64url parts): user and XSTS tokens. */
const JWT = /\beyJ[A-Za-z0-9_-]{4,4096}(?:\.[A-Za-z0-9_-]{0,8192}){1,4}/g;

/**
 * `name=value` credentials outside URLs' queries: form bodies (`refresh_token=…&code_verifier=…`),
 * `RpsTicket: d=…`, plain or URL-encoded `=`.
 */
const FORM_SECRET =
  /(?<![A-Za-z0-9_])((?:[A-Za-z_]{0,40}token|code_verifier|device_code|code|client_secret|password)(?:=|%3D))[^&#\s"'<>,;]{1,8192}/gi;

/** `d=<access token>` as an RpsTicket carries it. */
const RPS_TICKET = /(RpsTicket["']?\s*[:=]\s*["']?)[dt]=[^\s"'&,]{1,8192}/gi;

/** Inspected objects' fields (`access_token: 'EwA…'`, `'refreshToken': "…"`), any quoting. */
const INSPECTED_SECRET_FIELD =
  /((?:^|[\s{,])(['"]?)(?:[A-Za-z_-]{0,40}token[A-Za-z_-]{0,40}|authorization|rpsticket|code[-_]?verifier|device[-_]?code|password|secret)\2\s*:\s*)(['"`])(?:(?!\3)[^\\]|\\.){0,8192}\3/gi;

/** `Bearer <token>` and `Basic <credentials>` anywhere in text. */
const SCHEME_TOKEN = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/=]{4,}/g;

/** `Authorization: <anything up to the end of the line>` in header dumps. */
const AUTH_HEADER_LINE =
  /\b((?:proxy-)?authorization|cookie|set-cookie)(\s*[:=]\s*)(?!\[redacted\])[^\r\n]+/gi;

/** `"token": "..."`-style JSON fields inside text (serialised bodies, error messages). */
const JSON_SECRET_FIELD =
  /("(?:[A-Za-z_-]{0,40}token[A-Za-z_-]{0,40}|authorization|signature|password|secret)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/**
 * Every quantifier that can backtrack is bounded ({0,31}, {0,40}): a log line is untrusted text
 * (a page's own log lines, a directory's error body), and an unbounded one made redaction
 * quadratic on long dotted or base64 runs (see bench/logging-redaction-bench.ts).
 *
 * Links that may be invites, up to whitespace or a quote: the launcher's schemes (also without
 * `//`), `ms-xbl-<titleId>:` links, and any other `scheme://` URL that is not a web or file URL, so a
 * studio's own invite scheme is covered without configuration.
 */
const INVITE_LINK =
  /\b(?:(?:rallypoint(?:-dev)?|ms-xbl-[0-9a-f]{8}):|(?!(?:https?|wss?|file|app|devtools|data):)[a-z][a-z0-9+.-]{0,31}:\/\/)[^\s"'`]*/gi;

/** Query parameters of other URLs whose values are credentials (`?access_token=`, `&sig=`). */
const URL_SECRET_PARAM =
  /([?&](?:[A-Za-z_]{0,40}token|sig|signature|code|key|password)=)[^&#\s"'<>]*/gi;

/**
 * Returns the text with every known secret shape replaced by {@link REDACTED}. Invite links keep
 * their scheme, action and the first characters of the handle id, so a log still says which invite
 * was handled without carrying XUIDs or anything a web page could inject.
 */
export function redactText(text: string): string {
  return text
    .replace(INVITE_LINK, redactInviteLink)
    .replace(XBL_TOKEN, `XBL3.0 x=${REDACTED}`)
    .replace(XBL_TOKEN_ENCODED, (match) =>
      match.toUpperCase().startsWith('XBL3.0') ? `XBL3.0 x=${REDACTED}` : `x=${REDACTED}`,
    )
    .replace(JWT, REDACTED)
    .replace(RPS_TICKET, (_match, field: string) => `${field}${REDACTED}`)
    .replace(SCHEME_TOKEN, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(AUTH_HEADER_LINE, (_match, name: string, separator: string) => {
      return `${name}${separator}${REDACTED}`;
    })
    .replace(JSON_SECRET_FIELD, (_match, field: string) => `${field}"${REDACTED}"`)
    .replace(URL_SECRET_PARAM, (_match, name: string) => `${name}${REDACTED}`)
    .replace(FORM_SECRET, (match, name: string) =>
      // Stryker disable next-line ConditionalExpression,MethodExpression: an already redacted value is rewritten to the same text
      match.slice(name.length) === REDACTED ? match : `${name}${REDACTED}`,
    )
    .replace(INSPECTED_SECRET_FIELD, (match, field: string, _key: string, quote: string) =>
      // Stryker disable next-line ConditionalExpression,MethodExpression,StringLiteral: as above, the same text either way
      match.slice(field.length) === `${quote}${REDACTED}${quote}`
        ? match
        : `${field}${quote}${REDACTED}${quote}`,
    );
}

/** `rallypoint://inviteHandleAccept?handle=0f3c…&invitedXuid=…` → `rallypoint://inviteHandleAccept?handle=0f3c12ab…&[redacted]`. */
function redactInviteLink(link: string): string {
  const queryStart = link.search(/[?#]/);
  if (queryStart === -1) return link;
  const base = link.slice(0, queryStart);
  // Stryker disable next-line MethodExpression: nothing before the first "?" or "#" can read "?handle="
  const handle = /[?&]handle=([0-9A-Fa-f-]{1,64})/.exec(link.slice(queryStart))?.[1];
  if (handle === undefined) return `${base}?${REDACTED}`;
  const prefix = handle.slice(0, HANDLE_PREFIX_LENGTH);
  return `${base}?handle=${prefix}…&${REDACTED}`;
}

/**
 * Returns a copy of any value with secrets removed: strings through {@link redactText}, secret keys
 * replaced wholesale, Errors rebuilt with redacted message and stack (their own enumerable fields
 * too), Maps (keys and values), Sets and arrays walked, cycles and depth cut. The input is never mutated: the caller may
 * still need the real token.
 */
export function redact(value: unknown): unknown {
  return redactValue(value, 0, new WeakMap());
}

function redactValue(value: unknown, depth: number, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' ? `[function ${value.name || 'anonymous'}]` : value;
  }
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) return redactError(value, depth, seen);
  if (value instanceof Date || value instanceof RegExp) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(redactValue(item, depth + 1, seen));
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map<unknown, unknown>();
    seen.set(value, copy);
    for (const [key, item] of value) {
      // Keys are data too: a Map keyed by invite link or by header value would log them as-is.
      const safeKey = redactValue(key, depth + 1, seen);
      copy.set(safeKey, isSecretKey(key) ? REDACTED : redactValue(item, depth + 1, seen));
    }
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set<unknown>();
    seen.set(value, copy);
    for (const item of value) copy.add(redactValue(item, depth + 1, seen));
    return copy;
  }
  if (value instanceof URL) return redactText(value.href);
  // Stryker disable next-line ConditionalExpression,StringLiteral: Headers is a global on every runtime here (Node >= 20, Electron)
  if (typeof Headers !== 'undefined' && value instanceof Headers) {
    return redactValue(Object.fromEntries(value.entries()), depth, seen);
  }
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretKey(key) ? REDACTED : redactValue(item, depth + 1, seen);
  }
  return copy;
}

function redactError(error: Error, depth: number, seen: WeakMap<object, unknown>): Error {
  const copy = new Error(redactText(error.message));
  seen.set(error, copy);
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : redactText(error.stack);
  const fields = copy as unknown as Record<string, unknown>;
  for (const [key, item] of Object.entries(error)) {
    // Stryker disable next-line all: these are copied redacted above; copying them again is the same
    if (key === 'message' || key === 'stack' || key === 'name') continue;
    fields[key] = isSecretKey(key) ? REDACTED : redactValue(item, depth + 1, seen);
  }
  if (error.cause !== undefined) copy.cause = redactValue(error.cause, depth + 1, seen);
  return copy;
}

function isSecretKey(key: unknown): boolean {
  return typeof key === 'string' && SECRET_KEY.test(key);
}
