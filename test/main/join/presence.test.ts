/**
 * Ghost members from dead launchers: the `rallypoint` command line (the launcher's join flow, as a
 * real child process) joins through an invite and holds a presence connection while its game runs.
 * Killed with SIGKILL, it cannot leave; the directory sees the connection drop, turns the member
 * inactive, and removes it after the template's inactiveRemovalTimeout. A launcher that stays keeps
 * its member active past that timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../../src/directory/directory-options';
import { startDirectory } from '../../../src/directory/start-directory';
import { call } from '../../directory/directory-test-client';
import {
  authorization,
  builtPrograms,
  host,
  player,
  removeBuiltPrograms,
  scid,
} from './join-service-fixture';

const inactiveRemovalTimeout = 1_500;

function templatesFile(): string {
  const shipped = JSON.parse(
    readFileSync(
      join(import.meta.dirname, '../../../src/directory/session-templates.json'),
      'utf8',
    ),
  ) as { templates: Record<string, unknown> };
  const file = join(mkdtempSync(join(tmpdir(), 'rp-presence-')), 'templates.json');
  shipped.templates.presence = {
    description: 'Short presence timeouts for the ghost-member test.',
    contractVersion: 107,
    constants: { system: { inactiveRemovalTimeout, sessionEmptyTimeout: 600_000 }, custom: {} },
    defaults: { system: { visibility: 'open', maxMembersCount: 8 } },
  };
  writeFileSync(file, JSON.stringify(shipped));
  return file;
}

let directory: RunningDirectory | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await directory?.close();
  directory = undefined;
});
afterAll(removeBuiltPrograms);

interface MemberView {
  readonly xuid: string;
  readonly active: boolean;
  readonly connection?: string;
}

async function setUp(n: number) {
  directory = await startDirectory({ port: 0, rateLimits: false, templatesFile: templatesFile() });
  const url = directory.url;
  const hostAuth = await authorization(url, host);
  const name = `presence-${n}-${Date.now()}`;
  const path = `/serviceconfigs/${scid}/sessionTemplates/presence/sessions/${name}`;
  const created = await call(url, 'PUT', path, {
    headers: { authorization: hostAuth },
    body: {
      properties: { system: { serverConnectionStringCandidates: ['127.0.0.1:30000'] } },
      members: {
        me: {
          constants: { system: { xuid: host.xuid, initialize: true } },
          properties: { system: { active: true } },
        },
      },
    },
  });
  expect(created.status, created.text).toBe(201);
  const me = player(800 + n);
  const invite = await call(url, 'POST', '/handles', {
    headers: { authorization: hostAuth },
    body: {
      version: 1,
      type: 'invite',
      sessionRef: { scid, templateName: 'presence', name },
      invitedXuid: me.xuid,
      inviteAttributes: { titleId: '1717113201' },
    },
  });
  expect(invite.status).toBe(201);
  const link = `rallypoint://inviteHandleAccept/?handle=${invite.json<{ id: string }>().id}&invitedXuid=${me.xuid}&senderXuid=${host.xuid}`;
  const member = async (): Promise<MemberView | undefined> => {
    const answer = await call(url, 'GET', path, { headers: { authorization: hostAuth } });
    const members = answer.json<{
      members: Record<
        string,
        {
          constants: { system: { xuid: string } };
          properties: { system: { active?: boolean; connection?: string } };
        }
      >;
    }>().members;
    const found = Object.values(members).find((entry) => entry.constants.system.xuid === me.xuid);
    if (found === undefined) return undefined;
    const { active, connection } = found.properties.system;
    return { xuid: me.xuid, active: active === true, ...(connection ? { connection } : {}) };
  };
  return { url, link, member };
}

/** Starts `rallypoint activate <link> --stay --json` and resolves once it printed `joined`. */
async function joinedLauncher(url: string, link: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [builtPrograms().cli, 'activate', link, '--directory', url, '--stay', '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('"phase":"joined"')) resolve();
      if (output.includes('"phase":"failed"')) reject(new Error(`join failed: ${output}`));
    });
    child.once('exit', (code) =>
      reject(new Error(`launcher exited (${code}) before joining: ${output}`)),
    );
  });
  return child;
}

const until = async <T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 10_000,
): Promise<T> => {
  const end = performance.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || performance.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('presence', () => {
  it('a launcher killed with SIGKILL leaves no ghost: inactive at once, removed after the timeout', async () => {
    const { url, link, member } = await setUp(1);
    const launcher = await joinedLauncher(url, link);
    const held = await until(member, (view) => view?.connection !== undefined);
    expect(held).toMatchObject({ active: true });
    expect(held?.connection).toMatch(/^[0-9a-f-]{36}$/);
    expect(directory?.stats().presenceConnections).toBe(1);

    const killed = performance.now();
    launcher.kill('SIGKILL');
    const inactive = await until(member, (view) => view?.active === false);
    expect(inactive).toMatchObject({ active: false });
    const gone = await until(member, (view) => view === undefined, 10_000);
    expect(gone).toBeUndefined();
    // Inactive no earlier than the kill, so removed no earlier than the timeout after it.
    expect(performance.now() - killed).toBeGreaterThan(inactiveRemovalTimeout);
  });

  it('a launcher that stays keeps its member active past the timeout, and leaves when stopped', async () => {
    const { url, link, member } = await setUp(2);
    const launcher = await joinedLauncher(url, link);
    await until(member, (view) => view?.connection !== undefined);
    await new Promise((resolve) => setTimeout(resolve, inactiveRemovalTimeout + 700));
    expect(await member()).toMatchObject({ active: true });
    const exited = new Promise((resolve) => launcher.once('exit', resolve));
    launcher.kill('SIGINT');
    await exited;
    expect(await until(member, (view) => view === undefined)).toBeUndefined();
    expect(directory?.stats().presenceConnections).toBe(0);
  });
});
