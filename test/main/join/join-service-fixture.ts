/**
 * Sets up real sessions and invites on a real local directory over loopback HTTP, the way a host's
 * game would: dev token, PUT the session, POST an invite handle. Used by the join service, CLI and
 * fault-injection tests, which then check the directory's own view of who is in the session.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDirectory } from '../../../src/directory/start-directory';
import type { DirectoryOptions, RunningDirectory } from '../../../src/directory/directory-options';
import type { Invite } from '../../../src/shared/invite';
import {
  parseSessionDocument,
  memberEntries,
  type SessionDocument,
} from '../../../src/shared/mpsd/session-document';
import {
  resolveLauncherConfig,
  type LauncherConfig,
  type LauncherConfigInput,
} from '../../../src/main/join/launcher-config';
import { call as directoryCall } from '../../directory/directory-test-client';

let privateDist: string | undefined;

/**
 * A private copy of the built programs (dist/cli, dist/demo-game, dist/directory) for this test process. Other
 * test runs on the machine rebuild dist/ from scratch (test/global-setup.ts); a game or command
 * line started from there could find its file gone mid-test. The copy lives under test-results/
 * so bare imports still resolve through the repository's node_modules.
 */
/** Removes the private copy; call from afterAll. */
export function removeBuiltPrograms(): void {
  if (privateDist !== undefined) rmSync(privateDist, { recursive: true, force: true });
  privateDist = undefined;
}

