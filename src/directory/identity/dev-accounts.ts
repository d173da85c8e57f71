/**
 * Development Microsoft accounts for the local identity services. The real services know a player
 * by their Microsoft account; the local directory lets whoever signs in pick a gamertag (and
 * optionally a XUID and an XSTS refusal to rehearse), so sign-in can be exercised end to end
 * without an account.
 */
import { createHash } from 'node:crypto';

/** The XSTS refusals Xbox Live documents, which a development account can be set to receive. */
export const xstsRefusals = [2148916233, 2148916235, 2148916236, 2148916237, 2148916238] as const;
export type XstsRefusal = (typeof xstsRefusals)[number];

/** One development account. */
export interface DevAccount {
  readonly xuid: string;
  readonly gamertag: string;
  /** When set, `/xsts/authorize` refuses this account with this XErr. */
  readonly xerr?: XstsRefusal;
}

/** What a sign-in page's form may name; everything is checked before use. */
export interface DevAccountInput {
  readonly gamertag?: string;
  readonly xuid?: string;
  readonly xerr?: string;
}

const gamertagPattern = /^[A-Za-z0-9 ]{1,15}$/;
const xuidPattern = /^[1-9]\d{0,19}$/;

/** A XUID in the range real ones use, stable per gamertag, for accounts that name none. */
function xuidFor(gamertag: string): string {
  const digest = createHash('sha256').update(`account:${gamertag.toLowerCase()}`).digest();
  return String(2535400000000000n + (digest.readBigUInt64BE(0) % 100000000000n));
}

/** Checks a sign-in form's account fields; the message is shown on the page. */
export function parseDevAccount(
  input: DevAccountInput,
): { ok: true; account: DevAccount } | { ok: false; message: string } {
  const gamertag = (input.gamertag ?? '').trim();
  if (!gamertagPattern.test(gamertag)) {
    return { ok: false, message: 'A gamertag is 1 to 15 letters, digits or spaces.' };
  }
  const xuidText = (input.xuid ?? '').trim();
  if (xuidText !== '' && !xuidPattern.test(xuidText)) {
    return { ok: false, message: 'A XUID is 1 to 20 digits.' };
  }
  const xerrText = (input.xerr ?? '').trim();
  const xerr = xstsRefusals.find((code) => String(code) === xerrText);
  if (xerrText !== '' && xerr === undefined) {
    return { ok: false, message: 'That XSTS refusal is not one the directory knows.' };
  }
  return {
    ok: true,
    account: {
      gamertag,
      xuid: xuidText === '' ? xuidFor(gamertag) : xuidText,
      ...(xerr === undefined ? {} : { xerr }),
    },
  };
}

/** Every development account that signed in, by XUID (the latest sign-in's settings win). */
export class DevAccountStore {
  readonly #byXuid = new Map<string, DevAccount>();

  remember(account: DevAccount): DevAccount {
    this.#byXuid.set(account.xuid, account);
    return account;
  }

  get(xuid: string): DevAccount | undefined {
    return this.#byXuid.get(xuid);
  }

  /** Most recent first, for the authorize page's account picker. */
  list(): DevAccount[] {
    return [...this.#byXuid.values()].reverse();
  }
}
