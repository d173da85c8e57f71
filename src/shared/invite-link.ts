/**
 * Invite links are untrusted input: any web page can open one. This module turns a raw link into
 * a validated {@link Invite} or a typed error, and never throws, whatever the string.
 *
 * It reads the link with a small strict grammar instead of WHATWG `URL`: `URL` quietly resolves
 * `..` segments, percent-encodes stray characters and lower-cases schemes, and `URLSearchParams`
 * replaces broken escapes with U+FFFD. Each of those would hide exactly what must be rejected
 * (extra path segments, malformed encoding), so the parser looks at the link as it arrived.
 * Decoding uses the built-in `decodeURIComponent`, which refuses malformed UTF-8.
 */
import { guidPattern } from './guid';
import type { Invite } from './invite';
import { findInviteRoute, type InviteRoute } from './invite-routes';
import { unsafePlayerTextKind } from './player-text';

/** Which links belong to this game. */
export interface InviteLinkConfig {
  /**
   * The game's own URL schemes, without `://` (compared in any letter case). The first is the one
   * the launcher registers with the operating system; the others are accepted when they arrive.
   */
  readonly schemes: readonly string[];
  /** The game's Xbox title id, 8 hex digits: `ms-xbl-<titleId>://` links are the game's too. */
  readonly titleId: string;
}

/**
 * The demo title id `52414C59` spells "RALY" in ASCII: recognisable in logs and sure not to
 * collide with a shipped title. A studio replaces it with its own title id.
 */
const demoTitleId = '52414c59';

/** Production builds: the `rallypoint` scheme and the demo title. */
export const defaultInviteLinkConfig: InviteLinkConfig = {
  schemes: ['rallypoint'],
  titleId: demoTitleId,
};

/**
 * Development builds register `rallypoint-dev` so they never take the installed launcher's scheme
 * (on Windows both would write the same registry key); they still accept `rallypoint` links
 * passed by hand.
 */
export const developmentInviteLinkConfig: InviteLinkConfig = {
  schemes: ['rallypoint-dev', 'rallypoint'],
  titleId: demoTitleId,
};

/** The config a build uses: development builds (`app.isPackaged` false) get their own scheme. */
export function inviteLinkConfigFor(isPackaged: boolean): InviteLinkConfig {
  return isPackaged ? defaultInviteLinkConfig : developmentInviteLinkConfig;
}

/** Longest link accepted, in UTF-16 code units: real links are under 300 characters. */
const maxInviteLinkLength = 2048;
/** Longest context accepted, in code points after decoding (MPSD caps the sender's at 256). */
export const maxInviteContextLength = 256;
/** The largest XUID: XUIDs are unsigned 64-bit integers. */
export const maxXuid = 18446744073709551615n;

/** Every way a link can be refused. Closed, so the window and the logs can switch over it. */
export const inviteLinkErrorCodes = [
  'not-a-link',
  'too-long',
  'forbidden-character',
  'unknown-scheme',
  'forbidden-url-part',
  'unknown-action',
  'extra-path',
  'malformed-encoding',
  'missing-parameter',
  'empty-parameter',
  'repeated-parameter',
  'invalid-handle',
  'invalid-xuid',
  'context-too-long',
  'multiple-links',
] as const;

export type InviteLinkErrorCode = (typeof inviteLinkErrorCodes)[number];

/**
 * Why a link was refused. `message` is developer-facing English that never repeats any part of
 * the link's query, so it is safe to log; the window picks the player's sentence from `code`.
 */
export interface InviteLinkError {
  readonly code: InviteLinkErrorCode;
  readonly message: string;
}

/** The outcome of {@link parseInviteLink}. `scheme` and `action` are as written in the link. */
export type InviteLinkParseResult =
  | {
      readonly ok: true;
      readonly invite: Invite;
      readonly scheme: string;
      readonly action: string;
    }
  | { readonly ok: false; readonly error: InviteLinkError };

const schemeGrammar = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const titleIdGrammar = /^[0-9A-Fa-f]{8}$/;
/** Control characters, whitespace of any kind, format characters (bidi overrides) and lone surrogates. */
const forbiddenRaw = /[\p{Cc}\p{Cf}\p{Cs}\p{White_Space}]/u;
const nilGuid = '00000000-0000-0000-0000-000000000000';
const xuidGrammar = /^[0-9]{1,20}$/;

const refuse = (code: InviteLinkErrorCode, message: string): InviteLinkParseResult => ({
  ok: false,
  error: { code, message },
});

/**
 * Whether `scheme` belongs to this game: one of its own schemes, `ms-xbl-<titleId>` or
 * `ms-xbl-multiplayer`, in any letter case (URI schemes are case-insensitive).
 */
