/**
 * What the launcher's web contents may load, navigate to and open. The page is the app's own and
 * never needs the web: every navigation away from the app origin, every new window and every
 * network request from the renderer is refused. The only way out is an https link whose origin a
 * studio put on the external-link allowlist, and that opens in the player's browser, not in-app.
 */
import { isAppUrl } from './app-origin';

/** Schemes the renderer may request: its own pages, inline images, and the devtools' own pages. */
const ALLOWED_REQUEST_SCHEMES = new Set(['app:', 'data:', 'devtools:', 'chrome-extension:']);

/** True when an in-window navigation (link, redirect, `location =`) may proceed. */
export function mayNavigate(url: string): boolean {
  return isAppUrl(url);
}

/** True when the renderer may make this request at all (checked in the session's webRequest). */
export function mayRequest(url: string): boolean {
  // Stryker disable next-line OptionalChaining: a match always has its [0]
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0]?.toLowerCase();
  // Stryker disable next-line ConditionalExpression: the allowed schemes do not hold undefined either
  if (scheme === undefined) return false;
  if (!ALLOWED_REQUEST_SCHEMES.has(scheme)) return false;
  return scheme !== 'app:' || isAppUrl(url);
}

/**
 * The URL to hand to the system browser for a `window.open`/target=_blank request, or undefined to
 * just deny it. Only https, no credentials, exact origin match against the allowlist.
 */
export function externalLinkTarget(
  url: string,
  allowedOrigins: readonly string[],
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') {
    return undefined;
  }
  return allowedOrigins.includes(parsed.origin) ? parsed.href : undefined;
}
