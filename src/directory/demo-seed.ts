/**
 * The demo seed: a session with a host who published a connection address, and an invite handle
 * for a demo player, built through the same service calls a client's requests go through. It is
 * what `npm run demo` and the launcher's "try a demo invite" accept.
 */
import { randomUUID } from 'node:crypto';
import type { SessionRef } from './session-ref';
import type { DemoSeedResult } from './directory-options';
import type { DevTokenRegistry, IssuedToken } from './dev-tokens';
import type { DirectoryService } from './directory-service';
import type { SessionTemplates } from './session-templates';

/** Fixed demo identities (16-digit XUIDs like the real ones) and SCID. */
const demoIdentities = {
  host: { xuid: '2533274800000001', gamertag: 'RallyHost' },
  player: { xuid: '2533274800000002', gamertag: 'RallyPlayer' },
  scid: '6f3a1e2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
} as const;

/** Builds the `rallypoint://inviteHandleAccept/?…` link the OS would hand the launcher. */
function inviteLink(handleId: string, invitedXuid: string, senderXuid: string): string {
  const query = new URLSearchParams({ handle: handleId, invitedXuid, senderXuid });
  return `rallypoint://inviteHandleAccept/?${query.toString()}`;
}

function pickTemplate(templates: SessionTemplates): string {
  for (const preferred of ['game', 'default']) {
    if (templates.get(preferred)) return templates.get(preferred)?.name ?? preferred;
  }
  return templates.names()[0] ?? 'default';
}

/** Creates the demo session and invite through the service; throws only if the shipped logic is broken. */
export async function seedDemo(
  service: DirectoryService,
  tokens: DevTokenRegistry,
  templates: SessionTemplates,
  connectionAddress: string,
): Promise<DemoSeedResult> {
  const issued = service.issueToken(demoIdentities.host);
  if (issued.kind !== 'json') throw new Error('demo seed: could not issue the host token');
  const hostToken = issued.body as IssuedToken;
  const verified = tokens.verify(hostToken.authorization);
  if (!verified.ok) throw new Error('demo seed: the host token does not verify');
  const host = verified.identity;
  const sessionRef: SessionRef = {
    scid: demoIdentities.scid,
    templateName: pickTemplate(templates),
    name: `demo-${randomUUID()}`,
  };
  const created = await service.putSession(
    host,
    sessionRef,
    {
      properties: {
        system: { joinRestriction: 'none', host: host.deviceToken },
        custom: { map: 'Harbor', mode: 'Capture the flag', connectionAddress },
      },
      members: {
        me: {
          constants: { system: { xuid: host.xuid, initialize: true } },
          properties: {
            system: {
              active: true,
              secureDeviceAddress: Buffer.from(connectionAddress, 'utf8').toString('base64'),
            },
          },
        },
      },
    },
    {},
  );
  if (created.kind !== 'session' || created.status !== 201) {
    throw new Error(
      `demo seed: creating the session failed (${created.kind === 'text' ? created.message : created.kind})`,
    );
  }
  const handle = await service.createHandle(host, {
    version: 1,
    type: 'invite',
    sessionRef: created.record.ref,
    invitedXuid: demoIdentities.player.xuid,
    inviteAttributes: { titleId: host.titleId },
  });
  if (handle.kind !== 'json') throw new Error('demo seed: creating the invite handle failed');
  const handleId = (handle.body as { id: string }).id;
  return {
    inviteLink: inviteLink(handleId, demoIdentities.player.xuid, host.xuid),
    handleId,
    player: { ...demoIdentities.player },
    host: { ...demoIdentities.host, authorization: hostToken.authorization },
    sessionRef: created.record.ref,
    connectionAddress,
  };
}
