/**
 * Reads a request body as JSON with MPSD's 64 KB cap. The cap is checked against
 * `Content-Length` before reading and again while streaming, so an oversized or endless body costs
 * at most 64 KB of memory. Numbers are kept exactly as sent (json-numbers.ts).
 */
import type { IncomingMessage } from 'node:http';
import { parseExactJson, scanJsonText } from './json-numbers';

const maxBodyBytes = 64 * 1024;

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

/**
 * Parses a body's text as the directory keeps it: `JSON.parse` for validity (fast, and what every
 * error message is about), one scan for depth and inexact numbers, and only if the scan found a
 * number that would not read back as sent (a uint64 id, `1.0`, `1e3`), a second, lossless parse
 * that keeps those numbers as text (see json-numbers.ts).
 */
function parseJsonText(text: string): BodyResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid-json' };
  }
  const scan = scanJsonText(text, maxJsonDepth);
  if (scan.tooDeep) return { ok: false, reason: 'too-deep' };
  if (scan.inexactNumbers) value = parseExactJson(text);
  return { ok: true, value };
}

/** Why a body could not be read whole: over the cap, or its connection was cut off. */
export type BodyReadFailure = 'too-large' | 'aborted';

/**
 * Reads the body and calls `done` once: with its bytes when it is whole, or with why not. A body
 * with a `Content-Length` is settled by the chunk that completes it (Node emits `'end'` a tick
 * later); a chunked body (no length) by `'end'`. `done` runs inside that stream event, not on a
 * promise, so a request served from memory is answered in the event that delivers its body: a join
 * spent more time travelling through promises and the microtask queue than in its write. `done`
 * must not throw; it runs inside Node's stream machinery. The JSON bodies and the sign-in forms
 * both read through here, so both keep the same cap.
 */
export function readBodyBytes(
  request: IncomingMessage,
  done: (result: Buffer | BodyReadFailure) => void,
): void {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    done('too-large');
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const finish = (result: Buffer | BodyReadFailure) => {
    if (settled) return;
    settled = true;
    done(result);
  };
  const whole = () => {
    if (settled) return;
    // A small body arrives in one chunk; concatenating would only copy it.
    finish(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
  };
  request.on('data', (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size > maxBodyBytes) {
      finish('too-large');
      return;
    }
    chunks.push(chunk);
    // Node's parser never passes on more body than Content-Length declares.
    if (size === declared) whole();
  });
  request.on('end', whole);
  // No 'error' listener: a request whose connection fails emits 'error' only when one is
  // listening, and 'close' in every case, so 'close' alone settles a cut-off body.
  request.on('close', () => finish('aborted'));
}

/** Reads the body as JSON (`readBodyBytes`, then `parseJsonText`) and calls `done` once. */
export function readJsonBody(request: IncomingMessage, done: (result: BodyResult) => void): void {
  readBodyBytes(request, (bytes) => {
    if (typeof bytes === 'string') return done({ ok: false, reason: bytes });
    if (bytes.length === 0) return done({ ok: false, reason: 'empty' });
    done(parseJsonText(bytes.toString('utf8')));
  });
}
