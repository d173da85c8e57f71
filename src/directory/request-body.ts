/**
 * Reads a request body as JSON with MPSD's 64 KB cap. The cap is checked against
 * `Content-Length` before reading and again while streaming, so an oversized or endless body costs
 * at most 64 KB of memory.
 */
import type { IncomingMessage } from 'node:http';

export const maxBodyBytes = 64 * 1024;

/**
 * Deepest nesting a body may have. Without a cap a 64 KB body of nested arrays parses, is stored in
 * a custom property, and then overflows the stack every time the session is rendered.
 */
export const maxJsonDepth = 32;

export type BodyResult =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly reason: 'too-large' | 'invalid-json' | 'too-deep' | 'empty' | 'aborted';
    };

const openBrace = 0x7b;
const openBracket = 0x5b;
const closeBrace = 0x7d;
const closeBracket = 0x5d;
const quote = 0x22;
const backslash = 0x5c;
const openings = ['{', '['] as const;

/**
 * Whether `text` has more than `limit` opening brackets, in strings or not. Text with no more than
 * that cannot nest deeper, and most bodies have a handful: `indexOf` finds them several times
 * faster than the character-by-character walk, which then runs only on bodies where depth could
 * matter.
 */
function opensMoreThan(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of openings) {
    for (let at = text.indexOf(bracket); at >= 0; at = text.indexOf(bracket, at + 1)) {
      count += 1;
      if (count > limit) return true;
    }
  }
  return false;
}

/**
 * True when the JSON `text` nests objects or arrays deeper than `limit`. It reads the text, not the
 * parsed value, allocating nothing (walking the parsed value built an array of every object's
 * values): a count of opening brackets, then, only if there are more than `limit`, one pass over
 * the characters. Brackets inside strings do not count. Run it on text `JSON.parse` accepted: on
 * other text its answer means nothing.
 */
export function jsonTextDeeperThan(text: string, limit: number): boolean {
  if (!opensMoreThan(text, limit)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === backslash) i += 1;
      else if (code === quote) inString = false;
    } else if (code === quote) {
      inString = true;
    } else if (code === openBrace || code === openBracket) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === closeBrace || code === closeBracket) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * Reads the body and calls `done` once: when it is whole, too large, or cut off. A body with a
 * `Content-Length` is settled by the chunk that completes it (Node emits `'end'` a tick later);
 * a chunked body (no length) by `'end'`. `done` runs inside that stream event, not on a promise, so
 * a request served from memory is answered in the event that delivers its body: a join spent more
 * time travelling through promises and the microtask queue than in its write. `done` must not
 * throw; it runs inside Node's stream machinery.
 */
export function readJsonBody(request: IncomingMessage, done: (result: BodyResult) => void): void {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    done({ ok: false, reason: 'too-large' });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const finish = (result: BodyResult) => {
    if (settled) return;
    settled = true;
    done(result);
  };
  const parse = () => {
    if (settled) return;
    if (size === 0) return finish({ ok: false, reason: 'empty' });
    // A small body arrives in one chunk; concatenating would only copy it.
    const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
    const text = bytes.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return finish({ ok: false, reason: 'invalid-json' });
    }
    if (jsonTextDeeperThan(text, maxJsonDepth)) finish({ ok: false, reason: 'too-deep' });
    else finish({ ok: true, value });
  };
  request.on('data', (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size > maxBodyBytes) {
      finish({ ok: false, reason: 'too-large' });
      return;
    }
    chunks.push(chunk);
    // Node's parser never passes on more body than Content-Length declares.
    if (size === declared) parse();
  });
  request.on('end', parse);
  // No 'error' listener: a request whose connection fails emits 'error' only when one is
  // listening, and 'close' in every case, so 'close' alone settles a cut-off body.
  request.on('close', () => finish({ ok: false, reason: 'aborted' }));
}
