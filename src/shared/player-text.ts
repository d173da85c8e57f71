/**
 * The one rule for text another player wrote (gamertags, an invite's `context`, values a session
 * carries) wherever it is shown or handed on: the launcher window, the web invite page and the
 * game's arguments. Applied after decoding, so a percent-encoded character is judged as what it
 * decodes to. These never reach a player or the game:
 * - control characters (Unicode category Cc: NUL, newline, escape, DEL, C1 controls);
 * - format characters (category Cf): bidi embeddings, overrides and isolates (U+202A–U+202E,
 *   U+2066–U+2069), LRM, RLM and ALM, zero-width space, non-joiner and joiner (U+200B–U+200D),
 *   the byte order mark U+FEFF, soft hyphen, tag characters and the rest of the category;
 * - lone surrogates (Cs) and the line and paragraph separators U+2028 and U+2029, which break a
 *   line where no newline was allowed.
 * Consequence: an emoji sequence joined with U+200D shows as its separate emoji. Places that can
 * turn the text away (the invite-link parser) refuse it; places that must show something (names
 * in a sentence, the web page, game arguments) strip the characters.
 */

/** One character the rule forbids (the `u` flag makes a lone surrogate one character). */
const unsafeCharacter = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u;
const unsafeCharacters = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/gu;
const controlCharacter = /\p{Cc}/u;

/** Why a text is refused: `control` (Cc) takes precedence over `format` (Cf, Cs, U+2028/9). */
export type UnsafePlayerTextKind = 'control' | 'format';

/**
 * The kind of the first forbidden character in `text`, or undefined when it has none; for the
 * places that refuse such text with a typed error rather than show it.
 */
export function unsafePlayerTextKind(text: string): UnsafePlayerTextKind | undefined {
  if (!unsafeCharacter.test(text)) return undefined;
  return controlCharacter.test(text) ? 'control' : 'format';
}

/**
 * `text` without any forbidden character, everything else kept in order; for the places that
 * show the text whatever it holds. Idempotent.
 */
export function stripUnsafePlayerText(text: string): string {
  return unsafeCharacter.test(text) ? text.replace(unsafeCharacters, '') : text;
}
