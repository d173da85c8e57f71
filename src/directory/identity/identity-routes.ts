/**
 * The local identity and people services behind the directory's one HTTP listener. The session
 * directory's own routing asks {@link IdentityRoutes.handle} first; a path that belongs to none of
 * these services is left to it untouched, so session code never sees identity concerns.
 *
 * Content types: OAuth's endpoints and the sign-in pages' forms are
 * `application/x-www-form-urlencoded` (RFC 6749, RFC 8628, HTML forms); the Xbox token and profile
 * services are JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock';
import type { CallerIdentity, DevTokenRegistry } from '../dev-tokens';
import { userHashOf } from '../dev-tokens';
import { readJsonBody } from '../request-body';
import { LocalProfiles, picturePathPrefix } from '../people/profile';
import { followedPeople, peoplePathPattern } from '../people/social';
import { presenceBatch, presenceBatchPath, type PresenceFacts } from '../people/presence';
import { DevAccountStore } from './dev-accounts';
import { readFormBody } from './form-body';
import type { IdentityAnswer } from './identity-answer';
import { authorizePath, deviceLinkPath, LocalOAuth, type IdentityLifetimes } from './oauth';
import { LocalUserTokens } from './user-token';
import { LocalXsts } from './xsts';

const tokenPath = '/consumers/oauth2/v2.0/token';
const deviceCodePath = '/consumers/oauth2/v2.0/devicecode';
const userAuthenticatePath = '/user/authenticate';
const xstsAuthorizePath = '/xsts/authorize';
const profileSettingsPath = '/users/batch/profile/settings';

/** First letters (lower case) of every path served here: c(onsumers), l(ink), u(ser), x(sts), p(eople). */
const identityInitials = new Set([0x63, 0x6c, 0x75, 0x78, 0x70]);

/** Pages served to a browser: they may be framed by nothing and cached by nobody. */
const pageHeaders = {
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  // Browsers apply form-action to the redirect a form's answer makes, so the loopback
  // redirect URIs of RFC 8252 are allowed too.
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:* http://[::1]:*",
} as const;

function send(response: ServerResponse, answer: IdentityAnswer): void {
  if (response.headersSent || response.destroyed) return;
  switch (answer.kind) {
    case 'json': {
      const body = JSON.stringify(answer.body);
      response.writeHead(answer.status, {
        ...answer.headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
        pragma: 'no-cache',
      });
      response.end(body);
      return;
    }
    case 'html':
      response.writeHead(answer.status, {
        ...pageHeaders,
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(answer.html),
      });
      response.end(answer.html);
      return;
    case 'redirect':
      response.writeHead(302, { location: answer.location, 'cache-control': 'no-store' });
      response.end();
      return;
    case 'bytes':
      response.writeHead(answer.status, {
        'content-type': answer.contentType,
        'content-length': Buffer.byteLength(answer.body),
        'cache-control': 'max-age=3600',
      });
      response.end(answer.body);
      return;
    case 'empty':
      response.writeHead(answer.status, { 'cache-control': 'no-store', 'content-length': 0 });
      response.end();
      return;
  }
}

export interface IdentityRoutesOptions {
  readonly tokens: DevTokenRegistry;
  readonly clock: Clock;
  readonly lifetimes: IdentityLifetimes;
  readonly titleId: string;
  readonly sandbox: string;
  /** The directory's own base URL, known once it listens (never taken from a Host header). */
  readonly publicUrl: () => string;
  /** Who is online, for the presence service; without it everyone reads as offline. */
  readonly isOnline?: PresenceFacts['isOnline'];
}

/** The emulated services and the one entry point the listener calls. */
export class IdentityRoutes {
  readonly accounts = new DevAccountStore();
  readonly oauth: LocalOAuth;
  readonly userTokens: LocalUserTokens;
  readonly xsts: LocalXsts;
  readonly profiles: LocalProfiles;

