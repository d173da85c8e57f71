/**
 * `rallypoint demo` signs its demo player in the way a player signs in, not with a development
 * token: the real device-code code (`AccountManager.signInWithDeviceCode`, OAuth → user token →
 * XSTS) against the embedded directory's own identity services. The demo plays the player's
 * browser too: it fills in the directory's device-code page with the code and the demo account.
 * Tokens stay in memory; nothing is written to the player's config folder, and the account
 * signed in on this machine (if any) is never touched.
 */
import type { AccountSummary } from '../main/account/account-manager';
import { createAccountManager } from '../main/account/account-manager';
import { localSignInSettings } from '../main/account/sign-in-settings';
import type { TokenStore } from '../main/account/token-cache';
import type { TokenProvider } from '../main/join/token-provider';
import { err, ok, type Result } from '../shared/result';
import { signInErrorTextEn } from '../shared/sign-in-text';

/** The demo player, signed in: their XSTS tokens and the profile service that names senders. */
export interface DemoAccount {
  readonly account: AccountSummary;
  readonly tokens: TokenProvider;
  readonly profileUrl: string;
}

/** A token store that lives and dies with the demo. */
function memoryTokenStore(): TokenStore {
  let text: string | undefined;
  return {
    read: async () => text,
    write: async (next) => {
      text = next;
    },
    clear: async () => {
      text = undefined;
    },
  };
}

/** Submits the device-code page as the player would: the code and the development account. */
async function enterCode(
  verificationUri: string,
  userCode: string,
  player: AccountSummary,
): Promise<void> {
  const answer = await fetch(verificationUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      user_code: userCode,
      gamertag: player.gamertag,
      xuid: player.xuid,
    }).toString(),
  });
  await answer.text();
}

/**
 * Signs `player` in against `directoryUrl`'s identity services with the device-code flow;
 * `note` prints each step. The error is a sentence a person can read.
 */
export async function signInDemoPlayer(
  directoryUrl: string,
  player: AccountSummary,
  note: (line: string) => void,
): Promise<Result<DemoAccount, string>> {
  const settings = localSignInSettings(directoryUrl);
  const accounts = createAccountManager({ settings, store: memoryTokenStore() });
  const pages: Promise<void>[] = [];
  const signedIn = await accounts.signInWithDeviceCode((prompt) => {
    note(`    device code ${prompt.userCode} at ${prompt.verificationUri}: entered for you`);
    pages.push(enterCode(prompt.verificationUri, prompt.userCode, player));
  }, new AbortController().signal);
  await Promise.allSettled(pages);
  if (!signedIn.ok) return err(signInErrorTextEn(signedIn.error.code).text);
  if (signedIn.value.xuid !== player.xuid) {
    return err(`the directory signed in ${signedIn.value.xuid}, not the demo player`);
  }
  return ok({
    account: signedIn.value,
    tokens: accounts.tokenProvider(),
    profileUrl: settings.profileUrl,
  });
}
