/**
 * How many development identities a directory holds, against `--dev-identities-max`. In one process
 * the registry itself holds them (expired ones are forgotten first); on PostgreSQL the tokens are
 * signed and held nowhere, so the count lives in the database (`postgres-dev-identity-cap.ts`) and
 * the cap holds across every worker and machine sharing it.
 */
import type { Awaitable } from './awaitable';
import type { DevTokenRegistry } from './dev-tokens';

/** A place taken for one new identity, or the refusal with when the next place frees (epoch ms). */
export type CapDecision =
  { readonly ok: true } | { readonly ok: false; readonly nextExpiry: number | undefined };

/** Counts identities against the cap. `take` counts the new one when it answers ok. */
export interface DevIdentityCap {
  take(now: number, max: number): Awaitable<CapDecision>;
}

/** The cap of one process: the registry's own identities (the in-memory store's). */
export function registryCap(registry: DevTokenRegistry): DevIdentityCap {
  return {
    take(now, max) {
      if (registry.size < max) return { ok: true };
      const nextExpiry = registry.purgeExpired(now);
      return registry.size < max ? { ok: true } : { ok: false, nextExpiry };
    },
  };
}
