/**
 * One signed-in player's inbox calls, built from what main and the command line already have: the
 * directory, the player's token provider and the profile service. The same function serves the
 * window and `rallypoint invites`, so both list exactly the same.
 */
import { lookupProfiles } from '../account/profile-lookup';
import { createDirectoryClient } from '../join/directory-client';
import type { TokenProvider } from '../join/token-provider';
import type { Logger } from '../logging/logger';
import { declineInvite, readInbox } from './inbox-query';
import type { InboxPlayer } from './launcher-inbox';

export interface InboxPlayerOptions {
  readonly directoryUrl: string;
  readonly xuid: string;
  readonly tokens: TokenProvider;
  /** The game's service configuration ID: only its invites and activities are listed. */
  readonly scid: string;
  /** The profile service that names senders; absent: senders stay unnamed ("a friend"). */
  readonly profileUrl?: string;
  readonly locale?: string;
  readonly log?: Pick<Logger, 'info' | 'warn'>;
}

/** The inbox calls of the player `options.xuid`, authorized by `options.tokens`. */
export function createInboxPlayer(options: InboxPlayerOptions): InboxPlayer {
  const calls = createDirectoryClient({
    baseUrl: options.directoryUrl,
    tokens: options.tokens,
    ...(options.locale === undefined ? {} : { locale: options.locale }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const line = options.log === undefined ? undefined : (text: string) => options.log?.info(text);
  const { profileUrl } = options;
  let profileOrigin: string | undefined;
  try {
    profileOrigin = profileUrl === undefined ? undefined : new URL(profileUrl).origin;
  } catch {
    profileOrigin = undefined;
  }
  return {
    xuid: options.xuid,
    read: (signal) =>
      readInbox(
        {
          calls,
          xuid: options.xuid,
          scid: options.scid,
          ...(profileUrl === undefined
            ? {}
            : {
                lookUpProfiles: (xuids) =>
                  lookupProfiles(xuids, {
                    profileUrl,
                    tokens: options.tokens,
                    signal,
                    ...(line === undefined ? {} : { log: line }),
                  }),
              }),
          ...(profileOrigin === undefined ? {} : { profileOrigin }),
          ...(line === undefined ? {} : { log: line }),
        },
        signal,
      ),
    decline: (handleId, signal) => declineInvite(calls, handleId, signal),
  };
}