export function isInviteLinkScheme(scheme: string, config: InviteLinkConfig): boolean {
  const lower = scheme.toLowerCase();
  if (lower === 'ms-xbl-multiplayer') return true;
  if (titleIdGrammar.test(config.titleId) && lower === `ms-xbl-${config.titleId.toLowerCase()}`) {
    return true;
  }
  return config.schemes.some((own) => own.toLowerCase() === lower);
}

/**
 * Checks a config once at start-up so a typo in a scheme or title id fails loudly in development
 * instead of silently refusing every link.
 */
export function checkInviteLinkConfig(config: InviteLinkConfig): string[] {
  const problems: string[] = [];
  if (!titleIdGrammar.test(config.titleId)) {
    problems.push(`title id must be 8 hex digits, got "${config.titleId}"`);
  }
  if (config.schemes.length === 0) problems.push('at least one scheme is needed');
  for (const scheme of config.schemes) {
    if (!schemeGrammar.test(scheme)) problems.push(`"${scheme}" is not a URL scheme name`);
  }
  return problems;
}

/**
 * The scheme a string starts with (`rallypoint` in `rallypoint://…`), or undefined. Used to spot
 * link-shaped arguments without parsing them.
 */
export function leadingScheme(raw: string): string | undefined {
  const colon = raw.indexOf(':');
  if (colon < 1 || colon > 64) return undefined;
  const scheme = raw.slice(0, colon);
  return schemeGrammar.test(scheme) ? scheme : undefined;
}

