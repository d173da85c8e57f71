/**
 * The invite's sender by name and picture, looked up beside the session write, against the real
 * local directory on loopback. The profile service sits behind a gateway that holds its answer
 * until the directory has answered the player's PUT: the join must reach the directory and finish
 * while the lookup is still unanswered (a launcher that waited for the name would never write),
 * and the view then gains the name and picture. Order of requests, no timing.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../../src/directory/directory-options';
import { createLauncherJoin, type LauncherJoin } from '../../../src/main/join/join-service';
import {
  createSenderProfiles,
  usableSenderPicture,
  type SenderProfile,
} from '../../../src/main/join/sender-profiles';
import { call } from '../../directory/directory-test-client';
import type { JoinView } from '../../../src/shared/join-view';
import {
  createSession,
  host,
  launcherConfig,
  player,
  removeBuiltPrograms,
  testDirectory,
} from './join-service-fixture';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(removeBuiltPrograms);

const profilePath = '/users/batch/profile/settings';

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A gateway in front of the directory's profile service (and its pictures): it forwards each
 * profile request at once but sends the answer only when `release` is called, with the picture
 * URLs pointed at itself, as a profile service on its own origin would.
 */
async function slowProfileGateway(directoryUrl: string, events: string[]) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let origin = '';
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = request.url ?? '/';
      const body = request.method === 'POST' ? await readBody(request) : undefined;
      if (path === profilePath) events.push('profile asked');
      const upstream = await fetch(`${directoryUrl}${path}`, {
        method: request.method ?? 'GET',
        headers: Object.fromEntries(
          ['authorization', 'content-type', 'x-xbl-contract-version']
            .filter((name) => typeof request.headers[name] === 'string')
            .map((name) => [name, request.headers[name] as string]),
        ),
        ...(body ? { body: body.toString('utf8') } : {}),
      });
      let text = Buffer.from(await upstream.arrayBuffer());
      if (path === profilePath) {
        await released;
        text = Buffer.from(text.toString('utf8').replaceAll(directoryUrl, origin));
        events.push('profile answered');
      }
      response.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
      });
      response.end(text);
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return { origin, release };
}

function launcher(built: LauncherJoin): LauncherJoin {
  cleanups.push(() => built.close());
  return built;
}

