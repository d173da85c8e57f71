/**
 * Makes text from an untrusted source safe to put on one log line. The window's own log lines
 * come from the least trusted process; a newline in them could forge a line that looks like main's
 * ("… (join) › joined"), and bidi controls could make a line read differently from what it says.
 * Control and bidi-formatting characters are shown as `\u{…}` escapes instead.
 */
const UNSAFE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu;

export function escapeControlCharacters(text: string): string {
  return text.replace(UNSAFE, (character) => {
    const code = character.codePointAt(0) ?? 0;
    return `\\u{${code.toString(16).padStart(2, '0')}}`;
  });
}
