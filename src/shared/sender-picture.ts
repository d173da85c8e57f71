/**
 * Where an invite sender's picture may load from: one rule shared by main (the CSP it serves and
 * the filter it applies before a URL reaches the window) and the renderer (which draws nothing
 * else), so the three can never disagree. Xbox Live's picture host over https, and plain http only
 * on this machine, where the embedded or a local directory serves `/people/pictures/` on a port
 * chosen at run time.
 */

/** The CSP sources for `img-src`, in the order the policy lists them. */
export const PICTURE_SOURCES = [
  'https://images-eds-ssl.xboxlive.com',
  'http://127.0.0.1:*',
  'http://localhost:*',
] as const;

/**
 * Picture URLs in the canonical form a URL parser prints them (lower-case scheme and host, a path
 * from the first `/`): nothing may sit between scheme and host (no credentials), and no backslash,
 * quote, angle bracket or space anywhere. Written as patterns because shared code has no `URL`.
 */
const allowedPictures = [
  /^https:\/\/images-eds-ssl\.xboxlive\.com\/[^\s"'<>\\]*$/,
  /^http:\/\/(?:127\.0\.0\.1|localhost)(?::\d{1,5})?\/[^\s"'<>\\]*$/,
];

/** `value` when it is a picture {@link PICTURE_SOURCES} allow, else undefined. */
export function allowedPictureUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 2048) return undefined;
  return allowedPictures.some((pattern) => pattern.test(value)) ? value : undefined;
}
