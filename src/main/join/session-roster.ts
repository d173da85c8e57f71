/**
 * The live roster of the session the player joined, kept current by the directory's change
 * notifications rather than by polling: once the join is handed to the game, the session is
 * followed on the presence connection that keeps the member active (presence-connection.ts), and
 * each shoulder tap makes one `GET` of the session. Taps that arrive while a read is in flight
 * coalesce into one more read; a read older than the view shown (lower change number) is dropped,
 * so the newest change number always wins. Members are mapped to what the window shows (name,
 * picture through the profile lookup, host, seats), names cleaned by the player-text rule.
 */
import {
  hostMember,
  maxMembersCount,
  memberEntries,
  memberStatus,
  membersCount,
  parseSessionDocument,
  type SessionDocument,
} from '../../shared/mpsd/session-document';
import { stripUnsafePlayerText } from '../../shared/player-text';
import {
  maxRosterMembers,
  noRosterView,
  type RosterMember,
  type RosterView,
} from '../../shared/roster-view';
import { parseJson, type DirectoryCalls } from './directory-client';
import type { PresenceConnection, SessionFollow, SessionWatcher } from './presence-connection';
import { usableSenderPicture, type SenderProfile } from './sender-profiles';

export interface SessionRosterOptions {
  /** Authorized directory calls as the signed-in player (the join's own client). */
  readonly calls: DirectoryCalls;
  /** The signed-in player, marked "you". */
  readonly selfXuid: string;
  /** Profiles (name, picture) of members; absent: names from the session only, no pictures. */
  readonly profiles?: (xuids: readonly string[]) => Promise<ReadonlyMap<string, SenderProfile>>;
  /** Origin of the profile service: a plain-http picture must come from it (sender-profiles.ts). */
  readonly serviceOrigin?: string;
  /** Hears every new view. */
  readonly publish: (view: RosterView) => void;
  readonly log?: (line: string) => void;
  /** Budget of one session read. Default 5000 ms. */
  readonly readTimeoutMs?: number;
}

/** The roster follower: a presence watcher, plus the view now and a way to stop. */
export interface SessionRoster extends SessionWatcher {
  current(): RosterView;
  close(): void;
}

/** Most profiles remembered (a few sessions' worth). */
const maxProfiles = 512;

/** The members of `doc` as the window shows them. */
export function rosterOf(
  doc: SessionDocument,
  selfXuid: string,
  profiles: ReadonlyMap<string, SenderProfile>,
): RosterView & { state: 'live' } {
  const host = hostMember(doc)?.key;
  const members: RosterMember[] = memberEntries(doc)
    .slice(0, maxRosterMembers)
    .map(({ key, member }) => {
      const xuid = member.constants.system.xuid;
      const profile = profiles.get(xuid);
      const name = stripUnsafePlayerText(member.gamertag ?? profile?.gamertag ?? '').trim();
      return {
        key,
        ...(name !== '' ? { gamertag: name } : {}),
        ...(profile?.pictureUrl ? { pictureUrl: profile.pictureUrl } : {}),
        isHost: key === host,
        isYou: xuid === selfXuid,
        status: memberStatus(member),
      };
    });
  return {
    state: 'live',
    changeNumber: doc.changeNumber ?? 0,
    members,
    seatsUsed: membersCount(doc),
    seatsMax: maxMembersCount(doc),
  };
}

