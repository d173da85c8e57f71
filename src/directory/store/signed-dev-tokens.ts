/**
 * Dev tokens that every directory process sharing one database accepts, and that survive a restart:
 * the token carries its identity, signed with HMAC-SHA-256 under a secret kept in the database
 * (created once by whichever process starts first). A process that never saw the token issued
 * verifies it from the token alone, synchronously, as the HTTP front expects; verified tokens are
 * remembered so a player's later requests skip the MAC and the parse.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Pool } from 'pg';
import {
  DevTokenRegistry,
  type AuthFailure,
  type CallerIdentity,
  type IssueTokenRequest,
  type IssuedToken,
  type DevTokenRegistryOptions,
  type RegisteredIdentity,
  issuedToken,
  userHashOf,
} from '../dev-tokens';

const headerPattern = /^XBL3\.0 x=([^;\s]+);(\S+)$/;
/** Payloads longer than this (long follow lists) are deflated to stay well inside a header. */
const deflateAbove = 512;
/** Verified tokens kept in memory; the map starts over past this, costing one MAC per player. */
const rememberAtMost = 200_000;

/** The identity fields a token carries, with short names since every request sends them. */
interface TokenPayload {
  readonly x: string;
  readonly g: string;
  readonly t: string;
  readonly d: string;
  readonly f?: readonly string[];
  /** Expiry, epoch ms. */
  readonly e: number;
}

const deviceTokenOf = (deviceId: string) =>
  createHash('sha256').update(`device:${deviceId}`).digest().subarray(0, 16).toString('hex');

/**
 * Reads the token secret, creating it if this database has none yet. Concurrent first starts agree:
 * the insert does nothing when another process's row is already there, and everyone reads that row.
 */
export async function loadTokenSecret(pool: Pool): Promise<Buffer> {
  await pool.query(
    `INSERT INTO directory_secrets (name, secret) VALUES ('dev-token-hmac', $1)
     ON CONFLICT (name) DO NOTHING`,
    [randomBytes(32).toString('base64')],
  );
  const found = await pool.query<{ secret: string }>(
    `SELECT secret FROM directory_secrets WHERE name = 'dev-token-hmac'`,
  );
  const secret = found.rows[0]?.secret;
  if (secret === undefined) throw new Error('the dev-token secret could not be stored');
  return Buffer.from(secret, 'base64');
}

/** A `DevTokenRegistry` whose tokens are self-contained and signed (see the module comment). */
export class SignedDevTokenRegistry extends DevTokenRegistry {
  readonly #secret: Buffer;
  readonly #verified = new Map<string, RegisteredIdentity>();

  constructor(secret: Buffer, options: DevTokenRegistryOptions = {}) {
    super(options);
    this.#secret = secret;
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload).digest('base64url');
  }

  override issue(request: IssueTokenRequest): IssuedToken {
    const payload: TokenPayload = {
      x: request.xuid,
      g: request.gamertag,
      t: request.titleId,
      d: request.deviceId ?? randomBytes(8).toString('hex'),
      ...(request.follows?.length ? { f: [...request.follows] } : {}),
      e: request.expiresAt ?? this.clock.now() + this.lifetimeMs,
    };
    const json = Buffer.from(JSON.stringify(payload));
    const body =
      json.length > deflateAbove
        ? `z${deflateRawSync(json).toString('base64url')}`
        : `j${json.toString('base64url')}`;
    return issuedToken(request, `${body}.${this.#mac(body)}`, payload.e);
  }

  override verify(
    header: string | undefined,
  ): { ok: true; identity: CallerIdentity } | { ok: false; reason: AuthFailure } {
    if (header === undefined || header === '') return { ok: false, reason: 'missing' };
    const match = headerPattern.exec(header.trim());
    if (!match) return { ok: false, reason: 'malformed' };
    const userHash = match[1] ?? '';
    const token = match[2] ?? '';
    const known = this.#verified.get(token) ?? this.#open(token);
    if (!known || known.userHash !== userHash) return { ok: false, reason: 'unknown' };
    if (this.isExpired(known)) return { ok: false, reason: 'expired' };
    return { ok: true, identity: known };
  }

  /** Checks a token's MAC and reads its identity; undefined for anything not issued with the secret. */
  #open(token: string): RegisteredIdentity | undefined {
    const dot = token.lastIndexOf('.');
    if (dot <= 1) return undefined;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.#mac(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let payload: TokenPayload;
    try {
      const bytes = Buffer.from(body.slice(1), 'base64url');
      const json = body[0] === 'z' ? inflateRawSync(bytes) : bytes;
      payload = JSON.parse(json.toString('utf8')) as TokenPayload;
    } catch {
      return undefined;
    }
    const identity = {
      xuid: payload.x,
      gamertag: payload.g,
      titleId: payload.t,
      deviceId: payload.d,
      deviceToken: deviceTokenOf(payload.d),
      follows: payload.f ?? [],
      userHash: userHashOf(payload.x),
      expiresAt: payload.e,
    };
    if (this.#verified.size >= rememberAtMost) this.#verified.clear();
    this.#verified.set(token, identity);
    return identity;
  }
}
