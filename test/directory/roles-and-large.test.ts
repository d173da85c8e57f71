/**
 * Roles validated against the template's role types (unknown types and roles 400, a full role 409,
 * `max`/`target` changed only where mutable and, for owner-managed types, by an owner), shown in
 * the document's `roleTypes`; and large sessions, which the local directory refuses with 400.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { DirectoryStartError, startDirectory } from '../../src/directory/start-directory';
import {
  call,
  expectSessionDocument,
  joinBody,
  player,
  sessionUrl,
  type Player,
} from './directory-test-client';

let directory: RunningDirectory;
let url: string;
let owner: Player;
let second: Player;
let third: Player;
let counter = 0;

beforeAll(async () => {
  directory = await startDirectory({
    rateLimits: false,
    templatesFile: new URL('./fixtures/templates-with-roles.json', import.meta.url).pathname,
  });
  url = directory.url;
  owner = await player(url, 'Role Owner');
  second = await player(url, 'Role Second');
  third = await player(url, 'Role Third');
});

afterAll(() => directory.close());

const withRoles = (who: Player, roles: Record<string, string | null>) => {
  const body = joinBody(who) as { members: { me: Record<string, unknown> } };
  body.members.me.roles = roles;
  return body;
};

type RoleDoc = Record<
  string,
  { roles: Record<string, { count: number; max?: number; target?: number; memberXuids: string[] }> }
>;

async function rolesSession(): Promise<string> {
  const path = sessionUrl(`roles-${++counter}`, 'xsapi-roles');
  const created = await call(url, 'PUT', path, {
    as: owner,
    body: { ...withRoles(owner, { lfg: 'friend' }), properties: { system: { owners: [0] } } },
  });
  expect(created.status, created.text).toBe(201);
  return path;
}

describe('roles', () => {
  it('refuses role types and roles the template does not declare with 400', async () => {
    const path = await rolesSession();
    const unknownType = await call(url, 'PUT', path, {
      as: second,
      body: withRoles(second, { team: 'red' }),
    });
    expect(unknownType.status).toBe(400);
    expect(unknownType.text).toMatch(/role type team/);
    const unknownRole = await call(url, 'PUT', path, {
      as: second,
      body: withRoles(second, { lfg: 'captain' }),
    });
    expect(unknownRole.status).toBe(400);
    expect(unknownRole.text).toMatch(/role captain/);
    const noRolesTemplate = await call(url, 'PUT', sessionUrl(`no-roles-${++counter}`), {
      as: second,
      body: withRoles(second, { lfg: 'friend' }),
    });
    expect(noRolesTemplate.status).toBe(400);
  });

  it('counts roles in the document and refuses a full role with 409', async () => {
    const path = await rolesSession();
    const joined = await call(url, 'PUT', path, {
      as: second,
      body: withRoles(second, { lfg: 'friend' }),
    });
    expect(joined.status, joined.text).toBe(200);
    expectSessionDocument(joined);
    expect(joined.json<{ roleTypes: RoleDoc }>().roleTypes.lfg?.roles.friend).toEqual({
      count: 2,
      max: 2,
      target: 1,
      memberXuids: [owner.xuid, second.xuid],
    });
    const full = await call(url, 'PUT', path, {
      as: third,
      body: withRoles(third, { lfg: 'friend' }),
    });
    expect(full.status).toBe(409);
    expect(full.text).toMatch(/full/);
    // Another role of the type is free; giving one up frees a seat of the role.
    const other = await call(url, 'PUT', path, {
      as: third,
      body: withRoles(third, { lfg: 'other' }),
    });
    expect(other.status, other.text).toBe(200);
    await call(url, 'PUT', path, {
      as: second,
      body: { members: { me: { roles: { lfg: null } } } },
    });
    const moved = await call(url, 'PUT', path, {
      as: third,
      body: { members: { me: { roles: { lfg: 'friend' } } } },
    });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json<{ roleTypes: RoleDoc }>().roleTypes.lfg?.roles).toMatchObject({
      friend: { count: 2, memberXuids: [owner.xuid, third.xuid] },
      other: { count: 0, memberXuids: [] },
    });
  });

  it('gives reservations their roles, counted like members', async () => {
    const path = await rolesSession();
    const reserved = await call(url, 'PUT', path, {
      as: owner,
      body: {
        members: {
          reserve_0: { constants: { system: { xuid: second.xuid } }, roles: { admin: 'super' } },
        },
      },
    });
    expect(reserved.status, reserved.text).toBe(200);
    expect(
      reserved.json<{ roleTypes: RoleDoc }>().roleTypes.admin?.roles.super?.memberXuids,
    ).toEqual([second.xuid]);
    const taken = await call(url, 'PUT', path, {
      as: owner,
      body: { members: { me: { roles: { admin: 'super' } } } },
    });
    expect(taken.status).toBe(409);
  });

  it('lets an owner change mutable settings; others get 403, immutable ones 400', async () => {
    const path = await rolesSession();
    expect((await call(url, 'PUT', path, { as: second, body: joinBody(second) })).status).toBe(200);
    // XSAPI re-sends every role with its current values: no change, allowed to anyone.
    const resend = await call(url, 'PUT', path, {
      as: second,
      body: { roleTypes: { lfg: { roles: { friend: { max: 2, target: 1 }, other: { max: 5 } } } } },
    });
    expect(resend.status, resend.text).toBe(200);
    const notOwner = await call(url, 'PUT', path, {
      as: second,
      body: { roleTypes: { lfg: { roles: { friend: { max: 4 } } } } },
    });
    expect(notOwner.status).toBe(403);
    const immutable = await call(url, 'PUT', path, {
      as: owner,
      body: { roleTypes: { admin: { roles: { super: { max: 3 } } } } },
    });
    expect(immutable.status).toBe(400);
    const raised = await call(url, 'PUT', path, {
      as: owner,
      body: { roleTypes: { lfg: { roles: { friend: { max: 4, target: 3 } } } } },
    });
    expect(raised.status, raised.text).toBe(200);
    expect(raised.json<{ roleTypes: RoleDoc }>().roleTypes.lfg?.roles.friend).toMatchObject({
      max: 4,
      target: 3,
    });
    const unknown = await call(url, 'PUT', path, {
      as: owner,
      body: { roleTypes: { team: { roles: {} } } },
    });
    expect(unknown.status).toBe(400);
  });
});

describe('large sessions', () => {
  let host: Player;
  beforeAll(async () => {
    host = await player(url, 'Large Host');
  });

  it('refuses capabilities.large with a clear 400, and maxMembersCount above 100', async () => {
    const large = await call(url, 'PUT', sessionUrl(`large-${++counter}`), {
      as: host,
      body: {
        constants: { system: { capabilities: { large: true }, maxMembersCount: 1000 } },
        ...joinBody(host),
      },
    });
    expect(large.status).toBe(400);
    expect(large.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(large.text).toMatch(/capabilities\.large.*not emulated/);
    const many = await call(url, 'PUT', sessionUrl(`large-${++counter}`), {
      as: host,
      body: { constants: { system: { maxMembersCount: 101 } }, ...joinBody(host) },
    });
    expect(many.status).toBe(400);
    const small = await call(url, 'PUT', sessionUrl(`large-${++counter}`), {
      as: host,
      body: { constants: { system: { capabilities: { large: false } } }, ...joinBody(host) },
    });
    expect(small.status, small.text).toBe(201);
  });

  it('refuses to start with a template that has capabilities.large', async () => {
    const file = join(tmpdir(), `large-template-${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        templates: { huge: { constants: { system: { capabilities: { large: true } } } } },
      }),
    );
    try {
      await expect(startDirectory({ templatesFile: file })).rejects.toThrow(DirectoryStartError);
      await expect(startDirectory({ templatesFile: file })).rejects.toThrow(/capabilities\.large/);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
