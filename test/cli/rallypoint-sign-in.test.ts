/**
 * The built command line as a real child process against a local directory's identity services:
 * `sign-in` (device code; this test completes the verification page by POST), `whoami --json`,
 * `activate` without `--xuid` ending joined as the signed-in account, a refused account, and
 * `sign-out`. Every output, the settings file and the logs are grepped for the real token values.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  builtPrograms,
  createSession,
  removeBuiltPrograms,
} from '../main/join/join-service-fixture';
import {
  completeDeviceCode,
  signInDirectory,
  type SignInDirectory,
} from '../main/account/sign-in-fixture';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let config = '';
let local: SignInDirectory | undefined;
beforeEach(() => {
  config = mkdtempSync(join(tmpdir(), 'rallypoint-cli-config-'));
});
afterEach(async () => {
  await local?.directory.close();
  local = undefined;
  rmSync(config, { recursive: true, force: true });
});
afterAll(removeBuiltPrograms);

function rallypoint(args: readonly string[], onStdout?: (text: string) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtPrograms().cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, XDG_CONFIG_HOME: config },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      onStdout?.(stdout);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `sign-in`, completing the page it names with `account` once it prints the code. */
async function signIn(
  url: string,
  account: Record<string, string>,
  extra: string[] = [],
): Promise<Run> {
  let completed: Promise<number> | undefined;
  const run = await rallypoint(['sign-in', '--directory', url, '--verbose', ...extra], (text) => {
    const match = /open (\S+) and enter the code (\S+)/.exec(text);
    if (match && !completed)
      completed = completeDeviceCode(match[1] ?? '', match[2] ?? '', account);
  });
  expect(await completed).toBe(200);
  return run;
}

const cacheFile = () => join(config, 'rallypoint', 'accounts.json');

/** The real secrets the cache holds, to grep every other output for. */
function cachedSecrets(): string[] {
  const cache = JSON.parse(readFileSync(cacheFile(), 'utf8')) as {
    accounts: Array<{ refreshToken: string; xsts?: { token: string } }>;
  };
  return cache.accounts
    .flatMap((account) => [account.refreshToken, account.xsts?.token ?? ''])
    .filter(Boolean);
}

