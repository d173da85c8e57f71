/**
 * The field-wise merge MPSD applies to property bags, and the JSON equality that decides whether a
 * write changed anything (src/directory/json-merge.ts). The HTTP suites (session-properties,
 * status-codes' idempotent re-send) prove it is wired in; these pin each rule on its own
 * (mutation testing, docs/quality.md).
 */
import { describe, expect, it } from 'vitest';
import { mergeFields, sameJson } from '../../src/directory/json-merge';
import { parseExactJson } from '../../src/directory/json-numbers';

describe('mergeFields', () => {
  const base = Object.freeze({ map: 'Dunes', mode: 'ctf', level: { n: 1 } });

  it('keeps the very base object when there is no delta or nothing in it changes anything', () => {
    for (const delta of [undefined, {}, { map: 'Dunes' }, { level: { n: 1 } }, { gone: null }]) {
      const merged = mergeFields(base, delta);
      expect(merged.changed, JSON.stringify(delta)).toBe(false);
      expect(merged.value).toBe(base);
    }
  });

  it('replaces a field, adds a new one, and keeps the fields the delta leaves out', () => {
    const merged = mergeFields(base, { map: 'Ruins', score: 0 });
    expect(merged).toEqual({
      changed: true,
      value: { map: 'Ruins', mode: 'ctf', level: { n: 1 }, score: 0 },
    });
    expect(base).toEqual({ map: 'Dunes', mode: 'ctf', level: { n: 1 } });
  });

  it('replaces a nested value as a whole when it differs', () => {
    expect(mergeFields(base, { level: { n: 2 } }).value).toEqual({
      map: 'Dunes',
      mode: 'ctf',
      level: { n: 2 },
    });
  });

  it('deletes a field set to null, and skips an undefined one', () => {
    const merged = mergeFields(base, { mode: null, map: undefined });
    expect(merged.changed).toBe(true);
    expect(merged.value).toEqual({ map: 'Dunes', level: { n: 1 } });
    expect(Object.hasOwn(merged.value, 'mode')).toBe(false);
    expect(Object.isFrozen(merged.value)).toBe(false);
  });

  it('treats a field set to null that only an inherited property holds as absent', () => {
    const inherited = Object.create({ shadow: 1 }) as Record<string, unknown>;
    inherited.own = 2;
    expect(mergeFields(inherited, { shadow: null })).toEqual({ value: inherited, changed: false });
  });

  it('ignores fields a delta only inherits', () => {
    const delta = Object.create({ inherited: 'yes' }) as Record<string, unknown>;
    expect(mergeFields(base, delta)).toEqual({ value: base, changed: false });
    delta.own = 1;
    expect(mergeFields(base, delta).value).toEqual({ ...base, own: 1 });
  });

  it('sets a field equal to one the base only inherits as its own', () => {
    const inherited = Object.create({ shadow: 1 }) as Record<string, unknown>;
    const merged = mergeFields(inherited, { shadow: 1 });
    expect(merged.changed).toBe(true);
    expect(Object.hasOwn(merged.value, 'shadow')).toBe(true);
  });

  it('stores "__proto__" as an ordinary field, never as the prototype', () => {
    const delta = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<
      string,
      unknown
    >;
    const merged = mergeFields({}, delta);
    expect(merged.changed).toBe(true);
    expect(Object.getPrototypeOf(merged.value)).toBe(Object.prototype);
    expect((merged.value as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(merged.value, '__proto__')).toEqual({
      value: { polluted: true },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    expect(JSON.stringify(merged.value)).toBe('{"__proto__":{"polluted":true},"x":1}');
    // A later merge replaces or deletes it as any other field.
    const again = { ...merged.value };
    Object.defineProperty(again, '__proto__', {
      value: { polluted: true },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    expect(mergeFields(again, JSON.parse('{"__proto__": null}')).value).toEqual({ x: 1 });
  });
});

describe('sameJson', () => {
  it('is true for the same primitive and for structurally equal objects and arrays', () => {
    expect(sameJson(1, 1)).toBe(true);
    expect(sameJson('a', 'a')).toBe(true);
    expect(sameJson(null, null)).toBe(true);
    expect(sameJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameJson([1, 2], [1, 2])).toBe(true);
  });

  it('is false for different values, and for an object against a non-object', () => {
    expect(sameJson(1, 2)).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameJson([1], [1, 2])).toBe(false);
    expect(sameJson({}, null)).toBe(false);
    expect(sameJson(null, {})).toBe(false);
    expect(sameJson('{}', {})).toBe(false);
    expect(sameJson({}, '{}')).toBe(false);
  });

  it('never equates values JSON would write alike: NaN, Infinity and null', () => {
    expect(sameJson(Number.NaN, null)).toBe(false);
    expect(sameJson(null, Number.NaN)).toBe(false);
    expect(sameJson(Number.NaN, Number.POSITIVE_INFINITY)).toBe(false);
    expect(sameJson([Number.NaN], [null])).toBe(true);
  });

  it('compares numbers kept as text by their text', () => {
    const exact = parseExactJson('{"big": 12345678901234567890}');
    const same = parseExactJson('{"big": 12345678901234567890}');
    const other = parseExactJson('{"big": 12345678901234567891}');
    expect(sameJson(exact, same)).toBe(true);
    expect(sameJson(exact, other)).toBe(false);
  });
});
