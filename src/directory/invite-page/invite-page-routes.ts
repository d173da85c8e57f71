/**
 * `GET /invite/{handleId}`: the web invite page, behind the directory's one HTTP listener and
 * asked before the session routes (like the identity services). Public: no Authorization, no
 * rate limit of the session API (a page costs one handle read and one session read; the
 * connection cap still applies). The request guard has already checked Host and Origin; a
 * browser's GET of a page or its script sends no Origin.
 *
 * Answers: the page (200), the page for a gone invite (404: unknown, expired, deleted or not an
 * invite handle), its script file, a redirect for a trailing slash, 405 for other methods.
 * Headers: a strict Content-Security-Policy (no inline script, the inline style by hash, images
 * and the script from the directory only, no framing, no forms), `no-store` (an invite expires
 * or is withdrawn), `no-referrer` (the URL names the handle), `nosniff`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inviteAppLink } from '../../shared/invite-share-links';
import { webInviteRoute } from '../../shared/invite-routes';
import { stripUnsafePlayerText } from '../../shared/player-text';
import { isPending, type Awaitable } from '../awaitable';
import type { InvitePageFacts } from '../directory-service';
import type { InvitePageOptions } from '../directory-options';
import type { LocalProfile } from '../people/profile';
import { anonymousInviteView } from './anonymous-invite-view';
import { goneInvitePageHtml, invitePageHtml, styleHashSource } from './invite-page-html';
import { pageLanguageOf, pageText, type PageLanguage } from './invite-page-text';
import { openLauncherScript, openLauncherScriptFile } from './open-launcher-script';
import { visitorPlatformOf } from './visitor-platform';

/** `/invite/`, the page's path below the directory's root. */
const invitePagePrefix = `/${webInviteRoute.pathPrefix}`;

/** The game's name when the studio settings give none. */
const defaultGameName = 'Rallypoint';

const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src ${styleHashSource}`,
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': contentSecurityPolicy,
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  vary: 'Accept-Language, User-Agent, Sec-CH-UA-Platform',
} as const;

export interface InvitePageDeps {
  /** The invite handle and its session, or undefined (directory-service.ts). */
  readonly invite: (handleId: string) => Awaitable<InvitePageFacts | undefined>;
  /** The profile service (people/profile.ts). */
  readonly profileOf: (xuid: string) => LocalProfile | undefined;
  readonly options?: InvitePageOptions;
  /** One line per decision, never a token. */
  readonly log: (message: string) => void;
  /** Internal errors (the visitor gets a 500 page). */
  readonly onError: (error: unknown) => void;
}

/** The web invite page's entry point for the listener. */
export class InvitePageRoutes {
  constructor(private readonly deps: InvitePageDeps) {}

  /** Serves the request and returns true when its path is below `/invite/`; else false. */
  handle(request: IncomingMessage, response: ServerResponse, pathname: string): boolean {
    if (!pathname.startsWith(invitePagePrefix)) return false;
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-length': 0 });
      response.end();
      return true;
    }
    const rest = pathname.slice(invitePagePrefix.length);
    if (rest === openLauncherScriptFile) {
      this.#send(request, response, 200, openLauncherScript, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      });
      return true;
    }
    const slash = rest.indexOf('/');
    if (slash > 0 && slash === rest.length - 1) {
      // `/invite/<id>/`: the page's relative links need the form without the slash.
      response.writeHead(308, { location: `../${rest.slice(0, -1)}`, 'content-length': 0 });
      response.end();
      return true;
    }
    const lookup = slash === -1 && rest !== '' ? this.deps.invite(rest) : undefined;
    if (!isPending(lookup)) {
      this.#page(request, response, lookup);
      return true;
    }
    lookup.then(
      (facts) => this.#page(request, response, facts),
      (error: unknown) => this.#fail(response, error),
    );
    return true;
  }

  #page(
    request: IncomingMessage,
    response: ServerResponse,
    facts: InvitePageFacts | undefined,
  ): void {
    try {
      const language = pageLanguageOf(request.headers);
      const text = pageText(language);
      if (facts === undefined) return this.#gone(request, response, language);
      const view = anonymousInviteView(facts, this.deps.profileOf);
      // The handle's context goes into the app link (the game reads it) only when the page may
      // show it; control and format characters never do (player-text.ts).
      const context = view.kind === 'named' ? view.context : undefined;
      const appLink = inviteAppLink({
        handleId: facts.handle.id,
        invitedXuid: facts.handle.invitedXuid ?? '',
        senderXuid: facts.handle.senderXuid ?? '',
        ...(context === undefined ? {} : { context: stripUnsafePlayerText(context) }),
      });
      if (!appLink.ok) {
        this.deps.log(`invite page: the handle makes no app link (${appLink.error})`);
        return this.#gone(request, response, language);
      }
      const platform = visitorPlatformOf(request.headers);
      this.deps.log(`invite page: ${view.kind} view, ${language}, installer for ${platform}`);
      const html = invitePageHtml({
        language,
        text,
        view,
        gameName: this.deps.options?.gameName ?? defaultGameName,
        appLink: appLink.value,
        platform,
        downloads: this.deps.options?.downloads ?? {},
        rootPath: '../',
      });
      this.#send(request, response, 200, html, pageHeaders, { 'content-language': language });
    } catch (error) {
      this.#fail(response, error);
    }
  }

  #gone(request: IncomingMessage, response: ServerResponse, language: PageLanguage): void {
    this.deps.log('invite page: no such invite (404)');
    this.#send(
      request,
      response,
      404,
      goneInvitePageHtml(language, pageText(language)),
      pageHeaders,
      {
        'content-language': language,
      },
    );
  }

  #fail(response: ServerResponse, error: unknown): void {
    this.deps.onError(error);
    if (response.headersSent || response.destroyed) return;
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('Internal server error.');
  }

  #send(
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    body: string,
    headers: Readonly<Record<string, string>>,
    extra: Readonly<Record<string, string>> = {},
  ): void {
    if (response.headersSent || response.destroyed) return;
    response.writeHead(status, {
      ...headers,
      ...extra,
      'content-length': Buffer.byteLength(body),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }
}
