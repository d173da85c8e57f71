/**
 * "Host a session for me": the launcher creates a session in the title's service config with the
 * signed-in player as its only member and host, so a game that has no session code of its own gets
 * one to invite into. Two writes, as an MPSD client does it: the first makes the player a member
 * (publishing the game's connection address as the member's secure device address), the second
 * names the player's own device token as `properties.system.host`, which the directory only knows
 * once the player is a member.
 */
import { randomUUID } from 'node:crypto';
import {
  findMemberByXuid,
  hostMember,
  memberEntries,
  parseSessionDocument,
  sessionPath,
  type SessionDocument,
} from '../../shared/mpsd/session-document';
import { err, ok, type Result } from '../../shared/result';
import { parseJson, type DirectoryCalls } from '../join/directory-client';
import { directoryError } from '../join/directory-error';
import type { GameTitle } from '../join/game-hand-off';
import {
  inviteFailureOf,
  inviteFailureOfStatus,
  type InviteFailure,
} from '../invite/invite-failure';
import type { SessionMemberInfo } from './game-channel-protocol';

export interface HostRequest {
  readonly xuid: string;
  readonly seats: number;
  readonly joinRestriction: 'none' | 'followed' | 'local';
  /** Where other players connect to the host (published base64, as MPSD addresses are). */
  readonly connection: string;
}

export interface HostedSession {
  readonly sessionRef: string;
  readonly session: SessionDocument;
}

/**
 * Why a write failed, and whether the directory may have applied it all the same: its answer was
 * lost (a timeout, a dropped connection, the call cancelled in flight), was a 5xx, or was a 2xx
 * that is not the session document. Only a 4xx, or a call that never reached the directory, says
 * the write was not applied.
 */
interface WriteFailure {
  readonly failure: InviteFailure;
  readonly mayHaveApplied: boolean;
}

async function write(
  calls: DirectoryCalls,
  path: string,
  body: unknown,
  signal: AbortSignal,
): Promise<Result<SessionDocument, WriteFailure>> {
  const answer = await calls.call('PUT', path, body, { signal });
  if (!answer.ok) {
    const { error } = answer;
    return err({
      failure: inviteFailureOf(error),
      mayHaveApplied: error.ambiguous || error.code === 'cancelled',
    });
  }
  const { status, text, retryAfterMs } = answer.value;
  if (status !== 200 && status !== 201) {
    return err({
      failure: inviteFailureOfStatus(status, text, retryAfterMs),
      mayHaveApplied: status < 400 || status >= 500,
    });
  }
  const session = parseSessionDocument(parseJson(text));
  if (!session.ok) {
    return err({
      failure: { code: 'malformed-response', message: `session: ${session.error.message}` },
      mayHaveApplied: true,
    });
  }
  return ok(session.value);
}

/** How long taking the player out of a session the launcher hosted may take. */
const leaveTimeoutMs = 5000;

/**
 * Takes the player out of a session the launcher hosted (`members.me: null`): after the game is
 * done with it, or when hosting failed after the first write made the player a member (the game
 * never hears of that session, so nothing else would leave it). It runs on its own deadline, since
 * the caller's signal may be why it has to leave; the answer is the directory's.
 */
export function leaveHostedSession(
  calls: DirectoryCalls,
  path: string,
): ReturnType<DirectoryCalls['call']> {
  return calls.call(
    'PUT',
    path,
    { members: { me: null } },
    { signal: AbortSignal.timeout(leaveTimeoutMs) },
  );
}

/**
 * Creates the session and makes the player its host; never throws. When it fails after the player
 * became a member, or may have (the first write's answer was lost, cancelled or unusable), the
 * player is taken out again before the failure is returned.
 */
export async function hostSession(
  calls: DirectoryCalls,
  title: GameTitle,
  request: HostRequest,
  signal: AbortSignal,
): Promise<Result<HostedSession, InviteFailure>> {
  // Cancelled before it began: nothing was sent, so there is nothing to take back.
  if (signal.aborted) {
    return err(
      inviteFailureOf(directoryError('cancelled', 'hosting was cancelled before it began')),
    );
  }
  const path = sessionPath({
    scid: title.scid,
    templateName: title.sessionTemplate,
    name: randomUUID(),
  });
  const created = await write(
    calls,
    path,
    {
      constants: { system: { maxMembersCount: request.seats, visibility: 'open' } },
      properties: { system: { joinRestriction: request.joinRestriction } },
      members: {
        me: {
          constants: { system: { xuid: request.xuid, initialize: true } },
          properties: {
            system: {
              active: true,
              secureDeviceAddress: Buffer.from(request.connection).toString('base64'),
            },
          },
        },
      },
    },
    signal,
  );
  if (!created.ok) {
    // The player may be a member of a session no one else knows of (the game never hears of it):
    // leaving a session the write did not make is harmless, a ghost member is not.
    if (created.error.mayHaveApplied) await leaveHostedSession(calls, path);
    return err(created.error.failure);
  }
  const deviceToken = findMemberByXuid(created.value, request.xuid)?.member.deviceToken;
  if (deviceToken === undefined) {
    await leaveHostedSession(calls, path);
    return err({ code: 'malformed-response', message: 'the new session names no device token' });
  }
  const hosted = await write(
    calls,
    path,
    { properties: { system: { host: deviceToken } } },
    signal,
  );
  if (!hosted.ok) {
    await leaveHostedSession(calls, path);
    return err(hosted.error.failure);
  }
  return ok({ sessionRef: path, session: hosted.value });
}

/** The members as the game channel tells them: XUID, gamertag where known, and who hosts. */
export function sessionMembers(session: SessionDocument): SessionMemberInfo[] {
  const host = hostMember(session)?.member.constants.system.xuid;
  return memberEntries(session)
    .filter((entry) => entry.member.reserved !== true)
    .map((entry) => {
      const xuid = entry.member.constants.system.xuid;
      const gamertag = entry.member.gamertag;
      return {
        xuid,
        ...(gamertag === undefined || gamertag === '' ? {} : { gamertag }),
        host: xuid === host,
      };
    });
}

/** Reads the session now; undefined when it cannot be read (gone, or the directory is away). */
export async function readSession(
  calls: DirectoryCalls,
  sessionRef: string,
  signal: AbortSignal,
): Promise<SessionDocument | undefined> {
  const answer = await calls.call('GET', sessionRef, undefined, { signal });
  if (!answer.ok || answer.value.status !== 200) return undefined;
  const session = parseSessionDocument(parseJson(answer.value.text));
  return session.ok ? session.value : undefined;
}
