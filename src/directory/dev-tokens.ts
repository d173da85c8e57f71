/**
 * Development identities. The real service trusts tokens from Xbox Live's security service; the
 * local directory hands out its own opaque tokens instead, each bound to one XUID, gamertag, title
 * and device, so "members.me" can always be resolved to the caller without any account. They
 * expire (as XSTS tokens do), and a client refreshes on the 401 that says so.
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
  /** When the token stops working (ISO 8601); ask for a new one on the 401 that follows. */
  readonly expiration: string;
}

export interface IssueTokenRequest {
  readonly xuid: string;
  readonly gamertag: string;
  readonly titleId: string;
  readonly deviceId?: string;
  readonly follows?: readonly string[];
  /** When the token stops working (epoch ms): the local XSTS service's own lifetime. Default: the registry's. */
  readonly expiresAt?: number;
}

/** Why a caller could not be identified; every case answers 401. */
export type AuthFailure = 'missing' | 'malformed' | 'unknown' | 'expired';

/** Default lifetime of a development identity: a long play session, not forever. */
export const defaultDevIdentityLifetimeMs = 12 * 60 * 60 * 1000;

export interface DevTokenRegistryOptions {
  /** Time source of expiry. Default `Date.now`. */
  readonly clock?: { now(): number };
  /** How long an identity's token is valid. Default 12 hours. */
  readonly lifetimeMs?: number;
}

/** The `uhs` of a XUID: stable per player, as Xbox Live's user hash is. */
export function userHashOf(xuid: string): string {
  // Hex of the digest's first bytes, not a slice of its whole hex: V8 keeps a slice as a view
  // of the longer string, and a directory holds one of these per player for its lifetime.
  return createHash('sha256').update(`uhs:${xuid}`).digest().subarray(0, 10).toString('hex');
}

/**
 * What `POST /dev/tokens` answers for `token`, whichever registry issued it: the identity, its
 * user hash, the ready-made `Authorization` header and the expiry.
 */
export function issuedToken(
  request: IssueTokenRequest,
  token: string,
  expiresAt: number,
  userHash = userHashOf(request.xuid),
): IssuedToken {
  return {
    xuid: request.xuid,
    gamertag: request.gamertag,
    titleId: request.titleId,
    userHash,
    token,
    authorization: `XBL3.0 x=${userHash};${token}`,
    expiration: new Date(expiresAt).toISOString(),
  };
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
  /** Epoch ms after which the token answers 401. */
  readonly expiresAt: number;
}

/**
 * Issues and verifies dev tokens. Each expires after the registry's lifetime; as every identity
 * gets the same lifetime, the map's insertion order is also expiry order, so `purgeExpired` stops
 * at the first identity still valid (a local XSTS token, with its own shorter lifetime, may wait
 * for the next purge or its next use to be forgotten). How many there may be is the issuing endpoint's decision
 * (dev-token-desk.ts).
 */
export class DevTokenRegistry {
  readonly #byToken = new Map<string, RegisteredIdentity>();
  protected readonly clock: { now(): number };
  protected readonly lifetimeMs: number;

  constructor(options: DevTokenRegistryOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.lifetimeMs = options.lifetimeMs ?? defaultDevIdentityLifetimeMs;
  }

  /** Identities held now (expired ones included until purged). */
  get size(): number {
    return this.#byToken.size;
  }

  /** Forgets every expired identity; returns when the oldest remaining one expires, if any. */
  purgeExpired(now: number = this.clock.now()): number | undefined {
    for (const [token, identity] of this.#byToken) {
      if (identity.expiresAt > now) return identity.expiresAt;
      this.#byToken.delete(token);
    }
    return undefined;
  }

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

  /**
   * Whom a XUID follows, as its latest token declared; undefined for a XUID with no token. A scan,
   * like {@link gamertagOf}: only the presence service's privacy check asks.
   */
  followsOf(xuid: string): readonly string[] | undefined {
    let found: readonly string[] | undefined;
    for (const identity of this.#byToken.values()) {
      if (identity.xuid === xuid) found = identity.follows;
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
    const expiresAt = request.expiresAt ?? this.clock.now() + this.lifetimeMs;
    this.#byToken.set(token, {
      xuid: request.xuid,
      gamertag: request.gamertag,
      titleId: request.titleId,
      deviceId,
      deviceToken,
      follows: request.follows?.length ? [...request.follows] : noFollows,
      userHash,
      expiresAt,
    });
    return issuedToken(request, token, expiresAt, userHash);
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
        return this.#unexpired(header.slice(semicolon + 1), known);
      }
    }
    const match = headerPattern.exec(header.trim());
    if (!match) return { ok: false, reason: 'malformed' };
    const entry = this.#byToken.get(match[2] ?? '');
    if (!entry || entry.userHash !== match[1]) return { ok: false, reason: 'unknown' };
    return this.#unexpired(match[2] ?? '', entry);
  }

  #unexpired(
    token: string,
    identity: RegisteredIdentity,
  ): { ok: true; identity: CallerIdentity } | { ok: false; reason: AuthFailure } {
    if (!this.isExpired(identity)) return { ok: true, identity };
    this.#byToken.delete(token);
    return { ok: false, reason: 'expired' };
  }

  /** Whether an identity's token has passed its expiry on the registry's clock. */
  protected isExpired(identity: RegisteredIdentity): boolean {
    return this.clock.now() >= identity.expiresAt;
  }
}