/** Follows one session at a time; `joined` with another session replaces the one followed. */
export function createSessionRoster(options: SessionRosterOptions): SessionRoster {
  const log = options.log ?? (() => undefined);
  const profiles = new Map<string, SenderProfile>();
  const asked = new Set<string>();
  let view: RosterView = noRosterView;
  /** Bumped on every joined/ended: work of an older session is dropped when it comes back. */
  let generation = 0;
  let follow: SessionFollow | undefined;
  let path: string | undefined;
  let reading = false;
  let again = false;
  let controller: AbortController | undefined;
  let lastDoc: SessionDocument | undefined;

  const show = (next: RosterView) => {
    view = next;
    options.publish(next);
  };

  const shownChange = () => (view.state === 'live' ? view.changeNumber : -1);

  const lookUpProfiles = (doc: SessionDocument, mine: number) => {
    if (options.profiles === undefined) return;
    const unknown = memberEntries(doc)
      .map(({ member }) => member.constants.system.xuid)
      .filter((xuid) => !asked.has(xuid));
    if (unknown.length === 0) return;
    if (asked.size + unknown.length > maxProfiles) {
      asked.clear();
      profiles.clear();
    }
    for (const xuid of unknown) asked.add(xuid);
    log(`roster: looking up ${unknown.length} member profile(s)`);
    options
      .profiles(unknown)
      .then((found) => {
        for (const [xuid, profile] of found) {
          const pictureUrl = usableSenderPicture(profile.pictureUrl, options.serviceOrigin);
          profiles.set(xuid, { gamertag: profile.gamertag, ...(pictureUrl ? { pictureUrl } : {}) });
        }
        if (found.size > 0 && mine === generation && lastDoc !== undefined) {
          show(rosterOf(lastDoc, options.selfXuid, profiles));
        }
      })
      .catch((error: unknown) => log(`roster: profile lookup failed (${String(error)})`));
  };

  const read = async (mine: number): Promise<void> => {
    if (reading) {
      again = true;
      return;
    }
    const target = path;
    if (target === undefined) return;
    reading = true;
    again = false;
    controller = new AbortController();
    const signal = AbortSignal.any([
      controller.signal,
      AbortSignal.timeout(options.readTimeoutMs ?? 5000),
    ]);
    try {
      const answer = await options.calls.call('GET', target, undefined, { signal });
      if (mine !== generation) return;
      if (!answer.ok) {
        log(`roster: the session read failed (${answer.error.code}); keeping the last roster`);
        return;
      }
      const { status, text } = answer.value;
      if (status === 204 || status === 403 || status === 404) {
        log(`roster: the session is gone or no longer readable (${status})`);
        lastDoc = undefined;
        show({ state: 'ended' });
        return;
      }
      const doc = status === 200 ? parseSessionDocument(parseJson(text)) : undefined;
      if (doc === undefined || !doc.ok) {
        log(`roster: unusable session answer (status ${status}); keeping the last roster`);
        return;
      }
      if ((doc.value.changeNumber ?? 0) <= shownChange()) {
        log(`roster: change ${doc.value.changeNumber ?? 0} is not newer than the roster shown`);
        return;
      }
      lastDoc = doc.value;
      const next = rosterOf(doc.value, options.selfXuid, profiles);
      log(`roster: change ${next.changeNumber}, ${next.members.length} member(s)`);
      show(next);
      lookUpProfiles(doc.value, mine);
    } catch (error) {
      log(`roster: reading the session failed unexpectedly (${String(error)})`);
    } finally {
      if (mine === generation) {
        reading = false;
        controller = undefined;
        if (again) void read(mine);
      }
    }
  };

  const stop = () => {
    generation += 1;
    follow?.stop();
    follow = undefined;
    controller?.abort();
    controller = undefined;
    reading = false;
    again = false;
    path = undefined;
    lastDoc = undefined;
  };

  return {
    current: () => view,
    joined(sessionPath: string, connection: PresenceConnection) {
      stop();
      const mine = generation;
      path = sessionPath;
      view = noRosterView;
      log('roster: following the joined session on the presence connection');
      void connection
        .followSession(sessionPath, (changeNumber) => {
          if (mine !== generation) return;
          // A duplicate or out-of-date tap: the roster shown is already that new.
          if (changeNumber <= shownChange()) return;
          void read(mine);
        })
        .then((followed) => {
          if (mine !== generation) {
            if (followed.ok) followed.value.stop();
            return;
          }
          if (followed.ok) follow = followed.value;
          else log(`roster: no change notifications (${followed.error}); shown once`);
          // Read after subscribing, so no change between the two is missed.
          void read(mine);
        });
    },
    ended() {
      if (path === undefined && view.state === 'none') return;
      log('roster: the presence connection ended; roster cleared');
      stop();
      show(noRosterView);
    },
    close() {
      stop();
    },
  };
}
