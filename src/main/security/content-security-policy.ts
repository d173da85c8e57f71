/**
 * The response headers every launcher page and asset is served with. The policy allows only the
 * app's own scripts and styles: no inline script (so injected markup cannot run), no remote origin,
 * no network from the page at all (the renderer talks to main over IPC only), no framing, no forms.
 *
 * One exception, for images only: an invite's sender is shown with their profile picture, which
 * lives on the Xbox picture host (`https://images-eds-ssl.xboxlive.com`) or, for the local
 * directory, on a loopback origin whose port is chosen at run time (`src/shared/sender-picture.ts`).
 * Nothing else may load.
 */
import { PICTURE_SOURCES } from '../../shared/sender-picture';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' data: ${PICTURE_SOURCES.join(' ')}`,
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers for every response of the app scheme. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // The bundle changes with every build; a stale cached app.js against a new preload is a bug.
    'Cache-Control': 'no-store',
  };
}