describe('rallypoint sign-in, whoami, activate, sign-out', () => {
  it('device code sign-in, then activate without --xuid joins as the signed-in account', async () => {
    local = await signInDirectory();
    const { url } = local.directory;
    const xuid = '2535400000000321';
    const signedIn = await signIn(url, { gamertag: 'Cli Sam', xuid });
    expect(signedIn.code, signedIn.stderr).toBe(0);
    expect(signedIn.stdout).toContain(`✔ signed in as Cli Sam (${xuid})`);
    expect(statSync(cacheFile()).mode & 0o777).toBe(0o600);

    const whoami = await rallypoint(['whoami', '--json']);
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout)).toEqual({ signedIn: true, xuid, gamertag: 'Cli Sam' });

    const session = await createSession(url);
    const invite = await session.invite({ xuid, gamertag: 'Cli Sam' });
    const link = `rallypoint://inviteHandleAccept/?handle=${invite.handleId}&invitedXuid=${xuid}&senderXuid=2533274811111111`;
    const before = local.requests.length;
    const activated = await rallypoint([
      'activate',
      link,
      '--directory',
      url,
      '--json',
      '--verbose',
    ]);
    expect(activated.code, activated.stderr).toBe(0);
    const views = activated.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { phase: string });
    expect(views.at(-1)?.phase).toBe('joined');
    expect(activated.stderr).toContain('log: ');
    // It joined with the signed-in account's XSTS token: no development token was minted.
    const during = local.requests.slice(before);
    expect(during.map((entry) => entry.path)).not.toContain('/dev/tokens');
    expect(during.find((entry) => entry.method === 'PUT')).toMatchObject({ xuid, status: 200 });

    // No token value in anything printed, nor in the settings file next to the cache.
    const secrets = cachedSecrets();
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    const printed = [signedIn, whoami, activated].map((run) => run.stdout + run.stderr).join('\n');
    const settings = readFileSync(join(config, 'rallypoint', 'sign-in.json'), 'utf8');
    for (const secret of secrets) {
      expect(printed).not.toContain(secret);
      expect(settings).not.toContain(secret);
    }

    const signedOut = await rallypoint(['sign-out']);
    expect(signedOut.code).toBe(0);
    expect(existsSync(cacheFile())).toBe(false);
    const nobody = await rallypoint(['whoami', '--json']);
    expect(nobody.code).toBe(46);
    expect(JSON.parse(nobody.stdout)).toEqual({ signedIn: false });
  }, 60_000);

  it('a token that expires in the middle of a join: 401, one refresh, joined', async () => {
    // XSTS tokens live 6 minutes; the launcher renews 5 minutes early, so it still trusts the
    // token for about a minute after the directory's clock has moved past its end.
    local = await signInDirectory({ xstsTokenMs: 6 * 60 * 1000 });
    const { url } = local.directory;
    const xuid = '2535400000000654';
    expect((await signIn(url, { gamertag: 'Late', xuid })).code).toBe(0);
    const session = await createSession(url);
    const invite = await session.invite({ xuid, gamertag: 'Late' });
    const link = `rallypoint://inviteHandleAccept/?handle=${invite.handleId}&invitedXuid=${xuid}&senderXuid=2533274811111111`;
    local.advance(6 * 60 * 1000 + 1000);
    const before = local.requests.length;
    const run = await rallypoint(['activate', link, '--directory', url, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const during = local.requests.slice(before);
    const puts = during.filter((entry) => entry.method === 'PUT').map((entry) => entry.status);
    expect(puts.slice(0, 2)).toEqual([401, 200]);
    expect(during.filter((entry) => entry.path === '/consumers/oauth2/v2.0/token')).toHaveLength(1);
    for (const secret of cachedSecrets()) expect(run.stdout + run.stderr).not.toContain(secret);
  }, 60_000);

  it('an account from another local directory is not used: activate elsewhere and demo still join', async () => {
    local = await signInDirectory();
    expect((await signIn(local.directory.url, { gamertag: 'Elsewhere' })).code).toBe(0);
    const other = await signInDirectory();
    try {
      const session = await createSession(other.directory.url);
      const me = { xuid: '2533274900000777', gamertag: 'Player777' };
      const invite = await session.invite(me);
      const link = `rallypoint://inviteHandleAccept/?handle=${invite.handleId}&invitedXuid=${me.xuid}&senderXuid=2533274811111111`;
      const run = await rallypoint([
        'activate',
        link,
        '--directory',
        other.directory.url,
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const demo = await rallypoint(['demo', '--json']);
      expect(demo.code, demo.stderr).toBe(0);
    } finally {
      await other.directory.close();
    }
  }, 60_000);

  it('an account XSTS refuses: the sentence and the action, exit 40, nothing stored', async () => {
    local = await signInDirectory();
    const run = await signIn(local.directory.url, { gamertag: 'No Profile', xerr: '2148916233' });
    expect(run.code).toBe(40);
    expect(run.stderr).toContain('This Microsoft account doesn’t have an Xbox profile yet.');
    expect(run.stderr).toContain('Create one at xbox.com, then sign in again.');
    expect(existsSync(cacheFile())).toBe(false);
  });

  it('--json prints the code and the account, never a token', async () => {
    local = await signInDirectory();
    let completed: Promise<number> | undefined;
    const run = await rallypoint(
      ['sign-in', '--directory', local.directory.url, '--json'],
      (text) => {
        const line = text.split('\n').find((candidate) => candidate.includes('"device-code"'));
        if (line && !completed) {
          const event = JSON.parse(line) as { verificationUri: string; userCode: string };
          completed = completeDeviceCode(event.verificationUri, event.userCode, {
            gamertag: 'Json',
          });
        }
      },
    );
    await completed;
    expect(run.code, run.stderr).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((event) => event.event)).toEqual(['device-code', 'signed-in']);
    for (const secret of cachedSecrets()) expect(run.stdout + run.stderr).not.toContain(secret);
  });
});
