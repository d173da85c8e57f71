/**
 * Where sign-in goes: the OAuth authority and client id, the Xbox sandbox and the URLs of the
 * user-token, XSTS and profile services. A studio points these at Microsoft's services
 * ({@link microsoftSignInSettings}); the embedded directory serves all of them itself
 * ({@link localSignInSettings}), so the same code signs in against both (docs/sign-in.md).
 */
import { err, ok, type Result } from '../../shared/result';

export interface SignInSettings {
  /** The application (client) id registered with the Microsoft identity platform. */
  readonly clientId: string;
  /** OAuth authority; endpoints are `<authority>/oauth2/v2.0/{authorize,token,devicecode}`. */
  readonly authority: string;
  readonly scope: string;
  /** The Xbox Live sandbox XSTS tokens are requested for (`RETAIL` for players). */
  readonly sandbox: string;
  readonly userTokenUrl: string;
  readonly xstsUrl: string;
  readonly profileUrl: string;
  /** The relying party whose XSTS token the session directory accepts. */
  readonly relyingParty: string;
}

/** Scope of an Xbox Live sign-in that can refresh itself. */
const xboxScope = 'XboxLive.signin offline_access';

/** The client id the local directory's development sign-in uses (any id works there). */
const localClientId = '00000000-0000-4000-8000-0000000000aa';

/** Microsoft's services; a studio supplies its own client id. */
export function microsoftSignInSettings(clientId: string, sandbox = 'RETAIL'): SignInSettings {
  return {
    clientId,
    authority: 'https://login.microsoftonline.com/consumers',
    scope: xboxScope,
    sandbox,
    userTokenUrl: 'https://user.auth.xboxlive.com/user/authenticate',
    xstsUrl: 'https://xsts.auth.xboxlive.com/xsts/authorize',
    profileUrl: 'https://profile.xboxlive.com/users/batch/profile/settings',
    relyingParty: 'http://xboxlive.com',
  };
}

/** The embedded (or any local) directory playing every service. */
export function localSignInSettings(directoryUrl: string): SignInSettings {
  const base = directoryUrl.replace(/\/+$/, '');
  return {
    clientId: localClientId,
    authority: `${base}/consumers`,
    scope: xboxScope,
    sandbox: 'RETAIL',
    userTokenUrl: `${base}/user/authenticate`,
    xstsUrl: `${base}/xsts/authorize`,
    profileUrl: `${base}/users/batch/profile/settings`,
    relyingParty: 'http://xboxlive.com',
  };
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a URL is plain http on this machine (allowed only there: tokens travel in it). */
export function isLoopbackHttp(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && loopbackHosts.has(url.hostname);
  } catch {
    return false;
  }
}

/** Checks every URL is https, or http on loopback; names the first bad setting. */
export function checkSignInSettings(settings: SignInSettings): Result<SignInSettings, string> {
  if (settings.clientId.trim() === '') return err('signIn.clientId is empty');
  const urls = {
    authority: settings.authority,
    userTokenUrl: settings.userTokenUrl,
    xstsUrl: settings.xstsUrl,
    profileUrl: settings.profileUrl,
  };
  for (const [name, value] of Object.entries(urls)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return err(`signIn.${name} is not a URL`);
    }
    if (url.username || url.password) return err(`signIn.${name} must not carry credentials`);
    if (url.protocol !== 'https:' && !isLoopbackHttp(value)) {
      return err(
        `signIn.${name} must be https:// (plain http:// only on 127.0.0.1, localhost, [::1])`,
      );
    }
  }
  return ok(settings);
}
