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

/**
 * Object keys whose values are secrets wherever they appear (compared case-insensitively): a key
 * that ends with a secret's name (`password`, `userPassword`, `clientSecret`, `deviceCode`,
 * `x-xbl-signature`, `set-cookie`), or that contains `token`. Not anchored at the start on
 * purpose: a prefix names whose secret it is, never that it is not one. Anchored at the end, so
 * `passwords`, `cookiePolicy` or `signatureCount` (metadata, not the secret) are kept.
 */
const SECRET_KEY_NAME =
  /(?:authorization|cookie|password|passwd|secret|signature|rpsticket|device[-_]?code|code[-_]?verifier)$|token/i;

/**
 * One shape of secret in text: the pattern that finds it and what a match becomes. The rules are
 * applied in the order of {@link REDACTION_RULES}; each is also tested alone, so a rule weakened
 * where a later one covers the same text still fails its own tests.
 */
export interface RedactionRule {
  /** Names the rule in tests and in docs/security.md. */
  readonly name: string;
  /**
   * A global pattern. Every quantifier that can backtrack is bounded ({0,31}, {0,40}, {0,8192}): a
   * log line is untrusted text (a page's own log lines, a directory's error body), and an unbounded
   * one made redaction quadratic on long dotted or base64 runs (see bench/logging-redaction-bench.ts).
   */
  readonly pattern: RegExp;
  /** What one match becomes; called as `String.prototype.replace` calls a replacer. */
  readonly replace: (match: string, ...groups: string[]) => string;
}

/** Applies one rule to the text: the pipeline's step, and how tests run a rule on its own. */
export function applyRedactionRule(text: string, rule: RedactionRule): string {
  return text.replace(rule.pattern, rule.replace);
}

/**
 * Every shape {@link redactText} removes, in the order it applies them. Some overlap on purpose (a
 * JSON field is also an inspected object's field; a URL's `access_token=` is also a form field):
 * the earlier rule wins, and each rule still covers its whole shape on its own.
 */
