/**
 * Two `Secret`s are equal in `toEqual` / `toStrictEqual` when they hold the same value. A Secret
 * keeps its value in a private field, which vitest's structural equality cannot see, so without
 * this every pair of Secrets would compare equal and a test of which token was handed out could
 * not fail.
 */
import { expect } from 'vitest';
import { Secret } from '../src/main/account/secret';

expect.addEqualityTesters([
  function secretEquality(a: unknown, b: unknown): boolean | undefined {
    if (a instanceof Secret && b instanceof Secret) return a.reveal() === b.reveal();
    if (a instanceof Secret || b instanceof Secret) return false;
    return undefined;
  },
]);
