import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignedDevTokenRegistry } from '../../src/directory/store/signed-dev-tokens';

/** The PostgreSQL store's tokens are self-contained, so an XSTS token's expiry must travel inside it. */
describe('signed dev tokens', () => {
  const request = { xuid: '2533274800000001', gamertag: 'Alpha', titleId: '1234' };

  it('accepts an XSTS token until its expiry on the directory clock, then answers expired', () => {
    let now = 1_000_000;
    const secret = randomBytes(32);
    const issuer = new SignedDevTokenRegistry(secret, { clock: { now: () => now } });
    const issued = issuer.issue({ ...request, expiresAt: now + 60_000 });
    // Another worker with the same secret and clock reads the expiry from the token itself.
    const other = new SignedDevTokenRegistry(secret, { clock: { now: () => now } });
    expect(other.verify(issued.authorization)).toMatchObject({ ok: true });
    now += 60_000;
    expect(other.verify(issued.authorization)).toEqual({ ok: false, reason: 'expired' });
    expect(issuer.verify(issued.authorization)).toEqual({ ok: false, reason: 'expired' });
  });

  it('gives a dev token the registry lifetime, as the in-memory registry does', () => {
    let now = 0;
    const registry = new SignedDevTokenRegistry(randomBytes(32), {
      clock: { now: () => now },
      lifetimeMs: 1_000,
    });
    const issued = registry.issue(request);
    expect(issued.expiration).toBe(new Date(1_000).toISOString());
    now = 999;
    expect(registry.verify(issued.authorization)).toMatchObject({
      ok: true,
      identity: { xuid: request.xuid },
    });
    now = 1_000;
    expect(registry.verify(issued.authorization)).toEqual({ ok: false, reason: 'expired' });
  });
});
