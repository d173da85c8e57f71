/**
 * The `app://rallypoint` scheme the launcher page is served from. It is registered as standard and
 * secure (so relative URLs, module scripts and storage behave like https) but deliberately not
 * `bypassCSP` (the Content-Security-Policy header must apply), not `corsEnabled` (other origins
 * must not read the app's files; same-origin module scripts do not need it) and without service
 * workers or fetch support (the page fetches nothing).
 */
import { protocol, type CustomScheme, type Session } from 'electron';
import type { Logger } from '../logging/logger';
import { APP_SCHEME } from '../security/app-origin';
import { serveRendererAsset } from '../security/renderer-assets';

export const appScheme: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    codeCache: true,
    bypassCSP: false,
    corsEnabled: false,
    supportFetchAPI: false,
    allowServiceWorkers: false,
    stream: false,
  },
};

/**
 * Must run before `ready`, synchronously in the entry module. Electron keeps only the last call's
 * list, so this is the one place the launcher registers privileged schemes.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([appScheme]);
}

export interface ServeAppOptions {
  /** Absolute path of dist/renderer. */
  readonly root: string;
  readonly devMode: boolean;
  readonly log: Logger;
}

/** Answers the scheme from the renderer folder on `session`; refused requests are logged. */
export function serveAppScheme(session: Session, options: ServeAppOptions): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const outcome = await serveRendererAsset(request, {
      root: options.root,
      serveSourceMaps: options.devMode,
    });
    if (!outcome.served) options.log.warn('refused app request', outcome.refusal, request.url);
    return outcome.response;
  });
}
