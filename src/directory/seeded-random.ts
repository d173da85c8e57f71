/**
 * A small seeded pseudo-random source (mulberry32). Fault injection must be reproducible: the same
 * seed and the same request order give the same faults, which `Math.random` cannot promise.
 */
export type RandomSource = () => number;

/** Returns a function yielding floats in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
