/**
 * `rallypoint invite <xuid|gamertag>…`: sends one invite handle per friend into the game's
 * session, through the same sender the game channel uses. The session, directory and player come
 * from the flags, else from the `rallypoint play` running on this machine (cli-play-state.ts).
 * Gamertags are looked up among the people the player follows. One line per friend (one JSON
 * object with --json); exit 0 when every invite was sent, else the code of the first failure.
 */
import { listFriends } from '../main/invite/friends-list';
import { sendInvites, type InviteOutcome } from '../main/invite/invite-sender';
import { createDirectoryClient } from '../main/join/directory-client';
import { defaultGameTitle } from '../main/join/launcher-config';
import { inviteErrorText, type InviteErrorCode } from '../shared/invite-send-text';
import type { CliIo } from './cli-io';
import { exitCodes } from './cli-exit-codes';
import type { InviteOptions } from './cli-play-args';
import { cliLog } from './cli-log';
import { cliPlayer, cliPlayerTokens } from './cli-play';
import { readPlayState } from './cli-play-state';

/** Exit code per invite failure (docs/game-channel.md, "Command line"). */
const inviteErrorExitCodes: Readonly<Record<InviteErrorCode, number>> = {
  'not-signed-in': 46,
  'not-in-session': 50,
  'session-full': 51,
  'not-allowed': 52,
  'rate-limited': 53,
  'unknown-player': 54,
  'already-in-session': 55,
  'directory-unavailable': 56,
  unauthorized: 57,
  'malformed-response': 58,
};

/** `rallypoint invite`. */
export async function runInvite(options: InviteOptions, io: CliIo): Promise<number> {
  const state = readPlayState();
  const directoryUrl = options.directory ?? state?.directoryUrl;
  const sessionRef = options.session ?? state?.sessionRef;
  if (directoryUrl === undefined || sessionRef === undefined) {
    io.err(
      'rallypoint: invite needs --directory and --session, or a `rallypoint play` hosting a session on this machine',
    );
    return exitCodes.usage;
  }
  const player = await cliPlayer(
    {
      ...options,
      ...(options.xuid === undefined && state
        ? { xuid: state.xuid, gamertag: state.gamertag }
        : {}),
    },
    directoryUrl,
    io,
  );
  const log = cliLog(options, io);
  const calls = createDirectoryClient({
    baseUrl: directoryUrl,
    tokens: cliPlayerTokens(player, options, directoryUrl),
    ...(log ? { log } : {}),
  });
  const signal = AbortSignal.timeout(30_000);

  // Gamertags are names of people the player follows; XUIDs are taken as they are.
  const names = new Map<string, string>();
  const xuids: string[] = [];
  const outcomes: InviteOutcome[] = [];
  const gamertags = options.friends.filter((friend) => !/^\d{1,20}$/.test(friend));
  const friends = gamertags.length > 0 ? await listFriends(calls, player.xuid, signal) : undefined;
  for (const friend of options.friends) {
    if (/^\d{1,20}$/.test(friend)) {
      xuids.push(friend);
      continue;
    }
    const found = friends?.ok
      ? friends.value.find((entry) => entry.gamertag?.toLowerCase() === friend.toLowerCase())
      : undefined;
    if (found) {
      names.set(found.xuid, found.gamertag ?? friend);
      xuids.push(found.xuid);
    } else {
      names.set(friend, friend);
      outcomes.push({
        xuid: friend,
        ok: false,
        failure:
          friends && !friends.ok
            ? friends.error
            : { code: 'unknown-player', message: 'not among the people the player follows' },
      });
    }
  }
  if (xuids.length > 0) {
    const sent = await sendInvites(
      { calls, senderXuid: player.xuid, title: defaultGameTitle, ...(log ? { log } : {}) },
      { sessionRef, xuids, ...(options.context === undefined ? {} : { context: options.context }) },
      signal,
    );
    if (sent.ok) outcomes.push(...sent.value);
    else for (const xuid of xuids) outcomes.push({ xuid, ok: false, failure: sent.error });
  }
  for (const outcome of outcomes) {
    const name = names.get(outcome.xuid) ?? outcome.xuid;
    if (options.json) {
      io.out(
        JSON.stringify(
          outcome.ok
            ? { xuid: outcome.xuid, sent: true, handleId: outcome.handleId }
            : {
                xuid: outcome.xuid,
                sent: false,
                code: outcome.failure.code,
                message: inviteErrorText(outcome.failure.code, name),
              },
        ),
      );
    } else if (outcome.ok) {
      io.out(`  ✔ invited ${name} (handle ${outcome.handleId})`);
    } else {
      io.out(`  ✖ ${inviteErrorText(outcome.failure.code, name)}`);
      if (options.verbose) io.err(`log: ${outcome.failure.message}`);
    }
  }
  const failed = outcomes.find((outcome) => !outcome.ok);
  return failed && !failed.ok ? inviteErrorExitCodes[failed.failure.code] : exitCodes.joined;
}
