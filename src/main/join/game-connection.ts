/**
 * Where the game should connect, read from the session the player was just written into. MPSD
 * leaves this to the title, so the launcher follows the order the protocol suggests: the host
 * member's secure device address (peer-hosted games), then the first dedicated-server candidate,
 * then a title-defined custom property the studio names in the launcher's configuration.
 */
import { hostMember, type SessionDocument } from '../../shared/mpsd/session-document';
import { err, ok, type Result } from '../../shared/result';
import type { GameFailure } from './game-failure';

export interface GameConnection {
  readonly connection: string;
  /** Which part of the session supplied it, for logs and the game's join message. */
  readonly source: 'host-device' | 'server-candidate' | 'custom-property';
}

/** Picks the connection string for the game, or says plainly why the session has none. */
export function resolveGameConnection(
  session: SessionDocument,
  customProperty: string | undefined,
): Result<GameConnection, GameFailure> {
  const address = hostMember(session)?.member.properties?.system?.secureDeviceAddress;
  if (address) return ok({ connection: address, source: 'host-device' });
  const system = session.properties?.system;
  const server = system?.serverConnectionStringCandidates?.find((candidate) => candidate !== '');
  if (server) return ok({ connection: server, source: 'server-candidate' });
  if (customProperty) {
    const value = customBag(session.properties?.custom)[customProperty];
    if (typeof value === 'string' && value !== '') {
      return ok({ connection: value, source: 'custom-property' });
    }
  }
  const reasons = [
    system?.host ? 'the host member has no secure device address' : 'no host is set',
    'no server connection candidates',
    customProperty
      ? `no "${customProperty}" custom property`
      : 'no custom connection property configured',
  ];
  return err({
    code: 'game-failed',
    message: `The session does not say where to connect: ${reasons.join(', ')}.`,
  });
}

/** `custom` is title-defined and may be anything (XSAPI's own fixture has a bare string). */
function customBag(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
