/**
 * `npm run directory`'s program as a real child process (dist/directory/cli.js, built by the
 * global setup): it prints the listening line and the demo invite link, serves the invite, and
 * closes cleanly on SIGTERM and SIGINT. Bad flags exit 2 with the reason.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { call, joinBody, player } from './directory-test-client';

const program = join(import.meta.dirname, '../../dist/directory/cli.js');
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  lines: AsyncIterator<string>;
} {
  const child = spawn(process.execPath, [program, ...args], { stdio: 'pipe' });
  children.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines };
}

async function readUntil(lines: AsyncIterator<string>, prefix: string): Promise<string> {
  for (;;) {
    const next = await lines.next();
    if (next.done) throw new Error(`the directory ended before printing "${prefix}"`);
    if (next.value.startsWith(prefix)) return next.value.slice(prefix.length).trim();
  }
}

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<{ code: number | null; stderr: string }>((resolve) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });

describe('directory command line', () => {
  it('prints the listening line and a demo invite link that a player can accept', async () => {
    const { child, lines } = start(['--seed', 'demo', '--port', '0', '--host', '127.0.0.1']);
    const done = exited(child);
    const url = await readUntil(lines, 'directory listening on');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const link = new URL(await readUntil(lines, 'invite link:'));
    expect(link.protocol).toBe('rallypoint:');
    expect(link.host.toLowerCase()).toBe('invitehandleaccept');
    const handle = link.searchParams.get('handle') ?? '';
    const invitedXuid = link.searchParams.get('invitedXuid') ?? '';
    const senderXuid = link.searchParams.get('senderXuid') ?? '';
    expect(handle).toMatch(/^[0-9a-f-]{36}$/);

    const demoPlayer = await player(url, 'RallyPlayer', { xuid: invitedXuid });
    const handleDoc = await call(url, 'GET', `/handles/${handle}`, { as: demoPlayer });
    expect(handleDoc.json()).toMatchObject({ type: 'invite', invitedXuid, senderXuid });
    const joined = await call(url, 'PUT', `/handles/${handle}/session`, {
      as: demoPlayer,
      body: joinBody(demoPlayer),
    });
    expect(joined.status, joined.text).toBe(200);
    const doc = joined.json<{
      members: Record<string, { gamertag?: string; constants: { system: { xuid: string } } }>;
    }>();
    const gamertags = Object.values(doc.members).map((member) => member.gamertag);
    expect(gamertags).toEqual(['RallyHost', 'RallyPlayer']);

    child.kill('SIGTERM');
    const { code } = await done;
    expect(code).toBe(0);
  });

  it('closes cleanly on SIGINT and takes fault and rate-limit flags', async () => {
    const { child, lines } = start([
      '--fault-503',
      '1',
      '--fault-retry-after',
      '2',
      '--no-rate-limits',
    ]);
    const done = exited(child);
    const url = await readUntil(lines, 'directory listening on');
    const someone = await player(url, 'Flagged');
    const answer = await call(url, 'GET', '/handles/5d0e7c9a-1b2c-4d3e-8f40-5a6b7c8d9e0f', {
      as: someone,
    });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('2');
    child.kill('SIGINT');
    expect((await done).code).toBe(0);
  });

  it('gives its identity services the lifetimes of the identity flags', async () => {
    const { child, lines } = start([
      '--device-code-ms',
      '42000',
      '--device-poll-interval-s',
      '3',
      '--access-token-ms',
      '120000',
    ]);
    const done = exited(child);
    const url = await readUntil(lines, 'directory listening on');
    const answer = await fetch(`${url}/consumers/oauth2/v2.0/devicecode`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'flags', scope: 'XboxLive.signin' }).toString(),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ expires_in: 42, interval: 3 });
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });

  it('warns before listening on a non-loopback address that development identities are off', async () => {
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: the warning comes first, then the
    // bind fails, so nothing ever listens outside loopback.
    const off = start(['--host', '192.0.2.1', '--port', '0']);
    const offExit = await exited(off.child);
    expect(offExit.code).toBe(1);
    expect(offExit.stderr).toMatch(
      /warning: listening on 192\.0\.2\.1, which is not a loopback address: development identities \(POST \/dev\/tokens\) are off; start with --dev-identities to turn them on/,
    );
    expect(offExit.stderr).toMatch(/cannot listen on 192\.0\.2\.1/);
    const on = start(['--host', '192.0.2.1', '--port', '0', '--dev-identities']);
    expect((await exited(on.child)).stderr).toMatch(/with --dev-identities: anyone who can reach/);
    const loopback = start(['--host', '127.0.0.1', '--port', '0']);
    const done = exited(loopback.child);
    await readUntil(loopback.lines, 'directory listening on');
    loopback.child.kill('SIGTERM');
    expect((await done).stderr).not.toMatch(/warning/);
  });

  it('exits 2 with the reason for a bad flag, and 1 for an unreadable templates file', async () => {
    const bad = start(['--port', 'seventy']);
    const badExit = await exited(bad.child);
    expect(badExit.code).toBe(2);
    expect(badExit.stderr).toMatch(/--port needs an integer/);

    const unknown = start(['--frobnicate']);
    expect((await exited(unknown.child)).code).toBe(2);

    const folder = mkdtempSync(join(tmpdir(), 'rallypoint-templates-'));
    const broken = join(folder, 'templates.json');
    writeFileSync(
      broken,
      JSON.stringify({
        templates: { bad: { constants: { system: { maxMembersCount: 'many' } } } },
      }),
    );
    const invalid = start(['--templates', broken]);
    const invalidExit = await exited(invalid.child);
    expect(invalidExit.code).toBe(1);
    expect(invalidExit.stderr).toMatch(/maxMembersCount/);
  });

  it('logs one line per request with --log-requests, never a token', async () => {
    const { child, lines } = start(['--log-requests', '--seed', 'demo']);
    const url = await readUntil(lines, 'directory listening on');
    const someone = await player(url, 'Logged');
    const missing = '5d0e7c9a-1b2c-4d3e-8f40-5a6b7c8d9e0f';
    await call(url, 'GET', `/handles/${missing}?secret=query`, { as: someone });
    const logged = await readUntil(lines, `GET /handles/${missing} -> 404`);
    expect(logged).toMatch(new RegExp(`^in \\d+\\.\\d ms \\(xuid ${someone.xuid}\\)$`));
    child.kill('SIGTERM');
    let output = '';
    for (;;) {
      const next = await lines.next();
      if (next.done) break;
      output += `${next.value}\n`;
    }
    const token = someone.authorization.split(';')[1] ?? '';
    expect(token.length).toBeGreaterThan(10);
    expect(output).not.toContain(token);
    expect(output).not.toContain('secret=query');
  });

  it('exits 1 when the port is taken', async () => {
    const { lines } = start([]);
    const url = new URL(await readUntil(lines, 'directory listening on'));
    const second = start(['--port', url.port]);
    const { code, stderr } = await exited(second.child);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+/);
  });

  it('serves a custom templates file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'rallypoint-templates-'));
    const file = join(folder, 'templates.json');
    writeFileSync(
      file,
      JSON.stringify({ templates: { duel: { constants: { system: { maxMembersCount: 2 } } } } }),
    );
    const { lines } = start(['--templates', file]);
    const url = await readUntil(lines, 'directory listening on');
    const someone = await player(url, 'Duelist');
    const path =
      '/serviceconfigs/0b5f1c2a-3d4e-4f60-8a1b-2c3d4e5f6a7b/sessionTemplates/duel/sessions/one';
    const created = await call(url, 'PUT', path, { as: someone, body: joinBody(someone) });
    expect(created.status).toBe(201);
    expect(
      created.json<{ constants: { system: { maxMembersCount: number } } }>().constants.system
        .maxMembersCount,
    ).toBe(2);
    expect(
      (
        await call(url, 'PUT', path.replace('duel', 'default'), {
          as: someone,
          body: joinBody(someone),
        })
      ).status,
    ).toBe(404);
  });
});
