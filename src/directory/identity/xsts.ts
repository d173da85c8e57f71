/**
 * The local stand-in for Xbox Live's security token service (`POST /xsts/authorize`): a user token
 * becomes an XSTS token for the session directory, registered with the directory's token registry
 * so every session call accepts it until it expires. A development account set to an XErr is
 * refused the way the real service refuses accounts (401 with `XErr`), so the launcher's error
 * handling can be rehearsed.
 */
import * as z from 'zod';
import type { Clock } from '../clock';
import type { DevTokenRegistry } from '../dev-tokens';
import type { DevAccount } from './dev-accounts';
import { xboxTokenAnswer, type IdentityAnswer } from './identity-answer';

const authorizeRequest = z.object({
  RelyingParty: z.string().min(1).max(200),
  TokenType: z.literal('JWT'),
  Properties: z.object({
    SandboxId: z.string().min(1).max(64),
    UserTokens: z.array(z.string().min(1).max(8192)).length(1),
  }),
});

/** What Xbox Live's XSTS answers refused accounts; the URL is where the player fixes it. */
const refusalRedirect = 'https://start.ui.xboxlive.com/CreateAccount';

export interface LocalXstsOptions {
  readonly tokens: DevTokenRegistry;
  readonly userTokenAccount: (token: string) => DevAccount | undefined;
  readonly clock: Clock;
  readonly lifetimeMs: number;
  readonly titleId: string;
  /** The sandbox tokens are issued for; another one is refused (XErr 2148916227). */
  readonly sandbox: string;
}

/** Issues XSTS tokens for the session directory (relying party `http://xboxlive.com`). */
export class LocalXsts {
  constructor(private readonly options: LocalXstsOptions) {}

  /** `POST /xsts/authorize`. */
  authorize(body: unknown): IdentityAnswer {
    const parsed = authorizeRequest.safeParse(body);
    if (!parsed.success) return { kind: 'empty', status: 400 };
    const { RelyingParty, Properties } = parsed.data;
    const account = this.options.userTokenAccount(Properties.UserTokens[0] ?? '');
    if (account === undefined) return { kind: 'empty', status: 401 };
    if (RelyingParty !== 'http://xboxlive.com') {
      return refusal(2148916230, 'The relying party is not served by this directory.');
    }
    if (Properties.SandboxId !== this.options.sandbox) {
      return refusal(2148916227, 'The account is not allowed in this sandbox.');
    }
    if (account.xerr !== undefined) return refusal(account.xerr, '');
    const now = this.options.clock.now();
    const expiresAt = now + this.options.lifetimeMs;
    const issued = this.options.tokens.issue({
      xuid: account.xuid,
      gamertag: account.gamertag,
      titleId: this.options.titleId,
      expiresAt,
    });
    return xboxTokenAnswer(now, expiresAt, issued.token, {
      gtg: account.gamertag,
      xid: account.xuid,
      uhs: issued.userHash,
      agg: 'Adult',
      usr: '',
      utr: '',
      prv: '',
    });
  }
}

function refusal(xerr: number, message: string): IdentityAnswer {
  return {
    kind: 'json',
    status: 401,
    body: { Identity: '0', XErr: xerr, Message: message, Redirect: refusalRedirect },
  };
}
