/**
 * Development identities. The real service trusts tokens from Xbox Live's security service; the
 * local directory hands out its own opaque tokens instead, each bound to one XUID, gamertag, title
 * and device, so "members.me" can always be resolved to the caller without any account.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Who is calling, as resolved from an `Authorization: XBL3.0 x=<userHash>;<token>` header. */
export interface CallerIdentity {
  readonly xuid: string;
  readonly gamertag: string;
  readonly titleId: string;
  /** Device the token was issued to; `joinRestriction: local` compares it. */
  readonly deviceId: string;
  /** MPSD device token derived from the device, published once a secureDeviceAddress is set. */
  readonly deviceToken: string;
  /** XUIDs this identity follows; `joinRestriction: followed` consults it. */
  readonly follows: readonly string[];
}

/** What `POST /dev/tokens` answers. */
export interface IssuedToken {
  readonly xuid: string;
  readonly gamertag: string;
  readonly titleId: string;
  readonly userHash: string;
  readonly token: string;
  readonly authorization: string;
}

export interface IssueTokenRequest {
  readonly xuid: string;
  readonly gamertag: string;
  readonly titleId: string;
  readonly deviceId?: string;
  readonly follows?: readonly string[];
  /** Epoch ms after which the token is refused (XSTS tokens); dev tokens never expire. */
  readonly expiresAt?: number;
}

/** Why a caller could not be identified; every case answers 401. */
export type AuthFailure = 'missing' | 'malformed' | 'unknown' | 'expired';

/** The `uhs` of a XUID: stable per player, as Xbox Live's user hash is. */
export function userHashOf(xuid: string): string {
  // Hex of the digest's first bytes, not a slice of its whole hex: V8 keeps a slice as a view
  // of the longer string, and a directory holds one of these per player for its lifetime.
  return createHash('sha256').update(`uhs:${xuid}`).digest().subarray(0, 10).toString('hex');
}

const headerPattern = /^XBL3\.0 x=([^;\s]+);(\S+)$/;
const schemePrefix = 'XBL3.0 x=';

/** Shared by every identity that follows nobody (most of them). */
const noFollows: readonly string[] = Object.freeze([]);

/**
 * What the registry keeps per token: the identity itself with the user hash the header must carry.
 * One object per player, not an entry object pointing at the identity: 34 bytes less held per
 * player (436 to 402 with 96 000 tokens), and one dependent read fewer when a token is verified,
 * which is a cold read in a map of every player.
 */
export interface RegisteredIdentity extends CallerIdentity {
  readonly userHash: string;
  /** Only on XSTS tokens, so dev-token identities keep their size. */
  readonly expiresAt?: number;
}

/**
 * Issues and verifies dev tokens and the local XSTS service's tokens; dev tokens live as long as
 * the directory process, XSTS tokens until their `expiresAt` (checked against `now`).
 */
export class DevTokenRegistry {
  readonly #byToken = new Map<string, RegisteredIdentity>();

  constructor(protected readonly now: () => number = Date.now) {}

  /**
   * The gamertag a XUID last had a token for, for the local profile service. A scan: only profile
   * lookups use it, and an index would cost every player memory for the join path's sake.
   */
  gamertagOf(xuid: string): string | undefined {
    let found: string | undefined;
    for (const identity of this.#byToken.values()) {
      if (identity.xuid === xuid) found = identity.gamertag;
    }
    return found;
  }

  issue(request: IssueTokenRequest): IssuedToken {
    const token = randomBytes(24).toString('base64url');
    const userHash = userHashOf(request.xuid);
    const deviceId = request.deviceId ?? randomBytes(8).toString('hex');
    const deviceToken = createHash('sha256')
      .update(`device:${deviceId}`)
      .digest()
      .subarray(0, 16)
      .toString('hex');
    this.#byToken.set(token, {
      xuid: request.xuid,
      gamertag: request.gamertag,
      titleId: request.titleId,
      deviceId,
      deviceToken,
      follows: request.follows?.length ? [...request.follows] : noFollows,
      userHash,
      ...(request.expiresAt === undefined ? {} : { expiresAt: request.expiresAt }),
    });
    return {
      xuid: request.xuid,
      gamertag: request.gamertag,
      titleId: request.titleId,
      userHash,
      token,
      authorization: `XBL3.0 x=${userHash};${token}`,
    };
  }

  /** Resolves an Authorization header value to the identity it was issued for. */
  verify(
    header: string | undefined,
  ): { ok: true; identity: CallerIdentity } | { ok: false; reason: AuthFailure } {
    if (header === undefined || header === '') return { ok: false, reason: 'missing' };
    // The common case, a well-formed header with a known token, is recognised without running
    // the pattern: a known token and its user hash have no spaces or semicolons, so finding both
    // in place proves the header well-formed. Anything else takes the pattern, which also tells
    // a malformed header from an unknown token.
    const semicolon = header.indexOf(';', schemePrefix.length);
    if (semicolon > schemePrefix.length && header.startsWith(schemePrefix)) {
      const known = this.#byToken.get(header.slice(semicolon + 1));
      if (
        known !== undefined &&
        semicolon === schemePrefix.length + known.userHash.length &&
        header.startsWith(known.userHash, schemePrefix.length)
      ) {
        return this.unexpired(known);
      }
    }
    const match = headerPattern.exec(header.trim());
    if (!match) return { ok: false, reason: 'malformed' };
    const entry = this.#byToken.get(match[2] ?? '');
    if (!entry || entry.userHash !== match[1]) return { ok: false, reason: 'unknown' };
    return this.unexpired(entry);
  }

  protected unexpired(
    identity: RegisteredIdentity,
  ): { ok: true; identity: CallerIdentity } | { ok: false; reason: AuthFailure } {
    if (identity.expiresAt !== undefined && this.now() >= identity.expiresAt) {
      return { ok: false, reason: 'expired' };
    }
    return { ok: true, identity };
  }
}
