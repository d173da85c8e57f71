/**
 * The local stand-in for Xbox Live's user-token service (`POST /user/authenticate`): an OAuth
 * access token (`RpsTicket: "d=<access token>"`) becomes an Xbox user token for the same account.
 * User tokens are JWT-shaped like the real ones (so the launcher's redaction sees real shapes), but
 * opaque to everyone but this directory.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { Clock } from '../clock';
import type { DevAccount } from './dev-accounts';
import { xboxTokenAnswer, type IdentityAnswer } from './identity-answer';

const authenticateRequest = z.object({
  RelyingParty: z.literal('http://auth.xboxlive.com'),
  TokenType: z.literal('JWT'),
  Properties: z.object({
    AuthMethod: z.literal('RPS'),
    SiteName: z.literal('user.auth.xboxlive.com'),
    RpsTicket: z.string().min(1).max(4096),
  }),
});

/** The user hash of an account: stable per XUID, as Xbox Live's `uhs` claim is per user. */
export type UserHashOf = (xuid: string) => string;

interface UserTokenGrant {
  readonly account: DevAccount;
  readonly expiresAt: number;
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Issues user tokens for valid access tokens and resolves them for the XSTS service. */
export class LocalUserTokens {
  readonly #tokens = new Map<string, UserTokenGrant>();

  constructor(
    private readonly accountOfAccessToken: (token: string) => DevAccount | undefined,
    private readonly userHashOf: UserHashOf,
    private readonly clock: Clock,
    private readonly lifetimeMs: number,
  ) {}

  /** The account a user token stands for, while it is valid. */
  accountOf(token: string): DevAccount | undefined {
    const grant = this.#tokens.get(token);
    if (grant === undefined || this.clock.now() >= grant.expiresAt) return undefined;
    return grant.account;
  }

  /** `POST /user/authenticate`. */
  authenticate(body: unknown): IdentityAnswer {
    const parsed = authenticateRequest.safeParse(body);
    if (!parsed.success) return { kind: 'empty', status: 400 };
    const ticket = parsed.data.Properties.RpsTicket;
    const accessToken =
      ticket.startsWith('d=') || ticket.startsWith('t=') ? ticket.slice(2) : ticket;
    const account = this.accountOfAccessToken(accessToken);
    // The real service answers an unknown or expired ticket with a bare 401.
    if (account === undefined) return { kind: 'empty', status: 401 };
    const now = this.clock.now();
    const expiresAt = now + this.lifetimeMs;
    const token = [
      segment({ typ: 'JWT', alg: 'none', kid: 'rallypoint-local' }),
      segment({
        iat: Math.floor(now / 1000),
        exp: Math.floor(expiresAt / 1000),
        n: randomBytes(16).toString('hex'),
      }),
      randomBytes(32).toString('base64url'),
    ].join('.');
    this.#tokens.set(token, { account, expiresAt });
    return xboxTokenAnswer(now, expiresAt, token, { uhs: this.userHashOf(account.xuid) });
  }
}
