/**
 * One inbox on a real local directory over loopback, set up the way other players' games would:
 * `me` follows `friend`, not `stranger`; both host a session with an activity handle; the host of
 * the join-service fixture invites `me` into sessions of its own. Shared by the inbox module test,
 * the window's browser test and the command-line test, which all look at the same directory.
 */
import type { RunningDirectory } from '../../../src/directory/directory-options';
import { createInboxPlayer } from '../../../src/main/inbox/inbox-player';
import type { InboxPlayer } from '../../../src/main/inbox/launcher-inbox';
import { createDevTokenProvider, type TokenProvider } from '../../../src/main/join/token-provider';
import { call, player, type Player } from '../../directory/directory-test-client';
import {
  createSession,
  scid,
  testDirectory,
  type Identity,
  type TestSession,
} from '../join/join-service-fixture';

export { scid };

export interface InboxScenario {
  readonly directory: RunningDirectory;
  readonly url: string;
  /** The player whose inbox it is. */
  readonly me: Identity;
  readonly friend: Player;
  readonly stranger: Player;
  /** The friend's and the stranger's activity handles. */
  readonly friendActivity: string;
  readonly strangerActivity: string;
  /** `me`'s development tokens (following `friend`). */
  readonly tokens: TokenProvider;
  /** Invites `me` into a new session of the fixture's host; resolves with the session and handle. */
  invite(context?: string): Promise<{ session: TestSession; handleId: string }>;
  /** `me`'s inbox calls, as main and the command line build them. */
  inboxPlayer(): InboxPlayer;
  close(): Promise<void>;
}

let counter = 0;

/** A session `owner` hosts with an activity handle on it; the handle's id. */
async function hostActivity(url: string, owner: Player, maxMembersCount = 8): Promise<string> {
  counter += 1;
  const name = `inbox-activity-${process.pid}-${counter}`;
  const path = `/serviceconfigs/${scid}/sessionTemplates/default/sessions/${name}`;
  const created = await call(url, 'PUT', path, {
    as: owner,
    body: {
      constants: { system: { maxMembersCount, visibility: 'open' } },
      properties: { system: { joinRestriction: 'none' } },
      members: {
        me: {
          constants: { system: { xuid: owner.xuid, initialize: true } },
          properties: { system: { active: true } },
        },
      },
    },
  });
  if (created.status !== 201)
    throw new Error(`activity session: ${created.status} ${created.text}`);
  const handle = await call(url, 'POST', '/handles', {
    as: owner,
    body: { version: 1, type: 'activity', sessionRef: { scid, templateName: 'default', name } },
  });
  if (handle.status !== 201) throw new Error(`activity handle: ${handle.status} ${handle.text}`);
  return handle.json<{ id: string }>().id;
}

/** Starts the directory and sets the scene; `me` defaults to a fresh identity. */
export async function startInboxScenario(
  options: { me?: Identity; directory?: RunningDirectory } = {},
): Promise<InboxScenario> {
  const directory = options.directory ?? (await testDirectory());
  const { url } = directory;
  const friend = await player(url, 'FollowedFriend');
  const stranger = await player(url, 'Stranger');
  counter += 1;
  const me = options.me ?? { xuid: String(2533274960000000 + counter), gamertag: 'InboxOwner' };
  const friendActivity = await hostActivity(url, friend);
  const strangerActivity = await hostActivity(url, stranger);
  const tokens = createDevTokenProvider({
    baseUrl: url,
    xuid: me.xuid,
    gamertag: me.gamertag,
    follows: [friend.xuid],
  });
  return {
    directory,
    url,
    me,
    friend,
    stranger,
    friendActivity,
    strangerActivity,
    tokens,
    async invite(context) {
      const session = await createSession(url);
      const answer = await call(url, 'POST', '/handles', {
        headers: { authorization: session.hostAuthorization },
        body: {
          version: 1,
          type: 'invite',
          sessionRef: session.sessionRef,
          invitedXuid: me.xuid,
          inviteAttributes: { titleId: '1717113201', ...(context ? { context } : {}) },
        },
      });
      if (answer.status !== 201) throw new Error(`invite: ${answer.status} ${answer.text}`);
      return { session, handleId: answer.json<{ id: string }>().id };
    },
    inboxPlayer: () =>
      createInboxPlayer({
        directoryUrl: url,
        xuid: me.xuid,
        tokens,
        scid,
        profileUrl: `${url}/users/batch/profile/settings`,
      }),
    close: () => (options.directory ? Promise.resolve() : directory.close()),
  };
}
