/**
 * Answers requests of the app scheme (`app://rallypoint/...`) from the built renderer folder.
 *
 * It is written against the web `Request`/`Response` types that Electron's `protocol.handle` uses,
 * with no Electron import, so the exact same function is exercised in tests over plain HTTP and in
 * real Chromium. Only known file types inside the renderer folder are served; everything else,
 * including `..` tricks, encoded separators and other hosts, gets a 404 with the same strict headers.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, isAbsolute, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin';
import { appResponseHeaders } from './content-security-policy';

/** File types the launcher page is made of; source maps only while developing. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

export interface RendererAssetOptions {
  /** Absolute path of the built renderer folder (dist/renderer). */
  readonly root: string;
  /** Serve `.map` files too (development builds only: they reveal source). */
  readonly serveSourceMaps?: boolean;
  /** Scheme and host the request must carry; defaults to the app origin. */
  readonly expectScheme?: string;
  readonly expectHost?: string;
}

/** Why a request was not served; logged by the caller, never shown to the page. */
export type AssetRefusal =
  'wrong-origin' | 'method-not-allowed' | 'bad-path' | 'type-not-served' | 'not-found';

/** A served file, or a refusal. */
export type AssetOutcome =
  | { readonly served: true; readonly path: string; readonly response: Response }
  | { readonly served: false; readonly refusal: AssetRefusal; readonly response: Response };

/**
 * Resolves one request to a file under `root` and answers it. `/` serves `index.html`. Symlinks
 * are resolved before the containment check so a link cannot lead out of the folder.
 */
export async function serveRendererAsset(
  request: Request,
  options: RendererAssetOptions,
): Promise<AssetOutcome> {
  const url = safeUrl(request.url);
  const scheme = options.expectScheme ?? APP_SCHEME;
  const host = options.expectHost ?? APP_HOST;
  if (
    url === undefined ||
    url.protocol !== `${scheme}:` ||
    url.host !== host ||
    url.username !== '' ||
    url.password !== ''
  ) {
    return refuse('wrong-origin', 404);
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return refuse('method-not-allowed', 405);
  }
  const relativePath = decodeAssetPath(url.pathname);
  if (relativePath === undefined) return refuse('bad-path', 404);

  const extension = extname(relativePath).toLowerCase();
  const contentType =
    extension === '.map' && options.serveSourceMaps === true
      ? 'application/json; charset=utf-8'
      : CONTENT_TYPES[extension];
  if (contentType === undefined) return refuse('type-not-served', 404);

  const root = resolve(options.root);
  const candidate = resolve(root, relativePath);
  // Stryker disable next-line ConditionalExpression,StringLiteral: only Windows reaches it (a drive segment such as D:x); tests run on POSIX
  if (!isInside(root, candidate)) return refuse('bad-path', 404);
  let realFile: string;
  try {
    realFile = await realpath(candidate);
    const realRoot = await realpath(root);
    if (!isInside(realRoot, realFile) || !(await stat(realFile)).isFile()) {
      return refuse('not-found', 404);
    }
  } catch {
    return refuse('not-found', 404);
  }
  const body = request.method === 'HEAD' ? null : await readFile(realFile);
  return {
    served: true,
    path: realFile,
    response: new Response(body, { status: 200, headers: appResponseHeaders(contentType) }),
  };
}

function refuse(refusal: AssetRefusal, status: number): AssetOutcome {
  return {
    served: false,
    refusal,
    response: new Response(null, {
      status,
      headers: appResponseHeaders('text/plain; charset=utf-8'),
    }),
  };
}

function safeUrl(raw: string): URL | undefined {
  // Stryker disable BlockStatement: an empty catch block returns undefined as well
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

// Stryker restore BlockStatement

/**
 * Turns the URL path into a relative file path, or undefined when it smells: encoded slashes or
 * backslashes, NUL, dot segments that survived URL normalisation, or a path that is not valid
 * percent-encoding. Exported so each of these layers is tested on its own: the URL parser in
 * front of it already resolves most dot segments, so a request alone cannot show one layer missing.
 */
export function decodeAssetPath(pathname: string): string | undefined {
  const raw = pathname === '/' || pathname === '' ? '/index.html' : pathname;
  if (/%2f|%5c|%00/i.test(raw)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((segment) => segment.length > 0);
  if (segments.length === 0) return undefined;
  if (segments.some((segment) => segment === '.' || segment === '..')) return undefined;
  return segments.join(sep);
}

/**
 * True when `candidate` is a normalised path strictly inside `root` (not `root` itself). Checked
 * before and after symlinks are resolved; exported to be tested on its own, like the decoder.
 */
export function isInside(root: string, candidate: string): boolean {
  const path = relative(root, candidate);
  return (
    path.length > 0 && !path.startsWith('..') && !isAbsolute(path) && join(root, path) === candidate
  );
}
