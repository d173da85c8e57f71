/**
 * The player-text rule (src/shared/player-text.ts): examples for each family of forbidden
 * characters, including the cases issue 18 names, and properties over any string.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripUnsafePlayerText, unsafePlayerTextKind } from '../../src/shared/player-text';

const forbidden = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u;

describe('player text: examples', () => {
  const cases: [string, string, string, 'control' | 'format'][] = [
    ['a right-to-left override', 'abc\u202Edef', 'abcdef', 'format'],
    ['a left-to-right embedding and its pop', '\u202Aname\u202C', 'name', 'format'],
    ['the four isolates', '\u2066a\u2067b\u2068c\u2069', 'abc', 'format'],
    ['LRM, RLM and ALM', '\u200Ea\u200Fb\u061Cc', 'abc', 'format'],
    ['a zero-width space, non-joiner and joiner', 'sq\u200Bu\u200Ca\u200Dd', 'squad', 'format'],
    ['a byte order mark', '\uFEFFhello', 'hello', 'format'],
    ['a soft hyphen', 'gam\u00ADer', 'gamer', 'format'],
    ['a tag character', 'x\u{E0041}', 'x', 'format'],
    ['a line and a paragraph separator', 'a\u2028b\u2029c', 'abc', 'format'],
    ['a lone surrogate', 'a\uD800b', 'ab', 'format'],
    ['a newline and a tab', 'a\nb\tc', 'abc', 'control'],
    ['NUL, escape and DEL', '\u0000\u001B[31mred\u007F', '[31mred', 'control'],
    ['a C1 control', 'a\u0085b', 'ab', 'control'],
    ['controls win over format characters', '\u202Ea\u0007', 'a', 'control'],
  ];
  for (const [why, text, stripped, kind] of cases) {
    it(`${why}: stripped and named`, () => {
      expect(stripUnsafePlayerText(text)).toBe(stripped);
      expect(unsafePlayerTextKind(text)).toBe(kind);
    });
  }

  it('keeps ordinary text of any script, emoji and combining marks as it is', () => {
    for (const text of ['Ana', 'café 🎮', 'プレイヤー', 'مرحبا', 'é', '👍🏽', '❤️', 'a b']) {
      expect(stripUnsafePlayerText(text)).toBe(text);
      expect(unsafePlayerTextKind(text)).toBeUndefined();
    }
  });

  it('shows a joined emoji sequence as its separate emoji (U+200D is a format character)', () => {
    expect(stripUnsafePlayerText('👩\u200D💻')).toBe('👩💻');
  });
});

describe('player text: properties', () => {
  const anyText = fc.string({ unit: 'binary', maxLength: 200 });

  it('leaves no forbidden character, and a text with none is named safe', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const clean = stripUnsafePlayerText(text);
        expect(forbidden.test(clean)).toBe(false);
        expect(unsafePlayerTextKind(clean)).toBeUndefined();
        expect(unsafePlayerTextKind(text) === undefined).toBe(clean === text);
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent and removes exactly the forbidden code points, in order', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const clean = stripUnsafePlayerText(text);
        expect(stripUnsafePlayerText(clean)).toBe(clean);
        const kept = [...text].filter((character) => !forbidden.test(character)).join('');
        expect(clean).toBe(kept);
      }),
      { numRuns: 500 },
    );
  });

  it('strips a format character hidden anywhere inside safe text', () => {
    const safe = fc.string({ unit: 'grapheme', maxLength: 40 }).map(stripUnsafePlayerText);
    const format = fc.constantFrom('\u202E', '\u2066', '\u2069', '\u200B', '\u200D', '\uFEFF');
    fc.assert(
      fc.property(safe, safe, format, (before, after, inserted) => {
        expect(unsafePlayerTextKind(before + inserted + after)).toBe('format');
        expect(stripUnsafePlayerText(before + inserted + after)).toBe(before + after);
      }),
      { numRuns: 300 },
    );
  });
});
