/**
 * `rallypoint invite-link`: the built program prints both forms of an invite, and every way the
 * command can be refused answers with a reason and its exit code.
 */
import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { runInviteLink, type InviteLinkOptions } from '../../src/cli/cli-invite-link';
import { parseCliArgs } from '../../src/cli/cli-args';
import { exitCodes } from '../../src/cli/cli-exit-codes';
import { builtPrograms, removeBuiltPrograms } from '../main/join/join-service-fixture';

const handle = 'd7853aa1-6500-4fa8-a744-e093e77a4ba8';
const invited = '2814616402722312';
const sender = '2814650950488554';
const appLink = `rallypoint://inviteHandleAccept?handle=${handle}&invitedXuid=${invited}&senderXuid=${sender}`;

afterAll(() => removeBuiltPrograms());

function run(options: Partial<InviteLinkOptions>, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runInviteLink(
    { handle, json: false, ...options },
    { out: (line) => out.push(line), err: (line) => err.push(line) },
    env,
  );
  return { code, out, err };
}

describe('rallypoint invite-link', () => {
  it('the built program prints the app link and the web link of a handle', async () => {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>(
      (resolve, reject) =>
        execFile(
          process.execPath,
          [
            builtPrograms().cli,
            'invite-link',
            handle,
            '--invited',
            invited,
            '--sender',
            sender,
            '--web-base',
            'https://play.example.com/rallypoint',
          ],
          { timeout: 20_000 },
          (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr })),
        ),
    );
    expect(stderr).toBe('');
    expect(stdout).toBe(
      `app: ${appLink}\nweb: https://play.example.com/rallypoint/invite/${handle}\n`,
    );
  });

  it('reads any accepted invite link, with the directory as the base, and prints JSON', () => {
    const documented = `ms-xbl-multiplayer://inviteHandleAccept?handle=${handle.toUpperCase()}&invitedXuid=${invited}&senderXuid=${sender}&context=squad%20up`;
    const result = run({ handle: documented, directory: 'http://127.0.0.1:7777', json: true });
    expect(result).toEqual({
      code: 0,
      out: [
        JSON.stringify({
          appLink: `${appLink}&context=squad%20up`,
          webLink: `http://127.0.0.1:7777/invite/${handle}`,
        }),
      ],
      err: [],
    });
  });

  it('takes the base from RALLYPOINT_DIRECTORY_URL, the launcher setting, last', () => {
    const result = run({ invited, sender }, { RALLYPOINT_DIRECTORY_URL: 'https://dir.example' });
    expect(result.out).toEqual([`app: ${appLink}`, `web: https://dir.example/invite/${handle}`]);
    expect(run({ invited, sender, webBase: 'https://a.example' }, {}).out[1]).toBe(
      `web: https://a.example/invite/${handle}`,
    );
  });

  it('refuses, with a reason and an exit code, what it cannot make links of', () => {
    const cases: [string, Partial<InviteLinkOptions>, number, string][] = [
      ['no base', { invited, sender }, exitCodes.usage, '--web-base URL or --directory URL'],
      ['a handle without XUIDs', { webBase: 'https://x' }, exitCodes.invalidLink, '--invited'],
      ['not a handle', { handle: 'abc', webBase: 'https://x' }, exitCodes.invalidLink, 'GUID'],
      [
        'a join link',
        {
          handle: `rallypoint://activityHandleJoin?handle=${handle}&joinerXuid=${invited}&joineeXuid=${sender}`,
          webBase: 'https://x',
        },
        exitCodes.invalidLink,
        'no web form',
      ],
      [
        'a link with an encoded bidi override',
        { handle: `${appLink}&context=%E2%80%AE`, webBase: 'https://x' },
        exitCodes.invalidLink,
        'format characters',
      ],
      [
        'a bidi override given as --context',
        { invited, sender, context: 'a\u202Eb', webBase: 'https://x' },
        exitCodes.invalidLink,
        'format characters',
      ],
      ['a base with a query', { invited, sender, webBase: 'https://x/?a' }, 3, 'no credentials'],
    ];
    for (const [why, options, code, reason] of cases) {
      const result = run(options);
      expect(result.code, why).toBe(code);
      expect(result.out, why).toEqual([]);
      expect(result.err.join('\n'), why).toContain(reason);
    }
  });

  it('parses its command line strictly', () => {
    expect(parseCliArgs(['invite-link']).ok).toBe(false);
    expect(parseCliArgs(['invite-link', handle, 'extra']).ok).toBe(false);
    expect(parseCliArgs(['invite-link', handle, '--bogus']).ok).toBe(false);
    expect(parseCliArgs(['invite-link', handle, '--invited', invited, '--json'])).toEqual({
      ok: true,
      value: { kind: 'invite-link', options: { handle, invited, json: true } },
    });
  });
});
