/**
 * Maps a request path onto one of the directory's resources. Fixed path segments are matched
 * case-insensitively (XSAPI writes `sessionTemplates`, the docs `sessiontemplates`); the methods a
 * resource allows are part of the match so a wrong verb answers 405 with `Allow`.
 */
import type { SessionRef } from './directory-options';

export type Route =
  | { readonly name: 'dev-tokens' }
  | { readonly name: 'handles' }
  | { readonly name: 'handle'; readonly handleId: string }
  | { readonly name: 'handle-session'; readonly handleId: string }
  | { readonly name: 'session'; readonly ref: SessionRef }
  | { readonly name: 'session-member-me'; readonly ref: SessionRef };

export type RouteMatch =
  | { readonly kind: 'route'; readonly route: Route; readonly methods: readonly string[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'bad-path' };

function decodeSegments(pathname: string): string[] | undefined {
  const trimmed = pathname.replace(/^\/+/, '').replace(/\/+$/, '');
  const raw = trimmed === '' ? [] : trimmed.split('/');
  if (!pathname.includes('%')) return raw;
  try {
    return raw.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

/** Matches a path (without query) to a route and the methods it allows. */
export function matchRoute(pathname: string): RouteMatch {
  const segments = decodeSegments(pathname);
  if (!segments) return { kind: 'bad-path' };
  const lower = segments.map((segment) => segment.toLowerCase());
  const [first, second, third, , fifth, , seventh, eighth] = lower;
  if (first === 'dev' && second === 'tokens' && segments.length === 2) {
    return { kind: 'route', route: { name: 'dev-tokens' }, methods: ['POST'] };
  }
  if (first === 'handles') {
    if (segments.length === 1)
      return { kind: 'route', route: { name: 'handles' }, methods: ['POST'] };
    const handleId = segments[1] ?? '';
    if (segments.length === 2) {
      return { kind: 'route', route: { name: 'handle', handleId }, methods: ['GET', 'DELETE'] };
    }
    if (segments.length === 3 && third === 'session') {
      return {
        kind: 'route',
        route: { name: 'handle-session', handleId },
        methods: ['GET', 'PUT'],
      };
    }
    return { kind: 'not-found' };
  }
  if (first === 'serviceconfigs' && third === 'sessiontemplates' && fifth === 'sessions') {
    const ref: SessionRef = {
      scid: segments[1] ?? '',
      templateName: segments[3] ?? '',
      name: segments[5] ?? '',
    };
    if (segments.length === 6)
      return { kind: 'route', route: { name: 'session', ref }, methods: ['GET', 'PUT'] };
    if (segments.length === 8 && seventh === 'members' && eighth === 'me') {
      return { kind: 'route', route: { name: 'session-member-me', ref }, methods: ['DELETE'] };
    }
  }
  return { kind: 'not-found' };
}
