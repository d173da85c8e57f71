/**
 * The response headers every launcher page and asset is served with. The policy allows only the
 * app's own scripts and styles: no inline script (so injected markup cannot run), no remote origin,
 * no network from the page at all (the renderer talks to main over IPC only), no framing, no forms.
 */

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
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
