/**
 * JSON numbers kept exactly as a client sent them. Node 20's `JSON.parse` turns a uint64 such as
 * `7698569263756403830` into the nearest double (`7698569263756404000`); MPSD stores custom
 * properties as the client wrote them. A body is parsed once: with `JSON.parse` when every number
 * in it reads back as the same text (nearly every body), and otherwise with `lossless-json`, which
 * keeps each such number as a `LosslessNumber` holding its text. `jsonText` writes those numbers
 * back verbatim; schema fields that must be numbers read them through `numberValue`.
 */
import { isLosslessNumber, LosslessNumber, parse, stringify } from 'lossless-json';

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const openBracket = 0x5b;
const closeBrace = 0x7d;
const closeBracket = 0x5d;
const minus = 0x2d;
const zero = 0x30;
const nine = 0x39;

/** Whether a character can continue a JSON number token (digits, sign, point, exponent). */
function inNumber(code: number): boolean {
  return (
    (code >= zero && code <= nine) ||
    code === 0x2e ||
    code === 0x65 ||
    code === 0x45 ||
    code === 0x2b ||
    code === minus
  );
}

/** A number token that `JSON.parse` and `JSON.stringify` would give back as the same text. */
function readsBack(token: string): boolean {
  return String(Number(token)) === token;
}

/** What one pass over a body's text found. */
export interface JsonTextScan {
  /** Deeper than the limit: the scan stopped there. */
  readonly tooDeep: boolean;
  /** Some number outside strings would not read back as the text that was sent. */
  readonly inexactNumbers: boolean;
}

/**
 * One pass over JSON text that `JSON.parse` accepted: how deep it nests (brackets inside strings do
 * not count) and whether it holds a number that would not read back as sent. It allocates only for
 * the number tokens it finds, so a join body (no numbers outside strings) costs one walk.
 */
export function scanJsonText(text: string, depthLimit: number): JsonTextScan {
  let depth = 0;
  let inString = false;
  let inexactNumbers = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === backslash) i += 1;
      else if (code === quote) inString = false;
    } else if (code === quote) {
      inString = true;
    } else if (code === openBrace || code === openBracket) {
      depth += 1;
      if (depth > depthLimit) return { tooDeep: true, inexactNumbers };
    } else if (code === closeBrace || code === closeBracket) {
      depth -= 1;
    } else if (code === minus || (code >= zero && code <= nine)) {
      let end = i + 1;
      while (end < text.length && inNumber(text.charCodeAt(end))) end += 1;
      if (!inexactNumbers && !readsBack(text.slice(i, end))) inexactNumbers = true;
      i = end - 1;
    }
  }
  return { tooDeep: false, inexactNumbers };
}

/** Keeps a number as a native number when it reads back as sent, else as its text. */
function exactNumber(token: string): number | LosslessNumber {
  return readsBack(token) ? Number(token) : new LosslessNumber(token);
}

/**
 * Parses JSON text keeping every number that would not read back as sent as a `LosslessNumber`.
 * Duplicate keys keep the last value, as `JSON.parse` does. Throws `SyntaxError` on invalid text.
 * Call it only on text whose depth is already bounded (the parser recurses).
 */
export function parseExactJson(text: string): unknown {
  return parse(text, null, {
    parseNumber: exactNumber,
    onDuplicateKey: ({ newValue }) => newValue,
  });
}

/** Whether a parsed value holds a number kept as text anywhere inside it. */
function holdsExactNumbers(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (isLosslessNumber(value)) return true;
  if (Array.isArray(value)) return value.some(holdsExactNumbers);
  for (const key in value) {
    if (Object.hasOwn(value, key) && holdsExactNumbers((value as Record<string, unknown>)[key])) {
      return true;
    }
  }
  return false;
}

/**
 * `JSON.stringify`, except that numbers kept as text are written verbatim. Values without any
 * (nearly all) go through `JSON.stringify` itself.
 */
export function jsonText(value: unknown): string {
  if (!holdsExactNumbers(value)) return JSON.stringify(value);
  return stringify(value) as string;
}

/**
 * A number kept as text, as a native number, for schema fields the directory computes with
 * (`maxMembersCount`, timeouts, indices). Anything else passes through unchanged.
 */
export function numberValue(value: unknown): unknown {
  return isLosslessNumber(value) ? Number(value.value) : value;
}