/** `decodeURIComponent` with form-encoding's `+` for space; undefined on malformed escapes. */
// Stryker disable BlockStatement: an emptied catch block returns undefined as well
function decodeQueryPart(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
// Stryker restore BlockStatement

/** Strips leading zeros; undefined unless 1–20 digits naming a real (non-zero, ≤ 2^64−1) XUID. */
export function canonicalXuid(value: string): string | undefined {
  if (!xuidGrammar.test(value)) return undefined;
  const number = BigInt(value);
  if (number === 0n || number > maxXuid) return undefined;
  return number.toString();
}

/**
 * Parses an invite link. Never throws. Tolerates what real senders produce: any letter case in
 * the scheme, action and parameter names, a `/` before `?`, empty pairs (`?&handle=`), any
 * parameter order, percent-encoding, one trailing `/` added by a browser, and parameters it does
 * not know (ignored, so a sender adding a field does not break invites).
 */
export function parseInviteLink(raw: string, config: InviteLinkConfig): InviteLinkParseResult {
  if (typeof raw !== 'string') return refuse('not-a-link', 'The link is not text.');
  if (raw.length > maxInviteLinkLength) {
    return refuse('too-long', `The link is longer than ${maxInviteLinkLength} characters.`);
  }
  if (forbiddenRaw.test(raw)) {
    return refuse('forbidden-character', 'The link contains whitespace or control characters.');
  }

  const scheme = leadingScheme(raw);
  if (scheme === undefined) return refuse('not-a-link', 'The link has no URL scheme.');
  if (!isInviteLinkScheme(scheme, config)) {
    return refuse('unknown-scheme', 'The link does not belong to this game.');
  }
  let rest = raw.slice(scheme.length + 1);
  if (!rest.startsWith('//')) {
    return refuse('not-a-link', 'The link has no "//" after its scheme.');
  }
  rest = rest.slice(2);
  if (rest.includes('#')) {
    return refuse('forbidden-url-part', 'Invite links carry no fragment ("#").');
  }

  const authorityEnd = rest.search(/[/?]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  rest = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  if (authority.includes('@')) {
    return refuse('forbidden-url-part', 'Invite links carry no user name or password.');
  }
  if (authority.includes(':')) return refuse('forbidden-url-part', 'Invite links carry no port.');
  const route = findInviteRoute(authority);
  if (route === undefined) {
    return refuse('unknown-action', 'The link asks for something other than an invite or a join.');
  }

  const queryStart = rest.indexOf('?');
  let path = queryStart === -1 ? rest : rest.slice(0, queryStart);
  // Stryker disable next-line StringLiteral: with no "?" any text here is one unknown pair, ignored
  let query = queryStart === -1 ? '' : rest.slice(queryStart + 1);
  // Browsers may append one "/" to the whole link; it lands on the path or on the last value.
  if (query.endsWith('/')) query = query.slice(0, -1);
  // Stryker disable next-line MethodExpression: only "//" shortens to a valid path, and it starts with "//" too
  else if (queryStart === -1 && path.endsWith('//')) path = path.slice(0, -1);
  if (path !== '' && path !== '/') {
    return refuse('extra-path', 'The link has path segments after its action.');
  }

  return readQuery(query, route, scheme, authority);
}

/** The values of a route's parameters, gathered from the query. */
interface GatheredParams {
  handle?: string;
  local?: string;
  remote?: string;
  context?: string;
}

function readQuery(
  query: string,
  route: InviteRoute,
  scheme: string,
  action: string,
): InviteLinkParseResult {
  const slots = new Map<string, keyof GatheredParams>([
    ['handle', 'handle'],
    [route.localParam.toLowerCase(), 'local'],
    [route.remoteParam.toLowerCase(), 'remote'],
  ]);
  if (route.takesContext) slots.set('context', 'context');
  const names: Record<keyof GatheredParams, string> = {
    handle: 'handle',
    local: route.localParam,
    remote: route.remoteParam,
    context: 'context',
  };

  const gathered: GatheredParams = {};
  // An empty pair (`?&handle=`) is a nameless parameter: unknown, so ignored like any other.
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    const name = decodeQueryPart(equals === -1 ? pair : pair.slice(0, equals));
    const value = decodeQueryPart(equals === -1 ? '' : pair.slice(equals + 1));
    if (name === undefined || value === undefined) {
      return refuse('malformed-encoding', 'The link contains a malformed percent-encoding.');
    }
    const slot = slots.get(name.toLowerCase());
    if (slot === undefined) continue;
    if (gathered[slot] !== undefined) {
      return refuse('repeated-parameter', `The "${names[slot]}" parameter appears more than once.`);
    }
    gathered[slot] = value;
  }

  for (const slot of ['handle', 'local', 'remote'] as const) {
    const value = gathered[slot];
    if (value === undefined) {
      return refuse('missing-parameter', `The "${names[slot]}" parameter is missing.`);
    }
    if (value === '') return refuse('empty-parameter', `The "${names[slot]}" parameter is empty.`);
  }

  // Stryker disable next-line StringLiteral: unreachable, the loop above refused a missing value
  const handleId = (gathered.handle ?? '').toLowerCase();
  if (!guidPattern.test(handleId)) {
    return refuse('invalid-handle', 'The handle is not a GUID (8-4-4-4-12 hexadecimal digits).');
  }
  if (handleId === nilGuid) return refuse('invalid-handle', 'The handle is all zeros.');

  // Stryker disable next-line StringLiteral: unreachable, the loop above refused a missing value
  const localXuid = canonicalXuid(gathered.local ?? '');
  if (localXuid === undefined) {
    return refuse('invalid-xuid', `The "${names.local}" parameter is not a valid XUID.`);
  }
  // Stryker disable next-line StringLiteral: unreachable, the loop above refused a missing value
  const remoteXuid = canonicalXuid(gathered.remote ?? '');
  if (remoteXuid === undefined) {
    return refuse('invalid-xuid', `The "${names.remote}" parameter is not a valid XUID.`);
  }

  const context = gathered.context;
  if (context !== undefined) {
    if ([...context].length > maxInviteContextLength) {
      return refuse(
        'context-too-long',
        `The context is longer than ${maxInviteContextLength} characters.`,
      );
    }
    // The sender wrote the context: after decoding it follows the player-text rule
    // (player-text.ts), so an encoded bidi override or zero-width space is refused like a newline.
    const unsafe = unsafePlayerTextKind(context);
    if (unsafe !== undefined) {
      return refuse(
        'forbidden-character',
        unsafe === 'control'
          ? 'The context contains control characters.'
          : 'The context contains format characters (bidi controls or zero-width characters).',
      );
    }
  }

  const invite: Invite = {
    kind: route.kind,
    handleId,
    localXuid,
    remoteXuid,
    ...(context ? { context } : {}),
  };
  return { ok: true, invite, scheme, action };
}

/** The outcome of {@link findInviteLinkInArgv}. */
export type ArgvInviteLink =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'invite';
      readonly invite: Invite;
      readonly scheme: string;
      readonly action: string;
    }
  | { readonly kind: 'rejected'; readonly error: InviteLinkError };

/**
 * Finds the invite link in a command line as Electron delivers it: possibly reordered, with
 * Chromium switches added, the link after a `--` marker. Only arguments whose scheme is one of the
 * game's count; everything else in argv is ignored and never trusted. Two or more link-shaped
 * arguments are refused as a whole (`multiple-links`): a genuine OS launch passes exactly one.
 */
export function findInviteLinkInArgv(
  argv: readonly string[],
  config: InviteLinkConfig,
): ArgvInviteLink {
  const candidates = argv.filter((arg) => {
    if (typeof arg !== 'string') return false;
    const scheme = leadingScheme(arg);
    return scheme !== undefined && isInviteLinkScheme(scheme, config);
  });
  const [only, ...others] = candidates;
  if (only === undefined) return { kind: 'none' };
  if (others.length > 0) {
    return {
      kind: 'rejected',
      error: {
        code: 'multiple-links',
        message: `The command line holds ${candidates.length} links; exactly one is accepted.`,
      },
    };
  }
  const parsed = parseInviteLink(only, config);
  return parsed.ok
    ? { kind: 'invite', invite: parsed.invite, scheme: parsed.scheme, action: parsed.action }
    : { kind: 'rejected', error: parsed.error };
}
