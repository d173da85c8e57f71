/**
 * A join the hand-off is asked to make: an invite into a session whose only connection string is
 * `connection`. Shared by the hand-off's tests against the demo game and against scripted games.
 */
import type { GameJoinRequest } from '../../../src/main/join/game-hand-off';
import { parseSessionDocument } from '../../../src/shared/mpsd/session-document';

export function gameJoinRequest(
  connection = '127.0.0.1:30000',
  invite: Partial<GameJoinRequest['invite']> = {},
  sessionName = 'one',
): GameJoinRequest {
  const session = parseSessionDocument({
    membersInfo: { first: 0, next: 0 },
    properties: { system: { serverConnectionStringCandidates: [connection] } },
  });
  if (!session.ok) throw new Error(session.error.message);
  return {
    invite: {
      kind: 'invite',
      handleId: '6b1d1a52-3c0e-4a8f-9b7d-2e4f6a8c0d13',
      localXuid: '2533274800000002',
      remoteXuid: '2533274800000001',
      ...invite,
    },
    xuid: '2533274800000002',
    sessionRef: `/serviceconfigs/s/sessionTemplates/t/sessions/${sessionName}`,
    session: session.value,
  };
}