describe('the sender, looked up beside the session write', () => {
  it('writes and joins while the profile answer is held, then the view gains name and picture', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const onRequest = (entry: RequestLogEntry) => {
      if (entry.method === 'PUT' && /^\/handles\/[^/]+\/session$/.test(entry.path)) {
        events.push(`PUT answered ${entry.status}`);
        // Only now may the profile service answer.
        release();
      }
    };
    const dir = await testDirectory({ onRequest });
    cleanups.push(() => dir.close());
    const gateway = await slowProfileGateway(dir.url, events);
    release = gateway.release;
    const session = await createSession(dir.url);
    const me = player(31);
    const invite = await session.invite(me);
    const { service } = launcher(
      createLauncherJoin(launcherConfig(dir.url, me), {
        profileUrl: `${gateway.origin}${profilePath}`,
      }),
    );
    const views: JoinView[] = [];
    service.subscribe((view) => views.push(view));
    const named = new Promise<JoinView>((resolve) =>
      service.subscribe((view) => {
        if (view.invite?.pictureUrl) resolve(view);
      }),
    );

    service.submit(invite);
    const settled = await service.settled();
    const withPicture = await named;

    expect(settled.phase).toBe('joined');
    // The write was answered before the profile was: the lookup never held it back.
    expect(events.indexOf('PUT answered 200')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('profile answered')).toBeGreaterThan(events.indexOf('PUT answered 200'));
    expect(events.filter((event) => event === 'profile asked')).toHaveLength(1);
    // Until the profile answered, no picture; and the first frame names nobody, never a XUID.
    expect(views[0]).toMatchObject({ phase: 'activating', invite: { handleId: invite.handleId } });
    expect(views[0]?.invite?.from).toBeUndefined();
    expect(views.map((view) => view.invite?.from).filter((from) => from !== undefined)).toEqual(
      views.slice(views.findIndex((view) => view.invite?.from)).map(() => host.gamertag),
    );
    const firstNamed = views.findIndex((view) => view.invite?.pictureUrl !== undefined);
    expect(views.slice(0, firstNamed).some((view) => view.phase === 'writingSession')).toBe(true);
    expect(withPicture.invite).toEqual({
      kind: 'invite',
      handleId: invite.handleId,
      from: host.gamertag,
      pictureUrl: `${gateway.origin}/people/pictures/${host.xuid}.svg`,
    });
    const picture = await fetch(withPicture.invite?.pictureUrl ?? '');
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/svg+xml');
    expect(service.view().invite?.pictureUrl).toBe(withPicture.invite?.pictureUrl);
  });

  it('a profile service that cannot answer leaves the sender "a friend" until the session names them', async () => {
    const dir = await testDirectory();
    cleanups.push(() => dir.close());
    const session = await createSession(dir.url);
    const me = player(32);
    const expired = await session.invite(me);
    const { service } = launcher(
      createLauncherJoin(launcherConfig(dir.url, me), {
        // Nothing listens on port 9 of this machine: the lookup fails at once.
        profileUrl: `http://127.0.0.1:9${profilePath}`,
      }),
    );
    const views: JoinView[] = [];
    service.subscribe((view) => views.push(view));
    // A handle that is gone: the join fails before any session names the sender.
    await call(dir.url, 'DELETE', `/handles/${expired.handleId}`, {
      headers: { authorization: session.hostAuthorization },
    });
    service.submit(expired);
    const failed = await service.settled();
    expect(failed.phase).toBe('failed');
    expect(failed.invite).toEqual({ kind: 'invite', handleId: expired.handleId });
    // No view of the failed join carried a name, let alone the XUID.
    expect(JSON.stringify(views)).not.toContain(host.xuid);

    service.dismiss();
    const invite = await session.invite(me);
    service.submit(invite);
    const joined = await service.settled();
    expect(joined.phase).toBe('joined');
    // The session named the sender; no picture without a profile.
    expect(joined.invite).toEqual({
      kind: 'invite',
      handleId: invite.handleId,
      from: host.gamertag,
    });
  });
});

describe('usableSenderPicture', () => {
  it('keeps https on the Xbox picture host and http only from the profile service origin', () => {
    const local = 'http://127.0.0.1:4100';
    expect(usableSenderPicture('https://images-eds-ssl.xboxlive.com/image?url=x', local)).toBe(
      'https://images-eds-ssl.xboxlive.com/image?url=x',
    );
    expect(usableSenderPicture(`${local}/people/pictures/1.svg`, local)).toBe(
      `${local}/people/pictures/1.svg`,
    );
    for (const refused of [
      'http://127.0.0.1:4101/people/pictures/1.svg',
      'https://example.com/p.png',
      'http://images-eds-ssl.xboxlive.com/p.png',
      'https://user:pw@images-eds-ssl.xboxlive.com/p.png',
      'javascript:alert(1)',
      'data:image/svg+xml,<svg/>',
      'http://10.0.0.1/p.png',
    ]) {
      expect(usableSenderPicture(refused, local), refused).toBeUndefined();
    }
    expect(usableSenderPicture(`${local}/p.svg`, undefined)).toBeUndefined();
  });
});

describe('createSenderProfiles', () => {
  it('asks once per sender, asks again after a failure, and keeps only allowed pictures', async () => {
    const asked: string[] = [];
    const named: string[] = [];
    const reply: { profile?: SenderProfile } = {};
    const profiles = createSenderProfiles({
      serviceOrigin: 'http://127.0.0.1:4100',
      lookUp: async (xuid) => {
        asked.push(xuid);
        return reply.profile;
      },
      onNamed: (xuid) => named.push(xuid),
    });
    profiles.request('1');
    profiles.request('1');
    await profiles.idle();
    expect(asked).toEqual(['1']);
    expect(named).toEqual([]);
    reply.profile = { gamertag: 'Host', pictureUrl: 'http://127.0.0.1:9999/elsewhere.svg' };
    profiles.request('1');
    await profiles.idle();
    profiles.request('1');
    await profiles.idle();
    expect(asked).toEqual(['1', '1']);
    expect(named).toEqual(['1']);
    // The picture came from another port than the profile service's: the name stays, it goes.
    expect(profiles.known.get('1')).toEqual({ gamertag: 'Host' });
  });
});
