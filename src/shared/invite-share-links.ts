/**
 * The two links a player can share for one invite: the app form (`rallypoint://inviteHandleAccept…`,
 * what the operating system hands the launcher) and the web form (`https://…/invite/{handleId}`,
 * what chat apps make clickable). `rallypoint invite-link` prints both, and the launcher can build
 * the same; the forms themselves are declared in invite-routes.ts.
 */
import { canonicalXuid, defaultInviteLinkConfig, maxInviteContextLength } from './invite-link';
import { inviteRoutes, webInviteRoute } from './invite-routes';
import { guidPattern } from './guid';
import { unsafePlayerTextKind } from './player-text';
import { err, ok, type Result } from './result';

/** What an invite link names: the handle, who is invited and who sent it, and a title context. */
export interface ShareableInvite {
  readonly handleId: string;
  readonly invitedXuid: string;
  readonly senderXuid: string;
  readonly context?: string;
}

export interface InviteShareLinks {
  /** `rallypoint://inviteHandleAccept?handle=…&invitedXuid=…&senderXuid=…[&context=…]` */
  readonly appLink: string;
  /** `<base>/invite/<handleId>` */
  readonly webLink: string;
}

/**
 * A base URL for web invite links: `https://` (or `http://` for a local directory), with no
 * query, fragment or credentials; ends with `/` so paths resolve beneath it.
 */
export function webInviteBase(raw: string): Result<string, string> {
  // Shared code has no WHATWG URL (no DOM or Node types here): a strict grammar instead.
  const parts =
    /^(https?):\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(\/[^?#\s]*)?$/i.exec(raw);
  if (parts === null)
    return err(
      'the web invite base must be an https:// (or http://) URL with no credentials, query or fragment',
    );
  const [, scheme = '', host = '', port = '', path = '/'] = parts;
  const base = `${scheme.toLowerCase()}://${host.toLowerCase()}${port}${path}`;
  return ok(base.endsWith('/') ? base : `${base}/`);
}

/**
 * The app form of an invite, or why it cannot be made (a handle that is not a GUID, an invalid
 * XUID, a context with control or format characters or over 256 characters). Never throws.
 */
export function inviteAppLink(
  invite: ShareableInvite,
  scheme: string = defaultInviteLinkConfig.schemes[0] ?? 'rallypoint',
): Result<string, string> {
  const handleId = invite.handleId.toLowerCase();
  if (!guidPattern.test(handleId) || /^[0-]+$/.test(handleId))
    return err('the handle is not a GUID (8-4-4-4-12 hexadecimal digits)');
  const invitedXuid = canonicalXuid(invite.invitedXuid);
  const senderXuid = canonicalXuid(invite.senderXuid);
  if (invitedXuid === undefined) return err('the invited XUID is not a valid XUID');
  if (senderXuid === undefined) return err('the sender XUID is not a valid XUID');
  if (invite.context !== undefined && unsafePlayerTextKind(invite.context) !== undefined)
    return err('the context holds control or format characters');
  if (invite.context !== undefined && [...invite.context].length > maxInviteContextLength)
    return err(`the context is longer than ${maxInviteContextLength} characters`);
  const route = inviteRoutes[0];
  const query = [
    `handle=${handleId}`,
    `${route.localParam}=${invitedXuid}`,
    `${route.remoteParam}=${senderXuid}`,
    ...(invite.context ? [`context=${encodeURIComponent(invite.context)}`] : []),
  ].join('&');
  return ok(`${scheme}://${route.action}?${query}`);
}

/** Both links for an invite, or why they cannot be made ({@link inviteAppLink}, a bad base). */
export function inviteShareLinks(
  invite: ShareableInvite,
  webBase: string,
  scheme?: string,
): Result<InviteShareLinks, string> {
  const appLink = inviteAppLink(invite, scheme);
  if (!appLink.ok) return appLink;
  const base = webInviteBase(webBase);
  if (!base.ok) return base;
  return ok({
    appLink: appLink.value,
    webLink: `${base.value}${webInviteRoute.pathPrefix}${invite.handleId.toLowerCase()}`,
  });
}
