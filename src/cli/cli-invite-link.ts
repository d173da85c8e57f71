/**
 * `rallypoint invite-link <handle | invite-link>`: prints the two shareable forms of one invite,
 * the `rallypoint://` app link and the https web link (src/shared/invite-share-links.ts). The web
 * link's base is `--web-base`, else `--directory`, else `RALLYPOINT_DIRECTORY_URL` (the launcher's
 * setting of the same name). It only formats: no directory is asked, nothing secret is printed.
 */
import { guidPattern } from '../shared/guid';
import {
  defaultInviteLinkConfig,
  isInviteLinkScheme,
  leadingScheme,
  parseInviteLink,
} from '../shared/invite-link';
import { inviteShareLinks, type ShareableInvite } from '../shared/invite-share-links';
import { err, ok, type Result } from '../shared/result';
import type { CliIo } from './cli-io';
import { exitCodes } from './cli-exit-codes';

export interface InviteLinkOptions {
  /** A handle id (then `invited` and `sender` are needed) or any accepted invite link. */
  readonly handle: string;
  readonly invited?: string;
  readonly sender?: string;
  readonly context?: string;
  readonly webBase?: string;
  readonly directory?: string;
  readonly json: boolean;
}

/** The invite the argument names, or why it names none. */
function shareableInvite(options: InviteLinkOptions): Result<ShareableInvite, string> {
  const scheme = leadingScheme(options.handle);
  if (scheme !== undefined && isInviteLinkScheme(scheme, defaultInviteLinkConfig)) {
    if (options.invited !== undefined || options.sender !== undefined)
      return err('--invited and --sender come from the link; give a handle id to set them');
    const parsed = parseInviteLink(options.handle, defaultInviteLinkConfig);
    if (!parsed.ok) return err(`the invite link is refused: ${parsed.error.message}`);
    if (parsed.invite.kind !== 'invite')
      return err('an activityHandleJoin link is no invite: it has no web form');
    const context = options.context ?? parsed.invite.context;
    return ok({
      handleId: parsed.invite.handleId,
      invitedXuid: parsed.invite.localXuid,
      senderXuid: parsed.invite.remoteXuid,
      ...(context === undefined ? {} : { context }),
    });
  }
  if (!guidPattern.test(options.handle))
    return err('invite-link needs an invite handle id (a GUID) or an invite link');
  if (options.invited === undefined || options.sender === undefined)
    return err('with a handle id, give --invited XUID and --sender XUID (the app link names both)');
  return ok({
    handleId: options.handle,
    invitedXuid: options.invited,
    senderXuid: options.sender,
    ...(options.context === undefined ? {} : { context: options.context }),
  });
}

/** Runs the command; `env` is a parameter so tests need not touch the process's. */
export function runInviteLink(
  options: InviteLinkOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const base = options.webBase ?? options.directory ?? env.RALLYPOINT_DIRECTORY_URL;
  if (base === undefined || base === '') {
    io.err(
      'rallypoint: invite-link needs the base of the web link: --web-base URL or --directory URL',
    );
    return exitCodes.usage;
  }
  const invite = shareableInvite(options);
  const links = invite.ok ? inviteShareLinks(invite.value, base) : invite;
  if (!links.ok) {
    io.err(`rallypoint: ${links.error}`);
    return exitCodes.invalidLink;
  }
  if (options.json) io.out(JSON.stringify(links.value));
  else {
    io.out(`app: ${links.value.appLink}`);
    io.out(`web: ${links.value.webLink}`);
  }
  return exitCodes.joined;
}
