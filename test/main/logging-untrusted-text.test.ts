/**
 * Which characters of untrusted text are escaped before it goes on a log line: every control
 * character (C0, DEL, C1), the line and paragraph separators and each bidi control, shown as
 * `\u{…}`; the characters next to each range of that set are kept as they are, so the set is
 * pinned at both ends (found by mutation testing of the set's pattern).
 */
import { describe, expect, it } from 'vitest';
import { escapeControlCharacters } from '../../src/main/logging/untrusted-text';

const hex = (code: number) => code.toString(16).padStart(2, '0');

/** Test rows named by their code point as Unicode writes it: `[name, U+…, code]`. */
const named = (rows: [string, number][]) =>
  rows.map(
    ([name, code]) => [name, code.toString(16).toUpperCase().padStart(4, '0'), code] as const,
  );

describe('escapeControlCharacters', () => {
  it.each(
    named([
      ['NUL, the first C0 control', 0x00],
      ['line feed', 0x0a],
      ['carriage return', 0x0d],
      ['unit separator, the last C0 control', 0x1f],
      ['DEL', 0x7f],
      ['the first C1 control', 0x80],
      ['next line (NEL)', 0x85],
      ['the last C1 control', 0x9f],
      ['the Arabic letter mark', 0x061c],
      ['the left-to-right mark', 0x200e],
      ['the right-to-left mark', 0x200f],
      ['left-to-right embedding, the first of the embedding controls', 0x202a],
      ['pop directional formatting', 0x202c],
      ['right-to-left override, the last of the embedding controls', 0x202e],
      ['left-to-right isolate, the first of the isolates', 0x2066],
      ['first strong isolate', 0x2068],
      ['pop directional isolate, the last of the isolates', 0x2069],
      ['the line separator', 0x2028],
      ['the paragraph separator', 0x2029],
    ]),
  )('escapes %s (U+%s)', (_name, _shown, code) => {
    const character = String.fromCodePoint(code);
    expect(escapeControlCharacters(`a${character}b${character}`)).toBe(
      `a\\u{${hex(code)}}b\\u{${hex(code)}}`,
    );
  });

  it.each(
    named([
      ['space, after the C0 controls', 0x20],
      ['tilde, before DEL', 0x7e],
      ['no-break space, after the C1 controls', 0xa0],
      ['an Arabic comma', 0x060c],
      ['the Arabic character after the letter mark', 0x061d],
      ['zero width joiner, before the left-to-right mark', 0x200d],
      ['the hyphen after the right-to-left mark', 0x2010],
      ['the ellipsis before the line separator', 0x2026],
      ['narrow no-break space, after the embedding controls', 0x202f],
      ['invisible plus, before the isolates', 0x2064],
      ['inhibit symmetric swapping, after the isolates', 0x206a],
      ['an accented letter', 0xe9],
      ['an emoji', 0x1f3ae],
    ]),
  )('keeps %s (U+%s) as it is', (_name, _shown, code) => {
    const text = `a${String.fromCodePoint(code)}b`;
    expect(escapeControlCharacters(text)).toBe(text);
  });

  it('escapes each unsafe character of a line, not only the first', () => {
    expect(escapeControlCharacters('one\ntwo\r\u202ethree\u0085')).toBe(
      'one\\u{0a}two\\u{0d}\\u{202e}three\\u{85}',
    );
  });
});