export function builtPrograms(): {
  readonly cli: string;
  readonly demoGame: string;
  readonly directory: string;
} {
  if (privateDist === undefined) {
    const target = resolve('test-results', `programs-${process.pid}`);
    for (let tries = 0; ; tries += 1) {
      try {
        rmSync(target, { recursive: true, force: true });
        mkdirSync(target, { recursive: true });
        for (const program of ['cli', 'demo-game', 'directory']) {
          cpSync(resolve('dist', program), join(target, program), { recursive: true });
        }
        if (existsSync(join(target, 'cli', 'rallypoint.js'))) break;
      } catch (error) {
        if (tries > 50) throw error;
      }
      // dist/ is being rebuilt by another run: wait a moment.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
    privateDist = target;
  }
  return {
    cli: join(privateDist, 'cli', 'rallypoint.js'),
    demoGame: join(privateDist, 'demo-game', 'demo-game.js'),
    directory: join(privateDist, 'directory', 'cli.js'),
  };
}
export const scid = '0b8f9c2e-1d3a-4e5f-8a7b-6c5d4e3f2a1b';

export function testDirectory(options: DirectoryOptions = {}): Promise<RunningDirectory> {
  return startDirectory({ port: 0, rateLimits: false, ...options });
}

export interface Identity {
  readonly xuid: string;
  readonly gamertag: string;
}

/** Player n, with a XUID in the range real XUIDs use. */
export const player = (n: number): Identity => ({
  xuid: String(2533274900000000 + n),
  gamertag: `Player${n}`,
});

export const host: Identity = { xuid: '2533274811111111', gamertag: 'TestHost' };

/**
 * One request, repeated through injected faults (503, 429, resets) so test set-up works against a
 * directory started with `faults`; the flow under test never goes through here.
 */
async function call(
  directory: string,
  method: string,
  path: string,
  authorization: string | undefined,
  body?: unknown,
): Promise<{ status: number; json: unknown; headers: Headers }> {
  for (let tries = 1; ; tries += 1) {
    try {
      const answer = await callOnce(directory, method, path, authorization, body);
      if (![429, 500, 503].includes(answer.status) || tries >= 100) return answer;
    } catch (error) {
      if (tries >= 100) throw error;
    }
  }
}

async function callOnce(
  directory: string,
  method: string,
  path: string,
  authorization: string | undefined,
  body?: unknown,
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const answer = await directoryCall(directory, method, path, {
    headers: authorization ? { authorization } : {},
    body,
  });
  let json: unknown = answer.text;
  try {
    json = answer.json();
  } catch {
    // Plain-text answers stay text.
  }
  return { status: answer.status, json, headers: answer.headers };
}

export async function authorization(directory: string, who: Identity): Promise<string> {
  const answer = await call(directory, 'POST', '/dev/tokens', undefined, who);
  if (answer.status !== 200 && answer.status !== 201) {
    throw new Error(`dev token: ${answer.status} ${JSON.stringify(answer.json)}`);
  }
  return (answer.json as { authorization: string }).authorization;
}

export interface TestSession {
  readonly directory: string;
  readonly hostAuthorization: string;
  readonly sessionRef: { scid: string; templateName: string; name: string };
  readonly path: string;
  invite(to: Identity, from?: Identity): Promise<Invite>;
  /** The session as the directory holds it now. */
  read(): Promise<SessionDocument>;
  /** XUIDs of every member, in chain order (duplicates would show twice). */
  memberXuids(): Promise<string[]>;
}

let sessionCounter = 0;

/** A session hosted by `host`, reachable by invites, with a dedicated-server connection string. */
export async function createSession(
  directory: string,
  options: {
    readonly maxMembersCount?: number;
    readonly closed?: boolean;
    readonly connection?: string | null;
  } = {},
): Promise<TestSession> {
  const hostAuthorization = await authorization(directory, host);
  sessionCounter += 1;
  const sessionRef = {
    scid,
    templateName: 'default',
    name: `test-${process.pid}-${sessionCounter}-${Date.now()}`,
  };
  const path = `/serviceconfigs/${scid}/sessionTemplates/default/sessions/${sessionRef.name}`;
  const connection = options.connection === undefined ? '127.0.0.1:30000' : options.connection;
  const created = await call(directory, 'PUT', path, hostAuthorization, {
    constants: { system: { maxMembersCount: options.maxMembersCount ?? 16, visibility: 'open' } },
    properties: {
      system: {
        joinRestriction: 'none',
        ...(connection === null ? {} : { serverConnectionStringCandidates: [connection] }),
      },
    },
    members: {
      me: {
        constants: { system: { xuid: host.xuid, initialize: true } },
        properties: { system: { active: true } },
      },
    },
  });
  // 200 rather than 201 only when a connection reset after the directory applied the first try
  // (injected faults): the name is this call's own, so the session found is the one it created.
  if (created.status !== 201 && created.status !== 200) {
    throw new Error(`create session: ${created.status} ${JSON.stringify(created.json)}`);
  }
  if (options.closed) {
    const closed = await call(directory, 'PUT', path, hostAuthorization, {
      properties: { system: { closed: true } },
    });
    if (closed.status !== 200) throw new Error(`close session: ${closed.status}`);
  }
  const read = async () => {
    const answer = await call(directory, 'GET', path, hostAuthorization);
    const parsed = parseSessionDocument(answer.json);
    if (!parsed.ok) throw new Error(`read session: ${answer.status} ${parsed.error.message}`);
    return parsed.value;
  };
  return {
    directory,
    hostAuthorization,
    sessionRef,
    path,
    async invite(to, from = host) {
      const answer = await call(directory, 'POST', '/handles', hostAuthorization, {
        version: 1,
        type: 'invite',
        sessionRef,
        invitedXuid: to.xuid,
        inviteAttributes: { titleId: '1717113201' },
      });
      if (answer.status !== 200 && answer.status !== 201) {
        throw new Error(`invite: ${answer.status} ${JSON.stringify(answer.json)}`);
      }
      return {
        kind: 'invite',
        handleId: (answer.json as { id: string }).id,
        localXuid: to.xuid,
        remoteXuid: from.xuid,
      };
    },
    read,
    async memberXuids() {
      return memberEntries(await read()).map((entry) => entry.member.constants.system.xuid);
    },
  };
}

/** Puts a player straight into a session through its handle, as another copy of the launcher would. */
export async function joinDirectly(directory: string, who: Identity, handleId: string) {
  const auth = await authorization(directory, who);
  return call(directory, 'PUT', `/handles/${handleId}/session`, auth, {
    members: {
      me: {
        constants: { system: { xuid: who.xuid } },
        properties: { system: { active: true } },
      },
    },
  });
}

/** A validated launcher configuration for one player against `directory`, demo game by default. */
export function launcherConfig(
  directory: string,
  who: Identity,
  overrides: Partial<LauncherConfigInput> = {},
): LauncherConfig {
  const config = resolveLauncherConfig({
    directoryUrl: directory,
    identity: who,
    game: {
      executable: process.execPath,
      args: [builtPrograms().demoGame, '--join', '{sessionRef}', '--connect', '{connection}'],
      ackTimeoutMs: 10_000,
      quitGraceMs: 1_000,
    },
    attemptTimeoutMs: 3_000,
    ...overrides,
  });
  if (!config.ok) throw new Error(config.error.message);
  return config.value;
}
