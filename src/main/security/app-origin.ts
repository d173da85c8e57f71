/**
 * The launcher window's own origin. The page is served from a privileged custom scheme instead of
 * file:// because Chromium refuses module scripts from file://, a file:// page shares its origin with
 * every other local file, and a custom scheme lets main attach a strict Content-Security-Policy as a
 * real response header. Everything that decides "is this our page?" (IPC sender checks, navigation
 * guards) compares against the constants here, so the origin is defined exactly once.
 */

/** Scheme registered as standard + secure before `ready`; never the invite scheme (`rallypoint:`). */
export const APP_SCHEME = 'app';

/** The only host the scheme answers for; anything else is a 404. */
export const APP_HOST = 'rallypoint';

const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Where the window starts. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True when `url` is a page of the launcher itself. Node's URL reports the origin of non-special
 * schemes as "null", so scheme and host are compared explicitly; credentials or a port make it a
 * different (crafted) origin. Node keeps a non-special host's case where Chromium, which knows the
 * scheme as standard, lowers it, so the host is compared case-insensitively.
 */
export function isAppUrl(url: string | undefined | null): boolean {
  if (typeof url !== 'string') return false;
  // Stryker disable next-line ConditionalExpression: without it new URL('') throws, and the catch says false too
  if (url.length === 0) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname.toLowerCase() === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