  constructor(private readonly options: IdentityRoutesOptions) {
    const { clock, lifetimes, tokens, publicUrl } = options;
    this.oauth = new LocalOAuth(this.accounts, clock, lifetimes, publicUrl);
    this.userTokens = new LocalUserTokens(
      (token) => this.oauth.accountOfAccessToken(token),
      userHashOf,
      clock,
      lifetimes.userTokenMs,
    );
    this.xsts = new LocalXsts({
      tokens,
      userTokenAccount: (token) => this.userTokens.accountOf(token),
      clock,
      lifetimeMs: lifetimes.xstsTokenMs,
      titleId: options.titleId,
      sandbox: options.sandbox,
    });
    this.profiles = new LocalProfiles({
      gamertagOf: (xuid) => this.accounts.get(xuid)?.gamertag ?? tokens.gamertagOf(xuid),
      publicUrl,
    });
  }

  /**
   * Serves the request when its path belongs to an identity or people service and returns true;
   * returns false (having touched nothing) otherwise. Never throws: `onError` gets internal errors.
   */
  handle(request: IncomingMessage, response: ServerResponse, pathname: string): boolean {
    // Session traffic (/handles, /serviceconfigs, /dev) is turned away by its first letter,
    // before anything is allocated: this runs in front of every join.
    if (!identityInitials.has(pathname.charCodeAt(1) | 0x20)) return false;
    const path = pathname.toLowerCase().replace(/\/+$/, '');
    const method = request.method ?? 'GET';
    const rawUrl = request.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const query = new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1));
    const only = (allowed: string, serve: () => void): true => {
      if (method === allowed) serve();
      else {
        response.writeHead(405, { allow: allowed, 'content-length': 0 });
        response.end();
      }
      return true;
    };
    const withForm = (serve: (form: URLSearchParams) => IdentityAnswer) =>
      readFormBody(request, (read) =>
        send(response, read.ok ? serve(read.form) : { kind: 'empty', status: 400 }),
      );
    const withJson = (serve: (body: unknown) => IdentityAnswer) =>
      readJsonBody(request, (read) =>
        send(response, read.ok ? serve(read.value) : { kind: 'empty', status: 400 }),
      );
    // The people services answer signed-in callers only (401 otherwise), with the contract
    // version they asked for.
    const asCaller = (
      serve: (caller: CallerIdentity, contract: string | undefined) => void,
    ): void => {
      const auth = this.options.tokens.verify(request.headers.authorization);
      if (!auth.ok) {
        send(response, { kind: 'empty', status: 401 });
        return;
      }
      const contract = request.headers['x-xbl-contract-version'];
      serve(auth.identity, Array.isArray(contract) ? contract[0] : contract);
    };
    switch (path) {
      case authorizePath:
        if (method === 'GET') send(response, this.oauth.authorizePage(query));
        else only('POST', () => withForm((form) => this.oauth.authorizeSubmit(form)));
        return true;
      case deviceLinkPath:
        if (method === 'GET') send(response, this.oauth.deviceLinkPage(query));
        else only('POST', () => withForm((form) => this.oauth.deviceLinkSubmit(form)));
        return true;
      case tokenPath:
        return only('POST', () => withForm((form) => this.oauth.token(form)));
      case deviceCodePath:
        return only('POST', () => withForm((form) => this.oauth.deviceCode(form)));
      case userAuthenticatePath:
        return only('POST', () => withJson((body) => this.userTokens.authenticate(body)));
      case xstsAuthorizePath:
        return only('POST', () => withJson((body) => this.xsts.authorize(body)));
      case profileSettingsPath:
        return only('POST', () =>
          asCaller((_caller, contract) =>
            withJson((body) => this.profiles.batchSettings(body, contract)),
          ),
        );
      case presenceBatchPath:
        return only('POST', () =>
          asCaller((caller, contract) => {
            const facts: PresenceFacts = {
              isOnline: this.options.isOnline ?? (() => false),
              follows: (follower, followed) =>
                this.options.tokens.followsOf(follower)?.includes(followed) === true,
            };
            withJson((body) => presenceBatch(caller, body, contract, facts));
          }),
        );
      default:
        if (peoplePathPattern.test(path)) {
          return only('GET', () =>
            asCaller((caller, contract) => {
              const xuid = peoplePathPattern.exec(path)?.[1] ?? '';
              send(response, followedPeople(caller, xuid, contract));
            }),
          );
        }
        if (path.startsWith(picturePathPrefix)) {
          return only('GET', () =>
            send(response, this.profiles.picture(path.slice(picturePathPrefix.length))),
          );
        }
        return false;
    }
  }
}
