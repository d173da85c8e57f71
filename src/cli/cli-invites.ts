/**
 * `rallypoint invites`: the inbox on the command line. Lists, for the signed-in account (or the
 * `--xuid` development identity), the invites sent to them and the games of people they follow
 * that they can join, newest first and numbered, exactly as the window's inbox does (the same
 * src/main/inbox code); `rallypoint activate --invite N` accepts the Nth. One JSON object a line
 * with `--json`. Names and context are other players' text, already through the player-text rule,
 * so nothing in them can move the terminal's cursor or colours.
 */
import { createInboxPlayer } from '../main/inbox/inbox-player';
import { defaultGameTitle } from '../main/join/launcher-config';
import type { InboxItem } from '../shared/inbox-view';
import type { CliIo } from './cli-io';
import { exitCodes } from './cli-exit-codes';
import { inboxErrorExitCodes, inboxErrorText } from './cli-inbox-errors';
import type { InvitesOptions } from './cli-invites-args';
import { cliLog } from './cli-log';
import { cliPlayer, cliPlayerTokens } from './cli-play';

/** "5 minutes ago", in English, for the listing. */
function ago(epochMs: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - epochMs) / 1000));
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  if (seconds < 60) return format.format(-seconds, 'second');
  if (seconds < 3600) return format.format(-Math.round(seconds / 60), 'minute');
  if (seconds < 86_400) return format.format(-Math.round(seconds / 3600), 'hour');
  return format.format(-Math.round(seconds / 86_400), 'day');
}

/** One listed item, as a line of text. */
function itemLine(item: InboxItem, index: number, now: number): string {
  const who = item.from ?? 'a friend';
  const parts = [item.kind === 'invite' ? `${who} invited you` : `${who} is playing`];
  if (item.context !== undefined) parts.push(`"${item.context}"`);
  if (item.membersCount !== undefined && item.maxMembersCount !== undefined) {
    parts.push(`${item.membersCount} of ${item.maxMembersCount} players`);
  }
  parts.push(ago(item.postedAt, now));
  return `  ${index}. ${parts.join(' · ')}  (handle ${item.handleId})`;
}

/** One listed item, as the JSON object `--json` prints. */
function itemJson(item: InboxItem, index: number): Record<string, unknown> {
  return {
    index,
    ...item,
    postedAt: new Date(item.postedAt).toISOString(),
    expiresAt: new Date(item.expiresAt).toISOString(),
  };
}

/** `rallypoint invites`. */
export async function runInvites(options: InvitesOptions, io: CliIo): Promise<number> {
  const directoryUrl = options.directory;
  if (directoryUrl === undefined) {
    io.err('rallypoint: invites needs --directory URL (the embedded directory has no invites)');
    return exitCodes.usage;
  }
  const player = await cliPlayer(options, directoryUrl, io);
  const log = cliLog(options, io);
  const inbox = createInboxPlayer({
    directoryUrl,
    xuid: player.xuid,
    tokens: cliPlayerTokens(player, options, directoryUrl),
    scid: options.scid ?? defaultGameTitle.scid,
    // Development identities are named by the directory's own profile service.
    profileUrl:
      player.profileUrl ?? `${directoryUrl.replace(/\/+$/, '')}/users/batch/profile/settings`,
    ...(log ? { log } : {}),
  });
  const read = await inbox.read(AbortSignal.timeout(30_000));
  if (!read.ok) {
    io.err(`rallypoint: ${inboxErrorText[read.error.code]}`);
    if (options.verbose) io.err(`log: ${read.error.message}`);
    return inboxErrorExitCodes[read.error.code];
  }
  const now = Date.now();
  read.value.forEach((item, position) => {
    io.out(
      options.json
        ? JSON.stringify(itemJson(item, position + 1))
        : itemLine(item, position + 1, now),
    );
  });
  if (read.value.length === 0 && !options.json) io.out('  No invites right now.');
  return exitCodes.joined;
}