export const REDACTION_RULES: readonly RedactionRule[] = [
  /**
   * Links that may be invites, up to whitespace or a quote: the launcher's schemes (also without
   * `//`), `ms-xbl-<titleId>:` links, and any other `scheme://` URL that is not a web or file URL,
   * so a studio's own invite scheme is covered without configuration.
   */
  {
    name: 'invite-link',
    pattern:
      /\b(?:(?:rallypoint(?:-dev)?|ms-xbl-[0-9a-f]{8}):|(?!(?:https?|wss?|file|app|devtools|data):)[a-z][a-z0-9+.-]{0,31}:\/\/)[^\s"'`]*/gi,
    replace: redactInviteLink,
  },
  /** `XBL3.0 x=<userhash>;<token>`: the whole credential goes, including the user hash. */
  {
    name: 'xbl-token',
    pattern: /XBL3\.0\s+x=[^\s"',;]*(?:;[^\s"',]*)?/gi,
    replace: () => `XBL3.0 x=${REDACTED}`,
  },
  /**
   * The same credential URL-encoded (`XBL3.0%20x%3D…%3B…`) or form-encoded (`XBL3.0+x=…`), and
   * `x=<uhs>;<token>` without its scheme (plain or encoded), as it appears in cache dumps and
   * bodies. The scheme stays in the replacement when it was there, and only then.
   */
  {
    name: 'xbl-token-encoded',
    pattern:
      /XBL3\.0(?:%20|\+)x(?:=|%3D)[^\s"',;&]{0,128}(?:(?:;|%3B)[^\s"',&]{0,8192})?|(?<![A-Za-z0-9_])x(?:=|%3D)[A-Za-z0-9]{1,64}(?:;|%3B)[^\s"',;&]{1,4096}/gi,
    replace: (match) =>
      match.toUpperCase().startsWith('XBL3.0') ? `XBL3.0 x=${REDACTED}` : `x=${REDACTED}`,
  },
  /** A JWT or JWE anywhere (`eyJ…` header, dot-separated base64url parts): user and XSTS tokens. */
  {
    name: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]{4,4096}(?:\.[A-Za-z0-9_-]{0,8192}){1,4}/g,
    replace: () => REDACTED,
  },
  /** `d=<access token>` as an RpsTicket carries it (`RpsTicket: d=…`, `"RpsTicket":"t=…"`). */
  {
    name: 'rps-ticket',
    pattern: /(RpsTicket["']?\s*[:=]\s*["']?)[dt]=[^\s"'&,]{1,8192}/gi,
    replace: (_match, field) => `${field}${REDACTED}`,
  },
  /** `Bearer <token>` and `Basic <credentials>` anywhere in text. */
  {
    name: 'scheme-token',
    pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/=]{4,}/g,
    replace: (_match, scheme) => `${scheme} ${REDACTED}`,
  },
  /**
   * `Authorization: <anything up to the end of the line>` (and `Cookie`) in header dumps. Also when
   * an earlier rule redacted the start of the value (`Cookie:eyJ…; sid=…`): the rest of the line
   * is the same header.
   */
  {
    name: 'auth-header-line',
    pattern: /\b((?:proxy-)?authorization|cookie|set-cookie)(\s*[:=]\s*)[^\r\n]+/gi,
    replace: (_match, name, separator) => `${name}${separator}${REDACTED}`,
  },
  /**
   * `"token": "..."`-style JSON fields inside text (serialised bodies, error messages), whatever
   * the value's length.
   */
  {
    name: 'json-secret-field',
    pattern:
      /("(?:[A-Za-z_-]{0,40}token[A-Za-z_-]{0,40}|authorization|signature|password|secret)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    replace: (_match, field) => `${field}"${REDACTED}"`,
  },
  /**
   * The same fields in JSON held as a string inside JSON (`{"body":"{\"access_token\":\"…\"}"}`),
   * escaped once or more: the value up to its closing escaped quote, escaped characters included.
   */
  {
    name: 'escaped-json-secret-field',
    pattern:
      /(\\"(?:[A-Za-z_-]{0,40}token[A-Za-z_-]{0,40}|authorization|signature|password|secret)\\{1,8}"\s*:\s*\\{1,8}")(?:[^"\\]|\\{1,8}[^"\\]){0,8192}(?=\\{1,8}")/gi,
    replace: (_match, field) => `${field}${REDACTED}`,
  },
  /** Query parameters of other URLs whose values are credentials (`?access_token=`, `&sig=`). */
  {
    name: 'url-secret-param',
    pattern: /([?&](?:[A-Za-z_]{0,40}token|sig|signature|code|key|password)=)[^&#\s"'<>]*/gi,
    replace: (_match, name) => `${name}${REDACTED}`,
  },
  /**
   * `name=value` credentials outside URLs' queries: form bodies (`refresh_token=…&code_verifier=…`),
   * plain or URL-encoded `=`.
   */
  {
    name: 'form-secret',
    pattern:
      /(?<![A-Za-z0-9_])((?:[A-Za-z_]{0,40}token|code_verifier|device_code|code|client_secret|password)(?:=|%3D))[^&#\s"'<>,;]{1,8192}/gi,
    replace: (_match, name) => `${name}${REDACTED}`,
  },
  /** Inspected objects' fields (`access_token: 'EwA…'`, `'refreshToken': "…"`), any quoting. */
  {
    name: 'inspected-secret-field',
    pattern:
      /((?:^|[\s{,])(['"]?)(?:[A-Za-z_-]{0,40}token[A-Za-z_-]{0,40}|authorization|rpsticket|code[-_]?verifier|device[-_]?code|password|secret)\2\s*:\s*)(['"`])(?:(?!\3)[^\\]|\\.){0,8192}\3/gi,
    replace: (_match, field, _key, quote) => `${field}${quote}${REDACTED}${quote}`,
  },
];

/**
 * Returns the text with every known secret shape replaced by {@link REDACTED}. Invite links keep
 * their scheme, action and the first characters of the handle id, so a log still says which invite
 * was handled without carrying XUIDs or anything a web page could inject.
 */
export function redactText(text: string): string {
  return REDACTION_RULES.reduce(applyRedactionRule, text);
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
  return typeof key === 'string' && SECRET_KEY_NAME.test(key);
}
