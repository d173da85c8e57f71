/**
 * Maps a request path onto one of the directory's resources. Fixed path segments are matched
 * case-insensitively (XSAPI writes `sessionTemplates`, the docs `sessiontemplates`); the methods a
 * resource allows are part of the match so a wrong verb answers 405 with `Allow`.
 */
import type { SessionRef } from './session-ref';

export type Route =
  | { readonly name: 'dev-tokens' }
  | { readonly name: 'handles' }
  | { readonly name: 'handles-query' }
  | { readonly name: 'handle'; readonly handleId: string }
  | { readonly name: 'handle-session'; readonly handleId: string }
  | { readonly name: 'session'; readonly ref: SessionRef }
  | { readonly name: 'session-member-me'; readonly ref: SessionRef };

export type RouteMatch =
  | { readonly kind: 'route'; readonly route: Route; readonly methods: readonly string[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'bad-path' };

/** Slash code unit, to trim the path without a regular expression. */
const slash = 0x2f;

function decodeSegments(pathname: string): string[] | undefined {
  let start = 0;
  let end = pathname.length;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: past the end charCodeAt is NaN, which stops the loop as well
  while (start < end && pathname.charCodeAt(start) === slash) start += 1;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: only a path of slashes gets past start, and it routes nowhere either way
  while (end > start && pathname.charCodeAt(end - 1) === slash) end -= 1;
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: an empty path splits into one empty segment, which routes nowhere either
  if (start === end) return [];
  const raw = pathname.slice(start, end).split('/');
  // Stryker disable next-line ConditionalExpression,StringLiteral: decoding a path without "%" leaves it as it is
  if (!pathname.includes('%')) return raw;
  // Stryker disable BlockStatement: an emptied catch returns undefined as well
  try {
    return raw.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

// Stryker restore BlockStatement
/** Case-insensitive match of a fixed (lower-case) path segment. */
const is = (segment: string | undefined, word: string): boolean =>
  // Stryker disable next-line ConditionalExpression: a fast path; no segment of another length lower-cases to an ASCII word
  segment !== undefined && segment.length === word.length && segment.toLowerCase() === word;

// The allowed methods of each resource, shared by every match rather than built per request.
const post = ['POST'] as const;
const getOrDelete = ['GET', 'DELETE'] as const;
const getOrPut = ['GET', 'PUT'] as const;
const deleteOnly = ['DELETE'] as const;

/** Matches a path (without query) to a route and the methods it allows. */
export function matchRoute(pathname: string): RouteMatch {
  const segments = decodeSegments(pathname);
  if (!segments) return { kind: 'bad-path' };
  const [first, second, third, , fifth, , seventh, eighth] = segments;
  if (segments.length === 2 && is(first, 'dev') && is(second, 'tokens')) {
    return { kind: 'route', route: { name: 'dev-tokens' }, methods: post };
  }
  if (is(first, 'handles')) {
    if (segments.length === 1) return { kind: 'route', route: { name: 'handles' }, methods: post };
    // Stryker disable next-line StringLiteral: never used, there are two segments or more here
    const handleId = second ?? '';
    // "query" is the query resource, never a handle id (handle ids are GUIDs).
    if (segments.length === 2 && is(second, 'query')) {
      return { kind: 'route', route: { name: 'handles-query' }, methods: post };
    }
    if (segments.length === 2) {
      return { kind: 'route', route: { name: 'handle', handleId }, methods: getOrDelete };
    }
    if (segments.length === 3 && is(third, 'session')) {
      return { kind: 'route', route: { name: 'handle-session', handleId }, methods: getOrPut };
    }
    return { kind: 'not-found' };
  }
  if (is(first, 'serviceconfigs') && is(third, 'sessiontemplates') && is(fifth, 'sessions')) {
    const ref: SessionRef = {
      // Stryker disable next-line StringLiteral: never used, the third segment matched
      scid: second ?? '',
      // Stryker disable next-line StringLiteral: never used, the fifth segment matched
      templateName: segments[3] ?? '',
      // Stryker disable next-line StringLiteral: a reference without its sixth segment is never routed
      name: segments[5] ?? '',
    };
    if (segments.length === 6)
      return { kind: 'route', route: { name: 'session', ref }, methods: getOrPut };
    if (segments.length === 8 && is(seventh, 'members') && is(eighth, 'me')) {
      return { kind: 'route', route: { name: 'session-member-me', ref }, methods: deleteOnly };
    }
  }
  return { kind: 'not-found' };
}
