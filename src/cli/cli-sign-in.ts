/**
 * `rallypoint sign-in`, `sign-out` and `whoami`, and the signed-in account `activate` uses. Loaded
 * lazily by src/cli/rallypoint.ts so the join commands do not pay for OAuth at start-up.
 *
 * Sign-in settings: `--directory URL` signs in against that directory's own identity services
 * (development); otherwise `sign-in.json` in the config folder holds a studio's settings
 * (docs/sign-in.md). The settings used are kept next to the token cache so later commands refresh
 * against the same services. Output never carries a token: `--json` prints account summaries.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import {
  createAccountManager,
  type AccountManager,
  type AccountSummary,
} from '../main/account/account-manager';
import {
  checkSignInSettings,
  isLoopbackHttp,
  localSignInSettings,
  type SignInSettings,
} from '../main/account/sign-in-settings';
import { fileTokenStore } from '../main/account/token-cache';
import { signInErrorTextEn } from '../shared/sign-in-text';
import type { CliIo } from './cli-io';
import type { AccountCommandOptions } from './cli-account-args';
import { cliSignInFiles } from './cli-config-folder';
import { exitCodes, signInErrorExitCodes } from './cli-exit-codes';

const settingsFile = z.object({
  signIn: z.object({
    clientId: z.string().min(1),
    authority: z.string().min(1),
    scope: z.string().min(1),
    sandbox: z.string().min(1),
    userTokenUrl: z.string().min(1),
    xstsUrl: z.string().min(1),
    profileUrl: z.string().min(1),
    relyingParty: z.string().min(1),
  }),
});

async function readSettings(path: string): Promise<SignInSettings | undefined> {
  try {
    const parsed = settingsFile.safeParse(JSON.parse(await readFile(path, 'utf8')));
    if (!parsed.success) return undefined;
    const checked = checkSignInSettings(parsed.data.signIn);
    return checked.ok ? checked.value : undefined;
  } catch {
    return undefined;
  }
}

function manager(
  settings: SignInSettings,
  options: AccountCommandOptions,
  io: CliIo,
): AccountManager {
  const files = cliSignInFiles();
  return createAccountManager({
    settings,
    store: fileTokenStore(files.tokens),
    ...(options.verbose ? { log: (line: string) => io.err(`log: ${line}`) } : {}),
  });
}

/** `rallypoint sign-in`: device code; prints the URL and code, waits for the player. */
export async function runSignIn(options: AccountCommandOptions, io: CliIo): Promise<number> {
  const files = cliSignInFiles();
  let resolved: SignInSettings | undefined;
  if (options.directory !== undefined) {
    const checked = checkSignInSettings(localSignInSettings(options.directory));
    if (!checked.ok) {
      io.err(`rallypoint: --directory: ${checked.error}`);
      return exitCodes.invalidConfig;
    }
    resolved = checked.value;
  } else {
    resolved = await readSettings(files.settings);
  }
  if (resolved === undefined) {
    io.err(`rallypoint: sign-in needs --directory URL, or a "signIn" section in ${files.settings}`);
    return exitCodes.invalidConfig;
  }
  const accounts = manager(resolved, options, io);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await accounts.signInWithDeviceCode((prompt) => {
      if (options.json) {
        io.out(
          JSON.stringify({
            event: 'device-code',
            verificationUri: prompt.verificationUri,
            userCode: prompt.userCode,
            expiresInS: prompt.expiresInS,
          }),
        );
      } else {
        io.out(`To sign in, open ${prompt.verificationUri} and enter the code ${prompt.userCode}`);
        io.out('  waiting for you to finish in the browser… (Ctrl-C cancels)');
      }
    }, controller.signal);
    if (!result.ok) {
      const text = signInErrorTextEn(result.error.code);
      if (options.json) {
        io.out(
          JSON.stringify({
            event: 'failed',
            code: result.error.code,
            ...(result.error.xerr ? { xerr: result.error.xerr } : {}),
            text: text.text,
            action: text.action,
          }),
        );
      } else {
        io.err(`✖ ${text.text}`);
        io.err(`  ${text.action}`);
      }
      return signInErrorExitCodes[result.error.code];
    }
    await mkdir(dirname(files.settings), { recursive: true, mode: 0o700 });
    await writeFile(files.settings, `${JSON.stringify({ signIn: resolved }, null, 2)}\n`, {
      mode: 0o600,
    });
    if (options.json) io.out(JSON.stringify({ event: 'signed-in', ...result.value }));
    else io.out(`✔ signed in as ${result.value.gamertag} (${result.value.xuid})`);
    return exitCodes.joined;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `rallypoint sign-out`: deletes the token cache and the sign-in settings it was made with. */
export async function runSignOut(options: AccountCommandOptions, io: CliIo): Promise<number> {
  const files = cliSignInFiles();
  await rm(files.tokens, { force: true });
  await rm(files.settings, { force: true });
  if (options.json) io.out(JSON.stringify({ event: 'signed-out' }));
  else io.out('✔ signed out; nothing of the account is stored any more');
  return exitCodes.joined;
}

/**
 * The signed-in account and its manager, when there is one that can work with `directoryUrl`: an
 * account signed in against a local directory's own identity services is only known to that
 * directory, so it is not used with another one (the embedded directory each `activate` starts).
 */
export async function signedInAccount(
  options: AccountCommandOptions,
  io: CliIo,
  directoryUrl?: string,
): Promise<
  | {
      readonly account: AccountSummary;
      readonly accounts: AccountManager;
      /** Where the account's services are (its profile service names invite senders). */
      readonly settings: SignInSettings;
    }
  | undefined
> {
  const settings = await readSettings(cliSignInFiles().settings);
  if (settings === undefined) return undefined;
  if (
    directoryUrl !== undefined &&
    isLoopbackHttp(settings.authority) &&
    !settings.authority.startsWith(`${directoryUrl.replace(/\/+$/, '')}/`)
  ) {
    if (options.verbose) io.err('log: the signed-in account belongs to another local directory');
    return undefined;
  }
  const accounts = manager(settings, options, io);
  const account = await accounts.current();
  return account === undefined ? undefined : { account, accounts, settings };
}

/** `rallypoint whoami [--json]`: the signed-in account, or exit 46 when there is none. */
export async function runWhoami(options: AccountCommandOptions, io: CliIo): Promise<number> {
  const signedIn = await signedInAccount(options, io);
  if (signedIn === undefined) {
    if (options.json) io.out(JSON.stringify({ signedIn: false }));
    else io.err(signInErrorTextEn('not-signed-in').text);
    return signInErrorExitCodes['not-signed-in'];
  }
  if (options.json) io.out(JSON.stringify({ signedIn: true, ...signedIn.account }));
  else io.out(`${signedIn.account.gamertag} (${signedIn.account.xuid})`);
  return exitCodes.joined;
}
